//! AwsOrganization: read the organization through `accountRef` every `syncInterval` and keep one AwsAccount per
//! selected member ([`crate::engine::organization`]). The AwsAccounts are written by server-side apply under
//! [`ORGANIZATION_MANAGER`] and carry no ownerReference: deleting the AwsOrganization leaves them (and the
//! baselines covering them) as they are, and an AwsOrganization of the same name adopts them again. No finalizer.

use super::{apply_status, interval, now, parsed, publish, Context, Error};
use crate::api::aws_organization::{AccountError, AwsOrganizationStatus};
use crate::api::common::{condition, set_condition, with_stalled};
use crate::api::{AwsAccount, AwsOrganization};
use crate::aws::organizations::REGION;
use crate::engine::organization::{self, Membership, MAX_ERRORS, MAX_MARKED};
use crate::engine::status::EventNote;
use kube::api::{Patch, PatchParams};
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::{Api, ResourceExt};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Field manager of the generated AwsAccounts (their labels, annotations and spec).
pub const ORGANIZATION_MANAGER: &str = "aws-baseline-operator-organizations";
/// `syncInterval` when the spec sets none.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(600);

/// Why a sync could not read the organization: (category, message, retried with backoff).
struct Failure {
    category: &'static str,
    message: String,
    retry: bool,
}

/// Reconcile one AwsOrganization.
pub async fn reconcile_organization(
    guard: Arc<DeserializeGuard<AwsOrganization>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = parsed(guard.as_ref())?;
    let started = Instant::now();
    let name = obj.name_any();
    let every = obj
        .spec
        .sync_interval
        .as_deref()
        .map_or(DEFAULT_SYNC_INTERVAL, interval);
    let previous = obj.status.clone().unwrap_or_default();
    let t = now();
    let mut status = AwsOrganizationStatus {
        observed_generation: obj.metadata.generation,
        last_sync_time: previous.last_sync_time.clone(),
        organization_id: previous.organization_id.clone(),
        management_account_id: previous.management_account_id.clone(),
        counts: previous.counts.clone(),
        organizational_units: previous.organizational_units.clone(),
        errors: previous.errors.clone(),
        marked: previous.marked.clone(),
        conditions: Vec::new(),
    };
    let mut notes = Vec::new();
    let outcome = sync(&obj, &ctx, &t, &mut status, &mut notes).await;
    let (synced, ready) = match &outcome {
        Ok(_) => {
            let plan_ok = status.errors.is_empty();
            let counts = status.counts.clone().unwrap_or_default();
            let synced = (
                true,
                "Synced",
                format!(
                    "{} member account(s) read; {} selected",
                    counts.members, counts.selected
                ),
            );
            let ready = if !plan_ok {
                (
                    false,
                    "AccountErrors",
                    format!(
                        "{} account(s) could not be kept (see status.errors)",
                        status.errors.len()
                    ),
                )
            } else {
                (
                    true,
                    "AccountsInSync",
                    format!(
                        "{} selected account(s) have their AwsAccount; {} marked",
                        counts.selected,
                        status.marked.len()
                    ),
                )
            };
            (synced, ready)
        }
        Err(f) => (
            (false, f.category, f.message.clone()),
            (false, f.category, f.message.clone()),
        ),
    };
    // An OU the rules name that the organization lacks selects nothing: Ready=False, the sync still runs.
    let ready = match &outcome {
        Ok(Some(m)) if ready.0 => (false, "UnknownOrganizationalUnit", m.clone()),
        _ => ready,
    };
    let conditions = vec![
        set_condition(
            &previous.conditions,
            condition::READY,
            ready.0,
            ready.1,
            ready.2,
            obj.metadata.generation,
            &t,
        ),
        set_condition(
            &previous.conditions,
            condition::SYNCED,
            synced.0,
            synced.1,
            synced.2,
            obj.metadata.generation,
            &t,
        ),
    ];
    // Stalled=True while Ready is False for a reason retrying cannot fix (AssumeRoleDenied, AccessDenied, ...).
    status.conditions = with_stalled(
        conditions,
        &previous.conditions,
        obj.metadata.generation,
        &t,
    );
    if Some(&status) != obj.status.as_ref() {
        let api: Api<AwsOrganization> = Api::all(ctx.client.clone());
        apply_status(&api, &name, &status).await?;
    }
    if let Err(f) = &outcome {
        let was = previous
            .conditions
            .iter()
            .any(|c| c.type_ == condition::SYNCED && c.reason == f.category);
        if !was {
            notes.push(EventNote {
                warning: true,
                reason: "SyncFailed",
                action: "Sync",
                note: f.message.clone(),
            });
        }
    }
    publish(&ctx, &obj, notes).await;
    ctx.metrics
        .reconciled("AwsOrganization", started.elapsed().as_secs_f64());
    match outcome {
        Err(f) if f.retry => Err(Error::Pass {
            category: f.category,
            message: f.message,
        }),
        _ => {
            ctx.succeeded(&name);
            Ok(Action::requeue(every))
        }
    }
}

