//! One pass over a PatchSchedule, per region: window -> targets -> tasks, baseline and patch groups, inventory
//! associations; then the read-only parts of status (executions, compliance). Each component is isolated so one
//! failure never blocks the others; IDs are remembered in status so a steady pass reads by ID.

use super::{
    failed, resolve_regions, settle, verify_account, CleanupReport, ComponentOutcome, EngineError,
    PassReport, REGION_CONCURRENCY,
};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DriftPolicy, Owner, Ownership};
use crate::api::patch_schedule::{
    ComplianceSummary, MissingPatch, PatchResources, PatchScheduleSpec, PatchScheduleStatus,
    WindowExecution, MAX_BASELINES_PER_REGION, MAX_WINDOWS_PER_REGION,
};
use crate::aws::ssm::{self, TaskConfig};
use crate::aws::{self, AccountSession, AwsError, AwsFactory, ErrorCategory};
use crate::diff::{diff, diff_resources, touches, FieldDrift};
use crate::patching::{self, rules, schedule};
use aws_sdk_ssm::types::ResourceTypeForTagging;
use futures::{stream, StreamExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::Value;
use std::collections::BTreeMap;

/// How many executions per region status keeps.
pub const EXECUTIONS_KEPT: usize = 5;
/// How many critical non-compliant instances are asked for their missing patches per pass.
pub const CRITICAL_PROBES: usize = 5;

/// Everything one pass needs besides AWS.
#[derive(Clone, Debug)]
pub struct PatchInput<'a> {
    /// The spec.
    pub spec: &'a PatchScheduleSpec,
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
    /// The previous status: remembered IDs and ownership.
    pub previous: Option<&'a PatchScheduleStatus>,
    /// Correct or Report.
    pub mode: DriftPolicy,
    /// The time the pass runs at (next execution is computed from it).
    pub now: jiff::Timestamp,
}

/// Result of one pass: the shared report plus what only a PatchSchedule shows.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PatchReport {
    /// Components, drift, errors.
    pub pass: PassReport,
    /// IDs per region.
    pub resources: Vec<PatchResources>,
    /// Last executions, newest first per region.
    pub executions: Vec<WindowExecution>,
    /// Compliance per region.
    pub compliance: Vec<ComplianceSummary>,
    /// Next window start (RFC 3339).
    pub next_execution: Option<String>,
}

struct Ctx<'a> {
    session: AccountSession,
    input: &'a PatchInput<'a>,
    default_name: String,
    legacy_name: String,
}

