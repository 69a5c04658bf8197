//! The `inspector` section of an AccountBaseline.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// Amazon Inspector in every listed region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InspectorSpec {
    /// Resource scan types, each on or off; a scan type left out is not managed.
    pub scan_types: InspectorScanTypes,
}

/// Amazon Inspector resource scan types. Unset means "not managed".
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.ec2) || has(self.ecr) || has(self.lambda) || has(self.lambdaCode)").message("declare at least one scan type"))]
#[x_kube(validation = Rule::new("!has(self.lambdaCode) || !self.lambdaCode || (has(self.lambda) && self.lambda)").message("lambdaCode requires lambda: true"))]
pub struct InspectorScanTypes {
    /// EC2 instance scanning (`EC2`; Inspector.1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ec2: Option<bool>,
    /// ECR container image scanning (`ECR`; Inspector.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecr: Option<bool>,
    /// Lambda standard scanning (`LAMBDA`; Inspector.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda: Option<bool>,
    /// Lambda code scanning (`LAMBDA_CODE`; Inspector.3); needs `lambda: true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_code: Option<bool>,
}
