//! The AWS operations the service modules call, each declared by the module that calls it
//! (`pub const OPERATIONS: &[Operation]` in `src/aws/<service>.rs`, or in each file of a service split into
//! `src/aws/<service>/`), and the one list of those tables
//! ([`super::MODULES`]). The least-privilege IAM policy (`crate::iam_policy`) and `docs/aws-operations.md`
//! (`aws-baseline-operator docs aws-operations`) are both built from these rows; `tests/aws_operations.rs` fails
//! when a module calls an operation it has no row for, or keeps a row for one it no longer calls.
//!
//! A row carries:
//! - the IAM permissions the call needs ([`Perm`]; none for STS GetCallerIdentity);
//! - its *uses*: the spec sections whose reconciliation makes the call, optionally with a phase:
//!   `AccountBaseline.guardDuty` whenever the section is declared (observing it; `plan` and `check` too),
//!   `…#correct` only when the object may write (`driftPolicy: Correct`), `…#delete` only when the object is
//!   deleted with `deletionPolicy: Delete`;
//! - whether it reads or writes ([`Kind`]), and how the tests exercise it ([`Exercised`]).

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
// - AWS Backup: the IAM prefix is backup and each operation authorizes the backup: action of its name; CreateBackupVault
//   and CreateBackupPlan with tags also authorize backup:TagResource, CreateBackupSelection passes the selection's role
//   (iam:PassRole, iam:PassedToService backup.amazonaws.com)
//   (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsbackup.html). The developer guide's
//   "Create a backup vault" also requires backup-storage:MountCapsule and, on the vault's KMS key, kms:CreateGrant,
//   kms:DescribeKey, kms:RetireGrant, kms:Decrypt and kms:GenerateDataKey
//   (https://docs.aws.amazon.com/aws-backup/latest/devguide/create-a-vault.html).
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
// - AWS Support (Trusted Advisor through the Support API): DescribeTrustedAdvisorChecks and
//   DescribeTrustedAdvisorCheckSummaries authorize support:DescribeTrustedAdvisorChecks /
//   support:DescribeTrustedAdvisorCheckSummaries (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssupport.html);
//   the operator never calls RefreshTrustedAdvisorCheck.
// - Elastic Load Balancing v2: DescribeLoadBalancers, DescribeLoadBalancerAttributes and ModifyLoadBalancerAttributes
//   authorize the elasticloadbalancing: action of their name (list_awselasticloadbalancingv2.html); ELB checks the log
//   bucket's policy itself, the caller needs no S3 permission for it. S3 GetBucketLogging / PutBucketLogging ->
//   s3:GetBucketLogging / s3:PutBucketLogging.
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

/// One IAM permission an operation needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Grant {
    /// An action allowed on every resource (`Resource: "*"`).
    Action(&'static str),
    /// An action allowed only on the resources an ARN pattern matches (`Resource: "<pattern>"`, its own statement).
    On(&'static str, &'static str),
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

/// Whether an operation changes anything in the account.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Observes only.
    Read,
    /// Changes the account (create, update, delete, tag, start/stop).
    Write,
}

impl Kind {
    /// `read` / `write`, as in docs/aws-operations.md.
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Read => "read",
            Kind::Write => "write",
        }
    }
}

/// How the tests exercise an operation, and in which test file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exercised {
    /// Called against moto's server (the file's scenario proves the call happens).
    Moto(&'static str),
    /// Called against moto with the project's extensions (`tests/moto_ext`), for what moto 5.2.5 lacks.
    MotoExt(&'static str),
    /// Only through `aws-smithy-mocks` rules with AWS's documented response shapes.
    Mock(&'static str),
}

impl Exercised {
    /// `moto` / `moto+ext` / `mock`.
    pub fn how(self) -> &'static str {
        match self {
            Exercised::Moto(_) => "moto",
            Exercised::MotoExt(_) => "moto+ext",
            Exercised::Mock(_) => "mock",
        }
    }

    /// The test file (relative to the crate root).
    pub fn file(self) -> &'static str {
        match self {
            Exercised::Moto(f) | Exercised::MotoExt(f) | Exercised::Mock(f) => f,
        }
    }

    /// True for rows the moto scenario of `tests/aws_operations.rs` must really call.
    pub fn on_moto(self) -> bool {
        !matches!(self, Exercised::Mock(_))
    }
}

