//! What an AwsAccount's `changeEvents` asks of its account, worked out from every AwsAccount (the hub, the
//! accounts forwarding to it) and run through [`super::change_events`] as one pass: the controller and the CLI
//! (`plan`/`apply`/`check` of an AwsAccount manifest) both call [`pass`] and [`cleanup`].

use super::change_events::{self, Hub, Input};
use super::{CleanupReport, EngineError, PassReport};
use crate::api::aws_account::{AwsAccount, ChangeEventsRole};
use crate::api::common::{ComponentStatus, Owner};
use crate::aws::AwsFactory;

/// Region every account's rule also goes to: IAM and the other global services emit their CloudTrail events
/// there only.
pub const GLOBAL_EVENTS_REGION: &str = "us-east-1";

/// The hub among `accounts`: the oldest AwsAccount declaring `changeEvents.role: Hub` and not being deleted
/// (name breaks ties, e.g. between manifests read from files, which have no creation time).
pub fn hub<'a>(accounts: impl IntoIterator<Item = &'a AwsAccount>) -> Option<&'a AwsAccount> {
    accounts
        .into_iter()
        .filter(|a| {
            a.spec
                .change_events
                .as_ref()
                .is_some_and(|c| c.role == ChangeEventsRole::Hub)
                && a.metadata.deletion_timestamp.is_none()
        })
        .min_by_key(|a| {
            (
                a.metadata.creation_timestamp.clone().map(|t| t.0),
                a.metadata.name.clone(),
            )
        })
}

/// The hub's region: its first region (us-east-1 without one).
pub fn hub_region(hub: &AwsAccount) -> String {
    hub.spec
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| GLOBAL_EVENTS_REGION.into())
}

/// The regions an account's rule goes to: its regions, and us-east-1 for the global services.
pub fn rule_regions(account: &AwsAccount) -> Vec<String> {
    let mut regions = account.spec.regions.clone();
    if !regions.iter().any(|r| r == GLOBAL_EVENTS_REGION) {
        regions.push(GLOBAL_EVENTS_REGION.into());
    }
    regions
}

/// Account IDs whose events the hub receives from other accounts (every AwsAccount with `changeEvents`, the
/// hub's own ID excluded), sorted and unique.
pub fn forwarders(hub: &AwsAccount, accounts: &[AwsAccount]) -> Vec<String> {
    let mut ids: Vec<String> = accounts
        .iter()
        .filter(|a| a.spec.change_events.is_some() && a.metadata.deletion_timestamp.is_none())
        .map(|a| a.spec.account_id.clone())
        .filter(|id| *id != hub.spec.account_id)
        .collect();
    ids.sort();
    ids.dedup();
    ids
}

/// The owner tags of what an AwsAccount creates for its change events.
pub fn owner(account: &AwsAccount) -> Owner {
    let name = account.metadata.name.clone().unwrap_or_default();
    Owner {
        kind: "AwsAccount".into(),
        uid: account
            .metadata
            .uid
            .clone()
            .unwrap_or_else(|| format!("cli-{name}")),
        name,
    }
}

