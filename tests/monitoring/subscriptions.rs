//! A managed topic's subscriptions are a set: one the spec does not declare is drift, reported by default and
//! unsubscribed under `undeclaredSubscriptions: Remove` with driftPolicy Correct; a pending confirmation is only
//! reported.
//!
//! moto 5.2.5 confirms every subscription at Subscribe (email included) and lists it with a real subscription ARN,
//! so a pending confirmation cannot be made in moto: its listing (`SubscriptionArn: PendingConfirmation`, as AWS
//! documents for ListSubscriptionsByTopic) is read on aws-smithy-mocks below, and the rule that it is never
//! unsubscribed is a unit test in `src/monitoring/topics.rs`. The subscriptions here are SQS ones.

use super::*;
use aws_baseline_operator::api::common::DriftAction;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

const TOPIC: &str = "arn:aws:sns:eu-west-1:123456789012:team-alerts";
const DECLARED: &str = "arn:aws:sqs:eu-west-1:123456789012:declared";
const ROGUE: &str = "arn:aws:sqs:eu-west-1:123456789012:rogue";
const ROGUE_FIELD: &str =
    "topics.team-alerts.subscriptions[sqs:arn:aws:sqs:eu-west-1:123456789012:rogue]";

fn spec(undeclared: &str) -> MonitoringPolicySpec {
    serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["eu-west-1"],
        "topics": [{"name": "team-alerts", "undeclaredSubscriptions": undeclared,
            "subscriptions": [{"protocol": "sqs", "endpoint": DECLARED}]}]
    }))
    .unwrap()
}

async fn endpoints(sns: &aws_sdk_sns::Client) -> Vec<String> {
    let mut v: Vec<String> = sns
        .list_subscriptions_by_topic()
        .topic_arn(TOPIC)
        .send()
        .await
        .unwrap()
        .subscriptions()
        .iter()
        .filter_map(|s| s.endpoint().map(str::to_string))
        .collect();
    v.sort();
    v
}

fn topics_outcome(r: &MonitoringReport) -> &aws_baseline_operator::engine::ComponentOutcome {
    r.pass
        .outcomes
        .iter()
        .find(|o| o.component == "topics")
        .unwrap()
}

/// A subscription added out of band is drift with desired `absent`: under Report it is listed and left alone
/// (no write), under Correct with `undeclaredSubscriptions: Remove` it is unsubscribed (exactly one Unsubscribe),
/// and the next pass is in sync with zero writes.
#[tokio::test]
async fn an_undeclared_subscription_is_reported_then_unsubscribed_under_correct() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let sns = aws_sdk_sns::Client::new(&moto.sdk_config("eu-west-1").await);
    let spec = spec("Remove");
    let created = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&created);
    let st = status(None, &created);
    assert_eq!(endpoints(&sns).await, [DECLARED]);

    // Out of band: someone subscribes a queue the spec does not declare.
    sns.subscribe()
        .topic_arn(TOPIC)
        .protocol("sqs")
        .endpoint(ROGUE)
        .send()
        .await
        .unwrap();

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
    assert_eq!(drift_fields(&reported), [ROGUE_FIELD]);
    let o = topics_outcome(&reported);
    assert_eq!(
        (&o.drift[0].desired, &o.drift[0].actual, o.action),
        (
            &serde_json::json!("absent"),
            &serde_json::json!("confirmed"),
            DriftAction::Reported
        )
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(endpoints(&sns).await, [DECLARED, ROGUE]);
    let st = status(Some(&st), &reported);

    stats.reset();
    let corrected = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&corrected);
    assert_eq!(drift_fields(&corrected), [ROGUE_FIELD]);
    assert_eq!(topics_outcome(&corrected).action, DriftAction::Corrected);
    assert_eq!(sorted_write_operations(&stats), ["Unsubscribe"]);
    assert_eq!(stats.count("Unsubscribe"), 1);
    assert_eq!(endpoints(&sns).await, [DECLARED]);
    let st = status(Some(&st), &corrected);

    in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
}

