//! The least-privilege IAM policy the operator needs: `aws-baseline-operator iam-policy [-f PATHS]`.
//!
//! [`OPERATIONS`] is the single source of truth: one row per AWS operation the service modules in `src/aws/`
//! call, with the IAM permissions that operation needs and the spec sections whose reconciliation calls it.
//! `tests/iam_policy.rs` fails when an operation the code calls has no row, or a row names an operation the code
//! no longer calls.
//!
//! A *use* names a spec section (or a condition on one), optionally with a phase:
//! - `AccountBaseline.guardDuty`: whenever the section is declared (observing it; `plan` and `check` too);
//! - `AccountBaseline.guardDuty#correct`: only when the object may write, i.e. `driftPolicy: Correct`;
//! - `AccountBaseline.guardDuty#delete`: only when the object is deleted with `deletionPolicy: Delete`.
//!
//! Without manifests every use counts (everything the operator can call); with manifests only the uses their
//! objects make, and `iam:PassRole` / `sts:AssumeRole` are limited to the role ARNs the manifests name.

use crate::api::common::{DeletionPolicy, DriftPolicy};
use crate::manifests::{self, Manifests};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// One IAM permission an operation needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// An action allowed on every resource (`Resource: "*"`).
    Action(&'static str),
    /// `iam:PassRole` of a role the request hands to this service principal (`iam:PassedToService`).
    PassRole(&'static str),
    /// `iam:CreateServiceLinkedRole` of the service-linked role (principal, role name) AWS creates on first use.
    ServiceLinkedRole(&'static str, &'static str),
}

/// A permission, and the uses it is limited to when the operation needs it only in some of its uses (a role
/// is passed only when the spec names one); empty `only` means every use of the operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Perm {
    /// What is allowed.
    pub grant: Grant,
    /// Uses this permission is limited to; empty = all uses of the row.
    pub only: &'static [&'static str],
}

/// One AWS operation the operator calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Row {
    /// SDK service, as in `const SVC` of `src/aws/*.rs`.
    pub service: &'static str,
    /// SDK operation name.
    pub operation: &'static str,
    /// IAM permissions the call needs (none for STS GetCallerIdentity).
    pub perms: &'static [Perm],
    /// Spec sections (with phase) whose reconciliation makes the call.
    pub uses: &'static [&'static str],
}

const fn act(action: &'static str) -> Perm {
    Perm {
        grant: Grant::Action(action),
        only: &[],
    }
}

const fn pass_role(principal: &'static str, only: &'static [&'static str]) -> Perm {
    Perm {
        grant: Grant::PassRole(principal),
        only,
    }
}

const fn slr(principal: &'static str, role: &'static str, only: &'static [&'static str]) -> Perm {
    Perm {
        grant: Grant::ServiceLinkedRole(principal, role),
        only,
    }
}

const fn row(
    service: &'static str,
    operation: &'static str,
    perms: &'static [Perm],
    uses: &'static [&'static str],
) -> Row {
    Row {
        service,
        operation,
        perms,
        uses,
    }
}

/// Service principal CloudTrail assumes the CloudWatch Logs delivery role as.
pub const CLOUDTRAIL_PRINCIPAL: &str = "cloudtrail.amazonaws.com";
/// Service principal of Systems Manager (maintenance window task roles, its service-linked role).
pub const SSM_PRINCIPAL: &str = "ssm.amazonaws.com";
/// Service principal of GuardDuty (its service-linked role).
pub const GUARDDUTY_PRINCIPAL: &str = "guardduty.amazonaws.com";
/// Service principal of EventBridge (the role a scheduled action's target runs as).
pub const EVENTS_PRINCIPAL: &str = "events.amazonaws.com";
/// Service principal of AWS Config (the recorder's role is passed to it).
pub const CONFIG_PRINCIPAL: &str = "config.amazonaws.com";
/// AWS Config's service-linked role, in any account: the recorder's role when the spec names none.
pub const CONFIG_SERVICE_LINKED_ROLE: &str =
    "arn:*:iam::*:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";
/// Service principal of IAM Access Analyzer (its service-linked role).
pub const ACCESS_ANALYZER_PRINCIPAL: &str = "access-analyzer.amazonaws.com";
/// Service principal VPC flow logs assume the CloudWatch Logs delivery role as.
pub const VPC_FLOW_LOGS_PRINCIPAL: &str = "vpc-flow-logs.amazonaws.com";
/// Service principal of Amazon Inspector (its service-linked role).
pub const INSPECTOR_PRINCIPAL: &str = "inspector2.amazonaws.com";
/// Service principal of AWS Security Hub (its service-linked role).
pub const SECURITY_HUB_PRINCIPAL: &str = "securityhub.amazonaws.com";
/// Service principal of EKS Pod Identity (the role of the Container Insights add-on's service account).
pub const EKS_POD_IDENTITY_PRINCIPAL: &str = "pods.eks.amazonaws.com";

/// Every section (or condition) a use may name; a phase suffix `#correct` / `#delete` may follow.
pub const SECTIONS: &[&str] = &[
    "AwsAccount",
    "AccountBaseline",
    "AccountBaseline.cloudTrail",
    "AccountBaseline.cloudTrail.s3.createBucket",
    "AccountBaseline.cloudTrail.cloudWatchLogs",
    "AccountBaseline.guardDuty",
    "AccountBaseline.passwordPolicy",
    "AccountBaseline.s3BlockPublicAccess",
    "AccountBaseline.ebsEncryptionByDefault",
    "AccountBaseline.ebsEncryptionByDefault.kmsKeyId",
    "AccountBaseline.rootAccount",
    "AccountBaseline.sessionManager",
    "AccountBaseline.inspector",
    "AccountBaseline.config",
    // Some Config rule declares a remediation.
    "AccountBaseline.config.remediation",
    // AWS Config's delivery bucket is created by the operator.
    "AccountBaseline.config.deliveryChannel.createBucket",
    "AccountBaseline.vpcFlowLogs",
    "AccountBaseline.vpcFlowLogs.s3",
    "AccountBaseline.vpcFlowLogs.cloudWatchLogs",
    "AccountBaseline.accessAnalyzer",
    "AccountBaseline.securityHub",
    "AccountBaseline.securityHub.findingAggregator",
    "AccountBaseline.budgets",
    "PatchSchedule",
    // A target group selects instances by tags (compliance expands them with EC2).
    "PatchSchedule.targets.tags",
    "PatchSchedule.baseline",
    "PatchSchedule.inventory",
    // Some task (patching or a pre/post step) names a serviceRoleArn.
    "PatchSchedule.serviceRoleArn",
    // Some task names none, so Systems Manager runs it with its service-linked role.
    "PatchSchedule.serviceLinkedRole",
    "MonitoringPolicy",
    "MonitoringPolicy.topics",
    // Alarms, the CIS preset's included.
    "MonitoringPolicy.alarms",
    // Metric filters, the CIS preset's included.
    "MonitoringPolicy.logMetricFilters",
    "MonitoringPolicy.logGroups",
    "MonitoringPolicy.compositeAlarms",
    "MonitoringPolicy.dashboards",
    // A log group names a KMS key.
    "MonitoringPolicy.logGroups.kmsKeyId",
    "MonitoringPolicy.findingRoutes",
    "MonitoringPolicy.scheduledActions",
    "MonitoringPolicy.insightsQueries",
    "MonitoringPolicy.containerInsights",
    // Some EKS cluster's add-on gets a pod identity role.
    "MonitoringPolicy.containerInsights.podIdentity",
];

