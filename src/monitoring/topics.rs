//! SNS topics (`spec.topics`), pure: which topics a policy may adopt, the managed statements of a topic's access
//! policy (declared `policyStatements` and the one EventBridge needs to publish finding routes), and what a pass
//! does with each topic: create, set the KMS key, rewrite the managed statements, subscribe, unsubscribe what the
//! spec does not declare, or remove.

use crate::api::monitoring_policy::{MonitoringPolicySpec, TopicSpec, UndeclaredSubscriptions};
use crate::aws::partition;
use crate::aws::sns::{Subscription, TopicAttributes};
use crate::diff::FieldDrift;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component of the topics.
pub const TOPICS: &str = "topics";
/// `Sid` of the topic policy statement that lets EventBridge publish to a topic finding routes deliver to.
pub const TOPIC_STATEMENT_SID: &str = "awsbaseline-eventbridge-publish";

/// Tag an existing topic's owner sets (a namespace, or several comma-separated) to let MonitoringPolicies of
/// those namespaces adopt it.
pub const ADOPTABLE_BY: &str = "awsbaseline.io/adoptable-by";

/// True when an existing resource's tags let a policy of `namespace` adopt it: created by an object of that
/// namespace, or tagged [`ADOPTABLE_BY`] for it.
pub fn adoptable(tags: &[(String, String)], namespace: &str) -> bool {
    tags.iter().any(|(k, v)| {
        (k == crate::api::common::tags::OWNER_NAME
            && v.strip_prefix(namespace)
                .is_some_and(|rest| rest.starts_with('/')))
            || (k == ADOPTABLE_BY && v.split(',').any(|n| n.trim() == namespace))
    })
}

/// Why an existing topic that is neither this policy's nor adoptable by its namespace is refused.
pub fn not_adoptable(topic: &str, namespace: &str) -> String {
    format!(
        "topic {topic} exists and belongs to neither this policy nor namespace {namespace}; its owner can \
         tag it {ADOPTABLE_BY}={namespace} to let this namespace manage it"
    )
}

/// The topic policy statement letting this policy's rules publish to a topic.
pub fn topic_statement(topic_arn: &str, region: &str, account: &str, short_prefix: &str) -> Value {
    json!({
        "Sid": TOPIC_STATEMENT_SID,
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sns:Publish",
        "Resource": topic_arn,
        "Condition": {"ArnLike": {"aws:SourceArn": format!(
            "arn:{}:events:{region}:{account}:rule/{short_prefix}*",
            partition(region)
        )}},
    })
}

/// Prefix of the `Sid` of every topic policy statement the operator manages (its EventBridge statement and the
/// statements a topic declares in `policyStatements`); statements with other Sids are never touched.
pub const MANAGED_SID_PREFIX: &str = "awsbaseline-";

fn sid(s: &Value) -> Option<&str> {
    s.get("Sid").and_then(Value::as_str)
}

fn statements(policy: &Value) -> Vec<Value> {
    match policy.get("Statement") {
        Some(Value::Array(list)) => list.clone(),
        // A single statement may be written as an object instead of a list.
        Some(single @ Value::Object(_)) => vec![single.clone()],
        _ => vec![],
    }
}

/// The managed statements of a topic policy document, by Sid.
pub fn managed_statements(policy: Option<&Value>) -> BTreeMap<String, Value> {
    policy
        .map(statements)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|s| {
            let id = sid(&s)?.to_string();
            id.starts_with(MANAGED_SID_PREFIX).then_some((id, s))
        })
        .collect()
}

/// Our EventBridge statement in a topic policy document, if present.
pub fn find_statement(policy: &Value) -> Option<Value> {
    managed_statements(Some(policy)).remove(TOPIC_STATEMENT_SID)
}

/// The policy with its managed statements replaced by `managed`; other statements are kept as they are. A topic
/// without a policy gets a document with just the managed statements.
pub fn with_managed(policy: Option<&Value>, managed: &BTreeMap<String, Value>) -> Value {
    let mut doc = policy
        .cloned()
        .unwrap_or_else(|| json!({"Version": "2012-10-17", "Statement": []}));
    let mut list: Vec<Value> = statements(&doc)
        .into_iter()
        .filter(|s| !sid(s).is_some_and(|id| id.starts_with(MANAGED_SID_PREFIX)))
        .collect();
    list.extend(managed.values().cloned());
    if doc.get("Version").is_none() {
        doc["Version"] = json!("2012-10-17");
    }
    doc["Statement"] = Value::Array(list);
    doc
}

