//! IAM account settings (the password policy, the account summary's root user facts), the service roles the
//! operator creates and owns (`createRole`), and AWS Config's service-linked role.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, on, on_for, read, slr, write, Operation, CONFIG_PRINCIPAL, MOTO};
use aws_sdk_iam::types::{SummaryKeyType, Tag};
use aws_sdk_iam::Client;

const SVC: &str = "iam";

/// The nine password policy settings as AWS reports them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PasswordPolicyState {
    /// Minimum length.
    pub minimum_password_length: Option<i32>,
    /// Symbols required.
    pub require_symbols: bool,
    /// Numbers required.
    pub require_numbers: bool,
    /// Uppercase required.
    pub require_uppercase_characters: bool,
    /// Lowercase required.
    pub require_lowercase_characters: bool,
    /// Users may change their password.
    pub allow_users_to_change_password: bool,
    /// Expiry in days (absent = never).
    pub max_password_age: Option<i32>,
    /// Reuse prevention (absent = off).
    pub password_reuse_prevention: Option<i32>,
    /// Hard expiry.
    pub hard_expiry: bool,
}

/// GetAccountPasswordPolicy; `None` when the account has no policy.
pub async fn get_password_policy(client: &Client) -> Result<Option<PasswordPolicyState>, AwsError> {
    let out = not_found_as_none(
        client
            .get_account_password_policy()
            .send()
            .await
            .aws(SVC, "GetAccountPasswordPolicy"),
        &["NoSuchEntity"],
    )?;
    Ok(out
        .and_then(|o| o.password_policy)
        .map(|p| PasswordPolicyState {
            minimum_password_length: p.minimum_password_length,
            require_symbols: p.require_symbols,
            require_numbers: p.require_numbers,
            require_uppercase_characters: p.require_uppercase_characters,
            require_lowercase_characters: p.require_lowercase_characters,
            allow_users_to_change_password: p.allow_users_to_change_password,
            max_password_age: p.max_password_age.filter(|a| *a > 0),
            password_reuse_prevention: p.password_reuse_prevention.filter(|a| *a > 0),
            hard_expiry: p.hard_expiry.unwrap_or(false),
        }))
}

/// UpdateAccountPasswordPolicy with the complete policy.
pub async fn put_password_policy(client: &Client, p: &PasswordPolicyState) -> Result<(), AwsError> {
    client
        .update_account_password_policy()
        .set_minimum_password_length(p.minimum_password_length)
        .require_symbols(p.require_symbols)
        .require_numbers(p.require_numbers)
        .require_uppercase_characters(p.require_uppercase_characters)
        .require_lowercase_characters(p.require_lowercase_characters)
        .allow_users_to_change_password(p.allow_users_to_change_password)
        .set_max_password_age(p.max_password_age)
        .set_password_reuse_prevention(p.password_reuse_prevention)
        .hard_expiry(p.hard_expiry)
        .send()
        .await
        .aws(SVC, "UpdateAccountPasswordPolicy")?;
    Ok(())
}

/// DeleteAccountPasswordPolicy; "already gone" is success.
pub async fn delete_password_policy(client: &Client) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_account_password_policy()
            .send()
            .await
            .aws(SVC, "DeleteAccountPasswordPolicy"),
        &["NoSuchEntity"],
    )
}

/// Root user facts from GetAccountSummary.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RootState {
    /// Root MFA enabled.
    pub mfa_enabled: bool,
    /// Root access keys present.
    pub access_keys_present: bool,
}

/// GetAccountSummary.
pub async fn root_state(client: &Client) -> Result<RootState, AwsError> {
    let out = client
        .get_account_summary()
        .send()
        .await
        .aws(SVC, "GetAccountSummary")?;
    let map = out.summary_map().cloned().unwrap_or_default();
    Ok(RootState {
        mfa_enabled: map
            .get(&SummaryKeyType::AccountMfaEnabled)
            .copied()
            .unwrap_or(0)
            > 0,
        access_keys_present: map
            .get(&SummaryKeyType::AccountAccessKeysPresent)
            .copied()
            .unwrap_or(0)
            > 0,
    })
}

/// An IAM role as the operator compares it: its trust policy, the one inline policy it manages, and its tags.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RoleState {
    /// Role ARN.
    pub arn: String,
    /// The trust policy (decoded from the URL encoding IAM returns).
    pub trust_policy: Option<String>,
    /// The inline policy of the managed name, `None` when the role has none of that name.
    pub inline_policy: Option<String>,
    /// Tags.
    pub tags: Vec<(String, String)>,
}

