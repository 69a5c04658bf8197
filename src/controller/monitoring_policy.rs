//! MonitoringPolicy: what the namespaced controller ([`super::namespaced`]) and the CLI need of it.

use super::{Context, Error};
use crate::api::{MonitoringPolicy, MonitoringPolicyStatus};
use crate::aws::AwsFactory;
use crate::engine::kind::{spec_accessors, ManagedKind, Pass};
use crate::engine::monitoring::{self, MonitoringInput, MonitoringReport, ALARM_WRITE_INTERVAL};
use crate::engine::status::monitoring_status;
use crate::engine::CleanupReport;
use crate::engine::EngineError;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use kube::core::DeserializeGuard;
use kube::runtime::controller::Action;
use std::sync::Arc;

impl ManagedKind for MonitoringPolicy {
    const KIND: &'static str = "MonitoringPolicy";
    type Status = MonitoringPolicyStatus;
    type Report = MonitoringReport;
    type Resources = crate::api::monitoring_policy::MonitoringResources;
    spec_accessors!();

    fn watched(&self) -> (Vec<&'static str>, Vec<String>) {
        let (ns, name) = (
            self.metadata.namespace.as_deref().unwrap_or_default(),
            self.metadata.name.as_deref().unwrap_or_default(),
        );
        let uses = monitoring::COMPONENTS
            .iter()
            .filter_map(|c| (c.usage)(&self.spec))
            .flat_map(|u| u.uses)
            .collect();
        let mut prefixes = vec![
            crate::monitoring::prefix(ns, name),
            crate::monitoring::short_prefix(ns, name),
            crate::monitoring::insights_queries::query_prefix(ns, name),
        ];
        // The CloudWatch agent's parameter is named by the spec (or after the policy), not by a prefix.
        if let Some(a) = &self.spec.cloud_watch_agent {
            prefixes.push(crate::monitoring::cloudwatch_agent::parameter_name(
                a, ns, name,
            ));
        }
        // Health checks are named by their ID, canaries by their derived name and the CloudWatch agent's
        // associations by their ID in change events: status holds them.
        for r in self.status.iter().flat_map(|s| &s.resources) {
            prefixes.extend(r.health_checks.values().cloned());
            prefixes.extend(r.canaries.values().cloned());
            if let Some(a) = &r.cloud_watch_agent {
                prefixes.push(a.parameter_name.clone());
                prefixes.extend(a.associations.iter().map(|x| x.association_id.clone()));
            }
        }
        (uses, prefixes)
    }

    async fn run<'a>(factory: &'a AwsFactory, pass: &'a Pass<'a, Self>) -> MonitoringReport {
        monitoring::run(factory, &monitoring_input(pass)).await
    }

    async fn cleanup<'a>(
        factory: &'a AwsFactory,
        pass: &'a Pass<'a, Self>,
    ) -> Result<CleanupReport, EngineError> {
        monitoring::cleanup(factory, &monitoring_input(pass)).await
    }

    fn status_after(
        previous: Option<&MonitoringPolicyStatus>,
        report: &MonitoringReport,
        generation: Option<i64>,
        now: &Time,
    ) -> MonitoringPolicyStatus {
        monitoring_status(previous, report, generation, now)
    }
}

/// Engine input of a MonitoringPolicy pass (alarm writes paced by [`ALARM_WRITE_INTERVAL`]).
fn monitoring_input<'a>(pass: &Pass<'a, MonitoringPolicy>) -> MonitoringInput<'a> {
    MonitoringInput {
        spec: &pass.obj.spec,
        account: pass.account,
        owner: pass.owner.clone(),
        namespace: pass.namespace(),
        name: pass.name(),
        namespace_labels: pass.namespace_labels,
        previous: pass.previous,
        mode: pass.mode,
        alarm_write_interval: ALARM_WRITE_INTERVAL,
        shared_reads: pass.shared_reads,
    }
}

/// Reconcile one MonitoringPolicy.
pub async fn reconcile_monitoring(
    guard: Arc<DeserializeGuard<MonitoringPolicy>>,
    ctx: Arc<Context>,
) -> Result<Action, Error> {
    super::namespaced::reconcile(guard, ctx).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::monitoring_policy::{
        AgentAssociationStatus, CloudWatchAgentResources, MonitoringResources,
    };

    /// A change event names the agent's parameter by its name and its associations by their IDs: both are among
    /// what the policy watches, so an out-of-band edit starts its pass.
    #[test]
    fn the_cloudwatch_agent_parameter_and_associations_are_watched() {
        let mut p: MonitoringPolicy = serde_json::from_value(serde_json::json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "MonitoringPolicy",
            "metadata": {"name": "web", "namespace": "shop"},
            "spec": {"accountRef": {"name": "a"}, "cloudWatchAgent": {"config": {},
                "targets": [{"key": "app", "values": ["web"]}]}}
        }))
        .unwrap();
        let (uses, prefixes) = p.watched();
        assert_eq!(uses, ["MonitoringPolicy.cloudWatchAgent"]);
        assert!(prefixes.contains(&"AmazonCloudWatch-awsbaseline.shop.web".to_string()));
        p.status = Some(MonitoringPolicyStatus {
            resources: vec![MonitoringResources {
                region: "eu-west-1".into(),
                cloud_watch_agent: Some(CloudWatchAgentResources {
                    parameter_name: "AmazonCloudWatch-awsbaseline.shop.web".into(),
                    associations: vec![AgentAssociationStatus {
                        role: "configure".into(),
                        association_id: "8dfe3659-4309-493a-8755-0123456789ab".into(),
                        ..Default::default()
                    }],
                }),
                ..Default::default()
            }],
            ..Default::default()
        });
        let (_, prefixes) = p.watched();
        assert!(prefixes.contains(&"8dfe3659-4309-493a-8755-0123456789ab".to_string()));
    }
}
