//! Status and events, computed purely from the previous status and the pass report.

use super::patch::PatchReport;
use super::PassReport;
use crate::api::common::ReconcileStatus;
use crate::api::common::{
    condition, find_condition, set_condition, with_stalled, ComponentState, ComponentStatus,
    DetectedBy, DriftAction, DriftEntry,
};
use crate::api::monitoring_policy::MonitoringPolicyStatus;
use crate::api::patch_schedule::PatchScheduleStatus;
use crate::baseline::controls::controls_for;
use crate::engine::monitoring::MonitoringReport;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// Condition reasons (CamelCase constants).
pub mod reason {
    /// Everything declared holds.
    pub const IN_SYNC: &str = "InSync";
    /// Drift was found and corrected in this pass.
    pub const DRIFT_CORRECTED: &str = "DriftCorrected";
    /// Drift is left in AWS (Report policy, or not correctable through the API).
    pub const DRIFT_REPORTED: &str = "DriftReported";
    /// Drift remains because its correction failed.
    pub const DRIFT_NOT_CORRECTED: &str = "DriftNotCorrected";
    /// The last pass reached AWS without error.
    pub const RECONCILED: &str = "Reconciled";
    /// Drift could not be checked.
    pub const NOT_CHECKED: &str = "NotChecked";
}

/// The spec field a component comes from, so an error names what to fix.
pub fn spec_path(component: &str) -> String {
    match component {
        "cloudTrailBucket" => "spec.cloudTrail.s3".to_string(),
        "configBucket" => "spec.config.deliveryChannel".to_string(),
        "securityHubAggregator" => "spec.securityHub.findingAggregator".to_string(),
        "windowTargets" | "compliance" => "spec.targets".to_string(),
        "tasks" => "spec.patching/preSteps/postSteps/tasks".to_string(),
        "patchBaseline" => "spec.baseline".to_string(),
        "cisAwsFoundationsFilters" => "spec.cisAwsFoundations".to_string(),
        c => format!("spec.{c}"),
    }
}

fn render(v: &serde_json::Value) -> String {
    v.to_string()
}

