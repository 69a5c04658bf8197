//! `spec.dashboards`: CloudWatch dashboards.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// A CloudWatch dashboard.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DashboardSpec {
    /// Name within the policy (the AWS name is `awsbaseline-<policy hash>-<name>`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,200}$"), length(max = 200))]
    pub name: String,
    /// The dashboard body as structured YAML/JSON (`widgets`, `periodOverride`, ...), per the CloudWatch
    /// dashboard body structure.
    #[schemars(schema_with = "crate::api::common::free_form_object")]
    pub body: serde_json::Value,
}
