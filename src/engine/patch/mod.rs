//! One pass over a PatchSchedule, per region: window -> targets -> tasks, baseline and patch groups, inventory
//! associations; then the read-only parts of status (executions, compliance). Each component is isolated so one
//! failure never blocks the others; IDs are remembered in status so a steady pass reads by ID.
//!
//! This file holds the pass (input, report, the region pass, removed regions); `deletion.rs` the deletion pass
//! and the proof of ownership by tags, `members.rs` the writes of window targets and tasks. Each component's
//! reconcile and cleanup sit side by side in its own file, its pure rules in `crate::patching`.
//!
//! The pass is a sequence, each step feeding the next (the window's ID to its targets, the target IDs to the
//! tasks, the quota check to all three), so it is written out in [`region_pass`] rather than driven by a list;
//! what each component declares in one [`Component`] const of its file, listed in [`COMPONENTS`], is its status
//! components and the IAM uses a spec makes of it (`crate::iam_policy`).

mod baseline;
mod compliance;
mod deletion;
mod inventory;
mod members;
mod targets;
mod tasks;
mod window;

use super::cleanup::keep_removed;
use super::{
    failed, resolve_regions, verify_account, ComponentOutcome, EngineError, PassReport,
    REGION_CONCURRENCY,
};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DriftPolicy, Owner, Ownership};
use crate::api::patch_schedule::{
    ComplianceSummary, PatchResources, PatchScheduleSpec, PatchScheduleStatus, WindowExecution,
};
use crate::aws::operation::SectionUsage;
use crate::aws::ssm;
use crate::aws::{AccountSession, AwsError, AwsFactory, ErrorCategory};
use crate::patching::{self, names, schedule};
use futures::{stream, StreamExt};
use std::collections::BTreeMap;

pub use crate::patching::compliance::{CRITICAL_PROBES, EXECUTIONS_KEPT};
pub use deletion::cleanup;
use deletion::{cleanup_region, CleanupCtx};

/// Every PatchSchedule component, in the order a region pass reports them.
pub const COMPONENTS: &[Component] = &[
    window::COMPONENT,
    targets::COMPONENT,
    tasks::COMPONENT,
    baseline::COMPONENT,
    inventory::COMPONENT,
    compliance::COMPONENT,
];

/// One PatchSchedule component: what it reports and what it needs from IAM.
#[derive(Clone, Copy, Debug)]
pub struct Component {
    /// The components it reports in status (`crate::patching::COMPONENTS`).
    pub components: &'static [&'static str],
    /// Every IAM use it can make beyond `PatchSchedule` itself (conditions like `PatchSchedule.targets.tags`):
    /// the section strings the operations' uses refer to.
    pub iam: &'static [&'static str],
    /// The IAM uses a spec makes of this component beyond `PatchSchedule` (`None`: none).
    pub usage: fn(&PatchScheduleSpec) -> Option<SectionUsage>,
}

impl Component {
    /// A component whose calls need only `PatchSchedule` itself (fill in `components`).
    const NO_IAM: Component = Component {
        components: &[],
        iam: &[],
        usage: |_| None,
    };
}

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

/// What every component's reconcile reads: the account session, the input and the object's AWS names.
struct Ctx<'a> {
    session: AccountSession,
    input: &'a PatchInput<'a>,
    default_name: String,
    legacy_name: String,
}

