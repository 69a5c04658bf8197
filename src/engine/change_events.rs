//! The AWS resources that deliver an AwsAccount's change events (issue 15): in each region, the EventBridge rule(s)
//! `awsbaseline-change-events[-<n>]` on the default bus with one target (id `awsbaseline`): the hub's default
//! bus, or, for the hub account in its hub region, the central SQS queue. The hub account also owns the queue
//! `awsbaseline-change-events` and the statements `awsbaseline-<accountId>` of its default bus's policy that let
//! each forwarding account put events.
//!
//! Components (status names): [`RULE`] (one per region, id = the first rule's ARN), [`QUEUE`] (hub, id = queue
//! ARN), [`BUS_POLICY`] (hub, id = bus ARN). Drift fields: `changeEvents.rule.<ruleName>.{exists, description,
//! state, eventPattern, target, targetRoleArn}`, `changeEvents.queue.{exists, policy, sqsManagedSseEnabled,
//! messageRetentionPeriod, receiveMessageWaitTimeSeconds}`, `changeEvents.busPolicy.<accountId>` (desired `true`
//! for a forwarding account, `false` for a statement of ours whose account no longer forwards; actual `true`,
//! `null` when missing, or `"modified"` when the statement no longer grants `events:PutEvents` to that account).
//!
//! Ownership: a rule or queue with our name is ours when the previous status recorded it as `Created` in that
//! region, else when its tags name this owner (read on first sight). A same-named rule or queue without our tags
//! is **not taken over**: the component reports an error naming it and nothing is written to it; cleanup never
//! deletes it. Bus statements are ours by their `awsbaseline-` statement id; other statements are never touched.

use crate::api::aws_account::ChangeEventsRole;
use crate::api::common::{ComponentState, ComponentStatus, Owner, Ownership};
use crate::aws::events::{DesiredRule, ObservedRule, RuleTarget};
use crate::aws::{self, AccountSession, AwsError, ErrorCategory};
use crate::diff::{diff_resources, FieldDrift, Fields};
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Name of the (first) change-event rule in every region; rule i > 0 is `<RULE_NAME>-<i+1>`.
pub const RULE_NAME: &str = "awsbaseline-change-events";
/// Name of the hub's queue.
pub const QUEUE_NAME: &str = "awsbaseline-change-events";
/// Statement-id prefix of the hub bus's policy statements the operator manages.
pub const STATEMENT_PREFIX: &str = "awsbaseline-";
/// Component: the rule(s) of one region.
pub const RULE: &str = "changeEvents.rule";
/// Component: the hub's queue.
pub const QUEUE: &str = "changeEvents.queue";
/// Component: the hub bus's policy statements.
pub const BUS_POLICY: &str = "changeEvents.busPolicy";
/// IAM sections (uses) of change events: every AwsAccount with `changeEvents`, and the hub's extra ones.
pub const IAM: &[&str] = &["AwsAccount.changeEvents", "AwsAccount.changeEvents.hub"];

const DESCRIPTION: &str =
    "aws-baseline-operator: forwards change events for event-driven drift detection";

/// Queue attribute values the hub's queue must have (besides `Policy`).
const QUEUE_SETTINGS: [(&str, &str, &str); 3] = [
    ("SqsManagedSseEnabled", "sqsManagedSseEnabled", "true"),
    ("MessageRetentionPeriod", "messageRetentionPeriod", "86400"),
    (
        "ReceiveMessageWaitTimeSeconds",
        "receiveMessageWaitTimeSeconds",
        "20",
    ),
];

/// The hub: the account and region whose queue collects every account's change events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hub {
    /// Hub account id.
    pub account_id: String,
    /// Hub region (the hub AwsAccount's first region).
    pub region: String,
}

impl Hub {
    /// ARN of the hub's default event bus (the forwarding rules' target).
    pub fn bus_arn(&self) -> String {
        format!(
            "arn:{}:events:{}:{}:event-bus/default",
            aws::partition(&self.region),
            self.region,
            self.account_id
        )
    }

    /// ARN of the hub's queue (the hub rule's target).
    pub fn queue_arn(&self) -> String {
        format!(
            "arn:{}:sqs:{}:{}:{QUEUE_NAME}",
            aws::partition(&self.region),
            self.region,
            self.account_id
        )
    }
}

