//! AwsAccount changeEvents (issue 15): the EventBridge rules, the hub's SQS queue and the hub bus's statements,
//! against moto: a hub (moto's default account) and a forwarding account (reached with AssumeRole) in two regions.
//! They converge, deliver a CloudTrail-shaped event end to end, report and correct drift, drop a forwarder's
//! statement, and clean up only what they created.

use crate::support::{self, calls::sorted_write_operations as sorted_writes, Moto, ACCOUNT};
use aws_baseline_operator::api::aws_account::{AwsAccountSpec, ChangeEventsRole};
use aws_baseline_operator::api::common::{ComponentState, ComponentStatus, Owner};
use aws_baseline_operator::aws::{self, AccountSession, AwsFactory};
use aws_baseline_operator::engine::change_events::{
    self, cleanup, reconcile, Hub, Input, BUS_POLICY, QUEUE, RULE, RULE_NAME,
};
use aws_baseline_operator::engine::ComponentOutcome;
use aws_sdk_eventbridge::types::{PutEventsRequestEntry, RuleState};
use serde_json::{json, Value};

const FORWARDER: &str = "222222222222";
const HUB_REGION: &str = "eu-west-1";
const OTHER_REGION: &str = "us-east-1";

fn pattern() -> String {
    json!({"source": ["aws.cloudtrail"], "detail-type": ["AWS API Call via CloudTrail"],
           "detail": {"eventName": ["StopLogging"]}})
    .to_string()
}

fn hub() -> Hub {
    Hub {
        account_id: ACCOUNT.into(),
        region: HUB_REGION.into(),
    }
}

fn owner(name: &str) -> Owner {
    Owner {
        kind: "AwsAccount".into(),
        name: name.into(),
        uid: format!("{name}-uid"),
    }
}

fn regions() -> Vec<String> {
    vec![HUB_REGION.into(), OTHER_REGION.into()]
}

async fn sessions(factory: &AwsFactory) -> (AccountSession, AccountSession) {
    let hub = factory
        .session_for(&support::account(&[HUB_REGION]), HUB_REGION, &[])
        .await
        .unwrap();
    let fwd: AwsAccountSpec = serde_json::from_value(json!({
        "accountId": FORWARDER, "regions": [HUB_REGION],
        "assumeRole": {"roleArn": format!("arn:aws:iam::{FORWARDER}:role/baseline")}
    }))
    .unwrap();
    let fwd = factory.session_for(&fwd, HUB_REGION, &[]).await.unwrap();
    assert_eq!(fwd.caller_identity(HUB_REGION).await.unwrap().0, FORWARDER);
    (hub, fwd)
}

/// The inputs of the hub and of the forwarder.
struct Accounts {
    hub: Hub,
    hub_owner: Owner,
    fwd_owner: Owner,
    forwarders: Vec<String>,
    patterns: Vec<String>,
}

impl Accounts {
    fn new() -> Self {
        Self {
            hub: hub(),
            hub_owner: owner("hub"),
            fwd_owner: owner("fwd"),
            forwarders: vec![FORWARDER.into()],
            patterns: vec![pattern()],
        }
    }

    fn hub_input<'a>(&'a self, may_write: bool, previous: &'a [ComponentStatus]) -> Input<'a> {
        Input {
            account_id: ACCOUNT,
            role: ChangeEventsRole::Hub,
            regions: regions(),
            hub: Some(&self.hub),
            forwarders: &self.forwarders,
            forward_role_arn: None,
            patterns: &self.patterns,
            owner: &self.hub_owner,
            may_write,
            previous,
        }
    }

    fn fwd_input<'a>(&'a self, may_write: bool, previous: &'a [ComponentStatus]) -> Input<'a> {
        Input {
            account_id: FORWARDER,
            role: ChangeEventsRole::Forward,
            regions: regions(),
            hub: Some(&self.hub),
            forwarders: &[],
            forward_role_arn: None,
            patterns: &self.patterns,
            owner: &self.fwd_owner,
            may_write,
            previous,
        }
    }
}

fn assert_no_errors(outcomes: &[ComponentOutcome]) {
    for o in outcomes {
        assert!(
            o.error.is_none(),
            "{} {}: {:?}",
            o.component,
            o.region,
            o.error
        );
    }
}