/// The part of the status every kind shares ([`ReconcileStatus`]: drift, components, conditions), computed from
/// one pass. `now` stamps new drift, transitions and `lastDriftCheckTime`.
pub fn common_status(
    previous: Option<&ReconcileStatus>,
    report: &PassReport,
    generation: Option<i64>,
    now: &Time,
) -> ReconcileStatus {
    let prev_conditions = previous
        .map(|p| p.conditions.as_slice())
        .unwrap_or_default();
    let prev_drift = previous.map(|p| p.drift.as_slice()).unwrap_or_default();

    let mut drift = Vec::new();
    for o in &report.outcomes {
        for d in &o.drift {
            let desired = render(&d.desired);
            let actual = render(&d.actual);
            let action = o.action;
            let detected_at = prev_drift
                .iter()
                .find(|p| {
                    p.component == o.component
                        && p.region == o.region
                        && p.field == d.field
                        && p.desired == desired
                        && p.actual == actual
                })
                .map(|p| p.detected_at.clone())
                .unwrap_or_else(|| now.clone());
            drift.push(DriftEntry {
                component: o.component.to_string(),
                region: o.region.clone(),
                account: report.account_id.clone(),
                field: d.field.clone(),
                desired,
                actual,
                detected_at,
                action,
                controls: controls_for(&d.field),
                detected_by: None,
                detection_latency_ms: None,
            });
        }
    }
    let components: Vec<ComponentStatus> = report
        .outcomes
        .iter()
        .map(super::ComponentOutcome::summary)
        .collect();

    let remaining = report.remaining_drift();
    let corrected = report
        .outcomes
        .iter()
        .any(|o| o.action == DriftAction::Corrected && !o.drift.is_empty());
    let failed_corrections = report
        .outcomes
        .iter()
        .any(|o| o.action == DriftAction::Failed && !o.drift.is_empty());
    let error_reason = report.error_category();
    let error_message = match &report.fatal {
        Some(f) => Some(f.to_string()),
        None => {
            let msgs: Vec<String> = report
                .errors()
                .filter_map(|o| {
                    o.error
                        .as_ref()
                        .map(|e| format!("{} in {}: {e}", spec_path(o.component), o.region))
                })
                .collect();
            (!msgs.is_empty()).then(|| msgs.join("; "))
        }
    };

    let synced = match (error_reason, &error_message) {
        (Some(r), Some(m)) => set_condition(
            prev_conditions,
            condition::SYNCED,
            false,
            r,
            m.clone(),
            generation,
            now,
        ),
        _ => set_condition(
            prev_conditions,
            condition::SYNCED,
            true,
            reason::RECONCILED,
            "last pass reached AWS without error".into(),
            generation,
            now,
        ),
    };
    let drifted = if report.fatal.is_some() {
        find_condition(prev_conditions, condition::DRIFTED)
            .cloned()
            .unwrap_or_else(|| {
                let mut c = set_condition(
                    prev_conditions,
                    condition::DRIFTED,
                    false,
                    reason::NOT_CHECKED,
                    "drift not checked yet".into(),
                    generation,
                    now,
                );
                c.status = "Unknown".into();
                c
            })
    } else if remaining > 0 {
        let r = if failed_corrections {
            reason::DRIFT_NOT_CORRECTED
        } else {
            reason::DRIFT_REPORTED
        };
        set_condition(
            prev_conditions,
            condition::DRIFTED,
            true,
            r,
            format!("{remaining} setting(s) differ from the spec"),
            generation,
            now,
        )
    } else if corrected {
        set_condition(
            prev_conditions,
            condition::DRIFTED,
            false,
            reason::DRIFT_CORRECTED,
            "drift found and corrected".into(),
            generation,
            now,
        )
    } else {
        set_condition(
            prev_conditions,
            condition::DRIFTED,
            false,
            reason::IN_SYNC,
            "AWS matches the spec".into(),
            generation,
            now,
        )
    };
    let ready = match (error_reason, &error_message) {
        // A throttle or network hiccup does not flip Ready: keep the last verdict while retrying, for at most
        // TRANSIENT_GRACE; an outage that lasts longer is a failure GitOps tools must see.
        (Some(_), Some(_))
            if report.only_retryable_errors()
                && find_condition(prev_conditions, condition::READY).is_some()
                && !retrying_too_long(prev_conditions, now) =>
        {
            find_condition(prev_conditions, condition::READY)
                .cloned()
                .expect("checked above")
        }
        (Some(r), Some(m)) => set_condition(
            prev_conditions,
            condition::READY,
            false,
            r,
            m.clone(),
            generation,
            now,
        ),
        _ if remaining > 0 => set_condition(
            prev_conditions,
            condition::READY,
            false,
            if failed_corrections {
                reason::DRIFT_NOT_CORRECTED
            } else {
                reason::DRIFT_REPORTED
            },
            format!("{remaining} setting(s) differ from the spec; see status.drift"),
            generation,
            now,
        ),
        _ => set_condition(
            prev_conditions,
            condition::READY,
            true,
            reason::IN_SYNC,
            "declared state holds in AWS".into(),
            generation,
            now,
        ),
    };

    ReconcileStatus {
        observed_generation: generation,
        conditions: with_stalled(
            vec![ready, synced, drifted],
            prev_conditions,
            generation,
            now,
        ),
        account_id: report
            .account_id
            .clone()
            .or_else(|| previous.and_then(|p| p.account_id.clone())),
        regions: (!report.regions.is_empty()).then(|| report.regions.join(",")),
        last_drift_check_time: Some(now.clone()),
        components: if report.fatal.is_some() {
            previous.map(|p| p.components.clone()).unwrap_or_default()
        } else {
            components
        },
        drift: if report.fatal.is_some() {
            prev_drift.to_vec()
        } else {
            drift
        },
    }
}

/// How long retryable errors (throttling, network, 5xx) may last before `Ready` turns False: with the
/// controller's backoff (5 s, 10 s, 20 s, 40 s, 80 s) about five failed passes.
pub const TRANSIENT_GRACE: std::time::Duration = std::time::Duration::from_secs(120);

/// True when `Synced` has been False for longer than [`TRANSIENT_GRACE`].
fn retrying_too_long(
    prev_conditions: &[k8s_openapi::apimachinery::pkg::apis::meta::v1::Condition],
    now: &Time,
) -> bool {
    find_condition(prev_conditions, condition::SYNCED)
        .filter(|c| c.status == "False")
        .and_then(|c| {
            now.0
                .duration_since(c.last_transition_time.0)
                .try_into()
                .ok()
        })
        .is_some_and(|d: std::time::Duration| d >= TRANSIENT_GRACE)
}

