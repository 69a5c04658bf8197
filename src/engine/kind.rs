//! What the controller and the CLI need to know about a namespaced kind managed in one AwsAccount
//! (PatchSchedule, MonitoringPolicy): one trait, so both front ends share one reconcile and one evaluation.
//! The implementations live in `controller/<kind>.rs`.

use super::fleet;
use super::status::KindStatus;
use super::{CleanupReport, EngineError, PassReport};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DeletionPolicy, DriftPolicy, Owner, ReconcileStatus};
use crate::api::fleet::{AccountRecord, AccountRollup};
use crate::api::AwsAccount;
use crate::api::Kind;
use crate::aws::AwsFactory;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use k8s_openapi::NamespaceResourceScope;
use kube::Resource;
use std::collections::BTreeMap;
use std::future::Future;

/// One pass of an object against one account: everything its engine input is built from.
pub struct Pass<'a, K: ManagedKind> {
    /// The object.
    pub obj: &'a K,
    /// How to reach the account.
    pub account: &'a AwsAccountSpec,
    /// Labels of the object's namespace (for `AwsAccount.spec.allowedNamespaces.selector`).
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// Who owns what gets created (`name` is `namespace/name`).
    pub owner: Owner,
    /// The previous status: remembered IDs and ownership.
    pub previous: Option<&'a K::Status>,
    /// Correct or Report.
    pub mode: DriftPolicy,
    /// The time the pass runs at.
    pub now: jiff::Timestamp,
    /// Account-wide reads may come from a snapshot shared with other objects, at most this old
    /// (`aws::snapshots`): set by the controller for a periodic drift check of an object already in sync.
    pub shared_reads: Option<std::time::Duration>,
}

impl<'a, K: ManagedKind> Pass<'a, K> {
    /// Namespace of the object.
    pub fn namespace(&self) -> &'a str {
        self.obj.meta().namespace.as_deref().unwrap_or_default()
    }

    /// Name of the object.
    pub fn name(&self) -> &'a str {
        self.obj.meta().name.as_deref().unwrap_or_default()
    }
}

/// A kind's pass report: the part every kind shares plus what the kind adds.
pub trait KindReport: Default + Send {
    /// The shared part.
    fn pass(&self) -> &PassReport;
    /// The shared part, to change.
    fn pass_mut(&mut self) -> &mut PassReport;
    /// A pass that could not start.
    fn fatal(error: EngineError) -> Self {
        let mut report = Self::default();
        *report.pass_mut() = PassReport::fatal(error);
        report
    }
}

shared_part!(
    KindReport { pass, pass_mut },
    pass: PassReport,
    for super::patch::PatchReport, super::monitoring::MonitoringReport
);

/// The [`ManagedKind`] accessors of a kind whose spec has `accountRef`, `deletionPolicy`, `driftPolicy` and
/// `driftCheckInterval`, and whose status is `status`.
macro_rules! spec_accessors {
    () => {
        fn account_ref(&self) -> &str {
            self.spec.account_name()
        }
        fn deletion_policy(&self) -> $crate::api::common::DeletionPolicy {
            self.spec.deletion_policy
        }
        fn drift_policy(&self) -> $crate::api::common::DriftPolicy {
            self.spec.drift_policy
        }
        fn drift_check_interval(&self) -> Option<&str> {
            self.spec.drift_check_interval.as_deref()
        }
        fn current_status(&self) -> Option<&Self::Status> {
            self.status.as_ref()
        }
        fn account_selector(
            &self,
        ) -> Option<&k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector> {
            self.spec.account_selector.as_ref()
        }
        fn for_account(&self, account: &str, status: Self::Status) -> Self {
            let mut one = self.clone();
            one.spec.account_ref = Some($crate::api::common::AccountRef {
                name: account.to_string(),
            });
            one.spec.account_selector = None;
            one.status = Some(status);
            one
        }
        fn resources(status: &Self::Status) -> Vec<Self::Resources> {
            status.resources.clone()
        }
        fn ledger(status: &Self::Status) -> &[$crate::api::fleet::AccountRecord<Self::Resources>] {
            &status.ledger
        }
        fn single_status(
            common: $crate::api::common::ReconcileStatus,
            resources: Vec<Self::Resources>,
        ) -> Self::Status {
            Self::Status {
                common,
                resources,
                ..Default::default()
            }
        }
        fn fleet_status(
            common: $crate::api::common::ReconcileStatus,
            rollup: $crate::api::fleet::AccountRollup,
            ledger: Vec<$crate::api::fleet::AccountRecord<Self::Resources>>,
        ) -> Self::Status {
            Self::Status {
                common,
                accounts: Some(rollup),
                ledger,
                ..Default::default()
            }
        }
    };
}
pub(crate) use spec_accessors;

