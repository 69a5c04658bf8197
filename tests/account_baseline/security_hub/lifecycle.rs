//! AWS Security Hub against moto's server with the Security Hub extension (`tests/moto_ext/securityhub_ext.py`)
//! and the real aws-sdk-rust clients: enabling, standards by name, disabled controls, the finding aggregator;
//! zero writes in sync, Report never writes, out-of-band drift with control IDs, exactly the needed writes under
//! Correct, adoption, and deletion by ownership.

use crate::account_baseline::{
    self as sections, baseline, components, delete, fields, pass, sorted_writes,
};
use crate::support;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftAction, DriftPolicy, Ownership};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::engine::PassReport;
use aws_sdk_securityhub::types::{
    AssociationStatus, StandardsControlAssociationUpdate, StandardsSubscriptionRequest,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};
use support::{Moto, ACCOUNT};

const REASON: &str = "root hardware MFA is covered by the break-glass procedure";

fn now() -> Time {
    Time("2026-01-01T00:00:00Z".parse().unwrap())
}

fn spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "securityHub": {
            "standards": [
                "aws-foundational-security-best-practices/1.0.0",
                "cis-aws-foundations-benchmark/1.4.0"
            ],
            "disabledControls": [{"controlId": "IAM.6", "reason": REASON}],
            "autoEnableControls": false,
            "findingAggregator": {"region": "us-east-1", "linkingMode": "SPECIFIED_REGIONS", "regions": ["eu-west-1"]}
        }
    }))
}

/// (region, field, desired, actual) of every drift, sorted.
fn drift(r: &PassReport) -> Vec<(String, String, Value, Value)> {
    sections::drift(r)
        .into_iter()
        .map(|(region, field, desired, actual, _)| (region, field, desired, actual))
        .collect()
}

async fn hub_client(moto: &Moto, region: &str) -> aws_sdk_securityhub::Client {
    aws_sdk_securityhub::Client::new(&moto.sdk_config(region).await)
}

fn pair(region: &str, field: &str) -> (String, String) {
    (region.to_string(), field.to_string())
}

#[tokio::test]
async fn security_hub_converges_then_writes_nothing_and_tampering_is_drift_with_control_ids() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = spec();
    let fsbp = "aws-foundational-security-best-practices/1.0.0";
    let cis = "cis-aws-foundations-benchmark/1.4.0";

    // Report first: Security Hub is off in both regions and there is no aggregator; nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        fields(&report),
        vec![
            pair("eu-west-1", "securityHub.enabled"),
            pair("us-east-1", "securityHub.enabled"),
            pair("us-east-1", "securityHubAggregator.exists"),
        ]
    );

    // Correct: hub on (finding generator set, auto-enable off), both standards subscribed, aggregator created;
    // the emulator prepares the standards' controls at once, so IAM.6 is disabled in both in the same pass.
    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:BatchEnableStandards",
            "SecurityHub:BatchUpdateStandardsControlAssociations",
            "SecurityHub:CreateFindingAggregator",
            "SecurityHub:EnableSecurityHub",
            "SecurityHub:UpdateSecurityHubConfiguration",
        ]
    );
    assert_eq!(stats.count("EnableSecurityHub"), 2);
    assert_eq!(stats.count("BatchEnableStandards"), 2);
    assert_eq!(stats.count("BatchUpdateStandardsControlAssociations"), 2);
    assert_eq!(stats.count("CreateFindingAggregator"), 1);
    for o in &first.outcomes {
        assert_eq!(
            (o.state, o.ownership),
            (ComponentState::Created, Ownership::Created),
            "{o:#?}"
        );
    }
    // The controls' drift is listed with the hub's (corrected in the same pass).
    assert_eq!(
        fields(&first),
        vec![
            pair(
                "eu-west-1",
                &format!("securityHub.disabledControls.IAM.6.{fsbp}")
            ),
            pair(
                "eu-west-1",
                &format!("securityHub.disabledControls.IAM.6.{cis}")
            ),
            pair("eu-west-1", "securityHub.enabled"),
            pair(
                "us-east-1",
                &format!("securityHub.disabledControls.IAM.6.{fsbp}")
            ),
            pair(
                "us-east-1",
                &format!("securityHub.disabledControls.IAM.6.{cis}")
            ),
            pair("us-east-1", "securityHub.enabled"),
            pair("us-east-1", "securityHubAggregator.exists"),
        ]
    );
    let east = hub_client(&moto, "us-east-1").await;
    let subscribed: Vec<String> = east
        .get_enabled_standards()
        .send()
        .await
        .unwrap()
        .standards_subscriptions()
        .iter()
        .filter_map(|s| s.standards_arn().map(str::to_string))
        .collect();
    assert_eq!(subscribed.len(), 2, "{subscribed:?}");
    let second = first;

    // In sync: zero writes; per region DescribeHub, GetEnabledStandards, one BatchGet of the associations; the
    // aggregator is read once.
    let prev = components(&second);
    stats.reset();
    let third = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(third
        .outcomes
        .iter()
        .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created));
    for (op, n) in [
        ("DescribeHub", 2),
        ("GetEnabledStandards", 2),
        ("BatchGetStandardsControlAssociations", 2),
        ("ListFindingAggregators", 1),
        ("GetFindingAggregator", 1),
    ] {
        assert_eq!(stats.count(op), n, "{op}: {:?}", stats.snapshot());
    }
    println!(
        "security hub in-sync pass (2 regions, 2 standards, 1 disabled control, aggregator): {} reads, 0 writes",
        stats.reads()
    );

    // Out of band: PCI DSS subscribed and IAM.6 re-enabled in FSBP in eu-west-1, auto-enable turned back on
    // there, the aggregator switched to every region.
    let west = hub_client(&moto, "eu-west-1").await;
    west.batch_enable_standards()
        .standards_subscription_requests(
            StandardsSubscriptionRequest::builder()
                .standards_arn("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    west.batch_update_standards_control_associations()
        .standards_control_association_updates(
            StandardsControlAssociationUpdate::builder()
                .security_control_id("IAM.6")
                .standards_arn(
                    "arn:aws:securityhub:eu-west-1::standards/aws-foundational-security-best-practices/v/1.0.0",
                )
                .association_status(AssociationStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .unwrap();
    west.update_security_hub_configuration()
        .auto_enable_controls(true)
        .send()
        .await
        .unwrap();
    let aggregator = east
        .list_finding_aggregators()
        .send()
        .await
        .unwrap()
        .finding_aggregators()[0]
        .finding_aggregator_arn()
        .unwrap()
        .to_string();
    east.update_finding_aggregator()
        .finding_aggregator_arn(&aggregator)
        .region_linking_mode("ALL_REGIONS")
        .send()
        .await
        .unwrap();

    let prev = components(&third);
    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![
            (
                "eu-west-1".into(),
                "securityHub.autoEnableControls".into(),
                json!(false),
                json!(true)
            ),
            (
                "eu-west-1".into(),
                format!("securityHub.disabledControls.IAM.6.{fsbp}"),
                json!({"status": "DISABLED", "reason": REASON}),
                json!({"status": "ENABLED", "reason": null})
            ),
            (
                "eu-west-1".into(),
                "securityHub.standards.pci-dss/3.2.1".into(),
                json!(false),
                json!(true)
            ),
            (
                "us-east-1".into(),
                "securityHubAggregator.linkingMode".into(),
                json!("SPECIFIED_REGIONS"),
                json!("ALL_REGIONS")
            ),
            (
                "us-east-1".into(),
                "securityHubAggregator.regions".into(),
                json!(["eu-west-1"]),
                json!([])
            ),
        ]
    );
    let st = common_status(None, &report, Some(1), &now());
    let entry = st
        .drift
        .iter()
        .find(|e| e.field == "securityHub.standards.pci-dss/3.2.1")
        .unwrap();
    assert_eq!(
        (entry.controls.clone(), entry.action),
        (vec!["SecurityHub.1".to_string()], DriftAction::Reported)
    );

    // Correct: exactly one call for each drifted thing.
    stats.reset();
    let fixed = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:BatchDisableStandards",
            "SecurityHub:BatchUpdateStandardsControlAssociations",
            "SecurityHub:UpdateFindingAggregator",
            "SecurityHub:UpdateSecurityHubConfiguration",
        ]
    );
    assert_eq!(stats.writes(), 4, "{:?}", stats.snapshot());
    stats.reset();
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&fixed)).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(drift(&again), vec![]);

    // Deletion: the aggregator and both hubs were created by this baseline.
    stats.reset();
    let report = delete(&factory, &s, &components(&again)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:DeleteFindingAggregator",
            "SecurityHub:DisableSecurityHub"
        ]
    );
    assert_eq!(stats.count("DisableSecurityHub"), 2);
    for c in [&east, &west] {
        let err = c.describe_hub().send().await.unwrap_err();
        assert_eq!(
            aws_sdk_securityhub::error::ProvideErrorMetadata::code(&err),
            Some("InvalidAccessException")
        );
    }
}

