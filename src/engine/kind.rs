//! What the controller and the CLI need to know about a namespaced kind managed in one AwsAccount
//! (PatchSchedule, MonitoringPolicy): one trait, so both front ends share one reconcile and one evaluation.
//! The implementations live in `controller/<kind>.rs`.

use super::status::KindStatus;
use super::{CleanupReport, EngineError, PassReport};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{DeletionPolicy, DriftPolicy, Owner};
use crate::api::Kind;
use crate::aws::AwsFactory;
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
            &self.spec.account_ref.name
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

    /// Name of the AwsAccount (`spec.accountRef.name`).
    fn account_ref(&self) -> &str;
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
