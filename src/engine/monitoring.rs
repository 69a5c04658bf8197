//! One pass over a MonitoringPolicy, per region: topics and subscriptions, then metric filters, log groups and
//! alarms. Reads are batched: all of a policy's alarms come from one paginated DescribeAlarms by name prefix
//! (100 per call), metric filters from one paginated DescribeMetricFilters per log group; tags are read only to
//! prove ownership before a delete (and once per topic set when status has no record of it).

use super::{
    failed, resolve_regions, settle, verify_account, CleanupReport, ComponentOutcome, EngineError,
    PassReport, REGION_CONCURRENCY,
};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DriftPolicy, Owner, Ownership};
use crate::api::monitoring_policy::{
    MonitoringPolicySpec, MonitoringPolicyStatus, MonitoringResources,
};
use crate::aws::cloudwatch::{DesiredAlarm, DesiredComposite};
use crate::aws::events::{DesiredRule, ObservedRule};
use crate::aws::logs::DesiredFilter;
use crate::aws::{self, AccountSession, AwsError, AwsFactory, ErrorCategory};
use crate::diff::{diff_resources, FieldDrift, Fields};
use crate::monitoring::{self, rules};
use futures::{stream, StreamExt};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

/// Component of the CIS metric filters (the CIS alarms are component `cisAwsFoundations`); both report fields
/// under `cisAwsFoundations.<item>`.
pub const CIS_FILTERS: &str = "cisAwsFoundationsFilters";

/// Spacing of PutMetricAlarm calls: CloudWatch publishes 3 per second; stay below it.
pub const ALARM_WRITE_INTERVAL: Duration = Duration::from_millis(350);

/// Tag an existing topic's owner sets (a namespace, or several comma-separated) to let MonitoringPolicies of
/// those namespaces adopt it.
pub const ADOPTABLE_BY: &str = "awsbaseline.io/adoptable-by";

/// True when an existing resource's tags let a policy of `namespace` adopt it: created by an object of that
/// namespace, or tagged [`ADOPTABLE_BY`] for it.
fn adoptable(tags: &[(String, String)], namespace: &str) -> bool {
    tags.iter().any(|(k, v)| {
        (k == crate::api::common::tags::OWNER_NAME
            && v.strip_prefix(namespace)
                .is_some_and(|rest| rest.starts_with('/')))
            || (k == ADOPTABLE_BY && v.split(',').any(|n| n.trim() == namespace))
    })
}

/// A progress line (on a terminal) after this many paced alarm writes of one pass.
const ALARM_WRITES_PER_PROGRESS_LINE: usize = 25;

/// Wait for a PutMetricAlarm / PutCompositeAlarm slot of this account and region, shared by every policy in the
/// process: two policies writing to one account together stay under CloudWatch's rate.
async fn pace_alarm_write(ctx: &Ctx<'_>, region: &str) {
    if !ctx.input.alarm_write_interval.is_zero() {
        let key = format!(
            "{}/{region}/cloudwatch:PutMetricAlarm",
            ctx.input.account.account_id
        );
        crate::aws::pace::wait(&key, ctx.input.alarm_write_interval).await;
    }
    let n = ctx
        .alarm_writes
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        + 1;
    if n.is_multiple_of(ALARM_WRITES_PER_PROGRESS_LINE) {
        crate::progress::step(
            &ctx.input.account.account_id,
            region,
            &format!(
                "{n} alarm writes (paced at one per {:?})",
                ctx.input.alarm_write_interval
            ),
        );
    }
}

/// Everything one pass needs besides AWS.
#[derive(Clone, Debug)]
pub struct MonitoringInput<'a> {
    /// The spec.
    pub spec: &'a MonitoringPolicySpec,
    /// How to reach the account.
    pub account: &'a AwsAccountSpec,
    /// Who owns what gets created (`name` is `namespace/name`).
    pub owner: Owner,
    /// Namespace of the object.
    pub namespace: &'a str,
    /// Name of the object.
    pub name: &'a str,
    /// Labels of the object's namespace (for `AwsAccount.spec.allowedNamespaces.selector`).
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// The previous status: remembered ARNs, created filters, ownership.
    pub previous: Option<&'a MonitoringPolicyStatus>,
    /// Correct or Report.
    pub mode: DriftPolicy,
    /// Spacing of alarm writes (`ALARM_WRITE_INTERVAL`; benchmarks against the emulator may set zero).
    pub alarm_write_interval: Duration,
}

/// Result of one pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonitoringReport {
    /// Components, drift, errors.
    pub pass: PassReport,
    /// IDs per region.
    pub resources: Vec<MonitoringResources>,
}

struct Ctx<'a> {
    session: AccountSession,
    input: &'a MonitoringInput<'a>,
    prefix: String,
    alarms: Vec<DesiredAlarm>,
    composites: Vec<DesiredComposite>,
    filters: Vec<DesiredFilter>,
    /// Prefix of dashboard names (`monitoring::short_prefix`).
    short_prefix: String,
    /// Alarm writes of this pass so far (for progress lines).
    alarm_writes: std::sync::atomic::AtomicUsize,
}