impl Ctx<'_> {
    /// Names to look for an existing window or baseline under: the wanted one, and for a default name also the
    /// default of earlier versions (taken over only with proof of ownership, then renamed by the update).
    fn candidate_names(&self, name: &str, explicit: bool) -> Vec<String> {
        let mut names = vec![name.to_string()];
        if !explicit && self.legacy_name != name {
            names.push(self.legacy_name.clone());
        }
        names
    }

    /// True when AWS tags prove this object created the resource.
    fn owns(&self, tags: &BTreeMap<String, String>) -> bool {
        self.input
            .owner
            .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    fn may_write(&self) -> bool {
        self.input.mode == DriftPolicy::Correct
    }

    fn previous_resources(&self, region: &str) -> PatchResources {
        self.input
            .previous
            .and_then(|p| p.resources.iter().find(|r| r.region == region).cloned())
            .unwrap_or_else(|| PatchResources {
                region: region.to_string(),
                ..Default::default()
            })
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

    fn owner_info(&self) -> String {
        format!("{}/{}", self.input.namespace, self.input.name)
    }
}

fn token(owner: &Owner, region: &str, what: &str) -> String {
    // Idempotency token: the same create retried after a lost response returns the same resource.
    let mut t = format!("{}-{region}-{what}", owner.uid);
    t.truncate(64);
    t
}

/// True when every drift is "this resource is missing": writing it means creating, not correcting.
fn all_missing(drift: &[FieldDrift]) -> bool {
    !drift.is_empty()
        && drift
            .iter()
            .all(|d| d.field.ends_with(".exists") && d.desired == Value::Bool(true))
}

fn missing(component: &'static str, region: &str, fields: &[String]) -> ComponentOutcome {
    let drift = fields
        .iter()
        .map(|f| FieldDrift {
            field: f.clone(),
            desired: Value::Bool(true),
            actual: Value::Bool(false),
        })
        .collect();
    settle(component, region, drift, None, false, Ownership::None, None)
}

/// Check tenancy, validate, resolve and verify the account, then reconcile every region.
pub async fn run(factory: &AwsFactory, input: &PatchInput<'_>) -> PatchReport {
    if !input
        .account
        .allows(input.namespace, input.namespace_labels)
    {
        return PatchReport {
            pass: PassReport::fatal(EngineError::AccountNotAllowed {
                account: input.spec.account_ref.name.clone(),
                namespace: input.namespace.to_string(),
            }),
            ..Default::default()
        };
    }
    if let Err(msg) = rules::validate(input.spec) {
        return PatchReport {
            pass: PassReport::fatal(EngineError::InvalidSpec(msg)),
            ..Default::default()
        };
    }
    if let Err(e) = super::check_passable(
        input.account,
        &input.spec.account_ref.name,
        input.spec.passed_roles(),
    ) {
        return PatchReport {
            pass: PassReport::fatal(e),
            ..Default::default()
        };
    }
    let regions = match resolve_regions(&input.spec.regions, &input.account.regions) {
        Ok(r) => r,
        Err(e) => {
            return PatchReport {
                pass: PassReport::fatal(e),
                ..Default::default()
            }
        }
    };
    let home = regions[0].clone();
    let session = match verify_account(factory, input.account, &home, &input.owner).await {
        Ok(s) => s,
        Err(e) => {
            return PatchReport {
                pass: PassReport {
                    regions,
                    ..PassReport::fatal(e)
                },
                ..Default::default()
            }
        }
    };
    let ctx = Ctx {
        session,
        input,
        default_name: rules::default_name(input.namespace, input.name),
        legacy_name: rules::legacy_name(input.namespace, input.name),
    };
    let per_region: Vec<_> = regions.iter().map(|r| region_pass(&ctx, r)).collect();
    let results = stream::iter(per_region)
        .buffered(REGION_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    let mut report = PatchReport {
        pass: PassReport {
            account_id: Some(input.account.account_id.clone()),
            regions: regions.clone(),
            outcomes: vec![],
            fatal: None,
        },
        ..Default::default()
    };
    let mut anchor = None;
    for r in results {
        if r.resources.region == home {
            anchor = r.window_created;
        }
        report.pass.outcomes.extend(r.outcomes);
        report.resources.push(r.resources);
        report.executions.extend(r.executions);
        report.compliance.extend(r.compliance);
    }
    removed_regions(&ctx, &regions, &mut report).await;
    let w = &input.spec.window;
    report.next_execution = schedule::next_execution(
        &w.schedule,
        w.timezone.as_deref(),
        w.schedule_offset,
        w.start_date.as_deref(),
        w.end_date.as_deref(),
        anchor,
        input.now,
    )
    .ok()
    .flatten()
    .filter(|_| w.enabled)
    .map(|t| t.to_string());
    report
}

/// Regions status records but the spec no longer lists: what this object created there is deleted as on deletion
/// (by tags, following `deletionPolicy`), or reported as drift under `driftPolicy: Report`. Until that succeeds the
/// region stays in status, so the next pass tries again and a deletion still finds it.
async fn removed_regions(ctx: &Ctx<'_>, regions: &[String], report: &mut PatchReport) {
    let input = ctx.input;
    let removed: Vec<&PatchResources> = input
        .previous
        .iter()
        .flat_map(|p| &p.resources)
        .filter(|r| !regions.contains(&r.region) && crate::aws::regions::is_known(&r.region))
        .filter(|r| {
            r.window_id.is_some() || r.baseline_id.is_some() || !r.association_ids.is_empty()
        })
        .collect();
    for prev in removed {
        let region = &prev.region;
        let outcome = super::removed_region(
            region,
            input.spec.deletion_policy,
            ctx.may_write(),
            patching::WINDOW,
            prev.window_id.clone(),
            || cleanup_region(&ctx.session, input, region),
        )
        .await;
        match outcome {
            super::RemovedRegion::Retained | super::RemovedRegion::Cleaned => {}
            super::RemovedRegion::Reported(o) => {
                report.pass.outcomes.push(o);
                report.resources.push(prev.clone());
            }
            super::RemovedRegion::Failed(o) => {
                report.pass.outcomes.extend(o);
                report.resources.push(prev.clone());
            }
        }
    }
}

#[derive(Default)]
struct RegionResult {
    outcomes: Vec<ComponentOutcome>,
    resources: PatchResources,
    executions: Vec<WindowExecution>,
    compliance: Option<ComplianceSummary>,
    window_created: Option<jiff::Timestamp>,
}

async fn region_pass(ctx: &Ctx<'_>, region: &str) -> RegionResult {
    let client = ctx.session.ssm(region);
    let spec = ctx.input.spec;
    let prev = ctx.previous_resources(region);
    let mut res = PatchResources {
        region: region.to_string(),
        ..Default::default()
    };
    let mut out = RegionResult::default();

    // Locate what exists before writing anything, so the AWS caps are checked first.
    let window = match locate_window(ctx, &client, region, &prev).await {
        Ok(w) => w,
        Err(e) => {
            let own = ctx
                .previous_ownership(patching::WINDOW, region)
                .unwrap_or(Ownership::None);
            out.outcomes.push(failed(patching::WINDOW, region, own, e));
            // Keep the remembered IDs (and so the ownership proof) until AWS can be read again.
            out.resources = prev;
            return out;
        }
    };
    let baseline = match &spec.baseline {
        Some(b) => match locate_baseline(ctx, &client, region, &prev, b).await {
            Ok(found) => Some(found),
            Err(e) => {
                let own = ctx
                    .previous_ownership(patching::BASELINE, region)
                    .unwrap_or(Ownership::None);
                out.outcomes
                    .push(failed(patching::BASELINE, region, own, e));
                res.baseline_id = prev.baseline_id.clone();
                None
            }
        },
        None => None,
    };
    if ctx.may_write() {
        if let Err(e) = check_caps(&client, window.is_none(), matches!(baseline, Some(None))).await
        {
            for c in [patching::WINDOW, patching::TARGETS, patching::TASKS] {
                let own = ctx.previous_ownership(c, region).unwrap_or(Ownership::None);
                out.outcomes.push(failed(c, region, own, e.clone()));
            }
            out.resources = prev;
            return out;
        }
    }

    // Window.
    let (window_id, window_owned) = {
        let (o, id, owned, created) = reconcile_window(ctx, &client, region, window).await;
        out.outcomes.push(o);
        out.window_created = created;
        (id, owned)
    };
    res.window_id = window_id.clone();

    // Targets, then tasks (tasks run on the target IDs).
    match &window_id {
        Some(wid) => {
            let (o, ids) = reconcile_targets(ctx, &client, region, wid, window_owned).await;
            out.outcomes.push(o);
            res.target_ids = ids;
            let ids: Vec<String> = res.target_ids.values().cloned().collect();
            let (o, task_ids) =
                reconcile_tasks(ctx, &client, region, wid, window_owned, &ids).await;
            out.outcomes.push(o);
            res.task_ids = task_ids;
        }
        None => {
            let t: Vec<String> = spec
                .targets
                .iter()
                .map(|g| format!("{}.{}.exists", patching::TARGETS, g.name))
                .collect();
            out.outcomes.push(missing(patching::TARGETS, region, &t));
            let k: Vec<String> = rules::tasks(spec, &[])
                .iter()
                .map(|t| format!("{}.{}.exists", patching::TASKS, t.name))
                .collect();
            out.outcomes.push(missing(patching::TASKS, region, &k));
        }
    }

    // Baseline and patch groups; a baseline removed from the spec is deleted when the operator created it.
    match (&spec.baseline, baseline) {
        (Some(b), Some(found)) => {
            let (o, id) = reconcile_baseline(ctx, &client, region, b, found).await;
            out.outcomes.push(o);
            res.baseline_id = id;
        }
        (None, _) => {
            if let (Some(id), Some(Ownership::Created), true) = (
                &prev.baseline_id,
                ctx.previous_ownership(patching::BASELINE, region),
                ctx.may_write(),
            ) {
                if let Err(e) = delete_baseline(&client, id).await {
                    out.outcomes
                        .push(failed(patching::BASELINE, region, Ownership::Created, e));
                    res.baseline_id = Some(id.clone());
                }
            }
        }
        (Some(_), None) => {}
    }

    // Inventory.
    let (o, assoc) = reconcile_inventory(ctx, &client, region, &prev).await;
    out.outcomes.extend(o);
    res.association_ids = assoc;

    // Read-only status: executions and compliance.
    if let Some(wid) = &res.window_id {
        match ssm::executions(&client, wid, EXECUTIONS_KEPT as i32).await {
            Ok(ex) => {
                out.executions = ex
                    .into_iter()
                    .map(|(id, status, start, end)| WindowExecution {
                        region: region.to_string(),
                        execution_id: id,
                        status,
                        start_time: start.map(Time),
                        end_time: end.map(Time),
                    })
                    .collect()
            }
            Err(e) => out
                .outcomes
                .push(failed(patching::COMPLIANCE, region, Ownership::None, e)),
        }
    }
    match compliance(ctx, region).await {
        Ok(c) => {
            out.compliance = Some(c);
        }
        Err(e) => out
            .outcomes
            .push(failed(patching::COMPLIANCE, region, Ownership::None, e)),
    }
    out.resources = res;
    crate::progress::finished(&ctx.input.account.account_id, &out.outcomes);
    out
}

async fn check_caps(
    client: &aws_sdk_ssm::Client,
    window: bool,
    baseline: bool,
) -> Result<(), AwsError> {
    if window {
        let n = ssm::count_windows(client).await?;
        if n >= MAX_WINDOWS_PER_REGION {
            return Err(AwsError::new(
                "ssm",
                "CreateMaintenanceWindow",
                ErrorCategory::QuotaExceeded,
                format!("the region already has {n} maintenance windows; AWS allows {MAX_WINDOWS_PER_REGION}. Nothing was written"),
            ));
        }
    }
    if baseline {
        let n = ssm::own_baselines(client).await?.len();
        if n >= MAX_BASELINES_PER_REGION {
            return Err(AwsError::new(
                "ssm",
                "CreatePatchBaseline",
                ErrorCategory::QuotaExceeded,
                format!("the region already has {n} custom patch baselines; AWS allows {MAX_BASELINES_PER_REGION}. Nothing was written"),
            ));
        }
    }
    Ok(())
}

/// A window found in AWS and whether the operator created it.
struct Found<T> {
    state: T,
    owned: bool,
}

async fn locate_window(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
) -> Result<Option<Found<ssm::WindowState>>, AwsError> {
    if let Some(id) = &prev.window_id {
        if let Some(state) = ssm::get_window(client, id).await? {
            let owned =
                ctx.previous_ownership(patching::WINDOW, region) != Some(Ownership::Adopted);
            return Ok(Some(Found { state, owned }));
        }
    }
    let name = rules::window(ctx.input.spec, &ctx.default_name).name;
    let explicit = ctx.input.spec.window.name.is_some();
    let mut adopted = None;
    for candidate in ctx.candidate_names(&name, explicit) {
        for id in ssm::find_windows(client, &candidate).await? {
            let tags = ssm::tags(client, ResourceTypeForTagging::MaintenanceWindow, &id).await?;
            if ctx.owns(&tags) {
                return Ok(ssm::get_window(client, &id)
                    .await?
                    .map(|state| Found { state, owned: true }));
            }
            if candidate == name {
                adopted.get_or_insert(id);
            }
        }
    }
    match adopted {
        Some(id) if explicit => Ok(ssm::get_window(client, &id).await?.map(|state| Found {
            state,
            owned: false,
        })),
        Some(_) => Err(name_taken("maintenance window", &name, "spec.window.name")),
        None => Ok(None),
    }
}

/// A resource with the default name exists and its tags do not prove it is this object's: it belongs to someone
/// else (another object, another tool) and is left alone.
fn name_taken(what: &str, name: &str, field: &str) -> AwsError {
    AwsError::new(
        "ssm",
        "CreateMaintenanceWindow",
        ErrorCategory::InvalidInput,
        format!(
            "a {what} named {name} exists and is not tagged as this PatchSchedule's; it is left alone. Set {field} \
             to its name to adopt it, or to another name"
        ),
    )
}

fn ownership(owned: bool) -> Ownership {
    if owned {
        Ownership::Created
    } else {
        Ownership::Adopted
    }
}

async fn reconcile_window(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    found: Option<Found<ssm::WindowState>>,
) -> (
    ComponentOutcome,
    Option<String>,
    bool,
    Option<jiff::Timestamp>,
) {
    let c = patching::WINDOW;
    let want = rules::window(ctx.input.spec, &ctx.default_name);
    let drift = diff(
        c,
        &rules::fields(c, Some(&want), true),
        &rules::fields(c, found.as_ref().map(|f| &f.state.config), false),
    );
    let created_at = found.as_ref().and_then(|f| f.state.created);
    match found {
        None if ctx.may_write() => {
            let tags = ctx.input.owner.tags();
            let r = ssm::create_window(
                client,
                &want,
                &tags,
                &token(&ctx.input.owner, region, "window"),
            )
            .await;
            match r {
                Ok(id) => (
                    settle(
                        c,
                        region,
                        drift,
                        Some(Ok(())),
                        true,
                        Ownership::Created,
                        Some(id.clone()),
                    ),
                    Some(id),
                    true,
                    Some(ctx.input.now),
                ),
                Err(e) => (
                    settle(c, region, drift, Some(Err(e)), true, Ownership::None, None),
                    None,
                    false,
                    None,
                ),
            }
        }
        None => (
            settle(c, region, drift, None, false, Ownership::None, None),
            None,
            false,
            None,
        ),
        Some(f) => {
            let exec = if ctx.may_write() && !drift.is_empty() {
                Some(ssm::update_window(client, &f.state.id, &want).await)
            } else {
                None
            };
            (
                settle(
                    c,
                    region,
                    drift,
                    exec,
                    false,
                    ownership(f.owned),
                    Some(f.state.id.clone()),
                ),
                Some(f.state.id),
                f.owned,
                created_at,
            )
        }
    }
}

async fn reconcile_targets(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
    window_owned: bool,
) -> (ComponentOutcome, BTreeMap<String, String>) {
    let c = patching::TARGETS;
    let have = match ssm::targets(client, window_id).await {
        Ok(t) => t,
        Err(e) => {
            return (
                failed(c, region, ownership(window_owned), e),
                BTreeMap::new(),
            )
        }
    };
    let want = rules::targets(ctx.input.spec, &ctx.owner_info());
    let mut desired = BTreeMap::new();
    let mut observed = BTreeMap::new();
    for t in &want {
        let prefix = format!("{c}.{}", t.name);
        desired.extend(rules::fields(&prefix, Some(t), true));
        let found = have.iter().find(|h| h.config.name == t.name);
        observed.extend(rules::fields(&prefix, found.map(|h| &h.config), false));
    }
    // In a window the operator created, targets the spec does not list are drift (and removed).
    let extra: Vec<&ssm::TargetState> = have
        .iter()
        .filter(|h| window_owned && !want.iter().any(|t| t.name == h.config.name))
        .collect();
    for h in &extra {
        desired.insert(format!("{c}.{}.exists", h.config.name), Value::Bool(false));
        observed.insert(format!("{c}.{}.exists", h.config.name), Value::Bool(true));
    }
    let drift = diff_resources(&desired, &observed);
    let mut ids: BTreeMap<String, String> = have
        .iter()
        .filter(|h| want.iter().any(|t| t.name == h.config.name))
        .map(|h| (h.config.name.clone(), h.id.clone()))
        .collect();
    let exec = if ctx.may_write() && !drift.is_empty() {
        let r: Result<(), AwsError> = async {
            for t in &want {
                let prefix = format!("{c}.{}", t.name);
                if !touches(&drift, &[&prefix]) {
                    continue;
                }
                match ids.get(&t.name) {
                    Some(id) => ssm::update_target(client, window_id, id, t).await?,
                    None => {
                        let id = ssm::register_target(client, window_id, t).await?;
                        ids.insert(t.name.clone(), id);
                    }
                }
            }
            for h in &extra {
                ssm::deregister_target(client, window_id, &h.id).await?;
            }
            Ok(())
        }
        .await;
        Some(r)
    } else {
        None
    };
    let created = all_missing(&drift);
    (
        settle(
            c,
            region,
            drift,
            exec,
            created,
            ownership(window_owned),
            None,
        ),
        ids,
    )
}

async fn reconcile_tasks(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
    window_owned: bool,
    target_ids: &[String],
) -> (ComponentOutcome, BTreeMap<String, String>) {
    let c = patching::TASKS;
    let own = ownership(window_owned);
    let listed = match ssm::tasks(client, window_id).await {
        Ok(t) => t,
        Err(e) => return (failed(c, region, own, e), BTreeMap::new()),
    };
    let want: Vec<TaskConfig> = rules::tasks(ctx.input.spec, target_ids);
    let mut desired = BTreeMap::new();
    let mut observed = BTreeMap::new();
    let mut ids = BTreeMap::new();
    for t in &want {
        let prefix = format!("{c}.{}", t.name);
        desired.extend(rules::fields(&prefix, Some(t), true));
        let found = match listed.iter().find(|l| l.name == t.name) {
            Some(l) => match ssm::get_task(client, window_id, &l.id).await {
                Ok(Some(cfg)) => {
                    ids.insert(t.name.clone(), l.id.clone());
                    Some(cfg)
                }
                Ok(None) => None,
                Err(e) => return (failed(c, region, own, e), ids),
            },
            None => None,
        };
        observed.extend(rules::fields(&prefix, found.as_ref(), false));
    }
    let extra: Vec<&ssm::TaskSummary> = listed
        .iter()
        .filter(|l| window_owned && !want.iter().any(|t| t.name == l.name))
        .collect();
    for l in &extra {
        desired.insert(format!("{c}.{}.exists", l.name), Value::Bool(false));
        observed.insert(format!("{c}.{}.exists", l.name), Value::Bool(true));
    }
    let drift = diff_resources(&desired, &observed);
    let exec = if ctx.may_write() && !drift.is_empty() {
        let r: Result<(), AwsError> = async {
            for t in &want {
                let prefix = format!("{c}.{}", t.name);
                if !touches(&drift, &[&prefix]) {
                    continue;
                }
                match ids.get(&t.name) {
                    Some(id) => ssm::update_task(client, window_id, id, t).await?,
                    None => {
                        let id = ssm::register_task(client, window_id, t).await?;
                        ids.insert(t.name.clone(), id);
                    }
                }
            }
            for l in &extra {
                ssm::deregister_task(client, window_id, &l.id).await?;
            }
            Ok(())
        }
        .await;
        Some(r)
    } else {
        None
    };
    let created = all_missing(&drift);
    (settle(c, region, drift, exec, created, own, None), ids)
}

async fn locate_baseline(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
    spec: &crate::api::patch_schedule::PatchBaselineSpec,
) -> Result<Option<Found<ssm::BaselineState>>, AwsError> {
    if let Some(id) = &prev.baseline_id {
        if let Some(state) = ssm::get_baseline(client, id).await? {
            let owned =
                ctx.previous_ownership(patching::BASELINE, region) != Some(Ownership::Adopted);
            return Ok(Some(Found { state, owned }));
        }
    }
    let name = rules::baseline(spec, &ctx.default_name).name;
    let explicit = spec.name.is_some();
    let existing = ssm::own_baselines(client).await?;
    let mut adopted = None;
    for candidate in ctx.candidate_names(&name, explicit) {
        for (id, _) in existing.iter().filter(|(_, n)| *n == candidate) {
            let tags = ssm::tags(client, ResourceTypeForTagging::PatchBaseline, id).await?;
            if ctx.owns(&tags) {
                return Ok(ssm::get_baseline(client, id)
                    .await?
                    .map(|state| Found { state, owned: true }));
            }
            if candidate == name {
                adopted.get_or_insert(id.clone());
            }
        }
    }
    match adopted {
        Some(id) if explicit => Ok(ssm::get_baseline(client, &id).await?.map(|state| Found {
            state,
            owned: false,
        })),
        Some(_) => Err(name_taken("patch baseline", &name, "spec.baseline.name")),
        None => Ok(None),
    }
}

async fn reconcile_baseline(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    spec: &crate::api::patch_schedule::PatchBaselineSpec,
    found: Option<Found<ssm::BaselineState>>,
) -> (ComponentOutcome, Option<String>) {
    let c = patching::BASELINE;
    let want = rules::baseline(spec, &ctx.default_name);
    let mut groups = spec.patch_groups.clone();
    groups.sort();
    groups.dedup();
    let mut desired = rules::fields(c, Some(&want), true);
    desired.insert(format!("{c}.patchGroups"), serde_json::json!(groups));
    let mut observed = rules::fields(c, found.as_ref().map(|f| &f.state.config), false);
    if let Some(f) = &found {
        let mut have = f.state.patch_groups.clone();
        have.sort();
        observed.insert(format!("{c}.patchGroups"), serde_json::json!(have));
    }
    let drift = diff(c, &desired, &observed);
    let id = found.as_ref().map(|f| f.state.id.clone());
    let own = found
        .as_ref()
        .map(|f| ownership(f.owned))
        .unwrap_or(Ownership::None);
    if !ctx.may_write() || drift.is_empty() {
        return (settle(c, region, drift, None, false, own, id.clone()), id);
    }
    if touches(&drift, &[&format!("{c}.operatingSystem")]) && found.is_some() {
        let e = AwsError::new(
            "ssm",
            "UpdatePatchBaseline",
            ErrorCategory::InvalidInput,
            "a patch baseline's operating system cannot change; give the baseline another name",
        );
        return (
            settle(c, region, drift, Some(Err(e)), false, own, id.clone()),
            id,
        );
    }
    let created = found.is_none();
    let mut new_id = id.clone();
    let r: Result<(), AwsError> = async {
        let bid = match &found {
            None => {
                let tags = ctx.input.owner.tags();
                let bid = ssm::create_baseline(
                    client,
                    &want,
                    &tags,
                    &token(&ctx.input.owner, region, "baseline"),
                )
                .await?;
                new_id = Some(bid.clone());
                bid
            }
            Some(f) => {
                let settings = drift.iter().any(|d| d.field != format!("{c}.patchGroups"));
                if settings {
                    ssm::update_baseline(client, &f.state.id, &want).await?;
                }
                f.state.id.clone()
            }
        };
        let have = found
            .as_ref()
            .map(|f| f.state.patch_groups.clone())
            .unwrap_or_default();
        for g in groups.iter().filter(|g| !have.contains(g)) {
            ssm::register_patch_group(client, &bid, g).await?;
        }
        for g in have.iter().filter(|g| !groups.contains(g)) {
            ssm::deregister_patch_group(client, &bid, g).await?;
        }
        Ok(())
    }
    .await;
    let own = if created && new_id.is_some() {
        Ownership::Created
    } else {
        own
    };
    (
        settle(c, region, drift, Some(r), created, own, new_id.clone()),
        new_id,
    )
}

async fn delete_baseline(client: &aws_sdk_ssm::Client, id: &str) -> Result<(), AwsError> {
    if let Some(b) = ssm::get_baseline(client, id).await? {
        for g in &b.patch_groups {
            ssm::deregister_patch_group(client, id, g).await?;
        }
        ssm::delete_baseline(client, id).await?;
    }
    Ok(())
}

async fn reconcile_inventory(
    ctx: &Ctx<'_>,
    client: &aws_sdk_ssm::Client,
    region: &str,
    prev: &PatchResources,
) -> (Vec<ComponentOutcome>, BTreeMap<String, String>) {
    let c = patching::INVENTORY;
    let spec = ctx.input.spec;
    let prev_own = ctx.previous_ownership(c, region);
    let Some(inv) = &spec.inventory else {
        // Inventory removed from the spec: delete the associations the operator created.
        if prev.association_ids.is_empty()
            || prev_own != Some(Ownership::Created)
            || !ctx.may_write()
        {
            return (vec![], prev.association_ids.clone());
        }
        let mut left = BTreeMap::new();
        for (g, id) in &prev.association_ids {
            if let Err(e) = ssm::delete_association(client, id).await {
                left.insert(g.clone(), id.clone());
                return (vec![failed(c, region, Ownership::Created, e)], left);
            }
        }
        return (vec![], left);
    };
    let have = match ssm::associations(client, rules::INVENTORY_DOCUMENT).await {
        Ok(a) => a,
        Err(e) => {
            return (
                vec![failed(c, region, prev_own.unwrap_or(Ownership::None), e)],
                prev.association_ids.clone(),
            )
        }
    };
    let want: Vec<(String, ssm::AssociationConfig)> = spec
        .targets
        .iter()
        .map(|g| (g.name.clone(), rules::inventory(inv, g, &ctx.default_name)))
        .collect();
    let mut desired = BTreeMap::new();
    let mut observed = BTreeMap::new();
    let mut ids = BTreeMap::new();
    let mut owned = prev_own != Some(Ownership::Adopted);
    for (g, a) in &want {
        let prefix = format!("{c}.{g}");
        desired.extend(rules::fields(&prefix, Some(a), true));
        // By name, or (a name this version derives differently) by the ID this object recorded for the group:
        // the update then renames it instead of creating a second association.
        let found = have
            .iter()
            .find(|h| h.config.association_name == a.association_name)
            .or_else(|| {
                prev.association_ids
                    .get(g)
                    .and_then(|id| have.iter().find(|h| h.id == *id))
            });
        let found = match found {
            Some(h) => {
                if !prev.association_ids.values().any(|i| *i == h.id) {
                    // First sight: prove ownership by tags.
                    match ssm::tags(client, ResourceTypeForTagging::Association, &h.id).await {
                        Ok(t) => {
                            owned &= ctx
                                .input
                                .owner
                                .owns(t.iter().map(|(k, v)| (k.as_str(), v.as_str())))
                        }
                        Err(e) => return (vec![failed(c, region, Ownership::None, e)], ids),
                    }
                }
                match ssm::association_parameters(client, &h.id).await {
                    Ok(p) => {
                        ids.insert(g.clone(), h.id.clone());
                        let mut cfg = h.config.clone();
                        cfg.parameters = p;
                        Some(cfg)
                    }
                    Err(e) => return (vec![failed(c, region, Ownership::None, e)], ids),
                }
            }
            None => None,
        };
        observed.extend(rules::fields(&prefix, found.as_ref(), false));
    }
    // Associations this object created for target groups that are gone.
    let stale: Vec<(String, String)> = prev
        .association_ids
        .iter()
        .filter(|(g, _)| owned && !want.iter().any(|(w, _)| w == *g))
        .map(|(g, id)| (g.clone(), id.clone()))
        .collect();
    for (g, _) in &stale {
        desired.insert(format!("{c}.{g}.exists"), Value::Bool(false));
        observed.insert(format!("{c}.{g}.exists"), Value::Bool(true));
    }
    let drift = diff_resources(&desired, &observed);
    let any_existed = !ids.is_empty();
    let exec = if ctx.may_write() && !drift.is_empty() {
        let tags = ctx.input.owner.tags();
        let r: Result<(), AwsError> = async {
            for (g, a) in &want {
                if !touches(&drift, &[&format!("{c}.{g}")]) {
                    continue;
                }
                match ids.get(g) {
                    Some(id) => ssm::update_association(client, id, a).await?,
                    None => {
                        let id = ssm::create_association(client, a, &tags).await?;
                        ids.insert(g.clone(), id);
                    }
                }
            }
            for (_, id) in &stale {
                ssm::delete_association(client, id).await?;
            }
            Ok(())
        }
        .await;
        Some(r)
    } else {
        None
    };
    let own = if !any_existed && exec.as_ref().is_some_and(|r| r.is_ok()) {
        Ownership::Created
    } else if any_existed {
        ownership(owned)
    } else {
        Ownership::None
    };
    let created = !any_existed && all_missing(&drift);
    (
        vec![settle(c, region, drift, exec, created, own, None)],
        ids,
    )
}

async fn compliance(ctx: &Ctx<'_>, region: &str) -> Result<ComplianceSummary, AwsError> {
    let spec = ctx.input.spec;
    let ec2 = ctx.session.ec2(region);
    let mut ids: Vec<String> = Vec::new();
    for g in &spec.targets {
        if !g.instance_ids.is_empty() {
            ids.extend(g.instance_ids.iter().cloned());
        } else if !g.tags.is_empty() {
            let tags: Vec<(String, Vec<String>)> = g
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.values.clone()))
                .collect();
            ids.extend(aws::ec2::instances_with_tags(&ec2, &tags).await?);
        }
    }
    ids.sort();
    ids.dedup();
    let mut sum = ComplianceSummary {
        region: region.to_string(),
        targeted_instances: ids.len() as u32,
        ..Default::default()
    };
    if ids.is_empty() {
        return Ok(sum);
    }
    let client = ctx.session.ssm(region);
    let states = ssm::patch_states(&client, &ids).await?;
    for s in &states {
        if s.missing > 0 || s.failed > 0 {
            sum.non_compliant += 1;
        } else {
            sum.compliant += 1;
        }
        sum.missing_patches += s.missing.max(0) as u32;
        sum.failed_patches += s.failed.max(0) as u32;
        if s.critical_non_compliant > 0 {
            sum.critical_non_compliant += 1;
        }
    }
    sum.not_reported = (ids.len() - states.len().min(ids.len())) as u32;
    let previous = ctx.input.previous.and_then(|p| {
        p.compliance
            .iter()
            .find(|c| c.region == region)
            .and_then(|c| c.oldest_missing_critical.clone())
    });
    let mut critical: Vec<&ssm::PatchState> = states
        .iter()
        .filter(|s| s.critical_non_compliant > 0)
        .collect();
    critical.sort_by_key(|s| s.operation_end);
    // The instance remembered last time is probed first so its "since" survives.
    if let Some(p) = &previous {
        critical.sort_by_key(|s| s.instance_id != p.instance_id);
    }
    let mut oldest: Option<MissingPatch> = None;
    for s in critical.into_iter().take(CRITICAL_PROBES) {
        for (kb, title) in ssm::missing_critical(&client, &s.instance_id).await? {
            let since = previous
                .as_ref()
                .filter(|p| p.kb_id == kb && p.instance_id == s.instance_id)
                .map(|p| p.since.clone())
                .unwrap_or_else(|| Time(s.operation_end.unwrap_or(ctx.input.now)));
            let candidate = MissingPatch {
                kb_id: kb,
                title: (!title.is_empty()).then_some(title),
                instance_id: s.instance_id.clone(),
                since,
            };
            if oldest
                .as_ref()
                .is_none_or(|o| candidate.since.0 < o.since.0)
            {
                oldest = Some(candidate);
            }
        }
    }
    sum.oldest_missing_critical = oldest;
    Ok(sum)
}

