//! An AccountBaseline over its accounts: one account by `accountRef`, or every AwsAccount matching
//! `accountSelector`, reconciled a few at a time, with a per-account rollup in status.

use super::baseline::{self, BaselineInput};
use super::status::{common_status, reason};
use super::{CleanupReport, EngineError, PassReport};
use crate::api::account_baseline::{
    AccountBaselineSpec, AccountBaselineStatus, AccountNotInSync, AccountRollup,
};
use crate::api::aws_account::selector_matches;
use crate::api::common::{
    condition, find_condition, set_condition, DriftPolicy, Owner, ReconcileStatus,
};
use crate::api::AwsAccount;
use crate::aws::AwsFactory;
use futures::{stream, StreamExt};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// Accounts reconciled at once for one selector-based baseline.
pub const ACCOUNT_CONCURRENCY: usize = 4;

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
    let empty = Default::default();
    let mut out: Vec<&AwsAccount> = accounts
        .iter()
        .filter(|a| {
            spec.account_selector
                .as_ref()
                .is_some_and(|s| selector_matches(s, a.metadata.labels.as_ref().unwrap_or(&empty)))
        })
        .collect();
    out.sort_by_key(|a| a.metadata.name.clone());
    Ok(out)
}

fn name_of(a: &AwsAccount) -> String {
    a.metadata.name.clone().unwrap_or_default()
}

/// What the previous status knew about one account (its components and drift).
fn previous_for(previous: Option<&AccountBaselineStatus>, account_id: &str) -> ReconcileStatus {
    let Some(p) = previous else {
        return ReconcileStatus::default();
    };
    ReconcileStatus {
        components: p
            .common
            .components
            .iter()
            .filter(|c| c.account.as_deref() == Some(account_id))
            .cloned()
            .collect(),
        drift: p
            .common
            .drift
            .iter()
            .filter(|d| d.account.as_deref() == Some(account_id))
            .cloned()
            .collect(),
        ..Default::default()
    }
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

    let runs: Vec<_> = selected
        .iter()
        .map(|a| async move {
            let prev = previous_for(previous, &a.spec.account_id);
            let input = BaselineInput {
                spec,
                account: &a.spec,
                owner: owner.clone(),
                previous: &prev.components,
                mode,
            };
            let report = baseline::run(factory, &input).await;
            let status = common_status(Some(&prev), &report, generation, now);
            (name_of(a), a.spec.account_id.clone(), report, status)
        })
        .collect();
    let results = stream::iter(runs)
        .buffered(ACCOUNT_CONCURRENCY)
        .collect::<Vec<_>>()
        .await;
    merge(previous, results, generation, now)
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
        },
        reports: vec![(name, report)],
    }
}

