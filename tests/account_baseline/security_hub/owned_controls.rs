//! Security Hub controls the baseline disabled itself, against moto with the Security Hub extension: recorded in
//! status (`operatorDisabledControls`), a control that leaves `disabledControls` is drift with its control ID,
//! reported under Report, enabled again under Correct and then in sync with zero writes; a control someone else
//! disabled is never touched; under `deletionPolicy: Delete` with an adopted hub, the recorded controls are
//! enabled again and everything else is kept.

use crate::account_baseline::{baseline, components, delete, pass, sorted_writes};
use crate::support;
use aws_baseline_operator::api::common::{
    ComponentStatus, DriftAction, DriftPolicy, OperatorDisabledControl, Ownership,
};
use aws_baseline_operator::engine::status::common_status;
use aws_sdk_securityhub::types::{
    AssociationStatus, StandardsControlAssociationId, StandardsControlAssociationUpdate,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use support::Moto;

const REGION: &str = "us-east-1";
const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const IAM6: &str = "root hardware MFA is covered by the break-glass procedure";
const CT2: &str = "trails are encrypted by the organization trail's key";
const THEIRS: &str = "disabled by the account team";

async fn hub_client(moto: &Moto) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&moto.sdk_config(REGION).await)
}

/// Disable `control` in FSBP out of band (someone else, not the operator).
async fn disable_by_hand(client: &aws_sdk_securityhub::Client, control: &str, reason: &str) {
    let out = client
        .batch_update_standards_control_associations()
        .standards_control_association_updates(
            StandardsControlAssociationUpdate::builder()
                .security_control_id(control)
                .standards_arn(FSBP)
                .association_status(AssociationStatus::Disabled)
                .updated_reason(reason)
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert!(out.unprocessed_association_updates().is_empty());
}

/// (status, reason) of `control` in FSBP, as AWS reports it.
async fn association(
    client: &aws_sdk_securityhub::Client,
    control: &str,
) -> (String, Option<String>) {
    let out = client
        .batch_get_standards_control_associations()
        .standards_control_association_ids(
            StandardsControlAssociationId::builder()
                .security_control_id(control)
                .standards_arn(FSBP)
                .build(),
        )
        .send()
        .await
        .unwrap();
    let d = &out.standards_control_association_details()[0];
    (
        d.association_status().unwrap().as_str().to_string(),
        d.updated_reason().map(str::to_string),
    )
}

fn recorded(prev: &[ComponentStatus]) -> Vec<OperatorDisabledControl> {
    prev.iter()
        .find(|c| c.component == "securityHub")
        .unwrap()
        .operator_disabled_controls
        .clone()
}

fn rec(control: &str, reason: &str) -> OperatorDisabledControl {
    OperatorDisabledControl {
        control_id: control.into(),
        standards_arn: FSBP.into(),
        reason: reason.into(),
    }
}

#[tokio::test]
async fn a_control_the_baseline_disabled_and_no_longer_declares_is_reported_then_enabled_and_one_disabled_by_someone_else_is_left_alone(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let mut s = baseline(json!({
        "regions": [REGION],
        "securityHub": {
            "standards": ["aws-foundational-security-best-practices/1.0.0"],
            "disabledControls": [
                {"controlId": "IAM.6", "reason": IAM6},
                {"controlId": "CloudTrail.2", "reason": CT2}
            ]
        }
    }));
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    let prev = components(&first);
    assert_eq!(
        recorded(&prev),
        vec![rec("CloudTrail.2", CT2), rec("IAM.6", IAM6)]
    );

    // Someone else disables EC2.2 (not declared): it is never read, reported or recorded.
    let hub = hub_client(&moto).await;
    disable_by_hand(&hub, "EC2.2", THEIRS).await;
    stats.reset();
    let again = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(again.outcomes.iter().all(|o| o.drift.is_empty()));
    assert_eq!(recorded(&components(&again)), recorded(&prev));
    let prev = components(&again);

    // CloudTrail.2 leaves the spec. Report: drift with its control ID, nothing written, the record kept.
    s.security_hub.as_mut().unwrap().disabled_controls.remove(1);
    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = common_status(
        None,
        &report,
        Some(2),
        &Time("2026-01-01T00:00:00Z".parse().unwrap()),
    );
    assert_eq!(st.drift.len(), 1, "{:#?}", st.drift);
    let d = &report.outcomes[0].drift;
    assert_eq!(
        (d.len(), d[0].field.as_str(), &d[0].desired, &d[0].actual),
        (
            1,
            "securityHub.disabledControls.CloudTrail.2.aws-foundational-security-best-practices/1.0.0",
            &json!({"status": "ENABLED"}),
            &json!({"status": "DISABLED", "reason": CT2}),
        )
    );
    assert_eq!(
        (st.drift[0].controls.clone(), st.drift[0].action),
        (vec!["CloudTrail.2".to_string()], DriftAction::Reported)
    );
    assert_eq!(recorded(&components(&report)), recorded(&prev));
    // Reported again on the next Report pass, with the same status.
    let report2 = pass(&factory, &s, DriftPolicy::Report, &components(&report)).await;
    assert_eq!(components(&report2), components(&report));

    // Correct: one BatchUpdateStandardsControlAssociations enables it again; the record drops it.
    stats.reset();
    let fixed = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["SecurityHub:BatchUpdateStandardsControlAssociations"]
    );
    assert_eq!(stats.count("BatchUpdateStandardsControlAssociations"), 1);
    assert_eq!(fixed.outcomes[0].action, DriftAction::Corrected);
    assert_eq!(association(&hub, "CloudTrail.2").await.0, "ENABLED");
    assert_eq!(
        association(&hub, "EC2.2").await,
        ("DISABLED".to_string(), Some(THEIRS.to_string()))
    );
    assert_eq!(
        association(&hub, "IAM.6").await,
        ("DISABLED".to_string(), Some(IAM6.to_string()))
    );
    let prev = components(&fixed);
    assert_eq!(recorded(&prev), vec![rec("IAM.6", IAM6)]);

    // In sync: zero writes, same status.
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(steady.outcomes.iter().all(|o| o.drift.is_empty()));
    assert_eq!(recorded(&components(&steady)), recorded(&prev));
    let prev = components(&steady);
    let steady2 = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(components(&steady2), prev, "status is not rewritten");

    // IAM.6 is disabled again by someone else with their own reason, then leaves the spec: it is theirs now.
    disable_by_hand(&hub, "IAM.6", THEIRS).await;
    s.security_hub.as_mut().unwrap().disabled_controls.clear();
    stats.reset();
    let theirs = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(theirs.outcomes.iter().all(|o| o.drift.is_empty()));
    assert_eq!(recorded(&components(&theirs)), vec![]);
    assert_eq!(
        association(&hub, "IAM.6").await,
        ("DISABLED".to_string(), Some(THEIRS.to_string()))
    );
}

