//! `aws::ssm` against AWS's documented Systems Manager responses, with aws-smithy-mocks.
//!
//! Every response is an HTTP response (200 with an awsJson1.1 body, or 400 with an awsJson error body)
//! modelled on the response syntax and examples of the AWS Systems Manager API Reference, so the real SDK
//! deserialiser runs; requests are checked on the SDK input the real serialiser gets.

use aws_baseline_operator::aws::ssm::{
    self, AssociationConfig, BaselineConfig, RuleConfig, TargetConfig, TaskConfig, TaskKind,
    WindowConfig,
};
use aws_baseline_operator::aws::ErrorCategory;
use aws_sdk_ssm::config::retry::RetryConfig;
use aws_sdk_ssm::types::{PatchFilterGroup, Target};
use aws_sdk_ssm::Client as Ssm;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::collections::{BTreeMap, HashMap};

const WINDOW: &str = "mw-0c50858d01EXAMPLE";
const TASK: &str = "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE";
const WINDOW_TARGET: &str = "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE";
const ROLE: &str = "arn:aws:iam::111122223333:role/MaintenanceWindowTaskRole";
const BASELINE: &str = "pb-0c10e65780EXAMPLE";
const ASSOCIATION: &str = "8dfe3659-4309-493a-8755-0123456789ab";

/// HTTP 200 with a JSON body, as the service sends for awsJson1.1.
fn ok(body: &'static str) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))
}

/// An awsJson1.1 error: HTTP 400 with `__type` and `Message`.
fn aws_error(code: &str, message: &str) -> HttpResponse {
    let body = format!(r#"{{"__type":"{code}","Message":"{message}"}}"#);
    HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body))
}

fn entries(t: &[Target]) -> Vec<(String, Vec<String>)> {
    t.iter()
        .map(|t| (t.key().unwrap_or_default().to_string(), t.values().to_vec()))
        .collect()
}

fn filters(g: Option<&PatchFilterGroup>) -> Vec<(String, Vec<String>)> {
    g.map(|g| {
        g.patch_filters()
            .iter()
            .map(|f| (f.key().as_str().to_string(), f.values().to_vec()))
            .collect()
    })
    .unwrap_or_default()
}

fn entry(k: &str, v: &[&str]) -> (String, Vec<String>) {
    (k.to_string(), v.iter().map(|s| s.to_string()).collect())
}

fn params(kv: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    kv.iter().map(|(k, v)| entry(k, v)).collect()
}

fn hash(kv: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
    kv.iter().map(|(k, v)| entry(k, v)).collect()
}

fn ts(secs: i64, millis: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(secs * 1000 + millis).unwrap()
}

/// Epoch-seconds timestamps travel as JSON numbers and are parsed through an f64, so fractions may come back a
/// few hundred nanoseconds off: compare to the millisecond.
fn assert_near(got: Option<jiff::Timestamp>, want: jiff::Timestamp) {
    let got = got.expect("timestamp");
    let diff = (got.as_nanosecond() - want.as_nanosecond()).abs();
    assert!(diff < 1_000_000, "{got} != {want}");
}

// ---------------------------------------------------------------------------------------------------------------
// GetMaintenanceWindowTask

// Response shape: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
// (TaskInvocationParameters.RunCommand with Parameters, OutputS3BucketName/KeyPrefix, CloudWatchOutputConfig,
// ServiceRoleArn, TimeoutSeconds; Priority, MaxConcurrency, MaxErrors, CutoffBehavior, AlarmConfiguration, Targets).
const RUN_PATCH_BASELINE_TASK: &str = r#"{
    "AlarmConfiguration": {
        "Alarms": [ { "Name": "patching-errors" }, { "Name": "fleet-health" } ],
        "IgnorePollAlarmFailure": true
    },
    "CutoffBehavior": "CANCEL_TASK",
    "Description": "Install missing patches",
    "MaxConcurrency": "10%",
    "MaxErrors": "1",
    "Name": "Patch-Install",
    "Priority": 1,
    "ServiceRoleArn": "arn:aws:iam::111122223333:role/MaintenanceWindowTaskRole",
    "Targets": [
        { "Key": "WindowTargetIds", "Values": [ "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE" ] }
    ],
    "TaskArn": "AWS-RunPatchBaseline",
    "TaskInvocationParameters": {
        "RunCommand": {
            "CloudWatchOutputConfig": {
                "CloudWatchLogGroupName": "/aws/ssm/patching",
                "CloudWatchOutputEnabled": true
            },
            "Comment": "",
            "DocumentVersion": "$DEFAULT",
            "OutputS3BucketName": "amzn-s3-demo-bucket",
            "OutputS3KeyPrefix": "patching/",
            "Parameters": {
                "Operation": [ "Install" ],
                "RebootOption": [ "RebootIfNeeded" ]
            },
            "ServiceRoleArn": "arn:aws:iam::111122223333:role/RunCommandOnlyRole",
            "TimeoutSeconds": 600
        }
    },
    "TaskParameters": {},
    "TaskType": "RUN_COMMAND",
    "WindowId": "mw-0c50858d01EXAMPLE",
    "WindowTaskId": "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE"
}"#;

