//! One pass over a MonitoringPolicy, per region: topics and subscriptions, then log groups, metric filters,
//! Route 53 health checks (global, in one region's pass), alarms, dashboards, EventBridge rules, Logs Insights
//! saved queries, Container Insights, Synthetics canaries and the CloudWatch agent. Reads are batched:
//! all of a policy's alarms come from one paginated DescribeAlarms by name prefix (100 per call), metric filters
//! from one paginated DescribeMetricFilters per log group; tags are read only to prove ownership before a delete
//! (and once per topic set when status has no record of it).
//!
//! One file per component, each holding that component's reconcile (read AWS, call the rules in
//! `crate::monitoring::<component>`, write) and its cleanup side by side, and declaring both in one
//! [`Component`] const listed in [`COMPONENTS`]: its status components, when it runs, the IAM uses a spec makes
//! of it (`crate::iam_policy`). A new component is one rules file, one engine file and one line in
//! [`COMPONENTS`] (and in [`CLEANUP_ORDER`] when it deletes anything). This file holds the input and report,
//! the per-pass context, the region pass, removed regions and the cleanup dispatch.

mod alarms;
mod canaries;
mod cloudwatch_agent;
mod container_insights;
mod dashboards;
mod event_rules;
mod health_checks;
mod insights_queries;
mod log_groups;
mod metric_filters;
mod scheduled_actions_role;
mod topics;

use super::cleanup::{cleanup_namespaced, keep_removed, namespaced};
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
use crate::aws::operation::SectionUsage;
use crate::aws::{AccountSession, AwsError, AwsFactory};
use crate::diff::FieldDrift;
use crate::monitoring;
use futures::future::BoxFuture;
use futures::{stream, StreamExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub use crate::monitoring::metric_filters::CIS_FILTERS;
pub use crate::monitoring::topics::ADOPTABLE_BY;

/// Every MonitoringPolicy component, in the order a region pass runs them: topics first (alarms, rules and
/// routes name their ARNs), log groups before metric filters (a policy may declare the group its filters read),
/// health checks before alarms (their alarms name the checks' IDs), the scheduled actions' role before the rules
/// that name it.
pub const COMPONENTS: &[Component] = &[
    topics::COMPONENT,
    log_groups::COMPONENT,
    metric_filters::COMPONENT,
    health_checks::COMPONENT,
    alarms::COMPONENT,
    dashboards::COMPONENT,
    scheduled_actions_role::COMPONENT,
    event_rules::COMPONENT,
    insights_queries::COMPONENT,
    container_insights::COMPONENT,
    canaries::COMPONENT,
    cloudwatch_agent::COMPONENT,
];

/// The components that delete anything, in the order a region's cleanup runs them: alarms first and topics last
/// (alarms and rules name topics); the first error stops the region.
const CLEANUP_ORDER: &[Component] = &[
    alarms::COMPONENT,
    dashboards::COMPONENT,
    metric_filters::COMPONENT,
    event_rules::COMPONENT,
    scheduled_actions_role::COMPONENT,
    insights_queries::COMPONENT,
    container_insights::COMPONENT,
    health_checks::COMPONENT,
    canaries::COMPONENT,
    cloudwatch_agent::COMPONENT,
    topics::COMPONENT,
];

/// Reconciles a component in one region, recording what it found in the region's resources.
type ReconcileFn = for<'a> fn(
    &'a Ctx<'a>,
    &'a str,
    &'a mut MonitoringResources,
) -> BoxFuture<'a, Vec<ComponentOutcome>>;

/// Deletes in one region what a component created; the first error stops the region.
type CleanupFn =
    for<'a> fn(&'a Cleanup<'a>, &'a mut CleanupReport) -> BoxFuture<'a, Result<(), AwsError>>;

