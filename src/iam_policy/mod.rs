//! The least-privilege IAM policy the operator needs: `aws-baseline-operator iam-policy [-f PATHS]`.
//!
//! The rows are declared by the service modules next to their calls (`OPERATIONS` in `src/aws/<service>.rs`, or
//! in each file of a service directory such as `src/aws/ssm/`, listed in [`crate::aws::MODULES`]; see
//! [`crate::aws::operation`]): one row per AWS operation, with the IAM permissions that operation needs and the
//! spec sections whose reconciliation calls it. `tests/aws_operations.rs` fails when a module calls an operation
//! it has no row for, or keeps a row for one it no longer calls.
//!
//! A *use* names a spec section (or a condition on one), optionally with a phase:
//! - `AccountBaseline.guardDuty`: whenever the section is declared (observing it; `plan` and `check` too);
//! - `AccountBaseline.guardDuty#correct`: only when the object may write, i.e. `driftPolicy: Correct`;
//! - `AccountBaseline.guardDuty#delete`: only when the object is deleted with `deletionPolicy: Delete`.
//!
//! Without manifests every use counts (everything the operator can call); with manifests only the uses their
//! objects make, and `iam:PassRole` / `sts:AssumeRole` are limited to the role ARNs the manifests name.

mod document;
mod usage;

pub use crate::aws::operation::{
    Grant, Operation, Perm, ACCESS_ANALYZER_PRINCIPAL, CLOUDTRAIL_PRINCIPAL, CONFIG_PRINCIPAL,
    CONFIG_SERVICE_LINKED_ROLE, EKS_POD_IDENTITY_PRINCIPAL, EVENTS_PRINCIPAL, GUARDDUTY_PRINCIPAL,
    INSPECTOR_PRINCIPAL, SECURITY_HUB_PRINCIPAL, SSM_PRINCIPAL, VPC_FLOW_LOGS_PRINCIPAL,
};
pub use document::{policy, PolicyDocument, Resource, Statement};
pub use usage::Usage;

use crate::manifests;
use std::path::PathBuf;

/// Every operation the service modules call: the rows the policy is built from.
pub fn operations() -> impl Iterator<Item = &'static Operation> {
    crate::aws::operation::all()
}

/// The kinds a use may name; their sections (or conditions) are declared by AccountBaseline's sections
/// (`crate::engine::baseline::SECTIONS`), MonitoringPolicy's components (`crate::engine::monitoring::COMPONENTS`)
/// and PatchSchedule's (`crate::engine::patch::COMPONENTS`).
const KINDS: &[&str] = &[
    "AwsAccount",
    "AwsOrganization",
    "AccountBaseline",
    "PatchSchedule",
    "MonitoringPolicy",
];

/// Every section (or condition) a use may name; a phase suffix `#correct` / `#delete` may follow.
pub fn sections() -> Vec<&'static str> {
    let baseline = crate::engine::baseline::SECTIONS.iter().flat_map(|s| s.iam);
    let monitoring = crate::engine::monitoring::COMPONENTS
        .iter()
        .flat_map(|c| c.iam);
    let patch = crate::engine::patch::COMPONENTS.iter().flat_map(|c| c.iam);
    KINDS
        .iter()
        .chain(crate::engine::change_events::IAM)
        .chain(baseline)
        .chain(monitoring)
        .chain(patch)
        .copied()
        .collect()
}

/// Phase suffix: the object may write (`driftPolicy: Correct`).
pub const CORRECT: &str = "#correct";
/// Phase suffix: the object's deletion removes what it created (`deletionPolicy: Delete`).
pub const DELETE: &str = "#delete";

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
            && m.organizations.is_empty()
            && m.baselines.is_empty()
            && m.schedules.is_empty()
            && m.monitoring.is_empty()
        {
            return Err(format!(
                "no AwsAccount, AwsOrganization, AccountBaseline or PatchSchedule found in {:?}",
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
    use super::document::display;
    use super::*;
    use std::collections::BTreeSet;

    fn section_of(u: &str) -> (&str, &str) {
        match u.split_once('#') {
            Some((s, phase)) => (s, phase),
            None => (u, ""),
        }
    }

    #[test]
    fn rows_are_well_formed() {
        for r in operations() {
            assert!(!r.uses.is_empty(), "{}: no uses", r.operation);
            for p in r.perms {
                match p.grant {
                    Grant::Action(a) | Grant::On(a, _) => {
                        if let Grant::On(_, resource) = p.grant {
                            assert!(resource.starts_with("arn:aws:"), "{resource}");
                        }
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
        let sections = sections();
        let mut seen = BTreeSet::new();
        for r in operations() {
            for u in r.uses.iter().chain(r.perms.iter().flat_map(|p| p.only)) {
                let (s, phase) = section_of(u);
                assert!(
                    sections.contains(&s),
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
        let unused: Vec<_> = sections.iter().filter(|s| !seen.contains(*s)).collect();
        assert!(unused.is_empty(), "sections no row uses: {unused:?}");
    }

    #[test]
    fn mutating_operations_only_run_in_correct_or_delete_phases() {
        for r in operations() {
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
        for r in operations() {
            for p in r.perms {
                let a = match p.grant {
                    Grant::Action(a) | Grant::On(a, _) => a,
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
        assert_eq!(
            super::document::resource_sid("arn:aws:events:*:*:rule/awsbaseline-change-events*"),
            "RuleAwsbaselineChangeEvents"
        );
    }
}
