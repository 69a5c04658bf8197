//! Finding routes (EventBridge rules to SNS) and scheduled actions converge, drift and are removed by ownership.

use super::*;
use aws_baseline_operator::api::common::Ownership;

#[tokio::test]
async fn finding_routes_and_scheduled_actions_converge_drift_and_are_removed_by_ownership() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    account
        .passable_roles
        .push("arn:aws:iam::123456789012:role/events-ssm".into());
    let mut spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "security", "policyStatements": [{"Sid": "CrossAccountSubscribe", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::210987654321:root"}, "Action": "sns:Subscribe"}]}],
        "logGroups": [{"name": "/app/checkout", "retentionInDays": 30,
            "kmsKeyId": "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"}],
        "findingRoutes": [
            {"name": "guardduty", "source": "guardDuty", "topic": "security", "minSeverity": 7.0},
            {"name": "hub", "source": "securityHub", "topic": "security"}],
        "scheduledActions": [
            {"name": "restart", "schedule": "cron(0 3 ? * SUN *)",
             "roleArn": "arn:aws:iam::123456789012:role/events-ssm",
             "automation": {"documentName": "AWS-RestartEC2Instance", "parameters": {"InstanceId": ["i-0123456789abcdef0"]}}},
            {"name": "flush", "schedule": "rate(1 day)",
             "roleArn": "arn:aws:iam::123456789012:role/events-ssm",
             "runCommand": {"documentName": "AWS-RunShellScript",
                "parameters": {"commands": ["systemctl restart checkout"]},
                "targets": [{"key": "tag:app", "values": ["checkout"]}]}}]
    }))
    .unwrap();

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    assert!(
        first
            .pass
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::Created),
        "{:#?}",
        first.pass.outcomes
    );
    let st = status(None, &first);
    assert_eq!(st.resources[0].event_rules, 4);

    // AWS holds the rules with our target, the topic lets EventBridge publish, the log group is encrypted.
    let conf = moto.sdk_config("us-east-1").await;
    let events = aws_sdk_eventbridge::Client::new(&conf);
    let sns = aws_sdk_sns::Client::new(&conf);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    let sp = aws_baseline_operator::monitoring::short_prefix("payments", "checkout-web");
    let rules = events.list_rules().name_prefix(&sp).send().await.unwrap();
    assert_eq!(rules.rules().len(), 4);
    let gd = rules
        .rules()
        .iter()
        .find(|r| r.name() == Some(&format!("{sp}route-guardduty")))
        .unwrap();
    let pattern: serde_json::Value = serde_json::from_str(gd.event_pattern().unwrap()).unwrap();
    assert_eq!(pattern["source"], serde_json::json!(["aws.guardduty"]));
    assert_eq!(
        pattern["detail"]["severity"],
        serde_json::json!([{"numeric": [">=", 7.0]}])
    );
    let topic_arn = "arn:aws:sns:us-east-1:123456789012:security";
    let gd_targets = events
        .list_targets_by_rule()
        .rule(gd.name().unwrap())
        .send()
        .await
        .unwrap();
    let t = &gd_targets.targets()[0];
    assert_eq!(t.arn(), topic_arn);
    assert!(t
        .input_transformer()
        .unwrap()
        .input_template()
        .contains("GuardDuty finding <type>"));
    let restart = events
        .list_targets_by_rule()
        .rule(format!("{sp}sched-restart"))
        .send()
        .await
        .unwrap();
    let t = &restart.targets()[0];
    assert_eq!(
        t.arn(),
        "arn:aws:ssm:us-east-1:123456789012:automation-definition/AWS-RestartEC2Instance:$DEFAULT"
    );
    assert_eq!(
        t.role_arn(),
        Some("arn:aws:iam::123456789012:role/events-ssm")
    );
    let flush = events
        .list_targets_by_rule()
        .rule(format!("{sp}sched-flush"))
        .send()
        .await
        .unwrap();
    let rc = flush.targets()[0].run_command_parameters().unwrap();
    assert_eq!(rc.run_command_targets()[0].key(), "tag:app");
    let policy_of =
        |attrs: aws_sdk_sns::operation::get_topic_attributes::GetTopicAttributesOutput| {
            serde_json::from_str::<serde_json::Value>(&attrs.attributes().unwrap()["Policy"])
                .unwrap()
        };
    let policy = policy_of(
        sns.get_topic_attributes()
            .topic_arn(topic_arn)
            .send()
            .await
            .unwrap(),
    );
    let statements = policy["Statement"].as_array().unwrap();
    assert!(
        statements.len() >= 2,
        "the default statement is kept: {policy}"
    );
    assert!(statements.iter().any(
        |s| s["Principal"]["Service"] == "events.amazonaws.com" && s["Action"] == "sns:Publish"
    ));
    let declared = statements
        .iter()
        .find(|s| s["Sid"] == "awsbaseline-CrossAccountSubscribe")
        .expect("declared statement");
    assert_eq!(declared["Resource"], topic_arn);
    assert_eq!(declared["Action"], "sns:Subscribe");
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix("/app/checkout")
        .send()
        .await
        .unwrap();
    assert!(group.log_groups()[0]
        .kms_key_id()
        .unwrap()
        .ends_with("key/1234abcd-12ab-34cd-56ef-1234567890ab"));

    // In sync: nothing written; one ListRules, one ListTargetsByRule per rule, no tag reads.
    let steady = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(stats.count("ListRules"), 1);
    assert_eq!(stats.count("ListTargetsByRule"), 4);
    assert_eq!(stats.count("ListTagsForResource"), 0);
    let st = status(Some(&st), &steady);

    // Out of band: a route is disabled, a runbook's parameters are changed, the topic policy loses our statement.
    events
        .disable_rule()
        .name(format!("{sp}route-guardduty"))
        .send()
        .await
        .unwrap();
    events
        .put_targets()
        .rule(format!("{sp}sched-restart"))
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("awsbaseline")
                .arn(restart.targets()[0].arn())
                .role_arn("arn:aws:iam::123456789012:role/events-ssm")
                .input(r#"{"InstanceId":["i-0badbadbadbadbad0"]}"#)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let without_ours =
        aws_baseline_operator::monitoring::topics::with_statement(Some(&policy), None);
    sns.set_topic_attributes()
        .topic_arn(topic_arn)
        .attribute_name("Policy")
        .attribute_value(without_ours.to_string())
        .send()
        .await
        .unwrap();
    // And a log group someone created unencrypted is declared with a key (Report only here; the key's
    // correction against moto is in monitoring::logs).
    logs.create_log_group()
        .log_group_name("/app/legacy")
        .send()
        .await
        .unwrap();
    let mut declared = spec.clone();
    let mut legacy = declared.log_groups[0].clone();
    legacy.name = "/app/legacy".into();
    declared.log_groups.push(legacy);
    stats.reset();
    let report = pass(
        &factory,
        &account,
        &app,
        &declared,
        Some(&st),
        DriftPolicy::Report,
    )
    .await;
    no_errors(&report);
    assert_eq!(stats.writes(), 0, "Report never writes");
    assert_eq!(
        drift_fields(&report),
        [
            "findingRoutes.guardduty.state",
            "logGroups./app/legacy.kmsKeyId",
            "logGroups./app/legacy.retentionInDays",
            "scheduledActions.restart.target.input",
            "topics.security.eventBridgePublish",
        ]
    );
    let st = status(Some(&st), &report);
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(
        sorted_write_operations(&stats),
        ["PutRule", "PutTargets", "SetTopicAttributes"],
        "only what drifted is written"
    );
    let st = status(Some(&st), &fixed);
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &again);

    // A rule under the prefix that this policy did not create (no tags) is never touched.
    events
        .put_rule()
        .name(format!("{sp}route-foreign"))
        .schedule_expression("rate(1 hour)")
        .send()
        .await
        .unwrap();
    // Routes and one scheduled action leave the spec: their rules are deleted, the topic statement removed.
    spec.finding_routes.clear();
    spec.topics[0].policy_statements.clear();
    spec.scheduled_actions.retain(|a| a.name == "flush");
    stats.reset();
    let removed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&removed);
    assert_eq!(
        drift_fields(&removed),
        [
            "findingRoutes.guardduty.exists",
            "findingRoutes.hub.exists",
            "scheduledActions.restart.exists",
            "topics.security.eventBridgePublish",
            "topics.security.policyStatements.CrossAccountSubscribe",
        ]
    );
    assert_eq!(stats.count("SetTopicAttributes"), 1, "one policy write");
    assert_eq!(
        sorted_write_operations(&stats),
        ["DeleteRule", "RemoveTargets", "SetTopicAttributes"]
    );
    assert_eq!(
        (stats.count("RemoveTargets"), stats.count("DeleteRule")),
        (3, 3)
    );
    // Tags are read only for rules the spec does not declare: the three removed ones and the foreign one.
    assert_eq!(stats.count("ListTagsForResource"), 4);
    let mut names: Vec<String> = events
        .list_rules()
        .name_prefix(&sp)
        .send()
        .await
        .unwrap()
        .rules()
        .iter()
        .filter_map(|r| r.name().map(str::to_string))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [format!("{sp}route-foreign"), format!("{sp}sched-flush")]
    );
    let policy = policy_of(
        sns.get_topic_attributes()
            .topic_arn(topic_arn)
            .send()
            .await
            .unwrap(),
    );
    assert!(
        aws_baseline_operator::monitoring::topics::managed_statements(Some(&policy)).is_empty()
    );
    assert!(
        !policy["Statement"].as_array().unwrap().is_empty(),
        "the default statement stays"
    );
    let st = status(Some(&st), &removed);

    // Deleting the policy removes its remaining rule and the topic; the foreign rule stays.
    let mut p = app.clone();
    p.spec = spec.clone();
    p.spec.deletion_policy = DeletionPolicy::Delete;
    let report = cleanup(
        &factory,
        &input(&account, &p, &p.spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == "deleted 1 EventBridge rule(s) in us-east-1"),
        "{:?}",
        report.actions
    );
    let left = events.list_rules().name_prefix(&sp).send().await.unwrap();
    assert_eq!(left.rules().len(), 1);
}

