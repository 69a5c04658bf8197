//! One pass over an AccountBaseline: account-wide components in the home region, regional components fanned
//! out over the listed regions (bounded), each component isolated so one failure never blocks the others.
//!
//! Every spec section is one [`Section`] entry of [`SECTIONS`], declared in the file that reconciles it: its
//! components, how it runs (log buckets first, then account-wide in the home region, and in every region), how
//! it is cleaned up, and which IAM uses a manifest declaring it makes (`crate::iam_policy`). A new section is one
//! file and one line in [`SECTIONS`].

use super::{
    resolve_regions, verify_account, CleanupReport, ComponentOutcome, EngineError, PassReport,
    REGION_CONCURRENCY,
};
use crate::api::account_baseline::AccountBaselineSpec;
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{ComponentStatus, DeletionPolicy, DriftPolicy, Owner, Ownership};
use crate::aws::{AccountSession, AwsError, AwsFactory};
use futures::future::BoxFuture;
use futures::{stream, StreamExt};

pub mod access_analyzer;
mod access_logs;
pub mod backup;
pub mod budgets;
mod cloudtrail;
mod config;
mod ebs;
mod flowlogs;
mod guardduty;
mod inspector;
mod log_bucket;
mod organization;
mod password_policy;
mod public_access_block;
mod root;
pub mod security_hub;
mod session_manager;
mod ssm_inventory;
pub mod trusted_advisor;

/// Every AccountBaseline section, in the order they run (within each phase) and are cleaned up.
pub const SECTIONS: &[Section] = &[
    cloudtrail::SECTION,
    password_policy::SECTION,
    public_access_block::SECTION,
    root::SECTION,
    budgets::SECTION,
    guardduty::SECTION,
    ebs::SECTION,
    session_manager::SECTION,
    ssm_inventory::SECTION,
    inspector::SECTION,
    config::SECTION,
    flowlogs::SECTION,
    access_analyzer::SECTION,
    security_hub::SECTION,
    backup::SECTION,
    trusted_advisor::SECTION,
    organization::SECTION,
    // After cloudTrail and config: its log buckets are made ready after theirs (a bucket may be shared, and the
    // trail's bucket may be a logged source), and each merges only its own statements into a shared policy.
    access_logs::SECTION,
];

/// Reconciles a section's components in one region; empty when the spec does not declare the section.
pub type RunFn = for<'a> fn(&'a Ctx<'a>, &'a str) -> BoxFuture<'a, Vec<ComponentOutcome>>;

/// Checks over all regions of the pass, after it.
pub type AfterFn = for<'a> fn(&'a Ctx<'a>, &'a [String]) -> Vec<ComponentOutcome>;

/// Undoes what a section created (under `deletionPolicy: Delete`): one entry per action taken or error met.
pub type CleanupFn =
    for<'a> fn(&'a Cleanup<'a>) -> BoxFuture<'a, Vec<Result<Option<String>, AwsError>>>;

/// One AccountBaseline spec section: what it reports, how it runs and is cleaned up, what it needs from IAM.
#[derive(Clone, Copy)]
pub struct Section {
    /// The spec field (`guardDuty`).
    pub name: &'static str,
    /// The components it reports in status (drift entries and the controls table use these names).
    pub components: &'static [&'static str],
    /// Every IAM use it can make (`AccountBaseline.guardDuty`, conditions like
    /// `AccountBaseline.cloudTrail.s3.createBucket`): the section strings the operations' uses refer to.
    pub iam: &'static [&'static str],
    /// The IAM uses a spec makes of this section (`None` when the spec does not declare it).
    pub usage: fn(&AccountBaselineSpec) -> Option<SectionUsage>,
    /// Log buckets, before anything else runs (other components deliver into them); home region.
    pub buckets: Option<RunFn>,
    /// Account-wide components, once per pass in the home region.
    pub account: Option<RunFn>,
    /// Regional components, in every region of the pass.
    pub regional: Option<RunFn>,
    /// Checks over all regions after the pass (their outcomes come last).
    pub after: Option<AfterFn>,
    /// Deletion under `deletionPolicy: Delete`.
    pub cleanup: CleanupFn,
}

impl std::fmt::Debug for Section {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Section").field("name", &self.name).finish()
    }
}

pub use crate::aws::operation::SectionUsage;