/// One sync: resolve accountRef, read the organization, apply the plan; fills `status` and `notes`. Returns the
/// message about OU entries the organization lacks, if any.
async fn sync(
    obj: &AwsOrganization,
    ctx: &Context,
    t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
    status: &mut AwsOrganizationStatus,
    notes: &mut Vec<EventNote>,
) -> Result<Option<String>, Failure> {
    let org = obj.name_any();
    let kube = |e: kube::Error| Failure {
        category: "Kubernetes",
        message: e.to_string(),
        retry: true,
    };
    let reference = ctx
        .accounts
        .get(&ctx.client, &obj.spec.account_ref.name)
        .await
        .map_err(kube)?
        .ok_or_else(|| Failure {
            category: "AccountNotFound",
            message: format!("AwsAccount {:?} not found", obj.spec.account_ref.name),
            retry: false,
        })?;
    let aws = |e: crate::aws::AwsError| {
        let e = crate::engine::EngineError::Aws(crate::engine::name_the_role(e, &reference.spec));
        Failure {
            category: e.category(),
            message: e.to_string(),
            retry: e.is_retryable(),
        }
    };
    let session = ctx
        .aws
        .session(&reference.spec, REGION)
        .await
        .map_err(aws)?;
    let (caller, arn) = session.caller_identity(REGION).await.map_err(aws)?;
    if caller != reference.spec.account_id {
        return Err(Failure {
            category: "AccountMismatch",
            message: format!(
                "AwsAccount {} resolves to account {caller} ({arn}), not {}; the organization is not read",
                obj.spec.account_ref.name, reference.spec.account_id
            ),
            retry: false,
        });
    }
    let snapshot = organization::observe(&session, &obj.spec)
        .await
        .map_err(aws)?;
    let existing = ctx.accounts.list(&ctx.client).await.map_err(kube)?;
    let stamp = t.0.strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let plan = organization::plan(
        &org,
        &obj.spec,
        &reference.spec,
        &snapshot,
        &existing,
        &stamp,
    );
    let api: Api<AwsAccount> = Api::all(ctx.client.clone());
    let params = PatchParams::apply(ORGANIZATION_MANAGER).force();
    let mut errors = plan.errors.clone();
    for a in &plan.apply {
        let name = a.name_any();
        let mut body = serde_json::to_value(a).unwrap_or_default();
        body["apiVersion"] = "awsbaseline.io/v1alpha1".into();
        body["kind"] = "AwsAccount".into();
        if let Err(e) = api.patch(&name, &params, &Patch::Apply(body)).await {
            errors.push(AccountError {
                account_id: a.spec.account_id.clone(),
                message: format!("applying AwsAccount {name}: {e}"),
            });
        }
    }
    for id in &plan.created {
        notes.push(EventNote {
            warning: false,
            reason: "AccountDiscovered",
            action: "Create",
            note: format!(
                "AwsAccount {} created for member account {id}",
                organization::account_name(&org, id)
            ),
        });
    }
    for (id, from, to) in &plan.moved {
        notes.push(EventNote {
            warning: false,
            reason: "AccountMoved",
            action: "Relabel",
            note: format!(
                "member account {id} moved from {from} to {to}; AwsAccount {} relabelled",
                organization::account_name(&org, id)
            ),
        });
    }
    for (id, m) in &plan.newly_marked {
        notes.push(EventNote {
            warning: *m != Membership::Unselected,
            reason: "AccountMarked",
            action: "Mark",
            note: format!(
                "AwsAccount {} marked {}: kept, no longer selected by this organization's rules",
                organization::account_name(&org, id),
                m.as_str()
            ),
        });
    }
    status.last_sync_time = Some(t.clone());
    status.organization_id = Some(snapshot.organization.id.clone());
    status.management_account_id = Some(snapshot.organization.management_account_id.clone());
    status.counts = Some(plan.counts.clone());
    status.organizational_units = plan.units.iter().take(100).cloned().collect();
    errors.truncate(MAX_ERRORS);
    status.errors = errors;
    status.marked = plan.marked.into_iter().take(MAX_MARKED).collect();
    Ok((!plan.unknown_units.is_empty()).then(|| {
        format!(
            "the organization has no OU {}: those entries select nothing",
            plan.unknown_units.join(", ")
        )
    }))
}
