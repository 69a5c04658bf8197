//! The `accessAnalyzer` section of an AccountBaseline.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// IAM Access Analyzer (IAM.28, CIS 1.20). External access analyzers (`ACCOUNT`, `ORGANIZATION`) are managed in
/// every listed region; unused access analyzers, which analyze account-wide IAM, in the home region only.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AccessAnalyzerSpec {
    /// Analyzers by name. An existing analyzer with the name is adopted (never deleted); analyzers this baseline
    /// created (proven by tags) that leave the spec are deleted.
    #[schemars(length(min = 1, max = 10))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub analyzers: Vec<AnalyzerSpec>,
}

/// One analyzer.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.unusedAccessAge) || self.type.endsWith('_UNUSED_ACCESS')").message("unusedAccessAge applies to ACCOUNT_UNUSED_ACCESS and ORGANIZATION_UNUSED_ACCESS analyzers only"))]
pub struct AnalyzerSpec {
    /// Analyzer name (the same in every region).
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$"))]
    pub name: String,
    /// What the analyzer looks at.
    #[serde(rename = "type")]
    pub analyzer_type: AnalyzerType,
    /// Days after which unused access is reported, 1–365 (AWS default 90).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 365))]
    pub unused_access_age: Option<i32>,
    /// Archive rules: findings matching a rule's filter are archived automatically. Rules not listed are left
    /// alone on an adopted analyzer and deleted from one this baseline created.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub archive_rules: Vec<ArchiveRuleSpec>,
}

/// IAM Access Analyzer analyzer types.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum AnalyzerType {
    /// External access to this account's resources.
    #[serde(rename = "ACCOUNT")]
    Account,
    /// External access to the organization's resources (from the management or delegated administrator account).
    #[serde(rename = "ORGANIZATION")]
    Organization,
    /// Unused roles, users, keys and permissions of this account.
    #[serde(rename = "ACCOUNT_UNUSED_ACCESS")]
    AccountUnusedAccess,
    /// Unused access across the organization.
    #[serde(rename = "ORGANIZATION_UNUSED_ACCESS")]
    OrganizationUnusedAccess,
}

impl AnalyzerType {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Account => "ACCOUNT",
            Self::Organization => "ORGANIZATION",
            Self::AccountUnusedAccess => "ACCOUNT_UNUSED_ACCESS",
            Self::OrganizationUnusedAccess => "ORGANIZATION_UNUSED_ACCESS",
        }
    }

    /// An unused access analyzer.
    pub fn is_unused_access(&self) -> bool {
        matches!(
            self,
            Self::AccountUnusedAccess | Self::OrganizationUnusedAccess
        )
    }
}

/// An archive rule.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ArchiveRuleSpec {
    /// Rule name.
    #[schemars(regex(pattern = r"^[A-Za-z][A-Za-z0-9_.-]{0,254}$"))]
    pub name: String,
    /// Finding attribute (e.g. `resourceType`, `principal.AWS`, `isPublic`) -> condition.
    #[schemars(length(min = 1, max = 20))]
    pub filter: std::collections::BTreeMap<String, ArchiveCriterion>,
}

/// A condition on one finding attribute.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.eq) || has(self.neq) || has(self.contains) || has(self.exists)").message("set eq, neq, contains or exists"))]
pub struct ArchiveCriterion {
    /// Attribute equals one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub eq: Vec<String>,
    /// Attribute equals none of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub neq: Vec<String>,
    /// Attribute contains one of these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 20))]
    pub contains: Vec<String>,
    /// Attribute is present (or absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exists: Option<bool>,
}