/// One MonitoringPolicy component: what it reports, when and how it runs and is cleaned up, what it needs from
/// IAM.
#[derive(Clone, Copy)]
pub struct Component {
    /// The component's name (its file).
    pub name: &'static str,
    /// The components it reports in status (drift entries use these names).
    pub components: &'static [&'static str],
    /// Every IAM use it can make (`MonitoringPolicy.topics`, conditions like
    /// `MonitoringPolicy.logGroups.kmsKeyId`): the section strings the operations' uses refer to.
    pub iam: &'static [&'static str],
    /// The IAM uses a spec makes of this component (`None` when the spec does not declare it).
    pub usage: fn(&MonitoringPolicySpec) -> Option<SectionUsage>,
    /// Whether a region pass runs it, given what status recorded for the region (the spec declares it, or the
    /// policy created something there that may need deleting).
    runs: fn(&Ctx<'_>, &MonitoringResources) -> bool,
    reconcile: ReconcileFn,
    /// Deletion (`None`: nothing of it is ever deleted).
    cleanup: Option<CleanupFn>,
}

impl std::fmt::Debug for Component {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Component")
            .field("name", &self.name)
            .finish()
    }
}

/// The uses whose condition holds (`None` when none does).
fn uses_when(conditions: &[(bool, &'static str)]) -> Option<SectionUsage> {
    let uses: Vec<&'static str> = conditions
        .iter()
        .filter(|(holds, _)| *holds)
        .map(|(_, u)| *u)
        .collect();
    (!uses.is_empty()).then(|| SectionUsage::of(&uses))
}

/// Every component a MonitoringPolicy can report.
pub fn components() -> impl Iterator<Item = &'static str> {
    COMPONENTS.iter().flat_map(|c| c.components.iter().copied())
}

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
    /// `Some(max_age)`: account-wide reads (every policy's alarms, the topic list) may come from a snapshot shared
    /// with the other policies of the account and Region, at most `max_age` old (`aws::snapshots`). The
    /// controller allows it for periodic drift checks of policies already in sync; `None` (the CLI, a spec change,
    /// a change event, drift) reads AWS now.
    pub shared_reads: Option<Duration>,
}

/// Result of one pass.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MonitoringReport {
    /// Components, drift, errors.
    pub pass: PassReport,
    /// IDs per region.
    pub resources: Vec<MonitoringResources>,
}

/// The region whose pass manages the policy's global resources (Route 53 health checks, the IAM role of its
/// scheduled actions; other regions' passes run at the same time, which EventBridge's PutTargets does not mind:
/// it does not check the role) and whose status records them: us-east-1, where Route 53 publishes its metrics, when the
/// policy lists it, else the first of its regions.
fn global_region(input: &MonitoringInput<'_>) -> Option<String> {
    let regions = resolve_regions(&input.spec.regions, &input.account.regions).ok()?;
    if regions
        .iter()
        .any(|r| r == crate::aws::route53::HOME_REGION)
    {
        return Some(crate::aws::route53::HOME_REGION.to_string());
    }
    regions.into_iter().next()
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
    /// The role the operator creates for the scheduled actions, with its ARN, when an action asks for it.
    scheduled_role: Option<(crate::engine::role::OwnedRole, String)>,
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

    /// Key of the account-and-Region snapshot `what`.
    fn snapshot_key(&self, region: &str, what: &str) -> String {
        format!("{}/{region}/{what}", self.input.account.account_id)
    }

    /// An account-wide read: from the shared snapshot `what` when the pass may use one (see
    /// [`MonitoringInput::shared_reads`]), else from AWS now.
    async fn shared<T, F, Fut>(&self, region: &str, what: &str, read: F) -> Result<Arc<T>, AwsError>
    where
        T: Send + Sync + 'static,
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<T, AwsError>>,
    {
        match self.input.shared_reads {
            None => Ok(Arc::new(read().await?)),
            Some(max_age) => {
                let key = self.snapshot_key(region, what);
                self.session.snapshots().get(&key, max_age, read).await
            }
        }
    }

    /// This pass changed what the snapshot `what` describes: drop it.
    fn wrote(&self, region: &str, what: &str) {
        self.session
            .snapshots()
            .invalidate(&self.snapshot_key(region, what));
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
            account: input.spec.account_name().to_string(),
            namespace: input.namespace.to_string(),
        });
    }
    if let Err(e) = super::check_passable(
        input.account,
        input.spec.account_name(),
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
    // The operator's roles are reached through `createRole` only: a spec naming one (another object's, whose
    // name is a known hash) would borrow its permissions.
    if let Some(role) = input.spec.passed_roles().into_iter().find(|r| {
        r.rsplit('/')
            .next()
            .is_some_and(|n| n.starts_with(super::role::PREFIX))
    }) {
        return fatal(EngineError::InvalidSpec(format!(
            "{role} is a role the operator creates for another object; use createRole"
        )));
    }
    // The scheduled actions' own role is as powerful as the runbooks, documents and instances the tenant names:
    // the AwsAccount must let the object pass it, like any role the spec names.
    let short_prefix = monitoring::short_prefix(input.namespace, input.name);
    let partition = crate::aws::partition(&regions[0]);
    let scheduled_role = monitoring::event_rules::scheduled_actions_role(
        input.spec,
        &short_prefix,
        &input.account.account_id,
        partition,
        &input.owner,
    )
    .map(|role| {
        let arn = super::role::role_arn(partition, &input.account.account_id, &role.name);
        (role, arn)
    });
    if let Some((role, arn)) = &scheduled_role {
        if let Err(e) = super::check_passable(input.account, input.spec.account_name(), [arn]) {
            return fatal(e);
        }
        let size = role.policy.to_string().len();
        if size > super::role::MAX_POLICY_SIZE {
            return fatal(EngineError::InvalidSpec(format!(
                "the scheduled actions' role policy would be {size} characters, above IAM's {}: target \
                 instances by tag rather than by ID",
                super::role::MAX_POLICY_SIZE
            )));
        }
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
        short_prefix,
        prefix,
        scheduled_role,
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
        keep_removed(
            outcome,
            prev,
            &mut report.pass.outcomes,
            &mut report.resources,
        );
    }
}

