//! Fleet-wide inventory (`ssmInventory`): the `AWS-GatherSoftwareInventory` association on every managed instance
//! (`InstanceIds=*`), the Resource Data Sync to S3, the Default Host Management Configuration service setting, and
//! the count of EC2 instances Systems Manager does not manage. Pure: desired and observed fields, and the status
//! line of the count.

use crate::api::account_baseline::{ResourceDataSyncSpec, SsmInventorySpec};
use crate::aws::ssm::fleet::{DataSyncConfig, ServiceSetting};
use crate::aws::ssm::AssociationConfig;
use crate::diff::Fields;
use crate::patching::fields;
use crate::patching::inventory::{parameters, INVENTORY_DOCUMENT};
use serde_json::Value;

/// The association.
pub const ASSOCIATION: &str = "ssmInventory";
/// The Resource Data Sync.
pub const DATA_SYNC: &str = "ssmResourceDataSync";
/// The Default Host Management Configuration service setting.
pub const DHMC: &str = "ssmDefaultHostManagement";
/// EC2 instances against managed instances (read-only; reported, never drift).
pub const MANAGED: &str = "ssmManagedInstances";

/// How many unmanaged instance IDs the status line names.
pub const UNMANAGED_NAMED: usize = 10;

/// The association name of the baseline named `owner_name`: one per baseline and region.
pub fn association_name(owner_name: &str) -> String {
    crate::names::fit(&format!("{owner_name}-fleet-inventory"), 128)
}

/// The fleet-wide association: every managed instance of the region (`InstanceIds=*`).
pub fn association(spec: &SsmInventorySpec, owner_name: &str) -> AssociationConfig {
    let gather = spec.gather();
    AssociationConfig {
        association_name: association_name(owner_name),
        document: INVENTORY_DOCUMENT.into(),
        schedule: gather.schedule.clone(),
        targets: vec![("InstanceIds".to_string(), vec!["*".to_string()])],
        parameters: parameters(&gather),
    }
}

/// Desired and observed fields of the association (`ssmInventory.schedule`, `ssmInventory.parameters`, ...).
pub fn association_fields(cfg: Option<&AssociationConfig>, desired: bool) -> Fields {
    fields(ASSOCIATION, cfg, desired)
}

/// The sync the spec declares.
pub fn data_sync(s: &ResourceDataSyncSpec) -> DataSyncConfig {
    DataSyncConfig {
        name: s.name.clone(),
        bucket_name: s.bucket_name.clone(),
        prefix: s.prefix.clone(),
        bucket_region: s.bucket_region.clone(),
        kms_key_arn: s.kms_key_arn.clone(),
    }
}

/// Desired (`desired: true`, unset options unmanaged) or observed fields of the sync
/// (`ssmResourceDataSync.bucketName`, ...).
pub fn data_sync_fields(cfg: Option<&DataSyncConfig>, desired: bool) -> Fields {
    fields(DATA_SYNC, cfg, desired)
}

/// Desired fields of the service setting: its value is the role name with path.
pub fn dhmc_desired(value: &str) -> Fields {
    Fields::from([(format!("{DHMC}.roleName"), Value::String(value.to_string()))])
}

/// Observed fields of the service setting: an unchanged (default) setting has no role.
pub fn dhmc_observed(setting: Option<&ServiceSetting>) -> Fields {
    let value = setting
        .filter(|s| s.customized)
        .map(|s| Value::String(s.value.clone()))
        .unwrap_or(Value::Null);
    Fields::from([(format!("{DHMC}.roleName"), value)])
}

/// EC2 instances (`ec2`, non-terminated) that Systems Manager does not list as managed (`managed`), sorted.
pub fn unmanaged(ec2: &[String], managed: &[String]) -> Vec<String> {
    let mut out: Vec<String> = ec2
        .iter()
        .filter(|i| !managed.contains(i))
        .cloned()
        .collect();
    out.sort();
    out
}

