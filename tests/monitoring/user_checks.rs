//! User-side checks: Route 53 health checks with their CloudWatch alarm, and CloudWatch Synthetics canaries. They
//! converge, a second pass (with status, and without: the CLI) makes no write, drift made behind the operator's back
//! is reported (Report) and corrected (Correct), a setting Route 53 cannot change replaces the check (the alarm
//! follows the new ID), and removal and deletion touch only what the owner tags prove the policy created. Route 53
//! is moto's own; Synthetics is served by `tests/moto_ext/synthetics_ext.py`.

use super::*;
use aws_baseline_operator::monitoring::canaries::{aws_name, SCRIPT_TAG};
use serde_json::json;
use std::collections::BTreeMap;

const ROLE: &str = "arn:aws:iam::123456789012:role/checkout-canary";
const PREFIX: &str = "awsbaseline.payments.checkout-web.";

fn spec() -> MonitoringPolicySpec {
    serde_json::from_value(json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "topics": [{"name": "oncall"}],
        "healthChecks": [
            {"name": "storefront", "type": "HTTPS_STR_MATCH", "fqdn": "shop.example.com", "resourcePath": "/healthz",
             "searchString": "ok", "failureThreshold": 2, "regions": ["us-east-1", "eu-west-1", "ap-southeast-1"],
             "alarm": {"topic": "oncall", "notifyOk": true}},
            {"name": "db", "type": "TCP", "ipAddress": "192.0.2.10", "port": 5432}],
        "canaries": [
            {"name": "checkout-api", "runtimeVersion": "syn-nodejs-puppeteer-9.1", "handler": "apiCanary.handler",
             "script": "exports.handler = async () => { /* GET /api/health */ };",
             "schedule": "rate(5 minutes)", "artifactS3Location": "s3://checkout-canaries/api",
             "executionRoleArn": ROLE, "successRetentionPeriod": 14}]
    }))
    .unwrap()
}