async fn region_pass(ctx: &Ctx<'_>, region: &str) -> (Vec<ComponentOutcome>, MonitoringResources) {
    let mut res = MonitoringResources {
        region: region.to_string(),
        ..Default::default()
    };
    let mut out = Vec::new();
    let previous = ctx.previous(region);
    for c in COMPONENTS.iter().filter(|c| (c.runs)(ctx, &previous)) {
        out.extend((c.reconcile)(ctx, region, &mut res).await);
    }
    crate::progress::finished(&ctx.input.account.account_id, &out);
    (out, res)
}

/// Undo what the operator created for this policy, following `deletionPolicy`: alarms, EventBridge rules, EKS
/// add-ons, Route 53 health checks, Synthetics canaries and topics proven by tags; metric filters, dashboards and saved queries recorded in status as created
/// by it. Log groups are never deleted (they hold logs); ECS cluster settings are left as they are; an adopted
/// topic loses only the statements this policy added to its access policy.
pub async fn cleanup(
    factory: &AwsFactory,
    input: &MonitoringInput<'_>,
) -> Result<CleanupReport, EngineError> {
    cleanup_namespaced(factory, namespaced!(input), |session, region| async move {
        cleanup_region(&session, input, &region).await
    })
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

    /// Key of the account-and-Region snapshot `what`.
    fn snapshot_key(&self, region: &str, what: &str) -> String {
        format!("{}/{region}/{what}", self.input.account.account_id)
    }

    /// This cleanup changed what the snapshot `what` describes: drop it.
    fn wrote(&self, region: &str, what: &str) {
        self.session
            .snapshots()
            .invalidate(&self.snapshot_key(region, what));
    }
}