/// One pass over `account`'s change-event components (none without `changeEvents`), `accounts` being every
/// AwsAccount (to find the hub and the forwarding accounts), `previous` the components its status lists (where
/// rules may remain after `regions` shrank). `may_write` false only observes.
pub async fn pass(
    factory: &AwsFactory,
    account: &AwsAccount,
    accounts: &[AwsAccount],
    previous: &[ComponentStatus],
    may_write: bool,
) -> PassReport {
    let Some(declared) = &account.spec.change_events else {
        return PassReport::default();
    };
    let regions = rule_regions(account);
    let hub_account = hub(accounts);
    if declared.role == ChangeEventsRole::Hub
        && hub_account.is_some_and(|h| h.metadata.name != account.metadata.name)
    {
        let other = hub_account
            .and_then(|h| h.metadata.name.clone())
            .unwrap_or_default();
        return PassReport::fatal(EngineError::InvalidSpec(format!(
            "AwsAccount {other} is already the change-events hub (the oldest one is used); set changeEvents.role \
             to Forward here"
        )));
    }
    let hub = hub_account.map(|h| Hub {
        account_id: h.spec.account_id.clone(),
        region: hub_region(h),
    });
    if let (Some(h), None) = (&hub, &declared.forwarding_role_arn) {
        let elsewhere: Vec<&str> = regions
            .iter()
            .map(String::as_str)
            .filter(|r| *r != h.region)
            .collect();
        if !elsewhere.is_empty() {
            return PassReport::fatal(EngineError::InvalidSpec(format!(
                "changeEvents.forwardingRoleArn is required: the rules in {} forward to the hub's event bus in {}, \
                 and EventBridge sends events to another Region only through a role (trusting \
                 events.amazonaws.com, allowed events:PutEvents on arn:aws:events:{}:{}:event-bus/default)",
                elsewhere.join(", "),
                h.region,
                h.region,
                h.account_id
            )));
        }
    }
    let forwarding = match (&hub, hub_account) {
        (Some(h), Some(a)) if h.account_id == account.spec.account_id => forwarders(a, accounts),
        _ => Vec::new(),
    };
    let home = regions.first().cloned().unwrap_or_default();
    let session = match factory.session(&account.spec, &home).await {
        Ok(s) => s,
        Err(e) => return PassReport::fatal(EngineError::Aws(e)),
    };
    // Nothing is written through credentials of another account (as in every kind's pass).
    match session.caller_identity(&home).await {
        Err(e) => return PassReport::fatal(EngineError::Aws(e)),
        Ok((actual, arn)) if actual != account.spec.account_id => {
            return PassReport::fatal(EngineError::AccountMismatch {
                expected: account.spec.account_id.clone(),
                actual,
                arn,
            })
        }
        Ok(_) => {}
    }
    let patterns = crate::change_events::patterns();
    let owner = owner(account);
    let input = Input {
        account_id: &account.spec.account_id,
        role: declared.role,
        regions: regions.clone(),
        hub: hub.as_ref(),
        forwarders: &forwarding,
        forward_role_arn: declared.forwarding_role_arn.as_deref(),
        patterns: &patterns,
        owner: &owner,
        may_write,
        previous,
    };
    PassReport {
        account_id: Some(account.spec.account_id.clone()),
        regions,
        outcomes: change_events::reconcile(&session, &input).await,
        fatal: None,
    }
}

/// Remove what `account`'s change events created (opt-out or deletion): its rules in the rule regions of its
/// spec and in those `previous` (its status components) lists, and where it is or was the hub, the queue and the
/// bus statements.
pub async fn cleanup(
    factory: &AwsFactory,
    account: &AwsAccount,
    previous: &[ComponentStatus],
) -> Result<CleanupReport, EngineError> {
    let all = rule_regions(account);
    let session = factory
        .session(&account.spec, &all[0])
        .await
        .map_err(EngineError::Aws)?;
    let owner = owner(account);
    let role = account
        .spec
        .change_events
        .as_ref()
        .map(|c| c.role)
        .unwrap_or_default();
    let input = Input {
        account_id: &account.spec.account_id,
        role,
        regions: all,
        hub: None,
        forwarders: &[],
        forward_role_arn: None,
        patterns: &[],
        owner: &owner,
        may_write: true,
        previous,
    };
    Ok(change_events::cleanup(&session, &input).await)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::aws_account::{AwsAccountSpec, ChangeEvents};
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

    fn account(name: &str, id: &str, role: Option<ChangeEventsRole>, created: i64) -> AwsAccount {
        let mut a = AwsAccount::new(
            name,
            AwsAccountSpec {
                account_id: id.into(),
                assume_role: None,
                regions: vec!["eu-west-1".into()],
                allowed_namespaces: None,
                passable_roles: vec![],
                change_events: role.map(|role| ChangeEvents {
                    role,
                    forwarding_role_arn: None,
                }),
            },
        );
        a.metadata.creation_timestamp = Some(Time(jiff::Timestamp::from_second(created).unwrap()));
        a
    }

    #[test]
    fn the_oldest_hub_wins_and_forwarders_exclude_it() {
        let all = vec![
            account("b-hub", "111111111111", Some(ChangeEventsRole::Hub), 20),
            account("a-hub", "222222222222", Some(ChangeEventsRole::Hub), 10),
            account("fwd", "333333333333", Some(ChangeEventsRole::Forward), 5),
            account("quiet", "444444444444", None, 1),
        ];
        let h = hub(&all).unwrap();
        assert_eq!(h.metadata.name.as_deref(), Some("a-hub"));
        assert_eq!(
            forwarders(h, &all),
            vec!["111111111111".to_string(), "333333333333".to_string()]
        );
        assert_eq!(hub_region(h), "eu-west-1");
    }

    #[test]
    fn every_account_also_watches_the_global_region() {
        let a = account("fwd", "333333333333", Some(ChangeEventsRole::Forward), 5);
        assert_eq!(rule_regions(&a), vec!["eu-west-1", "us-east-1"]);
    }
}
