//! The pipeline shared by the controller and the CLI:
//! resolve account -> desired (pure) -> observe (AWS reads) -> diff (pure) -> act -> status (pure).
//! This module holds what every kind's engine uses (outcomes and reports, `Settle`, `failed`, `verify_account`,
//! the cleanup gates); it imports no kind.

/// `impl $trait for` each type: access to the part `$field: $part` that every kind's type shares.
macro_rules! shared_part {
    ($trait:ident { $get:ident, $get_mut:ident }, $field:ident: $part:ty, for $($t:ty),*) => {$(
        impl $trait for $t {
            fn $get(&self) -> &$part {
                &self.$field
            }
            fn $get_mut(&mut self) -> &mut $part {
                &mut self.$field
            }
        }
    )*};
}

pub mod account_events;
pub mod baseline;
pub mod change_events;
mod cleanup;
pub mod fleet;
pub mod kind;
pub mod monitoring;
pub mod organization;
pub mod patch;
pub mod role;
pub mod status;

use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{ComponentState, DriftAction, OperatorDisabledControl, Owner, Ownership};
use crate::aws::{AccountSession, AwsError, AwsFactory};
use crate::diff::FieldDrift;

/// How many regions are reconciled at once for one resource.
pub const REGION_CONCURRENCY: usize = 4;

/// Why a whole pass could not run.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum EngineError {
    /// The referenced AwsAccount does not exist.
    #[error("AwsAccount {0:?} not found")]
    AccountNotFound(String),
    /// Neither the resource nor its AwsAccount lists a region.
    #[error("no regions: set spec.regions or the AwsAccount's regions")]
    NoRegions,
    /// The spec names a role its AwsAccount does not let namespaced objects pass; no AWS call was made.
    #[error(
        "role {role} is not in AwsAccount {account}'s spec.passableRoles; no AWS call was made"
    )]
    RoleNotAllowed {
        /// The role ARN.
        role: String,
        /// AwsAccount name.
        account: String,
    },
    /// A region of the spec or the AwsAccount is not an AWS region; nothing was read or written.
    #[error("{0}")]
    UnknownRegion(String),
    /// The credentials belong to another account; nothing was read or written.
    #[error("credentials resolve to account {actual} ({arn}), but the AwsAccount declares {expected}; nothing was written")]
    AccountMismatch {
        /// Declared account.
        expected: String,
        /// Account STS returned.
        actual: String,
        /// Caller ARN STS returned.
        arn: String,
    },
    /// The spec is invalid in a way the CRD schema cannot express; nothing was read or written.
    #[error("{0}")]
    InvalidSpec(String),
    /// The object's namespace may not use the AwsAccount; nothing was read or written.
    #[error("AwsAccount {account} does not allow namespace {namespace} (spec.allowedNamespaces); no AWS call was made")]
    AccountNotAllowed {
        /// AwsAccount name.
        account: String,
        /// Namespace of the object.
        namespace: String,
    },
    /// Credentials or identity could not be resolved.
    #[error("{0}")]
    Aws(#[from] AwsError),
}

impl EngineError {
    /// Fixed CamelCase category for conditions and metrics.
    pub fn category(&self) -> &'static str {
        match self {
            Self::AccountNotFound(_) => "AccountNotFound",
            Self::NoRegions | Self::InvalidSpec(_) => "InvalidSpec",
            Self::AccountMismatch { .. } => "AccountMismatch",
            Self::UnknownRegion(_) => "UnknownRegion",
            Self::RoleNotAllowed { .. } => "RoleNotAllowed",
            Self::AccountNotAllowed { .. } => "AccountNotAllowed",
            Self::Aws(e) => e.category.as_str(),
        }
    }

    /// Worth retrying without a change.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::Aws(e) if e.category.is_retryable())
    }
}