/// Undo what the operator created, following `deletionPolicy`: the windows (with their targets and tasks),
/// baselines (after deregistering their patch groups) and inventory associations it created. Adopted
/// resources are left alone.
pub async fn cleanup(
    factory: &AwsFactory,
    input: &PatchInput<'_>,
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

/// Delete one window, baseline or association when its AWS tags prove `owns`; `Ok(None)` when it is already gone,
/// `Ok(Some(action))` saying what was deleted or left.
#[allow(clippy::too_many_arguments)]
async fn delete_if_ours<D, F>(
    client: &aws_sdk_ssm::Client,
    owns: &impl Fn(&BTreeMap<String, String>) -> bool,
    kind: ResourceTypeForTagging,
    what: &str,
    id: &str,
    region: &str,
    exists: impl std::future::Future<Output = Result<bool, AwsError>>,
    delete: D,
) -> Result<Option<String>, AwsError>
where
    D: FnOnce() -> F,
    F: std::future::Future<Output = Result<(), AwsError>>,
{
    if !exists.await? {
        return Ok(None);
    }
    match ssm::tags(client, kind, id).await {
        Ok(t) if owns(&t) => {
            delete().await?;
            Ok(Some(format!("deleted {what} {id} in {region}")))
        }
        Ok(_) => Ok(Some(format!(
            "left {what} {id} in {region}: not tagged as this object's"
        ))),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Delete in one region what this object created: the window, baseline and inventory associations recorded in
/// status and those found under its names (a crash between a create and the status write leaves no record). Each
/// is deleted only when its AWS tags prove this object created it — status alone is never proof, since anyone
/// who may write status could otherwise point the operator at any resource.
async fn cleanup_region(
    session: &AccountSession,
    input: &PatchInput<'_>,
    region: &str,
) -> CleanupReport {
    let mut report = CleanupReport::default();
    let client = session.ssm(region);
    let prev = input
        .previous
        .and_then(|p| p.resources.iter().find(|r| r.region == region))
        .cloned()
        .unwrap_or_default();
    let default = rules::default_name(input.namespace, input.name);
    let legacy = rules::legacy_name(input.namespace, input.name);
    let owns = |tags: &BTreeMap<String, String>| {
        input
            .owner
            .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    };
    let mut act = |r: Result<Option<String>, AwsError>| match r {
        Ok(Some(a)) => report.actions.push(a),
        Ok(None) => {}
        Err(e) => report.errors.push(e),
    };

    // Maintenance windows.
    let window_name = rules::window(input.spec, &default).name;
    let found: Result<Vec<String>, AwsError> = async {
        let mut ids: Vec<String> = prev.window_id.iter().cloned().collect();
        for name in [&window_name, &legacy] {
            ids.extend(ssm::find_windows(&client, name).await?);
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
    .await;
    for id in found.unwrap_or_else(|e| {
        act(Err(e));
        vec![]
    }) {
        let exists = async { Ok(ssm::get_window(&client, &id).await?.is_some()) };
        let delete = || ssm::delete_window(&client, &id);
        let kind = ResourceTypeForTagging::MaintenanceWindow;
        act(delete_if_ours(
            &client,
            &owns,
            kind,
            "maintenance window",
            &id,
            region,
            exists,
            delete,
        )
        .await);
    }

    // Patch baseline.
    let baseline_name = input
        .spec
        .baseline
        .as_ref()
        .map(|b| rules::baseline(b, &default).name);
    let found: Result<Vec<String>, AwsError> = async {
        let mut ids: Vec<String> = prev.baseline_id.iter().cloned().collect();
        if baseline_name.is_some() || !ids.is_empty() {
            let names: Vec<&String> = baseline_name.iter().chain([&legacy, &default]).collect();
            ids.extend(
                ssm::own_baselines(&client)
                    .await?
                    .into_iter()
                    .filter(|(_, n)| names.contains(&n))
                    .map(|(id, _)| id),
            );
        }
        ids.sort();
        ids.dedup();
        Ok(ids)
    }
    .await;
    for id in found.unwrap_or_else(|e| {
        act(Err(e));
        vec![]
    }) {
        let exists = async { Ok(ssm::get_baseline(&client, &id).await?.is_some()) };
        let delete = || delete_baseline(&client, &id);
        let kind = ResourceTypeForTagging::PatchBaseline;
        act(delete_if_ours(
            &client,
            &owns,
            kind,
            "patch baseline",
            &id,
            region,
            exists,
            delete,
        )
        .await);
    }

    // Inventory associations: recorded ones, and any of the inventory document named after this object.
    let found = async {
        // Only a schedule with (or that had) inventory lists associations: ssm:ListAssociations is granted
        // per section.
        if input.spec.inventory.is_none() && prev.association_ids.is_empty() {
            return Ok(vec![]);
        }
        let prefixes = [
            format!("{default}-inventory-"),
            format!("{legacy}-inventory-"),
        ];
        Ok::<_, AwsError>(
            ssm::associations(&client, rules::INVENTORY_DOCUMENT)
                .await?
                .into_iter()
                .filter(|a| {
                    prev.association_ids.values().any(|id| *id == a.id)
                        || prefixes
                            .iter()
                            .any(|p| a.config.association_name.starts_with(p.as_str()))
                })
                .map(|a| a.id)
                .collect::<Vec<_>>(),
        )
    }
    .await;
    for id in found.unwrap_or_else(|e| {
        act(Err(e));
        vec![]
    }) {
        // Listed just above: it exists.
        let exists = async { Ok(true) };
        let delete = || ssm::delete_association(&client, &id);
        let kind = ResourceTypeForTagging::Association;
        act(delete_if_ours(
            &client,
            &owns,
            kind,
            "inventory association",
            &id,
            region,
            exists,
            delete,
        )
        .await);
    }
    report
}