#[tokio::test]
async fn deleting_a_baseline_on_an_adopted_hub_enables_only_the_controls_it_disabled() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let hub = hub_client(&moto).await;
    // Enabled by hand (default standards), CloudTrail.2 disabled by hand; the baseline declares it with the same
    // reason (adopted, never recorded) and disables IAM.6 itself.
    hub.enable_security_hub().send().await.unwrap();
    disable_by_hand(&hub, "CloudTrail.2", CT2).await;
    let s = baseline(json!({
        "regions": [REGION],
        "deletionPolicy": "Delete",
        "securityHub": {
            "standards": ["aws-foundational-security-best-practices/1.0.0"],
            "disabledControls": [
                {"controlId": "IAM.6", "reason": IAM6},
                {"controlId": "CloudTrail.2", "reason": CT2}
            ]
        }
    }));
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(first.outcomes[0].ownership, Ownership::Adopted);
    let prev = components(&first);
    assert_eq!(recorded(&prev), vec![rec("IAM.6", IAM6)]);

    stats.reset();
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        sorted_writes(&stats),
        vec!["SecurityHub:BatchUpdateStandardsControlAssociations"]
    );
    assert_eq!(
        report.actions,
        vec![
            "enabled again in us-east-1 the Security Hub controls this baseline disabled: IAM.6 (aws-foundational-security-best-practices/1.0.0)",
            "kept Security Hub in us-east-1 (enabled before the operator)"
        ]
    );
    assert_eq!(association(&hub, "IAM.6").await.0, "ENABLED");
    assert_eq!(
        association(&hub, "CloudTrail.2").await,
        ("DISABLED".to_string(), Some(CT2.to_string()))
    );
    assert!(hub.describe_hub().send().await.is_ok());
}
