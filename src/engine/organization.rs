//! AwsOrganization: from the organization as Organizations reports it ([`Snapshot`]) and the AwsAccounts the
//! cluster holds, the AwsAccounts to write (pure: [`plan`]) and the status counts.
//!
//! A selected ACTIVE member gets `<org>-<accountId>` with its rule's labels plus [`ORGANIZATION_LABEL`],
//! [`ACCOUNT_ID_LABEL`], [`OU_LABEL`] and [`MEMBERSHIP_LABEL`]`=Active`. A member that leaves the organization, is
//! suspended or stops matching keeps its AwsAccount (never deleted), relabelled with only the organization,
//! account-id and membership (`Left` / `Suspended` / `Unselected`) labels and [`MEMBERSHIP_ANNOTATION`] saying
//! since when and why: the rule labels are gone, so AccountBaselines selecting on them stop covering it (and,
//! as `engine::fleet` does for any account leaving a selector, delete nothing in that account).

use crate::api::aws_account::{AssumeRole, AwsAccountSpec, RoleHop};
use crate::api::aws_organization::{
    AccountError, AwsOrganizationSpec, MarkedAccount, MemberRule, MembershipCounts, UnitCount,
    DEFAULT_ROLE_NAME,
};
use crate::api::AwsAccount;
use crate::aws::organizations::{Member, MemberState, OrgUnit, Snapshot};
use std::collections::{BTreeMap, HashMap};

/// The AwsOrganization an AwsAccount was generated for.
pub const ORGANIZATION_LABEL: &str = "awsbaseline.io/organization";
/// The generated AwsAccount's account ID.
pub const ACCOUNT_ID_LABEL: &str = "awsbaseline.io/account-id";
/// The OU (or root) the account is directly in.
pub const OU_LABEL: &str = "awsbaseline.io/ou-id";
/// `Active`, `Left`, `Suspended` or `Unselected`.
pub const MEMBERSHIP_LABEL: &str = "awsbaseline.io/membership";
/// On a marked AwsAccount: `<RFC 3339 time> <reason>`.
pub const MEMBERSHIP_ANNOTATION: &str = "awsbaseline.io/membership-changed";
/// The OU path (`/Workloads/Prod`) of a selected account (a label value cannot hold slashes).
pub const OU_PATH_ANNOTATION: &str = "awsbaseline.io/ou-path";
/// A hash of what the organization controller last applied: equal (and the object unchanged) means no write.
pub const APPLIED_ANNOTATION: &str = "awsbaseline.io/organization-applied";
/// Errors and marked accounts listed in status at most.
pub const MAX_ERRORS: usize = 20;
/// Marked accounts listed in status at most.
pub const MAX_MARKED: usize = 50;

/// Where a member stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Membership {
    /// ACTIVE and selected by a rule.
    Active,
    /// No longer in the organization.
    Left,
    /// Suspended, closed or pending closure (or a state that is not ACTIVE).
    Suspended,
    /// ACTIVE, but no rule selects it (or `exclude` names it).
    Unselected,
}

impl Membership {
    /// The label value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Left => "Left",
            Self::Suspended => "Suspended",
            Self::Unselected => "Unselected",
        }
    }
}

/// The root and OUs by ID, with their paths.
pub struct Tree<'a> {
    units: HashMap<&'a str, &'a OrgUnit>,
}

impl<'a> Tree<'a> {
    /// Index the units of a snapshot.
    pub fn new(units: &'a [OrgUnit]) -> Self {
        Self {
            units: units.iter().map(|u| (u.id.as_str(), u)).collect(),
        }
    }