/// The policy with our EventBridge statement replaced by `statement` (or removed when `None`), every other
/// statement as it is.
pub fn with_statement(policy: Option<&Value>, statement: Option<Value>) -> Value {
    let mut managed = managed_statements(policy);
    match statement {
        Some(s) => managed.insert(TOPIC_STATEMENT_SID.to_string(), s),
        None => managed.remove(TOPIC_STATEMENT_SID),
    };
    with_managed(policy, &managed)
}

/// A declared statement as written to AWS: its Sid prefixed with `MANAGED_SID_PREFIX` (which proves it is ours)
/// and `Resource` defaulting to the topic. Errors name a statement without a usable Sid.
pub fn declared_statement(statement: &Value, topic_arn: &str) -> Result<(String, Value), String> {
    let Some(obj) = statement.as_object() else {
        return Err("a policy statement must be an object".into());
    };
    let Some(id) = obj.get("Sid").and_then(Value::as_str) else {
        return Err("every policy statement needs a Sid".into());
    };
    if id.is_empty() || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(format!(
            "policy statement Sid {id:?} must be letters and digits"
        ));
    }
    let full = format!("{MANAGED_SID_PREFIX}{id}");
    let mut out = obj.clone();
    out.insert("Sid".into(), json!(full));
    out.entry("Resource").or_insert_with(|| json!(topic_arn));
    Ok((full, Value::Object(out)))
}

/// Check every topic's `policyStatements` before any AWS call: each needs a usable Sid, declared once.
pub fn check_statements(spec: &MonitoringPolicySpec) -> Result<(), String> {
    for t in &spec.topics {
        let mut sids = BTreeSet::new();
        for statement in &t.policy_statements {
            let problem = match declared_statement(statement, "") {
                Ok((sid, _)) if sids.insert(sid.clone()) => continue,
                Ok((sid, _)) => format!(
                    "Sid {} is declared twice",
                    sid.trim_start_matches(MANAGED_SID_PREFIX)
                ),
                Err(e) => e,
            };
            return Err(format!("topics.{}.policyStatements: {problem}", t.name));
        }
    }
    Ok(())
}

/// The managed statements a topic's policy must hold, by Sid: the declared `policyStatements` and the one
/// EventBridge needs when a finding route delivers to the topic (statements were validated before the pass).
pub fn wanted_statements(
    spec: &MonitoringPolicySpec,
    topic: &TopicSpec,
    arn: &str,
    region: &str,
    account: &str,
    short_prefix: &str,
) -> BTreeMap<String, Value> {
    let mut out: BTreeMap<String, Value> = topic
        .policy_statements
        .iter()
        .filter_map(|s| declared_statement(s, arn).ok())
        .collect();
    if spec.finding_routes.iter().any(|r| r.topic == topic.name) {
        out.insert(
            TOPIC_STATEMENT_SID.to_string(),
            topic_statement(arn, region, account, short_prefix),
        );
    }
    out
}

/// One write to a topic.
#[derive(Clone, Debug, PartialEq)]
pub enum TopicAction {
    /// CreateTopic, its subscriptions and its managed statements.
    Create,
    /// SetTopicAttributes `KmsMasterKeyId`.
    SetKms,
    /// SetTopicAttributes `Policy` with this document.
    SetPolicy(Value),
    /// Subscribe (protocol, endpoint).
    Subscribe(String, String),
    /// Unsubscribe this subscription ARN (a subscription the spec does not declare, `undeclaredSubscriptions:
    /// Remove`).
    Unsubscribe(String),
    /// DeleteTopic of this ARN, once its tags prove it ours.
    Remove(String),
}

/// What a pass does with the topics of one region: drift, and per topic name the writes that correct it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TopicPlan {
    /// Drift, in spec order, then removals.
    pub drift: Vec<FieldDrift>,
    /// (topic name, write), in the order they run.
    pub actions: Vec<(String, TopicAction)>,
    /// How many of `drift` no write corrects (undeclared subscriptions under `Report`, pending confirmations):
    /// they stay `Reported` even when the pass corrects the rest.
    pub report_only: usize,
}

