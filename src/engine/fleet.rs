//! One object over many accounts: the accounts `accountSelector` picks, a pass in each (a few at a time, each with
//! what the previous status remembers of that account), and a status that stays small however many accounts
//! there are (`crate::api::fleet`). AccountBaseline, MonitoringPolicy and PatchSchedule share this runner; each
//! kind only says how it runs one account.

use super::baseline::{self, BaselineInput};
use super::status::{common_status, reason, EventNote};
use super::{CleanupReport, EngineError, PassReport};
use crate::api::account_baseline::{AccountBaselineSpec, AccountBaselineStatus};
use crate::api::aws_account::selector_matches;
use crate::api::common::{
    condition, find_condition, set_condition, ComponentState, DriftEntry, DriftPolicy, Owner,
    ReconcileStatus,
};
use crate::api::fleet::{
    AccountLedger, AccountNotInSync, AccountRecord, AccountRollup, AccountState, OwnedComponent,
    LISTED_ACCOUNTS,
};
use crate::api::AwsAccount;
use crate::aws::AwsFactory;
use futures::{stream, StreamExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector, Time};
use std::future::Future;

/// Accounts reconciled at once for one object with `accountSelector` (each account's own regions run
/// [`super::REGION_CONCURRENCY`] at once, and its session is cached by the factory, so the next pass assumes no
/// role again).
pub const ACCOUNT_CONCURRENCY: usize = 4;

/// Drift entries kept in status per listed account (the first by component, region and field).
pub const DRIFT_PER_ACCOUNT: usize = 25;

/// The result of a pass over every selected account.
#[derive(Clone, Debug, PartialEq)]
pub struct FleetPass {
    /// The status to write.
    pub status: AccountBaselineStatus,
    /// Drifted settings left in AWS, over all accounts.
    pub remaining_drift: usize,
    /// The most important error category, if any pass failed.
    pub error_category: Option<&'static str>,
    /// Reports per account name (the single-account case has one).
    pub reports: Vec<(String, PassReport)>,
    /// One Event per account whose state changed since the previous status (the per-account detail).
    pub events: Vec<EventNote>,
}

/// The AwsAccounts a baseline applies to, sorted by name. `accountRef` naming a missing account is an error; a
/// selector may match none.
pub fn select<'a>(
    spec: &AccountBaselineSpec,
    accounts: &'a [AwsAccount],
) -> Result<Vec<&'a AwsAccount>, EngineError> {
    if let Some(r) = &spec.account_ref {
        return accounts
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(r.name.as_str()))
            .map(|a| vec![a])
            .ok_or_else(|| EngineError::AccountNotFound(r.name.clone()));
    }
    Ok(matching(spec.account_selector.as_ref(), accounts, |_| true))
}

/// The AwsAccounts whose labels `selector` matches and that `admits` (a namespaced object's tenancy), sorted by
/// name. No selector matches none.
pub fn matching<'a>(
    selector: Option<&LabelSelector>,
    accounts: &'a [AwsAccount],
    admits: impl Fn(&AwsAccount) -> bool,
) -> Vec<&'a AwsAccount> {
    let empty = Default::default();
    let mut out: Vec<&AwsAccount> = accounts
        .iter()
        .filter(|a| {
            selector
                .is_some_and(|s| selector_matches(s, a.metadata.labels.as_ref().unwrap_or(&empty)))
                && admits(a)
        })
        .collect();
    out.sort_by_key(|a| a.metadata.name.clone());
    out
}

/// Name of an AwsAccount.
pub fn name_of(a: &AwsAccount) -> String {
    a.metadata.name.clone().unwrap_or_default()
}

