//! The `sessionManager` section of an AccountBaseline.

use super::yes;
use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// Session Manager preferences: the `SSM-SessionManagerRunShell` Session document of each region. Every
/// preference is written; what is left out takes Session Manager's default (no S3 or CloudWatch Logs delivery,
/// 20 minutes idle timeout, no run-as).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("!self.runAsEnabled || has(self.runAsDefaultUser)").message("runAsEnabled needs runAsDefaultUser"))]
#[x_kube(validation = Rule::new("has(self.s3BucketName) || !has(self.s3KeyPrefix)").message("s3KeyPrefix needs s3BucketName"))]
#[serde(rename_all = "camelCase")]
pub struct SessionManagerSpec {
    /// S3 bucket session logs are uploaded to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub s3_bucket_name: Option<String>,
    /// Key prefix of the uploaded logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 256))]
    pub s3_key_prefix: Option<String>,
    /// Upload to S3 only if the bucket is encrypted.
    #[serde(default = "yes")]
    pub s3_encryption_enabled: bool,
    /// CloudWatch Logs group session logs are sent to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_./#-]{1,512}$"))]
    pub cloud_watch_log_group_name: Option<String>,
    /// Send to CloudWatch Logs only if the log group is encrypted.
    #[serde(default = "yes")]
    pub cloud_watch_encryption_enabled: bool,
    /// Stream session data continuously (instead of uploading it when the session ends).
    #[serde(default = "yes")]
    pub cloud_watch_streaming_enabled: bool,
    /// KMS key (ID, ARN or alias) that encrypts session data between client and instance; sessions are refused
    /// without it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
    /// Minutes without activity before a session ends.
    #[serde(default = "twenty")]
    #[schemars(range(min = 1, max = 60))]
    pub idle_session_timeout_minutes: i32,
    /// Longest a session may last, in minutes (no limit when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 1440))]
    pub max_session_duration_minutes: Option<i32>,
    /// Run sessions as `runAsDefaultUser` (Linux) instead of `ssm-user`.
    #[serde(default)]
    pub run_as_enabled: bool,
    /// OS user sessions run as.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z_][a-z0-9_-]{0,31}$"))]
    pub run_as_default_user: Option<String>,
    /// Commands run at session start, per platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shell_profile: Option<ShellProfileSpec>,
}

fn twenty() -> i32 {
    20
}

/// Commands run when a session starts.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ShellProfileSpec {
    /// On Linux, e.g. `exec bash`.
    #[serde(default)]
    #[schemars(length(max = 1024))]
    pub linux: String,
    /// On Windows.
    #[serde(default)]
    #[schemars(length(max = 1024))]
    pub windows: String,
}
