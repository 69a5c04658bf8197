//! `spec.baseline`: the custom patch baseline and its patch groups.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Operating systems a patch baseline can be for.
#[allow(non_camel_case_types, clippy::upper_case_acronyms)]
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum OperatingSystem {
    /// Windows Server.
    WINDOWS,
    /// Amazon Linux.
    AMAZON_LINUX,
    /// Amazon Linux 2.
    AMAZON_LINUX_2,
    /// Amazon Linux 2022.
    AMAZON_LINUX_2022,
    /// Amazon Linux 2023.
    AMAZON_LINUX_2023,
    /// Ubuntu.
    UBUNTU,
    /// Red Hat Enterprise Linux.
    REDHAT_ENTERPRISE_LINUX,
    /// SUSE Linux Enterprise Server.
    SUSE,
    /// CentOS.
    CENTOS,
    /// Oracle Linux.
    ORACLE_LINUX,
    /// Debian.
    DEBIAN,
    /// macOS.
    MACOS,
    /// Raspberry Pi OS.
    RASPBIAN,
    /// Rocky Linux.
    ROCKY_LINUX,
    /// AlmaLinux.
    ALMA_LINUX,
}

/// Patch filter keys (`PatchFilter.Key`).
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PatchFilterKey {
    /// Advisory ID.
    AdvisoryId,
    /// Architecture.
    Arch,
    /// Bugzilla ID.
    BugzillaId,
    /// Classification, e.g. `SecurityUpdates`, `Security`.
    Classification,
    /// CVE ID.
    CveId,
    /// Epoch.
    Epoch,
    /// MSRC severity (Windows).
    MsrcSeverity,
    /// Package name.
    Name,
    /// Patch ID.
    PatchId,
    /// Patch set (Windows: OS or APPLICATION).
    PatchSet,
    /// Priority (Debian/Ubuntu).
    Priority,
    /// Product, e.g. `AmazonLinux2023`, `WindowsServer2022`.
    Product,
    /// Product family.
    ProductFamily,
    /// Release.
    Release,
    /// Repository.
    Repository,
    /// Section (Debian/Ubuntu).
    Section,
    /// Security.
    Security,
    /// Severity, e.g. `Critical`, `Important`.
    Severity,
    /// Version.
    Version,
}

/// Compliance severity of patches a rule approves.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceLevel {
    /// Critical.
    Critical,
    /// High.
    High,
    /// Medium.
    Medium,
    /// Low.
    Low,
    /// Informational.
    Informational,
    /// Unspecified.
    #[default]
    Unspecified,
}

/// What happens to rejected patches.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RejectedPatchesAction {
    /// Installed when another package depends on it.
    #[default]
    AllowAsDependency,
    /// Never installed.
    Block,
}

/// A patch filter.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchFilter {
    /// Filter key.
    pub key: PatchFilterKey,
    /// Values, e.g. `["Security", "Bugfix"]` or `["*"]`.
    #[schemars(length(min = 1, max = 20))]
    pub values: Vec<String>,
}

/// An approval rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.approveAfterDays) != has(self.approveUntilDate)").message("set exactly one of approveAfterDays or approveUntilDate"))]
#[serde(rename_all = "camelCase")]
pub struct ApprovalRule {
    /// Patches the rule applies to (all filters must match).
    #[schemars(length(min = 1, max = 10))]
    pub patch_filters: Vec<PatchFilter>,
    /// Approve patches this many days after release (0-360).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 360))]
    pub approve_after_days: Option<i32>,
    /// Approve patches released up to this date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))]
    pub approve_until_date: Option<String>,
    /// Compliance severity of approved patches.
    #[serde(default)]
    pub compliance_level: ComplianceLevel,
    /// Also install non-security updates from the repositories (Linux).
    #[serde(default)]
    pub enable_non_security: bool,
}

/// An alternative patch source (Linux).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchSource {
    /// Source name.
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{1,50}$"))]
    pub name: String,
    /// Products the source applies to, e.g. `AmazonLinux2023`.
    #[schemars(length(min = 1, max = 20))]
    pub products: Vec<String>,
    /// yum/apt repository configuration.
    #[schemars(length(min = 1, max = 1024))]
    pub configuration: String,
}

/// A custom patch baseline.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PatchBaselineSpec {
    /// Baseline name. Defaults to `<namespace>.<name>` of this object; a baseline with the default name is
    /// managed only when its tags prove this object created it. Naming an existing baseline here adopts it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: Option<String>,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 1024))]
    pub description: Option<String>,
    /// Operating system (cannot change once the baseline exists).
    #[x_kube(validation = Rule::new("self == oldSelf").message("operatingSystem is immutable"))]
    pub operating_system: OperatingSystem,
    /// Filters applied before the approval rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 4))]
    pub global_filters: Vec<PatchFilter>,
    /// Approval rules.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    pub approval_rules: Vec<ApprovalRule>,
    /// Explicitly approved patches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub approved_patches: Vec<String>,
    /// Compliance severity of explicitly approved patches.
    #[serde(default)]
    pub approved_patches_compliance_level: ComplianceLevel,
    /// Explicitly approved patches include non-security updates (Linux).
    #[serde(default)]
    pub approved_patches_enable_non_security: bool,
    /// Explicitly rejected patches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub rejected_patches: Vec<String>,
    /// What happens to rejected patches.
    #[serde(default)]
    pub rejected_patches_action: RejectedPatchesAction,
    /// Alternative patch repositories (Linux).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub sources: Vec<PatchSource>,
    /// Patch groups the baseline is registered for; instances join with the `Patch Group` tag.
    #[schemars(length(min = 1, max = 25))]
    #[schemars(inner(length(min = 1, max = 256)))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub patch_groups: Vec<String>,
}