impl Ctx<'_> {
    fn may_write(&self) -> bool {
        self.input.mode == DriftPolicy::Correct
    }

    fn previous(&self, region: &str) -> MonitoringResources {
        self.input
            .previous
            .and_then(|p| p.resources.iter().find(|r| r.region == region).cloned())
            .unwrap_or_default()
    }

    fn previous_ownership(&self, component: &str, region: &str) -> Option<Ownership> {
        self.input.previous.and_then(|p| {
            p.common
                .components
                .iter()
                .find(|c| c.component == component && c.region == region)
                .map(|c| c.ownership)
        })
    }

    /// The managed statements a topic's policy must hold, by Sid: the declared `policyStatements` and the one
    /// EventBridge needs when a finding route delivers to the topic (statements were validated before the pass).
    fn managed_statements(
        &self,
        topic: &crate::api::monitoring_policy::TopicSpec,
        arn: &str,
        region: &str,
    ) -> BTreeMap<String, Value> {
        let mut out: BTreeMap<String, Value> = topic
            .policy_statements
            .iter()
            .filter_map(|s| rules::declared_statement(s, arn).ok())
            .collect();
        if self
            .input
            .spec
            .finding_routes
            .iter()
            .any(|r| r.topic == topic.name)
        {
            out.insert(
                rules::TOPIC_STATEMENT_SID.to_string(),
                rules::topic_statement(
                    arn,
                    region,
                    &self.input.account.account_id,
                    &self.short_prefix,
                ),
            );
        }
        out
    }

    fn owns(&self, tags: &[(String, String)]) -> bool {
        self.input
            .owner
            .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }
}