    /// `id` and its ancestors up to the root.
    pub fn ancestors(&self, id: &str) -> Vec<&'a str> {
        let mut out = Vec::new();
        let mut cur = self.units.get(id).copied();
        while let Some(u) = cur {
            if out.contains(&u.id.as_str()) {
                break; // a cycle cannot happen in Organizations; never loop on bad input
            }
            out.push(u.id.as_str());
            cur = self.units.get(u.parent_id.as_str()).copied();
        }
        out
    }

    /// The path of names from the root: `/` for the root, `/Workloads/Prod` for an OU.
    pub fn path(&self, id: &str) -> String {
        let mut names: Vec<&str> = self
            .ancestors(id)
            .iter()
            .filter_map(|a| self.units.get(a))
            .filter(|u| !u.parent_id.is_empty())
            .map(|u| u.name.as_str())
            .collect();
        names.reverse();
        format!("/{}", names.join("/"))
    }

    /// The unit a spec entry names: an ID (`ou-…`, `r-…`) or a path of names from the root.
    pub fn resolve(&self, entry: &str) -> Option<&'a str> {
        if entry.starts_with("ou-") || entry.starts_with("r-") {
            return self.units.get(entry).map(|u| u.id.as_str());
        }
        let wanted = entry.trim_end_matches('/');
        let wanted = if wanted.is_empty() { "/" } else { wanted };
        self.units
            .values()
            .find(|u| self.path(&u.id) == wanted)
            .map(|u| u.id.as_str())
    }
}

/// True when `rule` selects `member`: each field that is set holds (one of its OUs is the account's OU or an
/// ancestor of it, its ID is listed, every tag is present with that value).
pub fn rule_matches(rule: &MemberRule, member: &Member, tree: &Tree) -> bool {
    let ous_ok = rule.organizational_units.as_ref().is_none_or(|ous| {
        let ancestors = tree.ancestors(&member.parent_id);
        ous.iter()
            .filter_map(|o| tree.resolve(o))
            .any(|id| ancestors.contains(&id))
    });
    let ids_ok = rule
        .account_ids
        .as_ref()
        .is_none_or(|ids| ids.contains(&member.id));
    let tags_ok = rule
        .tags
        .as_ref()
        .is_none_or(|t| t.iter().all(|(k, v)| member.tags.get(k) == Some(v)));
    ous_ok && ids_ok && tags_ok
}

/// The index of the first rule that selects `member`, unless `exclude` names it.
pub fn first_rule(spec: &AwsOrganizationSpec, member: &Member, tree: &Tree) -> Option<usize> {
    if spec
        .exclude
        .as_ref()
        .is_some_and(|e| e.account_ids.contains(&member.id))
    {
        return None;
    }
    spec.members
        .iter()
        .position(|r| rule_matches(r, member, tree))
}

/// OU entries of the rules that name no OU of the organization (a typo selects nothing; reported).
pub fn unknown_units(spec: &AwsOrganizationSpec, tree: &Tree) -> Vec<String> {
    let mut out: Vec<String> = spec
        .members
        .iter()
        .flat_map(|r| r.organizational_units.iter().flatten())
        .filter(|o| tree.resolve(o).is_none())
        .cloned()
        .collect();
    out.sort();
    out.dedup();
    out
}

/// True when some rule selects by tags (only then are account tags read: one call per account).
pub fn needs_tags(spec: &AwsOrganizationSpec) -> bool {
    spec.members.iter().any(|r| r.tags.is_some())
}

/// The AwsAccount name of a member.
pub fn account_name(organization: &str, account_id: &str) -> String {
    format!("{organization}-{account_id}")
}

/// How a member account is reached: the management account the way `accountRef` reaches it; any other member
/// through `arn:<partition>:iam::<id>:role/<roleName>`, assumed through `accountRef`'s role when there is one
/// (the member roles trust the management account).
pub fn member_access(
    reference: &AwsAccountSpec,
    partition: &str,
    account_id: &str,
    role_name: &str,
    external_id: Option<String>,
) -> Result<Option<AssumeRole>, String> {
    if account_id == reference.account_id {
        return Ok(reference.assume_role.clone());
    }
    let role_arn = format!("arn:{partition}:iam::{account_id}:role/{role_name}");
    let via = match &reference.assume_role {
        None => Vec::new(),
        Some(r) => {
            let mut via = r.via.clone();
            via.push(RoleHop {
                role_arn: r.role_arn.clone(),
                external_id: r.external_id.clone(),
            });
            via
        }
    };
    if via.len() > 3 {
        return Err(format!(
            "reaching {account_id} through accountRef's role chain takes {} hops; an AwsAccount allows 3",
            via.len()
        ));
    }
    Ok(Some(AssumeRole {
        role_arn,
        external_id,
        session_name: reference
            .assume_role
            .as_ref()
            .and_then(|r| r.session_name.clone()),
        via,
        session_tags: false,
    }))
}