/// What one AwsAccount's change-event delivery needs.
pub struct Input<'a> {
    /// This AwsAccount's accountId.
    pub account_id: &'a str,
    /// Its role.
    pub role: ChangeEventsRole,
    /// Where the rules go (the caller adds us-east-1).
    pub regions: Vec<String>,
    /// The hub; `None` (no hub declared yet): no rule is written and each region's rule component reports it.
    pub hub: Option<&'a Hub>,
    /// Hub only: account ids that forward (the hub itself is ignored).
    pub forwarders: &'a [String],
    /// Role EventBridge assumes to put events on the hub's bus (the forwarding targets' `RoleArn`). AWS requires
    /// one for a target bus in another Region; without it (None) only same-Region forwarding to a hub whose bus
    /// policy names the account is accepted. Never used for the hub rule's queue target.
    pub forward_role_arn: Option<&'a str>,
    /// Event pattern JSON strings, one rule each.
    pub patterns: &'a [String],
    /// The AwsAccount (kind, name, uid): tags and ownership.
    pub owner: &'a Owner,
    /// Correct drift (false: report only, e.g. `plan`).
    pub may_write: bool,
    /// The change-event components of the previous status (`status.components`): regions a rule was in that are
    /// no longer listed (their rules are deleted), and what was created (no tag read for it).
    pub previous: &'a [ComponentStatus],
}

impl Input<'_> {
    /// True when this account is the hub (role `Hub` and the hub is this account).
    pub fn is_hub(&self) -> bool {
        self.role == ChangeEventsRole::Hub
            && self.hub.is_some_and(|h| h.account_id == self.account_id)
    }

    fn created_before(&self, component: &str, region: &str) -> Option<&str> {
        self.previous
            .iter()
            .find(|c| {
                c.component == component
                    && c.region == region
                    && c.ownership == Ownership::Created
                    && c.state != ComponentState::Error
            })
            .and_then(|c| c.id.as_deref())
    }

    fn previous_regions(&self, components: &[&str]) -> Vec<String> {
        aws::sorted(
            self.previous
                .iter()
                .filter(|c| components.contains(&c.component.as_str()))
                .map(|c| c.region.clone()),
        )
    }
}

/// Name of rule `i` (0-based).
pub fn rule_name(i: usize) -> String {
    if i == 0 {
        RULE_NAME.to_string()
    } else {
        format!("{RULE_NAME}-{}", i + 1)
    }
}

/// Index of a rule name of ours (`RULE_NAME` = 0, `RULE_NAME-<n>` = n-1 for n >= 2).
pub fn rule_index(name: &str) -> Option<usize> {
    let rest = name.strip_prefix(RULE_NAME)?;
    if rest.is_empty() {
        return Some(0);
    }
    let n: usize = rest.strip_prefix('-')?.parse().ok()?;
    (n >= 2 && rest == format!("-{n}")).then(|| n - 1)
}

/// Statement id of a forwarding account's bus statement.
pub fn statement_id(account: &str) -> String {
    format!("{STATEMENT_PREFIX}{account}")
}

/// The hub queue's access policy: EventBridge may send messages from the hub's change-event rules.
pub fn queue_policy(hub: &Hub) -> Value {
    let p = aws::partition(&hub.region);
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "awsbaseline-change-events",
            "Effect": "Allow",
            "Principal": {"Service": "events.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Resource": hub.queue_arn(),
            "Condition": {"ArnLike": {"aws:SourceArn": format!(
                "arn:{p}:events:{}:{}:rule/{RULE_NAME}*", hub.region, hub.account_id
            )}},
        }],
    })
}

fn rule_arn(region: &str, account: &str, name: &str) -> String {
    format!(
        "arn:{}:events:{region}:{account}:rule/{name}",
        aws::partition(region)
    )
}

fn rule_fields(name: &str, pattern: &Value, target: &RuleTarget) -> Fields {
    let k = |f: &str| format!("{RULE}.{name}.{f}");
    Fields::from([
        (k("exists"), json!(true)),
        (k("description"), json!(DESCRIPTION)),
        (k("state"), json!("ENABLED")),
        (k("eventPattern"), pattern.clone()),
        (k("target"), json!(target.arn)),
        (
            k("targetRoleArn"),
            target.role_arn.clone().map_or(Value::Null, Value::String),
        ),
    ])
}