/// Check tenancy, resolve and verify the account, then reconcile every region.
pub async fn run(factory: &AwsFactory, input: &MonitoringInput<'_>) -> MonitoringReport {
    let fatal = |e| MonitoringReport {
        pass: PassReport::fatal(e),
        ..Default::default()
    };
    if !input
        .account
        .allows(input.namespace, input.namespace_labels)
    {
        return fatal(EngineError::AccountNotAllowed {
            account: input.spec.account_ref.name.clone(),
            namespace: input.namespace.to_string(),
        });
    }
    if let Err(e) = super::check_passable(
        input.account,
        &input.spec.account_ref.name,
        input.spec.passed_roles(),
    ) {
        return fatal(e);
    }
    let regions = match resolve_regions(&input.spec.regions, &input.account.regions) {
        Ok(r) => r,
        Err(e) => return fatal(e),
    };
    if let Some(a) = input
        .spec
        .alarms
        .iter()
        .find(|a| a.metric_name.is_some() && a.namespace.is_none())
    {
        return fatal(EngineError::InvalidSpec(format!(
            "alarms.{}: a single-metric alarm needs a namespace",
            a.name
        )));
    }
    // Not a CEL rule: comparing up to 200 composite names with up to 2,000 alarm names exceeds the API server's
    // cost budget, so the same rule (and message) is checked here, before any AWS call.
    if let Some(c) = input
        .spec
        .composite_alarms
        .iter()
        .find(|c| input.spec.alarms.iter().any(|a| a.name == c.name))
    {
        return fatal(EngineError::InvalidSpec(format!(
            "compositeAlarms.{}: a composite alarm cannot have the name of a metric alarm",
            c.name
        )));
    }
    for t in &input.spec.topics {
        let mut sids = BTreeSet::new();
        for statement in &t.policy_statements {
            let problem = match rules::declared_statement(statement, "") {
                Ok((sid, _)) if sids.insert(sid.clone()) => continue,
                Ok((sid, _)) => format!(
                    "Sid {} is declared twice",
                    sid.trim_start_matches(rules::MANAGED_SID_PREFIX)
                ),
                Err(e) => e,
            };
            return fatal(EngineError::InvalidSpec(format!(
                "topics.{}.policyStatements: {problem}",
                t.name
            )));
        }
    }
    if input.spec.billing_alarm.is_some()
        && !regions.iter().any(|r| r == monitoring::BILLING_REGION)
    {
        return fatal(EngineError::InvalidSpec(format!(
            "billingAlarm needs {} among the policy's regions (CloudWatch publishes billing metrics only there, and the alarm notifies a topic in the same region)",
            monitoring::BILLING_REGION
        )));
    }
    let session = match verify_account(factory, input.account, &regions[0], &input.owner).await {
        Ok(s) => s,
        Err(e) => {
            return MonitoringReport {
                pass: PassReport {
                    regions,
                    ..PassReport::fatal(e)
                },
                ..Default::default()
            }
        }
    };
    let prefix = monitoring::prefix(input.namespace, input.name);
    let (alarms, filters) = monitoring::desired(input.spec, &prefix);
    let composites = monitoring::composites(input.spec, &prefix);
    let ctx = Ctx {
        session,
        input,
        alarms,
        composites,
        filters,
        short_prefix: monitoring::short_prefix(input.namespace, input.name),
        prefix,
        alarm_writes: Default::default(),
    };
    let per_region: Vec<_> = regions.iter().map(|r| region_pass(&ctx, r)).collect();
    let results = stream::iter(per_region)
        .buffered(REGION_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    let mut report = MonitoringReport {
        pass: PassReport {
            account_id: Some(input.account.account_id.clone()),
            regions,
            outcomes: vec![],
            fatal: None,
        },
        resources: vec![],
    };
    for (outcomes, resources) in results {
        report.pass.outcomes.extend(outcomes);
        report.resources.push(resources);
    }
    removed_regions(&ctx, &mut report).await;
    report
}

/// Regions status records but the spec no longer lists: what this policy created there is deleted as on deletion
/// (following `deletionPolicy`), or reported under `driftPolicy: Report`. Until that succeeds the region stays in
/// status, so the next pass tries again and a deletion still finds it.
async fn removed_regions(ctx: &Ctx<'_>, report: &mut MonitoringReport) {
    let input = ctx.input;
    let removed: Vec<MonitoringResources> = input
        .previous
        .iter()
        .flat_map(|p| &p.resources)
        .filter(|r| {
            !report.pass.regions.contains(&r.region) && crate::aws::regions::is_known(&r.region)
        })
        .cloned()
        .collect();
    for prev in removed {
        let region = prev.region.clone();
        let outcome = super::removed_region(
            &region,
            input.spec.deletion_policy,
            ctx.may_write(),
            "alarms",
            None,
            || cleanup_region(&ctx.session, input, &region),
        )
        .await;
        match outcome {
            super::RemovedRegion::Retained | super::RemovedRegion::Cleaned => {}
            super::RemovedRegion::Reported(o) => {
                report.pass.outcomes.push(o);
                report.resources.push(prev);
            }
            super::RemovedRegion::Failed(o) => {
                report.pass.outcomes.extend(o);
                report.resources.push(prev);
            }
        }
    }
}

async fn region_pass(ctx: &Ctx<'_>, region: &str) -> (Vec<ComponentOutcome>, MonitoringResources) {
    let mut res = MonitoringResources {
        region: region.to_string(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let spec = ctx.input.spec;
    if !spec.topics.is_empty() || !ctx.previous(region).topic_arns.is_empty() {
        out.push(topics(ctx, region, &mut res).await);
    }
    // Log groups before metric filters: a policy may declare the group its filters read.
    if !spec.log_groups.is_empty() {
        out.push(log_groups(ctx, region).await);
    }
    if !ctx.filters.is_empty() || !ctx.previous(region).metric_filters.is_empty() {
        out.extend(filters(ctx, region, &mut res).await);
    }
    out.extend(alarms(ctx, region, &mut res).await);
    if !spec.dashboards.is_empty() || !ctx.previous(region).dashboards.is_empty() {
        out.push(dashboards(ctx, region, &mut res).await);
    }
    if !spec.finding_routes.is_empty()
        || !spec.scheduled_actions.is_empty()
        || ctx.previous(region).event_rules > 0
    {
        out.extend(event_rules(ctx, region, &mut res).await);
    }
    if !spec.insights_queries.is_empty() || !ctx.previous(region).query_definitions.is_empty() {
        out.push(
            super::insights::insights_queries(&ctx.session, ctx.input, region, &mut res).await,
        );
    }
    if spec.container_insights.is_some() || !ctx.previous(region).eks_addons.is_empty() {
        out.extend(
            super::insights::container_insights(&ctx.session, ctx.input, region, &mut res).await,
        );
    }
    crate::progress::finished(&ctx.input.account.account_id, &out);
    (out, res)
}

async fn topics(ctx: &Ctx<'_>, region: &str, res: &mut MonitoringResources) -> ComponentOutcome {
    const C: &str = "topics";
    let client = ctx.session.sns(region);
    let prev_owner = ctx.previous_ownership(C, region);
    let result: Result<ComponentOutcome, AwsError> = async {
        let existing = aws::sns::topics(&client).await?;
        let mut drift = Vec::new();
        let mut plan: Vec<(String, Action)> = Vec::new();
        let mut created_any = false;
        let mut adopted_any = false;
        for t in &ctx.input.spec.topics {
            let p = format!("topics.{}", t.name);
            let Some(arn) = existing.get(&t.name) else {
                drift.push(FieldDrift {
                    field: format!("{p}.exists"),
                    desired: json!(true),
                    actual: json!(false),
                });
                plan.push((t.name.clone(), Action::Create));
                continue;
            };
            // First sight of an existing topic: a namespaced policy takes it over only when it is its own, was
            // made for its namespace, or its owner tagged it `awsbaseline.io/adoptable-by: <namespace>`; another
            // team's topic is not this tenant's to subscribe to or to open with policy statements.
            if !ctx.previous(region).topic_arns.values().any(|a| a == arn) {
                let tags = aws::sns::tags(&client, arn).await?;
                if !ctx.owns(&tags) && !adoptable(&tags, ctx.input.namespace) {
                    return Err(AwsError::new(
                        "sns",
                        "CreateTopic",
                        crate::aws::ErrorCategory::InvalidInput,
                        format!(
                            "topic {} exists and belongs to neither this policy nor namespace {}; its owner can \
                             tag it {ADOPTABLE_BY}={} to let this namespace manage it",
                            t.name, ctx.input.namespace, ctx.input.namespace
                        ),
                    ));
                }
            }
            res.topic_arns.insert(t.name.clone(), arn.clone());
            let attrs = aws::sns::attributes(&client, arn).await?;
            // Unset means "not managed": an encrypted topic is never made unencrypted by omission.
            if t.kms_master_key_id.is_some() && attrs.kms_key != t.kms_master_key_id {
                drift.push(FieldDrift {
                    field: format!("{p}.kmsMasterKeyId"),
                    desired: json!(t.kms_master_key_id),
                    actual: json!(attrs.kms_key),
                });
                plan.push((t.name.clone(), Action::SetKms));
            }
            let want = ctx.managed_statements(t, arn, region);
            let have = rules::managed_statements(attrs.policy.as_ref());
            if want != have {
                let sids: BTreeSet<&String> = want.keys().chain(have.keys()).collect();
                for sid in sids.into_iter().filter(|s| want.get(*s) != have.get(*s)) {
                    let field = if sid == rules::TOPIC_STATEMENT_SID {
                        format!("{p}.eventBridgePublish")
                    } else {
                        let declared = sid.strip_prefix(rules::MANAGED_SID_PREFIX).unwrap_or(sid);
                        format!("{p}.policyStatements.{declared}")
                    };
                    drift.push(FieldDrift {
                        field,
                        desired: json!(want.get(sid)),
                        actual: json!(have.get(sid)),
                    });
                }
                let policy = rules::with_managed(attrs.policy.as_ref(), &want);
                plan.push((t.name.clone(), Action::SetPolicy(policy)));
            }
            let subs = aws::sns::subscriptions(&client, arn).await?;
            for s in subs.iter().filter(|s| s.pending) {
                res.pending_confirmations
                    .push(format!("{}: {}", t.name, s.endpoint));
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
            let missing: Vec<&(String, String)> =
                want.iter().filter(|w| !have.contains(*w)).collect();
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
                drift.push(FieldDrift {
                    field: format!("{p}.subscriptions"),
                    desired: show(&all),
                    actual: show(&present),
                });
                for (proto, endpoint) in missing {
                    plan.push((
                        t.name.clone(),
                        Action::Subscribe(proto.clone(), endpoint.clone()),
                    ));
                }
            }
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
        for (name, arn) in ctx.previous(region).topic_arns {
            if !declared.contains(name.as_str()) && existing.get(&name) == Some(&arn) {
                drift.push(FieldDrift {
                    field: format!("topics.{name}.exists"),
                    desired: json!(false),
                    actual: json!(true),
                });
                plan.push((name, Action::Remove(arn)));
            }
        }
        let mut writes = None;
        let mut created_now = false;
        if ctx.may_write() && !plan.is_empty() {
            let r: Result<(), AwsError> = async {
                for (name, action) in &plan {
                    let spec = ctx.input.spec.topics.iter().find(|t| &t.name == name);
                    match (action, spec) {
                        (Action::Create, Some(t)) => {
                            let arn = aws::sns::create(
                                &client,
                                &t.name,
                                t.kms_master_key_id.as_deref(),
                                &ctx.input.owner.tags(),
                            )
                            .await?;
                            for s in &t.subscriptions {
                                aws::sns::subscribe(
                                    &client,
                                    &arn,
                                    s.protocol.as_str(),
                                    &s.endpoint,
                                )
                                .await?;
                            }
                            let managed = ctx.managed_statements(t, &arn, region);
                            if !managed.is_empty() {
                                // Keep the default policy CreateTopic wrote; add the managed statements.
                                let attrs = aws::sns::attributes(&client, &arn).await?;
                                let policy = rules::with_managed(attrs.policy.as_ref(), &managed);
                                aws::sns::set_policy(&client, &arn, &policy).await?;
                            }
                            res.topic_arns.insert(t.name.clone(), arn);
                            created_now = true;
                        }
                        (Action::SetKms, Some(t)) => {
                            aws::sns::set_kms_key(
                                &client,
                                &res.topic_arns[&t.name],
                                t.kms_master_key_id.as_deref(),
                            )
                            .await?
                        }
                        (Action::SetPolicy(policy), Some(t)) => {
                            aws::sns::set_policy(&client, &res.topic_arns[&t.name], policy).await?
                        }
                        (Action::Subscribe(proto, endpoint), Some(t)) => {
                            aws::sns::subscribe(&client, &res.topic_arns[&t.name], proto, endpoint)
                                .await?
                        }
                        (Action::Remove(arn), _) => {
                            // Ownership is proven by the tags before anything is deleted.
                            let tags = aws::sns::tags(&client, arn).await?;
                            if ctx.owns(&tags) {
                                aws::sns::delete(&client, arn).await?;
                            }
                        }
                        _ => {}
                    }
                }
                Ok(())
            }
            .await;
            writes = Some(r);
        } else {
            // Report mode keeps remembering removed topics until they are gone.
            for (name, action) in &plan {
                if let Action::Remove(arn) = action {
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
        let only_creates = drift
            .iter()
            .all(|d| d.field.ends_with(".exists") && d.desired == json!(true));
        let id = Some(format!("{} topic(s)", res.topic_arns.len()));
        Ok(settle(
            C,
            region,
            drift,
            writes,
            only_creates && created_now,
            ownership,
            id,
        ))
    }
    .await;
    result.unwrap_or_else(|e| failed(C, region, prev_owner.unwrap_or(Ownership::None), e))
}

/// Per component: drift found, the result of its writes (if any ran), whether a resource was missing.
type Accumulated = (Vec<FieldDrift>, Option<Result<(), AwsError>>, bool);

enum Action {
    Create,
    SetKms,
    SetPolicy(Value),
    Subscribe(String, String),
    Remove(String),
}

async fn filters(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let client = ctx.session.logs(region);
    let previous: BTreeSet<String> = ctx.previous(region).metric_filters.into_iter().collect();
    let mut by_group: BTreeMap<&str, Vec<&DesiredFilter>> = BTreeMap::new();
    for f in &ctx.filters {
        by_group
            .entry(f.log_group_name.as_str())
            .or_default()
            .push(f);
    }
    for key in &previous {
        if let Some((group, _)) = key.split_once(':') {
            by_group.entry(group).or_default();
        }
    }
    // Per component ("logMetricFilters" and "cisAwsFoundations"): drift, writes, error.
    let mut acc: BTreeMap<&'static str, Accumulated> = BTreeMap::new();
    let component = |f: &DesiredFilter| -> &'static str {
        if f.path.starts_with("cis") {
            CIS_FILTERS
        } else {
            "logMetricFilters"
        }
    };
    for (group, wanted) in by_group {
        let observed = match aws::logs::filters(&client, group, &ctx.prefix).await {
            Ok(o) => o,
            Err(e) => {
                for f in &wanted {
                    let entry = acc.entry(component(f)).or_default();
                    entry.1 = Some(Err(e.clone()));
                }
                continue;
            }
        };
        let Some(observed) = observed else {
            let e = AwsError::new(
                "logs",
                "DescribeMetricFilters",
                ErrorCategory::NotFound,
                format!("log group {group} does not exist; its metric filters cannot be created"),
            );
            for f in &wanted {
                let entry = acc.entry(component(f)).or_default();
                entry.0.push(FieldDrift {
                    field: format!("{}.exists", f.path),
                    desired: json!(true),
                    actual: json!(false),
                });
                entry.1 = Some(Err(e.clone()));
            }
            continue;
        };
        let names: BTreeSet<&str> = wanted.iter().map(|f| f.aws_name.as_str()).collect();
        for f in &wanted {
            let key = format!("{group}:{}", f.aws_name);
            let mut have = Fields::new();
            let obs = observed.get(&f.aws_name);
            have.insert(format!("{}.exists", f.path), json!(obs.is_some()));
            if let Some(Value::Object(m)) = obs {
                for (k, v) in m {
                    have.insert(format!("{}.{k}", f.path), v.clone());
                }
            }
            let d = diff_resources(&f.fields(), &have);
            let entry = acc.entry(component(f)).or_default();
            if obs.is_none() || previous.contains(&key) {
                res.metric_filters.push(key.clone());
            }
            if d.is_empty() {
                continue;
            }
            entry.2 |= obs.is_none();
            entry.0.extend(d);
            if ctx.may_write() && !matches!(entry.1, Some(Err(_))) {
                entry.1 = Some(aws::logs::put_filter(&client, f).await);
            }
        }
        // Filters this policy created (recorded in status) that the spec no longer declares.
        for name in observed.keys().filter(|n| !names.contains(n.as_str())) {
            let key = format!("{group}:{name}");
            if !previous.contains(&key) {
                continue;
            }
            let rel = name.strip_prefix(&ctx.prefix).unwrap_or(name);
            let (c, field) = match rel.strip_prefix("cis.") {
                Some(item) => (
                    CIS_FILTERS,
                    format!("cisAwsFoundations.{item}.filter.exists"),
                ),
                None => ("logMetricFilters", format!("logMetricFilters.{rel}.exists")),
            };
            let entry = acc.entry(c).or_default();
            entry.0.push(FieldDrift {
                field,
                desired: json!(false),
                actual: json!(true),
            });
            if ctx.may_write() {
                entry.1 = Some(aws::logs::delete_filter(&client, group, name).await);
            } else {
                res.metric_filters.push(key);
            }
        }
    }
    res.metric_filters.sort();
    res.metric_filters.dedup();
    outcomes(acc, region, |_| None)
}

/// One outcome per component of resources the policy creates: `Created` when everything drifted was missing and
/// got created, `Error` when writes failed without drift to show; `id` describes the component.
fn outcomes(
    acc: BTreeMap<&'static str, Accumulated>,
    region: &str,
    id: impl Fn(&str) -> Option<String>,
) -> Vec<ComponentOutcome> {
    acc.into_iter()
        .map(|(c, (drift, writes, creating))| match writes {
            Some(Err(e)) if drift.is_empty() => failed(c, region, Ownership::Created, e),
            w => {
                let created = creating && drift.iter().all(|d| d.field.ends_with(".exists"));
                settle(c, region, drift, w, created, Ownership::Created, id(c))
            }
        })
        .collect()
}

async fn log_groups(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    const C: &str = "logGroups";
    let client = ctx.session.logs(region);
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut created = false;
    for g in &ctx.input.spec.log_groups {
        let have = match aws::logs::log_group(&client, &g.name).await {
            Ok(h) => h,
            Err(e) => return failed(C, region, Ownership::Adopted, e),
        };
        let p = format!("logGroups.{}", g.name);
        let mut want = Fields::new();
        want.insert(format!("{p}.exists"), json!(true));
        want.insert(format!("{p}.retentionInDays"), json!(g.retention_in_days));
        let mut seen = Fields::new();
        seen.insert(format!("{p}.exists"), json!(have.is_some()));
        if let Some(h) = &have {
            seen.insert(format!("{p}.retentionInDays"), json!(h.retention_in_days));
            if g.kms_key_id.is_some() {
                seen.insert(format!("{p}.kmsKeyId"), json!(h.kms_key_id));
            }
        }
        if let Some(k) = &g.kms_key_id {
            want.insert(format!("{p}.kmsKeyId"), json!(k));
        }
        let d = diff_resources(&want, &seen);
        if d.is_empty() {
            continue;
        }
        let retention = d.iter().any(|x| !x.field.ends_with(".kmsKeyId"));
        let kms = have.is_some() && d.iter().any(|x| x.field.ends_with(".kmsKeyId"));
        drift.extend(d);
        let shortens = have.as_ref().is_some_and(|h| {
            retention
                && h.retention_in_days
                    .is_none_or(|days| days > g.retention_in_days)
        });
        if shortens && !g.allow_retention_decrease && ctx.may_write() {
            let now = have
                .as_ref()
                .and_then(|h| h.retention_in_days)
                .map_or("never expire".to_string(), |d| format!("{d} days"));
            writes = Some(Err(AwsError::new(
                "logs",
                "PutRetentionPolicy",
                crate::aws::ErrorCategory::InvalidInput,
                format!(
                    "lowering the retention of log group {} from {now} to {} days would delete its older events; \
                     not done without allowRetentionDecrease: true",
                    g.name, g.retention_in_days
                ),
            )));
            continue;
        }
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = async {
                if have.is_none() {
                    aws::logs::create_group(
                        &client,
                        &g.name,
                        g.kms_key_id.as_deref(),
                        &ctx.input.owner.tags(),
                    )
                    .await?;
                    created = true;
                }
                if kms {
                    if let Some(k) = &g.kms_key_id {
                        aws::logs::associate_kms_key(&client, &g.name, k).await?;
                    }
                }
                if retention {
                    aws::logs::put_retention(&client, &g.name, g.retention_in_days).await?;
                }
                Ok(())
            }
            .await;
            writes = Some(r);
        }
    }
    let ownership = if created {
        Ownership::Created
    } else {
        ctx.previous_ownership(C, region)
            .unwrap_or(Ownership::Adopted)
    };
    settle(C, region, drift, writes, created, ownership, None)
}

async fn alarms(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let client = ctx.session.cloudwatch(region);
    let observed = match aws::cloudwatch::alarms_by_prefix(&client, &ctx.prefix).await {
        Ok(o) => o,
        Err(e) => {
            let mut out = vec![failed("alarms", region, Ownership::Created, e.clone())];
            if ctx.input.spec.cis_aws_foundations.is_some() {
                out.push(failed("cisAwsFoundations", region, Ownership::Created, e));
            }
            return out;
        }
    };
    let component = |path: &str| -> &'static str { alarm_component(path) };
    let mut acc: BTreeMap<&'static str, Accumulated> = BTreeMap::new();
    if !ctx.input.spec.alarms.is_empty() {
        acc.entry("alarms").or_default();
    }
    let desired: Vec<&DesiredAlarm> = ctx
        .alarms
        .iter()
        .filter(|a| a.region.is_none_or(|r| r == region))
        .collect();
    for a in &desired {
        let obs = observed.get(&a.aws_name);
        let have = monitoring::observed_alarm_fields(&a.path, obs.map(|o| &o.fields));
        let d = diff_resources(&a.fields(&res.topic_arns), &have);
        let entry = acc.entry(component(&a.path)).or_default();
        if d.is_empty() {
            continue;
        }
        entry.2 |= obs.is_none();
        entry.0.extend(d);
        if ctx.may_write() && !matches!(entry.1, Some(Err(_))) {
            pace_alarm_write(ctx, region).await;
            let tags = obs.is_none().then(|| ctx.input.owner.tags());
            entry.1 =
                Some(aws::cloudwatch::put(&client, a, &res.topic_arns, tags.as_deref()).await);
        }
    }
    // Composite alarms after the metric alarms their rules name (CloudWatch checks that those exist).
    for c in &ctx.composites {
        let obs = observed.get(&c.aws_name).filter(|o| o.composite);
        let have = monitoring::observed_alarm_fields(&c.path, obs.map(|o| &o.fields));
        let d = diff_resources(&c.fields(&res.topic_arns), &have);
        let entry = acc.entry(COMPOSITES).or_default();
        if d.is_empty() {
            continue;
        }
        entry.2 |= obs.is_none();
        entry.0.extend(d);
        let metric_failed = acc.values().any(|e| matches!(e.1, Some(Err(_))));
        let entry = acc.entry(COMPOSITES).or_default();
        if ctx.may_write() && !metric_failed {
            pace_alarm_write(ctx, region).await;
            let tags = obs.is_none().then(|| ctx.input.owner.tags());
            entry.1 = Some(
                aws::cloudwatch::put_composite(&client, c, &res.topic_arns, tags.as_deref()).await,
            );
        }
    }
    // Alarms under this policy's prefix that the spec no longer declares: deleted when tags prove ownership.
    let declared: BTreeSet<&str> = desired
        .iter()
        .map(|a| a.aws_name.as_str())
        .chain(ctx.composites.iter().map(|c| c.aws_name.as_str()))
        .collect();
    let mut doomed = Vec::new();
    for (name, state) in observed
        .iter()
        .filter(|(n, _)| !declared.contains(n.as_str()))
    {
        let tags = match aws::cloudwatch::tags(&client, &state.arn).await {
            Ok(t) => t,
            Err(e) => {
                acc.entry("alarms").or_default().1 = Some(Err(e));
                continue;
            }
        };
        if !ctx.owns(&tags) {
            continue;
        }
        let field = removed_alarm_field(
            name.strip_prefix(&ctx.prefix).unwrap_or(name),
            state.composite,
        );
        let c = alarm_component(&field);
        acc.entry(c).or_default().0.push(FieldDrift {
            field,
            desired: json!(false),
            actual: json!(true),
        });
        doomed.push((c, name.clone()));
    }
    if ctx.may_write() && !doomed.is_empty() {
        // Composite alarms first: CloudWatch refuses to delete an alarm a composite alarm still names.
        for composite in [true, false] {
            let names: Vec<String> = doomed
                .iter()
                .filter(|(c, _)| (*c == COMPOSITES) == composite)
                .map(|(_, n)| n.clone())
                .collect();
            if names.is_empty() {
                continue;
            }
            let r = aws::cloudwatch::delete(&client, &names).await;
            for (c, _) in doomed
                .iter()
                .filter(|(c, _)| (*c == COMPOSITES) == composite)
            {
                let entry = acc.entry(c).or_default();
                if !matches!(entry.1, Some(Err(_))) {
                    entry.1 = Some(r.clone());
                }
            }
        }
    }
    res.alarms = (desired.len() + ctx.composites.len()) as u32;
    outcomes(acc, region, |c| {
        let n = desired
            .iter()
            .map(|a| a.path.as_str())
            .chain(ctx.composites.iter().map(|c| c.path.as_str()))
            .filter(|p| component(p) == c)
            .count();
        Some(format!("{n} alarm(s)"))
    })
}

/// Component of composite alarms.
const COMPOSITES: &str = "compositeAlarms";

/// Component an alarm field path belongs to.
fn alarm_component(path: &str) -> &'static str {
    match path.split('.').next().unwrap_or_default() {
        "cisAwsFoundations" => "cisAwsFoundations",
        "billingAlarm" => "billingAlarm",
        "compositeAlarms" => COMPOSITES,
        _ => "alarms",
    }
}

/// Field of an alarm this policy created that the spec no longer declares, from its name after the prefix.
fn removed_alarm_field(rel: &str, composite: bool) -> String {
    if composite {
        return format!("{COMPOSITES}.{rel}.exists");
    }
    if let Some(item) = rel.strip_prefix("cis.") {
        return format!("cisAwsFoundations.{item}.alarm.exists");
    }
    if let Some(t) = rel.strip_prefix("billing.") {
        return format!("billingAlarm.{t}.exists");
    }
    format!("alarms.{rel}.exists")
}

/// Dashboards: bodies compared as JSON; dashboards this policy created (recorded in status) that the spec no
/// longer declares are deleted. Dashboards cannot carry tags, so the status record is the proof of ownership.
async fn dashboards(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> ComponentOutcome {
    const C: &str = "dashboards";
    let client = ctx.session.cloudwatch(region);
    let previous: BTreeSet<String> = ctx.previous(region).dashboards.into_iter().collect();
    let observed = match aws::cloudwatch::dashboards(&client, &ctx.short_prefix).await {
        Ok(o) => o,
        Err(e) => return failed(C, region, Ownership::Created, e),
    };
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut creating = false;
    let mut created = BTreeSet::new();
    let mut declared = BTreeSet::new();
    for d in &ctx.input.spec.dashboards {
        let name = format!("{}{}", ctx.short_prefix, d.name);
        declared.insert(name.clone());
        let p = format!("dashboards.{}", d.name);
        let change = match observed.get(&name) {
            None => FieldDrift {
                field: format!("{p}.exists"),
                desired: json!(true),
                actual: json!(false),
            },
            Some(body) if *body != d.body => FieldDrift {
                field: format!("{p}.body"),
                desired: d.body.clone(),
                actual: body.clone(),
            },
            Some(_) => {
                if previous.contains(&name) {
                    created.insert(name);
                }
                continue;
            }
        };
        let missing = !observed.contains_key(&name);
        creating |= missing;
        drift.push(change);
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = aws::cloudwatch::put_dashboard(&client, &name, &d.body).await;
            if r.is_ok() && (missing || previous.contains(&name)) {
                created.insert(name.clone());
            }
            writes = Some(r);
        } else if previous.contains(&name) {
            created.insert(name);
        }
    }
    let removed: Vec<String> = previous
        .iter()
        .filter(|n| !declared.contains(*n) && observed.contains_key(*n))
        .cloned()
        .collect();
    for name in &removed {
        let rel = name.strip_prefix(&ctx.short_prefix).unwrap_or(name);
        drift.push(FieldDrift {
            field: format!("dashboards.{rel}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
    }
    if !removed.is_empty() {
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            writes = Some(aws::cloudwatch::delete_dashboards(&client, &removed).await);
        }
        if !matches!(writes, Some(Ok(()))) {
            created.extend(removed);
        }
    }
    res.dashboards = created.into_iter().collect();
    let only_creates = drift.iter().all(|d| d.field.ends_with(".exists"));
    let id = Some(format!("{} dashboard(s)", ctx.input.spec.dashboards.len()));
    settle(
        C,
        region,
        drift,
        writes,
        creating && only_creates,
        Ownership::Created,
        id,
    )
}

/// EventBridge rules (finding routes and scheduled actions): one ListRules by the policy's prefix, then the
/// targets of each of its rules. Settings are written with PutRule, the operator's target with PutTargets, only
/// the part that drifted; rules this policy created (proven by tags) that the spec no longer declares are deleted.
async fn event_rules(
    ctx: &Ctx<'_>,
    region: &str,
    res: &mut MonitoringResources,
) -> Vec<ComponentOutcome> {
    let spec = ctx.input.spec;
    let client = ctx.session.events(region);
    let owner = format!("{}/{}", ctx.input.namespace, ctx.input.name);
    let desired: Vec<DesiredRule> = rules::desired_rules(
        spec,
        &ctx.short_prefix,
        &owner,
        region,
        &ctx.input.account.account_id,
    );
    let mut acc: BTreeMap<&'static str, Accumulated> = BTreeMap::new();
    if !spec.finding_routes.is_empty() {
        acc.entry(rules::ROUTES).or_default();
    }
    if !spec.scheduled_actions.is_empty() {
        acc.entry(rules::SCHEDULES).or_default();
    }
    let observed: Result<BTreeMap<String, ObservedRule>, AwsError> = async {
        let mut all = aws::events::rules(&client, &ctx.short_prefix).await?;
        all.retain(|name, _| rules::parse_name(name, &ctx.short_prefix).is_some());
        for (name, rule) in all.iter_mut() {
            aws::events::read_targets(&client, name, rule).await?;
        }
        Ok(all)
    }
    .await;
    let observed = match observed {
        Ok(o) => o,
        Err(e) => {
            return acc
                .into_keys()
                .chain((ctx.previous(region).event_rules > 0).then_some(rules::ROUTES))
                .collect::<BTreeSet<_>>()
                .into_iter()
                .map(|c| failed(c, region, Ownership::Created, e.clone()))
                .collect();
        }
    };
    for rule in &desired {
        let obs = observed.get(&rule.aws_name);
        let d = diff_resources(
            &rule.fields(&res.topic_arns),
            &rules::observed_fields(&rule.path, obs),
        );
        let entry = acc.entry(rule.component).or_default();
        if d.is_empty() {
            continue;
        }
        entry.2 |= obs.is_none();
        let settings = obs.is_none() || d.iter().any(|x| !x.field.contains(".target."));
        let target = obs.is_none() || d.iter().any(|x| x.field.contains(".target."));
        entry.0.extend(d);
        if !ctx.may_write() || matches!(entry.1, Some(Err(_))) {
            continue;
        }
        let t = rule.target(&res.topic_arns);
        let r: Result<(), AwsError> = async {
            if t.arn.is_empty() {
                return Err(AwsError::new(
                    "events",
                    "PutTargets",
                    ErrorCategory::NotFound,
                    format!(
                        "{}: topic {} does not exist yet",
                        rule.path,
                        rule.topic.as_deref().unwrap_or_default()
                    ),
                ));
            }
            if settings {
                let tags = obs.is_none().then(|| ctx.input.owner.tags());
                aws::events::put_rule(&client, rule, tags.as_deref()).await?;
            }
            if target {
                aws::events::put_target(&client, &rule.aws_name, &t).await?;
            }
            Ok(())
        }
        .await;
        entry.1 = Some(r);
    }
    // Rules under the prefix that the spec no longer declares: deleted when their tags prove ownership.
    let declared: BTreeSet<&str> = desired.iter().map(|r| r.aws_name.as_str()).collect();
    for (name, rule) in observed
        .iter()
        .filter(|(n, _)| !declared.contains(n.as_str()))
    {
        let Some((component, rel)) = rules::parse_name(name, &ctx.short_prefix) else {
            continue;
        };
        let entry = acc.entry(component).or_default();
        let owned = match aws::events::tags(&client, &rule.arn).await {
            Ok(tags) => ctx.owns(&tags),
            Err(e) => {
                entry.1 = Some(Err(e));
                continue;
            }
        };
        if !owned {
            continue;
        }
        entry.0.push(FieldDrift {
            field: format!("{component}.{rel}.exists"),
            desired: json!(false),
            actual: json!(true),
        });
        if ctx.may_write() && !matches!(entry.1, Some(Err(_))) {
            entry.1 = Some(aws::events::delete(&client, name, &rule.target_ids).await);
        } else {
            res.event_rules += 1;
        }
    }
    res.event_rules += desired.len() as u32;
    outcomes(acc, region, |c| {
        let n = desired.iter().filter(|r| r.component == c).count();
        Some(format!("{n} rule(s)"))
    })
}

/// Undo what the operator created for this policy, following `deletionPolicy`: alarms, EventBridge rules, EKS
/// add-ons and topics proven by tags; metric filters, dashboards and saved queries recorded in status as created
/// by it. Log groups are never deleted (they hold logs); ECS cluster settings are left as they are; an adopted
/// topic loses only the statements this policy added to its access policy.
pub async fn cleanup(
    factory: &AwsFactory,
    input: &MonitoringInput<'_>,
) -> Result<CleanupReport, EngineError> {
    if let Some(report) = super::cleanup_gate(
        input.spec.deletion_policy,
        input.account,
        &input.spec.account_ref.name,
        input.namespace,
        input.namespace_labels,
    ) {
        return Ok(report);
    }
    let recorded = input
        .previous
        .iter()
        .flat_map(|p| &p.resources)
        .map(|r| &r.region);
    super::cleanup_each_region(
        factory,
        input.account,
        &input.owner,
        &input.spec.regions,
        recorded,
        |session, region| async move { cleanup_region(&session, input, &region).await },
    )
    .await
}

/// Delete in one region what this policy created (alarms, topics, rules and add-ons proven by tags; dashboards,
/// metric filters and saved queries by the policy's name prefix). Used on deletion and for a region removed from
/// the spec.
async fn cleanup_region(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
) -> CleanupReport {
    let mut report = CleanupReport::default();
    let prefix = monitoring::prefix(input.namespace, input.name);
    let owns = |tags: &[(String, String)]| {
        input
            .owner
            .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    };
    let previous = input
        .previous
        .and_then(|p| p.resources.iter().find(|r| r.region == region).cloned())
        .unwrap_or_default();
    let cw = session.cloudwatch(region);
    let r: Result<(), AwsError> = async {
        let observed = aws::cloudwatch::alarms_by_prefix(&cw, &prefix).await?;
        // Composite alarms first: CloudWatch refuses to delete an alarm a composite alarm still names.
        for composite in [true, false] {
            let mut mine = Vec::new();
            for (name, state) in observed.iter().filter(|(_, s)| s.composite == composite) {
                if owns(&aws::cloudwatch::tags(&cw, &state.arn).await?) {
                    mine.push(name.clone());
                }
            }
            if !mine.is_empty() {
                aws::cloudwatch::delete(&cw, &mine).await?;
                let kind = if composite {
                    "composite alarm(s)"
                } else {
                    "alarm(s)"
                };
                report
                    .actions
                    .push(format!("deleted {} {kind} in {region}", mine.len()));
            }
        }
        // Dashboards and metric filters carry no tags: what carries this policy's name prefix is its own, and
        // nothing else is deleted, whatever status says.
        let short_prefix = monitoring::short_prefix(input.namespace, input.name);
        // Listed only when the policy has (or had) dashboards: a policy without them may not hold
        // cloudwatch:ListDashboards (iam-policy grants per section).
        let dashboards: Vec<String> =
            if input.spec.dashboards.is_empty() && previous.dashboards.is_empty() {
                vec![]
            } else {
                aws::cloudwatch::dashboards(&cw, &short_prefix)
                    .await?
                    .into_keys()
                    .collect()
            };
        if !dashboards.is_empty() {
            aws::cloudwatch::delete_dashboards(&cw, &dashboards).await?;
            report.actions.push(format!(
                "deleted {} dashboard(s) in {region}",
                dashboards.len()
            ));
        }
        let logs = session.logs(region);
        for key in &previous.metric_filters {
            if let Some((group, name)) = key
                .split_once(':')
                .filter(|(_, name)| name.starts_with(&prefix))
            {
                aws::logs::delete_filter(&logs, group, name).await?;
                report.actions.push(format!(
                    "deleted metric filter {name} on {group} in {region}"
                ));
            }
        }
        let events = session.events(region);
        let mut mine = 0;
        for (name, mut rule) in aws::events::rules(&events, &short_prefix).await? {
            if rules::parse_name(&name, &short_prefix).is_none()
                || !owns(&aws::events::tags(&events, &rule.arn).await?)
            {
                continue;
            }
            aws::events::read_targets(&events, &name, &mut rule).await?;
            aws::events::delete(&events, &name, &rule.target_ids).await?;
            mine += 1;
        }
        if mine > 0 {
            report
                .actions
                .push(format!("deleted {mine} EventBridge rule(s) in {region}"));
        }
        super::insights::cleanup_region(session, input, region, &previous, &mut report).await?;
        let sns = session.sns(region);
        let existing = aws::sns::topics(&sns).await?;
        let names: BTreeSet<&String> = input
            .spec
            .topics
            .iter()
            .map(|t| &t.name)
            .chain(previous.topic_arns.keys())
            .collect();
        for name in names {
            if let Some(arn) = existing.get(name) {
                if owns(&aws::sns::tags(&sns, arn).await?) {
                    aws::sns::delete(&sns, arn).await?;
                    report
                        .actions
                        .push(format!("deleted SNS topic {name} in {region}"));
                } else {
                    // An adopted topic stays, without the statements this policy added.
                    let attrs = aws::sns::attributes(&sns, arn).await?;
                    if !rules::managed_statements(attrs.policy.as_ref()).is_empty() {
                        let policy = rules::with_managed(attrs.policy.as_ref(), &BTreeMap::new());
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
    .await;
    if let Err(e) = r {
        report.errors.push(e);
    }
    report
}