/// What the previous status knew about one account: the owned components of its ledger entry (or, for a status
/// written before the ledger existed, its components with `account` set), its listed drift (so `detectedAt`
/// survives) and the kind's resources.
pub fn previous_for<R: Clone>(
    common: Option<&ReconcileStatus>,
    ledger: &[AccountRecord<R>],
    account_id: &str,
) -> (ReconcileStatus, Vec<R>) {
    let Some(p) = common else {
        return Default::default();
    };
    let entry = ledger.iter().find(|l| l.account.account_id == account_id);
    let components = match entry {
        Some(l) => l
            .account
            .owned
            .iter()
            .map(OwnedComponent::component)
            .collect(),
        None => p
            .components
            .iter()
            .filter(|c| c.account.as_deref() == Some(account_id))
            .map(|c| {
                let mut c = c.clone();
                c.account = None;
                c
            })
            .collect(),
    };
    let status = ReconcileStatus {
        components,
        drift: p
            .drift
            .iter()
            .filter(|d| d.account.as_deref() == Some(account_id))
            .cloned()
            .collect(),
        ..Default::default()
    };
    (
        status,
        entry.map(|l| l.resources.clone()).unwrap_or_default(),
    )
}

/// The baseline ledger as the runner reads it (no per-region resources).
fn records(ledger: &[AccountLedger]) -> Vec<AccountRecord<()>> {
    ledger
        .iter()
        .map(|l| AccountRecord {
            account: l.clone(),
            resources: Vec::new(),
        })
        .collect()
}

