//! What a set of manifests (or the whole operator) uses: the sections their objects declare, with phases, and the
//! roles they pass or assume.

use super::{operations, CORRECT, DELETE};
use crate::api::common::{DeletionPolicy, DriftPolicy};
use crate::aws::operation::SectionUsage;
use crate::manifests::Manifests;
use std::collections::{BTreeMap, BTreeSet};

/// True when a namespaced object using AwsAccount `account` may pass `role`: the operator refuses any other
/// (`passableRoles`), so the policy does not grant it either (a note says so). An account missing from the
/// manifests cannot be checked here; its roles are granted as named.
fn passable(m: &Manifests, account: &str, role: &str, notes: &mut Vec<String>) -> bool {
    // The operator's own roles (`createRole`) are not the tenant's choice (the engine checks the one whose policy
    // follows the spec).
    if role == crate::engine::role::ARN_PATTERN {
        return true;
    }
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
        for r in operations() {
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

    /// The uses of a namespaced object (`kind` using AwsAccount `account`) in its phases (`correct`, `delete`):
    /// the kind and its components' uses; when it may write, the roles they pass that the account lets it pass.
    fn declare_namespaced(
        &mut self,
        m: &Manifests,
        kind: &'static str,
        account: &str,
        used: impl Iterator<Item = SectionUsage>,
        (correct, delete): (bool, bool),
    ) {
        let mut secs = vec![kind];
        for used in used {
            secs.extend(used.uses);
            if correct {
                for (principal, role) in &used.passes {
                    if passable(m, account, role, &mut self.notes) {
                        self.pass(principal, role);
                    }
                }
            }
        }
        self.declare(&secs, correct, delete);
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
            // Change events: every AwsAccount that declares them has its rules; the hub also its queue and bus
            // policy. An AwsAccount always corrects, and its deletion removes them.
            if let Some(ce) = &a.spec.change_events {
                let mut secs = vec!["AwsAccount.changeEvents"];
                if ce.role == crate::api::aws_account::ChangeEventsRole::Hub {
                    secs.push("AwsAccount.changeEvents.hub");
                }
                u.declare(&secs, !read_only, !read_only);
                if let Some(role) = ce.forwarding_role_arn.as_ref().filter(|_| !read_only) {
                    u.pass(crate::aws::operation::EVENTS_PRINCIPAL, role);
                }
            }
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
        // An AwsOrganization reads Organizations through its accountRef (the management or delegated-administrator
        // account); the member AwsAccounts it generates are not in the files.
        if !m.organizations.is_empty() {
            u.declare(&["AwsOrganization"], false, false);
        }
        for o in &m.organizations {
            let name = o.metadata.name.clone().unwrap_or_default();
            u.notes.push(format!(
                "AwsOrganization {name}: the Organizations read actions are needed by AwsAccount {}'s identity; the member AwsAccounts it generates assume their roles through it (not in the files)",
                o.spec.account_ref.name
            ));
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
        let phases = |drift, deletion| {
            (
                !read_only && drift == DriftPolicy::Correct,
                !read_only && deletion == DeletionPolicy::Delete,
            )
        };
        for b in &m.baselines {
            let s = &b.spec;
            let (correct, delete) = phases(s.drift_policy, s.deletion_policy);
            let mut secs = vec!["AccountBaseline"];
            for section in crate::engine::baseline::SECTIONS {
                let Some(used) = (section.usage)(s) else {
                    continue;
                };
                secs.extend(used.uses);
                if correct {
                    for (principal, role) in &used.passes {
                        u.pass(principal, role);
                    }
                }
            }
            u.declare(&secs, correct, delete);
        }
        for p in &m.schedules {
            let s = &p.spec;
            let used = crate::engine::patch::COMPONENTS.iter();
            let used = used.filter_map(|c| (c.usage)(s));
            let phases = phases(s.drift_policy, s.deletion_policy);
            for account in namespaced_accounts(
                m,
                p.metadata.namespace.as_deref(),
                &s.account_ref,
                &s.account_selector,
            ) {
                u.declare_namespaced(m, "PatchSchedule", &account, used.clone(), phases);
            }
        }
        for p in &m.monitoring {
            let s = &p.spec;
            let used = crate::engine::monitoring::COMPONENTS.iter();
            let used = used.filter_map(|c| (c.usage)(s));
            let phases = phases(s.drift_policy, s.deletion_policy);
            for account in namespaced_accounts(
                m,
                p.metadata.namespace.as_deref(),
                &s.account_ref,
                &s.account_selector,
            ) {
                u.declare_namespaced(m, "MonitoringPolicy", &account, used.clone(), phases);
            }
        }
        u
    }
}

/// The AwsAccounts of the manifests a namespaced object applies to: the one `accountRef` names, or those its
/// `accountSelector` matches that admit its namespace (files carry no namespace labels: a label selector in
/// `allowedNamespaces` matches none).
fn namespaced_accounts(
    m: &Manifests,
    namespace: Option<&str>,
    account_ref: &Option<crate::api::common::AccountRef>,
    selector: &Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>,
) -> Vec<String> {
    if let Some(r) = account_ref {
        return vec![r.name.clone()];
    }
    let no_labels = Default::default();
    m.accounts
        .iter()
        .filter(|a| {
            selector.as_ref().is_some_and(|s| {
                crate::api::aws_account::selector_matches(
                    s,
                    a.metadata.labels.as_ref().unwrap_or(&no_labels),
                )
            }) && a.spec.allows(namespace.unwrap_or_default(), &no_labels)
        })
        .filter_map(|a| a.metadata.name.clone())
        .collect()
}