/// A kind's status: the part every kind shares plus whatever the kind adds. Its comparable form clears the
/// volatile `lastDriftCheckTime`, so every other field, present or added later, decides whether status is written.
pub trait KindStatus: Clone + PartialEq {
    /// The shared part.
    fn common(&self) -> &ReconcileStatus;
    /// The shared part, to change.
    fn common_mut(&mut self) -> &mut ReconcileStatus;
    /// The status without what changes every pass.
    fn comparable(&self) -> Self {
        let mut s = self.clone();
        s.common_mut().last_drift_check_time = None;
        s
    }
}

impl KindStatus for ReconcileStatus {
    fn common(&self) -> &ReconcileStatus {
        self
    }
    fn common_mut(&mut self) -> &mut ReconcileStatus {
        self
    }
}

shared_part!(
    KindStatus { common, common_mut },
    common: ReconcileStatus,
    for PatchScheduleStatus, MonitoringPolicyStatus, crate::api::account_baseline::AccountBaselineStatus
);

/// True when `new` says something `old` does not (ignoring `lastDriftCheckTime`): only then is status written.
pub fn status_changed<S: KindStatus>(old: Option<&S>, new: &S) -> bool {
    old.is_none_or(|old| old.comparable() != new.comparable())
}

/// A kind's new status: the shared part from the pass, the rest from `fresh` — or, when the pass could not run
/// (fatal), what was known before.
fn kind_status<S: KindStatus + Default>(
    previous: Option<&S>,
    pass: &PassReport,
    generation: Option<i64>,
    now: &Time,
    fresh: impl FnOnce() -> S,
) -> S {
    let common = common_status(previous.map(S::common), pass, generation, now);
    let mut status = if pass.fatal.is_some() {
        previous.cloned().unwrap_or_default()
    } else {
        fresh()
    };
    *status.common_mut() = common;
    status
}

/// Status of a PatchSchedule: the shared part from the pass, plus IDs, next execution, executions and
/// compliance. When the pass could not run, what was known before is kept.
pub fn patch_schedule_status(
    previous: Option<&PatchScheduleStatus>,
    report: &PatchReport,
    generation: Option<i64>,
    now: &Time,
) -> PatchScheduleStatus {
    kind_status(previous, &report.pass, generation, now, || {
        PatchScheduleStatus {
            common: ReconcileStatus::default(),
            resources: report.resources.clone(),
            next_execution_time: report.next_execution.clone(),
            executions: report.executions.clone(),
            compliance: report.compliance.clone(),
            ..Default::default()
        }
    })
}

/// MonitoringPolicy status: the common part plus the AWS identifiers per region (kept from `previous` when the
/// pass could not run).
pub fn monitoring_status(
    previous: Option<&MonitoringPolicyStatus>,
    report: &MonitoringReport,
    generation: Option<i64>,
    now: &Time,
) -> MonitoringPolicyStatus {
    kind_status(previous, &report.pass, generation, now, || {
        MonitoringPolicyStatus {
            common: ReconcileStatus::default(),
            resources: report.resources.clone(),
            ..Default::default()
        }
    })
}

/// A Kubernetes event to publish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventNote {
    /// Warning (true) or Normal.
    pub warning: bool,
    /// CamelCase reason.
    pub reason: &'static str,
    /// Short action.
    pub action: &'static str,
    /// Message.
    pub note: String,
}