/// A namespaced kind whose object is reconciled in the one AwsAccount its `spec.accountRef` names.
pub trait ManagedKind: Kind + Resource<Scope = NamespaceResourceScope> {
    /// The kind's name: metric label, owner tag, CLI result (equals `Resource::kind`).
    const KIND: &'static str;
    /// The status subresource.
    type Status: KindStatus + Default + serde::Serialize + Send + Sync + 'static;
    /// What one pass found and did.
    type Report: KindReport;

    /// What status records of one account's resources (`status.resources[]`).
    type Resources: Clone + std::fmt::Debug + PartialEq + serde::Serialize + Send + Sync + 'static;

    /// Name of the AwsAccount (`spec.accountRef.name`; empty with `accountSelector`).
    fn account_ref(&self) -> &str;
    /// `spec.accountSelector`.
    fn account_selector(&self) -> Option<&LabelSelector>;
    /// This object as if it named `account` in `accountRef`, with `status` as its previous status: one account's
    /// pass of an object with `accountSelector`.
    fn for_account(&self, account: &str, status: Self::Status) -> Self;
    /// `status.resources`.
    fn resources(status: &Self::Status) -> Vec<Self::Resources>;
    /// `status.ledger`.
    fn ledger(status: &Self::Status) -> &[AccountRecord<Self::Resources>];
    /// A single account's status from its shared part and resources.
    fn single_status(common: ReconcileStatus, resources: Vec<Self::Resources>) -> Self::Status;
    /// The status of an object with `accountSelector`.
    fn fleet_status(
        common: ReconcileStatus,
        rollup: AccountRollup,
        ledger: Vec<AccountRecord<Self::Resources>>,
    ) -> Self::Status;
    /// The accounts of a fleet's ledger and the AWS identifiers it records (change events are matched to them).
    fn fleet_accounts(status: &Self::Status) -> (Vec<String>, Vec<String>) {
        let ledger = Self::ledger(status);
        (
            ledger
                .iter()
                .map(|l| l.account.account_id.clone())
                .collect(),
            ledger
                .iter()
                .flat_map(|l| &l.account.owned)
                .filter_map(|c| c.id.clone())
                .collect(),
        )
    }
    /// `spec.deletionPolicy`.
    fn deletion_policy(&self) -> DeletionPolicy;
    /// `spec.driftPolicy`.
    fn drift_policy(&self) -> DriftPolicy;
    /// `spec.driftCheckInterval`.
    fn drift_check_interval(&self) -> Option<&str>;
    /// The status the object carries.
    fn current_status(&self) -> Option<&Self::Status>;
    /// What a change event is matched against: the uses (spec sections) of the components this object declares,
    /// and the prefixes of the AWS names it owns.
    fn watched(&self) -> (Vec<&'static str>, Vec<String>);

    /// Converge (or only report, by `pass.mode`) the object in the account.
    fn run<'a>(
        factory: &'a AwsFactory,
        pass: &'a Pass<'a, Self>,
    ) -> impl Future<Output = Self::Report> + Send + 'a;
    /// Delete what the object created in the account (as its deletion policy says).
    fn cleanup<'a>(
        factory: &'a AwsFactory,
        pass: &'a Pass<'a, Self>,
    ) -> impl Future<Output = Result<CleanupReport, EngineError>> + Send + 'a;
    /// The status after a pass, computed purely from the previous one.
    fn status_after(
        previous: Option<&Self::Status>,
        report: &Self::Report,
        generation: Option<i64>,
        now: &Time,
    ) -> Self::Status;
}