// Sources (each mapping below was checked against them):
// - AWS Service Authorization Reference, "API operations defined by ..." tables, which map each API operation to
//   the IAM actions it authorizes:
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awscloudtrail.html
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonguardduty.html
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssystemsmanager.html
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazons3.html
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html
// - S3 Control API reference: PutPublicAccessBlock "users must have the s3:PutAccountPublicAccessBlock
//   permission" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_PutPublicAccessBlock.html); the
//   Service Authorization Reference's actions table documents s3:GetAccountPublicAccessBlock with
//   API_control_GetPublicAccessBlock. Its operations table lists the bucket-level actions for the s3control
//   operations too; the account-level configuration is governed by the *Account* actions, and the S3 user guide
//   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html) lists
//   s3:PutAccountPublicAccessBlock for deleting it.
// - STS API reference, GetCallerIdentity: "No permissions are required to perform this operation"
//   (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
// - IAM Access Analyzer: the IAM prefix is access-analyzer; CreateAnalyzer with inline archive rules and tags also
//   authorizes access-analyzer:CreateArchiveRule and access-analyzer:TagResource, and creates the service-linked
//   role AWSServiceRoleForAccessAnalyzer on first use
//   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiamaccessanalyzer.html,
//   https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-using-service-linked-roles.html).
// - AWS Budgets: the IAM prefix is budgets and its actions are permissions, not API names: budgets:ViewBudget
//   authorizes DescribeBudgets, DescribeNotificationsForBudget and DescribeSubscribersForNotification;
//   budgets:ModifyBudget authorizes Create/Update/DeleteBudget, Create/DeleteNotification and
//   Create/Update/DeleteSubscriber; CreateBudget with ResourceTags also authorizes budgets:TagResource;
//   ListTagsForResource is budgets:ListTagsForResource
//   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbudgetservice.html). The operations
//   table there also lists the legacy aws-portal:ModifyBilling / ViewBilling, which AWS retired for the
//   fine-grained Billing and Cost Management actions; they are not granted.
// - Amazon VPC user guide, flow logs: CreateFlowLogs with TagSpecifications needs ec2:CreateTags; publishing to
//   CloudWatch Logs passes the delivery role (iam:PassRole to vpc-flow-logs.amazonaws.com); publishing to S3
//   needs logs:CreateLogDelivery, and deleting such a flow log logs:DeleteLogDelivery
//   (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam.html,
//   https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html).
// - AWS Config developer guide, "Permissions for the IAM role assigned to AWS Config": the caller of
//   PutConfigurationRecorder needs iam:PassRole on the recorder's role (also when it is the service-linked role
//   AWSServiceRoleForConfig, which must exist; the operator does not create it); PutConfigRule with Tags also
//   authorizes config:TagResource
//   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsconfig.html).
// - Amazon Inspector user guide, service-linked role: activating Inspector creates
//   AWSServiceRoleForAmazonInspector2, so the identity calling Enable needs iam:CreateServiceLinkedRole with
//   iam:AWSServiceName inspector2.amazonaws.com
//   (https://docs.aws.amazon.com/inspector/latest/user/using-service-linked-roles.html); Enable, Disable and
//   BatchGetAccountStatus authorize inspector2:Enable / Disable / BatchGetAccountStatus
//   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoninspector2.html).
// - AWS Security Hub user guide, service-linked role: enabling Security Hub creates AWSServiceRoleForSecurityHub
//   (iam:CreateServiceLinkedRole with iam:AWSServiceName securityhub.amazonaws.com); EnableSecurityHub with Tags
//   also authorizes securityhub:TagResource; every other operation authorizes the securityhub: action of its name
//   (https://docs.aws.amazon.com/securityhub/latest/userguide/using-service-linked-roles.html,
//   https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecurityhub.html).
// - GuardDuty user guide, service-linked roles: enabling GuardDuty creates AWSServiceRoleForAmazonGuardDuty and
//   the identity that enables it needs iam:CreateServiceLinkedRole with iam:AWSServiceName
//   guardduty.amazonaws.com (https://docs.aws.amazon.com/guardduty/latest/ug/using-service-linked-roles.html).
// - SSM API reference, RegisterTaskWithMaintenanceWindow ServiceRoleArn: without a role "Systems Manager uses a
//   service-linked role ... If no appropriate service-linked role ... exists in your account, it is created when
//   you run RegisterTaskWithMaintenanceWindow"
//   (https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_RegisterTaskWithMaintenanceWindow.html).
// - IAM user guide: iam:PassRole (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_passrole.html)
//   and sts:TagSession for session tags
//   (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_permissions-required).
//
// Not 1:1:
// - s3 HeadBucket -> s3:ListBucket; GetBucketEncryption / PutBucketEncryption -> s3:Get/PutEncryptionConfiguration;
//   GetPublicAccessBlock / PutPublicAccessBlock (bucket) -> s3:Get/PutBucketPublicAccessBlock.
// - s3 CreateBucket: the reference also lists s3:PutBucketAcl, s3:PutBucketObjectLockConfiguration,
//   s3:PutBucketOwnershipControls and s3:PutBucketVersioning, each authorized only when the request carries an
//   ACL, Object Lock or ownership header; the operator sends none of them (tags, versioning, encryption follow
//   as their own calls), so s3:CreateBucket alone.
// - s3control Get/Put/DeletePublicAccessBlock -> s3:GetAccountPublicAccessBlock / s3:PutAccountPublicAccessBlock.
// - cloudtrail CreateTrail also authorizes cloudtrail:AddTags (TagsList carries the owner tags) and, with
//   cloudWatchLogs, iam:PassRole of its role; UpdateTrail sends an empty role ARN when cloudWatchLogs is unset.
// - guardduty CreateDetector also authorizes guardduty:TagResource (owner tags) and creates GuardDuty's
//   service-linked role on first use.
// - ssm Create{MaintenanceWindow,PatchBaseline,Association} also authorize ssm:AddTagsToResource (owner tags).
//   CreateAssociation / UpdateAssociation authorize iam:PassRole only for an association role, which the
//   operator never sets. Register/UpdateMaintenanceWindowTask pass the task's serviceRoleArn when one is set.
// - cloudwatch PutMetricAlarm with Tags, logs CreateLogGroup with tags and sns CreateTopic with Tags also
//   authorize cloudwatch:TagResource / logs:TagResource / sns:TagResource (owner tags on creation).
// - sts GetCallerIdentity needs no permission: its row has none.
// - sts AssumeRole (AwsAccount.spec.assumeRole) is called by aws-config's AssumeRoleProvider, not by a service
//   module, so it has no row: the policy adds it from the AwsAccounts' role ARNs (see `Usage`).
//
// Deleting what a PatchSchedule created after a section was removed from its spec (a baseline, inventory
// associations) happens in a Correct pass of the PatchSchedule itself, so those deletes count as
// `PatchSchedule#correct`.

/// Uses of the EKS add-on writes that hand a pod identity role to the add-on's service account.
const POD_IDENTITY_CORRECT: &[&str] = &["MonitoringPolicy.containerInsights.podIdentity#correct"];

/// CreateAddon / UpdateAddon with `podIdentityAssociations` also create the association.
const POD_IDENTITY_ASSOCIATION: Perm = Perm {
    grant: Grant::Action("eks:CreatePodIdentityAssociation"),
    only: POD_IDENTITY_CORRECT,
};

