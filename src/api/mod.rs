//! Custom resource types (group `awsbaseline.io`, version `v1alpha1`).

pub mod account_baseline;
pub mod aws_account;
pub mod common;
pub mod monitoring_policy;
pub mod patch_schedule;

use kube::CustomResourceExt;

pub use account_baseline::{AccountBaseline, AccountBaselineSpec, AccountBaselineStatus};
pub use aws_account::{AwsAccount, AwsAccountSpec, AwsAccountStatus};
pub use monitoring_policy::{MonitoringPolicy, MonitoringPolicySpec, MonitoringPolicyStatus};
pub use patch_schedule::{PatchSchedule, PatchScheduleSpec, PatchScheduleStatus};

/// Every CRD this operator serves, as multi-document YAML (what `crd` prints and `crds/` holds).
pub fn crds_yaml() -> Result<String, serde_yaml::Error> {
    let crds = [
        AwsAccount::crd(),
        AccountBaseline::crd(),
        PatchSchedule::crd(),
        MonitoringPolicy::crd(),
    ];
    let mut out = String::new();
    for crd in crds {
        out.push_str("---\n");
        out.push_str(&serde_yaml::to_string(&crd)?);
    }
    Ok(out)
}