/// Run `pass` in every selected account, [`ACCOUNT_CONCURRENCY`] at once, results in the order of `selected`.
pub async fn each<'a, T, F, Fut>(selected: &[&'a AwsAccount], pass: F) -> Vec<T>
where
    F: Fn(&'a AwsAccount) -> Fut,
    Fut: Future<Output = T>,
{
    // The futures are built before the first await, so no closure over a borrowed account is held across one.
    let passes: Vec<Fut> = selected.iter().map(|a| pass(a)).collect();
    stream::iter(passes)
        .buffered(ACCOUNT_CONCURRENCY)
        .collect()
        .await
}

/// One account's pass: its report and the status a single-account object would have got.
#[derive(Clone, Debug)]
pub struct Member<R> {
    /// AwsAccount name.
    pub name: String,
    /// AWS account ID.
    pub account_id: String,
    /// What the pass found and did.
    pub report: PassReport,
    /// The account's own status (computed from its previous one).
    pub status: ReconcileStatus,
    /// The kind's per-region identifiers after the pass.
    pub resources: Vec<R>,
}

/// The merged status of a fleet pass, before it is put in the kind's status.
#[derive(Clone, Debug, PartialEq)]
pub struct Merged<R> {
    /// Conditions, the listed accounts' drift and failing components.
    pub common: ReconcileStatus,
    /// Counts and the first accounts not in sync.
    pub rollup: AccountRollup,
    /// Per-account state and ownership.
    pub ledger: Vec<AccountRecord<R>>,
    /// Drifted settings left in AWS, over all accounts.
    pub remaining_drift: usize,
    /// The most important error category, if any pass failed.
    pub error_category: Option<&'static str>,
    /// Reports per account name.
    pub reports: Vec<(String, PassReport)>,
    /// One Event per account whose state changed.
    pub events: Vec<EventNote>,
}

/// Reconcile the baseline in every selected account and compute the status.
#[allow(clippy::too_many_arguments)]
pub async fn apply(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    selected: Result<Vec<&AwsAccount>, EngineError>,
    owner: &Owner,
    previous: Option<&AccountBaselineStatus>,
    mode: DriftPolicy,
    generation: Option<i64>,
    now: &Time,
) -> FleetPass {
    let selected = match selected {
        Ok(s) => s,
        Err(e) => {
            let report = PassReport::fatal(e);
            return single(previous, report, generation, now, String::new());
        }
    };
    if spec.account_ref.is_some() {
        let account = selected[0];
        let prev_components = previous
            .map(|p| p.common.components.as_slice())
            .unwrap_or_default();
        let input = BaselineInput {
            spec,
            account: &account.spec,
            owner: owner.clone(),
            previous: prev_components,
            mode,
        };
        let report = baseline::run(factory, &input).await;
        return single(previous, report, generation, now, name_of(account));
    }
    let ledger = records(previous.map(|p| p.ledger.as_slice()).unwrap_or_default());
    let members = each(&selected, |a| {
        let (prev, _) = previous_for(previous.map(|p| &p.common), &ledger, &a.spec.account_id);
        async move {
            let input = BaselineInput {
                spec,
                account: &a.spec,
                owner: owner.clone(),
                previous: &prev.components,
                mode,
            };
            let report = baseline::run(factory, &input).await;
            let status = common_status(Some(&prev), &report, generation, now);
            Member {
                name: name_of(a),
                account_id: a.spec.account_id.clone(),
                report,
                status,
                resources: Vec::<()>::new(),
            }
        }
    })
    .await;
    let m = merge(
        previous.map(|p| &p.common),
        &ledger,
        members,
        generation,
        now,
    );
    FleetPass {
        status: AccountBaselineStatus {
            common: m.common,
            accounts: Some(m.rollup),
            ledger: m.ledger.into_iter().map(|r| r.account).collect(),
        },
        remaining_drift: m.remaining_drift,
        error_category: m.error_category,
        reports: m.reports,
        events: m.events,
    }
}

fn single(
    previous: Option<&AccountBaselineStatus>,
    report: PassReport,
    generation: Option<i64>,
    now: &Time,
    name: String,
) -> FleetPass {
    let common = common_status(previous.map(|p| &p.common), &report, generation, now);
    FleetPass {
        remaining_drift: report.remaining_drift(),
        error_category: report.error_category(),
        status: AccountBaselineStatus {
            common,
            accounts: None,
            ledger: Vec::new(),
        },
        reports: vec![(name, report)],
        events: Vec::new(),
    }
}

fn state_of(status: &ReconcileStatus) -> AccountState {
    let ready = find_condition(&status.conditions, condition::READY);
    let synced = find_condition(&status.conditions, condition::SYNCED);
    if synced.is_some_and(|c| c.status != "True") {
        AccountState::Failed
    } else if ready.is_some_and(|c| c.status == "True") {
        AccountState::InSync
    } else {
        AccountState::Drifted
    }
}

/// The fleet is Stalled while any selected account is: that account will not heal without a person, so a GitOps
/// tool waiting for the whole object should fail now. Reason and message name the first such account.
fn fleet_stalled<R>(
    prev_conditions: &[Condition],
    members: &[Member<R>],
    generation: Option<i64>,
    now: &Time,
) -> Option<Condition> {
    let stalled: Vec<(&str, &Condition)> = members
        .iter()
        .filter_map(|m| {
            find_condition(&m.status.conditions, condition::STALLED).map(|c| (m.name.as_str(), c))
        })
        .collect();
    let (first, c) = stalled.first()?;
    Some(set_condition(
        prev_conditions,
        condition::STALLED,
        true,
        &c.reason,
        format!(
            "{} account(s) need a change before they can sync; {first}: {}",
            stalled.len(),
            c.message
        ),
        generation,
        now,
    ))
}

/// Names (with reasons) of the listed accounts, and how many more there are.
fn listing(v: &[&AccountNotInSync], total: usize) -> String {
    let mut s = v
        .iter()
        .take(5)
        .map(|a| format!("{} ({})", a.name, a.reason))
        .collect::<Vec<_>>()
        .join(", ");
    if total > v.len().min(5) {
        s.push_str(&format!(" and {} more", total - v.len().min(5)));
    }
    s
}

/// The Event of an account whose state changed: what a person needs to know about that one account.
fn account_event<R>(m: &Member<R>, state: AccountState) -> EventNote {
    let (warning, reason, what) = match state {
        AccountState::InSync => (false, "AccountInSync", "declared state holds".to_string()),
        AccountState::Drifted => {
            let mut fields: Vec<String> = m
                .status
                .drift
                .iter()
                .map(|d| format!("{}@{}", d.field, d.region))
                .collect();
            let n = fields.len();
            fields.truncate(10);
            let more = if n > 10 {
                format!(" and {} more", n - 10)
            } else {
                String::new()
            };
            (
                true,
                "AccountDrifted",
                format!("{n} setting(s) differ: {}{more}", fields.join(", ")),
            )
        }
        AccountState::Failed => (
            true,
            "AccountFailed",
            find_condition(&m.status.conditions, condition::SYNCED)
                .map(|c| format!("{}: {}", c.reason, c.message))
                .unwrap_or_default(),
        ),
    };
    EventNote {
        warning,
        reason,
        action: "Reconcile",
        note: crate::names::fit(
            &format!("account {} ({}): {what}", m.name, m.account_id),
            1024,
        ),
    }
}

/// Merge the accounts' passes into one status: counts, the first [`LISTED_ACCOUNTS`] accounts not in sync (failed
/// first, then drifted) with their drift and failing components, the ledger of every account, conditions over the
/// whole fleet (Ready only when every account is in sync, Synced when every pass reached AWS, Stalled while any
/// account is), and an Event for each account whose state changed.
pub fn merge<R: Clone>(
    previous: Option<&ReconcileStatus>,
    previous_ledger: &[AccountRecord<R>],
    members: Vec<Member<R>>,
    generation: Option<i64>,
    now: &Time,
) -> Merged<R> {
    let prev_conditions = previous
        .map(|p| p.conditions.as_slice())
        .unwrap_or_default();
    let mut rollup = AccountRollup {
        selected: members.len() as u32,
        ..Default::default()
    };
    let mut common = ReconcileStatus {
        observed_generation: generation,
        last_drift_check_time: Some(now.clone()),
        ..Default::default()
    };
    let mut remaining = 0;
    let mut error_category = None;
    let mut regions: Vec<String> = Vec::new();
    let mut ledger = Vec::with_capacity(members.len());
    let mut events = Vec::new();
    let mut not_in_sync: Vec<(AccountState, AccountNotInSync, usize)> = Vec::new();
    for (i, m) in members.iter().enumerate() {
        remaining += m.report.remaining_drift();
        if error_category.is_none() {
            error_category = m.report.error_category();
        }
        for r in &m.report.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        let state = state_of(&m.status);
        match state {
            AccountState::InSync => rollup.in_sync += 1,
            AccountState::Drifted => rollup.drifted += 1,
            AccountState::Failed => rollup.failed += 1,
        }
        let before = previous_ledger
            .iter()
            .find(|l| l.account.account_id == m.account_id)
            .map(|l| l.account.state);
        if before != Some(state) && !(before.is_none() && state == AccountState::InSync) {
            events.push(account_event(m, state));
        }
        if state != AccountState::InSync {
            let c = find_condition(
                &m.status.conditions,
                if state == AccountState::Failed {
                    condition::SYNCED
                } else {
                    condition::READY
                },
            );
            not_in_sync.push((
                state,
                AccountNotInSync {
                    name: m.name.clone(),
                    account_id: m.account_id.clone(),
                    reason: c.map(|c| c.reason.clone()).unwrap_or_default(),
                    message: c
                        .map(|c| crate::names::fit(&c.message, 512))
                        .unwrap_or_default(),
                },
                i,
            ));
        }
        ledger.push(AccountRecord {
            account: AccountLedger {
                name: m.name.clone(),
                account_id: m.account_id.clone(),
                state,
                owned: m
                    .status
                    .components
                    .iter()
                    .filter_map(OwnedComponent::of)
                    .collect(),
            },
            resources: m.resources.clone(),
        });
    }
    // Failed first, then drifted; each by name (members are sorted by name).
    not_in_sync.sort_by_key(|(s, _, i)| (*s != AccountState::Failed, *i));
    let total_not_in_sync = not_in_sync.len();
    for (_, listed, i) in not_in_sync.iter().take(LISTED_ACCOUNTS) {
        let m = &members[*i];
        common.components.extend(
            m.status
                .components
                .iter()
                .filter(|c| c.state != ComponentState::InSync)
                .cloned()
                .map(|mut c| {
                    c.account = Some(m.account_id.clone());
                    c
                }),
        );
        let mut drift: Vec<DriftEntry> = m.status.drift.clone();
        drift.truncate(DRIFT_PER_ACCOUNT);
        common.drift.extend(drift.into_iter().map(|mut d| {
            d.account = Some(m.account_id.clone());
            d
        }));
        rollup.not_in_sync.push(listed.clone());
    }
    rollup.not_listed = (total_not_in_sync - rollup.not_in_sync.len()) as u32;
    common.regions = (!regions.is_empty()).then(|| regions.join(","));
    let n = rollup.selected;
    let listed: Vec<&AccountNotInSync> = rollup.not_in_sync.iter().collect();
    let ready = if n == 0 {
        set_condition(
            prev_conditions,
            condition::READY,
            false,
            "NoAccountsSelected",
            "accountSelector matches no AwsAccount".into(),
            generation,
            now,
        )
    } else if total_not_in_sync == 0 {
        set_condition(
            prev_conditions,
            condition::READY,
            true,
            reason::IN_SYNC,
            format!("declared state holds in all {n} account(s)"),
            generation,
            now,
        )
    } else {
        set_condition(
            prev_conditions,
            condition::READY,
            false,
            "AccountsNotInSync",
            format!(
                "{total_not_in_sync} of {n} account(s) not in sync: {}",
                listing(&listed, total_not_in_sync)
            ),
            generation,
            now,
        )
    };
    let failed: Vec<&AccountNotInSync> = not_in_sync
        .iter()
        .filter(|(s, _, _)| *s == AccountState::Failed)
        .map(|(_, a, _)| a)
        .collect();
    let synced = if failed.is_empty() {
        set_condition(
            prev_conditions,
            condition::SYNCED,
            true,
            reason::RECONCILED,
            "last pass reached AWS without error in every account".into(),
            generation,
            now,
        )
    } else {
        set_condition(
            prev_conditions,
            condition::SYNCED,
            false,
            error_category.unwrap_or("AwsError"),
            format!("failed in: {}", listing(&failed, failed.len())),
            generation,
            now,
        )
    };
    let drifted = set_condition(
        prev_conditions,
        condition::DRIFTED,
        remaining > 0,
        if remaining > 0 {
            reason::DRIFT_REPORTED
        } else {
            reason::IN_SYNC
        },
        format!("{remaining} setting(s) differ from the spec over {n} account(s)"),
        generation,
        now,
    );
    common.conditions = vec![ready, synced, drifted];
    common
        .conditions
        .extend(fleet_stalled(prev_conditions, &members, generation, now));
    Merged {
        common,
        rollup,
        ledger,
        remaining_drift: remaining,
        error_category,
        reports: members.into_iter().map(|m| (m.name, m.report)).collect(),
        events,
    }
}

/// Every account's components and drift from a fleet pass's reports, each naming its account: the full detail the
/// capped status leaves out, for the CLI's `plan`/`check` output (not bounded by an object size limit).
pub fn detail(reports: &[(String, PassReport)], now: &Time) -> ReconcileStatus {
    let mut out = ReconcileStatus::default();
    for (name, report) in reports {
        let account = report.account_id.clone().unwrap_or_else(|| name.clone());
        let s = common_status(None, report, None, now);
        out.components.extend(s.components.into_iter().map(|mut c| {
            c.account = Some(account.clone());
            c
        }));
        out.drift.extend(s.drift.into_iter().map(|mut d| {
            d.account = Some(account.clone());
            d
        }));
    }
    out
}

/// Clean up in every selected account (each with the ownership its ledger recorded).
pub async fn cleanup(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    selected: &[&AwsAccount],
    owner: &Owner,
    previous: Option<&AccountBaselineStatus>,
) -> Result<CleanupReport, EngineError> {
    if spec.account_ref.is_some() {
        let prev = previous.map(|p| p.common.clone()).unwrap_or_default();
        let mut out = CleanupReport::default();
        for a in selected {
            let r = clean_baseline(factory, spec, a, owner, prev.clone()).await?;
            out.actions.extend(r.actions);
            out.errors.extend(r.errors);
        }
        return Ok(out);
    }
    let ledger = records(previous.map(|p| p.ledger.as_slice()).unwrap_or_default());
    Ok(cleanup_each(selected, |a| {
        let prev = previous_for(previous.map(|p| &p.common), &ledger, &a.spec.account_id).0;
        clean_baseline(factory, spec, a, owner, prev)
    })
    .await)
}

async fn clean_baseline(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    account: &AwsAccount,
    owner: &Owner,
    previous: ReconcileStatus,
) -> Result<CleanupReport, EngineError> {
    let input = BaselineInput {
        spec,
        account: &account.spec,
        owner: owner.clone(),
        previous: &previous.components,
        mode: DriftPolicy::Correct,
    };
    baseline::cleanup(factory, &input).await
}

/// A deletion pass in every selected account, one after the other, each action and error prefixed with the
/// account's name. One account that cannot be cleaned up does not stop the others: its error is kept (and holds
/// the finalizer) while the rest are cleaned up.
pub async fn cleanup_each<'a, F, Fut>(selected: &[&'a AwsAccount], clean: F) -> CleanupReport
where
    F: Fn(&'a AwsAccount) -> Fut,
    Fut: Future<Output = Result<CleanupReport, EngineError>>,
{
    let mut out = CleanupReport::default();
    for a in selected {
        let prefix = format!("{}: ", name_of(a));
        match clean(a).await {
            Ok(r) => {
                out.actions
                    .extend(r.actions.into_iter().map(|x| format!("{prefix}{x}")));
                out.errors.extend(r.errors.into_iter().map(|mut e| {
                    e.message = format!("{prefix}{}", e.message);
                    e
                }));
            }
            Err(EngineError::Aws(mut e)) => {
                e.message = format!("{prefix}{}", e.message);
                out.errors.push(e);
            }
            Err(e) => out.errors.push(crate::aws::AwsError::new(
                "sts",
                "GetCallerIdentity",
                crate::aws::ErrorCategory::Unknown,
                format!("{prefix}{e}"),
            )),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn account(name: &str, id: &str, labels: serde_json::Value) -> AwsAccount {
        serde_json::from_value(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": name, "labels": labels},
            "spec": {"accountId": id, "regions": ["us-east-1"]}}),
        )
        .unwrap()
    }

    fn spec(v: serde_json::Value) -> AccountBaselineSpec {
        let mut base = json!({"passwordPolicy": {}});
        for (k, x) in v.as_object().unwrap() {
            base[k] = x.clone();
        }
        serde_json::from_value(base).unwrap()
    }

    #[test]
    fn selection_by_ref_or_labels() {
        let accounts = vec![
            account("prod-b", "222222222222", json!({"env": "prod"})),
            account("prod-a", "111111111111", json!({"env": "prod"})),
            account("dev", "333333333333", json!({"env": "dev"})),
        ];
        let by_ref = spec(json!({"accountRef": {"name": "dev"}}));
        assert_eq!(select(&by_ref, &accounts).unwrap().len(), 1);
        let missing = spec(json!({"accountRef": {"name": "nope"}}));
        assert_eq!(
            select(&missing, &accounts).unwrap_err(),
            EngineError::AccountNotFound("nope".into())
        );
        let prod = spec(json!({"accountSelector": {"matchLabels": {"env": "prod"}}}));
        let names: Vec<String> = select(&prod, &accounts)
            .unwrap()
            .iter()
            .map(|a| name_of(a))
            .collect();
        assert_eq!(names, vec!["prod-a", "prod-b"]);
        let all = spec(json!({"accountSelector": {}}));
        assert_eq!(select(&all, &accounts).unwrap().len(), 3);
    }

    #[test]
    fn previous_is_split_by_account() {
        let prev: AccountBaselineStatus = serde_json::from_value(json!({
            "components": [
                {"component": "passwordPolicy", "account": "111111111111", "region": "us-east-1", "state": "InSync", "ownership": "Created"},
                {"component": "passwordPolicy", "account": "222222222222", "region": "us-east-1", "state": "InSync", "ownership": "Adopted"}
            ]
        }))
        .unwrap();
        // A status written before the ledger existed: components carry their account.
        let (p, _) = previous_for::<()>(Some(&prev.common), &[], "222222222222");
        assert_eq!(p.components.len(), 1);
        assert_eq!(p.components[0].account, None);
        assert_eq!(
            p.components[0].ownership,
            crate::api::common::Ownership::Adopted
        );
    }

    fn t(s: &str) -> Time {
        Time(s.parse().unwrap())
    }

    /// One synthetic account's pass: `components` created components in two regions (with ARNs), `drift` drifted
    /// settings, or a fatal AssumeRole refusal.
    fn member(i: usize, components: usize, drift: usize, failed: bool) -> Member<()> {
        use crate::api::common::{ComponentStatus, DriftAction, Ownership};
        let id = format!("{:012}", 100_000_000_000usize + i);
        let now = t("2026-11-23T10:00:00Z");
        let mut report = PassReport {
            account_id: Some(id.clone()),
            regions: vec!["us-east-1".into(), "eu-west-1".into()],
            ..Default::default()
        };
        if failed {
            report.fatal = Some(EngineError::Aws(crate::aws::AwsError::new(
                "sts",
                "AssumeRole",
                crate::aws::ErrorCategory::AssumeRoleDenied,
                format!("AssumeRole of arn:aws:iam::{id}:role/baseline refused (AccessDenied)"),
            )));
        } else {
            for c in 0..drift {
                report.outcomes.push(crate::engine::ComponentOutcome {
                    component: "guardDuty",
                    region: "us-east-1".into(),
                    state: ComponentState::Drifted,
                    ownership: Ownership::Adopted,
                    id: None,
                    drift: vec![crate::diff::FieldDrift {
                        field: format!("guardDuty.features.FEATURE_{c}"),
                        desired: "ENABLED".into(),
                        actual: "DISABLED".into(),
                    }],
                    action: DriftAction::Reported,
                    error: None,
                    message: None,
                    operator_disabled_controls: vec![],
                    operator_enabled: vec![],
                });
            }
        }
        let mut status = common_status(None, &report, Some(1), &now);
        if !failed {
            status.components = (0..components)
                .map(|c| ComponentStatus {
                    component: format!("section{c}"),
                    account: None,
                    region: if c % 2 == 0 { "us-east-1" } else { "eu-west-1" }.into(),
                    state: ComponentState::InSync,
                    ownership: Ownership::Created,
                    id: Some(format!(
                        "arn:aws:cloudtrail:us-east-1:{id}:trail/org-audit-trail-{c}"
                    )),
                    drifted_fields: 0,
                    message: None,
                    operator_disabled_controls: vec![],
                    operator_enabled: vec![],
                })
                .collect();
        }
        Member {
            name: format!("account-{i:03}"),
            account_id: id,
            report,
            status,
            resources: vec![],
        }
    }

    #[test]
    fn status_over_500_accounts_stays_small_and_lists_failed_first() {
        // 500 accounts, 8 created components each; 50 drifted with 30 settings each, 30 failed.
        let members: Vec<Member<()>> = (0..500)
            .map(|i| member(i, 8, if (100..150).contains(&i) { 30 } else { 0 }, i >= 470))
            .collect();
        let now = t("2026-11-23T10:00:00Z");
        let m = merge(None, &[], members, Some(1), &now);
        let r = &m.rollup;
        assert_eq!(
            (r.selected, r.in_sync, r.drifted, r.failed),
            (500, 420, 50, 30)
        );
        assert_eq!(r.not_in_sync.len(), LISTED_ACCOUNTS);
        assert_eq!(r.not_listed, 60);
        // Failed first (all 20 listed are failed ones, by name), then the drifted would follow.
        assert!(r.not_in_sync.iter().all(|a| a.reason == "AssumeRoleDenied"));
        assert_eq!(r.not_in_sync[0].name, "account-470");
        // Components and drift only for the listed accounts; none for the 420 in sync.
        let listed: Vec<&str> = r
            .not_in_sync
            .iter()
            .map(|a| a.account_id.as_str())
            .collect();
        assert!(m
            .common
            .components
            .iter()
            .chain([].iter())
            .all(|c| listed.contains(&c.account.as_deref().unwrap_or_default())));
        assert!(m.common.drift.len() <= LISTED_ACCOUNTS * DRIFT_PER_ACCOUNT);
        // The ledger keeps every account's ownership.
        assert_eq!(m.ledger.len(), 500);
        assert_eq!(m.ledger[0].account.owned.len(), 8);
        let status = AccountBaselineStatus {
            common: m.common,
            accounts: Some(m.rollup),
            ledger: m.ledger.into_iter().map(|r| r.account).collect(),
        };
        let bytes = serde_json::to_vec(&status).unwrap().len();
        // etcd's limit is 1.5 MiB: 500 accounts with 8 created components (a 70-character ARN each) stay under 40%
        // of it, about 1.1 KiB per account, all of it the ledger (what deletion and adoption decide by).
        assert!(bytes < 600 * 1024, "{bytes} bytes");
        let listed_part = bytes - serde_json::to_vec(&status.ledger).unwrap().len();
        assert!(
            listed_part < 64 * 1024,
            "{listed_part} bytes outside the ledger"
        );
    }

    #[test]
    fn drifted_accounts_are_listed_with_their_drift_when_none_failed() {
        let members: Vec<Member<()>> = (0..30)
            .map(|i| member(i, 2, if i < 25 { 40 } else { 0 }, false))
            .collect();
        let m = merge(None, &[], members, Some(1), &t("2026-11-23T10:00:00Z"));
        assert_eq!(m.rollup.not_in_sync.len(), 20);
        assert_eq!(m.rollup.not_listed, 5);
        assert_eq!(m.rollup.not_in_sync[0].reason, "DriftReported");
        // 25 of each listed account's 40 drift entries.
        assert_eq!(m.common.drift.len(), 20 * DRIFT_PER_ACCOUNT);
        let ready = find_condition(&m.common.conditions, condition::READY).unwrap();
        assert!(
            ready
                .message
                .starts_with("25 of 30 account(s) not in sync: account-000 (DriftReported)"),
            "{}",
            ready.message
        );
        assert!(ready.message.ends_with("and 20 more"), "{}", ready.message);
        assert_eq!(m.remaining_drift, 25 * 40);
    }

    #[test]
    fn an_event_per_account_only_when_its_state_changes_and_a_failed_account_keeps_its_ledger() {
        let now = t("2026-11-23T10:00:00Z");
        let first = merge(
            None,
            &[],
            vec![member(0, 3, 0, false), member(1, 3, 2, false)],
            Some(1),
            &now,
        );
        // A new account in sync is no news; a new drifted one is.
        let reasons: Vec<&str> = first.events.iter().map(|e| e.reason).collect();
        assert_eq!(reasons, vec!["AccountDrifted"]);
        assert!(first.events[0].note.contains("account-001 (100000000001): 2 setting(s) differ: guardDuty.features.FEATURE_0@us-east-1"), "{}", first.events[0].note);
        let prev = AccountBaselineStatus {
            common: first.common.clone(),
            accounts: Some(first.rollup.clone()),
            ledger: first.ledger.iter().map(|r| r.account.clone()).collect(),
        };
        // The same state again: no events.
        let again = merge(
            Some(&prev.common),
            &first.ledger,
            vec![member(0, 3, 0, false), member(1, 3, 2, false)],
            Some(1),
            &now,
        );
        assert!(again.events.is_empty());
        // Account 0 now refuses AssumeRole: its pass starts from the ledger's components and, failing, keeps them.
        let (p0, _) = previous_for(Some(&prev.common), &first.ledger, "100000000000");
        assert_eq!(p0.components.len(), 3);
        let mut failed = member(0, 0, 0, true);
        failed.status = common_status(Some(&p0), &failed.report, Some(1), &now);
        let third = merge(
            Some(&prev.common),
            &first.ledger,
            vec![failed, member(1, 3, 0, false)],
            Some(1),
            &now,
        );
        let reasons: Vec<&str> = third.events.iter().map(|e| e.reason).collect();
        assert_eq!(reasons, vec!["AccountFailed", "AccountInSync"]);
        assert_eq!(third.ledger[0].account.state, AccountState::Failed);
        assert_eq!(third.ledger[0].account.owned.len(), 3);
        let stalled = find_condition(&third.common.conditions, condition::STALLED).unwrap();
        assert_eq!(stalled.reason, "AssumeRoleDenied");
    }
}