/// What the pass did with one component in one region.
#[derive(Clone, Debug, PartialEq)]
pub struct ComponentOutcome {
    /// Component name.
    pub component: &'static str,
    /// Region.
    pub region: String,
    /// Resulting state.
    pub state: ComponentState,
    /// Created by us or adopted.
    pub ownership: Ownership,
    /// AWS identifier.
    pub id: Option<String>,
    /// Drift found.
    pub drift: Vec<FieldDrift>,
    /// What was done about the drift.
    pub action: DriftAction,
    /// Error that stopped this component.
    pub error: Option<AwsError>,
    /// Extra detail (adoption).
    pub message: Option<String>,
    /// Security Hub controls this baseline disabled (kept in status, see [`OperatorDisabledControl`]).
    pub operator_disabled_controls: Vec<OperatorDisabledControl>,
    /// Resources whose setting this baseline turned on itself (access logging), kept in status: deletion under
    /// `deletionPolicy: Delete` turns off only these.
    pub operator_enabled: Vec<String>,
}

impl ComponentOutcome {
    /// The component's line in status (`status.components[]`; the account is set by a fleet's rollup).
    pub fn summary(&self) -> crate::api::common::ComponentStatus {
        crate::api::common::ComponentStatus {
            component: self.component.to_string(),
            account: None,
            region: self.region.clone(),
            state: self.state,
            ownership: self.ownership,
            id: self.id.clone(),
            drifted_fields: self.drift.len() as u32,
            message: self.message.clone(),
            operator_disabled_controls: self.operator_disabled_controls.clone(),
            operator_enabled: self.operator_enabled.clone(),
        }
    }

    /// Drift that is still in AWS after the pass.
    pub fn remaining_drift(&self) -> usize {
        if self.action == DriftAction::Corrected {
            0
        } else {
            self.drift.len()
        }
    }
}

/// One component in one region once its drift is known and the writes (if any) ran; [`Settle::outcome`] turns
/// it into the [`ComponentOutcome`]. Call sites name every field, so what they pass reads at the call.
pub(crate) struct Settle<'a> {
    /// Component name.
    pub component: &'static str,
    /// Region.
    pub region: &'a str,
    /// Drift found before writing.
    pub drift: Vec<FieldDrift>,
    /// Result of the writes that ran; `None` when none ran (report-only, or nothing to correct).
    pub writes: Option<Result<(), AwsError>>,
    /// The writes created the resource (state `Created`) rather than corrected one that existed (`Corrected`).
    pub created: bool,
    /// Created by us or adopted.
    pub ownership: Ownership,
    /// AWS identifier.
    pub id: Option<String>,
}

impl Settle<'_> {
    /// The outcome: state and action follow from the drift and the writes' result.
    pub(crate) fn outcome(self) -> ComponentOutcome {
        let Settle {
            component,
            region,
            drift,
            writes,
            created,
            ownership,
            id,
        } = self;
        let (state, action, error) = match (drift.is_empty(), writes) {
            (true, _) => (ComponentState::InSync, DriftAction::Reported, None),
            (false, None) => (ComponentState::Drifted, DriftAction::Reported, None),
            (false, Some(Ok(()))) if created => {
                (ComponentState::Created, DriftAction::Corrected, None)
            }
            (false, Some(Ok(()))) => (ComponentState::Corrected, DriftAction::Corrected, None),
            (false, Some(Err(e))) => (ComponentState::Error, DriftAction::Failed, Some(e)),
        };
        let message = match (&error, ownership) {
            (Some(e), _) => Some(e.to_string()),
            (None, Ownership::Adopted) => {
                Some("existed before the operator; adopted (never deleted)".into())
            }
            _ => None,
        };
        ComponentOutcome {
            component,
            region: region.to_string(),
            state,
            ownership,
            id,
            drift,
            action,
            error,
            message,
            operator_disabled_controls: Vec::new(),
            operator_enabled: Vec::new(),
        }
    }
}

/// A component that stopped at error `e` before its drift was known.
pub(crate) fn failed(
    component: &'static str,
    region: &str,
    ownership: Ownership,
    e: AwsError,
) -> ComponentOutcome {
    ComponentOutcome {
        component,
        region: region.to_string(),
        state: ComponentState::Error,
        ownership,
        id: None,
        drift: vec![],
        action: DriftAction::Reported,
        message: Some(e.to_string()),
        error: Some(e),
        operator_disabled_controls: Vec::new(),
        operator_enabled: Vec::new(),
    }
}

