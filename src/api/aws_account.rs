//! `AwsAccount`: how to reach one AWS account.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition;
use kube::{CustomResource, KubeSchema};
use serde::{Deserialize, Serialize};

/// How to reach one AWS account, and which account the credentials must belong to.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "AwsAccount",
    plural = "awsaccounts",
    shortname = "awsacct",
    category = "awsbaseline",
    status = "AwsAccountStatus",
    cel,
    doc = "How to reach one AWS account (the pod's credentials or an assumed role) and the account ID they must resolve to.",
    printcolumn(name = "Account", type_ = "string", json_path = ".spec.accountId"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Caller",
        type_ = "string",
        json_path = ".status.callerArn",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("!has(self.assumeRole) || self.assumeRole.roleArn.contains(':' + self.accountId + ':')").message("assumeRole.roleArn must be a role in the declared accountId"))]
#[serde(rename_all = "camelCase")]
pub struct AwsAccountSpec {
    /// The 12-digit account ID the credentials must resolve to (verified with STS GetCallerIdentity before
    /// anything is written).
    #[schemars(regex(pattern = r"^[0-9]{12}$"))]
    pub account_id: String,
    /// Assume this IAM role (from the pod's own credentials: IRSA, EKS Pod Identity or environment).
    /// Without it, the pod's own credentials are used directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role: Option<AssumeRole>,
    /// Default regions for resources that reference this account and list none themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
}

/// An IAM role to assume with STS AssumeRole.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AssumeRole {
    /// ARN of the role, e.g. `arn:aws:iam::123456789012:role/baseline-operator`.
    #[schemars(
        regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        length(max = 2048)
    )]
    pub role_arn: String,
    /// External ID the role's trust policy requires (not a secret, but never logged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224))]
    pub external_id: Option<String>,
    /// Session name shown in CloudTrail; defaults to `aws-baseline-operator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9+=,.@-]{2,64}$"))]
    pub session_name: Option<String>,
}

/// Observed state of an `AwsAccount`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AwsAccountStatus {
    /// Generation of the spec this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Account ID STS GetCallerIdentity returned for these credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_account: Option<String>,
    /// ARN of the resolved caller identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// `Ready` is True when the credentials resolve to the declared account.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}