#[tokio::test]
async fn health_and_config_routes_converge_and_a_changed_pattern_is_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "ops"}],
        "findingRoutes": [
            {"name": "health", "source": "health", "topic": "ops", "healthCategories": ["issue", "scheduledChange"]},
            {"name": "config", "source": "config", "topic": "ops"}]
    }))
    .unwrap();

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let st = status(None, &first);
    assert_eq!(st.resources[0].event_rules, 2);
    let conf = moto.sdk_config("us-east-1").await;
    let events = aws_sdk_eventbridge::Client::new(&conf);
    let sp = aws_baseline_operator::monitoring::short_prefix("payments", "checkout-web");
    let health = format!("{sp}route-health");
    let rule = events.describe_rule().name(&health).send().await.unwrap();
    let pattern: serde_json::Value = serde_json::from_str(rule.event_pattern().unwrap()).unwrap();
    assert_eq!(pattern["source"], serde_json::json!(["aws.health"]));
    assert_eq!(
        pattern["detail"]["eventTypeCategory"],
        serde_json::json!(["issue", "scheduledChange"])
    );
    let targets = events
        .list_targets_by_rule()
        .rule(&health)
        .send()
        .await
        .unwrap();
    assert_eq!(
        targets.targets()[0].arn(),
        "arn:aws:sns:us-east-1:123456789012:ops"
    );
    assert!(targets.targets()[0]
        .input_transformer()
        .unwrap()
        .input_template()
        .contains("AWS Health"));

    let steady = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &steady);

    // Someone widens the Health rule to every category (PutRule replaces the rule, so its description goes too):
    // drift on both, then one PutRule puts the declared rule back.
    events
        .put_rule()
        .name(&health)
        .event_pattern(r#"{"source":["aws.health"]}"#)
        .send()
        .await
        .unwrap();
    let report = report_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(
        drift_fields(&report),
        [
            "findingRoutes.health.description",
            "findingRoutes.health.eventPattern"
        ]
    );
    let st = status(Some(&st), &report);
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(sorted_write_operations(&stats), ["PutRule"]);
    let rule = events.describe_rule().name(&health).send().await.unwrap();
    let pattern: serde_json::Value = serde_json::from_str(rule.event_pattern().unwrap()).unwrap();
    assert_eq!(
        pattern["detail"]["eventTypeCategory"],
        serde_json::json!(["issue", "scheduledChange"])
    );
    let st = status(Some(&st), &fixed);
    in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
}