impl TopicPlan {
    /// A declared topic that does not exist.
    pub fn missing(&mut self, t: &TopicSpec) {
        self.drift.push(FieldDrift {
            field: format!("topics.{}.exists", t.name),
            desired: json!(true),
            actual: json!(false),
        });
        self.actions.push((t.name.clone(), TopicAction::Create));
    }

    /// A declared topic that exists: its KMS key (managed only when declared), managed statements (`want`) and
    /// subscriptions (missing ones are added; undeclared ones follow `undeclaredSubscriptions`).
    pub fn existing(
        &mut self,
        t: &TopicSpec,
        attrs: &TopicAttributes,
        want: &BTreeMap<String, Value>,
        subs: &[Subscription],
    ) {
        let p = format!("topics.{}", t.name);
        // Unset means "not managed": an encrypted topic is never made unencrypted by omission.
        if t.kms_master_key_id.is_some() && attrs.kms_key != t.kms_master_key_id {
            self.drift.push(FieldDrift {
                field: format!("{p}.kmsMasterKeyId"),
                desired: json!(t.kms_master_key_id),
                actual: json!(attrs.kms_key),
            });
            self.actions.push((t.name.clone(), TopicAction::SetKms));
        }
        let have = managed_statements(attrs.policy.as_ref());
        if *want != have {
            let sids: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
            for sid in sids.into_iter().filter(|s| want.get(*s) != have.get(*s)) {
                let field = if sid == TOPIC_STATEMENT_SID {
                    format!("{p}.eventBridgePublish")
                } else {
                    let declared = sid.strip_prefix(MANAGED_SID_PREFIX).unwrap_or(sid);
                    format!("{p}.policyStatements.{declared}")
                };
                self.drift.push(FieldDrift {
                    field,
                    desired: json!(want.get(sid)),
                    actual: json!(have.get(sid)),
                });
            }
            let policy = with_managed(attrs.policy.as_ref(), want);
            self.actions
                .push((t.name.clone(), TopicAction::SetPolicy(policy)));
        }
        let have: BTreeSet<(String, String)> = subs
            .iter()
            .map(|s| (s.protocol.clone(), s.endpoint.clone()))
            .collect();
        let want: Vec<(String, String)> = t
            .subscriptions
            .iter()
            .map(|s| (s.protocol.as_str().to_string(), s.endpoint.clone()))
            .collect();
        let missing: Vec<&(String, String)> = want.iter().filter(|w| !have.contains(*w)).collect();
        if !missing.is_empty() {
            let show = |v: &[&(String, String)]| -> Value {
                json!(v
                    .iter()
                    .map(|(p, e)| format!("{p}:{e}"))
                    .collect::<Vec<_>>())
            };
            let all: Vec<&(String, String)> = want.iter().collect();
            let present: Vec<&(String, String)> =
                want.iter().filter(|w| have.contains(*w)).collect();
            self.drift.push(FieldDrift {
                field: format!("{p}.subscriptions"),
                desired: show(&all),
                actual: show(&present),
            });
            for (proto, endpoint) in missing {
                self.actions.push((
                    t.name.clone(),
                    TopicAction::Subscribe(proto.clone(), endpoint.clone()),
                ));
            }
        }
        self.undeclared(t, &want, subs);
    }

    /// Subscriptions on a declared topic that the spec does not declare, one drift each
    /// (`topics.<name>.subscriptions[<protocol>:<endpoint>]`, desired `absent`, actual `confirmed` or
    /// `pendingConfirmation`). Under `Remove` a confirmed one is unsubscribed by its ARN; a pending one has no
    /// ARN yet and is only reported, as is every one under `Report`.
    fn undeclared(&mut self, t: &TopicSpec, want: &[(String, String)], subs: &[Subscription]) {
        let mode = t.undeclared_subscriptions;
        if mode == UndeclaredSubscriptions::Ignore {
            return;
        }
        let mut extra: Vec<&Subscription> = subs
            .iter()
            .filter(|s| {
                !want
                    .iter()
                    .any(|(p, e)| *p == s.protocol && *e == s.endpoint)
            })
            .collect();
        extra.sort();
        extra.dedup_by(|a, b| a.protocol == b.protocol && a.endpoint == b.endpoint);
        for s in extra {
            let state = if s.pending || s.arn.is_none() {
                "pendingConfirmation"
            } else {
                "confirmed"
            };
            self.drift.push(FieldDrift {
                field: subscription_field(&t.name, &s.protocol, &s.endpoint),
                desired: json!("absent"),
                actual: json!(state),
            });
            match (&s.arn, mode) {
                (Some(arn), UndeclaredSubscriptions::Remove) if !s.pending => self
                    .actions
                    .push((t.name.clone(), TopicAction::Unsubscribe(arn.clone()))),
                _ => self.report_only += 1,
            }
        }
    }

