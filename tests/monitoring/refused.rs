//! What a MonitoringPolicy pass refuses before any AWS call: a namespace the account does not allow, a topic policy
//! statement without a Sid, a role the account does not let tenants pass.

use super::*;

#[tokio::test]
async fn a_namespace_the_account_does_not_allow_gets_account_not_allowed_and_no_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, mut app, _) = examples();
    app.metadata.namespace = Some("marketing".into());
    let report = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    assert_eq!(report.pass.error_category(), Some("AccountNotAllowed"));
    assert_eq!(stats.reads() + stats.writes(), 0);
}

#[tokio::test]
async fn a_topic_policy_statement_without_a_sid_is_invalid_spec_before_any_aws_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let mut spec = app.spec.clone();
    spec.topics[0].policy_statements =
        vec![serde_json::json!({"Effect": "Allow", "Action": "sns:Publish"})];
    stats.reset();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    let fatal = r.pass.fatal.as_ref().expect("fatal");
    assert!(
        fatal.to_string().contains(
            "topics.checkout-oncall.policyStatements: every policy statement needs a Sid"
        ),
        "{fatal}"
    );
    assert_eq!(stats.reads() + stats.writes(), 0);
}

/// A role the AwsAccount does not list in `passableRoles` is refused before any AWS call: a tenant cannot make the
/// operator hand a powerful role to EventBridge (or SSM, or EKS) that it could not pass itself.
#[tokio::test]
async fn a_role_the_account_does_not_let_tenants_pass_is_refused_before_any_call() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let mut spec = app.spec.clone();
    spec.scheduled_actions[0].create_role = false;
    spec.scheduled_actions[0].role_arn =
        Some("arn:aws:iam::123456789012:role/OrganizationAdmin".into());
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "RoleNotAllowed");
    assert!(
        e.to_string().contains("role/OrganizationAdmin") && e.to_string().contains("passableRoles"),
        "{e}"
    );
    assert_eq!(stats.reads() + stats.writes(), 0, "no AWS call");

    // A role the operator would create for the scheduled actions grants what the tenant's actions name (any
    // document on any tagged instance): the account must let the tenant pass it too.
    let mut account = account.clone();
    account.passable_roles = vec!["arn:aws:iam::123456789012:role/checkout-*".into()];
    let r = pass(
        &factory,
        &account,
        &app,
        &app.spec,
        None,
        DriftPolicy::Correct,
    )
    .await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "RoleNotAllowed");
    assert!(
        e.to_string()
            .contains("arn:aws:iam::123456789012:role/awsbaseline-events-ssm-"),
        "{e}"
    );
    assert_eq!(stats.reads() + stats.writes(), 0, "no AWS call");

    // With the created role allowed: the runbook's AutomationAssumeRole, which that role passes, must be passable
    // too; another object's operator role may not be named (its name is a known hash); a policy beyond IAM's size
    // limit is refused. Still no call.
    account
        .passable_roles
        .push("arn:aws:iam::123456789012:role/awsbaseline-*".into());
    let admin: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "scheduledActions": [{"name": "restart", "schedule": "rate(1 day)", "createRole": true,
            "automation": {"documentName": "AWS-RestartEC2Instance",
                "parameters": {"AutomationAssumeRole": ["arn:aws:iam::123456789012:role/OrganizationAdmin"]}}}]
    }))
    .unwrap();
    let r = pass(&factory, &account, &app, &admin, None, DriftPolicy::Correct).await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "RoleNotAllowed");
    assert!(e.to_string().contains("role/OrganizationAdmin"), "{e}");
    let mut borrowed = app.spec.clone();
    borrowed.scheduled_actions[0].create_role = false;
    borrowed.scheduled_actions[0].role_arn =
        Some("arn:aws:iam::123456789012:role/awsbaseline-events-ssm-0badc0de".into());
    let r = pass(
        &factory,
        &account,
        &app,
        &borrowed,
        None,
        DriftPolicy::Correct,
    )
    .await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "InvalidSpec");
    assert!(e.to_string().contains("use createRole"), "{e}");
    let mut huge = app.spec.clone();
    for n in 0..8 {
        let mut a = huge.scheduled_actions[0].clone();
        a.name = format!("restart-{n}");
        let rc = a.run_command.as_mut().unwrap();
        rc.targets = vec![
            aws_baseline_operator::api::monitoring_policy::RunCommandTargetSpec {
                key: "InstanceIds".into(),
                values: (0..50).map(|i| format!("i-{n:02}{i:015x}")).collect(),
            },
        ];
        huge.scheduled_actions.push(a);
    }
    let r = pass(&factory, &account, &app, &huge, None, DriftPolicy::Correct).await;
    let e = r.pass.fatal.as_ref().expect("refused");
    assert_eq!(e.category(), "InvalidSpec");
    assert!(e.to_string().contains("10240"), "{e}");
    assert_eq!(stats.reads() + stats.writes(), 0, "no AWS call");
}