fn fields(outcomes: &[ComponentOutcome]) -> Vec<String> {
    let mut f: Vec<String> = outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.clone()))
        .collect();
    f.sort();
    f
}

/// What the status would record: the component summaries a next pass gets as `previous`.
fn status(outcomes: &[ComponentOutcome]) -> Vec<ComponentStatus> {
    outcomes.iter().map(ComponentOutcome::summary).collect()
}

async fn hub_queue_url(hub: &AccountSession) -> String {
    change_events::queue_url(hub, HUB_REGION)
        .await
        .unwrap()
        .expect("hub queue")
}

/// A CloudTrail-shaped StopLogging event put on `client`'s default bus.
async fn put_stop_logging(client: &aws_sdk_eventbridge::Client, account: &str, region: &str) {
    let detail = json!({
        "eventVersion": "1.08", "eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
        "awsRegion": region, "recipientAccountId": account, "eventTime": "2026-01-01T00:00:00Z",
        "requestParameters": {"name": "org-trail"}
    });
    let out = client
        .put_events()
        .entries(
            PutEventsRequestEntry::builder()
                .source("aws.cloudtrail")
                .detail_type("AWS API Call via CloudTrail")
                .detail(detail.to_string())
                .build(),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(out.failed_entry_count(), 0, "{out:?}");
}

#[tokio::test]
async fn change_events_converge_deliver_to_the_hub_queue_and_a_second_pass_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (hub, fwd) = sessions(&factory).await;
    let a = Accounts::new();

    stats.reset();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    assert_no_errors(&h);
    let f = reconcile(&fwd, &a.fwd_input(true, &[])).await;
    assert_no_errors(&f);
    let components: Vec<(&str, &str, ComponentState)> = h
        .iter()
        .chain(&f)
        .map(|o| (o.component, o.region.as_str(), o.state))
        .collect();
    assert_eq!(
        components,
        vec![
            (QUEUE, HUB_REGION, ComponentState::Created),
            (BUS_POLICY, HUB_REGION, ComponentState::Corrected),
            (RULE, HUB_REGION, ComponentState::Created),
            (RULE, OTHER_REGION, ComponentState::Created),
            (RULE, HUB_REGION, ComponentState::Created),
            (RULE, OTHER_REGION, ComponentState::Created),
        ]
    );
    assert_eq!(
        h[0].id.as_deref(),
        Some("arn:aws:sqs:eu-west-1:123456789012:awsbaseline-change-events")
    );
    assert_eq!(
        f[1].id.as_deref(),
        Some("arn:aws:events:us-east-1:222222222222:rule/awsbaseline-change-events")
    );
    assert_eq!(
        sorted_writes(&stats),
        ["CreateQueue", "PutPermission", "PutRule", "PutTargets"]
    );

    // The resources as AWS holds them.
    let fwd_events = fwd.events(OTHER_REGION);
    let targets = fwd_events
        .list_targets_by_rule()
        .rule(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(targets.targets().len(), 1);
    assert_eq!(targets.targets()[0].id(), "awsbaseline");
    assert_eq!(
        targets.targets()[0].arn(),
        "arn:aws:events:eu-west-1:123456789012:event-bus/default"
    );
    let hub_targets = hub
        .events(HUB_REGION)
        .list_targets_by_rule()
        .rule(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(
        hub_targets.targets()[0].arn(),
        "arn:aws:sqs:eu-west-1:123456789012:awsbaseline-change-events"
    );
    let url = hub_queue_url(&hub).await;
    let attrs = aws::sqs::attributes(&hub.sqs(HUB_REGION), &url)
        .await
        .unwrap();
    assert_eq!(attrs.get("SqsManagedSseEnabled"), Some("true"));
    assert_eq!(attrs.get("MessageRetentionPeriod"), Some("86400"));
    assert_eq!(attrs.get("ReceiveMessageWaitTimeSeconds"), Some("20"));
    let bus = aws::events::default_bus(&hub.events(HUB_REGION))
        .await
        .unwrap();
    assert_eq!(bus.statements.len(), 1, "{:?}", bus.statements);
    assert_eq!(bus.statements[0]["Sid"], "awsbaseline-222222222222");
    assert_eq!(bus.statements[0]["Action"], "events:PutEvents");

    // Second pass (with the status the first one left): nothing to write.
    let (hp, fp) = (status(&h), status(&f));
    stats.reset();
    let h2 = reconcile(&hub, &a.hub_input(true, &hp)).await;
    let f2 = reconcile(&fwd, &a.fwd_input(true, &fp)).await;
    assert_no_errors(&h2);
    assert_no_errors(&f2);
    assert!(h2
        .iter()
        .chain(&f2)
        .all(|o| o.state == ComponentState::InSync));
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));
    // Without the previous status the tags are read to prove ownership: still nothing to write.
    let h3 = reconcile(&hub, &a.hub_input(true, &[])).await;
    assert!(
        h3.iter().all(|o| o.state == ComponentState::InSync),
        "{h3:#?}"
    );
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));

    // Delivery: a StopLogging in the forwarding account, in a region that is not the hub's, reaches the queue.
    put_stop_logging(&fwd_events, FORWARDER, OTHER_REGION).await;
    let sqs = hub.sqs(HUB_REGION);
    let msgs = aws::sqs::receive(&sqs, &url, 10, 1).await.unwrap();
    assert_eq!(msgs.len(), 1, "{msgs:?}");
    let event: Value = serde_json::from_str(&msgs[0].body).unwrap();
    assert_eq!(event["source"], "aws.cloudtrail");
    assert_eq!(event["detail-type"], "AWS API Call via CloudTrail");
    assert_eq!(event["detail"]["eventName"], "StopLogging");
    assert_eq!(event["detail"]["recipientAccountId"], FORWARDER);
    assert_eq!(event["detail"]["awsRegion"], OTHER_REGION);
    assert_eq!(event["detail"]["requestParameters"]["name"], "org-trail");
    // A StopLogging in the hub account, in the hub region, arrives directly through the hub rule.
    put_stop_logging(&hub.events(HUB_REGION), ACCOUNT, HUB_REGION).await;
    let handles: Vec<String> = msgs.iter().map(|m| m.receipt_handle.clone()).collect();
    aws::sqs::delete_batch(&sqs, &url, &handles).await.unwrap();
    let local = aws::sqs::receive(&sqs, &url, 10, 1).await.unwrap();
    assert_eq!(local.len(), 1, "{local:?}");
    let event: Value = serde_json::from_str(&local[0].body).unwrap();
    assert_eq!(event["detail"]["recipientAccountId"], ACCOUNT);
    aws::sqs::delete_batch(
        &sqs,
        &url,
        &local
            .iter()
            .map(|m| m.receipt_handle.clone())
            .collect::<Vec<_>>(),
    )
    .await
    .unwrap();
    assert!(aws::sqs::receive(&sqs, &url, 10, 0)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test]
