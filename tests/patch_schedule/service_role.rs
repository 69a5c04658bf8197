//! The patch task's maintenance window service role created by the operator (`patching.createRole`) against
//! moto: a namespaced schedule whose AwsAccount lists no `passableRoles` still converges (the role's policy is the
//! operator's, not the object's), the patch task runs with the role, a second pass writes nothing, a widened inline
//! policy is corrected, and deletion removes the role with the window.

use super::*;
use crate::support::calls::sorted_writes;

#[tokio::test]
async fn a_patch_schedule_with_create_role_converges_corrects_its_role_and_deletes_it() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, schedules) = examples();
    account.passable_roles.clear();
    let p = schedules
        .iter()
        .find(|p| p.spec.patching.is_some())
        .expect("a schedule with a patch task");
    let mut spec = p.spec.clone();
    spec.regions = vec![REGION.to_string()];
    spec.deletion_policy = DeletionPolicy::Delete;
    let patching = spec.patching.as_mut().unwrap();
    patching.service_role_arn = None;
    patching.create_role = true;

    let first = pass(&factory, &account, p, &spec, None).await;
    assert!(
        first.pass.error_category().is_none(),
        "{:#?}",
        first.pass.outcomes
    );
    let role = first
        .pass
        .outcomes
        .iter()
        .find(|o| o.component == "serviceRole")
        .expect("serviceRole outcome");
    assert_eq!(
        (role.state, role.ownership),
        (ComponentState::Created, Ownership::Created)
    );
    let arn = role.id.clone().unwrap();
    let name = arn.rsplit('/').next().unwrap().to_string();
    assert!(name.starts_with("awsbaseline-patching-"), "{name}");

    let iam = aws_sdk_iam::Client::new(&moto.sdk_config(REGION).await);
    let got = iam.get_role().role_name(&name).send().await.unwrap();
    let trust: serde_json::Value =
        serde_json::from_str(&aws_baseline_operator::aws::iam::decode_policy(
            got.role().unwrap().assume_role_policy_document().unwrap(),
        ))
        .unwrap();
    assert_eq!(
        trust["Statement"][0]["Principal"]["Service"],
        "ssm.amazonaws.com"
    );
    assert_eq!(
        trust["Statement"][0]["Condition"]["StringEquals"]["aws:SourceAccount"],
        support::ACCOUNT
    );

    // The patch task runs with it.
    let s = status(None, &first);
    let res = s.resources.iter().find(|r| r.region == REGION).unwrap();
    let task = ssm(&moto)
        .await
        .get_maintenance_window_task()
        .window_id(res.window_id.as_deref().unwrap())
        .window_task_id(&res.task_ids["patch"])
        .send()
        .await
        .unwrap();
    assert_eq!(task.service_role_arn(), Some(arn.as_str()));

    stats.reset();
    let second = pass(&factory, &account, p, &spec, Some(&s)).await;
    assert!(second.pass.error_category().is_none());
    assert_eq!(sorted_writes(&stats), Vec::<String>::new());

    // A widened inline policy is drift, corrected with one PutRolePolicy.
    iam.put_role_policy()
        .role_name(&name)
        .policy_name("awsbaseline-least-privilege")
        .policy_document(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ssm:*","Resource":"*"}]}"#)
        .send()
        .await
        .unwrap();
    stats.reset();
    let third = pass(&factory, &account, p, &spec, Some(&s)).await;
    let drift: Vec<&str> = third
        .pass
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.as_str()))
        .collect();
    assert_eq!(drift, ["serviceRole.policy"]);
    assert_eq!(sorted_writes(&stats), ["IAM:PutRolePolicy"]);

    let s = status(Some(&s), &third);
    let report = cleanup(&factory, &input(&account, p, &spec, Some(&s)))
        .await
        .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == &format!("deleted IAM role {name}")),
        "{:?}",
        report.actions
    );
    assert!(iam.get_role().role_name(&name).send().await.is_err());
}
