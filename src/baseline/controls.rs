//! Which Security Hub controls and CIS AWS Foundations items each setting satisfies.
//!
//! CIS item numbers follow the CIS AWS Foundations Benchmark v1.4.0 (the version Security Hub's "CIS v1.4.0"
//! standard checks): 3.1 CloudTrail in all regions, 3.2 log file validation, 3.3 CloudTrail bucket not public,
//! 3.4 CloudTrail to CloudWatch Logs, 3.5 AWS Config in all regions, 1.20 IAM Access Analyzer in all regions, 3.7 CloudTrail KMS encryption, 3.9 VPC flow
//! logs, 2.1.5 S3 Block Public Access, 2.2.1 EBS encryption.

/// Field-path prefix -> control IDs. The longest matching prefix wins; a `*` segment matches any one segment (a
/// resource's name). Components no control checks (Session
/// Manager preferences, AWS Budgets) have no row: their drift carries no control IDs.
pub const CONTROLS: &[(&str, &[&str])] = &[
    ("cloudTrail", &["CloudTrail.1", "CIS 3.1"]),
    ("cloudTrail.logFileValidation", &["CloudTrail.4", "CIS 3.2"]),
    ("cloudTrail.kmsKeyId", &["CloudTrail.2", "CIS 3.7"]),
    ("cloudTrail.cloudWatchLogs", &["CloudTrail.5", "CIS 3.4"]),
    (
        "cloudTrail.eventSelectors",
        &["CloudTrail.1", "S3.22", "S3.23"],
    ),
    ("cloudTrailBucket", &["CloudTrail.6", "CIS 3.3"]),
    ("cloudTrailBucket.versioning", &["S3.14"]),
    ("cloudTrailBucket.encryption", &["S3.4"]),
    ("cloudTrailBucket.blockPublicAccess", &["S3.8", "CIS 3.3"]),
    ("guardDuty", &["GuardDuty.1"]),
    ("guardDuty.features.S3_DATA_EVENTS", &["GuardDuty.10"]),
    ("guardDuty.features.EKS_AUDIT_LOGS", &["GuardDuty.5"]),
    ("guardDuty.features.RUNTIME_MONITORING", &["GuardDuty.7"]),
    (
        "guardDuty.features.EBS_MALWARE_PROTECTION",
        &["GuardDuty.8"],
    ),
    ("guardDuty.features.RDS_LOGIN_EVENTS", &["GuardDuty.9"]),
    ("guardDuty.features.LAMBDA_NETWORK_LOGS", &["GuardDuty.6"]),
    ("passwordPolicy", &["IAM.7"]),
    (
        "passwordPolicy.minimumPasswordLength",
        &["IAM.7", "IAM.15", "CIS 1.8"],
    ),
    (
        "passwordPolicy.passwordReusePrevention",
        &["IAM.7", "IAM.16", "CIS 1.9"],
    ),
    ("s3BlockPublicAccess", &["S3.1", "CIS 2.1.5"]),
    ("ebsEncryptionByDefault", &["EC2.7", "CIS 2.2.1"]),
    ("rootAccount.mfaEnabled", &["IAM.9", "CIS 1.5"]),
    ("rootAccount.accessKeysPresent", &["IAM.4", "CIS 1.4"]),
    ("inspector.scanTypes.EC2", &["Inspector.1"]),
    ("inspector.scanTypes.ECR", &["Inspector.2"]),
    ("inspector.scanTypes.LAMBDA_CODE", &["Inspector.3"]),
    ("inspector.scanTypes.LAMBDA", &["Inspector.4"]),
    ("config", &["Config.1", "CIS 3.5"]),
    ("configBucket", &["Config.1"]),
    ("configBucket.versioning", &["S3.14"]),
    ("configBucket.encryption", &["S3.4"]),
    ("configBucket.blockPublicAccess", &["S3.8"]),
    ("vpcFlowLogs", &["EC2.6", "CIS 3.9"]),
    ("accessAnalyzer", &["IAM.28", "CIS 1.20"]),
    ("securityHub", &["SecurityHub.1"]),
    // Trusted Advisor's root MFA check reads the setting IAM.9 / CIS 1.5 check; its other checks have no control
    // that checks the same thing.
    ("trustedAdvisor.rootAccountMfa", &["IAM.9", "CIS 1.5"]),
    ("s3AccessLogs", &["S3.9"]),
    ("elbAccessLogs", &["ELB.5"]),
    // AWS Backup (`*` is one name: a vault, plan or rule). Security Hub's Backup controls: Backup.1 recovery points
    // encrypted at rest (the vault's KMS key encrypts them), Backup.2 recovery points tagged (a rule's recovery point
    // tags), Backup.3 vaults tagged, Backup.5 backup plans tagged (Backup.4, report plans, is not managed).
    ("backup.vaults.*.kmsKeyArn", &["Backup.1"]),
    ("backup.vaults.*.tags", &["Backup.3"]),
    ("backup.plans.*.tags", &["Backup.5"]),
    ("backup.plans.*.rules.*.recoveryPointTags", &["Backup.2"]),
    // Organization (the `organization` section). Trusted access and a delegated administrator are what lets the
    // service be enabled and checked in every member account: the controls of the service itself (GuardDuty.1,
    // SecurityHub.1, Config.1, Inspector.1-4, IAM.28 / CIS 1.20) hold organization-wide only with them. Auto-enable
    // keeps them holding for accounts that join later. The Config aggregator has no control checking it.
    ("organizationServiceAccess.guardDuty", &["GuardDuty.1"]),
    ("organizationServiceAccess.securityHub", &["SecurityHub.1"]),
    ("organizationServiceAccess.config", &["Config.1"]),
    (
        "organizationServiceAccess.inspector",
        &["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"],
    ),
    (
        "organizationServiceAccess.accessAnalyzer",
        &["IAM.28", "CIS 1.20"],
    ),
    ("delegatedAdministrators.guardDuty", &["GuardDuty.1"]),
    ("delegatedAdministrators.securityHub", &["SecurityHub.1"]),
    ("delegatedAdministrators.config", &["Config.1"]),
    (
        "delegatedAdministrators.inspector",
        &["Inspector.1", "Inspector.2", "Inspector.3", "Inspector.4"],
    ),
    (
        "delegatedAdministrators.accessAnalyzer",
        &["IAM.28", "CIS 1.20"],
    ),
    ("organizationAutoEnable.guardDuty", &["GuardDuty.1"]),
    ("organizationAutoEnable.securityHub", &["SecurityHub.1"]),
    ("organizationAutoEnable.inspector.EC2", &["Inspector.1"]),
    ("organizationAutoEnable.inspector.ECR", &["Inspector.2"]),
    (
        "organizationAutoEnable.inspector.LAMBDA_CODE",
        &["Inspector.3"],
    ),
    ("organizationAutoEnable.inspector.LAMBDA", &["Inspector.4"]),
    // PatchSchedule: the patch task and baseline are what Security Hub SSM.2 (patch compliance) checks.
    ("tasks.patch", &["SSM.2"]),
    ("patchBaseline", &["SSM.2"]),
    // Fleet inventory: the Default Host Management Configuration makes EC2 instances managed by Systems Manager,
    // what Security Hub SSM.1 checks.
    ("ssmDefaultHostManagement", &["SSM.1"]),
];

