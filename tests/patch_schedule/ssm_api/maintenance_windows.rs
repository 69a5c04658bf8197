//! Maintenance windows, their targets and tasks: read, updated in full, missing ones are None; a resource limit on
//! CreateMaintenanceWindow is QuotaExceeded.

use super::*;

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