/// Every component an AccountBaseline can report.
pub fn components() -> impl Iterator<Item = &'static str> {
    SECTIONS.iter().flat_map(|s| s.components.iter().copied())
}

/// Everything one pass needs besides AWS.
#[derive(Clone, Debug)]
pub struct BaselineInput<'a> {
    /// The spec.
    pub spec: &'a AccountBaselineSpec,
    /// How to reach the account.
    pub account: &'a AwsAccountSpec,
    /// Who owns what gets created.
    pub owner: Owner,
    /// Components from the previous status (ownership of untaggable settings is remembered there).
    pub previous: &'a [ComponentStatus],
    /// Correct or Report (the CLI's `plan`/`check` force Report).
    pub mode: DriftPolicy,
}

/// What a section's pass works with: the verified account session and the input.
pub struct Ctx<'a> {
    session: AccountSession,
    account_id: String,
    /// Home region (account-wide settings, AWS Config global resource types).
    home: String,
    input: &'a BaselineInput<'a>,
}

impl Ctx<'_> {
    fn may_write(&self) -> bool {
        self.input.mode == DriftPolicy::Correct
    }

    fn previous_ownership(&self, component: &str, region: &str) -> Option<Ownership> {
        self.input
            .previous
            .iter()
            .find(|c| c.component == component && c.region == region)
            .map(|c| c.ownership)
    }

    /// The resources the previous status recorded as turned on by this baseline (`operatorEnabled`).
    fn previous_enabled(&self, component: &str, region: &str) -> Vec<String> {
        self.input
            .previous
            .iter()
            .find(|c| c.component == component && c.region == region)
            .map(|c| c.operator_enabled.clone())
            .unwrap_or_default()
    }

    fn previous_id(&self, component: &str, region: &str) -> Option<&str> {
        previous_id(self.input.previous, component, region)
    }
}

/// What a section's cleanup works with.
pub struct Cleanup<'a> {
    session: AccountSession,
    account_id: String,
    /// Home region first.
    regions: Vec<String>,
    input: &'a BaselineInput<'a>,
}

impl Cleanup<'_> {
    fn home(&self) -> &str {
        &self.regions[0]
    }

    fn owner(&self) -> &Owner {
        &self.input.owner
    }

    /// The previous status recorded `component` in `region` as created by this baseline.
    fn created(&self, component: &str, region: &str) -> bool {
        self.input.previous.iter().any(|c| {
            c.component == component && c.region == region && c.ownership == Ownership::Created
        })
    }
}

/// The AWS identifier the previous status recorded for a component in a region.
fn previous_id<'a>(
    previous: &'a [ComponentStatus],
    component: &str,
    region: &str,
) -> Option<&'a str> {
    previous
        .iter()
        .find(|c| c.component == component && c.region == region)
        .and_then(|c| c.id.as_deref())
}

/// Resolve and verify the account, then reconcile every declared section.
pub async fn run(factory: &AwsFactory, input: &BaselineInput<'_>) -> PassReport {
    let regions = match resolve_regions(&input.spec.regions, &input.account.regions) {
        Ok(r) => r,
        Err(e) => return PassReport::fatal(e),
    };
    let home = regions[0].clone();
    let session = match verify_account(factory, input.account, &home, &input.owner).await {
        Ok(s) => s,
        Err(e) => {
            return PassReport {
                regions,
                ..PassReport::fatal(e)
            }
        }
    };
    let spec = input.spec.for_account(&input.account.account_id, &home);
    let input = &BaselineInput {
        spec: &spec,
        ..input.clone()
    };
    let ctx = Ctx {
        session,
        account_id: input.account.account_id.clone(),
        home: home.clone(),
        input,
    };

    // Buckets first: the trail and the Config delivery channels (in every region) need theirs to exist.
    let mut buckets = Vec::new();
    for f in SECTIONS.iter().filter_map(|s| s.buckets) {
        buckets.extend(f(&ctx, &home).await);
    }
    let global = async {
        let mut out = Vec::new();
        for f in SECTIONS.iter().filter_map(|s| s.account) {
            out.extend(f(&ctx, &home).await);
        }
        crate::progress::finished(&ctx.account_id, &out);
        out
    };
    // Futures are built eagerly (not in a stream closure) so the pass stays `Send` for the controller.
    let per_region: Vec<_> = regions
        .iter()
        .map(|region| async {
            let mut done = Vec::new();
            for f in SECTIONS.iter().filter_map(|s| s.regional) {
                done.extend(f(&ctx, region).await);
            }
            crate::progress::finished(&ctx.account_id, &done);
            done
        })
        .collect();
    let regional = stream::iter(per_region)
        .buffered(REGION_CONCURRENCY)
        .collect::<Vec<_>>();
    let (global, per_region) = futures::join!(global, regional);
    let mut outcomes = buckets;
    outcomes.extend(global);
    outcomes.extend(per_region.into_iter().flatten());
    for f in SECTIONS.iter().filter_map(|s| s.after) {
        outcomes.extend(f(&ctx, &regions));
    }
    PassReport {
        account_id: Some(ctx.account_id.clone()),
        regions,
        outcomes,
        fatal: None,
    }
}

