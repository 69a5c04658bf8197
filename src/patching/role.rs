//! The maintenance window service role the operator creates for the patch task (`patching.createRole`).

use super::PATCH_ROLE;
use crate::api::common::Owner;
use crate::api::patch_schedule::PatchScheduleSpec;
use crate::aws::operation::SSM_PRINCIPAL;
use crate::engine::role::{self, OwnedRole};
use serde_json::json;

/// The role, when the spec asks for it: trusted by Systems Manager for this account only (the confused-deputy
/// conditions the Systems Manager user guide documents for service roles), allowed to run `AWS-RunPatchBaseline`
/// on the account's EC2 and managed instances and to follow its commands, as the user guide's custom maintenance
/// window service role policy grants for Run Command tasks
/// (https://docs.aws.amazon.com/systems-manager/latest/userguide/sysman-maintenance-perm-console.html), narrowed to
/// the one document the patch task runs.
pub fn service_role(
    spec: &PatchScheduleSpec,
    account: &str,
    partition: &str,
    owner: &Owner,
) -> Option<OwnedRole> {
    spec.patching.as_ref().filter(|p| p.create_role)?;
    Some(OwnedRole {
        component: PATCH_ROLE,
        name: role::role_name("patching", owner),
        description: format!(
            "Maintenance window service role of PatchSchedule {} (aws-baseline-operator)",
            owner.name
        ),
        trust: role::trust_policy(
            SSM_PRINCIPAL,
            account,
            Some(&format!("arn:{partition}:ssm:*:{account}:*")),
        ),
        policy: json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "RunPatchBaseline", "Effect": "Allow", "Action": ["ssm:SendCommand"],
                 "Resource": [
                    format!("arn:{partition}:ssm:*::document/{}", super::tasks::PATCH_DOCUMENT),
                    format!("arn:{partition}:ec2:*:{account}:instance/*"),
                    format!("arn:{partition}:ssm:*:{account}:managed-instance/*"),
                 ]},
                {"Sid": "FollowCommands", "Effect": "Allow",
                 "Action": ["ssm:CancelCommand", "ssm:GetCommandInvocation", "ssm:ListCommandInvocations",
                            "ssm:ListCommands", "ec2:DescribeInstanceStatus", "tag:GetResources"],
                 "Resource": "*"},
            ]
        }),
    })
}

/// The ARN the patch task runs with when the operator creates the role.
pub fn service_role_arn(
    spec: &PatchScheduleSpec,
    account: &str,
    partition: &str,
    owner: &Owner,
) -> Option<String> {
    service_role(spec, account, partition, owner)
        .map(|r| role::role_arn(partition, account, &r.name))
}
