//! PatchSchedule: what the namespaced controller ([`super::namespaced`]) and the CLI need of it.

use super::{Context, Error};
use crate::api::{PatchSchedule, PatchScheduleStatus};
use crate::aws::AwsFactory;
use crate::engine::kind::{spec_accessors, ManagedKind, Pass};
use crate::engine::patch::{self, PatchInput, PatchReport};
use crate::engine::status::patch_schedule_status;
use crate::engine::CleanupReport;
use crate::engine::EngineError;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use std::sync::Arc;

impl ManagedKind for PatchSchedule {
    const KIND: &'static str = "PatchSchedule";
    type Status = PatchScheduleStatus;
    type Report = PatchReport;
    type Resources = crate::api::patch_schedule::PatchResources;
    spec_accessors!();

    fn watched(&self) -> (Vec<&'static str>, Vec<String>) {
        let (ns, name) = (
            self.metadata.namespace.as_deref().unwrap_or_default(),
            self.metadata.name.as_deref().unwrap_or_default(),
        );
        let uses = crate::engine::patch::COMPONENTS
            .iter()
            .filter_map(|c| (c.usage)(&self.spec))
            .flat_map(|u| u.uses)
            .collect();
        (uses, vec![crate::patching::names::default_name(ns, name)])
    }

    async fn run<'a>(factory: &'a AwsFactory, pass: &'a Pass<'a, Self>) -> PatchReport {
        patch::run(factory, &patch_input(pass)).await
    }

    async fn cleanup<'a>(
        factory: &'a AwsFactory,
        pass: &'a Pass<'a, Self>,
    ) -> Result<CleanupReport, EngineError> {
        patch::cleanup(factory, &patch_input(pass)).await
    }

    fn status_after(
        previous: Option<&PatchScheduleStatus>,
        report: &PatchReport,
        generation: Option<i64>,
        now: &Time,
    ) -> PatchScheduleStatus {
        patch_schedule_status(previous, report, generation, now)
    }
}

/// Engine input of a PatchSchedule pass.
fn patch_input<'a>(pass: &Pass<'a, PatchSchedule>) -> PatchInput<'a> {
    PatchInput {
        spec: &pass.obj.spec,
        account: pass.account,
        owner: pass.owner.clone(),
        namespace: pass.namespace(),
        name: pass.name(),
        namespace_labels: pass.namespace_labels,
        previous: pass.previous,
        mode: pass.mode,
        now: pass.now,
    }
}

/// Reconcile one PatchSchedule.
pub async fn reconcile_patch(
    guard: Arc<DeserializeGuard<PatchSchedule>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    super::namespaced::reconcile(guard, ctx).await
}
