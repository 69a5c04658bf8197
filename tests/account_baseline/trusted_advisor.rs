//! AWS Trusted Advisor (the `trustedAdvisor` section), detect-only: against moto (with `tests/moto_ext/support_ext.py`
//! serving DescribeTrustedAdvisorCheckSummaries from moto's own EC2 state), declared checks are read, a check that
//! is not `ok` is drift under its check ID with `action: Reported` even under `driftPolicy: Correct`, an out-of-band
//! change (a port opened to the world) shows up, and no pass ever writes; with aws-smithy-mocks, the Support plan
//! refusal AWS documents (`SubscriptionRequiredException`) is a `SupportPlanRequired` condition, and stale results.

use super::*;
use crate::support::mocks::json_error;
use aws_baseline_operator::api::account_baseline::TrustedAdvisorSpec;
use aws_baseline_operator::aws::ErrorCategory;
use aws_baseline_operator::engine::baseline::trusted_advisor::reconcile_with;
use aws_sdk_support::operation::describe_trusted_advisor_check_summaries::DescribeTrustedAdvisorCheckSummariesOutput;
use aws_sdk_support::operation::describe_trusted_advisor_checks::DescribeTrustedAdvisorChecksOutput;
use aws_sdk_support::types::{
    TrustedAdvisorCategorySpecificSummary, TrustedAdvisorCheckDescription,
    TrustedAdvisorCheckSummary, TrustedAdvisorResourcesSummary,
};
use aws_smithy_mocks::{mock, mock_client, RuleMode};

fn ta_spec() -> AccountBaselineSpec {
    baseline(json!({
        "driftPolicy": "Correct",
        "deletionPolicy": "Delete",
        "trustedAdvisor": {"checks": [
            {"name": "securityGroupsSpecificPortsUnrestricted"},
            {"name": "exposedAccessKeys"},
            {"name": "serviceLimits"},
            {"name": "rootAccountMfa"}
        ]}
    }))
}

#[tokio::test]
async fn trusted_advisor_checks_are_reported_with_their_ids_and_never_written() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = ta_spec();

    // moto cannot enable root MFA, so that check is red; everything else is green. Reported under Correct.
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&first),
        vec![(
            "us-east-1".into(),
            "trustedAdvisor.rootAccountMfa.7DAFEmoDos.status".into(),
            json!("ok"),
            json!("error"),
            DriftAction::Reported
        )]
    );
    let o = &first.outcomes[0];
    assert_eq!(
        (o.component, o.state),
        ("trustedAdvisor", ComponentState::Drifted)
    );
    let msg = o.message.as_deref().unwrap();
    assert!(
        msg.contains("7DAFEmoDos MFA on Root Account: error"),
        "{msg}"
    );
    // One list and one batch of summaries (serviceLimits is every check of its category: dozens of IDs, one call).
    assert_eq!(stats.count("DescribeTrustedAdvisorChecks"), 1);
    assert_eq!(stats.count("DescribeTrustedAdvisorCheckSummaries"), 1);
    let st = common_status(None, &first, Some(1), &t("2026-01-01T00:00:00Z"));
    assert_eq!(st.drift[0].controls, vec!["IAM.9", "CIS 1.5"]);
    assert_eq!(st.drift[0].action, DriftAction::Reported);

    // Out of band: someone opens RDP to the world in eu-west-1. The next pass reports it under its check ID.
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config("eu-west-1").await);
    let group = ec2
        .create_security_group()
        .group_name("rdp")
        .description("rdp")
        .send()
        .await
        .unwrap()
        .group_id()
        .unwrap()
        .to_string();
    ec2.authorize_security_group_ingress()
        .group_id(&group)
        .ip_protocol("tcp")
        .from_port(3389)
        .to_port(3389)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    stats.reset();
    let prev = components(&first);
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let d = drift(&second);
    assert_eq!(d.len(), 2, "{d:#?}");
    assert!(d.contains(&(
        "us-east-1".into(),
        "trustedAdvisor.securityGroupsSpecificPortsUnrestricted.HCP4007jGY.status".into(),
        json!("ok"),
        json!("error"),
        DriftAction::Reported
    )));

    // Closed again: only the root MFA check is left. Deletion has nothing to undo.
    ec2.revoke_security_group_ingress()
        .group_id(&group)
        .ip_protocol("tcp")
        .from_port(3389)
        .to_port(3389)
        .cidr_ip("0.0.0.0/0")
        .send()
        .await
        .unwrap();
    let third = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(drift(&third).len(), 1);
    let mut spec = s.clone();
    let report = retain_then_delete(&factory, &stats, &mut spec, &prev).await;
    assert!(report.actions.is_empty(), "{:?}", report.actions);
    assert_eq!(stats.writes(), 0);
}

fn support(rules: &[&aws_smithy_mocks::Rule], stats: &CallStats) -> aws_sdk_support::Client {
    mock_client!(aws_sdk_support, RuleMode::MatchAny, rules, |c| c
        .interceptor(stats.interceptor()))
}

fn spec_of(v: Value) -> TrustedAdvisorSpec {
    serde_json::from_value(v).unwrap()
}