fn run_patch_baseline_config() -> TaskConfig {
    TaskConfig {
        name: "Patch-Install".into(),
        kind: TaskKind::RunCommand,
        document: "AWS-RunPatchBaseline".into(),
        document_version: Some("$DEFAULT".into()),
        parameters: params(&[
            ("Operation", &["Install"]),
            ("RebootOption", &["RebootIfNeeded"]),
        ]),
        priority: 1,
        max_concurrency: "10%".into(),
        max_errors: "1".into(),
        service_role_arn: Some(ROLE.into()),
        cutoff_behavior: "CANCEL_TASK".into(),
        targets: vec![entry("WindowTargetIds", &[WINDOW_TARGET])],
        output_s3_bucket_name: Some("amzn-s3-demo-bucket".into()),
        output_s3_key_prefix: Some("patching/".into()),
        cloud_watch_log_group: Some("/aws/ssm/patching".into()),
        alarms: Some((vec!["patching-errors".into(), "fleet-health".into()], true)),
    }
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
#[tokio::test]
async fn get_task_reads_a_run_patch_baseline_task() {
    let get = mock!(Ssm::get_maintenance_window_task)
        .match_requests(|r| r.window_id() == Some(WINDOW) && r.window_task_id() == Some(TASK))
        .then_http_response(|| ok(RUN_PATCH_BASELINE_TASK));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let task = ssm::get_task(&client, WINDOW, TASK).await.unwrap().unwrap();
    // The task-level ServiceRoleArn wins over the one inside RunCommand.
    assert_eq!(task, run_patch_baseline_config());
    assert_eq!(get.num_calls(), 1);
}

// Response shape: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
// (no task-level ServiceRoleArn, CloudWatchOutputEnabled false, no AlarmConfiguration).
const RUN_COMMAND_TASK_WITHOUT_TASK_ROLE: &str = r#"{
    "CutoffBehavior": "CONTINUE_TASK",
    "MaxConcurrency": "2",
    "MaxErrors": "0",
    "Name": "Patch-Scan",
    "Priority": 3,
    "Targets": [ { "Key": "WindowTargetIds", "Values": [ "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE" ] } ],
    "TaskArn": "AWS-RunPatchBaseline",
    "TaskInvocationParameters": {
        "RunCommand": {
            "CloudWatchOutputConfig": {
                "CloudWatchLogGroupName": "/aws/ssm/disabled",
                "CloudWatchOutputEnabled": false
            },
            "Parameters": { "Operation": [ "Scan" ] },
            "ServiceRoleArn": "arn:aws:iam::111122223333:role/RunCommandOnlyRole",
            "TimeoutSeconds": 600
        }
    },
    "TaskType": "RUN_COMMAND",
    "WindowId": "mw-0c50858d01EXAMPLE",
    "WindowTaskId": "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE"
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
#[tokio::test]
async fn get_task_falls_back_to_the_run_command_role_and_ignores_disabled_cloudwatch_output() {
    let get = mock!(Ssm::get_maintenance_window_task)
        .then_http_response(|| ok(RUN_COMMAND_TASK_WITHOUT_TASK_ROLE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let task = ssm::get_task(&client, WINDOW, TASK).await.unwrap().unwrap();
    assert_eq!(
        task.service_role_arn.as_deref(),
        Some("arn:aws:iam::111122223333:role/RunCommandOnlyRole")
    );
    assert_eq!(task.cloud_watch_log_group, None);
    assert_eq!(task.alarms, None);
    assert_eq!(task.document_version, None);
    assert_eq!(task.output_s3_bucket_name, None);
    assert_eq!(task.parameters, params(&[("Operation", &["Scan"])]));
    assert_eq!(
        (
            task.priority,
            task.max_concurrency.as_str(),
            task.max_errors.as_str()
        ),
        (3, "2", "0")
    );
}

// Response shape: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
// (TaskInvocationParameters.Automation with DocumentVersion and Parameters; no CutoffBehavior).
const AUTOMATION_TASK: &str = r#"{
    "MaxConcurrency": "1",
    "MaxErrors": "1",
    "Name": "Stop-Instances",
    "Priority": 2,
    "ServiceRoleArn": "arn:aws:iam::111122223333:role/MaintenanceWindowTaskRole",
    "Targets": [ { "Key": "WindowTargetIds", "Values": [ "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE" ] } ],
    "TaskArn": "AWS-StopEC2Instance",
    "TaskInvocationParameters": {
        "Automation": {
            "DocumentVersion": "1",
            "Parameters": {
                "InstanceId": [ "{{RESOURCE_ID}}" ],
                "AutomationAssumeRole": [ "arn:aws:iam::111122223333:role/AutomationRole" ]
            }
        }
    },
    "TaskType": "AUTOMATION",
    "WindowId": "mw-0c50858d01EXAMPLE",
    "WindowTaskId": "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE"
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html
#[tokio::test]
async fn get_task_reads_an_automation_task() {
    let get = mock!(Ssm::get_maintenance_window_task).then_http_response(|| ok(AUTOMATION_TASK));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let task = ssm::get_task(&client, WINDOW, TASK).await.unwrap().unwrap();
    assert_eq!(
        task,
        TaskConfig {
            name: "Stop-Instances".into(),
            kind: TaskKind::Automation,
            document: "AWS-StopEC2Instance".into(),
            document_version: Some("1".into()),
            parameters: params(&[
                (
                    "AutomationAssumeRole",
                    &["arn:aws:iam::111122223333:role/AutomationRole"]
                ),
                ("InstanceId", &["{{RESOURCE_ID}}"]),
            ]),
            priority: 2,
            max_concurrency: "1".into(),
            max_errors: "1".into(),
            service_role_arn: Some(ROLE.into()),
            // Absent in the response: the API default.
            cutoff_behavior: "CONTINUE_TASK".into(),
            targets: vec![entry("WindowTargetIds", &[WINDOW_TARGET])],
            output_s3_bucket_name: None,
            output_s3_key_prefix: None,
            cloud_watch_log_group: None,
            alarms: None,
        }
    );
}

// Errors: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindowTask.html#API_GetMaintenanceWindowTask_Errors
// (DoesNotExistException, HTTP 400).
#[tokio::test]
async fn get_task_of_a_missing_task_is_none() {
    let missing = mock!(Ssm::get_maintenance_window_task).then_http_response(|| {
        aws_error(
            "DoesNotExistException",
            "Maintenance window task 0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE does not exist",
        )
    });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&missing]);
    assert_eq!(ssm::get_task(&client, WINDOW, TASK).await.unwrap(), None);
    assert_eq!(missing.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// UpdateMaintenanceWindowTask

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindowTask.html
// ("If you set Replace to true, then all fields required by the RegisterTaskWithMaintenanceWindow operation are
// required for this request. Optional fields that aren't specified are set to null.")
const UPDATE_TASK_RESPONSE: &str = r#"{
    "AlarmConfiguration": {
        "Alarms": [ { "Name": "patching-errors" }, { "Name": "fleet-health" } ],
        "IgnorePollAlarmFailure": true
    },
    "CutoffBehavior": "CANCEL_TASK",
    "MaxConcurrency": "10%",
    "MaxErrors": "1",
    "Name": "Patch-Install",
    "Priority": 1,
    "ServiceRoleArn": "arn:aws:iam::111122223333:role/MaintenanceWindowTaskRole",
    "Targets": [ { "Key": "WindowTargetIds", "Values": [ "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE" ] } ],
    "TaskArn": "AWS-RunPatchBaseline",
    "TaskInvocationParameters": {
        "RunCommand": {
            "CloudWatchOutputConfig": {
                "CloudWatchLogGroupName": "/aws/ssm/patching",
                "CloudWatchOutputEnabled": true
            },
            "DocumentVersion": "$DEFAULT",
            "OutputS3BucketName": "amzn-s3-demo-bucket",
            "OutputS3KeyPrefix": "patching/",
            "Parameters": {
                "Operation": [ "Install" ],
                "RebootOption": [ "RebootIfNeeded" ]
            }
        }
    },
    "TaskParameters": {},
    "WindowId": "mw-0c50858d01EXAMPLE",
    "WindowTaskId": "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE"
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindowTask.html
#[tokio::test]
async fn update_task_replaces_the_whole_run_command_task() {
    let update = mock!(Ssm::update_maintenance_window_task)
        .match_requests(|r| {
            assert_eq!(r.window_id(), Some(WINDOW));
            assert_eq!(r.window_task_id(), Some(TASK));
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.name(), Some("Patch-Install"));
            assert_eq!(r.task_arn(), Some("AWS-RunPatchBaseline"));
            assert_eq!(
                entries(r.targets()),
                vec![entry("WindowTargetIds", &[WINDOW_TARGET])]
            );
            assert_eq!(r.priority(), Some(1));
            assert_eq!(r.max_concurrency(), Some("10%"));
            assert_eq!(r.max_errors(), Some("1"));
            assert_eq!(r.service_role_arn(), Some(ROLE));
            assert_eq!(r.cutoff_behavior().map(|c| c.as_str()), Some("CANCEL_TASK"));
            let inv = r
                .task_invocation_parameters()
                .expect("TaskInvocationParameters");
            assert!(inv.automation().is_none());
            let rc = inv.run_command().expect("RunCommand");
            assert_eq!(
                rc.parameters(),
                Some(&hash(&[
                    ("Operation", &["Install"]),
                    ("RebootOption", &["RebootIfNeeded"])
                ]))
            );
            assert_eq!(rc.document_version(), Some("$DEFAULT"));
            assert_eq!(rc.output_s3_bucket_name(), Some("amzn-s3-demo-bucket"));
            assert_eq!(rc.output_s3_key_prefix(), Some("patching/"));
            let cw = rc
                .cloud_watch_output_config()
                .expect("CloudWatchOutputConfig");
            assert_eq!(cw.cloud_watch_log_group_name(), Some("/aws/ssm/patching"));
            assert!(cw.cloud_watch_output_enabled());
            let alarms = r.alarm_configuration().expect("AlarmConfiguration");
            assert_eq!(
                alarms.alarms().iter().map(|a| a.name()).collect::<Vec<_>>(),
                ["patching-errors", "fleet-health"]
            );
            assert!(alarms.ignore_poll_alarm_failure());
            true
        })
        .then_http_response(|| ok(UPDATE_TASK_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    ssm::update_task(&client, WINDOW, TASK, &run_patch_baseline_config())
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindowTask.html
#[tokio::test]
async fn update_task_sends_automation_parameters_and_clears_removed_fields() {
    let update = mock!(Ssm::update_maintenance_window_task)
        .match_requests(|r| {
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.task_arn(), Some("AWS-StopEC2Instance"));
            assert_eq!(
                r.cutoff_behavior().map(|c| c.as_str()),
                Some("CONTINUE_TASK")
            );
            // Removed from the spec: not sent, so Replace=true clears them.
            assert_eq!(r.service_role_arn(), None);
            assert!(r.alarm_configuration().is_none());
            let inv = r
                .task_invocation_parameters()
                .expect("TaskInvocationParameters");
            assert!(inv.run_command().is_none());
            let auto = inv.automation().expect("Automation");
            assert_eq!(auto.document_version(), Some("1"));
            assert_eq!(
                auto.parameters(),
                Some(&hash(&[("InstanceId", &["{{RESOURCE_ID}}"])]))
            );
            true
        })
        .then_http_response(|| ok(AUTOMATION_TASK));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = TaskConfig {
        name: "Stop-Instances".into(),
        kind: TaskKind::Automation,
        document: "AWS-StopEC2Instance".into(),
        document_version: Some("1".into()),
        parameters: params(&[("InstanceId", &["{{RESOURCE_ID}}"])]),
        priority: 2,
        max_concurrency: "1".into(),
        max_errors: "1".into(),
        cutoff_behavior: "CONTINUE_TASK".into(),
        targets: vec![entry("WindowTargetIds", &[WINDOW_TARGET])],
        ..Default::default()
    };
    ssm::update_task(&client, WINDOW, TASK, &cfg).await.unwrap();
    assert_eq!(update.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Maintenance windows

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindow.html
// (CreatedDate/ModifiedDate are Timestamps, sent as epoch seconds; StartDate/EndDate are ISO-8601 strings).
const GET_WINDOW: &str = r#"{
    "AllowUnassociatedTargets": false,
    "CreatedDate": 1557593493.96,
    "Cutoff": 1,
    "Description": "Patch the production fleet",
    "Duration": 4,
    "Enabled": true,
    "EndDate": "2027-12-31T23:59:59Z",
    "ModifiedDate": 1557593493.96,
    "Name": "prod-patching",
    "NextExecutionTime": "2024-11-12T02:00+09:00",
    "Schedule": "cron(0 2 ? * TUE#2 *)",
    "ScheduleOffset": 2,
    "ScheduleTimezone": "Asia/Tokyo",
    "StartDate": "2024-01-01T00:00:00Z",
    "WindowId": "mw-0c50858d01EXAMPLE"
}"#;

fn window_config() -> WindowConfig {
    WindowConfig {
        name: "prod-patching".into(),
        description: Some("Patch the production fleet".into()),
        schedule: "cron(0 2 ? * TUE#2 *)".into(),
        schedule_timezone: Some("Asia/Tokyo".into()),
        schedule_offset: Some(2),
        duration: 4,
        cutoff: 1,
        start_date: Some("2024-01-01T00:00:00Z".into()),
        end_date: Some("2027-12-31T23:59:59Z".into()),
        enabled: true,
        allow_unassociated_targets: false,
    }
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindow.html
#[tokio::test]
async fn get_window_reads_the_documented_response() {
    let get = mock!(Ssm::get_maintenance_window)
        .match_requests(|r| r.window_id() == Some(WINDOW))
        .then_http_response(|| ok(GET_WINDOW));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let w = ssm::get_window(&client, WINDOW).await.unwrap().unwrap();
    assert_eq!(w.id, WINDOW);
    assert_eq!(w.config, window_config());
    assert_near(w.created, ts(1557593493, 960));
}

// Errors: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetMaintenanceWindow.html#API_GetMaintenanceWindow_Errors
#[tokio::test]
async fn get_window_of_a_missing_window_is_none() {
    let missing = mock!(Ssm::get_maintenance_window).then_http_response(|| {
        aws_error(
            "DoesNotExistException",
            "Maintenance window mw-0c50858d01EXAMPLE does not exist",
        )
    });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&missing]);
    assert_eq!(ssm::get_window(&client, WINDOW).await.unwrap(), None);
}

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindow.html
const UPDATE_WINDOW_RESPONSE: &str = r#"{
    "AllowUnassociatedTargets": false,
    "Cutoff": 1,
    "Duration": 4,
    "Enabled": false,
    "Name": "prod-patching",
    "Schedule": "rate(7 days)",
    "WindowId": "mw-0c50858d01EXAMPLE"
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindow.html
#[tokio::test]
async fn update_window_replaces_every_field() {
    let update = mock!(Ssm::update_maintenance_window)
        .match_requests(|r| {
            assert_eq!(r.window_id(), Some(WINDOW));
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.name(), Some("prod-patching"));
            assert_eq!(r.schedule(), Some("rate(7 days)"));
            assert_eq!(r.duration(), Some(4));
            assert_eq!(r.cutoff(), Some(1));
            assert_eq!(r.enabled(), Some(false));
            assert_eq!(r.allow_unassociated_targets(), Some(false));
            // Removed from the spec: not sent, so Replace=true clears them.
            assert_eq!(r.description(), None);
            assert_eq!(r.schedule_timezone(), None);
            assert_eq!(r.schedule_offset(), None);
            assert_eq!(r.start_date(), None);
            assert_eq!(r.end_date(), None);
            true
        })
        .then_http_response(|| ok(UPDATE_WINDOW_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = WindowConfig {
        name: "prod-patching".into(),
        schedule: "rate(7 days)".into(),
        duration: 4,
        cutoff: 1,
        enabled: false,
        ..Default::default()
    };
    ssm::update_window(&client, WINDOW, &cfg).await.unwrap();
    assert_eq!(update.num_calls(), 1);
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindow.html
#[tokio::test]
async fn update_window_sends_the_full_schedule() {
    let update = mock!(Ssm::update_maintenance_window)
        .match_requests(|r| {
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.description(), Some("Patch the production fleet"));
            assert_eq!(r.schedule(), Some("cron(0 2 ? * TUE#2 *)"));
            assert_eq!(r.schedule_timezone(), Some("Asia/Tokyo"));
            assert_eq!(r.schedule_offset(), Some(2));
            assert_eq!(r.start_date(), Some("2024-01-01T00:00:00Z"));
            assert_eq!(r.end_date(), Some("2027-12-31T23:59:59Z"));
            assert_eq!(r.enabled(), Some(true));
            true
        })
        .then_http_response(|| ok(GET_WINDOW));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    ssm::update_window(&client, WINDOW, &window_config())
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// UpdateMaintenanceWindowTarget

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindowTarget.html
const UPDATE_TARGET_RESPONSE: &str = r#"{
    "Name": "prod-web",
    "OwnerInformation": "default/prod-baseline",
    "Targets": [ { "Key": "tag:Patch Group", "Values": [ "prod-web", "prod-api" ] } ],
    "WindowId": "mw-0c50858d01EXAMPLE",
    "WindowTargetId": "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE"
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateMaintenanceWindowTarget.html
#[tokio::test]
async fn update_target_replaces_the_selection() {
    let update = mock!(Ssm::update_maintenance_window_target)
        .match_requests(|r| {
            assert_eq!(r.window_id(), Some(WINDOW));
            assert_eq!(r.window_target_id(), Some(WINDOW_TARGET));
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.name(), Some("prod-web"));
            assert_eq!(
                entries(r.targets()),
                vec![entry("tag:Patch Group", &["prod-web", "prod-api"])]
            );
            assert_eq!(r.owner_information(), Some("default/prod-baseline"));
            true
        })
        .then_http_response(|| ok(UPDATE_TARGET_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = TargetConfig {
        name: "prod-web".into(),
        targets: vec![entry("tag:Patch Group", &["prod-web", "prod-api"])],
        owner_information: Some("default/prod-baseline".into()),
    };
    ssm::update_target(&client, WINDOW, WINDOW_TARGET, &cfg)
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Patch baselines

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
// (ApprovalRules.PatchRules[].PatchFilterGroup/ComplianceLevel/ApproveAfterDays/EnableNonSecurity, GlobalFilters,
// PatchGroups, RejectedPatchesAction, Sources).
const GET_BASELINE: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "ComplianceLevel": "CRITICAL",
                "EnableNonSecurity": false,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "CLASSIFICATION", "Values": [ "Security" ] },
                        { "Key": "SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            },
            {
                "ApproveUntilDate": "2024-12-31",
                "ComplianceLevel": "MEDIUM",
                "EnableNonSecurity": true,
                "PatchFilterGroup": {
                    "PatchFilters": [ { "Key": "CLASSIFICATION", "Values": [ "Bugfix" ] } ]
                }
            }
        ]
    },
    "ApprovedPatches": [ "kernel-livepatch-5.10.*" ],
    "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": true,
    "AvailableSecurityUpdatesComplianceStatus": "NON_COMPLIANT",
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "Description": "Amazon Linux 2 production baseline",
    "GlobalFilters": {
        "PatchFilters": [ { "Key": "PRODUCT", "Values": [ "AmazonLinux2" ] } ]
    },
    "ModifiedDate": 1562362327.128,
    "Name": "prod-al2",
    "OperatingSystem": "AMAZON_LINUX_2",
    "PatchGroups": [ "prod-web", "prod-api" ],
    "RejectedPatches": [ "openssl-1.0.2k-19.amzn2.0.1" ],
    "RejectedPatchesAction": "BLOCK",
    "Sources": [
        {
            "Configuration": "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1",
            "Name": "my-repo",
            "Products": [ "AmazonLinux2" ]
        }
    ]
}"#;

fn baseline_config() -> BaselineConfig {
    BaselineConfig {
        name: "prod-al2".into(),
        description: Some("Amazon Linux 2 production baseline".into()),
        operating_system: "AMAZON_LINUX_2".into(),
        global_filters: vec![entry("PRODUCT", &["AmazonLinux2"])],
        approval_rules: vec![
            RuleConfig {
                filters: vec![
                    entry("CLASSIFICATION", &["Security"]),
                    entry("SEVERITY", &["Critical", "Important"]),
                ],
                approve_after_days: Some(7),
                approve_until_date: None,
                compliance_level: "CRITICAL".into(),
                enable_non_security: false,
            },
            RuleConfig {
                filters: vec![entry("CLASSIFICATION", &["Bugfix"])],
                approve_after_days: None,
                approve_until_date: Some("2024-12-31".into()),
                compliance_level: "MEDIUM".into(),
                enable_non_security: true,
            },
        ],
        approved_patches: vec!["kernel-livepatch-5.10.*".into()],
        approved_patches_compliance_level: "HIGH".into(),
        approved_patches_enable_non_security: true,
        rejected_patches: vec!["openssl-1.0.2k-19.amzn2.0.1".into()],
        rejected_patches_action: "BLOCK".into(),
        sources: vec![(
            "my-repo".into(),
            vec!["AmazonLinux2".into()],
            "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1"
                .into(),
        )],
    }
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
#[tokio::test]
async fn get_baseline_reads_the_documented_response() {
    let get = mock!(Ssm::get_patch_baseline)
        .match_requests(|r| r.baseline_id() == Some(BASELINE))
        .then_http_response(|| ok(GET_BASELINE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let b = ssm::get_baseline(&client, BASELINE).await.unwrap().unwrap();
    assert_eq!(b.id, BASELINE);
    assert_eq!(b.config, baseline_config());
    assert_eq!(b.patch_groups, ["prod-web", "prod-api"]);
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
// (the Windows example shape, without ComplianceLevel, EnableNonSecurity, ApprovedPatchesComplianceLevel,
// RejectedPatchesAction, PatchGroups or Sources).
const GET_BASELINE_MINIMAL: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "PRODUCT", "Values": [ "WindowsServer2016" ] },
                        { "Key": "CLASSIFICATION", "Values": [ "CriticalUpdates", "SecurityUpdates" ] },
                        { "Key": "MSRC_SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            }
        ]
    },
    "ApprovedPatches": [],
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "GlobalFilters": { "PatchFilters": [] },
    "ModifiedDate": 1562362327.128,
    "Name": "Windows-Server-2016",
    "OperatingSystem": "WINDOWS",
    "RejectedPatches": []
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
#[tokio::test]
async fn get_baseline_defaults_absent_fields() {
    let get = mock!(Ssm::get_patch_baseline).then_http_response(|| ok(GET_BASELINE_MINIMAL));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let b = ssm::get_baseline(&client, BASELINE).await.unwrap().unwrap();
    assert_eq!(
        b.config,
        BaselineConfig {
            name: "Windows-Server-2016".into(),
            description: None,
            operating_system: "WINDOWS".into(),
            global_filters: vec![],
            approval_rules: vec![RuleConfig {
                filters: vec![
                    entry("PRODUCT", &["WindowsServer2016"]),
                    entry("CLASSIFICATION", &["CriticalUpdates", "SecurityUpdates"]),
                    entry("MSRC_SEVERITY", &["Critical", "Important"]),
                ],
                approve_after_days: Some(7),
                approve_until_date: None,
                compliance_level: "UNSPECIFIED".into(),
                enable_non_security: false,
            }],
            approved_patches: vec![],
            approved_patches_compliance_level: "UNSPECIFIED".into(),
            approved_patches_enable_non_security: false,
            rejected_patches: vec![],
            rejected_patches_action: "ALLOW_AS_DEPENDENCY".into(),
            sources: vec![],
        }
    );
    assert!(b.patch_groups.is_empty());
}

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
const UPDATE_BASELINE_RESPONSE: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "ComplianceLevel": "CRITICAL",
                "EnableNonSecurity": false,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "CLASSIFICATION", "Values": [ "Security" ] },
                        { "Key": "SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            },
            {
                "ApproveUntilDate": "2024-12-31",
                "ComplianceLevel": "MEDIUM",
                "EnableNonSecurity": true,
                "PatchFilterGroup": {
                    "PatchFilters": [ { "Key": "CLASSIFICATION", "Values": [ "Bugfix" ] } ]
                }
            }
        ]
    },
    "ApprovedPatches": [ "kernel-livepatch-5.10.*" ],
    "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": true,
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "Description": "Amazon Linux 2 production baseline",
    "GlobalFilters": {
        "PatchFilters": [ { "Key": "PRODUCT", "Values": [ "AmazonLinux2" ] } ]
    },
    "ModifiedDate": 1562449127.314,
    "Name": "prod-al2",
    "OperatingSystem": "AMAZON_LINUX_2",
    "RejectedPatches": [ "openssl-1.0.2k-19.amzn2.0.1" ],
    "RejectedPatchesAction": "BLOCK",
    "Sources": [
        {
            "Configuration": "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1",
            "Name": "my-repo",
            "Products": [ "AmazonLinux2" ]
        }
    ]
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
#[tokio::test]
async fn update_baseline_replaces_the_whole_baseline() {
    let update = mock!(Ssm::update_patch_baseline)
        .match_requests(|r| {
            let want = baseline_config();
            assert_eq!(r.baseline_id(), Some(BASELINE));
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.name(), Some("prod-al2"));
            assert_eq!(r.description(), Some("Amazon Linux 2 production baseline"));
            assert_eq!(filters(r.global_filters()), want.global_filters);
            let rules = r.approval_rules().expect("ApprovalRules").patch_rules();
            assert_eq!(rules.len(), 2);
            for (got, want) in rules.iter().zip(&want.approval_rules) {
                assert_eq!(filters(got.patch_filter_group()), want.filters);
                assert_eq!(got.approve_after_days(), want.approve_after_days);
                assert_eq!(got.approve_until_date(), want.approve_until_date.as_deref());
                assert_eq!(
                    got.compliance_level().map(|c| c.as_str()),
                    Some(want.compliance_level.as_str())
                );
                assert_eq!(got.enable_non_security(), Some(want.enable_non_security));
            }
            assert_eq!(r.approved_patches(), ["kernel-livepatch-5.10.*"]);
            assert_eq!(
                r.approved_patches_compliance_level().map(|c| c.as_str()),
                Some("HIGH")
            );
            assert_eq!(r.approved_patches_enable_non_security(), Some(true));
            assert_eq!(r.rejected_patches(), ["openssl-1.0.2k-19.amzn2.0.1"]);
            assert_eq!(
                r.rejected_patches_action().map(|a| a.as_str()),
                Some("BLOCK")
            );
            let sources: Vec<_> = r
                .sources()
                .iter()
                .map(|s| {
                    (
                        s.name().to_string(),
                        s.products().to_vec(),
                        s.configuration().to_string(),
                    )
                })
                .collect();
            assert_eq!(sources, want.sources);
            true
        })
        .then_http_response(|| ok(UPDATE_BASELINE_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    ssm::update_baseline(&client, BASELINE, &baseline_config())
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
#[tokio::test]
async fn update_baseline_without_rules_or_lists_sends_them_empty() {
    let update = mock!(Ssm::update_patch_baseline)
        .match_requests(|r| {
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.description(), None);
            assert!(filters(r.global_filters()).is_empty());
            assert!(r
                .approval_rules()
                .expect("ApprovalRules sent, empty")
                .patch_rules()
                .is_empty());
            assert!(r.approved_patches().is_empty() && r.rejected_patches().is_empty());
            assert!(r.sources().is_empty());
            assert_eq!(
                r.rejected_patches_action().map(|a| a.as_str()),
                Some("ALLOW_AS_DEPENDENCY")
            );
            true
        })
        .then_http_response(|| ok(GET_BASELINE_MINIMAL));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = BaselineConfig {
        name: "Windows-Server-2016".into(),
        operating_system: "WINDOWS".into(),
        approved_patches_compliance_level: "UNSPECIFIED".into(),
        rejected_patches_action: "ALLOW_AS_DEPENDENCY".into(),
        ..Default::default()
    };
    ssm::update_baseline(&client, BASELINE, &cfg).await.unwrap();
    assert_eq!(update.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// State Manager associations

// Request syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateAssociation.html
// ("When you call UpdateAssociation, the system removes all optional parameters from the request and overwrites
// the association with null values for those parameters.") Response: {"AssociationDescription": {...}} as in
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
const UPDATE_ASSOCIATION_RESPONSE: &str = r#"{
    "AssociationDescription": {
        "ApplyOnlyAtCronInterval": false,
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "update-agent-prod",
        "AssociationVersion": "2",
        "Date": 1550505828.548,
        "DocumentVersion": "$DEFAULT",
        "LastUpdateAssociationDate": 1550508093.294,
        "Name": "AWS-UpdateSSMAgent",
        "Overview": { "DetailedStatus": "Creating", "Status": "Pending" },
        "Parameters": { "allowDowngrade": [ "false" ], "version": [ "" ] },
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
    }
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateAssociation.html
#[tokio::test]
async fn update_association_sends_the_full_desired_settings() {
    let update = mock!(Ssm::update_association)
        .match_requests(|r| {
            assert_eq!(r.association_id(), Some(ASSOCIATION));
            assert_eq!(r.name(), Some("AWS-UpdateSSMAgent"));
            assert_eq!(r.association_name(), Some("update-agent-prod"));
            assert_eq!(r.schedule_expression(), Some("cron(0 2 ? * SUN *)"));
            assert_eq!(entries(r.targets()), vec![entry("tag:env", &["prod"])]);
            assert_eq!(
                r.parameters(),
                Some(&hash(&[("allowDowngrade", &["false"]), ("version", &[""])]))
            );
            true
        })
        .then_http_response(|| ok(UPDATE_ASSOCIATION_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = AssociationConfig {
        association_name: "update-agent-prod".into(),
        document: "AWS-UpdateSSMAgent".into(),
        schedule: "cron(0 2 ? * SUN *)".into(),
        targets: vec![entry("tag:env", &["prod"])],
        parameters: params(&[("allowDowngrade", &["false"]), ("version", &[""])]),
    };
    ssm::update_association(&client, ASSOCIATION, &cfg)
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListAssociations.html
const LIST_ASSOCIATIONS: &str = r#"{
    "Associations": [
        {
            "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
            "AssociationName": "update-agent-prod",
            "AssociationVersion": "1",
            "DocumentVersion": "$DEFAULT",
            "LastExecutionDate": 1550505828.548,
            "Name": "AWS-UpdateSSMAgent",
            "Overview": {
                "AssociationStatusAggregatedCount": { "Success": 5 },
                "DetailedStatus": "Success",
                "Status": "Success"
            },
            "ScheduleExpression": "cron(0 2 ? * SUN *)",
            "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
        },
        {
            "AssociationId": "fbc07ef7-b985-4684-b82b-0123456789ab",
            "AssociationName": "update-agent-dev",
            "AssociationVersion": "3",
            "Name": "AWS-UpdateSSMAgent",
            "Overview": { "DetailedStatus": "Pending", "Status": "Pending" },
            "ScheduleExpression": "rate(7 days)",
            "Targets": [ { "Key": "InstanceIds", "Values": [ "i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE" ] } ]
        }
    ]
}"#;

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
const DESCRIBE_ASSOCIATION: &str = r#"{
    "AssociationDescription": {
        "ApplyOnlyAtCronInterval": false,
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "update-agent-prod",
        "AssociationVersion": "1",
        "Date": 1550505828.548,
        "DocumentVersion": "$DEFAULT",
        "LastExecutionDate": 1550505828.548,
        "LastSuccessfulExecutionDate": 1550505828.548,
        "LastUpdateAssociationDate": 1550505828.548,
        "Name": "AWS-UpdateSSMAgent",
        "Overview": {
            "AssociationStatusAggregatedCount": { "Success": 5 },
            "DetailedStatus": "Success",
            "Status": "Success"
        },
        "Parameters": { "allowDowngrade": [ "false" ], "version": [ "3.3.40.0" ] },
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
    }
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListAssociations.html
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
#[tokio::test]
async fn associations_are_listed_per_document_and_their_parameters_described() {
    let list = mock!(Ssm::list_associations)
        .match_requests(|r| {
            let f = r.association_filter_list();
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].key().as_str(), "Name");
            assert_eq!(f[0].value(), "AWS-UpdateSSMAgent");
            true
        })
        .then_http_response(|| ok(LIST_ASSOCIATIONS));
    let describe = mock!(Ssm::describe_association)
        .match_requests(|r| r.association_id() == Some(ASSOCIATION))
        .then_http_response(|| ok(DESCRIBE_ASSOCIATION));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&list, &describe]);

    let all = ssm::associations(&client, "AWS-UpdateSSMAgent")
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, ASSOCIATION);
    assert_eq!(
        all[0].config,
        AssociationConfig {
            association_name: "update-agent-prod".into(),
            document: "AWS-UpdateSSMAgent".into(),
            schedule: "cron(0 2 ? * SUN *)".into(),
            targets: vec![entry("tag:env", &["prod"])],
            // ListAssociations does not return parameters.
            parameters: BTreeMap::new(),
        }
    );
    assert_eq!(all[1].id, "fbc07ef7-b985-4684-b82b-0123456789ab");
    assert_eq!(all[1].config.schedule, "rate(7 days)");
    assert_eq!(
        all[1].config.targets,
        vec![entry(
            "InstanceIds",
            &["i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE"]
        )]
    );

    let p = ssm::association_parameters(&client, ASSOCIATION)
        .await
        .unwrap();
    assert_eq!(
        p,
        params(&[("allowDowngrade", &["false"]), ("version", &["3.3.40.0"])])
    );
    assert_eq!((list.num_calls(), describe.num_calls()), (1, 1));
}

// ---------------------------------------------------------------------------------------------------------------
// Execution history and compliance

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeMaintenanceWindowExecutions.html
// (three executions, deliberately out of order; the newest is still running and has no EndTime).
const WINDOW_EXECUTIONS: &str = r#"{
    "WindowExecutions": [
        {
            "EndTime": 1593493847.123,
            "StartTime": 1593493815.0,
            "Status": "SUCCESS",
            "WindowExecutionId": "6027b513-64fe-4cf0-be7d-1191aEXAMPLE",
            "WindowId": "mw-0c50858d01EXAMPLE"
        },
        {
            "EndTime": 1593407447.0,
            "StartTime": 1593407415.0,
            "Status": "FAILED",
            "StatusDetails": "One or more tasks in the orchestration failed.",
            "WindowExecutionId": "b6fa2a5b-1cfe-4cf6-9b73-3b3d2EXAMPLE",
            "WindowId": "mw-0c50858d01EXAMPLE"
        },
        {
            "StartTime": 1593580215.0,
            "Status": "IN_PROGRESS",
            "WindowExecutionId": "39e6e7b5-8a1c-4c1f-9bd4-1d9a2EXAMPLE",
            "WindowId": "mw-0c50858d01EXAMPLE"
        }
    ]
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeMaintenanceWindowExecutions.html
#[tokio::test]
async fn executions_are_newest_first_and_truncated() {
    let describe = mock!(Ssm::describe_maintenance_window_executions)
        .match_requests(|r| {
            assert_eq!(r.window_id(), Some(WINDOW));
            // The documented minimum of MaxResults is 10.
            assert_eq!(r.max_results(), Some(10));
            true
        })
        .then_http_response(|| ok(WINDOW_EXECUTIONS));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&describe]);
    let ex = ssm::executions(&client, WINDOW, 2).await.unwrap();
    let ids: Vec<_> = ex.iter().map(|e| (e.0.as_str(), e.1.as_str())).collect();
    assert_eq!(
        ids,
        [
            ("39e6e7b5-8a1c-4c1f-9bd4-1d9a2EXAMPLE", "IN_PROGRESS"),
            ("6027b513-64fe-4cf0-be7d-1191aEXAMPLE", "SUCCESS"),
        ]
    );
    assert_eq!((ex[0].2, ex[0].3), (Some(ts(1593580215, 0)), None));
    assert_eq!(ex[1].2, Some(ts(1593493815, 0)));
    assert_near(ex[1].3, ts(1593493847, 123));
    assert_eq!(describe.num_calls(), 1);
}

fn instance(n: usize) -> String {
    format!("i-{n:017x}")
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html
// (InstanceIds: "Array Members: Minimum number of 0 items. Maximum number of 50 items.")
const PATCH_STATES_1: &str = r#"{
    "InstancePatchStates": [
        {
            "BaselineId": "pb-0c10e65780EXAMPLE",
            "CriticalNonCompliantCount": 1,
            "FailedCount": 1,
            "InstalledCount": 32,
            "InstalledOtherCount": 1,
            "InstalledPendingRebootCount": 0,
            "InstalledRejectedCount": 0,
            "InstanceId": "i-00000000000000000",
            "MissingCount": 2,
            "NotApplicableCount": 1045,
            "Operation": "Scan",
            "OperationEndTime": 1550244826.241,
            "OperationStartTime": 1550244665.723,
            "OtherNonCompliantCount": 0,
            "OwnerInformation": "",
            "PatchGroup": "prod-web",
            "RebootOption": "NoReboot",
            "SecurityNonCompliantCount": 2,
            "SnapshotId": "9fd3e1c1-6d40-4b1c-8c9a-0123456789ab",
            "UnreportedNotApplicableCount": -1
        }
    ]
}"#;

const PATCH_STATES_2: &str = r#"{
    "InstancePatchStates": [
        {
            "BaselineId": "pb-0c10e65780EXAMPLE",
            "FailedCount": 0,
            "InstalledCount": 40,
            "InstanceId": "i-00000000000000032",
            "MissingCount": 0,
            "NotApplicableCount": 1000,
            "Operation": "Install",
            "OperationEndTime": 1550245000.0,
            "OperationStartTime": 1550244900.0,
            "PatchGroup": "prod-web",
            "RebootOption": "RebootIfNeeded"
        }
    ]
}"#;

const PATCH_STATES_3: &str = r#"{ "InstancePatchStates": [] }"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatchStates.html
#[tokio::test]
async fn patch_states_are_read_in_chunks_of_fifty() {
    let ids: Vec<String> = (0..120).map(instance).collect();
    let chunk = |from: usize, len: usize| {
        move |r: &aws_sdk_ssm::operation::describe_instance_patch_states::DescribeInstancePatchStatesInput| {
            r.instance_ids().len() == len && r.instance_ids()[0] == instance(from)
        }
    };
    let first = mock!(Ssm::describe_instance_patch_states)
        .match_requests(chunk(0, 50))
        .then_http_response(|| ok(PATCH_STATES_1));
    let second = mock!(Ssm::describe_instance_patch_states)
        .match_requests(chunk(50, 50))
        .then_http_response(|| ok(PATCH_STATES_2));
    let third = mock!(Ssm::describe_instance_patch_states)
        .match_requests(chunk(100, 20))
        .then_http_response(|| ok(PATCH_STATES_3));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&first, &second, &third]);
    let states = ssm::patch_states(&client, &ids).await.unwrap();
    assert_eq!(
        (first.num_calls(), second.num_calls(), third.num_calls()),
        (1, 1, 1)
    );
    assert_eq!(states.len(), 2);
    let s = &states[0];
    assert_eq!(s.instance_id, instance(0));
    assert_eq!((s.missing, s.failed, s.critical_non_compliant), (2, 1, 1));
    assert_near(s.operation_end, ts(1550244826, 241));
    let s = &states[1];
    assert_eq!(s.instance_id, instance(50));
    // CriticalNonCompliantCount absent: none.
    assert_eq!((s.missing, s.failed, s.critical_non_compliant), (0, 0, 0));
    assert_eq!(s.operation_end, Some(ts(1550245000, 0)));
}

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatches.html
// (filter keys State and Severity; PatchComplianceData with Title, KBId, Classification, Severity, State, InstalledTime).
const MISSING_CRITICAL: &str = r#"{
    "Patches": [
        {
            "Classification": "SecurityUpdates",
            "InstalledTime": 0,
            "KBId": "KB4480979",
            "Severity": "Critical",
            "State": "MISSING",
            "Title": "2019-01 Security Update for Adobe Flash Player for Windows Server 2016 for x64-based Systems (KB4480979)"
        },
        {
            "Classification": "SecurityUpdates",
            "CVEIds": "CVE-2019-0547",
            "InstalledTime": 0,
            "KBId": "KB4480961",
            "Severity": "Critical",
            "State": "MISSING",
            "Title": "2019-01 Cumulative Update for Windows Server 2016 for x64-based Systems (KB4480961)"
        }
    ]
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeInstancePatches.html
#[tokio::test]
async fn missing_critical_filters_on_state_and_severity() {
    let describe = mock!(Ssm::describe_instance_patches)
        .match_requests(|r| {
            assert_eq!(r.instance_id(), Some("i-02573cafcfEXAMPLE"));
            let f: Vec<_> = r
                .filters()
                .iter()
                .map(|f| (f.key().unwrap_or_default().to_string(), f.values().to_vec()))
                .collect();
            assert_eq!(
                f,
                vec![
                    entry("State", &["Missing"]),
                    entry("Severity", &["Critical"])
                ]
            );
            assert_eq!(r.max_results(), Some(50));
            true
        })
        .then_http_response(|| ok(MISSING_CRITICAL));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&describe]);
    let missing = ssm::missing_critical(&client, "i-02573cafcfEXAMPLE")
        .await
        .unwrap();
    assert_eq!(
        missing,
        vec![
            (
                "KB4480979".to_string(),
                "2019-01 Security Update for Adobe Flash Player for Windows Server 2016 for x64-based Systems (KB4480979)".to_string()
            ),
            (
                "KB4480961".to_string(),
                "2019-01 Cumulative Update for Windows Server 2016 for x64-based Systems (KB4480961)".to_string()
            ),
        ]
    );
    assert_eq!(describe.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Error classification

// Common errors: https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html
// (ThrottlingException, HTTP 400: "The request was denied due to request throttling.").
#[tokio::test]
async fn throttling_on_get_patch_baseline_is_classified_throttled() {
    let throttled = mock!(Ssm::get_patch_baseline).then_http_response(|| {
        aws_error(
            "ThrottlingException",
            "The request was denied due to request throttling.",
        )
    });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&throttled], |c| c
        .retry_config(RetryConfig::disabled()));
    let err = ssm::get_baseline(&client, BASELINE).await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::Throttled);
    assert!(err.category.is_retryable());
    assert_eq!(err.code.as_deref(), Some("ThrottlingException"));
    assert_eq!(err.operation, "GetPatchBaseline");
    assert_eq!(throttled.num_calls(), 1);
}

// Errors: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_CreateMaintenanceWindow.html#API_CreateMaintenanceWindow_Errors
// (ResourceLimitExceededException, HTTP 400: "Error returned when the caller has exceeded the default resource
// quotas. For example, too many maintenance windows or patch baselines have been created.").
#[tokio::test]
async fn resource_limit_on_create_maintenance_window_is_quota_exceeded() {
    let quota = mock!(Ssm::create_maintenance_window).then_http_response(|| {
        aws_error(
            "ResourceLimitExceededException",
            "Maximum number of maintenance windows (50) per region reached.",
        )
    });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&quota], |c| c
        .retry_config(RetryConfig::disabled()));
    let err = ssm::create_window(&client, &window_config(), &[], "token-1")
        .await
        .unwrap_err();
    assert_eq!(err.category, ErrorCategory::QuotaExceeded);
    assert!(!err.category.is_retryable());
    assert_eq!(err.code.as_deref(), Some("ResourceLimitExceededException"));
    assert_eq!(err.operation, "CreateMaintenanceWindow");
    assert_eq!(quota.num_calls(), 1);
}