impl Ctx<'_> {
    /// True when AWS tags prove this object created the resource.
    fn owns(&self, tags: &BTreeMap<String, String>) -> bool {
        owned_by(&self.input.owner, tags)
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

    /// The patch task's role when the operator creates it (`patching.createRole`).
    fn service_role_arn(&self, region: &str) -> Option<String> {
        patching::role::service_role_arn(
            self.input.spec,
            &self.input.account.account_id,
            crate::aws::partition(region),
            &self.input.owner,
        )
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

    /// Idempotency token of one create (`what`) in `region`.
    fn client_token(&self, region: &str, what: &str) -> String {
        names::client_token(&self.input.owner.uid, region, what)
    }
}

/// True when AWS `tags` prove `owner` created the resource.
fn owned_by(owner: &Owner, tags: &BTreeMap<String, String>) -> bool {
    owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// A window or baseline found in AWS and whether the operator created it.
struct Found<T> {
    state: T,
    owned: bool,
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

/// Check tenancy, validate, resolve and verify the account, then reconcile every region.
pub async fn run(factory: &AwsFactory, input: &PatchInput<'_>) -> PatchReport {
    if !input
        .account
        .allows(input.namespace, input.namespace_labels)
    {
        return PatchReport {
            pass: PassReport::fatal(EngineError::AccountNotAllowed {
                account: input.spec.account_name().to_string(),
                namespace: input.namespace.to_string(),
            }),
            ..Default::default()
        };
    }
    if let Err(msg) = patching::validate(input.spec) {
        return PatchReport {
            pass: PassReport::fatal(EngineError::InvalidSpec(msg)),
            ..Default::default()
        };
    }
    if let Err(e) = super::check_passable(
        input.account,
        input.spec.account_name(),
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
        default_name: names::default_name(input.namespace, input.name),
        legacy_name: names::legacy_name(input.namespace, input.name),
    };
    // The patch task's service role (`createRole`), before any task is registered with it; IAM is global, so once,
    // reported in the home region.
    let role = match patching::role::service_role(
        input.spec,
        &input.account.account_id,
        crate::aws::partition(&home),
        &input.owner,
    ) {
        Some(r) => {
            let prev = ctx.previous_ownership(r.component, &home);
            let client = ctx.session.iam(&home);
            Some(
                crate::engine::role::reconcile(
                    &client,
                    &r,
                    &input.owner,
                    ctx.may_write(),
                    &home,
                    prev,
                )
                .await,
            )
        }
        None => None,
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
            outcomes: role.into_iter().collect(),
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
        keep_removed(
            outcome,
            prev.clone(),
            &mut report.pass.outcomes,
            &mut report.resources,
        );
    }
}

/// What one region contributes to the report.
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
    let found_window = match window::locate(ctx, &client, region, &prev).await {
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
    let found_baseline = match &spec.baseline {
        Some(b) => match baseline::locate(ctx, &client, region, &prev, b).await {
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
        let new_window = found_window.is_none();
        let new_baseline = matches!(found_baseline, Some(None));
        if let Err(e) = check_quotas(&client, new_window, new_baseline).await {
            for c in [patching::WINDOW, patching::TARGETS, patching::TASKS] {
                let own = ctx.previous_ownership(c, region).unwrap_or(Ownership::None);
                out.outcomes.push(failed(c, region, own, e.clone()));
            }
            out.resources = prev;
            return out;
        }
    }

    // Window.
    let window = window::reconcile(ctx, &client, region, found_window).await;
    out.outcomes.push(window.outcome);
    out.window_created = window.created_at;
    res.window_id = window.id.clone();

    // Targets, then tasks (tasks run on the target IDs).
    match &window.id {
        Some(wid) => {
            let (o, ids) = targets::reconcile(ctx, &client, region, wid, window.owned).await;
            out.outcomes.push(o);
            res.target_ids = ids;
            let (o, task_ids) =
                tasks::reconcile(ctx, &client, region, wid, window.owned, &res.target_ids).await;
            out.outcomes.push(o);
            res.task_ids = task_ids;
        }
        None => {
            out.outcomes.push(targets::missing(ctx, region));
            out.outcomes.push(tasks::missing(ctx, region));
        }
    }

    // Baseline and patch groups; a baseline removed from the spec is deleted when the operator created it.
    match (&spec.baseline, found_baseline) {
        (Some(b), Some(found)) => {
            let (o, id) = baseline::reconcile(ctx, &client, region, b, found).await;
            out.outcomes.push(o);
            res.baseline_id = id;
        }
        (None, _) => {
            if let Err((o, id)) = baseline::delete_dropped(ctx, &client, region, &prev).await {
                out.outcomes.push(o);
                res.baseline_id = Some(id);
            }
        }
        (Some(_), None) => {}
    }

    // Inventory.
    let (o, assoc) = inventory::reconcile(ctx, &client, region, &prev).await;
    out.outcomes.extend(o);
    res.association_ids = assoc;

    // Read-only status: executions and compliance.
    if let Some(wid) = &res.window_id {
        match compliance::executions(&client, region, wid).await {
            Ok(ex) => out.executions = ex,
            Err(e) => out
                .outcomes
                .push(failed(patching::COMPLIANCE, region, Ownership::None, e)),
        }
    }
    // Patch compliance only where the window patches: a plain window has no patch state to report.
    if spec.patching.is_some() {
        match compliance::summary(ctx, region).await {
            Ok(c) => {
                out.compliance = Some(c);
            }
            Err(e) => out
                .outcomes
                .push(failed(patching::COMPLIANCE, region, Ownership::None, e)),
        }
    }
    out.resources = res;
    crate::progress::finished(&ctx.input.account.account_id, &out.outcomes);
    out
}

/// Before a pass creates a window (`new_window`) or a baseline (`new_baseline`): the region must have room for it
/// under the AWS caps, else nothing is written.
async fn check_quotas(
    client: &aws_sdk_ssm::Client,
    new_window: bool,
    new_baseline: bool,
) -> Result<(), AwsError> {
    if new_window {
        let n = ssm::count_windows(client).await?;
        if let Some(msg) = patching::window::over_quota(n) {
            return Err(AwsError::new(
                "ssm",
                "CreateMaintenanceWindow",
                ErrorCategory::QuotaExceeded,
                msg,
            ));
        }
    }
    if new_baseline {
        let n = ssm::own_baselines(client).await?.len();
        if let Some(msg) = patching::baseline::over_quota(n) {
            return Err(AwsError::new(
                "ssm",
                "CreatePatchBaseline",
                ErrorCategory::QuotaExceeded,
                msg,
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_report_every_patching_component_once_in_order() {
        let reported: Vec<&str> = COMPONENTS
            .iter()
            .flat_map(|c| c.components.iter().copied())
            .collect();
        assert_eq!(reported, patching::COMPONENTS);
        for c in COMPONENTS {
            for u in c.iam {
                assert!(u.starts_with("PatchSchedule."), "{u}");
            }
        }
    }

    #[test]
    fn usage_names_only_declared_iam_uses_and_passes_task_roles() {
        let role = "arn:aws:iam::123456789012:role/r";
        let spec: PatchScheduleSpec = serde_json::from_value(serde_json::json!({
            "accountRef": {"name": "a"},
            "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 3, "cutoff": 1},
            "targets": [{"name": "web", "tags": [{"key": "app", "values": ["web"]}]}],
            "patching": {"operation": "Scan", "serviceRoleArn": role},
            "preSteps": [{"name": "pre", "taskType": "RunCommand", "documentName": "AWS-RunShellScript"}],
            "baseline": {"operatingSystem": "AMAZON_LINUX_2", "patchGroups": ["web"]},
            "inventory": {"schedule": "rate(30 minutes)"}
        }))
        .unwrap();
        // The same schedule with the operator's own role for the patch task.
        let mut created = spec.clone();
        let p = created.patching.as_mut().unwrap();
        p.service_role_arn = None;
        p.create_role = true;
        let mut used = Vec::new();
        let mut created_passes = Vec::new();
        for c in COMPONENTS {
            let u = (c.usage)(&spec).unwrap_or_default();
            let v = (c.usage)(&created).unwrap_or_default();
            for x in u.uses.iter().chain(&v.uses) {
                assert!(c.iam.contains(x), "{x} is not in its iam list");
            }
            let unused: Vec<_> = c
                .iam
                .iter()
                .filter(|x| !u.uses.contains(x) && !v.uses.contains(x))
                .collect();
            assert!(unused.is_empty(), "never used {unused:?}");
            used.extend(u.passes);
            created_passes.extend(v.passes);
        }
        assert_eq!(
            used,
            [(crate::aws::operation::SSM_PRINCIPAL, role.to_string())]
        );
        // Only the operator's `awsbaseline-` roles are passed for the patch task it creates the role of.
        assert_eq!(
            created_passes,
            [(
                crate::aws::operation::SSM_PRINCIPAL,
                crate::engine::role::ARN_PATTERN.to_string()
            )]
        );
    }
}
