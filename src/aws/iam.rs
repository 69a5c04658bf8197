//! IAM account settings: the password policy and the account summary (root user facts).

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_iam::types::SummaryKeyType;
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

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // IAM account settings.
    write(
        SVC,
        "DeleteAccountPasswordPolicy",
        MOTO,
        &[act("iam:DeleteAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#delete"],
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
    write(
        SVC,
        "UpdateAccountPasswordPolicy",
        MOTO,
        &[act("iam:UpdateAccountPasswordPolicy")],
        &["AccountBaseline.passwordPolicy#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-iam.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("iam.amazonaws.com");
