//! One pass over a MonitoringPolicy, per region: topics and subscriptions, then log groups, metric filters,
//! alarms, dashboards, EventBridge rules, Logs Insights saved queries and Container Insights. Reads are batched:
//! all of a policy's alarms come from one paginated DescribeAlarms by name prefix (100 per call), metric filters
//! from one paginated DescribeMetricFilters per log group; tags are read only to prove ownership before a delete
//! (and once per topic set when status has no record of it).
//!
//! One file per component, each holding that component's reconcile (read AWS, call the rules in
//! `crate::monitoring::<component>`, write) and its cleanup side by side. This file holds the input and report,
//! the per-pass context, the region pass, removed regions and the cleanup dispatch.

mod alarms;
mod container_insights;
mod dashboards;
mod event_rules;
mod insights_queries;
mod log_groups;
mod metric_filters;
mod topics;

use super::{
    failed, resolve_regions, verify_account, CleanupReport, ComponentOutcome, EngineError,
    PassReport, Settle, REGION_CONCURRENCY,
};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DriftPolicy, Owner, Ownership};
use crate::api::monitoring_policy::{
    MonitoringPolicySpec, MonitoringPolicyStatus, MonitoringResources,
};
use crate::aws::cloudwatch::{DesiredAlarm, DesiredComposite};
use crate::aws::logs::DesiredFilter;
use crate::aws::{AccountSession, AwsError, AwsFactory};
use crate::diff::FieldDrift;
use crate::monitoring;
use futures::{stream, StreamExt};
use std::collections::BTreeMap;
use std::time::Duration;

pub use crate::monitoring::metric_filters::CIS_FILTERS;
pub use crate::monitoring::topics::ADOPTABLE_BY;

/// Spacing of PutMetricAlarm calls: CloudWatch publishes 3 per second; stay below it.
pub const ALARM_WRITE_INTERVAL: Duration = Duration::from_millis(350);

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

/// What status recorded for `region` in the previous pass (empty when nothing).
fn previous_resources(input: &MonitoringInput<'_>, region: &str) -> MonitoringResources {
    input
        .previous
        .and_then(|p| p.resources.iter().find(|r| r.region == region).cloned())
        .unwrap_or_default()
}

/// True when `tags` prove the resource was created by this policy.
fn owns(owner: &Owner, tags: &[(String, String)]) -> bool {
    owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// What every component of one pass shares.
struct Ctx<'a> {
    session: AccountSession,
    input: &'a MonitoringInput<'a>,
    /// Prefix of alarm and metric filter names (`monitoring::prefix`).
    prefix: String,
    alarms: Vec<DesiredAlarm>,
    composites: Vec<DesiredComposite>,
    filters: Vec<DesiredFilter>,
    /// Prefix of dashboard and EventBridge rule names (`monitoring::short_prefix`).
    short_prefix: String,
    /// Alarm writes of this pass so far (for progress lines).
    alarm_writes: std::sync::atomic::AtomicUsize,
}

impl Ctx<'_> {
    fn may_write(&self) -> bool {
        self.input.mode == DriftPolicy::Correct
    }

    fn previous(&self, region: &str) -> MonitoringResources {
        previous_resources(self.input, region)
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

    fn owns(&self, tags: &[(String, String)]) -> bool {
        owns(&self.input.owner, tags)
    }
}

/// What one component of a pass found and did, for components of several resources the policy creates (alarms,
/// metric filters, EventBridge rules).
#[derive(Debug, Default)]
struct Tally {
    /// Drift found.
    drift: Vec<FieldDrift>,
    /// Result of the component's writes, if any ran (the first failure stops its further writes).
    writes: Option<Result<(), AwsError>>,
    /// A declared resource was missing.
    missing: bool,
    /// A setting of an existing resource drifted.
    changed: bool,
}

impl Tally {
    /// Drift of one declared resource (`missing`: it does not exist, and the drift is its `exists`).
    fn found(&mut self, drift: Vec<FieldDrift>, missing: bool) {
        if drift.is_empty() {
            return;
        }
        if missing {
            self.missing = true;
        } else {
            self.changed = true;
        }
        self.drift.extend(drift);
    }

    /// Drift of a resource this policy created that the spec no longer declares.
    fn removed(&mut self, drift: impl IntoIterator<Item = FieldDrift>) {
        self.drift.extend(drift);
    }

    /// A write of this component already failed.
    fn write_failed(&self) -> bool {
        matches!(self.writes, Some(Err(_)))
    }

