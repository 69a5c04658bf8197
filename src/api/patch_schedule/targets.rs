//! `spec.targets`: the instances the window targets.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// One group of instances, selected by exactly one of tags, resource group or instance IDs.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("(has(self.tags) ? 1 : 0) + (has(self.resourceGroup) ? 1 : 0) + (has(self.instanceIds) ? 1 : 0) == 1").message("select instances by exactly one of tags, resourceGroup or instanceIds"))]
#[serde(rename_all = "camelCase")]
pub struct TargetGroup {
    /// Name of the window target (unique in this object).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{3,128}$"))]
    pub name: String,
    /// Instances carrying all of these tags (each with one of the listed values).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1, max = 5))]
    pub tags: Vec<TagFilter>,
    /// Instances in this AWS resource group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub resource_group: Option<String>,
    /// These instances.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 1, max = 50))]
    #[schemars(inner(regex(pattern = r"^(i|mi)-[0-9a-f]{8,17}$")))]
    pub instance_ids: Vec<String>,
}

/// A tag key with its accepted values.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct TagFilter {
    /// Tag key, e.g. `Patch Group` or `env`.
    #[schemars(length(min = 1, max = 128))]
    pub key: String,
    /// Accepted values.
    #[schemars(length(min = 1, max = 50))]
    pub values: Vec<String>,
}