    /// A topic this policy created (recorded in status) that the spec no longer declares and that still exists.
    pub fn removed(&mut self, name: &str, arn: &str) {
        self.drift.push(FieldDrift {
            field: format!("topics.{name}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
        self.actions
            .push((name.to_string(), TopicAction::Remove(arn.to_string())));
    }

    /// Every drift is a declared topic that was missing.
    pub fn only_creates(&self) -> bool {
        self.actions
            .iter()
            .all(|(_, a)| matches!(a, TopicAction::Create))
    }
}

/// Drift field of one subscription of a topic: `topics.<name>.subscriptions[<protocol>:<endpoint>]` (brackets,
/// since endpoints hold dots).
pub fn subscription_field(topic: &str, protocol: &str, endpoint: &str) -> String {
    format!("topics.{topic}.subscriptions[{protocol}:{endpoint}]")
}

/// Subscriptions of a topic still waiting for confirmation, as status lists them (`<topic>: <endpoint>`).
pub fn pending_confirmations(topic: &str, subs: &[Subscription]) -> Vec<String> {
    subs.iter()
        .filter(|s| s.pending)
        .map(|s| format!("{topic}: {}", s.endpoint))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_topic_statement_is_merged_without_touching_other_statements() {
        let other = json!({"Sid": "team", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Subscribe", "Resource": "t"});
        let policy = json!({"Version": "2012-10-17", "Statement": [other.clone()]});
        let ours = topic_statement(
            "arn:aws:sns:eu-west-1:1:t",
            "eu-west-1",
            "1",
            "awsbaseline-x-",
        );
        let merged = with_statement(Some(&policy), Some(ours.clone()));
        assert_eq!(merged["Statement"], json!([other.clone(), ours.clone()]));
        assert_eq!(find_statement(&merged), Some(ours.clone()));
        // Replacing is idempotent, removing keeps the others.
        assert_eq!(with_statement(Some(&merged), Some(ours.clone())), merged);
        assert_eq!(
            with_statement(Some(&merged), None)["Statement"],
            json!([other])
        );
        assert_eq!(
            ours["Condition"]["ArnLike"]["aws:SourceArn"],
            json!("arn:aws:events:eu-west-1:1:rule/awsbaseline-x-*")
        );
        let single = json!({"Statement": {"Sid": "solo", "Effect": "Deny"}});
        assert_eq!(
            with_statement(Some(&single), None)["Statement"]
                .as_array()
                .unwrap()
                .len(),
            1
        );
    }

    fn spec(v: Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    fn sub(protocol: &str, endpoint: &str, pending: bool) -> Subscription {
        Subscription {
            protocol: protocol.into(),
            endpoint: endpoint.into(),
            pending,
            arn: (!pending).then(|| format!("{ARN}:{protocol}-{endpoint}")),
        }
    }

    fn fields(p: &TopicPlan) -> Vec<&str> {
        p.drift.iter().map(|d| d.field.as_str()).collect()
    }

    const ARN: &str = "arn:aws:sns:eu-west-1:111122223333:ops";

    fn ops() -> MonitoringPolicySpec {
        spec(json!({"accountRef": {"name": "a"},
            "topics": [{"name": "ops", "kmsMasterKeyId": "alias/sns",
                "subscriptions": [{"protocol": "email", "endpoint": "a@example.com"},
                                  {"protocol": "email", "endpoint": "b@example.com"}],
                "policyStatements": [{"Sid": "team", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sns:Subscribe"}]}],
            "findingRoutes": [{"name": "gd", "source": "guardDuty", "topic": "ops"}]}))
    }

    fn want(s: &MonitoringPolicySpec) -> BTreeMap<String, Value> {
        wanted_statements(
            s,
            &s.topics[0],
            ARN,
            "eu-west-1",
            "111122223333",
            "awsbaseline-x-",
        )
    }

    #[test]
    fn a_topic_wants_its_declared_statements_and_the_eventbridge_one_when_routed_to() {
        let s = ops();
        let w = want(&s);
        assert_eq!(
            w.keys().collect::<Vec<_>>(),
            ["awsbaseline-eventbridge-publish", "awsbaseline-team"]
        );
        assert_eq!(w["awsbaseline-team"]["Resource"], json!(ARN));
        let mut unrouted = s.clone();
        unrouted.finding_routes.clear();
        assert_eq!(want(&unrouted).len(), 1);
    }

    #[test]
    fn a_missing_topic_is_one_create() {
        let s = ops();
        let mut plan = TopicPlan::default();
        plan.missing(&s.topics[0]);
        assert_eq!(fields(&plan), ["topics.ops.exists"]);
        assert_eq!(plan.actions, [("ops".to_string(), TopicAction::Create)]);
        assert!(plan.only_creates());
    }

    #[test]
    fn an_existing_topic_in_sync_needs_nothing() {
        let s = ops();
        let w = want(&s);
        let attrs = TopicAttributes {
            kms_key: Some("alias/sns".into()),
            policy: Some(with_managed(None, &w)),
        };
        let subs = [
            sub("email", "a@example.com", false),
            sub("email", "b@example.com", true),
        ];
        let mut plan = TopicPlan::default();
        plan.existing(&s.topics[0], &attrs, &w, &subs);
        assert_eq!(plan, TopicPlan::default());
        assert!(plan.only_creates());
        assert_eq!(pending_confirmations("ops", &subs), ["ops: b@example.com"]);
    }

    /// The topic of `ops()` in sync but for two undeclared subscriptions, one confirmed and one pending, with
    /// `undeclaredSubscriptions` set to `mode`.
    fn undeclared_plan(mode: &str) -> (TopicPlan, Vec<Subscription>) {
        let mut s = ops();
        s.topics[0].undeclared_subscriptions = serde_json::from_value(json!(mode)).unwrap();
        let w = want(&s);
        let attrs = TopicAttributes {
            kms_key: Some("alias/sns".into()),
            policy: Some(with_managed(None, &w)),
        };
        let subs = vec![
            sub("sqs", "arn:aws:sqs:eu-west-1:1:rogue", false),
            sub("email", "a@example.com", false),
            sub("email", "b@example.com", true),
            sub("email", "new.hire@example.com", true),
        ];
        let mut plan = TopicPlan::default();
        plan.existing(&s.topics[0], &attrs, &w, &subs);
        (plan, subs)
    }

    #[test]
    fn undeclared_subscriptions_are_reported_by_default_and_never_removed() {
        let (plan, _) = undeclared_plan("Report");
        assert_eq!(
            fields(&plan),
            [
                "topics.ops.subscriptions[email:new.hire@example.com]",
                "topics.ops.subscriptions[sqs:arn:aws:sqs:eu-west-1:1:rogue]",
            ]
        );
        assert_eq!(
            plan.drift
                .iter()
                .map(|d| (d.desired.clone(), d.actual.clone()))
                .collect::<Vec<_>>(),
            [
                (json!("absent"), json!("pendingConfirmation")),
                (json!("absent"), json!("confirmed")),
            ]
        );
        assert!(plan.actions.is_empty(), "{:?}", plan.actions);
        assert_eq!(plan.report_only, 2);
        // The default is Report, and it is not serialised.
        assert_eq!(
            ops().topics[0].undeclared_subscriptions,
            UndeclaredSubscriptions::Report
        );
        assert!(
            serde_json::to_value(&ops().topics[0]).unwrap()["undeclaredSubscriptions"].is_null()
        );
    }

    #[test]
    fn under_remove_a_confirmed_undeclared_subscription_is_unsubscribed_and_a_pending_one_reported()
    {
        let (plan, subs) = undeclared_plan("Remove");
        assert_eq!(
            fields(&plan),
            [
                "topics.ops.subscriptions[email:new.hire@example.com]",
                "topics.ops.subscriptions[sqs:arn:aws:sqs:eu-west-1:1:rogue]",
            ]
        );
        assert_eq!(
            plan.actions,
            [(
                "ops".to_string(),
                TopicAction::Unsubscribe(subs[0].arn.clone().unwrap())
            )]
        );
        assert_eq!(plan.report_only, 1, "the pending confirmation");
        assert!(!plan.only_creates());
        // A declared subscription that is pending counts as present; only the undeclared one is drift.
        assert!(!fields(&plan).iter().any(|f| f.contains("b@example.com")));
    }

    #[test]
    fn ignored_undeclared_subscriptions_are_no_drift() {
        let (plan, _) = undeclared_plan("Ignore");
        assert_eq!(plan, TopicPlan::default());
    }

    #[test]
    fn an_existing_topic_drifts_per_setting_statement_and_subscription() {
        let s = ops();
        let w = want(&s);
        let other = json!({"Sid": "theirs", "Effect": "Allow"});
        let attrs = TopicAttributes {
            kms_key: None,
            policy: Some(json!({"Version": "2012-10-17", "Statement": [other.clone()]})),
        };
        let subs = [sub("email", "a@example.com", false)];
        let mut plan = TopicPlan::default();
        plan.existing(&s.topics[0], &attrs, &w, &subs);
        assert_eq!(
            fields(&plan),
            [
                "topics.ops.kmsMasterKeyId",
                "topics.ops.eventBridgePublish",
                "topics.ops.policyStatements.team",
                "topics.ops.subscriptions",
            ]
        );
        assert_eq!(
            plan.drift[3].desired,
            json!(["email:a@example.com", "email:b@example.com"])
        );
        assert_eq!(plan.drift[3].actual, json!(["email:a@example.com"]));
        let TopicAction::SetPolicy(policy) = &plan.actions[1].1 else {
            panic!("{:?}", plan.actions)
        };
        assert_eq!(policy["Statement"][0], other, "other statements are kept");
        assert_eq!(managed_statements(Some(policy)), w);
        assert_eq!(plan.actions[0].1, TopicAction::SetKms);
        assert_eq!(
            plan.actions[2].1,
            TopicAction::Subscribe("email".into(), "b@example.com".into())
        );
        assert!(!plan.only_creates());
    }

    #[test]
    fn a_removed_topic_is_not_a_create() {
        let mut plan = TopicPlan::default();
        plan.removed("old", "arn:old");
        assert_eq!(
            (plan.drift[0].desired.clone(), plan.drift[0].actual.clone()),
            (json!(false), json!(true))
        );
        assert_eq!(
            plan.actions,
            [("old".to_string(), TopicAction::Remove("arn:old".into()))]
        );
        assert!(!plan.only_creates());
    }

    #[test]
    fn adoption_needs_the_namespace_as_owner_or_in_adoptable_by() {
        let tag = |k: &str, v: &str| vec![(k.to_string(), v.to_string())];
        let owner = crate::api::common::tags::OWNER_NAME;
        assert!(adoptable(&tag(owner, "team/other-policy"), "team"));
        assert!(!adoptable(&tag(owner, "teams/p"), "team"));
        assert!(adoptable(&tag(ADOPTABLE_BY, "a, team"), "team"));
        assert!(!adoptable(&tag(ADOPTABLE_BY, "teams"), "team"));
        assert!(not_adoptable("ops", "team").contains("awsbaseline.io/adoptable-by=team"));
    }

    #[test]
    fn statements_need_a_usable_sid_declared_once() {
        let mut s = ops();
        assert_eq!(check_statements(&s), Ok(()));
        let first = s.topics[0].policy_statements[0].clone();
        s.topics[0].policy_statements.push(first);
        assert_eq!(
            check_statements(&s),
            Err("topics.ops.policyStatements: Sid team is declared twice".into())
        );
        s.topics[0].policy_statements = vec![json!({"Effect": "Allow"})];
        assert_eq!(
            check_statements(&s),
            Err("topics.ops.policyStatements: every policy statement needs a Sid".into())
        );
    }
}