async fn change_events_drift_is_reported_then_corrected_and_a_dropped_forwarder_loses_its_statement(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (hub, fwd) = sessions(&factory).await;
    let mut a = Accounts::new();
    assert_no_errors(&reconcile(&hub, &a.hub_input(true, &[])).await);
    assert_no_errors(&reconcile(&fwd, &a.fwd_input(true, &[])).await);

    // Out of band: the forwarder's rule in us-east-1 disabled, the hub rule's target removed, the queue policy
    // replaced, a foreign statement added to the hub bus.
    fwd.events(OTHER_REGION)
        .disable_rule()
        .name(RULE_NAME)
        .send()
        .await
        .unwrap();
    let hub_events = hub.events(HUB_REGION);
    hub_events
        .remove_targets()
        .rule(RULE_NAME)
        .ids("awsbaseline")
        .send()
        .await
        .unwrap();
    let url = hub_queue_url(&hub).await;
    let open = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "sqs:*", "Resource": "*"}]});
    let mut attrs = std::collections::BTreeMap::new();
    attrs.insert("Policy".to_string(), open.to_string());
    aws::sqs::set_attributes(&hub.sqs(HUB_REGION), &url, &attrs)
        .await
        .unwrap();
    hub_events
        .put_permission()
        .event_bus_name("default")
        .action("events:PutEvents")
        .principal("333333333333")
        .statement_id("other-team")
        .send()
        .await
        .unwrap();

    // Report only: the drift, no write.
    stats.reset();
    let h = reconcile(&hub, &a.hub_input(false, &[])).await;
    let f = reconcile(&fwd, &a.fwd_input(false, &[])).await;
    assert_no_errors(&h);
    assert_no_errors(&f);
    assert_eq!(
        fields(&h),
        [
            "changeEvents.queue.policy",
            "changeEvents.rule.awsbaseline-change-events.target"
        ]
    );
    assert_eq!(
        fields(&f),
        ["changeEvents.rule.awsbaseline-change-events.state"]
    );
    let state = f.iter().find(|o| !o.drift.is_empty()).unwrap();
    assert_eq!(state.region, OTHER_REGION);
    assert_eq!(state.drift[0].desired, json!("ENABLED"));
    assert_eq!(state.drift[0].actual, json!("DISABLED"));
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));

    // Correct: exactly the writes the drift needs, then nothing.
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    let f = reconcile(&fwd, &a.fwd_input(true, &[])).await;
    assert_no_errors(&h);
    assert_no_errors(&f);
    assert_eq!(
        sorted_writes(&stats),
        ["PutRule", "PutTargets", "SetQueueAttributes"]
    );
    let rule = fwd
        .events(OTHER_REGION)
        .describe_rule()
        .name(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(rule.state(), Some(&RuleState::Enabled));
    stats.reset();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    let f = reconcile(&fwd, &a.fwd_input(true, &[])).await;
    assert!(fields(&h).is_empty() && fields(&f).is_empty());
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));

    // The forwarder is dropped: its statement goes, the foreign one stays.
    a.forwarders.clear();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    assert_no_errors(&h);
    let bus = h.iter().find(|o| o.component == BUS_POLICY).unwrap();
    assert_eq!(bus.drift.len(), 1);
    assert_eq!(bus.drift[0].field, "changeEvents.busPolicy.222222222222");
    assert_eq!(
        (&bus.drift[0].desired, &bus.drift[0].actual),
        (&json!(false), &json!(true))
    );
    let sids: Vec<String> = aws::events::default_bus(&hub_events)
        .await
        .unwrap()
        .statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sids, ["other-team"]);

    // A forwarding role (what AWS needs for a bus in another Region) is put on the bus targets only.
    let role = format!("arn:aws:iam::{FORWARDER}:role/change-events-forwarder");
    let mut with_role = a.fwd_input(true, &[]);
    with_role.forward_role_arn = Some(&role);
    stats.reset();
    let f = reconcile(&fwd, &with_role).await;
    assert_no_errors(&f);
    assert_eq!(
        fields(&f),
        [
            "changeEvents.rule.awsbaseline-change-events.targetRoleArn",
            "changeEvents.rule.awsbaseline-change-events.targetRoleArn"
        ]
    );
    assert_eq!(sorted_writes(&stats), ["PutTargets"]);
    let t = fwd
        .events(OTHER_REGION)
        .list_targets_by_rule()
        .rule(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(t.targets()[0].role_arn(), Some(role.as_str()));
    stats.reset();
    let f = reconcile(&fwd, &with_role).await;
    assert!(fields(&f).is_empty(), "{f:#?}");
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));
}

