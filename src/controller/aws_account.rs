//! AwsAccount: verify that the credentials resolve to the declared account (the status other kinds read), and
//! keep its change-event delivery (`spec.changeEvents`) in place. An account with change events carries the
//! finalizer: its rules (and on the hub, the queue and bus statements) are removed on deletion or opt-out.

use super::{finalized, finish_cleanup, now, Context, Error, FINALIZER, MANAGER};
use crate::api::aws_account::AwsAccountStatus;
use crate::api::common::ComponentStatus;
use crate::api::common::{condition, set_condition, with_stalled};
use crate::api::AwsAccount;
use crate::engine::EngineError;
use kube::api::{Patch, PatchParams};
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::{Api, ResourceExt};
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Condition type: change-event delivery is in place.
pub const CHANGE_EVENTS: &str = "ChangeEvents";

/// Reconcile one AwsAccount: verify the credentials resolve to the declared account; with `changeEvents` (or
/// while what it created for them is still there) under the finalizer.
pub async fn reconcile_account(
    guard: Arc<DeserializeGuard<AwsAccount>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o.clone(),
        Err(invalid) => return Err(Error::Invalid(invalid.error.clone())),
    };
    let managed =
        obj.spec.change_events.is_some() || obj.finalizers().iter().any(|f| f == FINALIZER);
    if !managed {
        return verify(Arc::new(obj), ctx).await;
    }
    let api: Api<AwsAccount> = Api::all(ctx.client.clone());
    finalized(&api, obj, &ctx, verify, cleanup).await
}

/// Remove what the account's change events created (deletion of the AwsAccount).
async fn cleanup(obj: Arc<AwsAccount>, ctx: Arc<Context>) -> Result<Action, Error> {
    let report =
        crate::engine::account_events::cleanup(&ctx.aws, &obj, previous_components(&obj)).await;
    finish_cleanup(&ctx, obj.as_ref(), report).await
}

/// The change-event components the status lists (where rules may remain after `regions` shrank).
fn previous_components(obj: &AwsAccount) -> &[ComponentStatus] {
    obj.status
        .as_ref()
        .map(|s| s.components.as_slice())
        .unwrap_or_default()
}

/// The `ChangeEvents` condition, and whether its failure is retried with backoff.
struct EventsCondition {
    ok: bool,
    reason: &'static str,
    message: String,
    retry: bool,
}

/// The change-event part of a pass: converge the components (or, after an opt-out, remove them and release
/// the finalizer); the `ChangeEvents` condition and the components for the status.
async fn change_events(
    obj: &AwsAccount,
    ctx: &Context,
    verified: bool,
    previous: &AwsAccountStatus,
    t: &k8s_openapi::apimachinery::pkg::apis::meta::v1::Time,
) -> Result<(Option<EventsCondition>, Vec<ComponentStatus>), Error> {
    let api: Api<AwsAccount> = Api::all(ctx.client.clone());
    let ours = obj.finalizers().iter().any(|f| f == FINALIZER);
    if obj.spec.change_events.is_none() && !ours {
        // Never had change events: nothing to converge or remove, no AWS call.
        return Ok((None, Vec::new()));
    }
    if obj.spec.change_events.is_none() {
        // Opted out: remove what was created, then the finalizer (kept on failure, retried with backoff).
        let report =
            crate::engine::account_events::cleanup(&ctx.aws, obj, previous_components(obj)).await;
        finish_cleanup(ctx, obj, report).await?;
        let finalizers: Vec<String> = obj
            .finalizers()
            .iter()
            .filter(|f| *f != FINALIZER)
            .cloned()
            .collect();
        api.patch(
            &obj.name_any(),
            &PatchParams::default(),
            &Patch::Merge(json!({"metadata": {"finalizers": finalizers}})),
        )
        .await?;
        return Ok((None, Vec::new()));
    }
    if !verified {
        // Nothing is written through credentials that are not the declared account's.
        return Ok((
            Some(EventsCondition {
                ok: false,
                reason: "CredentialsNotVerified",
                message:
                    "the credentials are not verified (see Ready); change events are not set up"
                        .into(),
                retry: false,
            }),
            previous.components.clone(),
        ));
    }
    let accounts = ctx.accounts.list(&ctx.client).await?;
    let report = crate::engine::account_events::pass(
        &ctx.aws,
        obj,
        &accounts,
        previous_components(obj),
        true,
    )
    .await;
    let status = crate::engine::status::common_status(None, &report, obj.metadata.generation, t);
    let condition = if let Some(f) = &report.fatal {
        EventsCondition {
            ok: false,
            reason: f.category(),
            message: f.to_string(),
            retry: f.is_retryable(),
        }
    } else if crate::engine::account_events::hub(&accounts).is_none() {
        EventsCondition {
            ok: false,
            reason: "NoHub",
            message:
                "no AwsAccount has changeEvents.role Hub: nothing receives this account's events"
                    .into(),
            retry: false,
        }
    } else if let Some(e) = report.outcomes.iter().find_map(|o| o.error.as_ref()) {
        EventsCondition {
            ok: false,
            reason: e.category.as_str(),
            message: e.to_string(),
            retry: true,
        }
    } else {
        EventsCondition {
            ok: true,
            reason: "Delivering",
            message: format!(
                "change events of {} region(s) go to the hub's queue",
                report.regions.len()
            ),
            retry: false,
        }
    };
    Ok((Some(condition), status.components))
}