/// The default (`Report`) lists an undeclared subscription as drift even under Correct and never unsubscribes
/// it; `Ignore` is the additive behaviour: no drift, no write.
#[tokio::test]
async fn by_default_an_undeclared_subscription_is_reported_and_kept_and_ignore_keeps_it_silently() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let sns = aws_sdk_sns::Client::new(&moto.sdk_config("eu-west-1").await);
    let mut spec: MonitoringPolicySpec = spec("Report");
    let created = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&created);
    let st = status(None, &created);
    sns.subscribe()
        .topic_arn(TOPIC)
        .protocol("sqs")
        .endpoint(ROGUE)
        .send()
        .await
        .unwrap();

    for _ in 0..2 {
        stats.reset();
        let r = pass(
            &factory,
            &account,
            &app,
            &spec,
            Some(&st),
            DriftPolicy::Correct,
        )
        .await;
        no_errors(&r);
        assert_eq!(drift_fields(&r), [ROGUE_FIELD]);
        let o = topics_outcome(&r);
        assert_eq!(
            (o.state, o.action),
            (ComponentState::Drifted, DriftAction::Reported)
        );
        assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    }
    assert_eq!(endpoints(&sns).await, [DECLARED, ROGUE]);

    // A missing declared subscription is still added under Report, and the undeclared one stays Reported.
    sns.unsubscribe()
        .subscription_arn(
            sns.list_subscriptions_by_topic()
                .topic_arn(TOPIC)
                .send()
                .await
                .unwrap()
                .subscriptions()
                .iter()
                .find(|s| s.endpoint() == Some(DECLARED))
                .and_then(|s| s.subscription_arn())
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    stats.reset();
    let r = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert_eq!(
        drift_fields(&r),
        ["topics.team-alerts.subscriptions", ROGUE_FIELD]
    );
    assert_eq!(sorted_write_operations(&stats), ["Subscribe"]);
    let o = topics_outcome(&r);
    assert_eq!(
        (o.state, o.action),
        (ComponentState::Drifted, DriftAction::Reported),
        "drift no write corrects keeps the component Drifted"
    );
    assert_eq!(endpoints(&sns).await, [DECLARED, ROGUE]);

    spec.topics[0].undeclared_subscriptions =
        aws_baseline_operator::api::monitoring_policy::UndeclaredSubscriptions::Ignore;
    in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(endpoints(&sns).await, [DECLARED, ROGUE]);
}

/// AWS lists a subscription waiting for confirmation with `SubscriptionArn: PendingConfirmation` (not an ARN):
/// it is read as pending without an ARN, which the plan never unsubscribes.
#[tokio::test]
async fn a_pending_confirmation_is_listed_without_an_arn() {
    use aws_sdk_sns::operation::list_subscriptions_by_topic::ListSubscriptionsByTopicOutput;
    use aws_sdk_sns::types::Subscription as Sub;
    use aws_sdk_sns::Client as Sns;

    let list = mock!(Sns::list_subscriptions_by_topic)
        .match_requests(|r| r.topic_arn() == Some(TOPIC))
        .then_output(|| {
            let sub = |arn: &str, protocol: &str, endpoint: &str| {
                Sub::builder()
                    .subscription_arn(arn)
                    .owner("123456789012")
                    .protocol(protocol)
                    .endpoint(endpoint)
                    .topic_arn(TOPIC)
                    .build()
            };
            ListSubscriptionsByTopicOutput::builder()
                .subscriptions(sub(&format!("{TOPIC}:9f8e"), "sqs", DECLARED))
                .subscriptions(sub(&format!("{TOPIC}:0a1b"), "sqs", ROGUE))
                .subscriptions(sub("PendingConfirmation", "email", "new.hire@example.com"))
                .build()
        });
    let client = mock_client!(aws_sdk_sns, RuleMode::MatchAny, [&list]);
    let subs = aws_baseline_operator::aws::sns::subscriptions(&client, TOPIC)
        .await
        .unwrap();
    assert_eq!(
        subs.iter()
            .map(|s| (s.endpoint.as_str(), s.pending, s.arn.as_deref()))
            .collect::<Vec<_>>(),
        [
            (DECLARED, false, Some(format!("{TOPIC}:9f8e").as_str())),
            (ROGUE, false, Some(format!("{TOPIC}:0a1b").as_str())),
            ("new.hire@example.com", true, None),
        ]
    );
    // The plan of a topic with `undeclaredSubscriptions: Remove` unsubscribes the confirmed one only.
    let spec = spec("Remove");
    let mut plan = aws_baseline_operator::monitoring::topics::TopicPlan::default();
    plan.existing(
        &spec.topics[0],
        &Default::default(),
        &Default::default(),
        &subs,
    );
    assert_eq!(
        plan.actions,
        [(
            "team-alerts".to_string(),
            aws_baseline_operator::monitoring::topics::TopicAction::Unsubscribe(format!(
                "{TOPIC}:0a1b"
            ))
        )]
    );
    assert_eq!(plan.report_only, 1);
}
