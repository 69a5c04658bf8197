//! Roles the operator creates and owns (`createRole`) against moto: a fresh account converges from nothing (the
//! trail's CloudWatch Logs delivery role and log group, AWS Config's service-linked role), a second pass writes
//! nothing, a tampered trust or inline policy is reported then corrected, and deletion removes only the role this
//! baseline owns (the log group and the service-linked role are kept).

use super::*;
use aws_baseline_operator::aws::iam::decode_policy;

const GROUP: &str = "/aws/cloudtrail/audit";
const GROUP_ARN: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/audit:*";

fn roles_spec() -> AccountBaselineSpec {
    baseline(json!({
        "regions": ["us-east-1"],
        "deletionPolicy": "Delete",
        "cloudTrail": {
            "name": "audit",
            "s3": {"bucketName": "audit-logs-123456789012", "createBucket": true},
            "cloudWatchLogs": {"logGroupArn": GROUP_ARN, "createRole": true,
                "createLogGroup": {"retentionInDays": 365}}
        },
        "config": {
            "recorder": {"createRole": true},
            "deliveryChannel": {"s3BucketName": "audit-logs-123456789012", "createBucket": true}
        },
        "vpcFlowLogs": {"cloudWatchLogs": {"logGroupName": "/org/vpc-flow", "createRole": true}}
    }))
}

/// The role's name for the `sections` owner.
fn role_name() -> String {
    aws_baseline_operator::engine::role::role_name("cloudtrail-logs", &owner())
}

fn parsed(doc: &str) -> Value {
    serde_json::from_str(&decode_policy(doc)).unwrap()
}

/// (state, ownership) of a component in us-east-1.
fn state(r: &PassReport, component: &str) -> (ComponentState, Ownership) {
    let o = r
        .outcomes
        .iter()
        .find(|o| o.component == component)
        .unwrap_or_else(|| panic!("no {component}: {:#?}", r.outcomes));
    (o.state, o.ownership)
}

fn no_errors(r: &PassReport) {
    let errors: Vec<_> = r.outcomes.iter().filter_map(|o| o.error.as_ref()).collect();
    assert!(
        errors.is_empty() && r.fatal.is_none(),
        "{errors:?} {:?}",
        r.fatal
    );
}

