//! ECS: the `containerInsights` setting of existing clusters (one DescribeClusters per 100 names). The operator
//! never creates or deletes clusters, and leaves the setting as it is when a policy stops declaring it.

use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_ecs::types::{ClusterField, ClusterSetting, ClusterSettingName};
use aws_sdk_ecs::Client;
use std::collections::BTreeMap;

const SVC: &str = "ecs";

/// DescribeClusters takes at most 100 clusters per call.
const BATCH: usize = 100;

/// The `containerInsights` value of each named cluster that exists (`disabled` when the cluster has no such
/// setting), by cluster name. Clusters ECS reports missing (or `INACTIVE`, i.e. deleted) are absent.
pub async fn container_insights(
    client: &Client,
    clusters: &[String],
) -> Result<BTreeMap<String, String>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in clusters.chunks(BATCH) {
        let page = client
            .describe_clusters()
            .set_clusters(Some(chunk.to_vec()))
            .include(ClusterField::Settings)
            .send()
            .await
            .aws(SVC, "DescribeClusters")?;
        for c in page.clusters() {
            let Some(name) = c.cluster_name() else {
                continue;
            };
            if c.status() == Some("INACTIVE") {
                continue;
            }
            let value = c
                .settings()
                .iter()
                .find(|s| s.name() == Some(&ClusterSettingName::ContainerInsights))
                .and_then(|s| s.value())
                .unwrap_or("disabled");
            out.insert(name.to_string(), value.to_string());
        }
    }
    Ok(out)
}

/// UpdateCluster with the `containerInsights` setting (`enhanced`, `enabled` or `disabled`).
pub async fn set_container_insights(
    client: &Client,
    cluster: &str,
    value: &str,
) -> Result<(), AwsError> {
    let setting = ClusterSetting::builder()
        .name(ClusterSettingName::ContainerInsights)
        .value(value)
        .build();
    client
        .update_cluster()
        .cluster(cluster)
        .settings(setting)
        .send()
        .await
        .aws(SVC, "UpdateCluster")?;
    Ok(())
}

/// The error for declared clusters ECS does not have (the operator never creates clusters).
pub fn missing_clusters(region: &str, names: &[&str]) -> AwsError {
    AwsError::new(
        SVC,
        "DescribeClusters",
        ErrorCategory::NotFound,
        format!(
            "ECS cluster(s) {} not found in {region} (the operator does not create clusters)",
            names.join(", ")
        ),
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // ECS (MonitoringPolicy Container Insights: the cluster setting; clusters are never created or deleted).
    read(
        SVC,
        "DescribeClusters",
        MOTO,
        &[act("ecs:DescribeClusters")],
        &["MonitoringPolicy.containerInsights"],
    ),
    write(
        SVC,
        "UpdateCluster",
        MOTO,
        &[act("ecs:UpdateCluster")],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ecs.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("ecs.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        // Sets containerInsights like UpdateCluster.
        crate::aws::operation::foreign(
            "UpdateClusterSettings",
            &["MonitoringPolicy.containerInsights"],
        ),
    ],
};