/// Undo what the operator did, following `deletionPolicy`. Never deletes what it did not create (trail and
/// detector ownership is proven by tags; untaggable settings by the ownership recorded in status).
pub async fn cleanup(
    factory: &AwsFactory,
    input: &BaselineInput<'_>,
) -> Result<CleanupReport, EngineError> {
    let mut report = CleanupReport::default();
    if input.spec.deletion_policy == DeletionPolicy::Retain {
        report
            .actions
            .push("deletionPolicy Retain: AWS resources left in place".into());
        return Ok(report);
    }
    let regions = super::cleanup_regions(&input.spec.regions, &input.account.regions, []);
    if regions.is_empty() {
        return Ok(super::nothing_to_delete());
    }
    let session = verify_account(factory, input.account, &regions[0], &input.owner).await?;
    let spec = input
        .spec
        .for_account(&input.account.account_id, &regions[0]);
    let input = &BaselineInput {
        spec: &spec,
        ..input.clone()
    };
    let ctx = Cleanup {
        session,
        account_id: input.account.account_id.clone(),
        regions,
        input,
    };
    for s in SECTIONS {
        for r in (s.cleanup)(&ctx).await {
            report.record(r);
        }
    }
    Ok(report)
}

/// Ownership of a component holding several tagged resources (analyzers, budgets): `declared_ours` says, for each
/// declared resource that exists, whether its tags prove this owner created it. One adopted resource makes the
/// component adopted.
pub(crate) fn tagged_ownership(declared_ours: &[bool], created_now: bool) -> Ownership {
    if declared_ours.iter().any(|ours| !ours) {
        Ownership::Adopted
    } else if !declared_ours.is_empty() || created_now {
        Ownership::Created
    } else {
        Ownership::None
    }
}

