//! The `securityHub` section of an AccountBaseline.

use super::yes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// AWS Security Hub in every listed region (SecurityHub.1): the hub and its configuration, the subscribed
/// standards, controls disabled with a reason, and optionally a cross-region finding aggregator.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.enabled || (!has(self.standards) && !has(self.findingAggregator) && !has(self.disabledControls))").message("enabled: false turns Security Hub off; standards, disabledControls and findingAggregator need enabled: true"))]
#[x_kube(validation = Rule::new("!self.enableDefaultStandards || !has(self.standards)").message("enableDefaultStandards only applies when standards is not declared; list the standards instead"))]
pub struct SecurityHubSpec {
    /// Whether Security Hub is enabled. `false` disables it where it is enabled (AWS then deletes its findings
    /// after 90 days); the other settings are then not allowed.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// When the operator enables Security Hub: also subscribe the standards AWS enables by default (AWS
    /// Foundational Security Best Practices and CIS 1.2.0). Only allowed when `standards` is not declared; an
    /// already enabled hub is not changed by it.
    #[serde(default)]
    pub enable_default_standards: bool,
    /// The standards to subscribe, by name. When declared, this is the complete set: an enabled standard not
    /// listed is drift (and is disabled under `Correct`; service-managed standards such as Control Tower's are
    /// left alone). Not declared: standards are not managed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    #[schemars(length(max = 10))]
    pub standards: Option<Vec<SecurityStandard>>,
    /// Controls to disable in every subscribed standard that contains them, each with the reason Security Hub
    /// records. A control removed from this list stays as it is in AWS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["controlId"]))]
    #[schemars(length(max = 200))]
    pub disabled_controls: Vec<DisabledControl>,
    /// Whether findings are generated once per security control (`SECURITY_CONTROL`, consolidated control
    /// findings, AWS's default for new hubs) or once per standard (`STANDARD_CONTROL`). Unset: not managed (in an
    /// organization only the administrator account can change it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control_finding_generator: Option<ControlFindingGenerator>,
    /// Enable new controls of the subscribed standards automatically when AWS adds them.
    #[serde(default = "yes")]
    pub auto_enable_controls: bool,
    /// Cross-region aggregation of findings into one region (at most one per account).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_aggregator: Option<FindingAggregatorSpec>,
}

impl SecurityHubSpec {
    /// The declared standards, sorted, without duplicates.
    pub fn declared_standards(&self) -> Vec<SecurityStandard> {
        let mut v = self.standards.clone().unwrap_or_default();
        v.sort();
        v.dedup();
        v
    }
}

/// A Security Hub standard, named `<standard>/<version>` as in its ARN.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
)]
pub enum SecurityStandard {
    /// AWS Foundational Security Best Practices v1.0.0.
    #[serde(rename = "aws-foundational-security-best-practices/1.0.0")]
    AwsFoundationalSecurityBestPractices,
    /// CIS AWS Foundations Benchmark v1.2.0.
    #[serde(rename = "cis-aws-foundations-benchmark/1.2.0")]
    CisAwsFoundations120,
    /// CIS AWS Foundations Benchmark v1.4.0.
    #[serde(rename = "cis-aws-foundations-benchmark/1.4.0")]
    CisAwsFoundations140,
    /// CIS AWS Foundations Benchmark v3.0.0.
    #[serde(rename = "cis-aws-foundations-benchmark/3.0.0")]
    CisAwsFoundations300,
    /// CIS AWS Foundations Benchmark v5.0.0.
    #[serde(rename = "cis-aws-foundations-benchmark/5.0.0")]
    CisAwsFoundations500,
    /// NIST SP 800-53 Revision 5.
    #[serde(rename = "nist-800-53/5.0.0")]
    Nist80053Rev5,
    /// PCI DSS v3.2.1.
    #[serde(rename = "pci-dss/3.2.1")]
    PciDss321,
    /// PCI DSS v4.0.1.
    #[serde(rename = "pci-dss/4.0.1")]
    PciDss401,
    /// AWS Resource Tagging Standard v1.0.0.
    #[serde(rename = "aws-resource-tagging-standard/1.0.0")]
    AwsResourceTagging,
}