/// The one target of a rule: `arn`, with the forwarding role unless it is the hub's queue.
fn target_of(arn: &str, role: Option<&str>) -> RuleTarget {
    RuleTarget {
        arn: arn.to_string(),
        role_arn: role.map(str::to_string),
        input: None,
        input_transformer: None,
        run_command_targets: vec![],
    }
}

fn observed_rule_fields(name: &str, r: &ObservedRule) -> Fields {
    let k = |f: &str| format!("{RULE}.{name}.{f}");
    // A target with an input or transformer is not the plain bus/queue target we put.
    let target = r.target.as_ref().map(|t| {
        let plain =
            t.input.is_none() && t.input_transformer.is_none() && t.run_command_targets.is_empty();
        if plain {
            json!(t.arn)
        } else {
            json!(format!("{} (with input)", t.arn))
        }
    });
    let role = r
        .target
        .as_ref()
        .and_then(|t| t.role_arn.clone())
        .map_or(Value::Null, Value::String);
    Fields::from([
        (k("exists"), json!(true)),
        (
            k("description"),
            r.description.clone().map_or(Value::Null, Value::String),
        ),
        (k("state"), json!(r.state)),
        (
            k("eventPattern"),
            r.event_pattern.clone().unwrap_or(Value::Null),
        ),
        (k("target"), target.unwrap_or(Value::Null)),
        (k("targetRoleArn"), role),
    ])
}

fn not_ours(service: &'static str, op: &'static str, what: String, owner: &Owner) -> AwsError {
    AwsError::new(
        service,
        op,
        ErrorCategory::InvalidInput,
        format!(
            "{what} exists but its tags do not name {} {}: not taken over (delete it, or tag it awsbaseline.io/owner-uid={})",
            owner.kind, owner.name, owner.uid
        ),
    )
}

/// Reconcile every change-event component of one account: per region its rule(s); on the hub, first (in the hub
/// region) the queue and the bus policy. Regions the previous status holds a rule in but `regions` no longer
/// lists get their rules deleted (an outcome stays while anything remains there); an account whose previous
/// status holds a queue or bus policy but that is no longer the hub gets them removed as on cleanup (an outcome
/// stays only while that fails).
pub async fn reconcile(session: &AccountSession, input: &Input<'_>) -> Vec<ComponentOutcome> {
    let mut out = Vec::new();
    let patterns: Result<Vec<Value>, AwsError> = input
        .patterns
        .iter()
        .map(|p| {
            serde_json::from_str(p).map_err(|e| {
                AwsError::new(
                    "events",
                    "PutRule",
                    ErrorCategory::InvalidInput,
                    format!("change-event pattern is not JSON: {e}"),
                )
            })
        })
        .collect();
    // The hub rule is not pointed at a queue that failed (one not ours, or unreadable).
    let mut queue_error = None;
    if input.is_hub() {
        if let Some(hub) = input.hub {
            let q = reconcile_queue(session, input, hub).await;
            queue_error = q.error.clone();
            out.push(q);
            out.push(reconcile_bus_policy(session, input, hub).await);
        }
    }
    // The hub region always has the hub rule, even if the caller left it out of `regions`.
    let mut regions = input.regions.clone();
    if let Some(h) = input.hub.filter(|_| input.is_hub()) {
        if !regions.contains(&h.region) {
            regions.insert(0, h.region.clone());
        }
    }
    for region in &regions {
        let hub_region = input.is_hub() && input.hub.is_some_and(|h| &h.region == region);
        let waits_for_queue = queue_error.as_ref().filter(|_| hub_region);
        let outcome = match (&patterns, input.hub) {
            (Err(e), _) => failed(RULE, region, Ownership::None, e.clone()),
            (Ok(_), Some(_)) if waits_for_queue.is_some() => {
                let mut e = waits_for_queue.cloned().unwrap_or_else(|| {
                    AwsError::new("sqs", "GetQueueUrl", ErrorCategory::Unknown, "")
                });
                e.message = format!("the hub rule waits for its queue: {}", e.message);
                failed(RULE, region, Ownership::None, e)
            }
            (Ok(_), None) => failed(
                RULE,
                region,
                Ownership::None,
                AwsError::new(
                    "events",
                    "PutTargets",
                    ErrorCategory::NotFound,
                    "no AwsAccount has changeEvents.role Hub: change events have nowhere to go; no rule written",
                ),
            ),
            (Ok(patterns), Some(hub)) => {
                let target = if hub_region {
                    target_of(&hub.queue_arn(), None)
                } else {
                    target_of(&hub.bus_arn(), input.forward_role_arn)
                };
                let desired: Vec<(String, Value)> = patterns
                    .iter()
                    .enumerate()
                    .map(|(i, p)| (rule_name(i), p.clone()))
                    .collect();
                reconcile_rules(session, input, region, &desired, &target).await
            }
        };
        out.push(outcome);
    }
    // No longer the hub (role changed, or another hub chosen): the queue and statements it created go.
    if !input.is_hub() && input.may_write {
        for region in input.previous_regions(&[QUEUE, BUS_POLICY]) {
            if let Err(e) = cleanup_queue(session, input.owner, &region).await {
                out.push(failed(QUEUE, &region, Ownership::Created, e));
            }
            if let Err(e) = cleanup_bus_policy(session, &region).await {
                out.push(failed(BUS_POLICY, &region, Ownership::Adopted, e));
            }
        }
    }
    for region in input.previous_regions(&[RULE]) {
        if regions.contains(&region) {
            continue;
        }
        let o = reconcile_rules(session, input, &region, &[], &target_of("", None)).await;
        if o.state != ComponentState::InSync {
            out.push(o);
        }
    }
    out
}