#[tokio::test]
async fn change_events_cleanup_removes_only_what_the_account_created() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (hub, fwd) = sessions(&factory).await;
    let a = Accounts::new();
    // A same-named rule nobody tagged, in a third region the forwarder will list later.
    let third = "ap-southeast-2";
    fwd.events(third)
        .put_rule()
        .name(RULE_NAME)
        .event_pattern(pattern())
        .send()
        .await
        .unwrap();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    assert_no_errors(&h);
    let f = reconcile(&fwd, &a.fwd_input(true, &[])).await;
    assert_no_errors(&f);

    // Listing the third region: the foreign rule is reported, not taken over.
    let mut with_third = a.fwd_input(true, &[]);
    with_third.regions.push(third.into());
    let f3 = reconcile(&fwd, &with_third).await;
    let refused = f3.iter().find(|o| o.region == third).unwrap();
    assert_eq!(refused.state, ComponentState::Error);
    assert!(
        refused
            .message
            .as_deref()
            .unwrap()
            .contains("not taken over"),
        "{refused:?}"
    );
    let foreign = fwd
        .events(third)
        .describe_rule()
        .name(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.description(), None);

    // A region dropped from the spec: its rule is deleted by the next pass (status remembers the region).
    let previous = status(&f);
    let mut fewer = a.fwd_input(true, &previous);
    fewer.regions = vec![HUB_REGION.into()];
    let dropped = reconcile(&fwd, &fewer).await;
    assert_no_errors(&dropped);
    let gone = dropped.iter().find(|o| o.region == OTHER_REGION).unwrap();
    assert_eq!(gone.state, ComponentState::Corrected);
    assert!(aws::events::rules(&fwd.events(OTHER_REGION), RULE_NAME)
        .await
        .unwrap()
        .is_empty());
    let again = reconcile(&fwd, &a.fwd_input(true, &status(&dropped))).await;
    assert_no_errors(&again);

    // Cleanup of both accounts (the forwarder's with the third region in its previous status).
    let mut fwd_prev = status(&again);
    fwd_prev.push(ComponentStatus {
        component: RULE.into(),
        account: None,
        region: third.into(),
        state: ComponentState::Error,
        ownership: aws_baseline_operator::api::common::Ownership::None,
        id: None,
        drifted_fields: 0,
        message: None,
        operator_disabled_controls: Vec::new(),
        operator_enabled: Vec::new(),
    });
    let r = cleanup(&fwd, &a.fwd_input(true, &fwd_prev)).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    let r = cleanup(&hub, &a.hub_input(true, &status(&h))).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        r.actions.iter().any(|x| x.contains("deleted SQS queue")),
        "{:?}",
        r.actions
    );
    for (s, region) in [
        (&hub, HUB_REGION),
        (&hub, OTHER_REGION),
        (&fwd, HUB_REGION),
        (&fwd, OTHER_REGION),
    ] {
        assert!(
            aws::events::rules(&s.events(region), RULE_NAME)
                .await
                .unwrap()
                .is_empty(),
            "{region}"
        );
    }
    assert!(change_events::queue_url(&hub, HUB_REGION)
        .await
        .unwrap()
        .is_none());
    assert!(aws::events::default_bus(&hub.events(HUB_REGION))
        .await
        .unwrap()
        .statements
        .is_empty());
    // The untagged rule stays.
    assert_eq!(
        aws::events::rules(&fwd.events(third), RULE_NAME)
            .await
            .unwrap()
            .len(),
        1
    );
    // Idempotent.
    let r = cleanup(&hub, &a.hub_input(true, &status(&h))).await;
    assert!(r.errors.is_empty() && r.actions.is_empty(), "{r:?}");

    // A queue of that name nobody tagged is reported, not taken over, and kept by cleanup.
    hub.sqs(HUB_REGION)
        .create_queue()
        .queue_name(change_events::QUEUE_NAME)
        .send()
        .await
        .unwrap();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    let q = h.iter().find(|o| o.component == QUEUE).unwrap();
    assert_eq!(q.state, ComponentState::Error);
    assert!(
        q.message.as_deref().unwrap().contains("not taken over"),
        "{q:?}"
    );
    // The hub rule is not pointed at it.
    let hub_rule = h
        .iter()
        .find(|o| o.component == RULE && o.region == HUB_REGION)
        .unwrap();
    assert_eq!(hub_rule.state, ComponentState::Error);
    assert!(aws::events::rules(&hub.events(HUB_REGION), RULE_NAME)
        .await
        .unwrap()
        .is_empty());
    let r = cleanup(&hub, &a.hub_input(true, &status(&h))).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(change_events::queue_url(&hub, HUB_REGION)
        .await
        .unwrap()
        .is_some());
}

