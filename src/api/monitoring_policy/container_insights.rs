//! `spec.containerInsights`: ECS cluster settings and the EKS observability add-on.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Container Insights for EKS and ECS clusters.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.eks) || has(self.ecs)").message("containerInsights needs eks or ecs clusters"))]
#[serde(rename_all = "camelCase")]
pub struct ContainerInsightsSpec {
    /// EKS clusters that run the `amazon-cloudwatch-observability` add-on.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 50))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["clusterName"]))]
    pub eks: Vec<EksInsightsSpec>,
    /// ECS clusters and their `containerInsights` setting.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["clusterName"]))]
    pub ecs: Vec<EcsInsightsSpec>,
}

/// The `amazon-cloudwatch-observability` add-on on one EKS cluster.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("!(has(self.serviceAccountRoleArn) && has(self.podIdentityRoleArn))").message("set serviceAccountRoleArn (IRSA) or podIdentityRoleArn (EKS Pod Identity), not both"))]
#[serde(rename_all = "camelCase")]
pub struct EksInsightsSpec {
    /// Cluster name.
    #[schemars(regex(pattern = r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$"))]
    pub cluster_name: String,
    /// Add-on version, e.g. `v2.1.0-eksbuild.1`; the latest version compatible with the cluster's Kubernetes
    /// version when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^v[0-9A-Za-z.+-]{1,99}$"))]
    pub addon_version: Option<String>,
    /// Add-on configuration values (the add-on's configuration schema), e.g. `containerLogs: {enabled: true}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub configuration_values: Option<serde_json::Value>,
    /// IAM role for the add-on's `cloudwatch-agent` service account through IRSA.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub service_account_role_arn: Option<String>,
    /// IAM role for the `cloudwatch-agent` service account through EKS Pod Identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub pod_identity_role_arn: Option<String>,
}

/// Container Insights mode of an ECS cluster.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub enum EcsInsightsMode {
    /// Container Insights with enhanced observability.
    Enhanced,
    /// Container Insights.
    Enabled,
    /// Off.
    Disabled,
}

impl EcsInsightsMode {
    /// The ECS setting value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Enhanced => "enhanced",
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
        }
    }
}

/// The `containerInsights` setting of one ECS cluster (the cluster itself is not managed).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct EcsInsightsSpec {
    /// Cluster name.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,255}$"), length(max = 255))]
    pub cluster_name: String,
    /// `enhanced`, `enabled` or `disabled`.
    pub mode: EcsInsightsMode,
}
