//! The `guardDuty` section of an AccountBaseline.

use super::yes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// GuardDuty publishing frequency of updated findings.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum FindingPublishingFrequency {
    /// Every 15 minutes.
    #[serde(rename = "FIFTEEN_MINUTES")]
    FifteenMinutes,
    /// Every hour.
    #[serde(rename = "ONE_HOUR")]
    OneHour,
    /// Every six hours (the AWS default).
    #[default]
    #[serde(rename = "SIX_HOURS")]
    SixHours,
}

impl FindingPublishingFrequency {
    /// The API value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::FifteenMinutes => "FIFTEEN_MINUTES",
            Self::OneHour => "ONE_HOUR",
            Self::SixHours => "SIX_HOURS",
        }
    }
}

/// GuardDuty in every listed region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GuardDutySpec {
    /// Whether the detector is enabled (GuardDuty.1). `false` suspends an existing detector; none is created.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// How often updated findings are exported.
    #[serde(default)]
    pub finding_publishing_frequency: FindingPublishingFrequency,
    /// Protection plans; a plan left out is not managed.
    #[serde(default)]
    pub features: GuardDutyFeatures,
}

/// GuardDuty protection plans, each on or off. Unset means "not managed".
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("!has(self.eksAddonManagement) || !self.eksAddonManagement || (has(self.runtimeMonitoring) && self.runtimeMonitoring)").message("eksAddonManagement requires runtimeMonitoring: true"))]
pub struct GuardDutyFeatures {
    /// S3 Protection (`S3_DATA_EVENTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub s3_data_events: Option<bool>,
    /// EKS audit log monitoring (`EKS_AUDIT_LOGS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eks_audit_logs: Option<bool>,
    /// Runtime Monitoring (`RUNTIME_MONITORING`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub runtime_monitoring: Option<bool>,
    /// Let GuardDuty manage its security agent add-on on EKS clusters (`EKS_ADDON_MANAGEMENT`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eks_addon_management: Option<bool>,
    /// Malware Protection for EC2 EBS volumes (`EBS_MALWARE_PROTECTION`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ebs_malware_protection: Option<bool>,
    /// RDS Protection (`RDS_LOGIN_EVENTS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rds_login_events: Option<bool>,
    /// Lambda Protection (`LAMBDA_NETWORK_LOGS`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lambda_network_logs: Option<bool>,
}