/// The rules of one region against `desired` (name, pattern), all with target `target`; our rules (by tags)
/// beyond `desired` are deleted.
async fn reconcile_rules(
    session: &AccountSession,
    input: &Input<'_>,
    region: &str,
    desired: &[(String, Value)],
    target: &RuleTarget,
) -> ComponentOutcome {
    let client = session.events(region);
    let known = input.created_before(RULE, region).is_some();
    let result: Result<ComponentOutcome, AwsError> = async {
        let mut observed = aws::events::rules(&client, RULE_NAME).await?;
        observed.retain(|name, _| rule_index(name).is_some());
        for (name, rule) in observed.iter_mut() {
            aws::events::read_targets(&client, name, rule).await?;
        }
        let mut want = Fields::new();
        let mut have = Fields::new();
        for (name, pattern) in desired {
            want.extend(rule_fields(name, pattern, target));
            if let Some(r) = observed.get(name) {
                if !known {
                    let owned = input.owner.owns(
                        aws::events::tags(&client, &r.arn)
                            .await?
                            .iter()
                            .map(|(k, v)| (k.as_str(), v.as_str())),
                    );
                    if !owned {
                        return Err(not_ours(
                            "events",
                            "PutRule",
                            format!("EventBridge rule {name} in {region}"),
                            input.owner,
                        ));
                    }
                }
                have.extend(observed_rule_fields(name, r));
            }
        }
        let declared: BTreeSet<&str> = desired.iter().map(|(n, _)| n.as_str()).collect();
        let mut remove: Vec<(&String, &ObservedRule)> = Vec::new();
        for (name, r) in observed
            .iter()
            .filter(|(n, _)| !declared.contains(n.as_str()))
        {
            let owned = input.owner.owns(
                aws::events::tags(&client, &r.arn)
                    .await?
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str())),
            );
            if owned {
                let k = format!("{RULE}.{name}.exists");
                want.insert(k.clone(), json!(false));
                have.insert(k, json!(true));
                remove.push((name, r));
            }
        }
        let drift = diff_resources(&want, &have);
        let created = !drift.is_empty()
            && drift
                .iter()
                .all(|d| d.field.ends_with(".exists") && d.desired == json!(true));
        let mut writes = None;
        if input.may_write && !drift.is_empty() {
            writes = Some(
                write_rules(&client, input, desired, target, &observed, &drift, &remove).await,
            );
        }
        let exists_after =
            desired.iter().any(|(n, _)| observed.contains_key(n)) || matches!(writes, Some(Ok(())));
        let ownership = if desired.is_empty() && remove.is_empty() {
            Ownership::None
        } else if exists_after || !remove.is_empty() {
            Ownership::Created
        } else {
            Ownership::None
        };
        let id = desired
            .first()
            .map(|(n, _)| rule_arn(region, input.account_id, n));
        Ok(Settle {
            component: RULE,
            region,
            drift,
            writes,
            created,
            ownership,
            id,
        }
        .outcome())
    }
    .await;
    result.unwrap_or_else(|e| failed(RULE, region, Ownership::None, e))
}