/// The outcome of a sync: the AwsAccounts to apply and what the status says.
#[derive(Clone, Debug, Default)]
pub struct Plan {
    /// Objects to server-side apply (only those that differ from what the cluster holds).
    pub apply: Vec<AwsAccount>,
    /// Accounts by state.
    pub counts: MembershipCounts,
    /// Marked AwsAccounts (all of them, sorted by account ID; the status keeps the first [`MAX_MARKED`]).
    pub marked: Vec<MarkedAccount>,
    /// Errors of single accounts.
    pub errors: Vec<AccountError>,
    /// OU entries the organization does not have.
    pub unknown_units: Vec<String>,
    /// Account IDs whose AwsAccount is created by this sync.
    pub created: Vec<String>,
    /// (account ID, membership) of AwsAccounts newly marked by this sync.
    pub newly_marked: Vec<(String, Membership)>,
    /// (account ID, old OU path, new OU path) of selected accounts whose OU changed since the last sync.
    pub moved: Vec<(String, String, String)>,
    /// Accounts per unit that holds any, sorted by path.
    pub units: Vec<UnitCount>,
}

fn labels_of(a: &AwsAccount) -> BTreeMap<String, String> {
    a.metadata.labels.clone().unwrap_or_default()
}

fn annotation<'a>(a: &'a AwsAccount, key: &str) -> Option<&'a str> {
    a.metadata
        .annotations
        .as_ref()
        .and_then(|m| m.get(key))
        .map(String::as_str)
}

/// An AwsAccount as the organization controller applies it (its fields only), stamped with the hash of itself.
fn object(
    name: &str,
    labels: BTreeMap<String, String>,
    mut annotations: BTreeMap<String, String>,
    spec: AwsAccountSpec,
) -> AwsAccount {
    let fingerprint = serde_json::to_string(&(&labels, &annotations, &spec)).unwrap_or_default();
    annotations.insert(
        APPLIED_ANNOTATION.into(),
        format!("{:016x}", crate::names::stable_hash(&fingerprint)),
    );
    let mut a = AwsAccount::new(name, spec);
    a.metadata.labels = Some(labels);
    a.metadata.annotations = Some(annotations);
    a
}

/// True when `existing` already holds what `desired` applies: the same applied hash, every desired label, and
/// the spec fields the controller sets.
fn unchanged(existing: &AwsAccount, desired: &AwsAccount) -> bool {
    let have = labels_of(existing);
    let labels_ok = labels_of(desired)
        .iter()
        .all(|(k, v)| have.get(k) == Some(v));
    let (e, d) = (&existing.spec, &desired.spec);
    let spec_ok = e.account_id == d.account_id
        && e.assume_role == d.assume_role
        && e.regions == d.regions
        && e.allowed_namespaces == d.allowed_namespaces;
    labels_ok
        && spec_ok
        && annotation(existing, APPLIED_ANNOTATION) == annotation(desired, APPLIED_ANNOTATION)
}

/// Why an account is marked.
fn reason(m: Membership, organization_id: &str) -> String {
    match m {
        Membership::Left => format!("the account is no longer in organization {organization_id}"),
        Membership::Suspended => "the account is suspended or closed".into(),
        Membership::Unselected => {
            "the account no longer matches any members rule (or is excluded)".into()
        }
        Membership::Active => String::new(),
    }
}

