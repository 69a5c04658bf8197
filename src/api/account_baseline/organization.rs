//! The `organization` section of an AccountBaseline: organization-level security settings.

use super::InspectorScanTypes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Organization-level settings of AWS Organizations' security services, applied in the account this baseline
/// targets. They are a section of AccountBaseline (not a kind of their own) so they get what every section gets:
/// field-level drift with control IDs, `driftPolicy`, ownership, deletion and the derived IAM policy. Each setting is
/// only accepted by AWS in one account, so an organization is usually declared in two baselines:
///
/// - the **management account**'s baseline: `delegatedAdministrators` (and, in `cloudTrail`,
///   `isOrganizationTrail: true` for the organization trail);
/// - the **delegated administrator**'s baseline (the security/audit account): `autoEnable`, `configAggregator`, and
///   an organization-wide IAM Access Analyzer as an `accessAnalyzer` analyzer of `type: ORGANIZATION`.
///
/// A setting declared in an account that may not make it fails with a message naming the account that can
/// (Ready=False), and nothing else is changed.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.delegatedAdministrators) || has(self.autoEnable) || has(self.configAggregator)").message("declare delegatedAdministrators, autoEnable or configAggregator"))]
pub struct OrganizationSpec {
    /// Delegated administrator account of each service (management account only). Each declared service gets
    /// trusted access (EnableAWSServiceAccess) and its administrator: GuardDuty, Security Hub and Inspector through
    /// their own APIs in every listed region; AWS Config (`config.amazonaws.com`) and IAM Access Analyzer
    /// (`access-analyzer.amazonaws.com`) through Organizations' RegisterDelegatedAdministrator (global, home region).
    /// A service whose administrator is another account is reported, never replaced: deregistering one turns
    /// organization-wide management of that service off for every member, a change left to a person. For the same
    /// reason deletion (also under `deletionPolicy: Delete`) leaves administrators and trusted access in place.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delegated_administrators: Option<DelegatedAdministrators>,
    /// Auto-enable for member accounts (the delegated administrator's account only: AWS refuses these calls
    /// elsewhere, and the pass then fails with a message saying so). GuardDuty needs a detector in each listed region
    /// of this account (declare `guardDuty` here too). Left in place on deletion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_enable: Option<OrganizationAutoEnable>,
    /// An AWS Config aggregator collecting from the whole organization in all regions (home region), in the
    /// management account or Config's delegated administrator. Adopted when it exists; deleted under
    /// `deletionPolicy: Delete` only when its tags prove this baseline created it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config_aggregator: Option<ConfigAggregatorSpec>,
}

/// Delegated administrator account ID per service; a service left out is not managed.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.guardDuty) || has(self.securityHub) || has(self.config) || has(self.inspector) || has(self.accessAnalyzer)").message("declare at least one service"))]
pub struct DelegatedAdministrators {
    /// Amazon GuardDuty (EnableOrganizationAdminAccount in every listed region; GuardDuty.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub guard_duty: Option<String>,
    /// AWS Security Hub (EnableOrganizationAdminAccount in every listed region; SecurityHub.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub security_hub: Option<String>,
    /// AWS Config (`config.amazonaws.com`, for organization aggregators; Config.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub config: Option<String>,
    /// Amazon Inspector (EnableDelegatedAdminAccount in every listed region; Inspector.1-4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub inspector: Option<String>,
    /// IAM Access Analyzer (`access-analyzer.amazonaws.com`, for organization analyzers; IAM.28, CIS 1.20).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub access_analyzer: Option<String>,
}

/// What new (or all) member accounts get turned on; a service left out is not managed.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.guardDuty) || has(self.securityHub) || has(self.inspector)").message("declare at least one service"))]
pub struct OrganizationAutoEnable {
    /// GuardDuty `AutoEnableOrganizationMembers` in every listed region: `NEW` (accounts joining later), `ALL`
    /// (also the existing ones) or `NONE` (GuardDuty.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub guard_duty: Option<AutoEnableMembers>,
    /// Security Hub `AutoEnable` for new member accounts in every listed region (local configuration; SecurityHub.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<bool>,
    /// Inspector scan types turned on for new member accounts in every listed region (Inspector.1-4); a scan type
    /// left out keeps its current setting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspector: Option<InspectorScanTypes>,
}

/// GuardDuty's auto-enable setting for organization members.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AutoEnableMembers {
    /// Accounts that join the organization later.
    #[serde(rename = "NEW")]
    New,
    /// Every member account, existing ones included.
    #[serde(rename = "ALL")]
    All,
    /// None: members are enabled one by one.
    #[serde(rename = "NONE")]
    None,
}

impl AutoEnableMembers {
    /// The API value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::New => "NEW",
            Self::All => "ALL",
            Self::None => "NONE",
        }
    }
}

/// An organization-wide AWS Config aggregator.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ConfigAggregatorSpec {
    /// Aggregator name.
    #[schemars(regex(pattern = r"^[\w\-]{1,256}$"))]
    pub name: String,
    /// An existing IAM role AWS Config assumes to read the organization (with the `AWSConfigRoleForOrganizations`
    /// managed policy); the operator passes it (`iam:PassRole`), it does not create it.
    #[schemars(
        regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        length(max = 2048)
    )]
    pub role_arn: String,
}
