//! AwsAccount: verify that the credentials resolve to the declared account; the status other kinds read.

use super::{now, Context, Error, MANAGER};
use crate::api::aws_account::AwsAccountStatus;
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

/// Reconcile one AwsAccount: verify the credentials resolve to the declared account.
pub async fn reconcile_account(
    guard: Arc<DeserializeGuard<AwsAccount>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o,
        Err(invalid) => return Err(Error::Invalid(invalid.error.clone())),
    };
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
            Ok(session) => session
                .caller_identity(&home)
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
    status.conditions = with_stalled(
        vec![set_condition(
            &previous.conditions,
            condition::READY,
            ready,
            reason,
            message,
            obj.metadata.generation,
            &t,
        )],
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
    match result {
        Err(e) if e.is_retryable() => Err(Error::Pass {
            category: e.category(),
            message: e.to_string(),
        }),
        _ => Ok(Action::requeue(Duration::from_secs(600))),
    }
}