async fn write_rules(
    client: &aws_sdk_eventbridge::Client,
    input: &Input<'_>,
    desired: &[(String, Value)],
    target: &RuleTarget,
    observed: &BTreeMap<String, ObservedRule>,
    drift: &[FieldDrift],
    remove: &[(&String, &ObservedRule)],
) -> Result<(), AwsError> {
    for (name, pattern) in desired {
        let prefix = format!("{RULE}.{name}.");
        let mine: Vec<&FieldDrift> = drift
            .iter()
            .filter(|d| d.field.starts_with(&prefix))
            .collect();
        if mine.is_empty() {
            continue;
        }
        let missing = !observed.contains_key(name);
        let is_target =
            |d: &&FieldDrift| d.field.ends_with(".target") || d.field.ends_with(".targetRoleArn");
        let put_rule = missing || mine.iter().any(|d| !is_target(d));
        let put_target = missing || mine.iter().any(is_target);
        let t = target.clone();
        if put_rule {
            let rule = DesiredRule {
                path: format!("{RULE}.{name}"),
                component: RULE,
                aws_name: name.clone(),
                description: DESCRIPTION.to_string(),
                event_pattern: Some(pattern.clone()),
                schedule: None,
                state: "ENABLED",
                topic: None,
                target: t.clone(),
            };
            let tags = missing.then(|| input.owner.tags());
            aws::events::put_rule(client, &rule, tags.as_deref()).await?;
        }
        if put_target {
            aws::events::put_target(client, name, &t).await?;
        }
    }
    for (name, r) in remove {
        aws::events::delete(client, name, &r.target_ids).await?;
    }
    Ok(())
}

/// The hub's queue: created with its settings, policy and tags; drifted attributes set back.
async fn reconcile_queue(
    session: &AccountSession,
    input: &Input<'_>,
    hub: &Hub,
) -> ComponentOutcome {
    let region = hub.region.as_str();
    let client = session.sqs(region);
    let arn = hub.queue_arn();
    let known = input.created_before(QUEUE, region) == Some(arn.as_str());
    let policy = queue_policy(hub);
    let k = |f: &str| format!("{QUEUE}.{f}");
    let mut want = Fields::from([(k("exists"), json!(true)), (k("policy"), policy.clone())]);
    for (_, field, v) in QUEUE_SETTINGS {
        want.insert(k(field), json!(v));
    }
    let result: Result<ComponentOutcome, AwsError> = async {
        let url = aws::sqs::queue_url(&client, QUEUE_NAME).await?;
        let mut have = Fields::new();
        if let Some(url) = &url {
            if !known {
                let tags = aws::sqs::tags(&client, url).await?;
                if !input
                    .owner
                    .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                {
                    return Err(not_ours(
                        "sqs",
                        "CreateQueue",
                        format!("SQS queue {QUEUE_NAME} in {region}"),
                        input.owner,
                    ));
                }
            }
            let attrs = aws::sqs::attributes(&client, url).await?;
            have.insert(k("exists"), json!(true));
            have.insert(
                k("policy"),
                attrs
                    .get("Policy")
                    .and_then(|p| serde_json::from_str(p).ok())
                    .unwrap_or(Value::Null),
            );
            for (name, field, _) in QUEUE_SETTINGS {
                have.insert(k(field), attrs.get(name).map_or(Value::Null, |v| json!(v)));
            }
        }
        let drift = crate::diff::diff(QUEUE, &want, &have);
        let mut writes = None;
        if input.may_write && !drift.is_empty() {
            let w: Result<(), AwsError> = async {
                let mut attrs = BTreeMap::new();
                for (name, field, v) in QUEUE_SETTINGS {
                    if url.is_none() || drift.iter().any(|d| d.field == k(field)) {
                        attrs.insert(name.to_string(), v.to_string());
                    }
                }
                if url.is_none() || drift.iter().any(|d| d.field == k("policy")) {
                    attrs.insert("Policy".to_string(), policy.to_string());
                }
                match &url {
                    None => {
                        aws::sqs::create(&client, QUEUE_NAME, &attrs, &input.owner.tags()).await?;
                    }
                    Some(url) => aws::sqs::set_attributes(&client, url, &attrs).await?,
                }
                Ok(())
            }
            .await;
            writes = Some(w);
        }
        let ownership = if url.is_some() || matches!(writes, Some(Ok(()))) {
            Ownership::Created
        } else {
            Ownership::None
        };
        Ok(Settle {
            component: QUEUE,
            region,
            drift,
            writes,
            created: url.is_none(),
            ownership,
            id: Some(arn.clone()),
        }
        .outcome())
    }
    .await;
    result.unwrap_or_else(|e| failed(QUEUE, region, Ownership::None, e))
}