/// `createRole` on scheduled actions: the operator creates one role for the policy, trusted by EventBridge for
/// this account only and allowed exactly the runbook, the document and the instances the actions name; the rules'
/// targets run with it; a second pass writes nothing; a widened policy is reported, then corrected alone; once no
/// action asks for it the role is deleted (the targets get the declared role); deletion of the policy removes a
/// role it created again.
#[tokio::test]
async fn scheduled_actions_with_create_role_get_one_owned_least_privilege_role() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    // The tenant may have the operator create its scheduled actions' role, and nothing else.
    let automation_role = "arn:aws:iam::123456789012:role/restart-automation";
    account.passable_roles = vec![
        "arn:aws:iam::123456789012:role/awsbaseline-events-ssm-*".into(),
        automation_role.into(),
    ];
    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "scheduledActions": [
            {"name": "restart", "schedule": "cron(0 3 ? * SUN *)", "createRole": true,
             "automation": {"documentName": "AWS-RestartEC2Instance",
                "parameters": {"InstanceId": ["i-0123456789abcdef0"], "AutomationAssumeRole": [automation_role]}}},
            {"name": "flush", "schedule": "rate(1 day)", "createRole": true,
             "runCommand": {"documentName": "AWS-RunShellScript",
                "parameters": {"commands": ["systemctl restart checkout"]},
                "targets": [{"key": "tag:app", "values": ["checkout"]}]}}]
    }))
    .unwrap();

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let role = first
        .pass
        .outcomes
        .iter()
        .find(|o| o.component == "scheduledActionsRole")
        .expect("scheduledActionsRole outcome");
    assert_eq!(
        (role.state, role.ownership),
        (ComponentState::Created, Ownership::Created)
    );
    let arn = role.id.clone().unwrap();
    let name = arn.rsplit('/').next().unwrap().to_string();
    assert!(name.starts_with("awsbaseline-events-ssm-"), "{name}");

    let conf = moto.sdk_config("us-east-1").await;
    let iam = aws_sdk_iam::Client::new(&conf);
    let got = iam.get_role().role_name(&name).send().await.unwrap();
    let trust: serde_json::Value =
        serde_json::from_str(&aws_baseline_operator::aws::iam::decode_policy(
            got.role().unwrap().assume_role_policy_document().unwrap(),
        ))
        .unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"],
        "events.amazonaws.com"
    );
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        support::ACCOUNT
    );
    let sp = aws_baseline_operator::monitoring::short_prefix("payments", "checkout-web");
    assert_eq!(
        trust["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
        format!("arn:aws:events:*:{}:rule/{sp}sched-*", support::ACCOUNT),
        "only this policy's scheduled rules"
    );
    let inline = iam
        .get_role_policy()
        .role_name(&name)
        .policy_name("awsbaseline-least-privilege")
        .send()
        .await
        .unwrap();
    let policy: serde_json::Value = serde_json::from_str(
        &aws_baseline_operator::aws::iam::decode_policy(inline.policy_document()),
    )
    .unwrap();
    let by_sid = |sid: &str| {
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["Sid"] == sid)
            .unwrap_or_else(|| panic!("no {sid} in {policy}"))
            .clone()
    };
    assert_eq!(
        by_sid("StartRunbooks")["Resource"],
        serde_json::json!([
            "arn:aws:ssm:*:123456789012:automation-definition/AWS-RestartEC2Instance:*"
        ])
    );
    assert_eq!(
        by_sid("PassAutomationAssumeRole")["Resource"],
        serde_json::json!([automation_role])
    );
    assert_eq!(
        by_sid("SendCommandDocuments")["Resource"],
        serde_json::json!(["arn:aws:ssm:*::document/AWS-RunShellScript"])
    );
    assert_eq!(
        by_sid("SendCommandTagged0")["Condition"],
        serde_json::json!({"StringEquals": {"ec2:ResourceTag/app": ["checkout"]}})
    );
    assert_eq!(policy["Statement"].as_array().unwrap().len(), 4);

    // Both rules' targets run with the operator's role.
    let events = aws_sdk_eventbridge::Client::new(&conf);
    for action in ["restart", "flush"] {
        let t = events
            .list_targets_by_rule()
            .rule(format!("{sp}sched-{action}"))
            .send()
            .await
            .unwrap();
        assert_eq!(t.targets()[0].role_arn(), Some(arn.as_str()), "{action}");
    }
    let st = status(None, &first);
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &again);

    // Someone widens the role's policy: reported under Report, then corrected with one PutRolePolicy.
    iam.put_role_policy()
        .role_name(&name)
        .policy_name("awsbaseline-least-privilege")
        .policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:*","Resource":"*"}]}"#,
        )
        .send()
        .await
        .unwrap();
    let report = report_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(drift_fields(&report), ["scheduledActionsRole.policy"]);
    let st = status(Some(&st), &report);
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(sorted_write_operations(&stats), ["PutRolePolicy"]);
    let st = status(Some(&st), &fixed);

    // The actions get a role of their own: the targets are switched to it and the operator's role is deleted.
    let own = "arn:aws:iam::123456789012:role/events-ssm";
    account.passable_roles.push(own.into());
    let mut declared = spec.clone();
    for a in &mut declared.scheduled_actions {
        a.create_role = false;
        a.role_arn = Some(own.into());
    }
    stats.reset();
    let switched = pass(
        &factory,
        &account,
        &app,
        &declared,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&switched);
    assert_eq!(
        drift_fields(&switched),
        [
            "scheduledActions.flush.target.roleArn",
            "scheduledActions.restart.target.roleArn",
            "scheduledActionsRole.exists",
        ]
    );
    assert_eq!(
        sorted_write_operations(&stats),
        ["DeleteRole", "DeleteRolePolicy", "PutTargets"]
    );
    assert_eq!(stats.count("PutTargets"), 2, "one per rule");
    assert!(iam.get_role().role_name(&name).send().await.is_err());
    let st = status(Some(&st), &switched);
    let again = in_sync_pass(&factory, &stats, &account, &app, &declared, &st).await;
    let st = status(Some(&st), &again);

    // Back to createRole, then the policy is deleted: the role goes with it.
    let back = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&back);
    assert!(iam.get_role().role_name(&name).send().await.is_ok());
    let st = status(Some(&st), &back);
    let mut p = app.clone();
    p.spec = spec.clone();
    p.spec.deletion_policy = DeletionPolicy::Delete;
    let report = cleanup(
        &factory,
        &input(&account, &p, &p.spec, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report.actions.contains(&format!("deleted IAM role {name}")),
        "{:?}",
        report.actions
    );
    assert!(iam.get_role().role_name(&name).send().await.is_err());
}
