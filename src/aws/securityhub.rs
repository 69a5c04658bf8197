//! AWS Security Hub in one region: the hub, standards subscriptions, control associations and the finding
//! aggregator.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{
    act, read, slr, write, Operation, MOTO, MOTO_EXT, SECURITY_HUB_PRINCIPAL,
};
use crate::aws::pace;
use aws_sdk_securityhub::types::{
    AssociationStatus, ControlFindingGenerator, StandardsControlAssociationId,
    StandardsControlAssociationUpdate, StandardsControlsUpdatable, StandardsSubscriptionRequest,
};
use aws_sdk_securityhub::Client;
use std::collections::BTreeMap;
use std::time::Duration;

const SVC: &str = "securityhub";

/// `BatchEnableStandards` and `BatchDisableStandards` take at most 25 entries and allow 1 request per second
/// per account and region. The control association batches document no size; they go in the same chunks.
pub const BATCH: usize = 25;
/// The documented rate of the standards batch operations.
pub const STANDARDS_INTERVAL: Duration = Duration::from_secs(1);

/// What DescribeHub reports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hub {
    /// Hub ARN.
    pub arn: String,
    /// Auto-enable new controls.
    pub auto_enable_controls: bool,
    /// `SECURITY_CONTROL` or `STANDARD_CONTROL`.
    pub control_finding_generator: String,
}

/// A standards subscription (GetEnabledStandards).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    /// The standard's ARN.
    pub standards_arn: String,
    /// The subscription's ARN (what BatchDisableStandards takes).
    pub subscription_arn: String,
    /// `PENDING`, `READY`, `FAILED`, `DELETING`, `INCOMPLETE`.
    pub status: String,
    /// Whether its control associations can be read and changed yet (`StandardsControlsUpdatable`).
    pub controls_updatable: bool,
}

impl Subscription {
    /// Subscribed, or on its way to it.
    pub fn is_active(&self) -> bool {
        matches!(self.status.as_str(), "READY" | "PENDING" | "INCOMPLETE")
    }
}

/// A control's association with a standard.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Association {
    /// `ENABLED` or `DISABLED`.
    pub status: String,
    /// The recorded reason (set when it was disabled).
    pub reason: Option<String>,
}

/// The finding aggregator.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Aggregator {
    /// ARN (its region is the aggregation region).
    pub arn: String,
    /// Aggregation region.
    pub region: String,
    /// Region linking mode.
    pub linking_mode: String,
    /// Linked (or excluded) regions, sorted.
    pub regions: Vec<String>,
}

/// The region in an ARN (`arn:partition:service:region:...`).
pub fn arn_region(arn: &str) -> &str {
    arn.split(':').nth(3).unwrap_or_default()
}

/// DescribeHub; `None` when Security Hub is not enabled (AWS answers `InvalidAccessException`, "not subscribed").
pub async fn hub(client: &Client) -> Result<Option<Hub>, AwsError> {
    let out = not_found_as_none(
        client.describe_hub().send().await.aws(SVC, "DescribeHub"),
        &["InvalidAccessException"],
    )?;
    Ok(out.map(|h| Hub {
        arn: h.hub_arn().unwrap_or_default().to_string(),
        auto_enable_controls: h.auto_enable_controls().unwrap_or(true),
        control_finding_generator: h
            .control_finding_generator()
            .map(|g| g.as_str().to_string())
            .unwrap_or_else(|| "SECURITY_CONTROL".into()),
    }))
}

/// EnableSecurityHub, tagged. `EnableDefaultStandards` is always sent (AWS takes a missing value as true); the
/// finding generator only when declared (AWS's default is `SECURITY_CONTROL`).
pub async fn enable(
    client: &Client,
    default_standards: bool,
    generator: Option<&str>,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    client
        .enable_security_hub()
        .enable_default_standards(default_standards)
        .set_control_finding_generator(generator.map(ControlFindingGenerator::from))
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "EnableSecurityHub")?;
    Ok(())
}

/// DisableSecurityHub; "not enabled" is success.
pub async fn disable(client: &Client) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .disable_security_hub()
            .send()
            .await
            .aws(SVC, "DisableSecurityHub"),
        &["InvalidAccessException"],
    )
}