/// IAM returns policy documents URL-encoded (RFC 3986); moto and some SDK paths return them plain.
pub fn decode_policy(doc: &str) -> String {
    if !doc.contains('%') {
        return doc.to_string();
    }
    let bytes = doc.as_bytes();
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8(out).unwrap_or_else(|_| doc.to_string())
}

/// GetRole, then GetRolePolicy of `policy_name`; `None` when the role does not exist.
pub async fn role(
    client: &Client,
    name: &str,
    policy_name: &str,
) -> Result<Option<RoleState>, AwsError> {
    let Some(out) = not_found_as_none(
        client
            .get_role()
            .role_name(name)
            .send()
            .await
            .aws(SVC, "GetRole"),
        &["NoSuchEntity"],
    )?
    else {
        return Ok(None);
    };
    let Some(r) = out.role() else {
        return Ok(None);
    };
    let inline_policy = not_found_as_none(
        client
            .get_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .send()
            .await
            .aws(SVC, "GetRolePolicy"),
        &["NoSuchEntity"],
    )?
    .map(|p| decode_policy(p.policy_document()));
    Ok(Some(RoleState {
        arn: r.arn().to_string(),
        trust_policy: r.assume_role_policy_document().map(decode_policy),
        inline_policy,
        tags: r
            .tags()
            .iter()
            .map(|t| (t.key().to_string(), t.value().to_string()))
            .collect(),
    }))
}

/// CreateRole with its trust policy, description and tags; returns the ARN.
pub async fn create_role(
    client: &Client,
    name: &str,
    trust_policy: &str,
    description: &str,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let tags = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| AwsError::invalid_input(SVC, "CreateRole", e))?;
    let out = client
        .create_role()
        .role_name(name)
        .assume_role_policy_document(trust_policy)
        .description(description)
        .set_tags(Some(tags))
        .send()
        .await
        .aws(SVC, "CreateRole")?;
    Ok(out.role().map(|r| r.arn().to_string()).unwrap_or_default())
}

/// UpdateAssumeRolePolicy: replace the role's trust policy.
pub async fn put_trust_policy(client: &Client, name: &str, doc: &str) -> Result<(), AwsError> {
    client
        .update_assume_role_policy()
        .role_name(name)
        .policy_document(doc)
        .send()
        .await
        .aws(SVC, "UpdateAssumeRolePolicy")?;
    Ok(())
}

/// PutRolePolicy: create or replace the role's inline policy `policy_name`.
pub async fn put_role_policy(
    client: &Client,
    name: &str,
    policy_name: &str,
    doc: &str,
) -> Result<(), AwsError> {
    client
        .put_role_policy()
        .role_name(name)
        .policy_name(policy_name)
        .policy_document(doc)
        .send()
        .await
        .aws(SVC, "PutRolePolicy")?;
    Ok(())
}

/// DeleteRolePolicy then DeleteRole (a role with inline policies cannot be deleted); "already gone" is success.
pub async fn delete_role(client: &Client, name: &str, policy_name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_role_policy()
            .role_name(name)
            .policy_name(policy_name)
            .send()
            .await
            .aws(SVC, "DeleteRolePolicy"),
        &["NoSuchEntity"],
    )?;
    ok_if_gone(
        client
            .delete_role()
            .role_name(name)
            .send()
            .await
            .aws(SVC, "DeleteRole"),
        &["NoSuchEntity"],
    )
}

/// GetRole of a service-linked role by name: whether it exists.
pub async fn service_linked_role_exists(client: &Client, name: &str) -> Result<bool, AwsError> {
    Ok(not_found_as_none(
        client
            .get_role()
            .role_name(name)
            .send()
            .await
            .aws(SVC, "GetRole"),
        &["NoSuchEntity"],
    )?
    .is_some())
}

/// CreateServiceLinkedRole for `service` (`config.amazonaws.com`).
pub async fn create_service_linked_role(client: &Client, service: &str) -> Result<(), AwsError> {
    client
        .create_service_linked_role()
        .aws_service_name(service)
        .send()
        .await
        .aws(SVC, "CreateServiceLinkedRole")?;
    Ok(())
}

