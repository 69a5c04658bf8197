//! SNS topics of one region: reconcile (ListTopics, then per declared topic its attributes and subscriptions;
//! tags only on first sight of a topic or to prove ownership) and cleanup. The plan is `monitoring::topics`.

use super::{Cleanup, Component, Ctx};
use crate::api::common::{ComponentState, DriftAction, Ownership};
use crate::api::monitoring_policy::{MonitoringResources, TopicSpec};
use crate::aws::operation::SectionUsage;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::engine::{failed, CleanupReport, ComponentOutcome, Settle};
use crate::monitoring::topics::{
    adoptable, managed_statements, not_adoptable, pending_confirmations, wanted_statements,
    with_managed, TopicAction, TopicPlan, TOPICS,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(super) const COMPONENT: Component = Component {
    name: "topics",
    components: &[TOPICS],
    iam: &["MonitoringPolicy.topics"],
    usage: |spec| (!spec.topics.is_empty()).then(|| SectionUsage::of(&["MonitoringPolicy.topics"])),
    runs: |ctx, previous| !ctx.input.spec.topics.is_empty() || !previous.topic_arns.is_empty(),
    reconcile: |ctx, region, res| Box::pin(async move { vec![reconcile(ctx, region, res).await] }),
    cleanup: Some(|c, report| Box::pin(cleanup(c, report))),
};

fn wanted(ctx: &Ctx<'_>, t: &TopicSpec, arn: &str, region: &str) -> BTreeMap<String, Value> {
    wanted_statements(
        ctx.input.spec,
        t,
        arn,
        region,
        &ctx.input.account.account_id,
        &ctx.short_prefix,
    )
}

/// The snapshot of the topic list (ListTopics) of an account and Region.
const SNAPSHOT: &str = "sns:topics";

async fn reconcile(ctx: &Ctx<'_>, region: &str, res: &mut MonitoringResources) -> ComponentOutcome {
    const C: &str = TOPICS;
    let client = ctx.session.sns(region);
    let prev_owner = ctx.previous_ownership(C, region);
    let result: Result<ComponentOutcome, AwsError> = async {
        let existing = ctx
            .shared(region, SNAPSHOT, || aws::sns::topics(&client))
            .await?;
        let previous = ctx.previous(region);
        let mut plan = TopicPlan::default();
        let mut created_any = false;
        let mut adopted_any = false;
        for t in &ctx.input.spec.topics {
            let Some(arn) = existing.get(&t.name) else {
                plan.missing(t);
                continue;
            };
            // First sight of an existing topic: a namespaced policy takes it over only when it is its own, was
            // made for its namespace, or its owner tagged it `awsbaseline.io/adoptable-by: <namespace>`; another
            // team's topic is not this tenant's to subscribe to or to open with policy statements.
            if !previous.topic_arns.values().any(|a| a == arn) {
                let tags = aws::sns::tags(&client, arn).await?;
                if !ctx.owns(&tags) && !adoptable(&tags, ctx.input.namespace) {
                    return Err(AwsError::new(
                        "sns",
                        "CreateTopic",
                        ErrorCategory::InvalidInput,
                        not_adoptable(&t.name, ctx.input.namespace),
                    ));
                }
            }
            res.topic_arns.insert(t.name.clone(), arn.clone());
            let attrs = aws::sns::attributes(&client, arn).await?;
            let want = wanted(ctx, t, arn, region);
            let subs = aws::sns::subscriptions(&client, arn).await?;
            res.pending_confirmations
                .extend(pending_confirmations(&t.name, &subs));
            plan.existing(t, &attrs, &want, &subs);
            if prev_owner.is_none() && !adopted_any && !created_any {
                // No record in status (first pass, or the CLI): ownership from the tags, read once.
                if ctx.owns(&aws::sns::tags(&client, arn).await?) {
                    created_any = true;
                } else {
                    adopted_any = true;
                }
            }
        }
        // Topics this policy created that the spec no longer declares: deleted once tags prove ownership.
        let declared: BTreeSet<&str> = ctx
            .input
            .spec
            .topics
            .iter()
            .map(|t| t.name.as_str())
            .collect();
        for (name, arn) in &previous.topic_arns {
            if !declared.contains(name.as_str()) && existing.get(name) == Some(arn) {
                plan.removed(name, arn);
            }
        }
        let mut writes = None;
        let mut created_now = false;
        if ctx.may_write() && !plan.actions.is_empty() {
            writes = Some(write(ctx, &client, region, &plan, res, &mut created_now).await);
            ctx.wrote(region, SNAPSHOT);
        } else {
            // Report mode keeps remembering removed topics until they are gone.
            for (name, action) in &plan.actions {
                if let TopicAction::Remove(arn) = action {
                    res.topic_arns.insert(name.clone(), arn.clone());
                }
            }
        }
        let ownership = match prev_owner {
            Some(o) if o != Ownership::None => o,
            _ if created_now || created_any => Ownership::Created,
            _ if adopted_any => Ownership::Adopted,
            _ => Ownership::None,
        };
        let only_creates = plan.only_creates();
        let report_only = plan.report_only;
        let id = Some(format!("{} topic(s)", res.topic_arns.len()));
        let mut outcome = Settle {
            component: C,
            region,
            drift: plan.drift,
            writes,
            created: only_creates && created_now,
            ownership,
            id,
        }
        .outcome();
        // Drift no write corrects (pending confirmations, undeclared subscriptions under `Report`) is still in
        // AWS after a pass that corrected the rest: the component stays Drifted, its drift Reported, so Ready
        // does not flip to True for one pass.
        if report_only > 0 && outcome.action == DriftAction::Corrected {
            outcome.state = ComponentState::Drifted;
            outcome.action = DriftAction::Reported;
        }
        Ok(outcome)
    }
    .await;
    result.unwrap_or_else(|e| failed(C, region, prev_owner.unwrap_or(Ownership::None), e))
}

/// Run the plan's writes in order; the first failure stops them.
async fn write(
    ctx: &Ctx<'_>,
    client: &aws_sdk_sns::Client,
    region: &str,
    plan: &TopicPlan,
    res: &mut MonitoringResources,
    created_now: &mut bool,
) -> Result<(), AwsError> {
    for (name, action) in &plan.actions {
        let spec = ctx.input.spec.topics.iter().find(|t| &t.name == name);
        match (action, spec) {
            (TopicAction::Create, Some(t)) => {
                let arn = aws::sns::create(
                    client,
                    &t.name,
                    t.kms_master_key_id.as_deref(),
                    &ctx.input.owner.tags(),
                )
                .await?;
                for s in &t.subscriptions {
                    aws::sns::subscribe(client, &arn, s.protocol.as_str(), &s.endpoint).await?;
                }
                let managed = wanted(ctx, t, &arn, region);
                if !managed.is_empty() {
                    // Keep the default policy CreateTopic wrote; add the managed statements.
                    let attrs = aws::sns::attributes(client, &arn).await?;
                    let policy = with_managed(attrs.policy.as_ref(), &managed);
                    aws::sns::set_policy(client, &arn, &policy).await?;
                }
                res.topic_arns.insert(t.name.clone(), arn);
                *created_now = true;
            }
            (TopicAction::SetKms, Some(t)) => {
                aws::sns::set_kms_key(
                    client,
                    &res.topic_arns[&t.name],
                    t.kms_master_key_id.as_deref(),
                )
                .await?
            }
            (TopicAction::SetPolicy(policy), Some(t)) => {
                aws::sns::set_policy(client, &res.topic_arns[&t.name], policy).await?
            }
            (TopicAction::Subscribe(proto, endpoint), Some(t)) => {
                aws::sns::subscribe(client, &res.topic_arns[&t.name], proto, endpoint).await?
            }
            // Planned only for a declared topic this policy created or adopted (checked above).
            (TopicAction::Unsubscribe(subscription), Some(_)) => {
                aws::sns::unsubscribe(client, subscription).await?
            }
            (TopicAction::Remove(arn), _) => {
                // Ownership is proven by the tags before anything is deleted.
                let tags = aws::sns::tags(client, arn).await?;
                if ctx.owns(&tags) {
                    aws::sns::delete(client, arn).await?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Topics declared or recorded: deleted when their tags prove this policy created them; an adopted topic stays,
/// without the statements this policy added to its access policy.
async fn cleanup(c: &Cleanup<'_>, report: &mut CleanupReport) -> Result<(), AwsError> {
    let region = c.region;
    let sns = c.session.sns(region);
    c.wrote(region, SNAPSHOT);
    let existing = aws::sns::topics(&sns).await?;
    let names: BTreeSet<&String> = c
        .input
        .spec
        .topics
        .iter()
        .map(|t| &t.name)
        .chain(c.previous.topic_arns.keys())
        .collect();
    for name in names {
        if let Some(arn) = existing.get(name) {
            if c.owns(&aws::sns::tags(&sns, arn).await?) {
                aws::sns::delete(&sns, arn).await?;
                report
                    .actions
                    .push(format!("deleted SNS topic {name} in {region}"));
            } else {
                let attrs = aws::sns::attributes(&sns, arn).await?;
                if !managed_statements(attrs.policy.as_ref()).is_empty() {
                    let policy = with_managed(attrs.policy.as_ref(), &BTreeMap::new());
                    aws::sns::set_policy(&sns, arn, &policy).await?;
                }
                report.actions.push(format!(
                    "kept SNS topic {name} in {region} (not created by this policy)"
                ));
            }
        }
    }
    Ok(())
}