/// Health checks by ID: (caller reference, failure threshold, request interval, tags).
async fn health_checks(
    r53: &aws_sdk_route53::Client,
) -> BTreeMap<String, (String, Option<i32>, Option<i32>, BTreeMap<String, String>)> {
    let mut out = BTreeMap::new();
    for h in r53
        .list_health_checks()
        .send()
        .await
        .unwrap()
        .health_checks()
    {
        let tags = r53
            .list_tags_for_resource()
            .resource_type(aws_sdk_route53::types::TagResourceType::Healthcheck)
            .resource_id(h.id())
            .send()
            .await
            .unwrap()
            .resource_tag_set()
            .map(|s| {
                s.tags()
                    .iter()
                    .map(|t| {
                        (
                            t.key().unwrap_or_default().to_string(),
                            t.value().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        let c = h.health_check_config().unwrap();
        out.insert(
            h.id().to_string(),
            (
                h.caller_reference().to_string(),
                c.failure_threshold(),
                c.request_interval(),
                tags,
            ),
        );
    }
    out
}

fn recorded(st: &MonitoringPolicyStatus) -> (BTreeMap<String, String>, BTreeMap<String, String>) {
    let r = st
        .resources
        .iter()
        .find(|r| r.region == "us-east-1")
        .unwrap();
    (r.health_checks.clone(), r.canaries.clone())
}

async fn alarm_dimension(cw: &aws_sdk_cloudwatch::Client) -> Option<(String, Vec<String>)> {
    let out = cw
        .describe_alarms()
        .alarm_name_prefix(format!("{PREFIX}healthCheck."))
        .send()
        .await
        .unwrap();
    out.metric_alarms().first().map(|a| {
        (
            a.dimensions()
                .iter()
                .find(|d| d.name() == Some("HealthCheckId"))
                .and_then(|d| d.value())
                .unwrap_or_default()
                .to_string(),
            a.alarm_actions().to_vec(),
        )
    })
}

#[tokio::test]
async fn health_checks_and_canaries_converge_drift_and_follow_ownership() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let spec = spec();
    let conf = moto.sdk_config("us-east-1").await;
    let r53 = aws_sdk_route53::Client::new(&conf);
    let syn = aws_sdk_synthetics::Client::new(&conf);
    let cw = aws_sdk_cloudwatch::Client::new(&conf);
    let canary = aws_name("payments", "checkout-web", "checkout-api");

    // Converge: two tagged health checks, the alarm on the storefront's status, the canary running.
    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    let st = status(None, &first);
    let (ids, canaries) = recorded(&st);
    assert_eq!(ids.keys().collect::<Vec<_>>(), ["db", "storefront"]);
    assert_eq!(
        canaries,
        BTreeMap::from([("checkout-api".into(), canary.clone())])
    );
    let checks = health_checks(&r53).await;
    assert_eq!(checks.len(), 2);
    let (reference, threshold, interval, tags) = &checks[&ids["storefront"]];
    assert!(reference.starts_with("awsbaseline-"), "{reference}");
    assert_eq!((*threshold, *interval), (Some(2), Some(30)));
    assert_eq!(tags["Name"], format!("{PREFIX}storefront"));
    assert_eq!(
        tags[aws_baseline_operator::api::common::tags::OWNER_UID],
        "uid-checkout-web"
    );
    let (dimension, actions) = alarm_dimension(&cw).await.expect("health check alarm");
    assert_eq!(dimension, ids["storefront"]);
    assert_eq!(actions, ["arn:aws:sns:us-east-1:123456789012:oncall"]);
    let c = syn
        .get_canary()
        .name(&canary)
        .send()
        .await
        .unwrap()
        .canary
        .unwrap();
    assert_eq!(
        c.status().and_then(|s| s.state()).map(|s| s.as_str()),
        Some("RUNNING")
    );
    assert_eq!(
        c.code().and_then(|c| c.handler()),
        Some("apiCanary.handler")
    );
    assert_eq!(c.success_retention_period_in_days(), Some(14));
    assert!(c.tags().unwrap().contains_key(SCRIPT_TAG));
    let states: Vec<_> = first
        .pass
        .outcomes
        .iter()
        .filter(|o| ["healthChecks", "healthCheckAlarms", "canaries"].contains(&o.component))
        .map(|o| (o.component, o.state))
        .collect();
    assert_eq!(states.len(), 3, "{states:?}");
    assert!(
        states.iter().all(|(_, s)| *s == ComponentState::Created),
        "{states:?}"
    );

    // In sync: no write; one ListHealthChecks and one DescribeCanaries, tags not re-read.
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(stats.count("ListHealthChecks"), 1);
    assert_eq!(stats.count("ListTagsForResources"), 0);
    assert_eq!(stats.count("DescribeCanaries"), 1);
    let st = status(Some(&st), &again);
    // Without status (the CLI): the checks are found by CallerReference and tags; still no write.
    stats.reset();
    let cli = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&cli);
    assert_eq!(drift_fields(&cli), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(recorded(&status(None, &cli)).0, ids);

    // Behind the operator's back: a threshold raised, the canary stopped and rescheduled.
    // (moto 5.2.5 clears the checker regions of an UpdateHealthCheck that leaves them out; AWS keeps them.)
    r53.update_health_check()
        .health_check_id(&ids["storefront"])
        .failure_threshold(5)
        .set_regions(Some(
            ["us-east-1", "eu-west-1", "ap-southeast-1"]
                .map(aws_sdk_route53::types::HealthCheckRegion::from)
                .to_vec(),
        ))
        .send()
        .await
        .unwrap();
    syn.stop_canary().name(&canary).send().await.unwrap();
    syn.update_canary()
        .name(&canary)
        .schedule(
            aws_sdk_synthetics::types::CanaryScheduleInput::builder()
                .expression("rate(1 hour)")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let expected = [
        "canaries.checkout-api.running",
        "canaries.checkout-api.schedule",
        "healthChecks.storefront.failureThreshold",
    ];
    stats.reset();
    let reported = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Report,
    )
    .await;
    no_errors(&reported);
    assert_eq!(drift_fields(&reported), expected);
    assert_eq!(stats.writes(), 0, "Report never writes");
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
    assert_eq!(drift_fields(&fixed), expected);
    assert_eq!(
        sorted_write_operations(&stats),
        ["StartCanary", "UpdateCanary", "UpdateHealthCheck"]
    );
    let st = status(Some(&st), &fixed);
    assert_eq!(recorded(&st).0, ids, "updated in place: same IDs");
    assert_eq!(health_checks(&r53).await[&ids["storefront"]].1, Some(2));
    in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;

    // A health check deleted behind the operator's back is created again (a new ID in status), and a changed
    // script is sent with the hash tag.
    r53.delete_health_check()
        .health_check_id(&ids["db"])
        .send()
        .await
        .unwrap();
    let mut changed = spec.clone();
    changed.canaries[0].script = "exports.handler = async () => { /* v2 */ };".into();
    // Route 53 cannot change the request interval: the storefront check is replaced, its alarm follows.
    changed.health_checks[0].request_interval = 10;
    stats.reset();
    let r = pass(
        &factory,
        &account,
        &app,
        &changed,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert_eq!(
        drift_fields(&r),
        [
            "canaries.checkout-api.script",
            "healthChecks.db.exists",
            "healthChecks.storefront.alarm.dimensions",
            "healthChecks.storefront.requestInterval",
        ]
    );
    let st = status(Some(&st), &r);
    let (new_ids, _) = recorded(&st);
    assert_ne!(new_ids["db"], ids["db"]);
    assert_ne!(new_ids["storefront"], ids["storefront"]);
    let checks = health_checks(&r53).await;
    assert_eq!(checks.len(), 2, "the replaced check is gone");
    assert_eq!(checks[&new_ids["storefront"]].2, Some(10));
    assert_eq!(alarm_dimension(&cw).await.unwrap().0, new_ids["storefront"]);
    let c = syn
        .get_canary()
        .name(&canary)
        .send()
        .await
        .unwrap()
        .canary
        .unwrap();
    assert!(c
        .code()
        .unwrap()
        .source_location_arn()
        .unwrap()
        .ends_with(":3"));
    in_sync_pass(&factory, &stats, &account, &app, &changed, &st).await;

    // Someone else's health check and canary (no owner tags) are never touched.
    let foreign = r53
        .create_health_check()
        .caller_reference("team-b-check")
        .health_check_config(
            aws_sdk_route53::types::HealthCheckConfig::builder()
                .r#type(aws_sdk_route53::types::HealthCheckType::Http)
                .fully_qualified_domain_name("b.example.com")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap()
        .health_check
        .unwrap()
        .id;

    // Removed from the spec: the db check and the canary are deleted (tags prove them ours), the alarm stays.
    let mut smaller = changed.clone();
    smaller.health_checks.retain(|h| h.name != "db");
    smaller.canaries.clear();
    stats.reset();
    let r = pass(
        &factory,
        &account,
        &app,
        &smaller,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert_eq!(
        drift_fields(&r),
        ["canaries.checkout-api.exists", "healthChecks.db.exists"]
    );
    assert_eq!(
        sorted_write_operations(&stats),
        ["DeleteCanary", "DeleteHealthCheck", "StopCanary"]
    );
    let st = status(Some(&st), &r);
    assert_eq!(recorded(&st).1, BTreeMap::new());
    let left = health_checks(&r53).await;
    assert_eq!(left.len(), 2);
    assert!(left.contains_key(&foreign) && left.contains_key(&new_ids["storefront"]));
    assert!(syn.get_canary().name(&canary).send().await.is_err());

    // Retain: nothing is deleted. Delete: the policy's check and alarm go, the foreign check stays.
    let mut retain = smaller.clone();
    retain.deletion_policy = DeletionPolicy::Retain;
    let r = cleanup(
        &factory,
        &input(&account, &app, &retain, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(r.errors.is_empty(), "{r:?}");
    assert_eq!(health_checks(&r53).await.len(), 2, "Retain deletes nothing");
    let r = cleanup(
        &factory,
        &input(&account, &app, &smaller, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        r.actions
            .iter()
            .any(|a| a == "deleted 1 Route 53 health check(s)"),
        "{:?}",
        r.actions
    );
    assert_eq!(
        health_checks(&r53).await.keys().collect::<Vec<_>>(),
        [&foreign]
    );
    assert_eq!(alarm_dimension(&cw).await, None);
}

#[tokio::test]
async fn a_canary_under_the_derived_name_that_is_not_ours_is_never_touched() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let mut spec = spec();
    spec.health_checks.clear();
    let syn = aws_sdk_synthetics::Client::new(&moto.sdk_config("us-east-1").await);
    let name = aws_name("payments", "checkout-web", "checkout-api");
    syn.create_canary()
        .name(&name)
        .code(
            aws_sdk_synthetics::types::CanaryCodeInput::builder()
                .handler("x.handler")
                .zip_file(aws_smithy_types::Blob::new(b"PK\x05\x06".to_vec()))
                .build(),
        )
        .artifact_s3_location("s3://someone-else/x")
        .execution_role_arn(ROLE)
        .schedule(
            aws_sdk_synthetics::types::CanaryScheduleInput::builder()
                .expression("rate(1 hour)")
                .build()
                .unwrap(),
        )
        .runtime_version("syn-nodejs-puppeteer-9.1")
        .send()
        .await
        .unwrap();
    stats.reset();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    let canaries = r
        .pass
        .outcomes
        .iter()
        .find(|o| o.component == "canaries")
        .unwrap();
    assert_eq!(canaries.state, ComponentState::Error);
    assert!(
        canaries
            .error
            .as_ref()
            .is_some_and(|e| e.message.contains("not created by this policy")),
        "{canaries:?}"
    );
    assert!(!stats
        .write_operations()
        .iter()
        .any(|o| o.contains("Canary")));
    let c = syn
        .get_canary()
        .name(&name)
        .send()
        .await
        .unwrap()
        .canary
        .unwrap();
    assert_eq!(c.schedule().unwrap().expression(), Some("rate(1 hour)"));
}

/// Under Report nothing is created: the missing checks, the alarm (which cannot exist before its check) and the
/// canary are drift, and no call writes.
#[tokio::test]
async fn report_lists_what_is_missing_and_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let r = pass(&factory, &account, &app, &spec(), None, DriftPolicy::Report).await;
    no_errors(&r);
    let fields = drift_fields(&r);
    for f in [
        "canaries.checkout-api.exists",
        "healthChecks.db.exists",
        "healthChecks.storefront.alarm.exists",
        "healthChecks.storefront.exists",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} missing from {fields:?}");
    }
    let alarm = r
        .pass
        .outcomes
        .iter()
        .find(|o| o.component == "healthCheckAlarms")
        .expect("healthCheckAlarms outcome");
    assert_eq!(alarm.state, ComponentState::Drifted);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}
