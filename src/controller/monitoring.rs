//! The MonitoringPolicy controller: the same shape as the PatchSchedule one (namespaced, tenancy by the
//! AwsAccount's `allowedNamespaces`, finalizer, status by server-side apply only when it changed).

use super::{
    account_for_cleanup, apply_status, finish_cleanup, namespace_labels, now, publish, Context,
    Error, FINALIZER,
};
use crate::api::common::Owner;
use crate::api::{AwsAccount, MonitoringPolicy};
use crate::engine::monitoring::{self, MonitoringInput, MonitoringReport, ALARM_WRITE_INTERVAL};
use crate::engine::status::{events, monitoring_status, monitoring_status_changed};
use crate::engine::{EngineError, PassReport};
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use kube::runtime::finalizer::{finalizer, Event as FinalizerEvent};
use kube::{Api, ResourceExt};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Instant;

/// Reconcile one MonitoringPolicy.
pub async fn reconcile_monitoring(
    guard: Arc<DeserializeGuard<MonitoringPolicy>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    let obj = match &guard.0 {
        Ok(o) => o.clone(),
        Err(invalid) => {
            tracing::warn!(object = %invalid.metadata.name.clone().unwrap_or_default(), error = %invalid.error, "invalid MonitoringPolicy");
            return Err(Error::Invalid(invalid.error.clone()));
        }
    };
    if !ctx.watches(&obj.namespace().unwrap_or_default()) {
        return Ok(Action::await_change());
    }
    let started = Instant::now();
    let api: Api<MonitoringPolicy> =
        Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default());
    let result = finalizer(&api, FINALIZER, Arc::new(obj), |event| async {
        match event {
            FinalizerEvent::Apply(o) => apply(o, ctx.clone()).await,
            FinalizerEvent::Cleanup(o) => {
                super::guarded_cleanup(o.clone(), &ctx, cleanup(o, ctx.clone())).await
            }
        }
    })
    .await
    .map_err(|e| Error::Finalizer(Box::new(e)));
    ctx.metrics
        .reconciled("MonitoringPolicy", started.elapsed().as_secs_f64());
    result
}

/// Engine input for a MonitoringPolicy.
pub fn monitoring_input<'a>(
    obj: &'a MonitoringPolicy,
    account: &'a AwsAccount,
    namespace_labels: &'a BTreeMap<String, String>,
) -> MonitoringInput<'a> {
    let namespace = obj.metadata.namespace.as_deref().unwrap_or_default();
    let name = obj.metadata.name.as_deref().unwrap_or_default();
    MonitoringInput {
        spec: &obj.spec,
        account: &account.spec,
        owner: Owner {
            kind: "MonitoringPolicy".into(),
            name: format!("{namespace}/{name}"),
            uid: obj.uid().unwrap_or_default(),
        },
        namespace,
        name,
        namespace_labels,
        previous: obj.status.as_ref(),
        mode: obj.spec.drift_policy,
        alarm_write_interval: ALARM_WRITE_INTERVAL,
    }
}

async fn apply(obj: Arc<MonitoringPolicy>, ctx: Arc<Context>) -> Result<Action, Error> {
    let key = format!("{}/{}", obj.namespace().unwrap_or_default(), obj.name_any());
    let accounts: Api<AwsAccount> = Api::all(ctx.client.clone());
    let t = now();
    let report = match accounts.get_opt(&obj.spec.account_ref.name).await? {
        None => MonitoringReport {
            pass: PassReport::fatal(EngineError::AccountNotFound(
                obj.spec.account_ref.name.clone(),
            )),
            ..Default::default()
        },
        Some(account) => {
            let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
            let previous_account = obj
                .status
                .as_ref()
                .and_then(|s| s.common.account_id.as_deref());
            if let Some((old, old_labels)) = super::moved_from(
                &ctx,
                previous_account,
                &account,
                obj.as_ref(),
                obj.spec.deletion_policy,
            )
            .await?
            {
                let report =
                    monitoring::cleanup(&ctx.aws, &monitoring_input(&obj, &old, &old_labels)).await;
                super::left_previous_account(&ctx, obj.as_ref(), &old, report).await?;
            }
            monitoring::run(&ctx.aws, &monitoring_input(&obj, &account, &labels)).await
        }
    };
    let previous = obj.status.as_ref();
    let new = monitoring_status(previous, &report, obj.metadata.generation, &t);
    ctx.metrics.set_drift(
        "MonitoringPolicy",
        &obj.uid().unwrap_or_default(),
        Some(report.pass.remaining_drift() as i64),
    );
    if monitoring_status_changed(previous, &new) {
        let api: Api<MonitoringPolicy> =
            Api::namespaced(ctx.client.clone(), &obj.namespace().unwrap_or_default());
        apply_status(&api, &obj.name_any(), &new).await?;
        publish(
            &ctx,
            obj.as_ref(),
            events(previous.map(|p| &p.common), &new.common),
        )
        .await;
    }
    if let Some(category) = report.pass.error_category() {
        let message = report
            .pass
            .fatal
            .as_ref()
            .map(|f| f.to_string())
            .unwrap_or_else(|| format!("{} component(s) failed", report.pass.errors().count()));
        return Err(Error::Pass { category, message });
    }
    ctx.succeeded(&key);
    Ok(Action::requeue(
        ctx.interval_of(obj.spec.drift_check_interval.as_deref()),
    ))
}

async fn cleanup(obj: Arc<MonitoringPolicy>, ctx: Arc<Context>) -> Result<Action, Error> {
    let Some(account) =
        account_for_cleanup(&ctx, &obj.spec.account_ref.name, obj.spec.deletion_policy).await?
    else {
        return Ok(Action::await_change());
    };
    let labels = namespace_labels(&ctx, &account, obj.as_ref()).await?;
    let report = monitoring::cleanup(&ctx.aws, &monitoring_input(&obj, &account, &labels))
        .await
        .map_err(|e| Error::Pass {
            category: e.category(),
            message: e.to_string(),
        })?;
    ctx.metrics
        .set_drift("MonitoringPolicy", &obj.uid().unwrap_or_default(), None);
    finish_cleanup(&ctx, obj.as_ref(), report).await
}