/// Called by the moto scenario of `tests/aws_operations.rs`.
pub const MOTO: Exercised = Exercised::Moto("tests/aws_operations.rs");
/// Called by the moto scenario of `tests/aws_operations.rs`, served by a `tests/moto_ext` extension.
pub const MOTO_EXT: Exercised = Exercised::MotoExt("tests/aws_operations.rs");

/// Exercised only with `aws-smithy-mocks`, in `file`.
pub const fn mock(file: &'static str) -> Exercised {
    Exercised::Mock(file)
}

/// One AWS operation the operator calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Operation {
    /// SDK service, as in `const SVC` of `src/aws/*.rs`.
    pub service: &'static str,
    /// SDK operation name.
    pub operation: &'static str,
    /// Reads or writes.
    pub kind: Kind,
    /// How the tests exercise it.
    pub exercised: Exercised,
    /// IAM permissions the call needs (none for STS GetCallerIdentity).
    pub perms: &'static [Perm],
    /// Spec sections (with phase) whose reconciliation makes the call.
    pub uses: &'static [&'static str],
}

impl Operation {
    /// The uses a permission of this row applies to.
    pub fn uses_of(&self, perm: &Perm) -> &'static [&'static str] {
        if perm.only.is_empty() {
            self.uses
        } else {
            perm.only
        }
    }
}

/// A row for an operation that only observes.
pub const fn read(
    service: &'static str,
    operation: &'static str,
    exercised: Exercised,
    perms: &'static [Perm],
    uses: &'static [&'static str],
) -> Operation {
    Operation {
        service,
        operation,
        kind: Kind::Read,
        exercised,
        perms,
        uses,
    }
}

/// A row for an operation that changes the account.
pub const fn write(
    service: &'static str,
    operation: &'static str,
    exercised: Exercised,
    perms: &'static [Perm],
    uses: &'static [&'static str],
) -> Operation {
    Operation {
        service,
        operation,
        kind: Kind::Write,
        exercised,
        perms,
        uses,
    }
}

/// An action allowed on every resource, in every use of the row.
pub const fn act(action: &'static str) -> Perm {
    Perm {
        grant: Grant::Action(action),
        only: &[],
    }
}

/// An action allowed only on `resource` (an ARN pattern), in every use of the row.
pub const fn on(action: &'static str, resource: &'static str) -> Perm {
    Perm {
        grant: Grant::On(action, resource),
        only: &[],
    }
}

/// An action allowed on every resource, limited to the uses `only` (a row shared with a scoped grant).
pub const fn act_for(action: &'static str, only: &'static [&'static str]) -> Perm {
    Perm {
        grant: Grant::Action(action),
        only,
    }
}

/// An action allowed only on `resource` (an ARN pattern), limited to the uses `only`.
pub const fn on_for(
    action: &'static str,
    resource: &'static str,
    only: &'static [&'static str],
) -> Perm {
    Perm {
        grant: Grant::On(action, resource),
        only,
    }
}

/// `iam:PassRole` to `principal`, limited to the uses `only` (empty: every use of the row).
pub const fn pass_role(principal: &'static str, only: &'static [&'static str]) -> Perm {
    Perm {
        grant: Grant::PassRole(principal),
        only,
    }
}

/// `iam:CreateServiceLinkedRole` of `principal`'s role `role`, limited to the uses `only`.
pub const fn slr(
    principal: &'static str,
    role: &'static str,
    only: &'static [&'static str],
) -> Perm {
    Perm {
        grant: Grant::ServiceLinkedRole(principal, role),
        only,
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
/// Service principal of AWS Lambda (a Synthetics canary runs as a Lambda function with its execution role).
pub const LAMBDA_PRINCIPAL: &str = "lambda.amazonaws.com";
/// Service principal of EKS Pod Identity (the role of the Container Insights add-on's service account).
pub const EKS_POD_IDENTITY_PRINCIPAL: &str = "pods.eks.amazonaws.com";

/// The operations one service module declares.
#[derive(Clone, Copy, Debug)]
pub struct Module {
    /// The file declaring the rows, under `src/aws/` and without `.rs` (`cloudtrail` for `src/aws/cloudtrail.rs`,
    /// `ssm/window` for `src/aws/ssm/window.rs`).
    pub name: &'static str,
    /// Its rows.
    pub operations: &'static [Operation],
    /// How CloudTrail records the writes that change what the module manages (`crate::change_events`).
    pub events: Events,
}

/// A write the operator never makes that still changes what a module manages (someone stops the trail the
/// operator keeps logging): CloudTrail's `eventName` and the spec sections (no `#phase`) it affects.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ForeignWrite {
    /// CloudTrail `eventName`.
    pub event_name: &'static str,
    /// Spec sections whose managed state the call changes (`AccountBaseline.cloudTrail`).
    pub uses: &'static [&'static str],
}