/// The fleet is Stalled while any selected account is: that account will not heal without a person, so a GitOps
/// tool waiting for the whole object should fail now. Reason and message name the first such account.
fn fleet_stalled(
    prev_conditions: &[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition],
    results: &[(String, String, PassReport, ReconcileStatus)],
    generation: Option<i64>,
    now: &Time,
) -> Option<k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition> {
    let stalled: Vec<(
        &str,
        &k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition,
    )> = results
        .iter()
        .filter_map(|(name, _, _, s)| {
            find_condition(&s.conditions, condition::STALLED).map(|c| (name.as_str(), c))
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

fn merge(
    previous: Option<&AccountBaselineStatus>,
    results: Vec<(String, String, PassReport, ReconcileStatus)>,
    generation: Option<i64>,
    now: &Time,
) -> FleetPass {
    let prev_conditions = previous
        .map(|p| p.common.conditions.as_slice())
        .unwrap_or_default();
    let mut rollup = AccountRollup {
        selected: results.len() as u32,
        ..Default::default()
    };
    let mut common = ReconcileStatus {
        observed_generation: generation,
        last_drift_check_time: Some(now.clone()),
        ..Default::default()
    };
    let mut remaining = 0;
    let mut error_category = None;
    let mut regions = Vec::new();
    for (name, account_id, report, status) in &results {
        remaining += report.remaining_drift();
        if error_category.is_none() {
            error_category = report.error_category();
        }
        for r in &report.regions {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        common
            .components
            .extend(status.components.iter().cloned().map(|mut c| {
                c.account = Some(account_id.clone());
                c
            }));
        common
            .drift
            .extend(status.drift.iter().cloned().map(|mut d| {
                d.account = Some(account_id.clone());
                d
            }));
        let ready = find_condition(&status.conditions, condition::READY);
        let synced = find_condition(&status.conditions, condition::SYNCED);
        let failed = synced.is_some_and(|c| c.status != "True");
        let in_sync = ready.is_some_and(|c| c.status == "True");
        if failed {
            rollup.failed += 1;
        } else if in_sync {
            rollup.in_sync += 1;
        } else {
            rollup.drifted += 1;
        }
        if !in_sync || failed {
            let c = if failed { synced } else { ready };
            rollup.not_in_sync.push(AccountNotInSync {
                name: name.clone(),
                account_id: account_id.clone(),
                reason: c.map(|c| c.reason.clone()).unwrap_or_default(),
                message: c.map(|c| c.message.clone()).unwrap_or_default(),
            });
        }
    }
    common.regions = (!regions.is_empty()).then(|| regions.join(","));
    let listing = |v: &[AccountNotInSync]| {
        v.iter()
            .map(|a| format!("{} ({})", a.name, a.reason))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let n = rollup.selected;
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
    } else if rollup.not_in_sync.is_empty() {
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
                "{} of {n} account(s) not in sync: {}",
                rollup.not_in_sync.len(),
                listing(&rollup.not_in_sync)
            ),
            generation,
            now,
        )
    };
    let failed: Vec<AccountNotInSync> = rollup
        .not_in_sync
        .iter()
        .filter(|a| {
            results.iter().any(|(name, _, _, s)| {
                *name == a.name
                    && find_condition(&s.conditions, condition::SYNCED)
                        .is_some_and(|c| c.status != "True")
            })
        })
        .cloned()
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
            format!("failed in: {}", listing(&failed)),
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
        .extend(fleet_stalled(prev_conditions, &results, generation, now));
    FleetPass {
        status: AccountBaselineStatus {
            common,
            accounts: Some(rollup),
        },
        remaining_drift: remaining,
        error_category,
        reports: results
            .into_iter()
            .map(|(name, _, report, _)| (name, report))
            .collect(),
    }
}

/// Clean up in every selected account (each with the ownership its status recorded).
pub async fn cleanup(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    selected: &[&AwsAccount],
    owner: &Owner,
    previous: Option<&AccountBaselineStatus>,
) -> Result<CleanupReport, EngineError> {
    let mut out = CleanupReport::default();
    for a in selected {
        let prev = if spec.account_ref.is_some() {
            previous.map(|p| p.common.clone()).unwrap_or_default()
        } else {
            previous_for(previous, &a.spec.account_id)
        };
        let input = BaselineInput {
            spec,
            account: &a.spec,
            owner: owner.clone(),
            previous: &prev.components,
            mode: DriftPolicy::Correct,
        };
        let prefix = if spec.account_ref.is_some() {
            String::new()
        } else {
            format!("{}: ", name_of(a))
        };
        // One account that cannot be cleaned up does not stop the others: its error is kept (and holds the
        // finalizer) while the rest are cleaned up.
        let r = match baseline::cleanup(factory, &input).await {
            Ok(r) => r,
            Err(e) if spec.account_ref.is_some() => return Err(e),
            Err(EngineError::Aws(mut e)) => {
                e.message = format!("{prefix}{}", e.message);
                out.errors.push(e);
                continue;
            }
            Err(e) => {
                out.errors.push(crate::aws::AwsError::new(
                    "sts",
                    "GetCallerIdentity",
                    crate::aws::ErrorCategory::Unknown,
                    format!("{prefix}{e}"),
                ));
                continue;
            }
        };
        out.actions
            .extend(r.actions.into_iter().map(|x| format!("{prefix}{x}")));
        out.errors.extend(r.errors);
    }
    Ok(out)
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
        let p = previous_for(Some(&prev), "222222222222");
        assert_eq!(p.components.len(), 1);
        assert_eq!(
            p.components[0].ownership,
            crate::api::common::Ownership::Adopted
        );
    }
}
