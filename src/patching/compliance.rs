//! Execution history and patch compliance: read-only status, never drift.

use crate::api::patch_schedule::{
    ComplianceSummary, MissingPatch, PatchScheduleStatus, WindowExecution,
};
use crate::aws::ssm::{Execution, PatchState};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

/// How many executions per region status keeps.
pub const EXECUTIONS_KEPT: usize = 5;
/// How many critical non-compliant instances are asked for their missing patches per pass.
pub const CRITICAL_PROBES: usize = 5;

/// One window execution as status shows it.
pub fn execution(region: &str, (id, status, start, end): Execution) -> WindowExecution {
    WindowExecution {
        region: region.to_string(),
        execution_id: id,
        status,
        start_time: start.map(Time),
        end_time: end.map(Time),
    }
}

/// Counts over the `targeted` instances (IDs, deduplicated) from the patch states they reported.
pub fn summarize(region: &str, targeted: usize, states: &[PatchState]) -> ComplianceSummary {
    let mut sum = ComplianceSummary {
        region: region.to_string(),
        targeted_instances: targeted as u32,
        ..Default::default()
    };
    for s in states {
        if s.missing > 0 || s.failed > 0 {
            sum.non_compliant += 1;
        } else {
            sum.compliant += 1;
        }
        sum.missing_patches += s.missing.max(0) as u32;
        sum.failed_patches += s.failed.max(0) as u32;
        if s.critical_non_compliant > 0 {
            sum.critical_non_compliant += 1;
        }
    }
    sum.not_reported = (targeted - states.len().min(targeted)) as u32;
    sum
}

/// The oldest missing critical patch the previous status recorded for `region`.
pub fn previous_oldest(
    previous: Option<&PatchScheduleStatus>,
    region: &str,
) -> Option<MissingPatch> {
    previous.and_then(|p| {
        p.compliance
            .iter()
            .find(|c| c.region == region)
            .and_then(|c| c.oldest_missing_critical.clone())
    })
}

/// The instances asked for their missing critical patches, at most [`CRITICAL_PROBES`]: those missing a critical
/// patch, longest unpatched first, the one remembered last time (`previous`) before all so its "since" survives.
pub fn probe_order<'a>(
    states: &'a [PatchState],
    previous: Option<&MissingPatch>,
) -> Vec<&'a PatchState> {
    let mut critical: Vec<&PatchState> = states
        .iter()
        .filter(|s| s.critical_non_compliant > 0)
        .collect();
    critical.sort_by_key(|s| s.operation_end);
    if let Some(p) = previous {
        critical.sort_by_key(|s| s.instance_id != p.instance_id);
    }
    critical.truncate(CRITICAL_PROBES);
    critical
}

/// A critical patch `kb` (titled `title`) missing on `state`'s instance. It is missing since the previous status
/// said so for the same patch and instance, else since the instance's last patch operation (else `now`).
pub fn missing_patch(
    state: &PatchState,
    kb: String,
    title: String,
    previous: Option<&MissingPatch>,
    now: jiff::Timestamp,
) -> MissingPatch {
    let since = previous
        .filter(|p| p.kb_id == kb && p.instance_id == state.instance_id)
        .map(|p| p.since.clone())
        .unwrap_or_else(|| Time(state.operation_end.unwrap_or(now)));
    MissingPatch {
        kb_id: kb,
        title: (!title.is_empty()).then_some(title),
        instance_id: state.instance_id.clone(),
        since,
    }
}