/// What an object with `accountSelector` needs for a pass over its accounts.
pub struct FleetRun<'a, K: ManagedKind> {
    /// The object.
    pub obj: &'a K,
    /// The accounts selected (and admitting the object's namespace), sorted by name.
    pub selected: &'a [&'a AwsAccount],
    /// Labels of the object's namespace.
    pub namespace_labels: &'a BTreeMap<String, String>,
    /// Who owns what gets created (the object, the same in every account).
    pub owner: Owner,
    /// Correct or Report.
    pub mode: DriftPolicy,
    /// Shared account-wide reads, as for one account ([`Pass::shared_reads`]).
    pub shared_reads: Option<std::time::Duration>,
}

/// The object's previous status as one account's pass reads it (from the ledger and the listed drift).
fn previous_in<K: ManagedKind>(obj: &K, account_id: &str) -> K::Status {
    let (common, resources) = match obj.current_status() {
        Some(s) => fleet::previous_for(Some(s.common()), K::ledger(s), account_id),
        None => Default::default(),
    };
    K::single_status(common, resources)
}

/// Run the object in every selected account ([`fleet::ACCOUNT_CONCURRENCY`] at once), each as if its
/// `accountRef` named that account, and merge the results into one status (`fleet::merge`).
pub async fn run_fleet<K: ManagedKind>(
    factory: &AwsFactory,
    run: &FleetRun<'_, K>,
    now: &Time,
) -> (K::Status, fleet::Merged<K::Resources>) {
    let generation = run.obj.meta().generation;
    let members = fleet::each(run.selected, |a| {
        let name = fleet::name_of(a);
        let previous = previous_in(run.obj, &a.spec.account_id);
        let one = run.obj.for_account(&name, previous.clone());
        let owner = run.owner.clone();
        async move {
            let pass = Pass {
                obj: &one,
                account: &a.spec,
                namespace_labels: run.namespace_labels,
                owner,
                previous: one.current_status(),
                mode: run.mode,
                now: now.0,
                shared_reads: run.shared_reads,
            };
            let report = K::run(factory, &pass).await;
            let status = K::status_after(Some(&previous), &report, generation, now);
            fleet::Member {
                name,
                account_id: a.spec.account_id.clone(),
                report: report.pass().clone(),
                status: status.common().clone(),
                resources: K::resources(&status),
            }
        }
    })
    .await;
    let ledger = run.obj.current_status().map(K::ledger).unwrap_or_default();
    let merged = fleet::merge(
        run.obj.current_status().map(KindStatus::common),
        ledger,
        members,
        generation,
        now,
    );
    let status = K::fleet_status(
        merged.common.clone(),
        merged.rollup.clone(),
        merged.ledger.clone(),
    );
    (status, merged)
}

/// Delete what the object created in each of `accounts` (each with what its ledger recorded there), as its
/// deletion policy says; one account's failure does not stop the others.
pub async fn cleanup_fleet<K: ManagedKind>(
    factory: &AwsFactory,
    run: &FleetRun<'_, K>,
) -> CleanupReport {
    fleet::cleanup_each(run.selected, |a| {
        let name = fleet::name_of(a);
        let previous = previous_in(run.obj, &a.spec.account_id);
        let one = run.obj.for_account(&name, previous);
        let owner = run.owner.clone();
        async move {
            let pass = Pass {
                obj: &one,
                account: &a.spec,
                namespace_labels: run.namespace_labels,
                owner,
                previous: one.current_status(),
                mode: DriftPolicy::Correct,
                now: jiff::Timestamp::now(),
                shared_reads: None,
            };
            K::cleanup(factory, &pass).await
        }
    })
    .await
}