/// Basic and Developer plans: AWS answers every Support API call with `SubscriptionRequiredException` (HTTP 400,
/// awsJson1.1 error body). The component fails with its own category, the Ready condition names it, and the object
/// is Stalled (a retry cannot help; a plan change can).
#[tokio::test]
async fn a_support_plan_without_the_api_is_a_support_plan_required_condition() {
    let stats = CallStats::default();
    let refused = mock!(aws_sdk_support::Client::describe_trusted_advisor_checks)
        .then_http_response(|| {
            json_error(
                400,
                "SubscriptionRequiredException",
                "AWS Premium Support Subscription is required to use this service.",
            )
        });
    let client = support(&[&refused], &stats);
    let spec = spec_of(json!({"checks": [{"name": "exposedAccessKeys"}]}));
    let o = reconcile_with(&client, "eu-west-1", &spec, jiff::Timestamp::now()).await;
    assert_eq!(o.state, ComponentState::Error);
    let e = o.error.as_ref().unwrap();
    assert_eq!(e.category, ErrorCategory::SupportPlanRequired);
    assert_eq!(e.code.as_deref(), Some("SubscriptionRequiredException"));
    assert_eq!(stats.writes(), 0);

    let report = PassReport {
        account_id: Some(ACCOUNT.into()),
        regions: vec!["eu-west-1".into()],
        outcomes: vec![o],
        fatal: None,
    };
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let cond = |ty: &str| st.conditions.iter().find(|c| c.type_ == ty).unwrap();
    assert_eq!(
        (cond("Ready").status.as_str(), cond("Ready").reason.as_str()),
        ("False", "SupportPlanRequired")
    );
    assert_eq!(cond("Stalled").reason, "SupportPlanRequired");
    assert!(
        cond("Ready")
            .message
            .contains("AWS Premium Support Subscription is required"),
        "{}",
        cond("Ready").message
    );
}

fn check(id: &str, name: &str, category: &str) -> TrustedAdvisorCheckDescription {
    TrustedAdvisorCheckDescription::builder()
        .id(id)
        .name(name)
        .description("d")
        .category(category)
        .set_metadata(Some(vec![]))
        .build()
        .unwrap()
}

fn summary(id: &str, status: &str, ts: &str, flagged: i64) -> TrustedAdvisorCheckSummary {
    TrustedAdvisorCheckSummary::builder()
        .check_id(id)
        .timestamp(ts)
        .status(status)
        .has_flagged_resources(flagged > 0)
        .resources_summary(
            TrustedAdvisorResourcesSummary::builder()
                .resources_processed(10)
                .resources_flagged(flagged)
                .resources_ignored(0)
                .resources_suppressed(0)
                .build(),
        )
        .category_specific_summary(TrustedAdvisorCategorySpecificSummary::builder().build())
        .build()
        .unwrap()
}

/// The summaries request names exactly the declared checks Trusted Advisor offers; a result older than
/// `maxResultAge` is drift (`fresh`), and the operator does not refresh it (RefreshTrustedAdvisorCheck is never
/// called: no rule answers it, and no write is counted).
#[tokio::test]
async fn stale_results_are_reported_and_never_refreshed() {
    let stats = CallStats::default();
    let list = mock!(aws_sdk_support::Client::describe_trusted_advisor_checks)
        .match_requests(|r| r.language() == Some("en"))
        .then_output(|| {
            DescribeTrustedAdvisorChecksOutput::builder()
                .checks(check("12Fnkpl8Y5", "Exposed Access Keys", "security"))
                .checks(check("jL7PP0l7J9", "VPC", "service_limits"))
                .checks(check(
                    "Qch7DwouX1",
                    "Low Utilization Amazon EC2 Instances",
                    "cost_optimizing",
                ))
                .build()
                .unwrap()
        });
    let sums = mock!(aws_sdk_support::Client::describe_trusted_advisor_check_summaries)
        .match_requests(|r| {
            r.check_ids()
                == [
                    Some("12Fnkpl8Y5".to_string()),
                    Some("jL7PP0l7J9".to_string()),
                ]
        })
        .then_output(|| {
            DescribeTrustedAdvisorCheckSummariesOutput::builder()
                .summaries(summary("12Fnkpl8Y5", "ok", "2026-01-01T23:00:00Z", 0))
                .summaries(summary("jL7PP0l7J9", "warning", "2025-12-20T00:00:00Z", 1))
                .build()
                .unwrap()
        });
    let client = support(&[&list, &sums], &stats);
    let spec = spec_of(json!({
        "checks": [{"name": "exposedAccessKeys"}, {"name": "serviceLimits"}],
        "maxResultAge": "24h"
    }));
    let now: jiff::Timestamp = "2026-01-02T00:00:00Z".parse().unwrap();
    let o = reconcile_with(&client, "us-east-1", &spec, now).await;
    assert!(o.error.is_none(), "{:?}", o.error);
    let got: Vec<(&str, &Value)> = o
        .drift
        .iter()
        .map(|d| (d.field.as_str(), &d.actual))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "trustedAdvisor.serviceLimits.jL7PP0l7J9.fresh",
                &json!(false)
            ),
            (
                "trustedAdvisor.serviceLimits.jL7PP0l7J9.status",
                &json!("warning")
            ),
        ]
    );
    assert_eq!(o.action, DriftAction::Reported);
    assert_eq!(sums.num_calls(), 1);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(o
        .message
        .as_deref()
        .unwrap()
        .contains("jL7PP0l7J9 VPC: warning, 1 flagged"));
}
