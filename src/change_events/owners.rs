//! Which Kubernetes objects own the resource a change event touched: the objects whose reconcile the event starts.
//!
//! Pure: the controller builds one [`Candidate`] per object from its spec and status and gets back the indices of
//! the owners. A false owner costs one extra reconcile (which finds no drift); a missed owner leaves drift to the
//! periodic pass, so the rules lean to over-matching where the event does not say enough.

use super::pattern::{is_account_wide, sections};
use super::ChangeEvent;
use std::collections::BTreeSet;

/// An object that may own what an event touched.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Candidate {
    /// AWS account ID the object manages.
    pub account: String,
    /// Regions the object manages.
    pub regions: Vec<String>,
    /// Spec sections the object declares, no `#phase`, as the operation rows name them (`AccountBaseline`,
    /// `AccountBaseline.cloudTrail`, `MonitoringPolicy`, `MonitoringPolicy.alarms`, `PatchSchedule`, ...).
    pub uses: BTreeSet<String>,
    /// AWS IDs from its status: ARNs, detector IDs, `mw-…`, `pb-…`, names.
    pub ids: Vec<String>,
    /// Name prefixes it owns (`awsbaseline.<ns>.<name>.` and the short `awsbaseline-<hash>-` of a
    /// MonitoringPolicy: `crate::monitoring::prefix` / `short_prefix`).
    pub prefixes: Vec<String>,
}

/// The part of an ARN after its last `/` or `:` (a trailing `:*`, as log group ARNs carry, dropped); `None` for
/// what is not an ARN (a name may hold `/`: log group names do).
fn arn_tail(s: &str) -> Option<&str> {
    let s = s.strip_prefix("arn:")?;
    let s = s.strip_suffix(":*").unwrap_or(s);
    s.rsplit([':', '/']).next()
}

/// True when an identifier from the event names the same resource as an ID from status: equal, or one is an ARN
/// whose last segment is the other.
fn same(ident: &str, id: &str) -> bool {
    ident == id || arn_tail(ident) == Some(id) || arn_tail(id) == Some(ident)
}

/// True when the identifier (or its ARN's last segment) starts with the prefix.
fn prefixed(ident: &str, prefix: &str) -> bool {
    !prefix.is_empty()
        && (ident.starts_with(prefix) || arn_tail(ident).is_some_and(|t| t.starts_with(prefix)))
}

/// Indices (into `candidates`, ascending) of the objects owning what `event` touched. A candidate owns it when:
/// 1. the call succeeded (`errorCode` absent: a failed call changed nothing);
/// 2. it manages the event's account;
/// 3. it manages the event's Region, or the event is account-wide ([`is_account_wide`]: IAM and Budgets events,
///    recorded in us-east-1 only, and the account-level S3 Block Public Access, set through any Region);
/// 4. it declares one of the sections the event can affect ([`sections`]);
/// 5. the event names no resource (an account-level setting), or one identifier names one of its IDs (equal, or
///    as an ARN's last segment either way) or starts with one of its prefixes (also after stripping an ARN).
pub fn owners(event: &ChangeEvent, candidates: &[Candidate]) -> Vec<usize> {
    if event.failed {
        return Vec::new();
    }
    let secs = sections(&event.source, &event.name);
    if secs.is_empty() {
        return Vec::new();
    }
    let account_wide = is_account_wide(&event.source, &event.name);
    candidates
        .iter()
        .enumerate()
        .filter(|(_, c)| {
            c.account == event.account
                && (account_wide || c.regions.contains(&event.region))
                && secs.iter().any(|s| c.uses.contains(*s))
                && (event.identifiers.is_empty()
                    || event.identifiers.iter().any(|i| {
                        c.ids.iter().any(|id| same(i, id))
                            || c.prefixes.iter().any(|p| prefixed(i, p))
                    }))
        })
        .map(|(i, _)| i)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_match_ids_as_names_or_arns_and_prefixes() {
        assert!(same("arn:aws:cloudtrail:us-east-1:1:trail/org", "org"));
        assert!(same("org", "arn:aws:cloudtrail:us-east-1:1:trail/org"));
        assert!(same("mw-0123", "mw-0123"));
        assert!(!same("/aws/x", "x"), "a name with / is not an ARN");
        assert!(same("arn:aws:logs:eu-west-1:1:log-group:app:*", "app"));
        assert!(prefixed("awsbaseline.team.p.cpu", "awsbaseline.team.p."));
        assert!(prefixed(
            "arn:aws:sns:eu-west-1:1:awsbaseline-0123456789-ops",
            "awsbaseline-0123456789-"
        ));
        assert!(!prefixed("anything", ""));
    }
}