/// The sync's plan. `org` is the AwsOrganization's name, `reference` its accountRef's spec, `existing` every
/// AwsAccount of the cluster, `now` an RFC 3339 time for newly marked accounts.
pub fn plan(
    org: &str,
    spec: &AwsOrganizationSpec,
    reference: &AwsAccountSpec,
    snapshot: &Snapshot,
    existing: &[AwsAccount],
    now: &str,
) -> Plan {
    let tree = Tree::new(&snapshot.units);
    let mut p = Plan {
        unknown_units: unknown_units(spec, &tree),
        ..Default::default()
    };
    let by_name: HashMap<&str, &AwsAccount> = existing
        .iter()
        .filter_map(|a| a.metadata.name.as_deref().map(|n| (n, a)))
        .collect();
    let ours =
        |a: &AwsAccount| labels_of(a).get(ORGANIZATION_LABEL).map(String::as_str) == Some(org);
    let mut handled = std::collections::BTreeSet::new();
    p.counts.members = snapshot.members.len() as u32;
    for m in &snapshot.members {
        let name = account_name(org, &m.id);
        let current = by_name.get(name.as_str()).copied();
        if current.is_some_and(|c| !ours(c)) {
            p.errors.push(AccountError {
                account_id: m.id.clone(),
                message: format!(
                    "AwsAccount {name} exists and was not generated by this AwsOrganization; left alone"
                ),
            });
            handled.insert(name);
            continue;
        }
        let rule = first_rule(spec, m, &tree);
        let membership = match (m.state, rule) {
            (MemberState::Active, Some(_)) => Membership::Active,
            (MemberState::Active, None) => Membership::Unselected,
            _ => Membership::Suspended,
        };
        let path = tree.path(&m.parent_id);
        match p.units.iter_mut().find(|u| u.id == m.parent_id) {
            Some(u) => u.accounts += 1,
            None => p.units.push(UnitCount {
                path: path.clone(),
                id: m.parent_id.clone(),
                accounts: 1,
                selected: 0,
            }),
        }
        if membership == Membership::Active {
            if let Some(u) = p.units.iter_mut().find(|u| u.id == m.parent_id) {
                u.selected += 1;
            }
        }
        match membership {
            Membership::Active => p.counts.selected += 1,
            Membership::Suspended => p.counts.suspended += 1,
            _ => p.counts.unselected += 1,
        }
        handled.insert(name.clone());
        if let (Membership::Active, Some(i)) = (membership, rule) {
            let r = &spec.members[i];
            let role_name = r
                .role_name
                .as_deref()
                .or(spec.defaults.role_name.as_deref())
                .unwrap_or(DEFAULT_ROLE_NAME);
            let external_id = r
                .external_id
                .clone()
                .or_else(|| spec.defaults.external_id.clone());
            let assume_role = match member_access(
                reference,
                &snapshot.organization.partition,
                &m.id,
                role_name,
                external_id,
            ) {
                Ok(a) => a,
                Err(message) => {
                    p.errors.push(AccountError {
                        account_id: m.id.clone(),
                        message,
                    });
                    continue;
                }
            };
            let regions = [&r.regions, &spec.defaults.regions, &reference.regions]
                .into_iter()
                .find(|r| !r.is_empty())
                .cloned()
                .unwrap_or_default();
            let mut labels = r.labels.clone();
            labels.insert(ORGANIZATION_LABEL.into(), org.into());
            labels.insert(ACCOUNT_ID_LABEL.into(), m.id.clone());
            labels.insert(MEMBERSHIP_LABEL.into(), Membership::Active.as_str().into());
            if m.parent_id.len() <= 63 {
                labels.insert(OU_LABEL.into(), m.parent_id.clone());
            }
            if let Some(was) = current.and_then(|c| annotation(c, OU_PATH_ANNOTATION)) {
                let active = current.is_some_and(|c| {
                    labels_of(c).get(MEMBERSHIP_LABEL).map(String::as_str)
                        == Some(Membership::Active.as_str())
                });
                if active && was != path {
                    p.moved.push((m.id.clone(), was.to_string(), path.clone()));
                }
            }
            let annotations = BTreeMap::from([(OU_PATH_ANNOTATION.to_string(), path)]);
            let desired = object(
                &name,
                labels,
                annotations,
                AwsAccountSpec {
                    account_id: m.id.clone(),
                    assume_role,
                    regions,
                    allowed_namespaces: r.allowed_namespaces.clone(),
                    passable_roles: Vec::new(),
                    change_events: None,
                },
            );
            match current {
                None => {
                    p.created.push(m.id.clone());
                    p.apply.push(desired);
                }
                Some(c) if !unchanged(c, &desired) => p.apply.push(desired),
                Some(_) => {}
            }
        } else if let Some(c) = current {
            mark(&mut p, org, c, &m.id, membership, snapshot, now);
        }
    }
    // AwsAccounts of this organization whose account is no longer in it.
    for a in existing.iter().filter(|a| ours(a)) {
        let name = a.metadata.name.clone().unwrap_or_default();
        if handled.contains(&name) {
            continue;
        }
        p.counts.left += 1;
        let id = a.spec.account_id.clone();
        mark(&mut p, org, a, &id, Membership::Left, snapshot, now);
    }
    p.marked.sort_by(|a, b| a.account_id.cmp(&b.account_id));
    p.units.sort_by(|a, b| a.path.cmp(&b.path));
    p
}