/// Result of one pass over a resource.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PassReport {
    /// Account the pass ran against (after identity verification).
    pub account_id: Option<String>,
    /// Resolved regions, home first.
    pub regions: Vec<String>,
    /// One entry per component and region.
    pub outcomes: Vec<ComponentOutcome>,
    /// Set when the pass could not run at all.
    pub fatal: Option<EngineError>,
}

impl PassReport {
    /// A pass that stopped before touching any component.
    pub fn fatal(err: EngineError) -> Self {
        Self {
            fatal: Some(err),
            ..Default::default()
        }
    }

    /// Number of drifted settings still in AWS.
    pub fn remaining_drift(&self) -> usize {
        self.outcomes
            .iter()
            .map(ComponentOutcome::remaining_drift)
            .sum()
    }

    /// Every component error.
    pub fn errors(&self) -> impl Iterator<Item = &ComponentOutcome> {
        self.outcomes.iter().filter(|o| o.error.is_some())
    }

    /// The most important error category of the pass, if any.
    pub fn error_category(&self) -> Option<&'static str> {
        if let Some(f) = &self.fatal {
            return Some(f.category());
        }
        self.errors()
            .filter_map(|o| o.error.as_ref())
            .map(|e| e.category)
            .min_by_key(|c| c.is_retryable())
            .map(|c| c.as_str())
    }

    /// True when every error is retryable (throttling / transient).
    pub fn only_retryable_errors(&self) -> bool {
        match &self.fatal {
            Some(f) => f.is_retryable(),
            None => self
                .errors()
                .all(|o| o.error.as_ref().is_some_and(|e| e.category.is_retryable())),
        }
    }
}

/// What a deletion pass did.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CleanupReport {
    /// Human-readable actions, e.g. `deleted trail org-trail`.
    pub actions: Vec<String>,
    /// Errors; the finalizer stays while any remain.
    pub errors: Vec<AwsError>,
}

impl CleanupReport {
    /// Add one deletion's result: an action, nothing (already gone) or an error.
    pub(crate) fn record(&mut self, result: Result<Option<String>, AwsError>) {
        match result {
            Ok(Some(a)) => self.actions.push(a),
            Ok(None) => {}
            Err(e) => self.errors.push(e),
        }
    }
}

/// What every namespaced kind checks before a cleanup touches AWS: `Retain` leaves everything in place, and so does
/// a namespace that may no longer use its AwsAccount (deleting through it would break tenancy). `Some` = stop here
/// with this report.
pub fn cleanup_gate(
    deletion_policy: crate::api::common::DeletionPolicy,
    account: &crate::api::aws_account::AwsAccountSpec,
    account_name: &str,
    namespace: &str,
    namespace_labels: &std::collections::BTreeMap<String, String>,
) -> Option<CleanupReport> {
    let action = if deletion_policy == crate::api::common::DeletionPolicy::Retain {
        "deletionPolicy Retain: AWS resources left in place".to_string()
    } else if !account.allows(namespace, namespace_labels) {
        format!(
            "namespace {namespace} may no longer use AwsAccount {account_name}: AWS resources left in place"
        )
    } else {
        return None;
    };
    Some(CleanupReport {
        actions: vec![action],
        errors: vec![],
    })
}

/// Regions a deletion pass visits: [`resolve_regions`] plus the `recorded` ones status still holds (regions
/// since removed from the spec), without the ones no pass ever reached (unknown regions, none at all), so a spec
/// that never worked cannot hold its finalizer. Empty = nothing to delete.
pub fn cleanup_regions<'a>(
    own: &'a [String],
    account: &'a [String],
    recorded: impl IntoIterator<Item = &'a String>,
) -> Vec<String> {
    let src = if own.is_empty() { account } else { own };
    let mut out: Vec<String> = Vec::new();
    for r in src.iter().chain(recorded) {
        if crate::aws::regions::is_known(r) && !out.contains(r) {
            out.push(r.clone());
        }
    }
    out
}