/// How a bus statement of ours reads: `true` when it lets exactly its account put events, else `"modified"`.
fn statement_state(s: &Value, account: &str) -> Value {
    let action_ok = match &s["Action"] {
        Value::String(a) => a == "events:PutEvents",
        Value::Array(a) => a.len() == 1 && a[0] == "events:PutEvents",
        _ => false,
    };
    let principal_ok = match &s["Principal"] {
        Value::Object(m) => m
            .get("AWS")
            .and_then(Value::as_str)
            .is_some_and(|p| p == account || p.ends_with(&format!(":iam::{account}:root"))),
        Value::String(p) => p == account,
        _ => false,
    };
    let effect_ok = s["Effect"] == "Allow" && s.get("Condition").is_none();
    if action_ok && principal_ok && effect_ok {
        json!(true)
    } else {
        json!("modified")
    }
}

/// The hub bus's statements `awsbaseline-<account>`: one per forwarding account, none for any other.
async fn reconcile_bus_policy(
    session: &AccountSession,
    input: &Input<'_>,
    hub: &Hub,
) -> ComponentOutcome {
    let region = hub.region.as_str();
    let client = session.events(region);
    let result: Result<ComponentOutcome, AwsError> = async {
        let bus = aws::events::default_bus(&client).await?;
        let k = |a: &str| format!("{BUS_POLICY}.{a}");
        let mut want = Fields::new();
        for a in input.forwarders {
            if a != &hub.account_id {
                want.insert(k(a), json!(true));
            }
        }
        let mut have = Fields::new();
        for s in &bus.statements {
            let Some(account) = s["Sid"]
                .as_str()
                .and_then(|sid| sid.strip_prefix(STATEMENT_PREFIX))
            else {
                continue;
            };
            have.insert(k(account), statement_state(s, account));
            want.entry(k(account)).or_insert(json!(false));
        }
        let drift = crate::diff::diff(BUS_POLICY, &want, &have);
        let mut writes = None;
        if input.may_write && !drift.is_empty() {
            let w: Result<(), AwsError> = async {
                for d in &drift {
                    let account = d.field.trim_start_matches(&format!("{BUS_POLICY}."));
                    let sid = statement_id(account);
                    if !d.actual.is_null() {
                        aws::events::remove_permission(&client, &sid).await?;
                    }
                    if d.desired == json!(true) {
                        aws::events::put_permission(&client, &sid, account).await?;
                    }
                }
                Ok(())
            }
            .await;
            writes = Some(w);
        }
        Ok(Settle {
            component: BUS_POLICY,
            region,
            drift,
            writes,
            created: false,
            ownership: Ownership::Adopted,
            id: Some(bus.arn),
        }
        .outcome())
    }
    .await;
    result.unwrap_or_else(|e| failed(BUS_POLICY, region, Ownership::Adopted, e))
}

/// Delete what this AwsAccount created for change events: its rules in every region of `regions` and of the
/// previous status (RemoveTargets, DeleteRule; only rules whose tags name this owner), and where it is or was the
/// hub, the queue (only when its tags name this owner) and every `awsbaseline-` statement of the default bus's
/// policy. Idempotent: what is gone is fine.
pub async fn cleanup(session: &AccountSession, input: &Input<'_>) -> CleanupReport {
    let mut report = CleanupReport::default();
    let mut regions = input.regions.clone();
    regions.extend(input.previous_regions(&[RULE, QUEUE, BUS_POLICY]));
    if let Some(h) = input.hub.filter(|_| input.is_hub()) {
        regions.push(h.region.clone());
    }
    let regions = aws::sorted(regions);
    let mut hub_regions = input.previous_regions(&[QUEUE, BUS_POLICY]);
    if let Some(h) = input.hub.filter(|_| input.is_hub()) {
        hub_regions.push(h.region.clone());
    }
    let hub_regions = aws::sorted(hub_regions);
    for region in &regions {
        report.record(cleanup_rules(session, input.owner, region).await);
    }
    for region in &hub_regions {
        report.record(cleanup_queue(session, input.owner, region).await);
        report.record(cleanup_bus_policy(session, region).await);
    }
    report
}

