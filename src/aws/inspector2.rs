//! Amazon Inspector (v2): which resource scan types are enabled for the account in one region.

use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, slr, write, Operation, INSPECTOR_PRINCIPAL, MOTO};
use aws_sdk_inspector2::types::{FailedAccount, ResourceScanType, State, Status};
use aws_sdk_inspector2::Client;
use std::collections::BTreeMap;

const SVC: &str = "inspector2";

/// The scan types this module manages, as the API names them.
pub const SCAN_TYPES: [&str; 4] = ["EC2", "ECR", "LAMBDA", "LAMBDA_CODE"];

/// Scan type -> `ENABLED` / `DISABLED` / `SUSPENDED`. A transition in progress (`ENABLING`, `DISABLING`,
/// `SUSPENDING`) is reported as the state it is moving to, so a pass right after a write does not write again.
pub type ScanStatus = BTreeMap<String, String>;

fn settled(s: &Status) -> String {
    match s {
        Status::Enabling => "ENABLED".into(),
        Status::Disabling => "DISABLED".into(),
        Status::Suspending => "SUSPENDED".into(),
        other => other.as_str().to_string(),
    }
}

fn failure(operation: &'static str, f: &FailedAccount) -> AwsError {
    let code = f.error_code().as_str().to_string();
    let category = match code.as_str() {
        "ACCESS_DENIED" => ErrorCategory::AccessDenied,
        "RESOURCE_NOT_FOUND" => ErrorCategory::NotFound,
        "SSM_THROTTLED" | "EVENTBRIDGE_THROTTLED" => ErrorCategory::Throttled,
        // A transition already under way, or a dependency briefly unavailable: the next pass retries.
        "INTERNAL_ERROR"
        | "EVENTBRIDGE_UNAVAILABLE"
        | "SSM_UNAVAILABLE"
        | "ENABLE_IN_PROGRESS"
        | "DISABLE_IN_PROGRESS"
        | "SUSPEND_IN_PROGRESS" => ErrorCategory::Transient,
        _ => ErrorCategory::InvalidInput,
    };
    AwsError {
        service: SVC,
        operation,
        category,
        code: Some(code),
        message: f.error_message().to_string(),
    }
}

/// BatchGetAccountStatus for this account. An account where Inspector was never enabled has every scan type
/// `DISABLED` (moto omits such an account from the reply; AWS lists it as disabled).
pub async fn status(client: &Client, account_id: &str) -> Result<ScanStatus, AwsError> {
    let out = client
        .batch_get_account_status()
        .account_ids(account_id)
        .send()
        .await
        .aws(SVC, "BatchGetAccountStatus")?;
    if let Some(f) = out
        .failed_accounts()
        .iter()
        .find(|f| f.account_id() == account_id)
    {
        return Err(failure("BatchGetAccountStatus", f));
    }
    let mut status: ScanStatus = SCAN_TYPES
        .iter()
        .map(|t| (t.to_string(), "DISABLED".to_string()))
        .collect();
    let Some(acct) = out.accounts().iter().find(|a| a.account_id() == account_id) else {
        return Ok(status);
    };
    if let Some(r) = acct.resource_state() {
        let pairs: [(&str, Option<&State>); 4] = [
            ("EC2", r.ec2()),
            ("ECR", r.ecr()),
            ("LAMBDA", r.lambda()),
            ("LAMBDA_CODE", r.lambda_code()),
        ];
        for (name, state) in pairs {
            if let Some(s) = state {
                status.insert(name.to_string(), settled(s.status()));
            }
        }
    }
    Ok(status)
}

fn types(names: &[String]) -> Vec<ResourceScanType> {
    names
        .iter()
        .map(|n| ResourceScanType::from(n.as_str()))
        .collect()
}

/// Enable scan types for this account (the SDK fills the idempotency token).
pub async fn enable(client: &Client, account_id: &str, scan: &[String]) -> Result<(), AwsError> {
    let out = client
        .enable()
        .account_ids(account_id)
        .set_resource_types(Some(types(scan)))
        .send()
        .await
        .aws(SVC, "Enable")?;
    match out
        .failed_accounts()
        .iter()
        .find(|f| f.error_code().as_str() != "ALREADY_ENABLED")
    {
        Some(f) => Err(failure("Enable", f)),
        None => Ok(()),
    }
}

/// Disable scan types for this account.
pub async fn disable(client: &Client, account_id: &str, scan: &[String]) -> Result<(), AwsError> {
    let out = client
        .disable()
        .account_ids(account_id)
        .set_resource_types(Some(types(scan)))
        .send()
        .await
        .aws(SVC, "Disable")?;
    match out.failed_accounts().first() {
        Some(f) => Err(failure("Disable", f)),
        None => Ok(()),
    }
}

