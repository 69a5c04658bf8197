//! AWS Organizations, read only: the organization, its OU tree and member accounts (with their tags), for
//! `AwsOrganization`. Every list is paginated. Organizations' endpoint is global, in us-east-1
//! (https://docs.aws.amazon.com/organizations/latest/APIReference/Welcome.html, "Endpoint").

use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, Operation, MOTO};
use aws_sdk_organizations::types::{AccountState, AccountStatus};
use aws_sdk_organizations::Client;
use std::collections::BTreeMap;

const SVC: &str = "organizations";

/// The one region of Organizations' endpoint (commercial partition).
pub const REGION: &str = "us-east-1";

/// What DescribeOrganization says.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrganizationInfo {
    /// `o-...`.
    pub id: String,
    /// The management account's ID.
    pub management_account_id: String,
    /// The partition of the organization's ARN (`aws`, `aws-us-gov`, `aws-cn`).
    pub partition: String,
}

/// An organizational unit (or the root, whose parent is empty).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgUnit {
    /// `ou-...` (or `r-...` for the root).
    pub id: String,
    /// Its name.
    pub name: String,
    /// The parent's ID; empty for the root.
    pub parent_id: String,
}

/// A member account's lifecycle state, as Organizations reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberState {
    /// Usable.
    Active,
    /// Suspended, closed or pending closure: not to be baselined.
    Suspended,
    /// Any other state (a future one): treated as not active.
    Other,
}

/// A member account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    /// 12-digit ID.
    pub id: String,
    /// Its name.
    pub name: String,
    /// Lifecycle state.
    pub state: MemberState,
    /// The OU (or root) it is directly in.
    pub parent_id: String,
    /// Its tags (read only when a rule selects by tags).
    pub tags: BTreeMap<String, String>,
}

/// The whole organization as one sync reads it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// The organization.
    pub organization: OrganizationInfo,
    /// The root and every OU.
    pub units: Vec<OrgUnit>,
    /// Every member account (the management account too).
    pub members: Vec<Member>,
}

/// DescribeOrganization.
pub async fn describe_organization(client: &Client) -> Result<OrganizationInfo, AwsError> {
    let out = client
        .describe_organization()
        .send()
        .await
        .aws(SVC, "DescribeOrganization")?;
    let org = out.organization();
    let arn = org.and_then(|o| o.arn()).unwrap_or_default();
    Ok(OrganizationInfo {
        id: org.and_then(|o| o.id()).unwrap_or_default().to_string(),
        management_account_id: org
            .and_then(|o| o.master_account_id())
            .unwrap_or_default()
            .to_string(),
        partition: arn.split(':').nth(1).unwrap_or("aws").to_string(),
    })
}

/// ListRoots: the root (an organization has exactly one).
pub async fn root(client: &Client) -> Result<OrgUnit, AwsError> {
    let mut pages = client.list_roots().into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListRoots")?;
        if let Some(r) = page.roots().first() {
            return Ok(OrgUnit {
                id: r.id().unwrap_or_default().to_string(),
                name: r.name().unwrap_or("Root").to_string(),
                parent_id: String::new(),
            });
        }
    }
    Err(AwsError::new(
        SVC,
        "ListRoots",
        crate::aws::ErrorCategory::NotFound,
        "the organization has no root",
    ))
}

/// ListOrganizationalUnitsForParent: the OUs directly under `parent`.
pub async fn child_units(client: &Client, parent: &str) -> Result<Vec<OrgUnit>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_organizational_units_for_parent()
        .parent_id(parent)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListOrganizationalUnitsForParent")?;
        out.extend(page.organizational_units().iter().map(|u| OrgUnit {
            id: u.id().unwrap_or_default().to_string(),
            name: u.name().unwrap_or_default().to_string(),
            parent_id: parent.to_string(),
        }));
    }
    Ok(out)
}

fn state_of(a: &aws_sdk_organizations::types::Account) -> MemberState {
    match (a.state(), a.status()) {
        (Some(AccountState::Active), _) => MemberState::Active,
        (
            Some(AccountState::Suspended | AccountState::PendingClosure | AccountState::Closed),
            _,
        ) => MemberState::Suspended,
        (None, Some(AccountStatus::Active)) => MemberState::Active,
        (None, Some(AccountStatus::Suspended | AccountStatus::PendingClosure)) => {
            MemberState::Suspended
        }
        _ => MemberState::Other,
    }
}

/// ListAccountsForParent: the accounts directly under `parent` (tags not read).
pub async fn accounts_in(client: &Client, parent: &str) -> Result<Vec<Member>, AwsError> {
    let mut out = Vec::new();
    let mut pages = client
        .list_accounts_for_parent()
        .parent_id(parent)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListAccountsForParent")?;
        out.extend(page.accounts().iter().map(|a| Member {
            id: a.id().unwrap_or_default().to_string(),
            name: a.name().unwrap_or_default().to_string(),
            state: state_of(a),
            parent_id: parent.to_string(),
            tags: BTreeMap::new(),
        }));
    }
    Ok(out)
}

/// ListTagsForResource of one account.
pub async fn account_tags(
    client: &Client,
    account_id: &str,
) -> Result<BTreeMap<String, String>, AwsError> {
    let mut out = BTreeMap::new();
    let mut pages = client
        .list_tags_for_resource()
        .resource_id(account_id)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListTagsForResource")?;
        out.extend(
            page.tags()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string())),
        );
    }
    Ok(out)
}

/// Read the organization: DescribeOrganization, ListRoots, then per OU (breadth first from the root)
/// ListOrganizationalUnitsForParent and ListAccountsForParent; with `tags`, ListTagsForResource per account. The
/// walk tells each account's OU, so ListAccounts (which does not) is not called.
pub async fn snapshot(client: &Client, tags: bool) -> Result<Snapshot, AwsError> {
    let organization = describe_organization(client).await?;
    let root = root(client).await?;
    let mut units = vec![root];
    let mut members = Vec::new();
    let mut next = 0;
    while next < units.len() {
        let parent = units[next].id.clone();
        next += 1;
        units.extend(child_units(client, &parent).await?);
        members.extend(accounts_in(client, &parent).await?);
    }
    if tags {
        for m in &mut members {
            m.tags = account_tags(client, &m.id).await?;
        }
    }
    members.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(Snapshot {
        organization,
        units,
        members,
    })
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]). Granted to the
/// identity `AwsOrganization.spec.accountRef` resolves to (the management or delegated-administrator account).
pub const OPERATIONS: &[Operation] = &[
    read(
        SVC,
        "DescribeOrganization",
        MOTO,
        &[act("organizations:DescribeOrganization")],
        &["AwsOrganization"],
    ),
    read(
        SVC,
        "ListAccountsForParent",
        MOTO,
        &[act("organizations:ListAccountsForParent")],
        &["AwsOrganization"],
    ),
    read(
        SVC,
        "ListOrganizationalUnitsForParent",
        MOTO,
        &[act("organizations:ListOrganizationalUnitsForParent")],
        &["AwsOrganization"],
    ),
    read(
        SVC,
        "ListRoots",
        MOTO,
        &[act("organizations:ListRoots")],
        &["AwsOrganization"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("organizations:ListTagsForResource")],
        &["AwsOrganization"],
    ),
];

/// Organizations is only read: nothing of it is watched for change events.
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::NO_EVENTS;