/// The first of `roles` the account does not let namespaced objects pass, as the error that stops the pass.
pub fn check_passable<'a>(
    account: &crate::api::aws_account::AwsAccountSpec,
    account_name: &str,
    roles: impl IntoIterator<Item = &'a String>,
) -> Result<(), EngineError> {
    match roles.into_iter().find(|r| !account.may_pass(r)) {
        Some(role) => Err(EngineError::RoleNotAllowed {
            role: role.clone(),
            account: account_name.to_string(),
        }),
        None => Ok(()),
    }
}

/// Build (or reuse) the session and prove with STS GetCallerIdentity that it is the declared account. The owner
/// tags the assumed-role session when the AwsAccount asks for session tags.
pub async fn verify_account(
    factory: &AwsFactory,
    account: &AwsAccountSpec,
    home: &str,
    owner: &Owner,
) -> Result<AccountSession, EngineError> {
    let tags = vec![
        ("awsbaseline.io/kind".to_string(), owner.kind.clone()),
        ("awsbaseline.io/owner".to_string(), owner.name_tag()),
    ];
    let session = factory.session_for(account, home, &tags).await?;
    let (actual, arn) = session
        .caller_identity(home)
        .await
        .map_err(|e| name_the_role(e, account))?;
    if actual != account.account_id {
        return Err(EngineError::AccountMismatch {
            expected: account.account_id.clone(),
            actual,
            arn,
        });
    }
    Ok(session)
}

/// A refused AssumeRole names the role it was for, so the message says what to fix.
pub fn name_the_role(
    mut e: crate::aws::AwsError,
    account: &AwsAccountSpec,
) -> crate::aws::AwsError {
    if let (crate::aws::ErrorCategory::AssumeRoleDenied, Some(role)) =
        (e.category, &account.assume_role)
    {
        e.message =
            e.message
                .replacen("AssumeRole", &format!("AssumeRole of {}", role.role_arn), 1);
    }
    e
}

/// What a pass does about a region its status records but its spec no longer lists.
pub(crate) enum RemovedRegion {
    /// `deletionPolicy: Retain`: left in place and forgotten.
    Retained,
    /// `driftPolicy: Report`: shown as drift; the region stays in status.
    Reported(Box<ComponentOutcome>),
    /// Cleaned up like a deleted object; the region leaves status.
    Cleaned,
    /// Cleanup failed: one failed outcome per error; the region stays in status so the next pass tries again.
    Failed(Vec<ComponentOutcome>),
}

/// Handle one region removed from the spec: what the object created there is deleted as on deletion (`cleanup`,
/// by tags), following `deletionPolicy`, or reported under `driftPolicy: Report`. `component` and `id` name what
/// the outcome is reported against.
pub(crate) async fn removed_region<Fut>(
    region: &str,
    policy: crate::api::common::DeletionPolicy,
    may_write: bool,
    component: &'static str,
    id: Option<String>,
    cleanup: impl FnOnce() -> Fut,
) -> RemovedRegion
where
    Fut: std::future::Future<Output = CleanupReport>,
{
    if policy == crate::api::common::DeletionPolicy::Retain {
        tracing::info!(
            region,
            "region removed from the spec; deletionPolicy Retain leaves its resources"
        );
        return RemovedRegion::Retained;
    }
    if !may_write {
        return RemovedRegion::Reported(Box::new(ComponentOutcome {
            component,
            region: region.to_string(),
            state: ComponentState::Drifted,
            ownership: Ownership::Created,
            id,
            drift: vec![FieldDrift {
                field: "region.exists".into(),
                desired: serde_json::Value::Bool(false),
                actual: serde_json::Value::Bool(true),
            }],
            action: DriftAction::Reported,
            error: None,
            message: Some("region removed from the spec".into()),
            operator_disabled_controls: Vec::new(),
            operator_enabled: Vec::new(),
        }));
    }
    let done = cleanup().await;
    if done.errors.is_empty() {
        tracing::info!(region, actions = ?done.actions, "region removed from the spec: cleaned up");
        return RemovedRegion::Cleaned;
    }
    RemovedRegion::Failed(
        done.errors
            .into_iter()
            .map(|e| failed(component, region, Ownership::Created, e))
            .collect(),
    )
}