/// Control IDs for a field path.
pub fn controls_for(field: &str) -> Vec<String> {
    if field.starts_with("cisAwsFoundations.") {
        // MonitoringPolicy's CIS monitoring set has its own table, next to the filter patterns.
        return crate::monitoring::controls_for(field);
    }
    if let Some(control) = crate::baseline::security_hub::control_of_field(field) {
        // A Security Hub control's own enablement (`securityHub.disabledControls.<control>.<standard>`).
        return vec![control.to_string()];
    }
    CONTROLS
        .iter()
        .filter(|(prefix, _)| matches_prefix(prefix, field))
        .max_by_key(|(prefix, _)| prefix.len())
        .map(|(_, ids)| ids.iter().map(|s| s.to_string()).collect())
        .unwrap_or_default()
}

/// `field` is `prefix` or below it, segment by segment (`*` matches any one segment).
fn matches_prefix(prefix: &str, field: &str) -> bool {
    let mut f = field.split('.');
    prefix
        .split('.')
        .all(|p| f.next().is_some_and(|s| p == "*" || p == s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn table_is_consistent() {
        let mut seen = BTreeSet::new();
        for (prefix, ids) in CONTROLS {
            assert!(seen.insert(*prefix), "duplicate prefix {prefix}");
            // Every prefix names a known component: checked against the sections in crate::engine::baseline.
            assert!(!ids.is_empty(), "{prefix} maps to no control");
            let unique: BTreeSet<_> = ids.iter().collect();
            assert_eq!(unique.len(), ids.len(), "duplicate control in {prefix}");
            for id in *ids {
                assert!(
                    id.starts_with("CIS ") || id.contains('.'),
                    "malformed control id {id}"
                );
            }
        }
    }

    #[test]
    fn longest_prefix_wins() {
        assert_eq!(
            controls_for("cloudTrail.logFileValidation"),
            vec!["CloudTrail.4", "CIS 3.2"]
        );
        assert_eq!(
            controls_for("cloudTrail.logging"),
            vec!["CloudTrail.1", "CIS 3.1"]
        );
        assert_eq!(
            controls_for("guardDuty.features.RUNTIME_MONITORING.EKS_ADDON_MANAGEMENT"),
            vec!["GuardDuty.7"]
        );
        assert!(controls_for("unknown.field").is_empty());
        assert_eq!(
            controls_for("inspector.scanTypes.LAMBDA"),
            vec!["Inspector.4"]
        );
        assert_eq!(
            controls_for("inspector.scanTypes.LAMBDA_CODE"),
            vec!["Inspector.3"]
        );
        assert_eq!(controls_for("tasks.patch.maxConcurrency"), vec!["SSM.2"]);
        assert!(controls_for("tasks.snapshot.priority").is_empty());
        // AWS Backup: the name segments match any vault, plan or rule.
        assert_eq!(
            controls_for("backup.vaults.central.kmsKeyArn"),
            vec!["Backup.1"]
        );
        assert_eq!(controls_for("backup.vaults.central.tags"), vec!["Backup.3"]);
        assert_eq!(controls_for("backup.plans.daily.tags"), vec!["Backup.5"]);
        assert_eq!(
            controls_for("backup.plans.daily.rules.nightly.recoveryPointTags"),
            vec!["Backup.2"]
        );
        assert!(controls_for("backup.plans.daily.rules.nightly.schedule").is_empty());
        assert!(controls_for("backup.vaults.tags").is_empty());
        // Organization settings carry the controls of the service they extend; the aggregator none.
        assert_eq!(
            controls_for("organizationAutoEnable.inspector.LAMBDA_CODE"),
            vec!["Inspector.3"]
        );
        assert_eq!(
            controls_for("delegatedAdministrators.accessAnalyzer"),
            vec!["IAM.28", "CIS 1.20"]
        );
        assert!(controls_for("configAggregator.organization.roleArn").is_empty());
        // The organization trail is the cloudTrail section's trail.
        assert_eq!(
            controls_for("cloudTrail.isOrganizationTrail"),
            vec!["CloudTrail.1", "CIS 3.1"]
        );
        // No Security Hub control or CIS item checks budgets.
        assert!(controls_for("budgets.monthly-cost.limit").is_empty());
        assert!(CONTROLS.iter().all(|(p, _)| !p.starts_with("budgets")));
    }
}
