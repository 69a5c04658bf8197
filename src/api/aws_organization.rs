//! `AwsOrganization`: discover the member accounts of an AWS Organization and keep one `AwsAccount` per selected
//! member.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use super::aws_account::AllowedNamespaces;
use super::common::AccountRef;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use kube::{CustomResource, KubeSchema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Role created in every account made through Organizations (`CreateAccount`), trusted by the management account.
pub const DEFAULT_ROLE_NAME: &str = "OrganizationAccountAccessRole";

/// Reads an AWS Organization from its management (or delegated-administrator) account and keeps one `AwsAccount`
/// per member account its rules select.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "AwsOrganization",
    plural = "awsorganizations",
    shortname = "awsorg",
    category = "awsbaseline",
    status = "AwsOrganizationStatus",
    cel,
    doc = "Discovers the member accounts of an AWS Organization (read from its management or delegated-administrator account) and keeps one AwsAccount per ACTIVE member its rules select; accounts that leave, are suspended or stop matching are marked, never deleted.",
    printcolumn(
        name = "Organization",
        type_ = "string",
        json_path = ".status.organizationId"
    ),
    printcolumn(
        name = "Selected",
        type_ = "integer",
        json_path = ".status.counts.selected"
    ),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(
        name = "Last Sync",
        type_ = "date",
        json_path = ".status.lastSyncTime",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[serde(rename_all = "camelCase")]
pub struct AwsOrganizationSpec {
    /// The `AwsAccount` of the organization's management account or of a delegated administrator for
    /// Organizations: the operator reads the organization through it (Organizations' endpoint is in us-east-1).
    /// When it reaches that account by assuming a role, every member role is assumed through that role (a `via`
    /// hop), because the member roles (`OrganizationAccountAccessRole`) trust the management account.
    pub account_ref: AccountRef,
    /// How often the organization is read again, as a duration such as `10m` (minimum 30s, default 10m).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([0-9]+(s|m|h))+$"), length(max = 32))]
    #[x_kube(validation = Rule::new("duration(self) >= duration('30s')").message("syncInterval must be at least 30s"))]
    pub sync_interval: Option<String>,
    /// What every generated AwsAccount gets unless its rule overrides it.
    #[serde(default)]
    pub defaults: MemberDefaults,
    /// Ordered rules: a member account takes the FIRST rule that selects it (its labels and overrides). An account
    /// no rule selects gets no AwsAccount (an existing one is marked `Unselected`).
    #[schemars(length(min = 1, max = 50))]
    pub members: Vec<MemberRule>,
    /// Accounts never selected, whatever the rules say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exclude: Option<Exclude>,
}

/// Defaults of the generated AwsAccounts.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct MemberDefaults {
    /// Regions of the generated AwsAccounts; empty: the regions of `accountRef`'s AwsAccount.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// Name (with optional path) of the role to assume in each member account; default
    /// `OrganizationAccountAccessRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9+=,.@_/-]{1,512}$"))]
    pub role_name: Option<String>,
    /// External ID the member roles' trust policy requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224))]
    pub external_id: Option<String>,
}

/// One selection rule: every field that is set must hold (an OU listed, an ID listed, all tags equal).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[x_kube(validation = Rule::new("has(self.organizationalUnits) || has(self.accountIds) || has(self.tags)").message("a member rule selects by at least one of organizationalUnits, accountIds or tags"))]
#[serde(rename_all = "camelCase")]
pub struct MemberRule {
    /// Organizational units, as a path of OU names from the root (`/Workloads/Prod`, `/` for the whole
    /// organization) or an OU ID (`ou-ab12-cd34ef56`). An OU includes its child OUs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 100))]
    #[schemars(inner(
        regex(
            pattern = r"^(/|(/[^/]{1,128})+|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$"
        ),
        length(max = 1024)
    ))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub organizational_units: Option<Vec<String>>,
    /// Account IDs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 1000))]
    #[schemars(inner(regex(pattern = r"^[0-9]{12}$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub account_ids: Option<Vec<String>>,
    /// Account tags (Organizations `ListTagsForResource`) that must all be present with these values.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 50))]
    pub tags: Option<BTreeMap<String, String>>,
    /// Labels of the AwsAccounts this rule generates (what AccountBaselines' `accountSelector` selects on).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    #[schemars(length(max = 32))]
    pub labels: BTreeMap<String, String>,
    /// Regions, instead of `defaults.regions`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// Role name, instead of `defaults.roleName`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9+=,.@_/-]{1,512}$"))]
    pub role_name: Option<String>,
    /// External ID, instead of `defaults.externalId`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224))]
    pub external_id: Option<String>,
    /// `allowedNamespaces` of the generated AwsAccounts (absent: none, cluster-scoped kinds only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_namespaces: Option<AllowedNamespaces>,
}

/// Accounts never selected.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Exclude {
    /// Account IDs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 1000))]
    #[schemars(inner(regex(pattern = r"^[0-9]{12}$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub account_ids: Vec<String>,
}

/// Observed state of an `AwsOrganization`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AwsOrganizationStatus {
    /// Generation of the spec this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready`: the last sync read the organization and every selected account has its AwsAccount. `Synced`: the
    /// last sync reached Organizations and the API server without error.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// When the organization was last read successfully.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_sync_time: Option<Time>,
    /// The organization's ID (`o-...`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization_id: Option<String>,
    /// The management account's ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_account_id: Option<String>,
    /// Accounts by state (after the first successful sync).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counts: Option<MembershipCounts>,
    /// Accounts per organizational unit (and the root), by path: how many are directly in it and how many of
    /// those are selected (the first 100 units, sorted by path).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    pub organizational_units: Vec<UnitCount>,
    /// Errors of single accounts (the first 20).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub errors: Vec<AccountError>,
    /// AwsAccounts of this organization marked `Left`, `Suspended` or `Unselected` (the first 50).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    pub marked: Vec<MarkedAccount>,
}

/// How many accounts are in each state.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MembershipCounts {
    /// Member accounts in the organization (any state).
    pub members: u32,
    /// ACTIVE accounts a rule selects: each has its AwsAccount.
    pub selected: u32,
    /// Suspended (closed) or pending-closure accounts.
    pub suspended: u32,
    /// AwsAccounts of accounts no longer in the organization.
    pub left: u32,
    /// ACTIVE accounts no rule selects (or excluded).
    pub unselected: u32,
}

/// The accounts directly in one organizational unit.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct UnitCount {
    /// Path of names from the root (`/Workloads/Prod`; `/` is the root).
    pub path: String,
    /// `ou-...` (`r-...` for the root).
    pub id: String,
    /// Member accounts directly in it.
    pub accounts: u32,
    /// Those a rule selects (ACTIVE).
    pub selected: u32,
}

/// An error about one account.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AccountError {
    /// Account ID.
    pub account_id: String,
    /// What went wrong.
    pub message: String,
}

/// An AwsAccount kept but marked: its rule labels are gone, so no baseline selects it any more.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct MarkedAccount {
    /// Account ID.
    pub account_id: String,
    /// The AwsAccount's name.
    pub name: String,
    /// `Left`, `Suspended` or `Unselected`.
    pub membership: String,
    /// Why, and since when (`<RFC 3339 time> <reason>`), as the AwsAccount's annotation says.
    pub reason: String,
}