#[tokio::test]
async fn a_fresh_account_with_create_role_converges_then_corrects_a_tampered_role_and_deletes_only_it(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let cfg = moto.sdk_config("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&cfg);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&cfg);
    let spec = roles_spec();
    let name = role_name();
    assert!(name.starts_with("awsbaseline-cloudtrail-logs-"), "{name}");

    // From nothing: the role, its policy, the log group and the service-linked role are created before the trail.
    let first = pass(&factory, &spec, DriftPolicy::Correct, &[]).await;
    no_errors(&first);
    for c in [
        "cloudTrailLogsRole",
        "cloudTrailLogGroup",
        "configServiceLinkedRole",
        "vpcFlowLogsRole",
    ] {
        assert_eq!(
            state(&first, c),
            (ComponentState::Created, Ownership::Created),
            "{c}"
        );
    }
    let writes = sorted_writes(&stats);
    for w in [
        "IAM:CreateRole",
        "IAM:PutRolePolicy",
        "IAM:CreateServiceLinkedRole",
        "CloudWatch Logs:CreateLogGroup",
        "CloudWatch Logs:PutRetentionPolicy",
        "CloudTrail:CreateTrail",
    ] {
        assert!(writes.contains(&w.to_string()), "{w} not in {writes:?}");
    }

    let role = iam.get_role().role_name(&name).send().await.unwrap();
    let role = role.role().unwrap();
    let arn = role.arn().to_string();
    assert!(role
        .tags()
        .iter()
        .any(|t| t.key() == "awsbaseline.io/owner-uid" && t.value() == "sections-uid-1"));
    let trust = parsed(role.assume_role_policy_document().unwrap());
    let st = &trust["Statement"][0];
    assert_eq!(st["Principal"]["Service"], "cloudtrail.amazonaws.com");
    assert_eq!(
        st["Condition"]["StringEquals"]["aws:SourceAccount"],
        ACCOUNT
    );
    assert_eq!(
        st["Condition"]["ArnLike"]["aws:SourceArn"],
        "arn:aws:cloudtrail:us-east-1:123456789012:trail/audit"
    );
    let policy = iam
        .get_role_policy()
        .role_name(&name)
        .policy_name("awsbaseline-least-privilege")
        .send()
        .await
        .unwrap();
    let policy = parsed(policy.policy_document());
    let resources: Vec<&Value> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["Resource"].as_array().unwrap())
        .collect();
    assert!(
        resources.iter().all(|r| *r
            == "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/audit:log-stream:123456789012_CloudTrail_*"),
        "{policy:#}"
    );
    let trail = aws_sdk_cloudtrail::Client::new(&cfg)
        .get_trail()
        .name("audit")
        .send()
        .await
        .unwrap();
    let trail = trail.trail().unwrap();
    assert_eq!(trail.cloud_watch_logs_role_arn(), Some(arn.as_str()));
    assert_eq!(trail.cloud_watch_logs_log_group_arn(), Some(GROUP_ARN));
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix(GROUP)
        .send()
        .await
        .unwrap();
    assert_eq!(group.log_groups()[0].retention_in_days(), Some(365));
    iam.get_role()
        .role_name("AWSServiceRoleForConfig")
        .send()
        .await
        .expect("AWS Config's service-linked role");
    // Every VPC's flow log delivers with the flow-logs role the operator created.
    let flow_role = aws_baseline_operator::engine::role::role_name("flow-logs", &owner());
    let flow_logs = aws_sdk_ec2::Client::new(&cfg)
        .describe_flow_logs()
        .send()
        .await
        .unwrap();
    assert!(!flow_logs.flow_logs().is_empty());
    for f in flow_logs.flow_logs() {
        assert_eq!(
            f.deliver_logs_permission_arn(),
            Some(format!("arn:aws:iam::123456789012:role/{flow_role}").as_str())
        );
    }
    let flow_trust = parsed(
        iam.get_role()
            .role_name(&flow_role)
            .send()
            .await
            .unwrap()
            .role()
            .unwrap()
            .assume_role_policy_document()
            .unwrap(),
    );
    assert_eq!(
        flow_trust["Statement"][0]["Principal"]["Service"],
        "vpc-flow-logs.amazonaws.com"
    );

    // A second pass writes nothing.
    let previous = components(&first);
    stats.reset();
    let second = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    no_errors(&second);
    assert_eq!(sorted_writes(&stats), Vec::<String>::new());
    assert!(drift(&second).is_empty(), "{:?}", drift(&second));

    // Tampering: the inline policy widened, the trust handed to another service.
    iam.put_role_policy()
        .role_name(&name)
        .policy_name("awsbaseline-least-privilege")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    iam.update_assume_role_policy()
        .role_name(&name)
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &spec, DriftPolicy::Report, &previous).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    assert_eq!(
        fields(&report),
        vec![
            ("us-east-1".into(), "cloudTrailLogsRole.policy".into()),
            ("us-east-1".into(), "cloudTrailLogsRole.trustPolicy".into()),
        ]
    );
    assert_eq!(
        state(&report, "cloudTrailLogsRole"),
        (ComponentState::Drifted, Ownership::Created)
    );
    stats.reset();
    let corrected = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    no_errors(&corrected);
    assert_eq!(
        sorted_writes(&stats),
        vec!["IAM:PutRolePolicy", "IAM:UpdateAssumeRolePolicy"]
    );
    assert_eq!(
        state(&corrected, "cloudTrailLogsRole").0,
        ComponentState::Corrected
    );
    stats.reset();
    pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert_eq!(stats.writes(), 0, "corrected for good");

    // Deletion: the owned role goes (its inline policy first); the log group and the service-linked role stay.
    let mut spec = spec;
    let report = retain_then_delete(&factory, &stats, &mut spec, &previous).await;
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == &format!("deleted IAM role {name}")),
        "{:?}",
        report.actions
    );
    let gone = iam.get_role().role_name(&name).send().await;
    assert!(gone.is_err(), "role still there");
    let flow_role = aws_baseline_operator::engine::role::role_name("flow-logs", &owner());
    assert!(iam.get_role().role_name(&flow_role).send().await.is_err());
    assert_eq!(
        logs.describe_log_groups()
            .log_group_name_prefix(GROUP)
            .send()
            .await
            .unwrap()
            .log_groups()
            .len(),
        1,
        "the log group is kept"
    );
    iam.get_role()
        .role_name("AWSServiceRoleForConfig")
        .send()
        .await
        .expect("the service-linked role is kept");
}

/// A role of the reserved name this baseline did not create (no owner tags) is adopted: corrected, never deleted.
#[tokio::test]
async fn a_foreign_role_of_the_reserved_name_is_adopted_and_kept() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let iam = aws_sdk_iam::Client::new(&moto.sdk_config("us-east-1").await);
    let name = role_name();
    iam.create_role()
        .role_name(&name)
        .assume_role_policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#)
        .send()
        .await
        .unwrap();
    let mut spec = roles_spec();
    let first = pass(&factory, &spec, DriftPolicy::Correct, &[]).await;
    no_errors(&first);
    assert_eq!(
        state(&first, "cloudTrailLogsRole"),
        (ComponentState::Corrected, Ownership::Adopted)
    );
    let previous = components(&first);
    let report = retain_then_delete(&factory, &stats, &mut spec, &previous).await;
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == &format!("kept IAM role {name} (not created by this object)")),
        "{:?}",
        report.actions
    );
    iam.get_role().role_name(&name).send().await.expect("kept");
}