async fn verify(obj: Arc<AwsAccount>, ctx: Arc<Context>) -> Result<Action, Error> {
    let started = Instant::now();
    let name = obj.name_any();
    let home = obj
        .spec
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1".into());
    let previous = obj.status.clone().unwrap_or_default();
    let t = now();
    let mut status = AwsAccountStatus {
        observed_generation: obj.metadata.generation,
        ..Default::default()
    };
    let unknown_region = obj
        .spec
        .regions
        .iter()
        .find_map(|r| crate::aws::regions::check(r).err());
    let result = match unknown_region {
        Some(m) => Err(EngineError::UnknownRegion(m)),
        None => match ctx.aws.session(&obj.spec, &home).await {
            Err(e) => Err(EngineError::Aws(e)),
            // The account's own check always asks STS (once per interval per account); the passes of the objects
            // using it reuse the answer for `IDENTITY_TTL`.
            Ok(session) => session
                .fresh_caller_identity(&home)
                .await
                .map_err(|e| EngineError::Aws(crate::engine::name_the_role(e, &obj.spec))),
        },
    };
    let (ready, reason, message) = match &result {
        Ok((account, arn)) => {
            status.caller_account = Some(account.clone());
            status.caller_arn = Some(arn.clone());
            if *account == obj.spec.account_id {
                (
                    true,
                    "CredentialsVerified",
                    format!("credentials resolve to {arn}"),
                )
            } else {
                (false, "AccountMismatch", format!("credentials resolve to account {account} ({arn}), not {}; nothing will be written", obj.spec.account_id))
            }
        }
        Err(e) => (false, e.category(), e.to_string()),
    };
    let (events_condition, components) = change_events(&obj, &ctx, ready, &previous, &t).await?;
    let mut conditions = vec![set_condition(
        &previous.conditions,
        condition::READY,
        ready,
        reason,
        message,
        obj.metadata.generation,
        &t,
    )];
    if let Some(c) = &events_condition {
        conditions.push(set_condition(
            &previous.conditions,
            CHANGE_EVENTS,
            c.ok,
            c.reason,
            c.message.clone(),
            obj.metadata.generation,
            &t,
        ));
    }
    status.components = components;
    status.conditions = with_stalled(
        conditions,
        &previous.conditions,
        obj.metadata.generation,
        &t,
    );
    if Some(&status) != obj.status.as_ref() {
        let api: Api<AwsAccount> = Api::all(ctx.client.clone());
        let patch = json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount", "status": status});
        api.patch_status(
            &name,
            &PatchParams::apply(MANAGER).force(),
            &Patch::Apply(patch),
        )
        .await?;
    }
    ctx.metrics
        .reconciled("AwsAccount", started.elapsed().as_secs_f64());
    if let Some(c) = events_condition.filter(|c| c.retry) {
        return Err(Error::Pass {
            category: c.reason,
            message: c.message,
        });
    }
    match result {
        Err(e) if e.is_retryable() => Err(Error::Pass {
            category: e.category(),
            message: e.to_string(),
        }),
        _ => Ok(Action::requeue(Duration::from_secs(600))),
    }
}