    /// The outcome: `Created` when everything drifted was missing (or removed) and got created, `Error` when
    /// writes failed without drift to show; `id` describes the component.
    fn outcome(
        self,
        component: &'static str,
        region: &str,
        id: Option<String>,
    ) -> ComponentOutcome {
        match self.writes {
            Some(Err(e)) if self.drift.is_empty() => {
                failed(component, region, Ownership::Created, e)
            }
            w => {
                let created = self.missing && !self.changed;
                Settle {
                    component,
                    region,
                    drift: self.drift,
                    writes: w,
                    created,
                    ownership: Ownership::Created,
                    id,
                }
                .outcome()
            }
        }
    }
}

/// One outcome per component of `tallies`; `id` describes a component.
fn outcomes(
    tallies: BTreeMap<&'static str, Tally>,
    region: &str,
    id: impl Fn(&str) -> Option<String>,
) -> Vec<ComponentOutcome> {
    tallies
        .into_iter()
        .map(|(c, t)| t.outcome(c, region, id(c)))
        .collect()
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
    if let Err(e) = monitoring::check_spec(input.spec, &regions) {
        return fatal(EngineError::InvalidSpec(e));
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
    let previous = ctx.previous(region);
    if !spec.topics.is_empty() || !previous.topic_arns.is_empty() {
        out.push(topics::reconcile(ctx, region, &mut res).await);
    }
    // Log groups before metric filters: a policy may declare the group its filters read.
    if !spec.log_groups.is_empty() {
        out.push(log_groups::reconcile(ctx, region).await);
    }
    if !ctx.filters.is_empty() || !previous.metric_filters.is_empty() {
        out.extend(metric_filters::reconcile(ctx, region, &mut res).await);
    }
    out.extend(alarms::reconcile(ctx, region, &mut res).await);
    if !spec.dashboards.is_empty() || !previous.dashboards.is_empty() {
        out.push(dashboards::reconcile(ctx, region, &mut res).await);
    }
    if !spec.finding_routes.is_empty()
        || !spec.scheduled_actions.is_empty()
        || previous.event_rules > 0
    {
        out.extend(event_rules::reconcile(ctx, region, &mut res).await);
    }
    if !spec.insights_queries.is_empty() || !previous.query_definitions.is_empty() {
        out.push(insights_queries::reconcile(ctx, region, &mut res).await);
    }
    if spec.container_insights.is_some() || !previous.eks_addons.is_empty() {
        out.extend(container_insights::reconcile(ctx, region, &mut res).await);
    }
    crate::progress::finished(&ctx.input.account.account_id, &out);
    (out, res)
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

/// What every component's cleanup in one region shares.
struct Cleanup<'a> {
    session: &'a AccountSession,
    input: &'a MonitoringInput<'a>,
    region: &'a str,
    /// What status recorded for the region.
    previous: MonitoringResources,
    /// `monitoring::prefix` of the policy.
    prefix: String,
    /// `monitoring::short_prefix` of the policy.
    short_prefix: String,
}

impl Cleanup<'_> {
    fn owns(&self, tags: &[(String, String)]) -> bool {
        owns(&self.input.owner, tags)
    }
}

/// Delete in one region what this policy created (alarms, topics, rules and add-ons proven by tags; dashboards,
/// metric filters and saved queries by the policy's name prefix). Used on deletion and for a region removed from
/// the spec. Alarms go first and topics last (alarms and rules name topics); the first error stops the region.
async fn cleanup_region(
    session: &AccountSession,
    input: &MonitoringInput<'_>,
    region: &str,
) -> CleanupReport {
    let mut report = CleanupReport::default();
    let c = Cleanup {
        session,
        input,
        region,
        previous: previous_resources(input, region),
        prefix: monitoring::prefix(input.namespace, input.name),
        short_prefix: monitoring::short_prefix(input.namespace, input.name),
    };
    let r: Result<(), AwsError> = async {
        alarms::cleanup(&c, &mut report).await?;
        dashboards::cleanup(&c, &mut report).await?;
        metric_filters::cleanup(&c, &mut report).await?;
        event_rules::cleanup(&c, &mut report).await?;
        insights_queries::cleanup(&c, &mut report).await?;
        container_insights::cleanup(&c, &mut report).await?;
        topics::cleanup(&c, &mut report).await?;
        Ok(())
    }
    .await;
    if let Err(e) = r {
        report.errors.push(e);
    }
    report
}