#[tokio::test]
async fn an_enabled_hub_is_adopted_its_extra_standards_disabled_and_it_is_kept_on_deletion() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let east = hub_client(&moto, "us-east-1").await;
    // Enabled by hand with AWS's default standards (FSBP and CIS 1.2.0).
    east.enable_security_hub().send().await.unwrap();
    let s = baseline(json!({
        "regions": ["us-east-1"],
        "deletionPolicy": "Delete",
        "securityHub": {"standards": ["aws-foundational-security-best-practices/1.0.0"]}
    }));
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(
        fields(&report),
        vec![pair(
            "us-east-1",
            "securityHub.standards.cis-aws-foundations-benchmark/1.2.0"
        )]
    );
    assert_eq!(stats.writes(), 0);
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["SecurityHub:BatchDisableStandards"]
    );
    assert_eq!(first.outcomes[0].ownership, Ownership::Adopted);
    assert_eq!(
        first.outcomes[0].id.as_deref(),
        Some(format!("arn:aws:securityhub:us-east-1:{ACCOUNT}:hub/default").as_str())
    );

    stats.reset();
    let report = delete(&factory, &s, &components(&first)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        report.actions,
        vec!["kept Security Hub in us-east-1 (enabled before the operator)"]
    );
    assert!(east.describe_hub().send().await.is_ok());
}

#[tokio::test]
async fn an_aggregation_region_outside_the_baseline_is_a_clear_error_and_no_aggregator_is_touched()
{
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let mut s = spec();
    s.security_hub
        .as_mut()
        .unwrap()
        .finding_aggregator
        .as_mut()
        .unwrap()
        .region = "ap-south-1".into();
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let bad = r
        .outcomes
        .iter()
        .find(|o| o.component == "securityHubAggregator")
        .unwrap();
    assert_eq!(bad.state, ComponentState::Error);
    assert!(
        bad.message
            .as_deref()
            .unwrap()
            .contains("ap-south-1 is not one of the baseline's regions"),
        "{bad:?}"
    );
    assert!(!stats
        .write_operations()
        .iter()
        .any(|w| w.contains("FindingAggregator")));
}
