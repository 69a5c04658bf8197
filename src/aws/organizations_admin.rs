//! AWS Organizations, the administration side the `organization` section needs in the management account: trusted
//! service access (EnableAWSServiceAccess) and delegated administrators registered through Organizations itself
//! (AWS Config, IAM Access Analyzer). GuardDuty, Security Hub and Inspector register theirs through their own APIs
//! (`aws/guardduty.rs`, `aws/securityhub.rs`, `aws/inspector2.rs`). Organizations is a global service; the calls go
//! to the home region's endpoint.

use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use aws_sdk_organizations::Client;
use std::collections::BTreeSet;

const SVC: &str = "organizations";

/// ListAWSServiceAccessForOrganization (all pages): the service principals with trusted access.
pub async fn trusted_services(client: &Client) -> Result<BTreeSet<String>, AwsError> {
    let mut out = BTreeSet::new();
    let mut token = None;
    loop {
        let page = client
            .list_aws_service_access_for_organization()
            .set_next_token(token)
            .send()
            .await
            .aws(SVC, "ListAWSServiceAccessForOrganization")?;
        out.extend(
            page.enabled_service_principals()
                .iter()
                .filter_map(|p| p.service_principal().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// EnableAWSServiceAccess for one service principal (enabling an enabled service changes nothing).
pub async fn enable_trusted_service(client: &Client, principal: &str) -> Result<(), AwsError> {
    client
        .enable_aws_service_access()
        .service_principal(principal)
        .send()
        .await
        .aws(SVC, "EnableAWSServiceAccess")?;
    Ok(())
}

/// ListDelegatedAdministrators for one service principal (all pages): the account IDs registered for it.
pub async fn delegated_administrators(
    client: &Client,
    principal: &str,
) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_delegated_administrators()
            .service_principal(principal)
            .set_next_token(token)
            .send()
            .await
            .aws(SVC, "ListDelegatedAdministrators")?;
        out.extend(
            page.delegated_administrators()
                .iter()
                .filter_map(|a| a.id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            out.sort();
            return Ok(out);
        }
    }
}

/// RegisterDelegatedAdministrator of `account_id` for `principal`.
pub async fn register_delegated_administrator(
    client: &Client,
    account_id: &str,
    principal: &str,
) -> Result<(), AwsError> {
    client
        .register_delegated_administrator()
        .account_id(account_id)
        .service_principal(principal)
        .send()
        .await
        .aws(SVC, "RegisterDelegatedAdministrator")?;
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Organizations (management account, global).
    write(
        SVC,
        "EnableAWSServiceAccess",
        MOTO,
        &[act("organizations:EnableAWSServiceAccess")],
        &["AccountBaseline.organization#correct"],
    ),
    read(
        SVC,
        "ListAWSServiceAccessForOrganization",
        MOTO,
        &[act("organizations:ListAWSServiceAccessForOrganization")],
        &["AccountBaseline.organization"],
    ),
    // moto knows no `config.amazonaws.com` delegated administrator; tests/moto_ext/organization_admin_ext.py adds it.
    read(
        SVC,
        "ListDelegatedAdministrators",
        MOTO_EXT,
        &[act("organizations:ListDelegatedAdministrators")],
        &["AccountBaseline.organization"],
    ),
    write(
        SVC,
        "RegisterDelegatedAdministrator",
        MOTO_EXT,
        &[act("organizations:RegisterDelegatedAdministrator")],
        &["AccountBaseline.organization#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-organizations.html), the rows logged
/// under another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("organizations.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        crate::aws::operation::foreign(
            "DeregisterDelegatedAdministrator",
            &["AccountBaseline.organization"],
        ),
        crate::aws::operation::foreign(
            "DisableAWSServiceAccess",
            &["AccountBaseline.organization"],
        ),
    ],
};