/// Delete in one region what this policy created (alarms, topics, rules and add-ons proven by tags; dashboards,
/// metric filters and saved queries by the policy's name prefix). Used on deletion and for a region removed from
/// the spec. Components go in [`CLEANUP_ORDER`]; the first error stops the region.
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
    for cleanup in CLEANUP_ORDER.iter().filter_map(|c| c.cleanup) {
        if let Err(e) = cleanup(&c, &mut report).await {
            report.errors.push(e);
            break;
        }
    }
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn spec(v: serde_json::Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn components_are_unique_and_cleanup_order_lists_each_deleting_one_once() {
        let mut names = BTreeSet::new();
        let mut reported = BTreeSet::new();
        for c in COMPONENTS {
            assert!(names.insert(c.name), "component {} twice", c.name);
            for r in c.components {
                assert!(reported.insert(*r), "{r} reported by two components");
            }
            for u in c.iam {
                assert!(u.starts_with("MonitoringPolicy."), "{}: {u}", c.name);
            }
        }
        let deleting: Vec<&str> = COMPONENTS
            .iter()
            .filter(|c| c.cleanup.is_some())
            .map(|c| c.name)
            .collect();
        let mut ordered: Vec<&str> = CLEANUP_ORDER.iter().map(|c| c.name).collect();
        assert!(CLEANUP_ORDER.iter().all(|c| c.cleanup.is_some()));
        assert_eq!(ordered.last(), Some(&"topics"), "topics go last");
        ordered.sort();
        let mut expected = deleting.clone();
        expected.sort();
        assert_eq!(ordered, expected);
        // A spec without components uses none.
        let empty = spec(serde_json::json!({"accountRef": {"name": "a"}}));
        assert!(COMPONENTS.iter().all(|c| (c.usage)(&empty).is_none()));
    }

    /// A spec declaring every component makes every IAM use the components declare, and only those.
    #[test]
    fn usage_names_only_and_all_declared_iam_uses() {
        let role = "arn:aws:iam::123456789012:role/r";
        let full = spec(serde_json::json!({
            "accountRef": {"name": "a"},
            "topics": [{"name": "ops"}],
            "alarms": [{"name": "cpu", "namespace": "AWS/EC2", "metricName": "CPUUtilization", "statistic": "Average",
                "period": 300, "evaluationPeriods": 2, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold"}],
            "compositeAlarms": [{"name": "both", "rule": "ALARM(cpu)"}],
            "dashboards": [{"name": "overview", "body": {"widgets": []}}],
            "logGroups": [{"name": "/ops/app", "retentionInDays": 14, "kmsKeyId": "alias/k"}],
            "logMetricFilters": [{"name": "errors", "logGroupName": "/ops/app", "pattern": "ERROR",
                "metricNamespace": "Ops", "metricName": "Errors"}],
            "findingRoutes": [{"name": "guardduty", "source": "guardDuty", "topic": "ops"}],
            "scheduledActions": [{"name": "restart", "schedule": "rate(1 day)", "roleArn": role,
                "automation": {"documentName": "AWS-RestartEC2Instance"}},
                {"name": "flush", "schedule": "rate(1 day)", "createRole": true,
                "runCommand": {"documentName": "AWS-RunShellScript", "targets": [{"key": "tag:app", "values": ["a"]}]}}],
            "insightsQueries": [{"name": "q", "queryString": "fields @message", "logGroupNames": ["/ops/app"]}],
            "containerInsights": {"eks": [{"clusterName": "c", "podIdentityRoleArn": role}]},
            "healthChecks": [{"name": "web", "type": "HTTPS", "fqdn": "shop.example.com"}],
            "canaries": [{"name": "api", "runtimeVersion": "syn-nodejs-puppeteer-9.1", "script": "x",
                "schedule": "rate(5 minutes)", "artifactS3Location": "s3://b/c", "executionRoleArn": role}],
            "cloudWatchAgent": {"config": {"agent": {}}, "targets": [{"key": "team", "values": ["a"]}]}
        }));
        for c in COMPONENTS {
            let u = (c.usage)(&full).unwrap_or_else(|| panic!("{} not declared", c.name));
            for x in &u.uses {
                assert!(c.iam.contains(x), "{}: {x} is not in its iam list", c.name);
            }
            let unused: Vec<_> = c.iam.iter().filter(|x| !u.uses.contains(x)).collect();
            assert!(unused.is_empty(), "{}: never used {unused:?}", c.name);
        }
        let passes: Vec<(&str, String)> = COMPONENTS
            .iter()
            .filter_map(|c| (c.usage)(&full))
            .flat_map(|u| u.passes)
            .collect();
        assert_eq!(
            passes,
            [
                (
                    crate::aws::operation::EVENTS_PRINCIPAL,
                    crate::engine::role::ARN_PATTERN.to_string()
                ),
                (crate::aws::operation::EVENTS_PRINCIPAL, role.to_string()),
                (
                    crate::aws::operation::EKS_POD_IDENTITY_PRINCIPAL,
                    role.to_string()
                ),
                (crate::aws::operation::LAMBDA_PRINCIPAL, role.to_string()),
            ]
        );
    }
}