/// Keep `current` but mark it: only the organization, account-id and membership labels (the rule and OU labels
/// are dropped), the membership annotation (its time kept while the membership stays the same), the spec as it is.
fn mark(
    p: &mut Plan,
    org: &str,
    current: &AwsAccount,
    account_id: &str,
    membership: Membership,
    snapshot: &Snapshot,
    now: &str,
) {
    let name = current.metadata.name.clone().unwrap_or_default();
    let was = labels_of(current).get(MEMBERSHIP_LABEL).cloned();
    let note = match annotation(current, MEMBERSHIP_ANNOTATION) {
        Some(n) if was.as_deref() == Some(membership.as_str()) => n.to_string(),
        _ => {
            p.newly_marked.push((account_id.to_string(), membership));
            format!("{now} {}", reason(membership, &snapshot.organization.id))
        }
    };
    let labels = BTreeMap::from([
        (ORGANIZATION_LABEL.to_string(), org.to_string()),
        (ACCOUNT_ID_LABEL.to_string(), account_id.to_string()),
        (
            MEMBERSHIP_LABEL.to_string(),
            membership.as_str().to_string(),
        ),
    ]);
    let annotations = BTreeMap::from([(MEMBERSHIP_ANNOTATION.to_string(), note.clone())]);
    let s = &current.spec;
    let desired = object(
        &name,
        labels,
        annotations,
        AwsAccountSpec {
            account_id: s.account_id.clone(),
            assume_role: s.assume_role.clone(),
            regions: s.regions.clone(),
            allowed_namespaces: s.allowed_namespaces.clone(),
            passable_roles: Vec::new(),
            change_events: None,
        },
    );
    if !unchanged(current, &desired) {
        p.apply.push(desired);
    }
    p.marked.push(MarkedAccount {
        account_id: account_id.to_string(),
        name,
        membership: membership.as_str().into(),
        reason: note,
    });
}