/// Events for what changed between two statuses; a steady state produces none.
pub fn events(old: Option<&ReconcileStatus>, new: &ReconcileStatus) -> Vec<EventNote> {
    let mut out = Vec::new();
    // One event per kind of change and pass: the recorder folds identical reasons into a series anyway.
    let created: Vec<String> = new
        .components
        .iter()
        .filter(|c| c.state == ComponentState::Created)
        .map(|c| {
            format!(
                "{} in {}{}",
                c.component,
                c.region,
                c.id.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
            )
        })
        .collect();
    if !created.is_empty() {
        out.push(EventNote {
            warning: false,
            reason: "Created",
            action: "Create",
            note: truncate(format!("created {}", created.join("; "))),
        });
    }
    let corrected: Vec<String> = new
        .drift
        .iter()
        .filter(|d| {
            d.action == DriftAction::Corrected
                && !new.components.iter().any(|c| {
                    c.component == d.component
                        && c.region == d.region
                        && c.state == ComponentState::Created
                })
        })
        .map(|d| format!("{} in {}: {} -> {}", d.field, d.region, d.actual, d.desired))
        .collect();
    if !corrected.is_empty() {
        out.push(EventNote {
            warning: false,
            reason: "DriftCorrected",
            action: "Correct",
            note: truncate(corrected.join("; ")),
        });
    }
    let old_drift = old.map(|o| o.drift.as_slice()).unwrap_or_default();
    let new_reported: Vec<String> = new
        .drift
        .iter()
        .filter(|d| d.action == DriftAction::Reported)
        .filter(|d| {
            !old_drift.iter().any(|o| {
                o.action == DriftAction::Reported
                    && o.field == d.field
                    && o.region == d.region
                    && o.actual == d.actual
            })
        })
        .map(|d| {
            format!(
                "{} in {}: want {}, found {}",
                d.field, d.region, d.desired, d.actual
            )
        })
        .collect();
    if !new_reported.is_empty() {
        out.push(EventNote {
            warning: true,
            reason: "DriftReported",
            action: "Report",
            note: truncate(new_reported.join("; ")),
        });
    }
    let old_synced = old.and_then(|o| find_condition(&o.conditions, condition::SYNCED));
    if let Some(s) = find_condition(&new.conditions, condition::SYNCED) {
        let was_same = old_synced.is_some_and(|o| o.status == s.status && o.reason == s.reason);
        if s.status == "False" && !was_same {
            out.push(EventNote {
                warning: true,
                reason: "ReconcileFailed",
                action: "Reconcile",
                note: truncate(s.message.clone()),
            });
        }
    }
    out
}

fn truncate(mut s: String) -> String {
    if s.len() > 1000 {
        let mut cut = 997;
        while !s.is_char_boundary(cut) {
            cut -= 1;
        }
        s.truncate(cut);
        s.push_str("...");
    }
    s
}

/// What started the pass a status comes from (the controller knows; `plan`/`check` never stamp).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detection {
    /// The drift check interval, a spec change or a restart.
    Poll,
    /// A change event from the account; `latency_ms` from the CloudTrail `eventTime` to the start of the pass.
    Event {
        /// Milliseconds from the change in AWS to the pass.
        latency_ms: i64,
    },
}