/// Every AWS operation the service modules call, sorted by (service, operation).
pub const OPERATIONS: &[Row] = &[
    // IAM Access Analyzer (every region; unused access analyzers in the home region).
    row(
        "accessanalyzer",
        "CreateAnalyzer",
        &[
            act("access-analyzer:CreateAnalyzer"),
            act("access-analyzer:CreateArchiveRule"),
            act("access-analyzer:TagResource"),
            slr(
                ACCESS_ANALYZER_PRINCIPAL,
                "AWSServiceRoleForAccessAnalyzer",
                &[],
            ),
        ],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    row(
        "accessanalyzer",
        "CreateArchiveRule",
        &[act("access-analyzer:CreateArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    row(
        "accessanalyzer",
        "DeleteAnalyzer",
        &[act("access-analyzer:DeleteAnalyzer")],
        &[
            "AccountBaseline.accessAnalyzer#correct",
            "AccountBaseline.accessAnalyzer#delete",
        ],
    ),
    row(
        "accessanalyzer",
        "DeleteArchiveRule",
        &[act("access-analyzer:DeleteArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    row(
        "accessanalyzer",
        "ListAnalyzers",
        &[act("access-analyzer:ListAnalyzers")],
        &[
            "AccountBaseline.accessAnalyzer",
            "AccountBaseline.accessAnalyzer#delete",
        ],
    ),
    row(
        "accessanalyzer",
        "ListArchiveRules",
        &[act("access-analyzer:ListArchiveRules")],
        &["AccountBaseline.accessAnalyzer"],
    ),
    row(
        "accessanalyzer",
        "UpdateAnalyzer",
        &[act("access-analyzer:UpdateAnalyzer")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    row(
        "accessanalyzer",
        "UpdateArchiveRule",
        &[act("access-analyzer:UpdateArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    // AWS Budgets (account-wide, from the home region; the endpoint is global).
    row(
        "budgets",
        "CreateBudget",
        &[act("budgets:ModifyBudget"), act("budgets:TagResource")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "CreateNotification",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "CreateSubscriber",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "DeleteBudget",
        &[act("budgets:ModifyBudget")],
        &[
            "AccountBaseline.budgets#correct",
            "AccountBaseline.budgets#delete",
        ],
    ),
    row(
        "budgets",
        "DeleteNotification",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "DeleteSubscriber",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "DescribeBudgets",
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets", "AccountBaseline.budgets#delete"],
    ),
    row(
        "budgets",
        "DescribeNotificationsForBudget",
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets"],
    ),
    row(
        "budgets",
        "DescribeSubscribersForNotification",
        &[act("budgets:ViewBudget")],
        &["AccountBaseline.budgets"],
    ),
    row(
        "budgets",
        "ListTagsForResource",
        &[act("budgets:ListTagsForResource")],
        &["AccountBaseline.budgets", "AccountBaseline.budgets#delete"],
    ),
    row(
        "budgets",
        "UpdateBudget",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    row(
        "budgets",
        "UpdateSubscriber",
        &[act("budgets:ModifyBudget")],
        &["AccountBaseline.budgets#correct"],
    ),
    // CloudTrail (trail in the home region).
    row(
        "cloudtrail",
        "CreateTrail",
        &[
            act("cloudtrail:CreateTrail"),
            act("cloudtrail:AddTags"),
            pass_role(
                CLOUDTRAIL_PRINCIPAL,
                &["AccountBaseline.cloudTrail.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    row(
        "cloudtrail",
        "DeleteTrail",
        &[act("cloudtrail:DeleteTrail")],
        &["AccountBaseline.cloudTrail#delete"],
    ),
    row(
        "cloudtrail",
        "DescribeTrails",
        &[act("cloudtrail:DescribeTrails")],
        &["AccountBaseline.cloudTrail"],
    ),
    row(
        "cloudtrail",
        "GetEventSelectors",
        &[act("cloudtrail:GetEventSelectors")],
        &["AccountBaseline.cloudTrail"],
    ),
    row(
        "cloudtrail",
        "GetInsightSelectors",
        &[act("cloudtrail:GetInsightSelectors")],
        &["AccountBaseline.cloudTrail"],
    ),
    row(
        "cloudtrail",
        "GetTrailStatus",
        &[act("cloudtrail:GetTrailStatus")],
        &["AccountBaseline.cloudTrail"],
    ),
    row(
        "cloudtrail",
        "ListTags",
        &[act("cloudtrail:ListTags")],
        &["AccountBaseline.cloudTrail"],
    ),
    row(
        "cloudtrail",
        "PutEventSelectors",
        &[act("cloudtrail:PutEventSelectors")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    row(
        "cloudtrail",
        "PutInsightSelectors",
        &[act("cloudtrail:PutInsightSelectors")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    row(
        "cloudtrail",
        "StartLogging",
        &[act("cloudtrail:StartLogging")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    row(
        "cloudtrail",
        "StopLogging",
        &[act("cloudtrail:StopLogging")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    row(
        "cloudtrail",
        "UpdateTrail",
        &[
            act("cloudtrail:UpdateTrail"),
            pass_role(
                CLOUDTRAIL_PRINCIPAL,
                &["AccountBaseline.cloudTrail.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    // CloudWatch (MonitoringPolicy alarms, composite alarms, dashboards).
    row(
        "cloudwatch",
        "DeleteAlarms",
        &[act("cloudwatch:DeleteAlarms")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    row(
        "cloudwatch",
        "DeleteDashboards",
        &[act("cloudwatch:DeleteDashboards")],
        &[
            "MonitoringPolicy.dashboards#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    row(
        "cloudwatch",
        "DescribeAlarms",
        &[act("cloudwatch:DescribeAlarms")],
        &["MonitoringPolicy"],
    ),
    row(
        "cloudwatch",
        "GetDashboard",
        &[act("cloudwatch:GetDashboard")],
        &["MonitoringPolicy.dashboards"],
    ),
    row(
        "cloudwatch",
        "ListDashboards",
        &[act("cloudwatch:ListDashboards")],
        &["MonitoringPolicy.dashboards"],
    ),
    row(
        "cloudwatch",
        "ListTagsForResource",
        &[act("cloudwatch:ListTagsForResource")],
        &["MonitoringPolicy"],
    ),
    row(
        "cloudwatch",
        "PutCompositeAlarm",
        &[
            act("cloudwatch:PutCompositeAlarm"),
            act("cloudwatch:TagResource"),
        ],
        &["MonitoringPolicy.compositeAlarms#correct"],
    ),
    row(
        "cloudwatch",
        "PutDashboard",
        &[act("cloudwatch:PutDashboard")],
        &["MonitoringPolicy.dashboards#correct"],
    ),
    row(
        "cloudwatch",
        "PutMetricAlarm",
        &[
            act("cloudwatch:PutMetricAlarm"),
            act("cloudwatch:TagResource"),
        ],
        &["MonitoringPolicy.alarms#correct"],
    ),
    // AWS Config (every region): recorder, delivery channel, managed rules.
    row(
        "config",
        "DeleteConfigRule",
        &[act("config:DeleteConfigRule")],
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
    row(
        "config",
        "DeleteConfigurationRecorder",
        &[act("config:DeleteConfigurationRecorder")],
        &["AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DeleteDeliveryChannel",
        &[act("config:DeleteDeliveryChannel")],
        &["AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DeleteRemediationConfiguration",
        &[act("config:DeleteRemediationConfiguration")],
        // A remediation that left the spec, or one that blocks deleting a rule this baseline created.
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
    row(
        "config",
        "DescribeConfigRules",
        &[act("config:DescribeConfigRules")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DescribeConfigurationRecorderStatus",
        &[act("config:DescribeConfigurationRecorderStatus")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DescribeConfigurationRecorders",
        &[act("config:DescribeConfigurationRecorders")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DescribeDeliveryChannels",
        &[act("config:DescribeDeliveryChannels")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "DescribeRemediationConfigurations",
        &[act("config:DescribeRemediationConfigurations")],
        // Every declared rule's remediation is read: one that left the spec is deleted.
        &["AccountBaseline.config"],
    ),
    row(
        "config",
        "ListTagsForResource",
        &[act("config:ListTagsForResource")],
        &["AccountBaseline.config", "AccountBaseline.config#delete"],
    ),
    row(
        "config",
        "PutConfigRule",
        &[act("config:PutConfigRule"), act("config:TagResource")],
        &["AccountBaseline.config#correct"],
    ),
    row(
        "config",
        "PutConfigurationRecorder",
        &[
            act("config:PutConfigurationRecorder"),
            pass_role(CONFIG_PRINCIPAL, &[]),
        ],
        &["AccountBaseline.config#correct"],
    ),
    row(
        "config",
        "PutDeliveryChannel",
        &[act("config:PutDeliveryChannel")],
        &["AccountBaseline.config#correct"],
    ),
    row(
        "config",
        "PutRemediationConfigurations",
        &[act("config:PutRemediationConfigurations")],
        &["AccountBaseline.config.remediation#correct"],
    ),
    row(
        "config",
        "StartConfigurationRecorder",
        &[act("config:StartConfigurationRecorder")],
        &["AccountBaseline.config#correct"],
    ),
    row(
        "config",
        "StopConfigurationRecorder",
        &[act("config:StopConfigurationRecorder")],
        &[
            "AccountBaseline.config#correct",
            "AccountBaseline.config#delete",
        ],
    ),
    // EC2: EBS encryption by default (every region) and instance lookup for PatchSchedule compliance.
    row(
        "ec2",
        "CreateFlowLogs",
        &[
            act("ec2:CreateFlowLogs"),
            act("ec2:CreateTags"),
            Perm {
                grant: Grant::Action("logs:CreateLogDelivery"),
                only: &["AccountBaseline.vpcFlowLogs.s3#correct"],
            },
            pass_role(
                VPC_FLOW_LOGS_PRINCIPAL,
                &["AccountBaseline.vpcFlowLogs.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.vpcFlowLogs#correct"],
    ),
    row(
        "ec2",
        "DeleteFlowLogs",
        &[
            act("ec2:DeleteFlowLogs"),
            Perm {
                grant: Grant::Action("logs:DeleteLogDelivery"),
                only: &[
                    "AccountBaseline.vpcFlowLogs.s3#correct",
                    "AccountBaseline.vpcFlowLogs.s3#delete",
                ],
            },
        ],
        &[
            "AccountBaseline.vpcFlowLogs#correct",
            "AccountBaseline.vpcFlowLogs#delete",
        ],
    ),
    row(
        "ec2",
        "DescribeFlowLogs",
        &[act("ec2:DescribeFlowLogs")],
        &[
            "AccountBaseline.vpcFlowLogs",
            "AccountBaseline.vpcFlowLogs#delete",
        ],
    ),
    row(
        "ec2",
        "DescribeInstances",
        &[act("ec2:DescribeInstances")],
        &["PatchSchedule.targets.tags"],
    ),
    row(
        "ec2",
        "DescribeVpcs",
        &[act("ec2:DescribeVpcs")],
        &["AccountBaseline.vpcFlowLogs"],
    ),
    row(
        "ec2",
        "DisableEbsEncryptionByDefault",
        &[act("ec2:DisableEbsEncryptionByDefault")],
        &[
            "AccountBaseline.ebsEncryptionByDefault#correct",
            "AccountBaseline.ebsEncryptionByDefault#delete",
        ],
    ),
    row(
        "ec2",
        "EnableEbsEncryptionByDefault",
        &[act("ec2:EnableEbsEncryptionByDefault")],
        &["AccountBaseline.ebsEncryptionByDefault#correct"],
    ),
    row(
        "ec2",
        "GetEbsDefaultKmsKeyId",
        &[act("ec2:GetEbsDefaultKmsKeyId")],
        &["AccountBaseline.ebsEncryptionByDefault.kmsKeyId"],
    ),
    row(
        "ec2",
        "GetEbsEncryptionByDefault",
        &[act("ec2:GetEbsEncryptionByDefault")],
        &["AccountBaseline.ebsEncryptionByDefault"],
    ),
    row(
        "ec2",
        "ModifyEbsDefaultKmsKeyId",
        &[act("ec2:ModifyEbsDefaultKmsKeyId")],
        &["AccountBaseline.ebsEncryptionByDefault.kmsKeyId#correct"],
    ),
    // ECS (MonitoringPolicy Container Insights: the cluster setting; clusters are never created or deleted).
    row(
        "ecs",
        "DescribeClusters",
        &[act("ecs:DescribeClusters")],
        &["MonitoringPolicy.containerInsights"],
    ),
    row(
        "ecs",
        "UpdateCluster",
        &[act("ecs:UpdateCluster")],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
    // EKS (MonitoringPolicy Container Insights: the amazon-cloudwatch-observability add-on). Add-ons of clusters
    // removed from the spec are found through status and deleted when their tags prove ownership.
    row(
        "eks",
        "CreateAddon",
        &[
            act("eks:CreateAddon"),
            act("eks:TagResource"),
            POD_IDENTITY_ASSOCIATION,
            pass_role(EKS_POD_IDENTITY_PRINCIPAL, POD_IDENTITY_CORRECT),
        ],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
    row(
        "eks",
        "DeleteAddon",
        &[act("eks:DeleteAddon")],
        &[
            "MonitoringPolicy.containerInsights#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    row(
        "eks",
        "DescribeAddon",
        &[act("eks:DescribeAddon")],
        &[
            "MonitoringPolicy.containerInsights",
            "MonitoringPolicy#delete",
        ],
    ),
    row(
        "eks",
        "DescribeAddonVersions",
        &[act("eks:DescribeAddonVersions")],
        &["MonitoringPolicy.containerInsights"],
    ),
    row(
        "eks",
        "DescribeCluster",
        &[act("eks:DescribeCluster")],
        &["MonitoringPolicy.containerInsights"],
    ),
    row(
        "eks",
        "DescribePodIdentityAssociation",
        &[act("eks:DescribePodIdentityAssociation")],
        &["MonitoringPolicy.containerInsights.podIdentity"],
    ),
    row(
        "eks",
        "UpdateAddon",
        &[
            act("eks:UpdateAddon"),
            POD_IDENTITY_ASSOCIATION,
            Perm {
                grant: Grant::Action("eks:UpdatePodIdentityAssociation"),
                only: POD_IDENTITY_CORRECT,
            },
            pass_role(EKS_POD_IDENTITY_PRINCIPAL, POD_IDENTITY_CORRECT),
        ],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
    // EventBridge (MonitoringPolicy finding routes and scheduled actions). Every pass and deletion lists the
    // policy's rules by prefix, so rules left from an earlier spec are found and removed.
    row(
        "events",
        "DeleteRule",
        &[act("events:DeleteRule")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    row(
        "events",
        "ListRules",
        &[act("events:ListRules")],
        &["MonitoringPolicy"],
    ),
    row(
        "events",
        "ListTagsForResource",
        &[act("events:ListTagsForResource")],
        &["MonitoringPolicy"],
    ),
    row(
        "events",
        "ListTargetsByRule",
        &[act("events:ListTargetsByRule")],
        &["MonitoringPolicy"],
    ),
    row(
        "events",
        "PutRule",
        &[act("events:PutRule"), act("events:TagResource")],
        &[
            "MonitoringPolicy.findingRoutes#correct",
            "MonitoringPolicy.scheduledActions#correct",
        ],
    ),
    row(
        "events",
        "PutTargets",
        &[
            act("events:PutTargets"),
            pass_role(
                EVENTS_PRINCIPAL,
                &["MonitoringPolicy.scheduledActions#correct"],
            ),
        ],
        &[
            "MonitoringPolicy.findingRoutes#correct",
            "MonitoringPolicy.scheduledActions#correct",
        ],
    ),
    row(
        "events",
        "RemoveTargets",
        &[act("events:RemoveTargets")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    // GuardDuty (every region).
    row(
        "guardduty",
        "CreateDetector",
        &[
            act("guardduty:CreateDetector"),
            act("guardduty:TagResource"),
            slr(GUARDDUTY_PRINCIPAL, "AWSServiceRoleForAmazonGuardDuty", &[]),
        ],
        &["AccountBaseline.guardDuty#correct"],
    ),
    row(
        "guardduty",
        "DeleteDetector",
        &[act("guardduty:DeleteDetector")],
        &["AccountBaseline.guardDuty#delete"],
    ),
    row(
        "guardduty",
        "GetDetector",
        &[act("guardduty:GetDetector")],
        &["AccountBaseline.guardDuty"],
    ),
    row(
        "guardduty",
        "ListDetectors",
        &[act("guardduty:ListDetectors")],
        &["AccountBaseline.guardDuty"],
    ),
    row(
        "guardduty",
        "UpdateDetector",
        &[act("guardduty:UpdateDetector")],
        // Corrections, and suspending an adopted detector on deletion.
        &[
            "AccountBaseline.guardDuty#correct",
            "AccountBaseline.guardDuty#delete",
        ],
    ),
    // IAM account settings.
    row(
        "iam",
        "DeleteAccountPasswordPolicy",
        &[act("iam:DeleteAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#delete"],
    ),
    row(
        "iam",
        "GetAccountPasswordPolicy",
        &[act("iam:GetAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy"],
    ),
    row(
        "iam",
        "GetAccountSummary",
        &[act("iam:GetAccountSummary")],
        &["AccountBaseline.rootAccount"],
    ),
    row(
        "iam",
        "UpdateAccountPasswordPolicy",
        &[act("iam:UpdateAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#correct"],
    ),
    // Amazon Inspector (every region): account scan types.
    row(
        "inspector2",
        "BatchGetAccountStatus",
        &[act("inspector2:BatchGetAccountStatus")],
        &[
            "AccountBaseline.inspector",
            "AccountBaseline.inspector#delete",
        ],
    ),
    row(
        "inspector2",
        "Disable",
        &[act("inspector2:Disable")],
        &[
            "AccountBaseline.inspector#correct",
            "AccountBaseline.inspector#delete",
        ],
    ),
    row(
        "inspector2",
        "Enable",
        &[
            act("inspector2:Enable"),
            slr(
                INSPECTOR_PRINCIPAL,
                "AWSServiceRoleForAmazonInspector2",
                &[],
            ),
        ],
        &["AccountBaseline.inspector#correct"],
    ),
    // CloudWatch Logs (MonitoringPolicy metric filters, log group retention).
    row(
        "logs",
        "AssociateKmsKey",
        &[act("logs:AssociateKmsKey")],
        &["MonitoringPolicy.logGroups.kmsKeyId#correct"],
    ),
    row(
        "logs",
        "CreateLogGroup",
        &[act("logs:CreateLogGroup"), act("logs:TagResource")],
        &["MonitoringPolicy.logGroups#correct"],
    ),
    row(
        "logs",
        "DeleteMetricFilter",
        &[act("logs:DeleteMetricFilter")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    row(
        "logs",
        "DeleteQueryDefinition",
        &[act("logs:DeleteQueryDefinition")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    row(
        "logs",
        "DescribeLogGroups",
        &[act("logs:DescribeLogGroups")],
        &["MonitoringPolicy.logGroups"],
    ),
    row(
        "logs",
        "DescribeMetricFilters",
        &[act("logs:DescribeMetricFilters")],
        &["MonitoringPolicy.logMetricFilters"],
    ),
    row(
        "logs",
        "DescribeQueryDefinitions",
        &[act("logs:DescribeQueryDefinitions")],
        &["MonitoringPolicy.insightsQueries"],
    ),
    row(
        "logs",
        "PutMetricFilter",
        &[act("logs:PutMetricFilter")],
        &["MonitoringPolicy.logMetricFilters#correct"],
    ),
    row(
        "logs",
        "PutQueryDefinition",
        &[act("logs:PutQueryDefinition")],
        &["MonitoringPolicy.insightsQueries#correct"],
    ),
    row(
        "logs",
        "PutRetentionPolicy",
        &[act("logs:PutRetentionPolicy")],
        &["MonitoringPolicy.logGroups#correct"],
    ),
    // S3: the CloudTrail log bucket, only when the operator creates it (never deleted).
    row(
        "s3",
        "CreateBucket",
        &[act("s3:CreateBucket")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    row(
        "s3",
        "GetBucketEncryption",
        &[act("s3:GetEncryptionConfiguration")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
        ],
    ),
    row(
        "s3",
        "GetBucketPolicy",
        &[act("s3:GetBucketPolicy")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
        ],
    ),
    row(
        "s3",
        "GetBucketVersioning",
        &[act("s3:GetBucketVersioning")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
        ],
    ),
    row(
        "s3",
        "GetPublicAccessBlock",
        &[act("s3:GetBucketPublicAccessBlock")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
        ],
    ),
    row(
        "s3",
        "HeadBucket",
        &[act("s3:ListBucket")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket",
            "AccountBaseline.config.deliveryChannel.createBucket",
        ],
    ),
    row(
        "s3",
        "PutBucketEncryption",
        &[act("s3:PutEncryptionConfiguration")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    row(
        "s3",
        "PutBucketPolicy",
        &[act("s3:PutBucketPolicy")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    row(
        "s3",
        "PutBucketTagging",
        &[act("s3:PutBucketTagging")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    row(
        "s3",
        "PutBucketVersioning",
        &[act("s3:PutBucketVersioning")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    row(
        "s3",
        "PutPublicAccessBlock",
        &[act("s3:PutBucketPublicAccessBlock")],
        &[
            "AccountBaseline.cloudTrail.s3.createBucket#correct",
            "AccountBaseline.config.deliveryChannel.createBucket#correct",
        ],
    ),
    // S3 Control: account-level Block Public Access.
    row(
        "s3control",
        "DeletePublicAccessBlock",
        &[act("s3:PutAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess#delete"],
    ),
    row(
        "s3control",
        "GetPublicAccessBlock",
        &[act("s3:GetAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess"],
    ),
    row(
        "s3control",
        "PutPublicAccessBlock",
        &[act("s3:PutAccountPublicAccessBlock")],
        &["AccountBaseline.s3BlockPublicAccess#correct"],
    ),
    // AWS Security Hub (every region; the finding aggregator in the aggregation region).
    row(
        "securityhub",
        "BatchDisableStandards",
        &[act("securityhub:BatchDisableStandards")],
        &["AccountBaseline.securityHub#correct"],
    ),
    row(
        "securityhub",
        "BatchEnableStandards",
        &[act("securityhub:BatchEnableStandards")],
        &["AccountBaseline.securityHub#correct"],
    ),
    row(
        "securityhub",
        "BatchGetStandardsControlAssociations",
        &[act("securityhub:BatchGetStandardsControlAssociations")],
        &["AccountBaseline.securityHub"],
    ),
    row(
        "securityhub",
        "BatchUpdateStandardsControlAssociations",
        &[act("securityhub:BatchUpdateStandardsControlAssociations")],
        &["AccountBaseline.securityHub#correct"],
    ),
    row(
        "securityhub",
        "CreateFindingAggregator",
        &[act("securityhub:CreateFindingAggregator")],
        &["AccountBaseline.securityHub.findingAggregator#correct"],
    ),
    row(
        "securityhub",
        "DeleteFindingAggregator",
        &[act("securityhub:DeleteFindingAggregator")],
        &[
            "AccountBaseline.securityHub.findingAggregator#correct",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    row(
        "securityhub",
        "DescribeHub",
        &[act("securityhub:DescribeHub")],
        &["AccountBaseline.securityHub"],
    ),
    row(
        "securityhub",
        "DisableSecurityHub",
        &[act("securityhub:DisableSecurityHub")],
        &[
            "AccountBaseline.securityHub#correct",
            "AccountBaseline.securityHub#delete",
        ],
    ),
    row(
        "securityhub",
        "EnableSecurityHub",
        &[
            act("securityhub:EnableSecurityHub"),
            act("securityhub:TagResource"),
            slr(SECURITY_HUB_PRINCIPAL, "AWSServiceRoleForSecurityHub", &[]),
        ],
        &["AccountBaseline.securityHub#correct"],
    ),
    row(
        "securityhub",
        "GetEnabledStandards",
        &[act("securityhub:GetEnabledStandards")],
        &["AccountBaseline.securityHub"],
    ),
    row(
        "securityhub",
        "GetFindingAggregator",
        &[act("securityhub:GetFindingAggregator")],
        &[
            "AccountBaseline.securityHub.findingAggregator",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    row(
        "securityhub",
        "ListFindingAggregators",
        &[act("securityhub:ListFindingAggregators")],
        &[
            "AccountBaseline.securityHub.findingAggregator",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    row(
        "securityhub",
        "UpdateFindingAggregator",
        &[act("securityhub:UpdateFindingAggregator")],
        &["AccountBaseline.securityHub.findingAggregator#correct"],
    ),
    row(
        "securityhub",
        "UpdateSecurityHubConfiguration",
        &[act("securityhub:UpdateSecurityHubConfiguration")],
        &["AccountBaseline.securityHub#correct"],
    ),
    // SNS (MonitoringPolicy topics).
    row(
        "sns",
        "CreateTopic",
        &[act("sns:CreateTopic"), act("sns:TagResource")],
        &["MonitoringPolicy.topics#correct"],
    ),
    row(
        "sns",
        "DeleteTopic",
        &[act("sns:DeleteTopic")],
        &["MonitoringPolicy#correct", "MonitoringPolicy#delete"],
    ),
    row(
        "sns",
        "GetTopicAttributes",
        &[act("sns:GetTopicAttributes")],
        &["MonitoringPolicy.topics"],
    ),
    row(
        "sns",
        "ListSubscriptionsByTopic",
        &[act("sns:ListSubscriptionsByTopic")],
        &["MonitoringPolicy.topics"],
    ),
    row(
        "sns",
        "ListTagsForResource",
        &[act("sns:ListTagsForResource")],
        &["MonitoringPolicy"],
    ),
    row(
        "sns",
        "ListTopics",
        &[act("sns:ListTopics")],
        &["MonitoringPolicy"],
    ),
    row(
        "sns",
        "SetTopicAttributes",
        &[act("sns:SetTopicAttributes")],
        &[
            "MonitoringPolicy.topics#correct",
            "MonitoringPolicy.findingRoutes#delete",
        ],
    ),
    row(
        "sns",
        "Subscribe",
        &[act("sns:Subscribe")],
        &["MonitoringPolicy.topics#correct"],
    ),
    // Systems Manager: PatchSchedule (every listed region) and AccountBaseline Session Manager preferences.
    row(
        "ssm",
        "CreateAssociation",
        &[act("ssm:CreateAssociation"), act("ssm:AddTagsToResource")],
        &["PatchSchedule.inventory#correct"],
    ),
    row(
        "ssm",
        "CreateDocument",
        &[act("ssm:CreateDocument"), act("ssm:AddTagsToResource")],
        &["AccountBaseline.sessionManager#correct"],
    ),
    row(
        "ssm",
        "CreateMaintenanceWindow",
        &[
            act("ssm:CreateMaintenanceWindow"),
            act("ssm:AddTagsToResource"),
        ],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "CreatePatchBaseline",
        &[act("ssm:CreatePatchBaseline"), act("ssm:AddTagsToResource")],
        &["PatchSchedule.baseline#correct"],
    ),
    row(
        "ssm",
        "DeleteAssociation",
        &[act("ssm:DeleteAssociation")],
        // Associations of removed target groups or a removed inventory section, and on deletion.
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    row(
        "ssm",
        "DeleteDocument",
        &[act("ssm:DeleteDocument")],
        &["AccountBaseline.sessionManager#delete"],
    ),
    row(
        "ssm",
        "DeleteMaintenanceWindow",
        &[act("ssm:DeleteMaintenanceWindow")],
        &["PatchSchedule#delete"],
    ),
    row(
        "ssm",
        "DeletePatchBaseline",
        &[act("ssm:DeletePatchBaseline")],
        // A baseline removed from the spec, and on deletion.
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    row(
        "ssm",
        "DeregisterPatchBaselineForPatchGroup",
        &[act("ssm:DeregisterPatchBaselineForPatchGroup")],
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    row(
        "ssm",
        "DeregisterTargetFromMaintenanceWindow",
        &[act("ssm:DeregisterTargetFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "DeregisterTaskFromMaintenanceWindow",
        &[act("ssm:DeregisterTaskFromMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "DescribeAssociation",
        &[act("ssm:DescribeAssociation")],
        &["PatchSchedule.inventory"],
    ),
    row(
        "ssm",
        "DescribeInstancePatchStates",
        &[act("ssm:DescribeInstancePatchStates")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribeInstancePatches",
        &[act("ssm:DescribeInstancePatches")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribeMaintenanceWindowExecutions",
        &[act("ssm:DescribeMaintenanceWindowExecutions")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribeMaintenanceWindowTargets",
        &[act("ssm:DescribeMaintenanceWindowTargets")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribeMaintenanceWindowTasks",
        &[act("ssm:DescribeMaintenanceWindowTasks")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribeMaintenanceWindows",
        &[act("ssm:DescribeMaintenanceWindows")],
        // Locating the window by name; counting windows before a create.
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "DescribePatchBaselines",
        &[act("ssm:DescribePatchBaselines")],
        &["PatchSchedule.baseline"],
    ),
    row(
        "ssm",
        "GetDocument",
        &[act("ssm:GetDocument")],
        &["AccountBaseline.sessionManager"],
    ),
    row(
        "ssm",
        "GetMaintenanceWindow",
        &[act("ssm:GetMaintenanceWindow")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "GetMaintenanceWindowTask",
        &[act("ssm:GetMaintenanceWindowTask")],
        &["PatchSchedule"],
    ),
    row(
        "ssm",
        "GetPatchBaseline",
        &[act("ssm:GetPatchBaseline")],
        // Observing, and reading the patch groups before deleting a baseline.
        &[
            "PatchSchedule.baseline",
            "PatchSchedule#correct",
            "PatchSchedule#delete",
        ],
    ),
    row(
        "ssm",
        "ListAssociations",
        &[act("ssm:ListAssociations")],
        &["PatchSchedule.inventory"],
    ),
    row(
        "ssm",
        "ListTagsForResource",
        &[act("ssm:ListTagsForResource")],
        // Ownership proof of windows, baselines and associations found by name, and of the Session Manager
        // preferences document.
        &["PatchSchedule", "AccountBaseline.sessionManager"],
    ),
    row(
        "ssm",
        "RegisterPatchBaselineForPatchGroup",
        &[act("ssm:RegisterPatchBaselineForPatchGroup")],
        &["PatchSchedule.baseline#correct"],
    ),
    row(
        "ssm",
        "RegisterTargetWithMaintenanceWindow",
        &[act("ssm:RegisterTargetWithMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "RegisterTaskWithMaintenanceWindow",
        &[
            act("ssm:RegisterTaskWithMaintenanceWindow"),
            pass_role(SSM_PRINCIPAL, &["PatchSchedule.serviceRoleArn#correct"]),
            slr(
                SSM_PRINCIPAL,
                "AWSServiceRoleForAmazonSSM",
                &["PatchSchedule.serviceLinkedRole#correct"],
            ),
        ],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "UpdateAssociation",
        &[act("ssm:UpdateAssociation")],
        &["PatchSchedule.inventory#correct"],
    ),
    row(
        "ssm",
        "UpdateDocument",
        &[act("ssm:UpdateDocument")],
        &["AccountBaseline.sessionManager#correct"],
    ),
    row(
        "ssm",
        "UpdateDocumentDefaultVersion",
        &[act("ssm:UpdateDocumentDefaultVersion")],
        &["AccountBaseline.sessionManager#correct"],
    ),
    row(
        "ssm",
        "UpdateMaintenanceWindow",
        &[act("ssm:UpdateMaintenanceWindow")],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "UpdateMaintenanceWindowTarget",
        &[act("ssm:UpdateMaintenanceWindowTarget")],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "UpdateMaintenanceWindowTask",
        &[
            act("ssm:UpdateMaintenanceWindowTask"),
            pass_role(SSM_PRINCIPAL, &["PatchSchedule.serviceRoleArn#correct"]),
        ],
        &["PatchSchedule#correct"],
    ),
    row(
        "ssm",
        "UpdatePatchBaseline",
        &[act("ssm:UpdatePatchBaseline")],
        &["PatchSchedule.baseline#correct"],
    ),
    // STS: every pass first proves the credentials belong to the declared account; no permission needed.
    row(
        "sts",
        "GetCallerIdentity",
        &[],
        &["AwsAccount", "AccountBaseline", "PatchSchedule"],
    ),
];

/// Phase suffix: the object may write (`driftPolicy: Correct`).
pub const CORRECT: &str = "#correct";
/// Phase suffix: the object's deletion removes what it created (`deletionPolicy: Delete`).
pub const DELETE: &str = "#delete";

impl Row {
    /// The uses a permission of this row applies to.
    pub fn uses_of(&self, perm: &Perm) -> &'static [&'static str] {
        if perm.only.is_empty() {
            self.uses
        } else {
            perm.only
        }
    }
}

/// True when a namespaced object using AwsAccount `account` may pass `role`: the operator refuses any other
/// (`passableRoles`), so the policy does not grant it either (a note says so). An account missing from the
/// manifests cannot be checked here; its roles are granted as named.
fn passable(m: &Manifests, account: &str, role: &str, notes: &mut Vec<String>) -> bool {
    let Some(a) = m
        .accounts
        .iter()
        .find(|a| a.metadata.name.as_deref() == Some(account))
    else {
        return true;
    };
    let ok = a.spec.may_pass(role);
    if !ok {
        notes.push(format!(
            "{role} is not in AwsAccount {account}'s passableRoles: the operator refuses it, so iam:PassRole is not granted"
        ));
    }
    ok
}

/// What a set of manifests (or the whole operator) uses.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Usage {
    /// Uses (`Section`, `Section#correct`, `Section#delete`).
    pub uses: BTreeSet<String>,
    /// Any role may be passed or assumed (no manifests): role statements get `Resource: "*"`.
    pub any_role: bool,
    /// Roles handed to each service principal (`iam:PassRole`).
    pub passed_roles: BTreeMap<String, BTreeSet<String>>,
    /// Roles the operator's own credentials assume (the first hop of each AwsAccount's `assumeRole`).
    pub assumed_roles: BTreeSet<String>,
    /// Roles the operator's own credentials assume with session tags (`sts:TagSession`).
    pub tagged_roles: BTreeSet<String>,
    /// Things the policy cannot express for this identity (role-chain hops, accounts missing from the files).
    pub notes: Vec<String>,
}

impl Usage {
    /// Everything the operator can call; `read_only` keeps only what observing needs (`plan`, `check`,
    /// `driftPolicy: Report` with `deletionPolicy: Retain`).
    pub fn everything(read_only: bool) -> Self {
        let mut uses = BTreeSet::new();
        for r in OPERATIONS {
            for p in r.perms {
                uses.extend(r.uses_of(p).iter().map(|u| u.to_string()));
            }
            uses.extend(r.uses.iter().map(|u| u.to_string()));
        }
        if read_only {
            uses.retain(|u| !u.contains('#'));
        }
        Self {
            uses,
            any_role: true,
            ..Default::default()
        }
    }

    fn declare(&mut self, sections: &[&str], correct: bool, delete: bool) {
        for s in sections {
            self.uses.insert(s.to_string());
            if correct {
                self.uses.insert(format!("{s}{CORRECT}"));
            }
            if delete {
                self.uses.insert(format!("{s}{DELETE}"));
            }
        }
    }

    fn pass(&mut self, principal: &str, role: &str) {
        self.passed_roles
            .entry(principal.to_string())
            .or_default()
            .insert(role.to_string());
    }

    /// What the AwsAccounts, AccountBaselines and PatchSchedules in `m` use. `read_only` treats every object
    /// as `driftPolicy: Report`, `deletionPolicy: Retain` (what `plan` and `check` need).
    pub fn from_manifests(m: &Manifests, read_only: bool) -> Self {
        let mut u = Usage::default();
        for a in &m.accounts {
            u.declare(&["AwsAccount"], false, false);
            let Some(r) = &a.spec.assume_role else {
                continue;
            };
            let name = a.metadata.name.clone().unwrap_or_default();
            // The pod's credentials assume the first hop; each hop assumes the next, the last the target role.
            let chain: Vec<&String> = r
                .via
                .iter()
                .map(|h| &h.role_arn)
                .chain(std::iter::once(&r.role_arn))
                .collect();
            u.assumed_roles.insert(chain[0].clone());
            for hop in chain.windows(2) {
                u.notes.push(format!(
                    "AwsAccount {name}: {} must allow sts:AssumeRole on {} (a role-chain hop, not this identity)",
                    hop[0], hop[1]
                ));
            }
            if r.session_tags {
                match chain.len() {
                    1 => {
                        u.tagged_roles.insert(r.role_arn.clone());
                    }
                    n => u.notes.push(format!(
                        "AwsAccount {name}: {} must allow sts:TagSession on {} (session tags on the last hop)",
                        chain[n - 2],
                        r.role_arn
                    )),
                }
            }
        }
        // An object naming an AwsAccount the files lack: that account's assumeRole cannot be covered. Read through
        // the serialized spec, so an object selecting accounts by label (no `accountRef`) is simply skipped.
        let mut missing_account = |kind: &str, name: Option<&String>, spec: serde_json::Value| {
            let Some(account) = spec.pointer("/accountRef/name").and_then(|v| v.as_str()) else {
                return;
            };
            if !m
                .accounts
                .iter()
                .any(|a| a.metadata.name.as_deref() == Some(account))
            {
                u.notes.push(format!(
                    "{kind} {}: AwsAccount {account} is not in the files; its assumeRole is not covered",
                    name.cloned().unwrap_or_default()
                ));
            }
        };
        for b in &m.baselines {
            missing_account(
                "AccountBaseline",
                b.metadata.name.as_ref(),
                serde_json::to_value(&b.spec).unwrap_or_default(),
            );
        }
        for p in &m.schedules {
            missing_account(
                "PatchSchedule",
                p.metadata.name.as_ref(),
                serde_json::to_value(&p.spec).unwrap_or_default(),
            );
        }
        for p in &m.monitoring {
            missing_account(
                "MonitoringPolicy",
                p.metadata.name.as_ref(),
                serde_json::to_value(&p.spec).unwrap_or_default(),
            );
        }
        for b in &m.baselines {
            let s = &b.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["AccountBaseline"];
            if let Some(ct) = &s.cloud_trail {
                secs.push("AccountBaseline.cloudTrail");
                if ct.s3.create_bucket {
                    secs.push("AccountBaseline.cloudTrail.s3.createBucket");
                }
                // The trail configuration the engine sends: its CloudWatch Logs role is passed to CloudTrail.
                if let Some((_, role)) = crate::baseline::cloudtrail::config(ct).cloud_watch_logs {
                    secs.push("AccountBaseline.cloudTrail.cloudWatchLogs");
                    if correct {
                        u.pass(CLOUDTRAIL_PRINCIPAL, &role);
                    }
                }
            }
            if s.guard_duty.is_some() {
                secs.push("AccountBaseline.guardDuty");
            }
            if s.password_policy.is_some() {
                secs.push("AccountBaseline.passwordPolicy");
            }
            if s.s3_block_public_access.is_some() {
                secs.push("AccountBaseline.s3BlockPublicAccess");
            }
            if let Some(e) = &s.ebs_encryption_by_default {
                secs.push("AccountBaseline.ebsEncryptionByDefault");
                if e.kms_key_id.is_some() {
                    secs.push("AccountBaseline.ebsEncryptionByDefault.kmsKeyId");
                }
            }
            if s.root_account.is_some() {
                secs.push("AccountBaseline.rootAccount");
            }
            if s.session_manager.is_some() {
                secs.push("AccountBaseline.sessionManager");
            }
            if s.inspector.is_some() {
                secs.push("AccountBaseline.inspector");
            }
            if s.access_analyzer.is_some() {
                secs.push("AccountBaseline.accessAnalyzer");
            }
            if let Some(h) = &s.security_hub {
                secs.push("AccountBaseline.securityHub");
                if h.finding_aggregator.is_some() {
                    secs.push("AccountBaseline.securityHub.findingAggregator");
                }
            }
            if s.budgets.is_some() {
                secs.push("AccountBaseline.budgets");
            }
            if let Some(f) = &s.vpc_flow_logs {
                secs.push("AccountBaseline.vpcFlowLogs");
                if f.s3.is_some() {
                    secs.push("AccountBaseline.vpcFlowLogs.s3");
                }
                if let Some(cw) = &f.cloud_watch_logs {
                    secs.push("AccountBaseline.vpcFlowLogs.cloudWatchLogs");
                    if correct {
                        u.pass(VPC_FLOW_LOGS_PRINCIPAL, &cw.deliver_logs_permission_arn);
                    }
                }
            }
            if let Some(c) = &s.config {
                secs.push("AccountBaseline.config");
                if c.rules.iter().any(|r| r.remediation.is_some()) {
                    secs.push("AccountBaseline.config.remediation");
                }
                if c.delivery_channel.create_bucket {
                    secs.push("AccountBaseline.config.deliveryChannel.createBucket");
                }
                // The recorder's role is passed to AWS Config (the service-linked role when none is named).
                if correct {
                    let role = c.recorder.as_ref().and_then(|r| r.role_arn.as_deref());
                    u.pass(CONFIG_PRINCIPAL, role.unwrap_or(CONFIG_SERVICE_LINKED_ROLE));
                }
            }
            u.declare(&secs, correct, delete);
        }
        for p in &m.schedules {
            let s = &p.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["PatchSchedule"];
            if s.targets.iter().any(|t| !t.tags.is_empty()) {
                secs.push("PatchSchedule.targets.tags");
            }
            if s.baseline.is_some() {
                secs.push("PatchSchedule.baseline");
            }
            if s.inventory.is_some() {
                secs.push("PatchSchedule.inventory");
            }
            // The tasks the engine registers (patch task and pre/post steps), with the roles they pass.
            let tasks = crate::patching::rules::tasks(s, &[]);
            if tasks.iter().any(|t| t.service_role_arn.is_some()) {
                secs.push("PatchSchedule.serviceRoleArn");
            }
            if tasks.iter().any(|t| t.service_role_arn.is_none()) {
                secs.push("PatchSchedule.serviceLinkedRole");
            }
            if correct {
                for role in tasks.iter().filter_map(|t| t.service_role_arn.as_deref()) {
                    if passable(m, &s.account_ref.name, role, &mut u.notes) {
                        u.pass(SSM_PRINCIPAL, role);
                    }
                }
            }
            u.declare(&secs, correct, delete);
        }
        for p in &m.monitoring {
            let s = &p.spec;
            let correct = !read_only && s.drift_policy == DriftPolicy::Correct;
            let delete = !read_only && s.deletion_policy == DeletionPolicy::Delete;
            let mut secs = vec!["MonitoringPolicy"];
            if !s.topics.is_empty() {
                secs.push("MonitoringPolicy.topics");
            }
            if !s.alarms.is_empty() || s.cis_aws_foundations.is_some() || s.billing_alarm.is_some()
            {
                secs.push("MonitoringPolicy.alarms");
            }
            if !s.composite_alarms.is_empty() {
                secs.push("MonitoringPolicy.compositeAlarms");
            }
            if !s.dashboards.is_empty() {
                secs.push("MonitoringPolicy.dashboards");
            }
            if !s.log_metric_filters.is_empty() || s.cis_aws_foundations.is_some() {
                secs.push("MonitoringPolicy.logMetricFilters");
            }
            if !s.log_groups.is_empty() {
                secs.push("MonitoringPolicy.logGroups");
            }
            if s.log_groups.iter().any(|g| g.kms_key_id.is_some()) {
                secs.push("MonitoringPolicy.logGroups.kmsKeyId");
            }
            if !s.finding_routes.is_empty() {
                secs.push("MonitoringPolicy.findingRoutes");
            }
            if !s.scheduled_actions.is_empty() {
                secs.push("MonitoringPolicy.scheduledActions");
                if correct {
                    for a in &s.scheduled_actions {
                        if passable(m, &s.account_ref.name, &a.role_arn, &mut u.notes) {
                            u.pass(EVENTS_PRINCIPAL, &a.role_arn);
                        }
                    }
                }
            }
            if !s.insights_queries.is_empty() {
                secs.push("MonitoringPolicy.insightsQueries");
            }
            if let Some(ci) = &s.container_insights {
                secs.push("MonitoringPolicy.containerInsights");
                let pod_roles: Vec<&String> = ci
                    .eks
                    .iter()
                    .filter_map(|e| e.pod_identity_role_arn.as_ref())
                    .collect();
                if !pod_roles.is_empty() {
                    secs.push("MonitoringPolicy.containerInsights.podIdentity");
                }
                if correct {
                    for role in pod_roles {
                        if passable(m, &s.account_ref.name, role, &mut u.notes) {
                            u.pass(EKS_POD_IDENTITY_PRINCIPAL, role);
                        }
                    }
                }
            }
            u.declare(&secs, correct, delete);
        }
        u
    }
}

/// An IAM policy document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyDocument {
    /// Policy language version.
    #[serde(rename = "Version")]
    pub version: &'static str,
    /// Statements, in a stable order.
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

/// One Allow statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    /// Statement ID (alphanumeric).
    #[serde(rename = "Sid")]
    pub sid: String,
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// Sorted, de-duplicated actions.
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// `*` or a sorted list of ARNs.
    #[serde(rename = "Resource")]
    pub resource: Resource,
    /// Condition block, if any.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

/// A statement's resources.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Resource {
    /// One ARN or `*`.
    One(String),
    /// Several ARNs.
    Many(Vec<String>),
}

impl Resource {
    fn of(arns: &BTreeSet<String>) -> Self {
        if arns.len() == 1 {
            Resource::One(arns.iter().next().cloned().unwrap_or_default())
        } else {
            Resource::Many(arns.iter().cloned().collect())
        }
    }
}

/// Readable statement-ID part for an IAM service prefix or principal (`cloudtrail.amazonaws.com` -> `CloudTrail`).
fn display(prefix: &str) -> String {
    let prefix = prefix.split('.').next().unwrap_or(prefix);
    match prefix {
        "cloudtrail" => "CloudTrail".into(),
        "ec2" => "EC2".into(),
        "guardduty" => "GuardDuty".into(),
        "iam" => "IAM".into(),
        "s3" => "S3".into(),
        "ssm" => "SSM".into(),
        "sts" => "STS".into(),
        other => {
            let mut s: String = other.chars().filter(char::is_ascii_alphanumeric).collect();
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

fn condition(
    op: &str,
    key: &str,
    value: &str,
) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    Some(BTreeMap::from([(
        op.to_string(),
        BTreeMap::from([(key.to_string(), value.to_string())]),
    )]))
}

/// The permissions `usage` needs, grouped per service (one statement per IAM service prefix on `*`), then
/// `iam:PassRole` per receiving service, service-linked roles, and the STS statements for AwsAccount roles.
pub fn policy(usage: &Usage) -> PolicyDocument {
    let mut actions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pass_to: BTreeSet<&str> = BTreeSet::new();
    let mut linked: BTreeSet<(&str, &str)> = BTreeSet::new();
    for r in OPERATIONS {
        for p in r.perms {
            if !r.uses_of(p).iter().any(|u| usage.uses.contains(*u)) {
                continue;
            }
            match p.grant {
                Grant::Action(a) => {
                    let prefix = a.split(':').next().unwrap_or(a).to_string();
                    actions.entry(prefix).or_default().insert(a.to_string());
                }
                Grant::PassRole(principal) => {
                    pass_to.insert(principal);
                }
                Grant::ServiceLinkedRole(principal, role) => {
                    linked.insert((principal, role));
                }
            }
        }
    }
    let mut statement: Vec<Statement> = actions
        .into_iter()
        .map(|(prefix, acts)| Statement {
            sid: display(&prefix),
            effect: "Allow",
            action: acts.into_iter().collect(),
            resource: Resource::One("*".into()),
            condition: None,
        })
        .collect();
    for principal in pass_to {
        let resource = if usage.any_role {
            Resource::One("*".into())
        } else {
            match usage.passed_roles.get(principal) {
                Some(roles) if !roles.is_empty() => Resource::of(roles),
                _ => continue,
            }
        };
        statement.push(Statement {
            sid: format!("PassRoleTo{}", display(principal)),
            effect: "Allow",
            action: vec!["iam:PassRole".into()],
            resource,
            condition: condition("StringEquals", "iam:PassedToService", principal),
        });
    }
    for (principal, role) in linked {
        statement.push(Statement {
            sid: format!("Create{}ServiceLinkedRole", display(principal)),
            effect: "Allow",
            action: vec!["iam:CreateServiceLinkedRole".into()],
            resource: Resource::One(format!(
                "arn:*:iam::*:role/aws-service-role/{principal}/{role}"
            )),
            condition: condition("StringEquals", "iam:AWSServiceName", principal),
        });
    }
    let roles = |set: &BTreeSet<String>| {
        if usage.any_role {
            Some(Resource::One("*".into()))
        } else if set.is_empty() {
            None
        } else {
            Some(Resource::of(set))
        }
    };
    if let Some(resource) = roles(&usage.assumed_roles) {
        statement.push(Statement {
            sid: "AssumeAccountRoles".into(),
            effect: "Allow",
            action: vec!["sts:AssumeRole".into()],
            resource,
            condition: None,
        });
    }
    if let Some(resource) = roles(&usage.tagged_roles) {
        statement.push(Statement {
            sid: "TagAccountRoleSessions".into(),
            effect: "Allow",
            action: vec!["sts:TagSession".into()],
            resource,
            condition: None,
        });
    }
    PolicyDocument {
        version: "2012-10-17",
        statement,
    }
}

/// Arguments of `iam-policy`.
#[derive(clap::Args, Clone, Debug)]
pub struct IamPolicyArgs {
    /// Manifest files or directories (AwsAccount, AccountBaseline, PatchSchedule): only the actions their
    /// sections use, roles limited to the ARNs they name. Without: everything the operator can call.
    #[arg(short = 'f', long = "filename", num_args = 1..)]
    pub files: Vec<PathBuf>,
    /// Only what observing needs (`plan` and `check`): as if every object were `driftPolicy: Report` and
    /// `deletionPolicy: Retain`.
    #[arg(long)]
    pub read_only: bool,
}

/// The policy for `args` as pretty JSON, with notes for stderr.
pub fn render(args: &IamPolicyArgs) -> Result<(String, Vec<String>), String> {
    let usage = if args.files.is_empty() {
        Usage::everything(args.read_only)
    } else {
        let m = manifests::load(&args.files).map_err(|e| e.to_string())?;
        if m.accounts.is_empty()
            && m.baselines.is_empty()
            && m.schedules.is_empty()
            && m.monitoring.is_empty()
        {
            return Err(format!(
                "no AwsAccount, AccountBaseline or PatchSchedule found in {:?}",
                args.files
            ));
        }
        Usage::from_manifests(&m, args.read_only)
    };
    let json = serde_json::to_string_pretty(&policy(&usage)).map_err(|e| e.to_string())?;
    Ok((json, usage.notes))
}

/// Run `iam-policy`: the policy on stdout, notes on stderr; returns the exit code.
pub fn run(args: &IamPolicyArgs) -> i32 {
    match render(args) {
        Ok((json, notes)) => {
            for n in notes {
                eprintln!("note: {n}");
            }
            println!("{json}");
            0
        }
        Err(e) => {
            eprintln!("error: {e}");
            1
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn section_of(u: &str) -> (&str, &str) {
        match u.split_once('#') {
            Some((s, phase)) => (s, phase),
            None => (u, ""),
        }
    }

    #[test]
    fn table_is_sorted_unique_and_well_formed() {
        let keys: Vec<(&str, &str)> = OPERATIONS
            .iter()
            .map(|r| (r.service, r.operation))
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            keys, sorted,
            "rows must be sorted by (service, operation), once each"
        );
        for r in OPERATIONS {
            assert!(!r.uses.is_empty(), "{}: no uses", r.operation);
            for p in r.perms {
                match p.grant {
                    Grant::Action(a) => {
                        let (prefix, name) = a.split_once(':').expect("prefix:Action");
                        assert!(
                            prefix
                                .chars()
                                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
                            "{a}"
                        );
                        assert!(name.starts_with(|c: char| c.is_ascii_uppercase()), "{a}");
                        assert!(name.chars().all(|c| c.is_ascii_alphanumeric()), "{a}");
                    }
                    Grant::PassRole(s) | Grant::ServiceLinkedRole(s, _) => {
                        assert!(s.ends_with(".amazonaws.com"), "{s}")
                    }
                }
            }
        }
    }

    #[test]
    fn every_use_names_a_known_section_and_phase_and_every_section_is_used() {
        let mut seen = BTreeSet::new();
        for r in OPERATIONS {
            for u in r.uses.iter().chain(r.perms.iter().flat_map(|p| p.only)) {
                let (s, phase) = section_of(u);
                assert!(
                    SECTIONS.contains(&s),
                    "{}: unknown section {s}",
                    r.operation
                );
                assert!(
                    ["", "correct", "delete"].contains(&phase),
                    "{}: unknown phase in {u}",
                    r.operation
                );
                seen.insert(s);
            }
        }
        let unused: Vec<_> = SECTIONS.iter().filter(|s| !seen.contains(*s)).collect();
        assert!(unused.is_empty(), "sections no row uses: {unused:?}");
    }

    #[test]
    fn mutating_operations_only_run_in_correct_or_delete_phases() {
        for r in OPERATIONS {
            let mutating = crate::aws::counter::is_mutating(r.operation);
            for u in r.uses {
                let (_, phase) = section_of(u);
                if mutating {
                    assert!(
                        !phase.is_empty(),
                        "{} writes but is used in {u}",
                        r.operation
                    );
                }
            }
            if !mutating {
                assert!(
                    r.uses.iter().any(|u| !u.contains('#')),
                    "{} reads: it must be allowed while observing",
                    r.operation
                );
            }
        }
    }

    #[test]
    fn everything_allows_every_grant_and_read_only_no_write() {
        let all = policy(&Usage::everything(false));
        let actions: BTreeSet<&str> = all
            .statement
            .iter()
            .flat_map(|s| s.action.iter().map(String::as_str))
            .collect();
        for r in OPERATIONS {
            for p in r.perms {
                let a = match p.grant {
                    Grant::Action(a) => a,
                    Grant::PassRole(_) => "iam:PassRole",
                    Grant::ServiceLinkedRole(..) => "iam:CreateServiceLinkedRole",
                };
                assert!(actions.contains(a), "{a} missing");
            }
        }
        assert!(actions.contains("sts:AssumeRole") && actions.contains("sts:TagSession"));
        assert!(!actions.contains("sts:GetCallerIdentity"));

        let ro = policy(&Usage::everything(true));
        let ro_actions: BTreeSet<&str> = ro
            .statement
            .iter()
            .flat_map(|s| s.action.iter().map(String::as_str))
            .collect();
        assert!(ro_actions.contains("ssm:GetMaintenanceWindow"));
        for a in &ro_actions {
            let name = a.split(':').nth(1).unwrap_or_default();
            let allowed_write = ["AssumeRole", "TagSession"].contains(&name);
            assert!(
                // s3:ListBucket (HeadBucket) and budgets:ViewBudget (Describe*) read, whatever their names say.
                allowed_write
                    || !crate::aws::counter::is_mutating(name)
                    || ["ListBucket", "ViewBudget"].contains(&name),
                "read-only policy allows {a}"
            );
        }
    }

    #[test]
    fn statements_have_sorted_actions_and_alphanumeric_unique_sids() {
        let p = policy(&Usage::everything(false));
        let mut sids = BTreeSet::new();
        for s in &p.statement {
            let mut sorted = s.action.clone();
            sorted.sort();
            sorted.dedup();
            assert_eq!(s.action, sorted);
            assert!(
                s.sid.chars().all(|c| c.is_ascii_alphanumeric()),
                "{}",
                s.sid
            );
            assert!(sids.insert(s.sid.clone()), "duplicate Sid {}", s.sid);
        }
        assert_eq!(display("cloudtrail.amazonaws.com"), "CloudTrail");
        assert_eq!(display("kms"), "Kms");
    }
}