/// The roles the operator creates (`createRole`): every IAM write on roles is limited to these names.
const OWNED_ROLES: &str = crate::engine::role::ARN_PATTERN;
/// AWS Config's service-linked role, in any account (read by `config.recorder.createRole`).
const CONFIG_SLR: &str =
    "arn:aws:iam::*:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig";

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // IAM account settings, and the roles the operator creates and owns (`createRole`), every role write scoped to
    // its `awsbaseline-` names
    // A MonitoringPolicy with scheduled actions may also read and delete the role it created for them once no action
    // asks for it any more (`MonitoringPolicy.scheduledActions`, not only `.createRole`: the spec that dropped
    // createRole still has the actions).
    // (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html:
    // CreateRole with Tags also authorizes iam:TagRole). AWS Config's service-linked role is created, never deleted.
    write(
        SVC,
        "CreateRole",
        MOTO,
        &[
            on("iam:CreateRole", OWNED_ROLES),
            on("iam:TagRole", OWNED_ROLES),
        ],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole#correct",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole#correct",
            "MonitoringPolicy.scheduledActions.createRole#correct",
            "PatchSchedule.createRole#correct",
        ],
    ),
    write(
        SVC,
        "CreateServiceLinkedRole",
        MOTO,
        &[slr(
            CONFIG_PRINCIPAL,
            "AWSServiceRoleForConfig",
            &["AccountBaseline.config.recorder.createRole#correct"],
        )],
        &["AccountBaseline.config.recorder.createRole#correct"],
    ),
    write(
        SVC,
        "DeleteAccountPasswordPolicy",
        MOTO,
        &[act("iam:DeleteAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#delete"],
    ),
    write(
        SVC,
        "DeleteRole",
        MOTO,
        &[on("iam:DeleteRole", OWNED_ROLES)],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole#delete",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole#delete",
            "MonitoringPolicy.scheduledActions.createRole#delete",
            "MonitoringPolicy.scheduledActions#correct",
            "PatchSchedule.createRole#delete",
        ],
    ),
    write(
        SVC,
        "DeleteRolePolicy",
        MOTO,
        &[on("iam:DeleteRolePolicy", OWNED_ROLES)],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole#delete",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole#delete",
            "MonitoringPolicy.scheduledActions.createRole#delete",
            "MonitoringPolicy.scheduledActions#correct",
            "PatchSchedule.createRole#delete",
        ],
    ),
    read(
        SVC,
        "GetAccountPasswordPolicy",
        MOTO,
        &[act("iam:GetAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy"],
    ),
    read(
        SVC,
        "GetAccountSummary",
        MOTO,
        &[act("iam:GetAccountSummary")],
        &["AccountBaseline.rootAccount"],
    ),
    read(
        SVC,
        "GetRole",
        MOTO,
        &[
            on_for(
                "iam:GetRole",
                OWNED_ROLES,
                &[
                    "AccountBaseline.cloudTrail.cloudWatchLogs.createRole",
                    "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole",
                    "MonitoringPolicy.scheduledActions.createRole",
                    "MonitoringPolicy.scheduledActions",
                    "PatchSchedule.createRole",
                ],
            ),
            on_for(
                "iam:GetRole",
                CONFIG_SLR,
                &["AccountBaseline.config.recorder.createRole"],
            ),
        ],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole",
            "AccountBaseline.config.recorder.createRole",
            "MonitoringPolicy.scheduledActions.createRole",
            "MonitoringPolicy.scheduledActions",
            "PatchSchedule.createRole",
        ],
    ),
    read(
        SVC,
        "GetRolePolicy",
        MOTO,
        &[on("iam:GetRolePolicy", OWNED_ROLES)],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole",
            "MonitoringPolicy.scheduledActions.createRole",
            "MonitoringPolicy.scheduledActions",
            "PatchSchedule.createRole",
        ],
    ),
    write(
        SVC,
        "PutRolePolicy",
        MOTO,
        &[on("iam:PutRolePolicy", OWNED_ROLES)],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole#correct",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole#correct",
            "MonitoringPolicy.scheduledActions.createRole#correct",
            "PatchSchedule.createRole#correct",
        ],
    ),
    write(
        SVC,
        "UpdateAccountPasswordPolicy",
        MOTO,
        &[act("iam:UpdateAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#correct"],
    ),
    write(
        SVC,
        "UpdateAssumeRolePolicy",
        MOTO,
        &[on("iam:UpdateAssumeRolePolicy", OWNED_ROLES)],
        &[
            "AccountBaseline.cloudTrail.cloudWatchLogs.createRole#correct",
            "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole#correct",
            "MonitoringPolicy.scheduledActions.createRole#correct",
            "PatchSchedule.createRole#correct",
        ],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("iam.amazonaws.com");