/// Keep the patch missing the longest: `candidate` replaces `oldest` when strictly older (the first seen wins a
/// tie).
pub fn keep_oldest(oldest: &mut Option<MissingPatch>, candidate: MissingPatch) {
    if oldest
        .as_ref()
        .is_none_or(|o| candidate.since.0 < o.since.0)
    {
        *oldest = Some(candidate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::patch_schedule::ComplianceSummary;

    fn ts(s: i64) -> jiff::Timestamp {
        jiff::Timestamp::from_second(s).unwrap()
    }

    fn state(id: &str, missing: i32, failed: i32, critical: i32, end: Option<i64>) -> PatchState {
        PatchState {
            instance_id: id.into(),
            missing,
            failed,
            critical_non_compliant: critical,
            operation_end: end.map(ts),
        }
    }

    #[test]
    fn executions_carry_their_region() {
        let e = execution(
            "eu-west-1",
            ("ex-1".into(), "SUCCESS".into(), Some(ts(10)), None),
        );
        assert_eq!(e.region, "eu-west-1");
        assert_eq!(e.execution_id, "ex-1");
        assert_eq!(e.start_time, Some(Time(ts(10))));
        assert_eq!(e.end_time, None);
    }

    #[test]
    fn counts_over_the_targeted_instances() {
        let states = vec![
            state("i-1", 0, 0, 0, None),
            state("i-2", 3, 0, 1, None),
            state("i-3", 0, 2, 0, None),
        ];
        assert_eq!(
            summarize("eu-west-1", 5, &states),
            ComplianceSummary {
                region: "eu-west-1".into(),
                targeted_instances: 5,
                compliant: 1,
                non_compliant: 2,
                not_reported: 2,
                missing_patches: 3,
                failed_patches: 2,
                critical_non_compliant: 1,
                oldest_missing_critical: None,
            }
        );
    }

    #[test]
    fn the_remembered_instance_is_probed_first_then_the_longest_unpatched() {
        let states: Vec<PatchState> = (0..8)
            .map(|i| state(&format!("i-{i}"), 1, 0, 1, Some(100 - i)))
            .chain([state("i-ok", 0, 0, 0, Some(0))])
            .collect();
        let order: Vec<&str> = probe_order(&states, None)
            .iter()
            .map(|s| s.instance_id.as_str())
            .collect();
        assert_eq!(order, vec!["i-7", "i-6", "i-5", "i-4", "i-3"]);
        let prev = missing_patch(&states[0], "KB1".into(), String::new(), None, ts(0));
        let order: Vec<&str> = probe_order(&states, Some(&prev))
            .iter()
            .map(|s| s.instance_id.as_str())
            .collect();
        assert_eq!(order, vec!["i-0", "i-7", "i-6", "i-5", "i-4"]);
    }

    #[test]
    fn since_survives_for_the_same_patch_on_the_same_instance() {
        let s = state("i-1", 1, 0, 1, Some(500));
        let first = missing_patch(&s, "KB1".into(), "Fix".into(), None, ts(900));
        assert_eq!(first.since, Time(ts(500)));
        assert_eq!(first.title.as_deref(), Some("Fix"));
        let mut earlier = first.clone();
        earlier.since = Time(ts(100));
        let again = missing_patch(&s, "KB1".into(), String::new(), Some(&earlier), ts(900));
        assert_eq!(again.since, Time(ts(100)));
        assert_eq!(again.title, None);
        let other = missing_patch(&s, "KB2".into(), String::new(), Some(&earlier), ts(900));
        assert_eq!(other.since, Time(ts(500)));
        let unscanned = state("i-2", 1, 0, 1, None);
        let now = missing_patch(&unscanned, "KB3".into(), String::new(), None, ts(900));
        assert_eq!(now.since, Time(ts(900)));
    }

    #[test]
    fn the_oldest_missing_patch_is_kept() {
        let s = state("i-1", 1, 0, 1, None);
        let mut oldest = None;
        keep_oldest(
            &mut oldest,
            missing_patch(&s, "KB1".into(), String::new(), None, ts(50)),
        );
        keep_oldest(
            &mut oldest,
            missing_patch(&s, "KB2".into(), String::new(), None, ts(50)),
        );
        keep_oldest(
            &mut oldest,
            missing_patch(&s, "KB3".into(), String::new(), None, ts(90)),
        );
        assert_eq!(oldest.as_ref().unwrap().kb_id, "KB1");
        keep_oldest(
            &mut oldest,
            missing_patch(&s, "KB4".into(), String::new(), None, ts(10)),
        );
        assert_eq!(oldest.unwrap().kb_id, "KB4");
    }
}
