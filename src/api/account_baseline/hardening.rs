//! The account-hardening sections of an AccountBaseline: `passwordPolicy`, `s3BlockPublicAccess`,
//! `ebsEncryptionByDefault` and `rootAccount`.

use super::yes;
use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// IAM account password policy (IAM.7, IAM.15, IAM.16; CIS 1.8, 1.9). Fields left out keep their AWS value.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.hardExpiry) || !self.hardExpiry || has(self.maxPasswordAge)").message("hardExpiry requires maxPasswordAge"))]
pub struct PasswordPolicySpec {
    /// Minimum length, 6–128 (CIS asks for 14).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 6, max = 128))]
    pub minimum_password_length: Option<i32>,
    /// Require at least one symbol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_symbols: Option<bool>,
    /// Require at least one number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_numbers: Option<bool>,
    /// Require at least one uppercase letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_uppercase_characters: Option<bool>,
    /// Require at least one lowercase letter.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub require_lowercase_characters: Option<bool>,
    /// Let IAM users change their own password.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allow_users_to_change_password: Option<bool>,
    /// Days before a password expires, 1–1095.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1095))]
    pub max_password_age: Option<i32>,
    /// Number of previous passwords that cannot be reused, 1–24 (CIS asks for 24).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 24))]
    pub password_reuse_prevention: Option<i32>,
    /// Users whose password expired need an administrator to reset it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hard_expiry: Option<bool>,
}

/// Account-level S3 Block Public Access (S3.1, CIS 2.1.5).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct S3BlockPublicAccessSpec {
    /// Reject new public ACLs.
    #[serde(default = "yes")]
    pub block_public_acls: bool,
    /// Ignore existing public ACLs.
    #[serde(default = "yes")]
    pub ignore_public_acls: bool,
    /// Reject public bucket policies.
    #[serde(default = "yes")]
    pub block_public_policy: bool,
    /// Restrict access to buckets with public policies.
    #[serde(default = "yes")]
    pub restrict_public_buckets: bool,
}

/// EBS encryption by default (EC2.7, CIS 2.2.1).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.enabled || !has(self.kmsKeyId)").message("kmsKeyId needs enabled: true"))]
pub struct EbsEncryptionSpec {
    /// New EBS volumes are encrypted.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Default KMS key (ID, ARN or alias ARN); unset means "not managed".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
}

/// Root user expectations, read from the IAM account summary. Always reported, never corrected.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RootAccountSpec {
    /// Expect MFA on the root user (IAM.9, CIS 1.5).
    #[serde(default = "yes")]
    pub require_mfa: bool,
    /// Expect no access keys on the root user (IAM.4, CIS 1.4).
    #[serde(default = "yes")]
    pub forbid_access_keys: bool,
}