/// Ownership of settings that cannot carry tags: remembered from the pass that created them.
fn sticky_ownership(previous: Option<Ownership>, absent_before: bool, wrote: bool) -> Ownership {
    match previous {
        Some(Ownership::Created) => Ownership::Created,
        Some(Ownership::Adopted) if !absent_before => Ownership::Adopted,
        _ if absent_before && wrote => Ownership::Created,
        _ if absent_before => Ownership::None,
        _ => Ownership::Adopted,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn untaggable_ownership_is_sticky() {
        assert_eq!(sticky_ownership(None, true, true), Ownership::Created);
        assert_eq!(
            sticky_ownership(Some(Ownership::Created), false, false),
            Ownership::Created
        );
        assert_eq!(sticky_ownership(None, false, true), Ownership::Adopted);
        assert_eq!(sticky_ownership(None, true, false), Ownership::None);
        assert_eq!(
            sticky_ownership(Some(Ownership::Adopted), false, true),
            Ownership::Adopted
        );
    }

    #[test]
    fn sections_are_unique_and_name_their_iam_uses() {
        let mut names = BTreeSet::new();
        let mut components = BTreeSet::new();
        for s in SECTIONS {
            assert!(names.insert(s.name), "section {} twice", s.name);
            for c in s.components {
                assert!(components.insert(*c), "component {c} in two sections");
            }
            let own = format!("AccountBaseline.{}", s.name);
            assert_eq!(s.iam.first(), Some(&own.as_str()), "{}", s.name);
            for u in s.iam {
                assert!(
                    *u == own || u.starts_with(&format!("{own}.")),
                    "{}: {u}",
                    s.name
                );
            }
        }
        // A spec without sections uses none.
        let empty: AccountBaselineSpec =
            serde_json::from_value(serde_json::json!({"accountRef": {"name": "a"}})).unwrap();
        assert!(SECTIONS.iter().all(|s| (s.usage)(&empty).is_none()));
    }

    /// A spec declaring every section (both flow-log destinations across the two) makes every IAM use the sections
    /// declare, and only those.
    #[test]
    fn usage_names_only_and_all_declared_iam_uses() {
        let spec = |flow: serde_json::Value, cw: serde_json::Value| -> AccountBaselineSpec {
            serde_json::from_value(serde_json::json!({
                "accountRef": {"name": "a"},
                "cloudTrail": {"name": "t", "s3": {"bucketName": "b", "createBucket": true},
                    "cloudWatchLogs": cw},
                "guardDuty": {}, "passwordPolicy": {}, "s3BlockPublicAccess": {},
                "ebsEncryptionByDefault": {"kmsKeyId": "alias/k"}, "rootAccount": {},
                "inspector": {"scanTypes": {"ec2": true}}, "accessAnalyzer": {"analyzers": [{"name": "x", "type": "ACCOUNT"}]},
                "budgets": [{"name": "b", "budgetType": "COST", "limit": {"amount": "1", "unit": "USD"}}],
                "sessionManager": {},
                "ssmInventory": {"resourceDataSync": {"name": "inv", "bucketName": "inv-bucket", "bucketRegion": "us-east-1"},
                    "defaultHostManagement": {"roleArn": "arn:aws:iam::1:role/dhmc"}},
                "config": {"deliveryChannel": {"s3BucketName": "c", "createBucket": true}, "recorder": {"createRole": true},
                    "rules": [{"name": "r", "sourceIdentifier": "X", "remediation": {"documentName": "D", "resourceIdParameter": "P"}}]},
                "vpcFlowLogs": flow,
                "securityHub": {"findingAggregator": {"region": "us-east-1"}},
                "trustedAdvisor": {"checks": [{"name": "rootAccountMfa"}]},
                "accessLogs": {"buckets": [{"name": "src", "targetBucket": "logs"}],
                    "loadBalancers": [{"name": "lb", "bucket": "logs"}]},
                "backup": {"vaults": [{"name": "v1"}], "jobFailureNotifications": {"topic": "ops"}},
                "organization": {"delegatedAdministrators": {"guardDuty": "111111111111"},
                    "autoEnable": {"securityHub": true},
                    "configAggregator": {"name": "org", "roleArn": "arn:aws:iam::1:role/agg"}}
            }))
            .unwrap()
        };
        let specs = [
            spec(
                serde_json::json!({"s3": {"bucketArn": "arn:aws:s3:::f"}}),
                serde_json::json!({"logGroupArn": "arn:aws:logs:us-east-1:1:log-group:t:*", "roleArn": "arn:aws:iam::1:role/t"}),
            ),
            spec(
                serde_json::json!({"cloudWatchLogs": {"logGroupName": "/f", "createRole": true}}),
                serde_json::json!({"logGroupArn": "arn:aws:logs:us-east-1:1:log-group:t:*", "createRole": true,
                    "createLogGroup": {"retentionInDays": 365}}),
            ),
        ];
        for s in SECTIONS {
            let mut used = BTreeSet::new();
            for spec in &specs {
                let u = (s.usage)(spec).unwrap_or_else(|| panic!("{} not declared", s.name));
                for x in u.uses {
                    assert!(s.iam.contains(&x), "{}: {x} is not in its iam list", s.name);
                    used.insert(x);
                }
            }
            let unused: Vec<_> = s.iam.iter().filter(|x| !used.contains(*x)).collect();
            assert!(unused.is_empty(), "{}: never used {unused:?}", s.name);
        }
    }

    /// Every prefix of the controls table names a component of some section (or of a PatchSchedule).
    #[test]
    fn controls_name_known_components() {
        for (prefix, _) in crate::baseline::controls::CONTROLS {
            let component = prefix.split('.').next().unwrap();
            assert!(
                components().any(|c| c == component)
                    || crate::patching::COMPONENTS.contains(&component),
                "unknown component {component}"
            );
        }
    }
}