/// Read the organization through `session` (Organizations in us-east-1): with account tags only when a rule
/// selects by them.
pub async fn observe(
    session: &crate::aws::AccountSession,
    spec: &AwsOrganizationSpec,
) -> Result<Snapshot, crate::aws::AwsError> {
    let client = session.organizations(crate::aws::organizations::REGION);
    crate::aws::organizations::snapshot(&client, needs_tags(spec)).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::organizations::OrganizationInfo;
    use serde_json::json;

    fn unit(id: &str, name: &str, parent: &str) -> OrgUnit {
        OrgUnit {
            id: id.into(),
            name: name.into(),
            parent_id: parent.into(),
        }
    }

    fn member(id: &str, parent: &str, state: MemberState, tags: &[(&str, &str)]) -> Member {
        Member {
            id: id.into(),
            name: format!("acct-{id}"),
            state,
            parent_id: parent.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }
    }

    /// Root r-root: Workloads (Prod, Dev), Sandbox.
    fn snapshot() -> Snapshot {
        Snapshot {
            organization: OrganizationInfo {
                id: "o-abc".into(),
                management_account_id: "111111111111".into(),
                partition: "aws".into(),
            },
            units: vec![
                unit("r-root", "Root", ""),
                unit("ou-root-work0000", "Workloads", "r-root"),
                unit("ou-root-prod0000", "Prod", "ou-root-work0000"),
                unit("ou-root-dev00000", "Dev", "ou-root-work0000"),
                unit("ou-root-sand0000", "Sandbox", "r-root"),
            ],
            members: vec![
                member("111111111111", "r-root", MemberState::Active, &[]),
                member(
                    "222222222222",
                    "ou-root-prod0000",
                    MemberState::Active,
                    &[("team", "pay")],
                ),
                member("333333333333", "ou-root-dev00000", MemberState::Active, &[]),
                member("444444444444", "ou-root-sand0000", MemberState::Active, &[]),
                member(
                    "555555555555",
                    "ou-root-prod0000",
                    MemberState::Suspended,
                    &[],
                ),
            ],
        }
    }

    fn spec(v: serde_json::Value) -> AwsOrganizationSpec {
        serde_json::from_value(v).unwrap()
    }

    fn reference(role: Option<&str>) -> AwsAccountSpec {
        serde_json::from_value(json!({
            "accountId": "111111111111",
            "regions": ["eu-west-1"],
            "assumeRole": role.map(|r| json!({"roleArn": r, "externalId": "mgmt-ext"}))
        }))
        .unwrap()
    }

    #[test]
    fn paths_and_ids_resolve_and_an_ou_includes_its_children() {
        let s = snapshot();
        let tree = Tree::new(&s.units);
        assert_eq!(tree.path("ou-root-prod0000"), "/Workloads/Prod");
        assert_eq!(tree.path("r-root"), "/");
        assert_eq!(tree.resolve("/Workloads/Prod"), Some("ou-root-prod0000"));
        assert_eq!(tree.resolve("/Workloads/"), Some("ou-root-work0000"));
        assert_eq!(tree.resolve("/"), Some("r-root"));
        assert_eq!(tree.resolve("ou-root-dev00000"), Some("ou-root-dev00000"));
        assert_eq!(tree.resolve("/Workloads/Nope"), None);
        assert_eq!(tree.resolve("ou-none-00000000"), None);
        let work = MemberRule {
            organizational_units: Some(vec!["/Workloads".into()]),
            ..Default::default()
        };
        let ids: Vec<&str> = s
            .members
            .iter()
            .filter(|m| rule_matches(&work, m, &tree))
            .map(|m| m.id.as_str())
            .collect();
        assert_eq!(ids, ["222222222222", "333333333333", "555555555555"]);
    }

    #[test]
    fn every_set_field_must_hold_and_the_first_rule_wins() {
        let s = snapshot();
        let tree = Tree::new(&s.units);
        let sp = spec(json!({
            "accountRef": {"name": "mgmt"},
            "members": [
                {"organizationalUnits": ["/Workloads"], "tags": {"team": "pay"}, "labels": {"tier": "pay"}},
                {"organizationalUnits": ["ou-root-prod0000", "/Sandbox"], "labels": {"tier": "prod"}},
                {"accountIds": ["333333333333"], "labels": {"tier": "dev"}}
            ],
            "exclude": {"accountIds": ["444444444444"]}
        }));
        let rule =
            |id: &str| first_rule(&sp, s.members.iter().find(|m| m.id == id).unwrap(), &tree);
        assert_eq!(rule("222222222222"), Some(0));
        assert_eq!(rule("333333333333"), Some(2));
        assert_eq!(rule("444444444444"), None, "excluded");
        assert_eq!(rule("111111111111"), None);
        assert!(needs_tags(&sp));
        let typo = spec(json!({"accountRef": {"name": "m"},
            "members": [{"organizationalUnits": ["/Workload", "/Sandbox"]}]}));
        assert_eq!(unknown_units(&typo, &tree), ["/Workload"]);
        assert!(!needs_tags(&typo));
    }

    #[test]
    fn members_are_reached_through_the_management_role_and_the_management_account_as_declared() {
        let mgmt = reference(Some("arn:aws:iam::111111111111:role/hub"));
        let a = member_access(&mgmt, "aws", "222222222222", "Baseline", Some("x1".into()))
            .unwrap()
            .unwrap();
        assert_eq!(a.role_arn, "arn:aws:iam::222222222222:role/Baseline");
        assert_eq!(a.external_id.as_deref(), Some("x1"));
        assert_eq!(a.via.len(), 1);
        assert_eq!(a.via[0].role_arn, "arn:aws:iam::111111111111:role/hub");
        assert_eq!(a.via[0].external_id.as_deref(), Some("mgmt-ext"));
        assert_eq!(
            member_access(&mgmt, "aws", "111111111111", "Baseline", None).unwrap(),
            mgmt.assume_role
        );
        let direct = reference(None);
        let a = member_access(
            &direct,
            "aws-us-gov",
            "222222222222",
            DEFAULT_ROLE_NAME,
            None,
        )
        .unwrap()
        .unwrap();
        assert_eq!(
            a.role_arn,
            "arn:aws-us-gov:iam::222222222222:role/OrganizationAccountAccessRole"
        );
        assert!(a.via.is_empty());
        let mut long = mgmt.clone();
        long.assume_role.as_mut().unwrap().via = vec![
            a.via.first().cloned().unwrap_or(RoleHop {
                role_arn: "arn:aws:iam::999999999999:role/a".into(),
                external_id: None,
            });
            3
        ];
        assert!(member_access(&long, "aws", "222222222222", "R", None).is_err());
    }

    fn org_spec() -> AwsOrganizationSpec {
        spec(json!({
            "accountRef": {"name": "mgmt"},
            "defaults": {"regions": ["us-east-1"]},
            "members": [
                {"organizationalUnits": ["/Workloads/Prod"], "labels": {"env": "prod"}},
                {"organizationalUnits": ["/Workloads/Dev"], "labels": {"env": "dev"}, "roleName": "Dev", "regions": ["eu-west-1"]}
            ]
        }))
    }

    #[test]
    fn a_sync_creates_selected_accounts_then_writes_nothing() {
        let s = snapshot();
        let p = plan(
            "org",
            &org_spec(),
            &reference(None),
            &s,
            &[],
            "2026-01-01T00:00:00Z",
        );
        let names: Vec<&str> = p
            .apply
            .iter()
            .map(|a| a.metadata.name.as_deref().unwrap())
            .collect();
        assert_eq!(names, ["org-222222222222", "org-333333333333"]);
        assert_eq!(p.created, ["222222222222", "333333333333"]);
        assert_eq!(
            p.counts,
            MembershipCounts {
                members: 5,
                selected: 2,
                suspended: 1,
                left: 0,
                unselected: 2
            }
        );
        let dev = &p.apply[1];
        let labels = dev.metadata.labels.as_ref().unwrap();
        assert_eq!(labels["env"], "dev");
        assert_eq!(labels[ORGANIZATION_LABEL], "org");
        assert_eq!(labels[ACCOUNT_ID_LABEL], "333333333333");
        assert_eq!(labels[OU_LABEL], "ou-root-dev00000");
        assert_eq!(labels[MEMBERSHIP_LABEL], "Active");
        assert_eq!(
            dev.metadata.annotations.as_ref().unwrap()[OU_PATH_ANNOTATION],
            "/Workloads/Dev"
        );
        assert_eq!(dev.spec.regions, ["eu-west-1"]);
        assert_eq!(
            dev.spec.assume_role.as_ref().unwrap().role_arn,
            "arn:aws:iam::333333333333:role/Dev"
        );
        assert_eq!(p.apply[0].spec.regions, ["us-east-1"]);
        // The cluster now holds them: the next sync writes nothing.
        let again = plan(
            "org",
            &org_spec(),
            &reference(None),
            &s,
            &p.apply,
            "2026-01-01T00:10:00Z",
        );
        assert!(again.apply.is_empty(), "{:?}", again.apply);
        assert!(again.created.is_empty() && again.newly_marked.is_empty());
    }

    #[test]
    fn moved_suspended_and_departed_accounts_are_marked_not_deleted() {
        let mut s = snapshot();
        let first = plan("org", &org_spec(), &reference(None), &s, &[], "t0").apply;
        // 222 moves to Sandbox (no rule), 333 is suspended; a third AwsAccount of the org is for an account that left.
        s.members[1].parent_id = "ou-root-sand0000".into();
        s.members[2].state = MemberState::Suspended;
        let mut left = first[0].clone();
        left.metadata.name = Some("org-666666666666".into());
        left.spec.account_id = "666666666666".into();
        let mut existing = first.clone();
        existing.push(left);
        let p = plan("org", &org_spec(), &reference(None), &s, &existing, "t1");
        assert_eq!(p.apply.len(), 3);
        let memberships: Vec<(&str, &str)> = p
            .marked
            .iter()
            .map(|m| (m.account_id.as_str(), m.membership.as_str()))
            .collect();
        assert_eq!(
            memberships,
            [
                ("222222222222", "Unselected"),
                ("333333333333", "Suspended"),
                ("666666666666", "Left")
            ]
        );
        assert_eq!(p.counts.left, 1);
        for a in &p.apply {
            let labels = a.metadata.labels.as_ref().unwrap();
            assert!(
                !labels.contains_key("env") && !labels.contains_key(OU_LABEL),
                "{labels:?}"
            );
            assert!(a.spec.assume_role.is_some(), "the spec is kept");
            assert!(
                a.metadata.annotations.as_ref().unwrap()[MEMBERSHIP_ANNOTATION].starts_with("t1 ")
            );
        }
        assert_eq!(p.newly_marked.len(), 3);
        // Marked once: the next sync keeps the time and writes nothing.
        let again = plan("org", &org_spec(), &reference(None), &s, &p.apply, "t2");
        assert!(again.apply.is_empty());
        assert!(again.marked.iter().all(|m| m.reason.starts_with("t1 ")));
        // Moving back into a selected OU restores the rule's labels.
        s.members[1].parent_id = "ou-root-prod0000".into();
        let back = plan("org", &org_spec(), &reference(None), &s, &p.apply, "t3");
        let restored = back
            .apply
            .iter()
            .find(|a| a.spec.account_id == "222222222222")
            .unwrap();
        assert_eq!(restored.metadata.labels.as_ref().unwrap()["env"], "prod");
        // A selected account moving between selected OUs is reported as a move, and per OU.
        let mut s2 = snapshot();
        s2.members[1].parent_id = "ou-root-dev00000".into();
        let moved = plan("org", &org_spec(), &reference(None), &s2, &first, "t4");
        assert_eq!(
            moved.moved,
            [(
                "222222222222".to_string(),
                "/Workloads/Prod".to_string(),
                "/Workloads/Dev".to_string()
            )]
        );
        let dev = moved
            .units
            .iter()
            .find(|u| u.path == "/Workloads/Dev")
            .unwrap();
        assert_eq!((dev.accounts, dev.selected), (2, 2));
        let prod = moved
            .units
            .iter()
            .find(|u| u.path == "/Workloads/Prod")
            .unwrap();
        assert_eq!(
            (prod.accounts, prod.selected),
            (1, 0),
            "only the suspended one is left"
        );
        assert!(!restored
            .metadata
            .annotations
            .as_ref()
            .unwrap()
            .contains_key(MEMBERSHIP_ANNOTATION));
    }

    #[test]
    fn an_account_of_the_same_name_not_generated_here_is_left_alone() {
        let s = snapshot();
        let foreign = AwsAccount::new("org-222222222222", reference(None));
        let p = plan("org", &org_spec(), &reference(None), &s, &[foreign], "t");
        assert!(p
            .apply
            .iter()
            .all(|a| a.metadata.name.as_deref() != Some("org-222222222222")));
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].account_id, "222222222222");
    }
}