/// A foreign write (see [`ForeignWrite`]).
pub const fn foreign(event_name: &'static str, uses: &'static [&'static str]) -> ForeignWrite {
    ForeignWrite { event_name, uses }
}

/// The CloudTrail side of one service module, declared beside its `OPERATIONS` as `pub const EVENTS`: the change
/// events the operator watches are derived from these and the module's Write rows (`crate::change_events`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Events {
    /// CloudTrail `eventSource` of the module's calls (`cloudtrail.amazonaws.com`); `None` when none of its calls
    /// change anything the operator manages (STS), so nothing of it is watched.
    pub source: Option<&'static str>,
    /// Write rows CloudTrail records under another `eventName`: (SDK operation, `eventName`).
    pub renamed: &'static [(&'static str, &'static str)],
    /// Writes the operator never makes that change what the module manages.
    pub foreign_writes: &'static [ForeignWrite],
}

impl Events {
    /// A module whose writes CloudTrail records under `source`, each as its SDK operation name.
    pub const fn source(source: &'static str) -> Self {
        Self {
            source: Some(source),
            renamed: &[],
            foreign_writes: &[],
        }
    }
}

/// Nothing watched (a module that changes nothing the operator manages).
pub const NO_EVENTS: Events = Events {
    source: None,
    renamed: &[],
    foreign_writes: &[],
};

/// Every operation every service module declares, in module order.
pub fn all() -> impl Iterator<Item = &'static Operation> {
    super::MODULES.iter().flat_map(|m| m.operations.iter())
}

/// The explanatory text of docs/aws-operations.md, above the generated table.
const DOC_PROSE: &str = r#"# AWS operations the operator calls

Generated from the `OPERATIONS` rows each service module in `src/aws/` declares next to its calls; do not edit by
hand, regenerate with `cargo run -q -- docs aws-operations > docs/aws-operations.md`.