/// A namespaced kind's deletion pass over its regions: [`cleanup_regions`] (spec or account regions plus the
/// `recorded` ones), the account verified once, then `clean_region` for each, reports merged.
pub(crate) async fn cleanup_each_region<'a, F, Fut>(
    factory: &crate::aws::AwsFactory,
    account: &'a crate::api::aws_account::AwsAccountSpec,
    owner: &crate::api::common::Owner,
    own: &'a [String],
    recorded: impl IntoIterator<Item = &'a String>,
    clean_region: F,
) -> Result<CleanupReport, EngineError>
where
    F: Fn(crate::aws::AccountSession, String) -> Fut,
    Fut: std::future::Future<Output = CleanupReport>,
{
    let regions = cleanup_regions(own, &account.regions, recorded);
    if regions.is_empty() {
        return Ok(nothing_to_delete());
    }
    let session = verify_account(factory, account, &regions[0], owner).await?;
    let mut report = CleanupReport::default();
    for r in regions {
        let part = clean_region(session.clone(), r).await;
        report.actions.extend(part.actions);
        report.errors.extend(part.errors);
    }
    Ok(report)
}

/// The report of a deletion pass with no region to visit.
pub fn nothing_to_delete() -> CleanupReport {
    CleanupReport {
        actions: vec![
            "no known region: the operator never created anything, nothing to delete".into(),
        ],
        errors: vec![],
    }
}

/// Regions for a resource: its own, else the account's; de-duplicated, order kept (first = home region). A region
/// that is not an AWS region stops the pass before any call.
pub fn resolve_regions(own: &[String], account: &[String]) -> Result<Vec<String>, EngineError> {
    let src = if own.is_empty() { account } else { own };
    let mut out: Vec<String> = Vec::new();
    for r in src {
        crate::aws::regions::check(r).map_err(EngineError::UnknownRegion)?;
        if !out.contains(r) {
            out.push(r.clone());
        }
    }
    if out.is_empty() {
        Err(EngineError::NoRegions)
    } else {
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settle_maps_drift_and_execution_to_state() {
        let d = vec![FieldDrift {
            field: "x.a".into(),
            desired: true.into(),
            actual: false.into(),
        }];
        // Nothing written, created by us: the base every case below changes.
        let reported = |drift| Settle {
            component: "x",
            region: "r",
            drift,
            writes: None,
            created: false,
            ownership: Ownership::Created,
            id: None,
        };
        assert_eq!(reported(vec![]).outcome().state, ComponentState::InSync);
        assert_eq!(reported(d.clone()).outcome().state, ComponentState::Drifted);
        let created = Settle {
            writes: Some(Ok(())),
            created: true,
            ..reported(d.clone())
        };
        assert_eq!(created.outcome().state, ComponentState::Created);
        let corrected = Settle {
            writes: Some(Ok(())),
            ..reported(d.clone())
        }
        .outcome();
        assert_eq!(
            (
                corrected.state,
                corrected.action,
                corrected.remaining_drift()
            ),
            (ComponentState::Corrected, DriftAction::Corrected, 0)
        );
        let err = AwsError::new(
            "iam",
            "UpdateAccountPasswordPolicy",
            crate::aws::ErrorCategory::AccessDenied,
            "no",
        );
        let failed = Settle {
            writes: Some(Err(err)),
            ownership: Ownership::Adopted,
            ..reported(d)
        }
        .outcome();
        assert_eq!(
            (failed.state, failed.action, failed.remaining_drift()),
            (ComponentState::Error, DriftAction::Failed, 1)
        );
    }

    #[test]
    fn regions_fall_back_to_the_account_and_dedupe() {
        let own = vec![
            "eu-west-1".to_string(),
            "us-east-1".into(),
            "eu-west-1".into(),
        ];
        assert_eq!(
            resolve_regions(&own, &[]).unwrap(),
            vec!["eu-west-1", "us-east-1"]
        );
        assert_eq!(
            resolve_regions(&[], &["us-east-2".into()]).unwrap(),
            vec!["us-east-2"]
        );
        assert_eq!(resolve_regions(&[], &[]), Err(EngineError::NoRegions));
    }
}