/// ListDelegatedAdminAccounts (all pages, management account): the Region's Inspector delegated administrator(s)
/// whose status is ENABLED.
pub async fn delegated_admins(client: &Client) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_delegated_admin_accounts()
            .set_next_token(token)
            .send()
            .await
            .aws(SVC, "ListDelegatedAdminAccounts")?;
        out.extend(
            page.delegated_admin_accounts()
                .iter()
                .filter(|a| a.status().map(|s| s.as_str()) != Some("DISABLE_IN_PROGRESS"))
                .filter_map(|a| a.account_id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            out.sort();
            return Ok(out);
        }
    }
}

/// EnableDelegatedAdminAccount (management account): make `account_id` Inspector's delegated administrator.
pub async fn enable_delegated_admin(client: &Client, account_id: &str) -> Result<(), AwsError> {
    client
        .enable_delegated_admin_account()
        .delegated_admin_account_id(account_id)
        .send()
        .await
        .aws(SVC, "EnableDelegatedAdminAccount")?;
    Ok(())
}

/// DescribeOrganizationConfiguration (delegated administrator): which scan types are turned on for new members
/// (`EC2`, `ECR`, `LAMBDA`, `LAMBDA_CODE` -> on).
pub async fn organization_auto_enable(client: &Client) -> Result<BTreeMap<String, bool>, AwsError> {
    let out = client
        .describe_organization_configuration()
        .send()
        .await
        .aws(SVC, "DescribeOrganizationConfiguration")?;
    let a = out.auto_enable();
    Ok(BTreeMap::from([
        ("EC2".to_string(), a.is_some_and(|a| a.ec2())),
        ("ECR".to_string(), a.is_some_and(|a| a.ecr())),
        (
            "LAMBDA".to_string(),
            a.and_then(|a| a.lambda()).unwrap_or(false),
        ),
        (
            "LAMBDA_CODE".to_string(),
            a.and_then(|a| a.lambda_code()).unwrap_or(false),
        ),
    ]))
}

/// UpdateOrganizationConfiguration (delegated administrator): the auto-enable setting of every scan type (the API
/// requires EC2 and ECR; pass the observed values for the ones the spec leaves out).
pub async fn set_organization_auto_enable(
    client: &Client,
    scan: &BTreeMap<String, bool>,
) -> Result<(), AwsError> {
    let on = |t: &str| scan.get(t).copied().unwrap_or(false);
    let auto = aws_sdk_inspector2::types::AutoEnable::builder()
        .ec2(on("EC2"))
        .ecr(on("ECR"))
        .lambda(on("LAMBDA"))
        .lambda_code(on("LAMBDA_CODE"))
        .build()
        .map_err(|e| AwsError::invalid_input(SVC, "UpdateOrganizationConfiguration", e))?;
    client
        .update_organization_configuration()
        .auto_enable(auto)
        .send()
        .await
        .aws(SVC, "UpdateOrganizationConfiguration")?;
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // Amazon Inspector (every region): account scan types.
    read(
        SVC,
        "BatchGetAccountStatus",
        MOTO,
        &[act("inspector2:BatchGetAccountStatus")],
        &[
            "AccountBaseline.inspector",
            "AccountBaseline.inspector#delete",
        ],
    ),
    read(
        SVC,
        "DescribeOrganizationConfiguration",
        MOTO,
        &[act("inspector2:DescribeOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable"],
    ),
    write(
        SVC,
        "Disable",
        MOTO,
        &[act("inspector2:Disable")],
        &[
            "AccountBaseline.inspector#correct",
            "AccountBaseline.inspector#delete",
        ],
    ),
    write(
        SVC,
        "Enable",
        MOTO,
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
    // Organization (the `organization` section): the delegated administrator, named by the management account
    // (which also enables trusted access, registers it with Organizations and creates Inspector's service-linked
    // role, https://docs.aws.amazon.com/inspector/latest/user/designating-admin.html), and auto-enable for new
    // members, set by that administrator.
    write(
        SVC,
        "EnableDelegatedAdminAccount",
        MOTO,
        &[
            act("inspector2:EnableDelegatedAdminAccount"),
            act("organizations:EnableAWSServiceAccess"),
            act("organizations:RegisterDelegatedAdministrator"),
            act("organizations:DescribeOrganization"),
            slr(
                INSPECTOR_PRINCIPAL,
                "AWSServiceRoleForAmazonInspector2",
                &[],
            ),
        ],
        &["AccountBaseline.organization#correct"],
    ),
    read(
        SVC,
        "ListDelegatedAdminAccounts",
        MOTO,
        &[
            act("inspector2:ListDelegatedAdminAccounts"),
            act("organizations:DescribeOrganization"),
        ],
        &["AccountBaseline.organization"],
    ),
    write(
        SVC,
        "UpdateOrganizationConfiguration",
        MOTO,
        &[act("inspector2:UpdateOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-inspector2.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("inspector2.amazonaws.com");