Every operation in `src/aws/` and where it is exercised. `tests/aws_operations.rs` fails when a module calls an
operation it declares no row for (or declares one it no longer calls) and when this file differs from the generated
one, and runs the moto scenario that proves every `moto` row is really called (counted by the SDK
interceptor). `moto+ext` rows are operations moto 5.2.5 lacks (or gets wrong) that `tests/moto_ext` adds on moto's own
backend: SSM, so PatchSchedules converge in the emulator (AWS response shapes also checked in `tests/patch_schedule/ssm_api/`);
Security Hub standards, controls and the finding aggregator (also `tests/account_baseline/security_hub/requests.rs`); AWS Config
remediation (also `tests/account_baseline/config/remediation.rs`); every Budgets operation the code calls (UpdateBudget, subscribers
and tags are missing from moto; also `tests/account_baseline/budgets/requests.rs`); and Trusted Advisor check summaries
(`tests/moto_ext/support_ext.py`, results evaluated from moto's security groups; also `tests/account_baseline/trusted_advisor.rs`);
and every Synthetics operation (moto has only part of CreateCanary, GetCanary and DescribeCanaries;
`tests/moto_ext/synthetics_ext.py`, run by `tests/monitoring/user_checks.rs`);
and every AWS Backup operation the code calls
(backup selections, vault access policies and UpdateBackupPlan are missing from moto, plan and vault deletion fixed; also
`tests/account_baseline/backup.rs`);
and PutCompositeAlarm (`tests/moto_ext/cloudwatch_composite_ext.py`; also `tests/monitoring/alarms.rs`), log group KMS
keys and Logs Insights query definitions (`tests/moto_ext/logs_ext.py`; also `tests/monitoring/logs.rs`), the EKS add-on
and its Pod Identity association (`tests/moto_ext/eks_ext.py`; also `tests/monitoring/container_insights.rs`), IAM Access
Analyzer, which moto lacks as a whole service (`tests/moto_ext/accessanalyzer_ext.py`; also
`tests/account_baseline/access_analyzer.rs`), and DescribeInstancePatches on patch scans seeded with PutComplianceItems
(`tests/moto_ext/ssm_patch_compliance_ext.py`; also `tests/patch_schedule/compliance.rs`). CreateTrail/UpdateTrail are
`moto` rows; `tests/moto_ext/cloudtrail_ext.py` makes moto report a trail's KMS key as its ARN and clear the key and the
CloudWatch Logs delivery as CloudTrail does (`tests/account_baseline/foundation.rs`).
`mock` rows run only through `aws-smithy-mocks`.

AccountBaseline sections and moto 5.2.5 (checked against its source): Config remediation (Describe/Put/DeleteRemediationConfiguration(s)) is missing too and added by
`tests/moto_ext/config_ext.py` (also tested with mocks in `tests/account_baseline/config/remediation.rs`); moto ignores a recorder's
`recordingMode` (DAILY and overrides are tested in `tests/account_baseline/config/recorder.rs`), replaces a Config rule's tags with
the request's on a PutConfigRule update (AWS keeps them), leaves an account where Inspector was never enabled out
of BatchGetAccountStatus (AWS lists it `DISABLED`; the code treats both alike) and needs `accountIds` on
Inspector2 Enable/Disable/BatchGetAccountStatus (the code always sends the account), and never returns
Inspector2 `failedAccounts` (tested with mocks).

"#;

/// The note below the table.
const DOC_FOOTER: &str = "\nSTS AssumeRole is called by aws-config's `AssumeRoleProvider` for `AwsAccount.spec.assumeRole` (moto: `tests/account_baseline/accounts.rs`), not by our service modules.\n";

/// docs/aws-operations.md: the prose, then one row per operation sorted by (service, operation).
pub fn markdown() -> String {
    let mut rows: Vec<&Operation> = all().collect();
    rows.sort_by_key(|r| (r.service, r.operation));
    let mut out = String::from(DOC_PROSE);
    out.push_str("| service | operation | kind | exercised by |\n|---|---|---|---|\n");
    for r in rows {
        out.push_str(&format!(
            "| {} | {} | {} | {}: {} |\n",
            r.service,
            r.operation,
            r.kind.as_str(),
            r.exercised.how(),
            r.exercised.file()
        ));
    }
    out.push_str(DOC_FOOTER);
    out.push_str(&crate::change_events::pattern::markdown());
    out
}

/// The IAM uses a spec makes of one section or component (the registries' `usage`: AccountBaseline sections,
/// MonitoringPolicy and PatchSchedule components).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SectionUsage {
    /// Uses, each one of the section's declared IAM section strings.
    pub uses: Vec<&'static str>,
    /// Roles a correcting pass hands to a service principal (`iam:PassRole`): (principal, role ARN).
    pub passes: Vec<(&'static str, String)>,
}

impl SectionUsage {
    /// Just `uses`, no role passed.
    pub fn of(uses: &[&'static str]) -> Self {
        Self {
            uses: uses.to_vec(),
            passes: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_agrees_with_the_call_counter() {
        for r in all() {
            assert_eq!(
                r.kind == Kind::Write,
                super::super::counter::is_mutating(r.operation),
                "{}:{} is declared {}",
                r.service,
                r.operation,
                r.kind.as_str()
            );
        }
    }

    #[test]
    fn rows_are_unique_and_sorted_within_each_module() {
        let mut seen = std::collections::BTreeSet::new();
        for m in super::super::MODULES {
            let keys: Vec<(&str, &str)> = m
                .operations
                .iter()
                .map(|r| (r.service, r.operation))
                .collect();
            let mut sorted = keys.clone();
            sorted.sort();
            assert_eq!(
                keys, sorted,
                "{}: rows sorted by (service, operation)",
                m.name
            );
            for k in keys {
                assert!(seen.insert(k), "{k:?} declared twice");
            }
        }
    }
}