async fn cleanup_rules(
    session: &AccountSession,
    owner: &Owner,
    region: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.events(region);
    let mut deleted = 0;
    for (name, mut rule) in aws::events::rules(&client, RULE_NAME).await? {
        if rule_index(&name).is_none() {
            continue;
        }
        let tags = aws::events::tags(&client, &rule.arn).await?;
        if !owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
            continue;
        }
        aws::events::read_targets(&client, &name, &mut rule).await?;
        aws::events::delete(&client, &name, &rule.target_ids).await?;
        deleted += 1;
    }
    Ok((deleted > 0).then(|| format!("deleted {deleted} change-event rule(s) in {region}")))
}

async fn cleanup_queue(
    session: &AccountSession,
    owner: &Owner,
    region: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.sqs(region);
    let Some(url) = aws::sqs::queue_url(&client, QUEUE_NAME).await? else {
        return Ok(None);
    };
    let tags = aws::sqs::tags(&client, &url).await?;
    if !owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
        return Ok(Some(format!(
            "kept SQS queue {QUEUE_NAME} in {region} (not created by this AwsAccount)"
        )));
    }
    aws::sqs::delete(&client, &url).await?;
    Ok(Some(format!("deleted SQS queue {QUEUE_NAME} in {region}")))
}

async fn cleanup_bus_policy(
    session: &AccountSession,
    region: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.events(region);
    let bus = aws::events::default_bus(&client).await?;
    let mut removed = 0;
    for s in &bus.statements {
        if let Some(sid) = s["Sid"]
            .as_str()
            .filter(|s| s.starts_with(STATEMENT_PREFIX))
        {
            aws::events::remove_permission(&client, sid).await?;
            removed += 1;
        }
    }
    Ok((removed > 0).then(|| {
        format!(
            "removed {removed} change-event statement(s) from the default event bus in {region}"
        )
    }))
}

/// URL of the hub's queue in `region` (for the consumer), `None` while it does not exist.
pub async fn queue_url(session: &AccountSession, region: &str) -> Result<Option<String>, AwsError> {
    aws::sqs::queue_url(&session.sqs(region), QUEUE_NAME).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_round_trip() {
        for i in 0..12 {
            assert_eq!(rule_index(&rule_name(i)), Some(i));
        }
        assert_eq!(rule_name(1), "awsbaseline-change-events-2");
        for other in [
            "awsbaseline-change-events-1",
            "awsbaseline-change-events-02",
            "awsbaseline-change-events-x",
            "awsbaseline-change-eventsx",
            "awsbaseline-change",
        ] {
            assert_eq!(rule_index(other), None, "{other}");
        }
    }

    #[test]
    fn queue_policy_lets_only_the_hub_rules_send() {
        let hub = Hub {
            account_id: "123456789012".into(),
            region: "eu-west-1".into(),
        };
        let p = queue_policy(&hub);
        let s = &p["Statement"][0];
        assert_eq!(s["Principal"]["Service"], "events.amazonaws.com");
        assert_eq!(s["Action"], "sqs:SendMessage");
        assert_eq!(
            s["Resource"],
            "arn:aws:sqs:eu-west-1:123456789012:awsbaseline-change-events"
        );
        assert_eq!(
            s["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:events:eu-west-1:123456789012:rule/awsbaseline-change-events*"
        );
        assert_eq!(
            hub.bus_arn(),
            "arn:aws:events:eu-west-1:123456789012:event-bus/default"
        );
    }

    #[test]
    fn bus_statements_are_checked_for_action_principal_and_condition() {
        let ok = json!({"Sid": "awsbaseline-111111111111", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111111111111:root"}, "Action": "events:PutEvents",
            "Resource": "arn:aws:events:us-east-1:123456789012:event-bus/default"});
        assert_eq!(statement_state(&ok, "111111111111"), json!(true));
        assert_eq!(statement_state(&ok, "222222222222"), json!("modified"));
        let mut wide = ok.clone();
        wide["Action"] = json!("events:*");
        assert_eq!(statement_state(&wide, "111111111111"), json!("modified"));
    }
}