impl SecurityStandard {
    /// Every standard, in order.
    pub const ALL: [SecurityStandard; 9] = [
        Self::AwsFoundationalSecurityBestPractices,
        Self::CisAwsFoundations120,
        Self::CisAwsFoundations140,
        Self::CisAwsFoundations300,
        Self::CisAwsFoundations500,
        Self::Nist80053Rev5,
        Self::PciDss321,
        Self::PciDss401,
        Self::AwsResourceTagging,
    ];

    /// `(standard, version)` as they appear in the standard's ARN.
    pub fn parts(&self) -> (&'static str, &'static str) {
        match self {
            Self::AwsFoundationalSecurityBestPractices => {
                ("aws-foundational-security-best-practices", "1.0.0")
            }
            Self::CisAwsFoundations120 => ("cis-aws-foundations-benchmark", "1.2.0"),
            Self::CisAwsFoundations140 => ("cis-aws-foundations-benchmark", "1.4.0"),
            Self::CisAwsFoundations300 => ("cis-aws-foundations-benchmark", "3.0.0"),
            Self::CisAwsFoundations500 => ("cis-aws-foundations-benchmark", "5.0.0"),
            Self::Nist80053Rev5 => ("nist-800-53", "5.0.0"),
            Self::PciDss321 => ("pci-dss", "3.2.1"),
            Self::PciDss401 => ("pci-dss", "4.0.1"),
            Self::AwsResourceTagging => ("aws-resource-tagging-standard", "1.0.0"),
        }
    }

    /// The name used in the spec and in drift field paths, e.g. `cis-aws-foundations-benchmark/1.4.0`.
    pub fn name(&self) -> String {
        let (s, v) = self.parts();
        format!("{s}/{v}")
    }
}

/// A control disabled on purpose.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DisabledControl {
    /// Security control ID, e.g. `IAM.6` or `EC2.10`.
    #[schemars(regex(pattern = r"^[A-Za-z0-9]+\.[0-9]+$"), length(max = 32))]
    pub control_id: String,
    /// Why it is disabled (required; Security Hub records it with the control).
    #[schemars(length(min = 1, max = 512))]
    pub reason: String,
}

/// How control findings are generated.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ControlFindingGenerator {
    /// One finding per security control across standards (consolidated control findings).
    #[default]
    #[serde(rename = "SECURITY_CONTROL")]
    SecurityControl,
    /// One finding per standard a control belongs to.
    #[serde(rename = "STANDARD_CONTROL")]
    StandardControl,
}

impl ControlFindingGenerator {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::SecurityControl => "SECURITY_CONTROL",
            Self::StandardControl => "STANDARD_CONTROL",
        }
    }
}

/// The cross-region finding aggregator.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("(self.linkingMode == 'ALL_REGIONS' || self.linkingMode == 'NO_REGIONS') ? !has(self.regions) : has(self.regions)").message("regions is required with ALL_REGIONS_EXCEPT_SPECIFIED and SPECIFIED_REGIONS and not allowed with ALL_REGIONS and NO_REGIONS"))]
pub struct FindingAggregatorSpec {
    /// The aggregation region: one of the baseline's regions.
    #[schemars(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))]
    pub region: String,
    /// Which regions are linked to the aggregation region.
    #[serde(default)]
    pub linking_mode: RegionLinkingMode,
    /// The regions linked (`SPECIFIED_REGIONS`) or not linked (`ALL_REGIONS_EXCEPT_SPECIFIED`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    #[schemars(length(min = 1, max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    pub regions: Option<Vec<String>>,
}

/// Finding aggregator region linking modes.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum RegionLinkingMode {
    /// Every region, including regions AWS adds later.
    #[default]
    #[serde(rename = "ALL_REGIONS")]
    AllRegions,
    /// Every region except `regions`.
    #[serde(rename = "ALL_REGIONS_EXCEPT_SPECIFIED")]
    AllRegionsExceptSpecified,
    /// Only `regions`.
    #[serde(rename = "SPECIFIED_REGIONS")]
    SpecifiedRegions,
    /// No region is linked (only the aggregation region's own findings).
    #[serde(rename = "NO_REGIONS")]
    NoRegions,
}

impl RegionLinkingMode {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::AllRegions => "ALL_REGIONS",
            Self::AllRegionsExceptSpecified => "ALL_REGIONS_EXCEPT_SPECIFIED",
            Self::SpecifiedRegions => "SPECIFIED_REGIONS",
            Self::NoRegions => "NO_REGIONS",
        }
    }
}
