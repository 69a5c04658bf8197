//! `spec.inventory`: the software inventory association.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

use super::yes;

fn thirty_minutes() -> String {
    "rate(30 minutes)".to_string()
}

/// The software inventory association.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct InventorySpec {
    /// How often inventory is gathered: `rate(30 minutes)`, `rate(12 hours)`, `rate(1 day)` or a cron expression.
    #[serde(default = "thirty_minutes")]
    #[schemars(regex(
        pattern = r"^(rate\([1-9][0-9]* (minute|minutes|hour|hours|day|days)\)|cron\([^ ()]+( [^ ()]+){5,6}\))$"
    ))]
    pub schedule: String,
    /// Collect installed applications.
    #[serde(default = "yes")]
    pub applications: bool,
    /// Collect AWS components (agents, drivers).
    #[serde(default = "yes")]
    pub aws_components: bool,
    /// Collect network configuration.
    #[serde(default = "yes")]
    pub network_config: bool,
    /// Collect Windows updates.
    #[serde(default = "yes")]
    pub windows_updates: bool,
    /// Collect detailed instance information.
    #[serde(default = "yes")]
    pub instance_detailed_information: bool,
    /// Collect services.
    #[serde(default = "yes")]
    pub services: bool,
    /// Collect Windows roles.
    #[serde(default = "yes")]
    pub windows_roles: bool,
    /// Collect custom inventory.
    #[serde(default = "yes")]
    pub custom_inventory: bool,
}
