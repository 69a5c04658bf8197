//! The reads behind patch compliance: window executions newest first and truncated, instance patch states in chunks
//! of fifty, missing critical patches filtered on state and severity.

use super::*;

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