/// Record how each drift entry was found: an entry that persists from `previous` keeps what it had (so the
/// status stays unchanged while the drift does), a new one gets `how`.
pub fn stamp_detection(previous: &[DriftEntry], drift: &mut [DriftEntry], how: Detection) {
    for d in drift.iter_mut() {
        let kept = previous.iter().find(|p| {
            p.component == d.component
                && p.region == d.region
                && p.account == d.account
                && p.field == d.field
                && p.desired == d.desired
                && p.actual == d.actual
        });
        (d.detected_by, d.detection_latency_ms) = match (kept, how) {
            (Some(p), _) if p.detected_by.is_some() => (p.detected_by, p.detection_latency_ms),
            (_, Detection::Poll) => (Some(DetectedBy::Poll), None),
            (_, Detection::Event { latency_ms }) => (Some(DetectedBy::Event), Some(latency_ms)),
        };
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::common::Ownership;
    use crate::aws::{AwsError, ErrorCategory};
    use crate::diff::FieldDrift;
    use crate::engine::{ComponentOutcome, EngineError};
    use serde_json::json;

    fn t(s: &str) -> Time {
        Time(s.parse().unwrap())
    }

    fn outcome(
        state: ComponentState,
        action: DriftAction,
        drift: Vec<FieldDrift>,
        error: Option<AwsError>,
    ) -> ComponentOutcome {
        ComponentOutcome {
            component: "guardDuty",
            region: "us-east-1".into(),
            state,
            ownership: Ownership::Created,
            id: Some("det".into()),
            drift,
            action,
            error,
            message: None,
            operator_disabled_controls: Vec::new(),
            operator_enabled: Vec::new(),
        }
    }

    fn freq_drift() -> FieldDrift {
        FieldDrift {
            field: "guardDuty.findingPublishingFrequency".into(),
            desired: json!("SIX_HOURS"),
            actual: json!("ONE_HOUR"),
        }
    }

    fn report(outcomes: Vec<ComponentOutcome>) -> PassReport {
        PassReport {
            account_id: Some("123456789012".into()),
            regions: vec!["us-east-1".into()],
            outcomes,
            fatal: None,
        }
    }

    fn cond<'a>(s: &'a ReconcileStatus, ty: &str) -> (&'a str, &'a str) {
        let c = find_condition(&s.conditions, ty).unwrap();
        (c.status.as_str(), c.reason.as_str())
    }

    #[test]
    fn reported_drift_is_listed_with_controls_and_flags_conditions() {
        let r = report(vec![outcome(
            ComponentState::Drifted,
            DriftAction::Reported,
            vec![freq_drift()],
            None,
        )]);
        let s = common_status(None, &r, Some(3), &t("2026-01-01T00:00:00Z"));
        assert_eq!(cond(&s, "Ready"), ("False", "DriftReported"));
        assert_eq!(cond(&s, "Drifted"), ("True", "DriftReported"));
        assert_eq!(cond(&s, "Synced"), ("True", "Reconciled"));
        assert_eq!(s.drift.len(), 1);
        assert_eq!(s.drift[0].desired, "\"SIX_HOURS\"");
        assert_eq!(s.drift[0].controls, vec!["GuardDuty.1"]);
        assert_eq!(s.observed_generation, Some(3));
    }

    #[test]
    fn persisting_drift_keeps_detected_at_and_steady_state_is_unchanged() {
        let r = report(vec![outcome(
            ComponentState::Drifted,
            DriftAction::Reported,
            vec![freq_drift()],
            None,
        )]);
        let first = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
        let second = common_status(Some(&first), &r, Some(1), &t("2026-01-01T00:05:00Z"));
        assert_eq!(second.drift[0].detected_at, t("2026-01-01T00:00:00Z"));
        assert!(!status_changed(Some(&first), &second));
        assert!(
            events(Some(&first), &second).is_empty(),
            "steady state must not emit events"
        );
    }

    #[test]
    fn corrected_drift_then_in_sync() {
        let r = report(vec![outcome(
            ComponentState::Corrected,
            DriftAction::Corrected,
            vec![freq_drift()],
            None,
        )]);
        let s = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
        assert_eq!(cond(&s, "Ready"), ("True", "InSync"));
        assert_eq!(cond(&s, "Drifted"), ("False", "DriftCorrected"));
        let ev = events(None, &s);
        assert_eq!(
            ev.iter().map(|e| e.reason).collect::<Vec<_>>(),
            vec!["DriftCorrected"]
        );
        let clean = common_status(
            Some(&s),
            &report(vec![outcome(
                ComponentState::InSync,
                DriftAction::Reported,
                vec![],
                None,
            )]),
            Some(1),
            &t("2026-01-01T00:05:00Z"),
        );
        assert!(status_changed(Some(&s), &clean));
        assert_eq!(cond(&clean, "Drifted"), ("False", "InSync"));
        assert_eq!(
            find_condition(&clean.conditions, "Ready")
                .unwrap()
                .last_transition_time,
            t("2026-01-01T00:00:00Z")
        );
    }

    #[test]
    fn access_denied_is_a_condition_naming_the_operation() {
        let e = AwsError::new(
            "guardduty",
            "UpdateDetector",
            ErrorCategory::AccessDenied,
            "not authorized",
        );
        let r = report(vec![outcome(
            ComponentState::Error,
            DriftAction::Failed,
            vec![freq_drift()],
            Some(e),
        )]);
        let s = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
        assert_eq!(cond(&s, "Synced"), ("False", "AccessDenied"));
        assert_eq!(cond(&s, "Ready"), ("False", "AccessDenied"));
        // An IAM fix is needed: kstatus Stalled, so GitOps tools fail now instead of at their timeout.
        assert_eq!(cond(&s, "Stalled"), ("True", "AccessDenied"));
        let msg = &find_condition(&s.conditions, "Synced").unwrap().message;
        assert!(
            msg.contains("guardduty:UpdateDetector")
                && msg.starts_with("spec.guardDuty in us-east-1"),
            "{msg}"
        );
        assert_eq!(
            events(None, &s)
                .iter()
                .filter(|e| e.reason == "ReconcileFailed")
                .count(),
            1
        );
    }

    #[test]
    fn throttling_does_not_flip_ready() {
        let ok = common_status(
            None,
            &report(vec![outcome(
                ComponentState::InSync,
                DriftAction::Reported,
                vec![],
                None,
            )]),
            Some(1),
            &t("2026-01-01T00:00:00Z"),
        );
        let e = AwsError::new(
            "guardduty",
            "GetDetector",
            ErrorCategory::Throttled,
            "slow down",
        );
        let r = report(vec![outcome(
            ComponentState::Error,
            DriftAction::Reported,
            vec![],
            Some(e),
        )]);
        let s = common_status(Some(&ok), &r, Some(1), &t("2026-01-01T00:05:00Z"));
        assert_eq!(cond(&s, "Ready"), ("True", "InSync"));
        assert_eq!(cond(&s, "Synced"), ("False", "Throttled"));
        // Still failing, within the grace: nothing changes, so nothing is written.
        let again = common_status(Some(&s), &r, Some(1), &t("2026-01-01T00:06:59Z"));
        assert!(!status_changed(Some(&s), &again), "{again:#?}");
        // Past TRANSIENT_GRACE the outage is no longer hidden behind Ready=True.
        let late = common_status(Some(&again), &r, Some(1), &t("2026-01-01T00:07:00Z"));
        assert_eq!(cond(&late, "Ready"), ("False", "Throttled"));
        // Throttling heals by itself: never Stalled.
        assert!(find_condition(&late.conditions, "Stalled").is_none());
        let later = common_status(Some(&late), &r, Some(1), &t("2026-01-01T00:09:00Z"));
        assert!(!status_changed(Some(&late), &later), "{later:#?}");
    }

    #[test]
    fn account_mismatch_stops_everything() {
        let r = PassReport::fatal(EngineError::AccountMismatch {
            expected: "111111111111".into(),
            actual: "123456789012".into(),
            arn: "arn".into(),
        });
        let s = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
        assert_eq!(cond(&s, "Ready"), ("False", "AccountMismatch"));
        assert_eq!(cond(&s, "Drifted"), ("Unknown", "NotChecked"));
        assert!(s.components.is_empty() && s.drift.is_empty());
        assert_eq!(cond(&s, "Stalled"), ("True", "AccountMismatch"));
    }

    #[test]
    fn stalled_is_set_only_while_a_person_is_needed() {
        let t0 = t("2026-01-01T00:00:00Z");
        let bad = PassReport::fatal(EngineError::InvalidSpec("alarm x: no such topic".into()));
        let s = common_status(None, &bad, Some(1), &t0);
        assert_eq!(cond(&s, "Stalled"), ("True", "InvalidSpec"));
        let stalled = find_condition(&s.conditions, "Stalled").unwrap();
        assert_eq!(stalled.message, "alarm x: no such topic");
        assert_eq!(stalled.observed_generation, Some(1));
        // Same error on the next pass: nothing new to write.
        let again = common_status(Some(&s), &bad, Some(1), &t("2026-01-01T00:05:00Z"));
        assert!(!status_changed(Some(&s), &again));
        // A missing AwsAccount may be applied next by the same GitOps sync: not stalled.
        let missing = PassReport::fatal(EngineError::AccountNotFound("prod".into()));
        let m = common_status(Some(&s), &missing, Some(2), &t0);
        assert!(find_condition(&m.conditions, "Stalled").is_none(), "{m:#?}");
        // Fixed spec, clean pass: Stalled is gone (absent, not False).
        let ok = report(vec![outcome(
            ComponentState::InSync,
            DriftAction::Reported,
            vec![],
            None,
        )]);
        let fixed = common_status(Some(&s), &ok, Some(2), &t0);
        assert_eq!(cond(&fixed, "Ready"), ("True", "InSync"));
        assert!(find_condition(&fixed.conditions, "Stalled").is_none());
        // Drift in detect-only mode is the designed state, not a fault.
        let drift = report(vec![outcome(
            ComponentState::Drifted,
            DriftAction::Reported,
            vec![freq_drift()],
            None,
        )]);
        let d = common_status(Some(&fixed), &drift, Some(2), &t0);
        assert_eq!(cond(&d, "Ready"), ("False", "DriftReported"));
        assert!(find_condition(&d.conditions, "Stalled").is_none());
    }

    #[test]
    fn every_status_field_but_the_check_time_is_compared() {
        let old = PatchScheduleStatus {
            common: ReconcileStatus {
                last_drift_check_time: Some(t("2026-01-01T00:00:00Z")),
                ..Default::default()
            },
            next_execution_time: Some("2026-01-04T02:00:00Z".into()),
            ..Default::default()
        };
        let mut later = old.clone();
        later.common.last_drift_check_time = Some(t("2026-01-01T00:05:00Z"));
        assert!(!status_changed(Some(&old), &later));
        later.next_execution_time = Some("2026-01-11T02:00:00Z".into());
        assert!(status_changed(Some(&old), &later));
        assert!(status_changed(None, &old));
    }
}