/// The status line of the count, stable while the fleet is: `3 EC2 instances, 1 managed by Systems Manager, 2
/// unmanaged: i-1, i-2` (the first [`UNMANAGED_NAMED`] unmanaged IDs).
pub fn managed_message(ec2: usize, managed: usize, unmanaged: &[String]) -> String {
    let mut msg = format!(
        "{ec2} EC2 instances, {managed} managed by Systems Manager, {} unmanaged",
        unmanaged.len()
    );
    if !unmanaged.is_empty() {
        let named: Vec<&str> = unmanaged
            .iter()
            .take(UNMANAGED_NAMED)
            .map(String::as_str)
            .collect();
        msg.push_str(": ");
        msg.push_str(&named.join(", "));
        if unmanaged.len() > UNMANAGED_NAMED {
            msg.push_str(&format!(" and {} more", unmanaged.len() - UNMANAGED_NAMED));
        }
    }
    msg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use serde_json::json;

    fn spec(v: serde_json::Value) -> SsmInventorySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_association_targets_every_instance_and_gathers_everything_by_default() {
        let a = association(&spec(json!({})), "sandbox-baseline");
        assert_eq!(a.association_name, "sandbox-baseline-fleet-inventory");
        assert_eq!(a.document, "AWS-GatherSoftwareInventory");
        assert_eq!(a.schedule, "rate(30 minutes)");
        assert_eq!(
            a.targets,
            vec![("InstanceIds".to_string(), vec!["*".to_string()])]
        );
        assert_eq!(a.parameters["applications"], vec!["Enabled"]);
        // The default is what an empty `gather` deserializes to.
        let explicit = association(&spec(json!({"gather": {}})), "sandbox-baseline");
        assert_eq!(a, explicit);
        let d = association_fields(Some(&a), true);
        assert!(diff(ASSOCIATION, &d, &association_fields(Some(&a), false)).is_empty());
        let missing = diff(ASSOCIATION, &d, &association_fields(None, false));
        assert_eq!(missing[0].field, "ssmInventory.exists");
        let mut changed = a.clone();
        changed.schedule = "rate(1 day)".into();
        let drift = diff(ASSOCIATION, &d, &association_fields(Some(&changed), false));
        assert_eq!(drift[0].field, "ssmInventory.schedule");
    }

    #[test]
    fn the_sync_compares_declared_settings_only() {
        let s = spec(
            json!({"resourceDataSync": {"name": "inv", "bucketName": "fleet-inventory",
            "bucketRegion": "us-east-1"}}),
        );
        let want = data_sync(s.resource_data_sync.as_ref().unwrap());
        let mut have = want.clone();
        have.kms_key_arn = Some("arn:aws:kms:us-east-1:123456789012:key/k".into());
        let d = data_sync_fields(Some(&want), true);
        assert!(diff(DATA_SYNC, &d, &data_sync_fields(Some(&have), false)).is_empty());
        have.prefix = Some("other".into());
        have.bucket_name = "elsewhere".into();
        let drift = diff(DATA_SYNC, &d, &data_sync_fields(Some(&have), false));
        assert_eq!(drift[0].field, "ssmResourceDataSync.bucketName");
    }

    #[test]
    fn dhmc_is_the_role_name_of_a_customized_setting() {
        let s = spec(json!({"defaultHostManagement": {"roleArn":
            "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"}}));
        let value = s.default_host_management.unwrap().setting_value();
        assert_eq!(
            value,
            "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"
        );
        let set = ServiceSetting {
            value: value.clone(),
            customized: true,
        };
        assert!(diff(DHMC, &dhmc_desired(&value), &dhmc_observed(Some(&set))).is_empty());
        let default = ServiceSetting {
            value: "$None".into(),
            customized: false,
        };
        let drift = diff(DHMC, &dhmc_desired(&value), &dhmc_observed(Some(&default)));
        assert_eq!(drift[0].actual, Value::Null);
        assert_eq!(drift.len(), 1);
        assert_eq!(dhmc_observed(None), dhmc_observed(Some(&default)));
    }

    #[test]
    fn unmanaged_instances_are_counted_and_the_first_named() {
        let ec2: Vec<String> = (0..13).map(|i| format!("i-{i:02}")).collect();
        let managed = vec!["i-00".to_string(), "i-99".to_string()];
        let u = unmanaged(&ec2, &managed);
        assert_eq!(u.len(), 12);
        let msg = managed_message(ec2.len(), 1, &u);
        assert!(
            msg.starts_with(
                "13 EC2 instances, 1 managed by Systems Manager, 12 unmanaged: i-01, i-02"
            ),
            "{msg}"
        );
        assert!(msg.ends_with("i-10 and 2 more"), "{msg}");
        assert_eq!(
            managed_message(0, 0, &[]),
            "0 EC2 instances, 0 managed by Systems Manager, 0 unmanaged"
        );
    }
}
