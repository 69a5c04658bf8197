//! `spec.patching`, `spec.preSteps`, `spec.postSteps` and `spec.tasks`: the tasks of the window.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

fn ten_percent() -> String {
    "10%".to_string()
}
fn one() -> String {
    "1".to_string()
}

/// What `AWS-RunPatchBaseline` does.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum PatchOperation {
    /// Only report missing patches.
    Scan,
    /// Install missing approved patches.
    Install,
}

/// Reboot behaviour after installing.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum RebootOption {
    /// Reboot when a patch needs it.
    #[default]
    RebootIfNeeded,
    /// Never reboot (patches may stay pending).
    NoReboot,
}

/// What happens to running tasks at the window's cutoff.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum CutoffBehavior {
    /// Tasks that started keep running.
    #[default]
    ContinueTask,
    /// Running tasks are cancelled.
    CancelTask,
}

/// The patch task.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!(has(self.serviceRoleArn) && has(self.createRole) && self.createRole)").message("set serviceRoleArn or createRole: true, not both"))]
pub struct PatchTaskSpec {
    /// `Scan` or `Install`.
    pub operation: PatchOperation,
    /// Reboot behaviour after installing.
    #[serde(default)]
    pub reboot_option: RebootOption,
    /// Instances patched at once: a count (`10`) or a percentage (`10%`).
    #[serde(default = "ten_percent")]
    #[schemars(regex(pattern = r"^([1-9][0-9]*|[1-9][0-9]?%|100%)$"))]
    pub max_concurrency: String,
    /// Errors tolerated before the task stops: a count (`0`, `1`) or a percentage.
    #[serde(default = "one")]
    #[schemars(regex(pattern = r"^([0-9]+|[0-9]{1,2}%|100%)$"))]
    pub max_errors: String,
    /// Task priority in the window; lower runs first. Defaults to after every pre-step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub priority: Option<i32>,
    /// Behaviour of a running task at the cutoff.
    #[serde(default)]
    pub cutoff_behavior: CutoffBehavior,
    /// IAM role Systems Manager assumes to run the task. Defaults to the service-linked role. At most one of
    /// `serviceRoleArn` and `createRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_role_arn: Option<String>,
    /// The operator creates and owns the maintenance window service role the patch task runs with:
    /// `awsbaseline-patching-<hash of this object>`, trusting `ssm.amazonaws.com` for this account only
    /// (`aws:SourceAccount`, `aws:SourceArn`), with an inline policy allowing Run Command of
    /// `AWS-RunPatchBaseline` on the account's instances and reading its command results, nothing else. Its
    /// policy is written by the operator, not the object, so it needs no entry in the AwsAccount's
    /// `passableRoles`. Drift is corrected; the role is deleted with the object under `deletionPolicy: Delete`
    /// when its tags prove the operator created it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_role: bool,
    /// Command output delivery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<TaskOutput>,
    /// CloudWatch alarms that stop the task when they go into ALARM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarms: Option<AlarmStop>,
}

/// Where command output goes.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.s3BucketName) || has(self.cloudWatchLogGroup)").message("set s3BucketName and/or cloudWatchLogGroup"))]
#[serde(rename_all = "camelCase")]
pub struct TaskOutput {
    /// S3 bucket for command output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub s3_bucket_name: Option<String>,
    /// Key prefix in that bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 500))]
    pub s3_key_prefix: Option<String>,
    /// CloudWatch Logs group for command output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[.\-_/#A-Za-z0-9]{1,512}$"))]
    pub cloud_watch_log_group: Option<String>,
}

/// Alarms that stop a task.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AlarmStop {
    /// CloudWatch alarm names.
    #[schemars(length(min = 1, max = 1))]
    pub names: Vec<String>,
    /// Run the task even when the alarm state cannot be read.
    #[serde(default)]
    pub ignore_poll_alarm_failure: bool,
}

/// Kind of an extra step.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum StepType {
    /// A Run Command document (`AWS-RunShellScript`, ...).
    RunCommand,
    /// An Automation runbook (`AWS-CreateSnapshot`, ...).
    Automation,
}

/// A task of the window besides the patch task: a pre- or post-step, or a general task.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct StepSpec {
    /// Task name (unique in this object; `patch` is taken).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    #[x_kube(validation = Rule::new("self != 'patch'").message("'patch' is the patch task's name"))]
    pub name: String,
    /// `RunCommand` or `Automation`.
    pub task_type: StepType,
    /// SSM document name or ARN.
    #[schemars(length(min = 1, max = 1600))]
    pub document_name: String,
    /// Document version (`$LATEST`, `$DEFAULT` or a number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^([$]LATEST|[$]DEFAULT|[0-9]+)$"))]
    pub document_version: Option<String>,
    /// Document parameters.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub parameters: BTreeMap<String, Vec<String>>,
    /// Task priority; lower runs first. Defaults by position: pre-steps before the patch task, post-steps after,
    /// then the general tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 0, max = 100))]
    pub priority: Option<i32>,
    /// Instances handled at once.
    #[serde(default = "ten_percent")]
    #[schemars(regex(pattern = r"^([1-9][0-9]*|[1-9][0-9]?%|100%)$"))]
    pub max_concurrency: String,
    /// Errors tolerated.
    #[serde(default = "one")]
    #[schemars(regex(pattern = r"^([0-9]+|[0-9]{1,2}%|100%)$"))]
    pub max_errors: String,
    /// IAM role for the task (Automation runbooks such as `AWS-StopEC2Instance` act with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_role_arn: Option<String>,
    /// The target groups (`spec.targets[].name`) the task runs on. Defaults to every target group of the window.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1, max = 100))]
    #[schemars(inner(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub target_groups: Vec<String>,
    /// Behaviour of the running task at the window's cutoff.
    #[serde(default)]
    pub cutoff_behavior: CutoffBehavior,
}
