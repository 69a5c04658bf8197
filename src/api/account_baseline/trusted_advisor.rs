//! The `trustedAdvisor` section of an AccountBaseline: Trusted Advisor checks read through the AWS Support API.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// AWS Trusted Advisor checks, read through the AWS Support API (its Trusted Advisor operations answer only in
/// us-east-1 for the `aws` partition, whatever the baseline's regions). **Always detect-only**: a check that is not
/// `ok` is drift with `action: Reported`, also under `driftPolicy: Correct`, because the operator never writes
/// through the Support API (not even RefreshTrustedAdvisorCheck: AWS refreshes the checks itself, and refuses
/// manual refreshes of some, such as Exposed Access Keys). Needs a Business, Enterprise On-Ramp or Enterprise
/// Support plan: on Basic and Developer plans the component fails with reason `SupportPlanRequired`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TrustedAdvisorSpec {
    /// The checks expected to be `ok` (green); each by a stable name or by Trusted Advisor check ID.
    #[schemars(length(min = 1, max = 100))]
    pub checks: Vec<TrustedAdvisorCheckRef>,
    /// When set, a check whose last result is older than this duration (such as `24h` or `168h`) is drift too
    /// (`<check>.fresh`), e.g. when Trusted Advisor stopped refreshing it. Unset: the result's age is not checked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(s|m|h))+$"), length(max = 32))]
    pub max_result_age: Option<String>,
}

/// One Trusted Advisor check (or, for `serviceLimits`, a category of checks). Exactly one of `name` and `checkId`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.name) != has(self.checkId)").message("set exactly one of name or checkId"))]
pub struct TrustedAdvisorCheckRef {
    /// A check by the operator's stable name (mapped to Trusted Advisor's check ID, see `TrustedAdvisorCheckName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<TrustedAdvisorCheckName>,
    /// Any other check by its Trusted Advisor check ID (DescribeTrustedAdvisorChecks lists them), e.g. `Pfx0RwqBli`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9]{1,32}$"))]
    pub check_id: Option<String>,
}

/// Stable names for the Trusted Advisor checks pre-production reviews ask for.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
#[serde(rename_all = "camelCase")]
pub enum TrustedAdvisorCheckName {
    /// "Security Groups - Specific Ports Unrestricted" (`HCP4007jGY`): ports such as 3389 or 3306 open to 0.0.0.0/0.
    SecurityGroupsSpecificPortsUnrestricted,
    /// "Security Groups - Unrestricted Access" (`1iG5NDGVre`): any port but 25, 80 and 443 open to the world.
    SecurityGroupsUnrestrictedAccess,
    /// "MFA on Root Account" (`7DAFEmoDos`; the setting Security Hub IAM.9 checks).
    RootAccountMfa,
    /// "Exposed Access Keys" (`12Fnkpl8Y5`): access keys AWS found exposed on the internet.
    ExposedAccessKeys,
    /// Every check of Trusted Advisor's `service_limits` category (one check per service quota: "VPC",
    /// "EC2-VPC Elastic IP Address", "IAM Roles", ...), as DescribeTrustedAdvisorChecks lists them.
    ServiceLimits,
}