#[tokio::test]
async fn change_events_an_account_that_is_no_longer_the_hub_removes_its_queue_and_statements() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (hub, _fwd) = sessions(&factory).await;
    let a = Accounts::new();
    let h = reconcile(&hub, &a.hub_input(true, &[])).await;
    assert_no_errors(&h);
    let hub_events = hub.events(HUB_REGION);
    hub_events
        .put_permission()
        .event_bus_name("default")
        .action("events:PutEvents")
        .principal("333333333333")
        .statement_id("other-team")
        .send()
        .await
        .unwrap();

    // The other account becomes the hub; this one forwards to it.
    let new_hub = Hub {
        account_id: FORWARDER.into(),
        region: HUB_REGION.into(),
    };
    let previous = status(&h);
    let mut now_forwarding = a.hub_input(true, &previous);
    now_forwarding.role = ChangeEventsRole::Forward;
    now_forwarding.hub = Some(&new_hub);
    let f = reconcile(&hub, &now_forwarding).await;
    assert_no_errors(&f);
    let components: Vec<(&str, &str, ComponentState)> = f
        .iter()
        .map(|o| (o.component, o.region.as_str(), o.state))
        .collect();
    assert_eq!(
        components,
        [
            (RULE, HUB_REGION, ComponentState::Corrected),
            (RULE, OTHER_REGION, ComponentState::Corrected),
        ]
    );
    assert_eq!(
        fields(&f),
        [
            "changeEvents.rule.awsbaseline-change-events.target",
            "changeEvents.rule.awsbaseline-change-events.target"
        ]
    );
    assert!(change_events::queue_url(&hub, HUB_REGION)
        .await
        .unwrap()
        .is_none());
    let sids: Vec<String> = aws::events::default_bus(&hub_events)
        .await
        .unwrap()
        .statements
        .iter()
        .map(|s| s["Sid"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(sids, ["other-team"]);
    let t = hub_events
        .list_targets_by_rule()
        .rule(RULE_NAME)
        .send()
        .await
        .unwrap();
    assert_eq!(t.targets()[0].arn(), new_hub.bus_arn());
}

/// The AwsAccount-level pass (`engine::account_events`, what the controller and `plan`/`apply` run): a hub whose
/// region differs from another rule region needs `forwardingRoleArn` (EventBridge routes to another Region only
/// through a role), refused before any AWS call; with the role, every rule converges and the forwarding targets
/// carry it; a second pass writes nothing.
#[tokio::test]
async fn change_events_across_regions_need_a_forwarding_role() {
    use aws_baseline_operator::api::AwsAccount;
    use aws_baseline_operator::engine::account_events;
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = |role: Option<&str>| -> AwsAccount {
        serde_json::from_value(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": "hub", "uid": "hub-uid"},
            "spec": {"accountId": ACCOUNT, "regions": [HUB_REGION],
                "changeEvents": {"role": "Hub", "forwardingRoleArn": role}}}),
        )
        .unwrap()
    };
    let without = account(None);
    let report = account_events::pass(
        &factory,
        &without,
        std::slice::from_ref(&without),
        &[],
        true,
    )
    .await;
    let fatal = report.fatal.expect("refused").to_string();
    assert!(
        fatal.contains("forwardingRoleArn is required") && fatal.contains(OTHER_REGION),
        "{fatal}"
    );
    assert_eq!(
        stats.reads() + stats.writes(),
        0,
        "refused before any AWS call"
    );

    let role = format!("arn:aws:iam::{ACCOUNT}:role/awsbaseline-forwarder");
    let with = account(Some(&role));
    let all = std::slice::from_ref(&with);
    let report = account_events::pass(&factory, &with, all, &[], true).await;
    assert!(report.fatal.is_none(), "{:?}", report.fatal);
    assert_no_errors(&report.outcomes);
    let (hub, _) = sessions(&factory).await;
    let targets = hub
        .events(OTHER_REGION)
        .list_targets_by_rule()
        .rule(RULE_NAME)
        .send()
        .await
        .unwrap();
    let target = &targets.targets()[0];
    assert_eq!(target.role_arn(), Some(role.as_str()));
    assert_eq!(
        target.arn(),
        format!("arn:aws:events:{HUB_REGION}:{ACCOUNT}:event-bus/default")
    );
    let previous = status(&report.outcomes);
    stats.reset();
    let report = account_events::pass(&factory, &with, all, &previous, true).await;
    assert_no_errors(&report.outcomes);
    assert!(
        sorted_writes(&stats).is_empty(),
        "{:?}",
        sorted_writes(&stats)
    );
}
