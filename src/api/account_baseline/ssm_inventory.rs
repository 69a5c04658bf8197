//! The `ssmInventory` section of an AccountBaseline: inventory of every instance, not only patched ones.

use crate::api::patch_schedule::InventorySpec;
use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// Fleet-wide Systems Manager inventory in every listed region, independent of patching: an
/// `AWS-GatherSoftwareInventory` association on every managed instance (`InstanceIds=*`), optionally a Resource
/// Data Sync of the inventory to S3 (for Athena / QuickSight) and the Default Host Management Configuration that
/// makes EC2 instances managed without an instance profile. Status counts EC2 instances Systems Manager does not
/// manage (unmanaged, "rogue" servers), which no inventory sees.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct SsmInventorySpec {
    /// What the association gathers and how often. Without it: everything, every 30 minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gather: Option<InventorySpec>,
    /// Resource Data Sync of the inventory of this region to an S3 bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_data_sync: Option<ResourceDataSyncSpec>,
    /// Default Host Management Configuration: the IAM role Systems Manager gives every EC2 instance of the region
    /// (service setting `/ssm/managed-instance/default-ec2-instance-management-role`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_host_management: Option<DefaultHostManagementSpec>,
}

impl SsmInventorySpec {
    /// What is gathered: `gather`, or everything every 30 minutes (every field's default).
    pub fn gather(&self) -> InventorySpec {
        self.gather.clone().unwrap_or_else(|| InventorySpec {
            schedule: "rate(30 minutes)".to_string(),
            applications: true,
            aws_components: true,
            network_config: true,
            windows_updates: true,
            instance_detailed_information: true,
            services: true,
            windows_roles: true,
            custom_inventory: true,
        })
    }
}

/// A Resource Data Sync to S3 (`SyncToDestination`, `JsonSerDe`).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResourceDataSyncSpec {
    /// Sync name (unique per region).
    #[schemars(regex(pattern = r"^[a-zA-Z0-9_.-]{1,64}$"))]
    pub name: String,
    /// Destination bucket.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub bucket_name: String,
    /// Key prefix in the bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 256))]
    pub prefix: Option<String>,
    /// Region of the bucket (one bucket can collect every region's inventory).
    #[schemars(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))]
    pub bucket_region: String,
    /// KMS key that encrypts the synced data (ARN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$"))]
    pub kms_key_arn: Option<String>,
}

/// The role of the Default Host Management Configuration.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct DefaultHostManagementSpec {
    /// ARN of the role Systems Manager passes to EC2 instances, e.g.
    /// `arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`. The
    /// service setting holds its name with path (`service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole`).
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: String,
}

impl DefaultHostManagementSpec {
    /// The service setting's value: the role's name with its path, after `:role/`.
    pub fn setting_value(&self) -> String {
        self.role_arn
            .split_once(":role/")
            .map(|(_, name)| name.to_string())
            .unwrap_or_default()
    }
}