/// UpdateSecurityHubConfiguration with only the settings given (the finding generator can be changed only in an
/// organization's administrator account, so it is never sent when it did not drift).
pub async fn configure(
    client: &Client,
    auto_enable_controls: Option<bool>,
    generator: Option<&str>,
) -> Result<(), AwsError> {
    client
        .update_security_hub_configuration()
        .set_auto_enable_controls(auto_enable_controls)
        .set_control_finding_generator(generator.map(ControlFindingGenerator::from))
        .send()
        .await
        .aws(SVC, "UpdateSecurityHubConfiguration")?;
    Ok(())
}

/// GetEnabledStandards, every page.
pub async fn subscriptions(client: &Client) -> Result<Vec<Subscription>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .get_enabled_standards()
            .set_next_token(token.clone())
            .max_results(100)
            .send()
            .await
            .aws(SVC, "GetEnabledStandards")?;
        out.extend(page.standards_subscriptions().iter().map(|s| {
            Subscription {
                standards_arn: s.standards_arn().unwrap_or_default().to_string(),
                subscription_arn: s
                    .standards_subscription_arn()
                    .unwrap_or_default()
                    .to_string(),
                status: s
                    .standards_status()
                    .map(|x| x.as_str().to_string())
                    .unwrap_or_default(),
                controls_updatable: !matches!(
                    s.standards_controls_updatable(),
                    Some(StandardsControlsUpdatable::NotReadyForUpdates)
                ),
            }
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// BatchEnableStandards, 25 at a time, each request in its own 1-second slot for `pace_key` (account/region).
pub async fn enable_standards(
    client: &Client,
    pace_key: &str,
    standards_arns: &[String],
) -> Result<(), AwsError> {
    for chunk in standards_arns.chunks(BATCH) {
        let requests = chunk
            .iter()
            .map(|arn| {
                StandardsSubscriptionRequest::builder()
                    .standards_arn(arn)
                    .build()
            })
            .collect::<Vec<_>>();
        pace::wait(&format!("{pace_key}/standards"), STANDARDS_INTERVAL).await;
        client
            .batch_enable_standards()
            .set_standards_subscription_requests(Some(requests))
            .send()
            .await
            .aws(SVC, "BatchEnableStandards")?;
    }
    Ok(())
}

/// BatchDisableStandards by subscription ARN, paced like [`enable_standards`] (same slots).
pub async fn disable_standards(
    client: &Client,
    pace_key: &str,
    subscription_arns: &[String],
) -> Result<(), AwsError> {
    for chunk in subscription_arns.chunks(BATCH) {
        pace::wait(&format!("{pace_key}/standards"), STANDARDS_INTERVAL).await;
        client
            .batch_disable_standards()
            .set_standards_subscription_arns(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SVC, "BatchDisableStandards")?;
    }
    Ok(())
}

fn unprocessed(operation: &'static str, code: &str, what: &str, reason: &str) -> AwsError {
    let category = match code {
        "ACCESS_DENIED" => ErrorCategory::AccessDenied,
        "LIMIT_EXCEEDED" => ErrorCategory::Throttled,
        "NOT_FOUND" | "RESOURCE_NOT_FOUND" => ErrorCategory::NotFound,
        _ => ErrorCategory::InvalidInput,
    };
    AwsError {
        service: SVC,
        operation,
        category,
        code: Some(code.to_string()),
        message: format!("{what}: {reason}"),
    }
}

/// BatchGetStandardsControlAssociations for `(control ID, standards ARN)` pairs. A pair AWS reports as not found
/// (the control is not part of that standard) is left out of the result.
pub async fn associations(
    client: &Client,
    pairs: &[(String, String)],
) -> Result<BTreeMap<(String, String), Association>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in pairs.chunks(BATCH) {
        let ids = chunk
            .iter()
            .map(|(control, standard)| {
                StandardsControlAssociationId::builder()
                    .security_control_id(control)
                    .standards_arn(standard)
                    .build()
            })
            .collect::<Vec<_>>();
        let page = client
            .batch_get_standards_control_associations()
            .set_standards_control_association_ids(Some(ids))
            .send()
            .await
            .aws(SVC, "BatchGetStandardsControlAssociations")?;
        for d in page.standards_control_association_details() {
            out.insert(
                (
                    d.security_control_id().unwrap_or_default().to_string(),
                    d.standards_arn().unwrap_or_default().to_string(),
                ),
                Association {
                    status: d
                        .association_status()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    reason: d.updated_reason().map(str::to_string),
                },
            );
        }
        for u in page.unprocessed_associations() {
            let code = u.error_code().map(|c| c.as_str()).unwrap_or_default();
            if matches!(code, "NOT_FOUND" | "RESOURCE_NOT_FOUND") {
                continue;
            }
            let id = u.standards_control_association_id();
            let what = format!(
                "{} in {}",
                id.and_then(|i| i.security_control_id()).unwrap_or_default(),
                id.and_then(|i| i.standards_arn()).unwrap_or_default()
            );
            return Err(unprocessed(
                "BatchGetStandardsControlAssociations",
                code,
                &what,
                u.error_reason().unwrap_or_default(),
            ));
        }
    }
    Ok(out)
}

/// BatchUpdateStandardsControlAssociations: disable `(control ID, standards ARN, reason)`. Any unprocessed
/// update is an error naming the control and standard. `done` receives every pair AWS processed, also when a
/// later one fails (the operator records the controls it disabled).
pub async fn disable_controls(
    client: &Client,
    updates: &[(String, String, String)],
    done: &mut Vec<(String, String)>,
) -> Result<(), AwsError> {
    let items = updates
        .iter()
        .map(|(control, standard, reason)| {
            StandardsControlAssociationUpdate::builder()
                .security_control_id(control)
                .standards_arn(standard)
                .association_status(AssociationStatus::Disabled)
                .updated_reason(reason)
                .build()
        })
        .collect();
    update_associations(client, items, done).await
}

/// BatchUpdateStandardsControlAssociations: enable `(control ID, standards ARN)` again (`UpdatedReason` is
/// optional when enabling, API reference: StandardsControlAssociationUpdate). `done` as in [`disable_controls`].
pub async fn enable_controls(
    client: &Client,
    pairs: &[(String, String)],
    done: &mut Vec<(String, String)>,
) -> Result<(), AwsError> {
    let items = pairs
        .iter()
        .map(|(control, standard)| {
            StandardsControlAssociationUpdate::builder()
                .security_control_id(control)
                .standards_arn(standard)
                .association_status(AssociationStatus::Enabled)
                .build()
        })
        .collect();
    update_associations(client, items, done).await
}

async fn update_associations(
    client: &Client,
    items: Vec<StandardsControlAssociationUpdate>,
    done: &mut Vec<(String, String)>,
) -> Result<(), AwsError> {
    for chunk in items.chunks(BATCH) {
        let out = client
            .batch_update_standards_control_associations()
            .set_standards_control_association_updates(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SVC, "BatchUpdateStandardsControlAssociations")?;
        let failed = out.unprocessed_association_updates();
        let key = |u: &StandardsControlAssociationUpdate| {
            (
                u.security_control_id().unwrap_or_default().to_string(),
                u.standards_arn().unwrap_or_default().to_string(),
            )
        };
        let failed_keys: Vec<(String, String)> = failed
            .iter()
            .filter_map(|u| u.standards_control_association_update().map(key))
            .collect();
        done.extend(chunk.iter().map(key).filter(|k| !failed_keys.contains(k)));
        if let Some(u) = failed.first() {
            let id = u.standards_control_association_update();
            let what = format!(
                "{} in {}",
                id.and_then(|i| i.security_control_id()).unwrap_or_default(),
                id.and_then(|i| i.standards_arn()).unwrap_or_default()
            );
            return Err(unprocessed(
                "BatchUpdateStandardsControlAssociations",
                u.error_code().map(|c| c.as_str()).unwrap_or_default(),
                &what,
                u.error_reason().unwrap_or_default(),
            ));
        }
    }
    Ok(())
}

/// ListFindingAggregators (at most one per account), then GetFindingAggregator of the one found: it must be read
/// in its own region, so `client_for` gives a client for that region. `None` also when Security Hub is off in the
/// client's region.
pub async fn aggregator<F>(client: &Client, client_for: F) -> Result<Option<Aggregator>, AwsError>
where
    F: Fn(&str) -> Client,
{
    let mut arns = Vec::new();
    let mut token: Option<String> = None;
    loop {
        // Security Hub off in this region (`InvalidAccessException`): there is no aggregator to read.
        let Some(page) = not_found_as_none(
            client
                .list_finding_aggregators()
                .set_next_token(token.clone())
                .send()
                .await
                .aws(SVC, "ListFindingAggregators"),
            &["InvalidAccessException"],
        )?
        else {
            return Ok(None);
        };
        arns.extend(
            page.finding_aggregators()
                .iter()
                .filter_map(|a| a.finding_aggregator_arn().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            break;
        }
    }
    let Some(arn) = arns.into_iter().next() else {
        return Ok(None);
    };
    let home = client_for(arn_region(&arn));
    let got = not_found_as_none(
        home.get_finding_aggregator()
            .finding_aggregator_arn(&arn)
            .send()
            .await
            .aws(SVC, "GetFindingAggregator"),
        &[],
    )?;
    Ok(got.map(|g| {
        let mut regions = g.regions().to_vec();
        regions.sort();
        Aggregator {
            region: g
                .finding_aggregation_region()
                .map(str::to_string)
                .unwrap_or_else(|| arn_region(&arn).to_string()),
            arn,
            linking_mode: g.region_linking_mode().unwrap_or_default().to_string(),
            regions,
        }
    }))
}

/// CreateFindingAggregator in the client's region; returns its ARN.
pub async fn create_aggregator(
    client: &Client,
    linking_mode: &str,
    regions: &[String],
) -> Result<String, AwsError> {
    let out = client
        .create_finding_aggregator()
        .region_linking_mode(linking_mode)
        .set_regions((!regions.is_empty()).then(|| regions.to_vec()))
        .send()
        .await
        .aws(SVC, "CreateFindingAggregator")?;
    Ok(out.finding_aggregator_arn().unwrap_or_default().to_string())
}

/// UpdateFindingAggregator (called in the aggregation region).
pub async fn update_aggregator(
    client: &Client,
    arn: &str,
    linking_mode: &str,
    regions: &[String],
) -> Result<(), AwsError> {
    client
        .update_finding_aggregator()
        .finding_aggregator_arn(arn)
        .region_linking_mode(linking_mode)
        .set_regions((!regions.is_empty()).then(|| regions.to_vec()))
        .send()
        .await
        .aws(SVC, "UpdateFindingAggregator")?;
    Ok(())
}

/// DeleteFindingAggregator (called in the aggregation region); "already gone" is success.
pub async fn delete_aggregator(client: &Client, arn: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_finding_aggregator()
            .finding_aggregator_arn(arn)
            .send()
            .await
            .aws(SVC, "DeleteFindingAggregator"),
        &[],
    )
}

/// ListOrganizationAdminAccounts (all pages, management account): the Region's Security Hub administrator(s) whose
/// status is ENABLED.
pub async fn organization_admins(client: &Client) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_organization_admin_accounts()
            .set_next_token(token)
            .send()
            .await
            .aws(SVC, "ListOrganizationAdminAccounts")?;
        out.extend(
            page.admin_accounts()
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

/// EnableOrganizationAdminAccount (management account): make `account_id` the Region's Security Hub administrator.
pub async fn enable_organization_admin(client: &Client, account_id: &str) -> Result<(), AwsError> {
    client
        .enable_organization_admin_account()
        .admin_account_id(account_id)
        .send()
        .await
        .aws(SVC, "EnableOrganizationAdminAccount")?;
    Ok(())
}

/// DescribeOrganizationConfiguration (delegated administrator): whether new member accounts get Security Hub
/// enabled (`AutoEnable`).
pub async fn organization_auto_enable(client: &Client) -> Result<bool, AwsError> {
    let out = client
        .describe_organization_configuration()
        .send()
        .await
        .aws(SVC, "DescribeOrganizationConfiguration")?;
    Ok(out.auto_enable().unwrap_or(false))
}

/// UpdateOrganizationConfiguration (delegated administrator): set `AutoEnable` (local configuration).
pub async fn set_organization_auto_enable(client: &Client, on: bool) -> Result<(), AwsError> {
    client
        .update_organization_configuration()
        .auto_enable(on)
        .send()
        .await
        .aws(SVC, "UpdateOrganizationConfiguration")?;
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Security Hub (every region; the finding aggregator in the aggregation region).
    write(
        SVC,
        "BatchDisableStandards",
        MOTO_EXT,
        &[act("securityhub:BatchDisableStandards")],
        &["AccountBaseline.securityHub#correct"],
    ),
    write(
        SVC,
        "BatchEnableStandards",
        MOTO_EXT,
        &[act("securityhub:BatchEnableStandards")],
        &["AccountBaseline.securityHub#correct"],
    ),
    read(
        SVC,
        "BatchGetStandardsControlAssociations",
        MOTO_EXT,
        &[act("securityhub:BatchGetStandardsControlAssociations")],
        &[
            "AccountBaseline.securityHub",
            "AccountBaseline.securityHub#delete",
        ],
    ),
    write(
        SVC,
        "BatchUpdateStandardsControlAssociations",
        MOTO_EXT,
        &[act("securityhub:BatchUpdateStandardsControlAssociations")],
        &[
            "AccountBaseline.securityHub#correct",
            "AccountBaseline.securityHub#delete",
        ],
    ),
    write(
        SVC,
        "CreateFindingAggregator",
        MOTO_EXT,
        &[act("securityhub:CreateFindingAggregator")],
        &["AccountBaseline.securityHub.findingAggregator#correct"],
    ),
    write(
        SVC,
        "DeleteFindingAggregator",
        MOTO_EXT,
        &[act("securityhub:DeleteFindingAggregator")],
        &[
            "AccountBaseline.securityHub.findingAggregator#correct",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    read(
        SVC,
        "DescribeHub",
        MOTO_EXT,
        &[act("securityhub:DescribeHub")],
        &[
            "AccountBaseline.securityHub",
            "AccountBaseline.securityHub#delete",
        ],
    ),
    read(
        SVC,
        "DescribeOrganizationConfiguration",
        MOTO,
        &[act("securityhub:DescribeOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable"],
    ),
    write(
        SVC,
        "DisableSecurityHub",
        MOTO_EXT,
        &[act("securityhub:DisableSecurityHub")],
        &[
            "AccountBaseline.securityHub#correct",
            "AccountBaseline.securityHub#delete",
        ],
    ),
    // Organization (the `organization` section): the Region's administrator, named by the management account
    // (which also enables trusted access and registers it with Organizations,
    // https://docs.aws.amazon.com/securityhub/latest/userguide/designate-orgs-admin-account.html), and auto-enable
    // for new members, set by that administrator.
    write(
        SVC,
        "EnableOrganizationAdminAccount",
        MOTO,
        &[
            act("securityhub:EnableOrganizationAdminAccount"),
            act("organizations:EnableAWSServiceAccess"),
            act("organizations:RegisterDelegatedAdministrator"),
            act("organizations:DescribeOrganization"),
        ],
        &["AccountBaseline.organization#correct"],
    ),
    write(
        SVC,
        "EnableSecurityHub",
        MOTO_EXT,
        &[
            act("securityhub:EnableSecurityHub"),
            act("securityhub:TagResource"),
            slr(SECURITY_HUB_PRINCIPAL, "AWSServiceRoleForSecurityHub", &[]),
        ],
        &["AccountBaseline.securityHub#correct"],
    ),
    read(
        SVC,
        "GetEnabledStandards",
        MOTO_EXT,
        &[act("securityhub:GetEnabledStandards")],
        &["AccountBaseline.securityHub"],
    ),
    read(
        SVC,
        "GetFindingAggregator",
        MOTO_EXT,
        &[act("securityhub:GetFindingAggregator")],
        &[
            "AccountBaseline.securityHub.findingAggregator",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    read(
        SVC,
        "ListFindingAggregators",
        MOTO_EXT,
        &[act("securityhub:ListFindingAggregators")],
        &[
            "AccountBaseline.securityHub.findingAggregator",
            "AccountBaseline.securityHub.findingAggregator#delete",
        ],
    ),
    read(
        SVC,
        "ListOrganizationAdminAccounts",
        MOTO_EXT,
        &[
            act("securityhub:ListOrganizationAdminAccounts"),
            act("organizations:DescribeOrganization"),
        ],
        &["AccountBaseline.organization"],
    ),
    write(
        SVC,
        "UpdateFindingAggregator",
        MOTO_EXT,
        &[act("securityhub:UpdateFindingAggregator")],
        &["AccountBaseline.securityHub.findingAggregator#correct"],
    ),
    write(
        SVC,
        "UpdateOrganizationConfiguration",
        MOTO,
        &[act("securityhub:UpdateOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable#correct"],
    ),
    write(
        SVC,
        "UpdateSecurityHubConfiguration",
        MOTO_EXT,
        &[act("securityhub:UpdateSecurityHubConfiguration")],
        &["AccountBaseline.securityHub#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-securityhub.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("securityhub.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        // The per-standard control switch, beside the associations the operator updates.
        crate::aws::operation::foreign("UpdateStandardsControl", &["AccountBaseline.securityHub"]),
    ],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn region_of_an_arn() {
        assert_eq!(
            arn_region("arn:aws:securityhub:eu-west-1:123456789012:finding-aggregator/abc"),
            "eu-west-1"
        );
        assert_eq!(arn_region("nonsense"), "");
    }
}
