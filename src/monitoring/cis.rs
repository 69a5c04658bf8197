//! The CIS AWS Foundations monitoring set (`spec.cisAwsFoundations`): per item a filter pattern over CloudTrail
//! events and the Security Hub / CIS controls it satisfies. The filters and alarms it expands to are built in
//! `metric_filters` and `alarms`.

use crate::api::monitoring_policy::CisItem;

/// One item of the CIS set: its filter pattern and the controls it satisfies.
#[derive(Clone, Copy, Debug)]
pub struct CisDefinition {
    /// The item.
    pub item: CisItem,
    /// Stable key used in names and field paths.
    pub key: &'static str,
    /// CloudWatch Logs filter pattern over CloudTrail events (CIS AWS Foundations Benchmark).
    pub pattern: &'static str,
    /// Security Hub / CIS control IDs.
    pub controls: &'static [&'static str],
}

/// The CIS AWS Foundations monitoring set (CIS 1.4 / 3.0 section 4; Security Hub CloudWatch.1-14).
pub const CIS: &[CisDefinition] = &[
    CisDefinition {
        item: CisItem::UnauthorizedApiCalls,
        key: "unauthorizedApiCalls",
        pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        controls: &["CloudWatch.2", "CIS 4.1"],
    },
    CisDefinition {
        item: CisItem::ConsoleSignInWithoutMfa,
        key: "consoleSignInWithoutMfa",
        pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        controls: &["CloudWatch.3", "CIS 4.2"],
    },
    CisDefinition {
        item: CisItem::RootAccountUsage,
        key: "rootAccountUsage",
        pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        controls: &["CloudWatch.1", "CIS 4.3"],
    },
    CisDefinition {
        item: CisItem::IamPolicyChanges,
        key: "iamPolicyChanges",
        pattern: "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
        controls: &["CloudWatch.4", "CIS 4.4"],
    },
    CisDefinition {
        item: CisItem::CloudTrailChanges,
        key: "cloudTrailChanges",
        pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        controls: &["CloudWatch.5", "CIS 4.5"],
    },
    CisDefinition {
        item: CisItem::ConsoleAuthenticationFailures,
        key: "consoleAuthenticationFailures",
        pattern: r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        controls: &["CloudWatch.6", "CIS 4.6"],
    },
    CisDefinition {
        item: CisItem::CmkDisableOrDeletion,
        key: "cmkDisableOrDeletion",
        pattern: "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        controls: &["CloudWatch.7", "CIS 4.7"],
    },
    CisDefinition {
        item: CisItem::S3BucketPolicyChanges,
        key: "s3BucketPolicyChanges",
        pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        controls: &["CloudWatch.8", "CIS 4.8"],
    },
    CisDefinition {
        item: CisItem::ConfigChanges,
        key: "configChanges",
        pattern: "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
        controls: &["CloudWatch.9", "CIS 4.9"],
    },
    CisDefinition {
        item: CisItem::SecurityGroupChanges,
        key: "securityGroupChanges",
        pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        controls: &["CloudWatch.10", "CIS 4.10"],
    },
    CisDefinition {
        item: CisItem::NaclChanges,
        key: "naclChanges",
        pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        controls: &["CloudWatch.11", "CIS 4.11"],
    },
    CisDefinition {
        item: CisItem::NetworkGatewayChanges,
        key: "networkGatewayChanges",
        pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        controls: &["CloudWatch.12", "CIS 4.12"],
    },
    CisDefinition {
        item: CisItem::RouteTableChanges,
        key: "routeTableChanges",
        pattern: "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
        controls: &["CloudWatch.13", "CIS 4.13"],
    },
    CisDefinition {
        item: CisItem::VpcChanges,
        key: "vpcChanges",
        pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        controls: &["CloudWatch.14", "CIS 4.14"],
    },
    CisDefinition {
        item: CisItem::OrganizationsChanges,
        key: "organizationsChanges",
        pattern: r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
        controls: &["CIS 4.15"],
    },
];

/// Control IDs for a MonitoringPolicy drift field (`cisAwsFoundations.<key>...`).
pub fn controls_for(field: &str) -> Vec<String> {
    let Some(rest) = field.strip_prefix("cisAwsFoundations.") else {
        return Vec::new();
    };
    let key = rest.split('.').next().unwrap_or_default();
    CIS.iter()
        .find(|d| d.key == key)
        .map(|d| d.controls.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeSet;

    #[test]
    fn cis_table_is_complete_and_unique() {
        let items: BTreeSet<String> = CIS.iter().map(|d| format!("{:?}", d.item)).collect();
        assert_eq!(items.len(), 15, "the 15 CIS monitoring items");
        let keys: BTreeSet<&str> = CIS.iter().map(|d| d.key).collect();
        assert_eq!(keys.len(), CIS.len());
        for d in CIS {
            let serialized = serde_json::to_value(d.item).unwrap();
            assert_eq!(serialized, json!(d.key), "key is the spec's enum value");
            assert!(
                d.pattern.starts_with('{') && d.pattern.ends_with('}'),
                "{}",
                d.key
            );
            assert!(!d.controls.is_empty());
        }
        assert_eq!(
            controls_for("cisAwsFoundations.rootAccountUsage.alarm.threshold"),
            vec!["CloudWatch.1", "CIS 4.3"]
        );
        assert!(controls_for("alarms.x.threshold").is_empty());
    }
}
