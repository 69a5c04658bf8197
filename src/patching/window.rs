//! The maintenance window: its settings from the spec, the fields compared, and the write that removes drift.

use super::{fields, WINDOW};
use crate::api::patch_schedule::{PatchScheduleSpec, MAX_WINDOWS_PER_REGION};
use crate::aws::ssm::WindowConfig;
use crate::diff::{FieldDrift, Fields};

/// The window.
pub fn config(spec: &PatchScheduleSpec, default: &str) -> WindowConfig {
    let w = &spec.window;
    WindowConfig {
        name: w.name.clone().unwrap_or_else(|| default.to_string()),
        description: w.description.clone(),
        schedule: w.schedule.clone(),
        schedule_timezone: w.timezone.clone(),
        schedule_offset: w.schedule_offset,
        duration: w.duration,
        cutoff: w.cutoff,
        start_date: w.start_date.clone(),
        end_date: w.end_date.clone(),
        enabled: w.enabled,
        allow_unassociated_targets: w.allow_unassociated_targets,
    }
}

/// Desired fields: what the spec sets (settings it leaves out are not managed).
pub fn desired(want: &WindowConfig) -> Fields {
    fields(WINDOW, Some(want), true)
}

/// Observed fields of the window found (`None`: there is none).
pub fn observed(have: Option<&WindowConfig>) -> Fields {
    fields(WINDOW, have, false)
}

/// A write to the window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WindowWrite {
    /// CreateMaintenanceWindow (tagged, deterministic client token).
    Create,
    /// UpdateMaintenanceWindow of this window with every managed setting.
    Update {
        /// Window ID.
        id: String,
    },
}

/// The write that removes `drift` from the window found under `found_id`: none is found, create it; one is
/// found and drifted, update it.
pub fn plan(found_id: Option<&str>, drift: &[FieldDrift]) -> Option<WindowWrite> {
    match found_id {
        None => Some(WindowWrite::Create),
        Some(_) if drift.is_empty() => None,
        Some(id) => Some(WindowWrite::Update { id: id.to_string() }),
    }
}

/// Why a new window cannot be created in a region already holding `existing` windows (the AWS cap).
pub fn over_quota(existing: usize) -> Option<String> {
    (existing >= MAX_WINDOWS_PER_REGION).then(|| {
        format!(
            "the region already has {existing} maintenance windows; AWS allows {MAX_WINDOWS_PER_REGION}. Nothing \
             was written"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;
    use crate::patching::test_spec;
    use serde_json::json;

    #[test]
    fn the_default_name_applies_unless_the_spec_names_the_window() {
        let mut s = test_spec(json!({}));
        assert_eq!(config(&s, "team.prod").name, "team.prod");
        s.window.name = Some("mine".into());
        assert_eq!(config(&s, "team.prod").name, "mine");
        assert_eq!(
            config(&s, "team.prod").schedule_timezone.as_deref(),
            Some("Europe/Berlin")
        );
    }

    #[test]
    fn unset_optional_fields_are_not_managed() {
        let s = test_spec(json!({}));
        let want = config(&s, "team-a-prod");
        let mut have = want.clone();
        have.description = Some("set by hand".into());
        let d = diff(WINDOW, &desired(&want), &observed(Some(&have)));
        assert!(d.is_empty(), "{d:?}");
        have.duration = 3;
        let d = diff(WINDOW, &desired(&want), &observed(Some(&have)));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "window.duration");
        assert_eq!(d[0].desired, json!(4));
        assert_eq!(d[0].actual, json!(3));
    }

    #[test]
    fn a_missing_window_is_one_drift_and_a_create() {
        let s = test_spec(json!({}));
        let want = config(&s, "team.prod");
        let d = diff(WINDOW, &desired(&want), &observed(None));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "window.exists");
        assert_eq!(plan(None, &d), Some(WindowWrite::Create));
    }

    #[test]
    fn a_found_window_is_updated_only_when_drifted() {
        let drift = vec![FieldDrift {
            field: "window.duration".into(),
            desired: json!(4),
            actual: json!(3),
        }];
        assert_eq!(plan(Some("mw-1"), &[]), None);
        assert_eq!(
            plan(Some("mw-1"), &drift),
            Some(WindowWrite::Update { id: "mw-1".into() })
        );
    }

    #[test]
    fn the_window_cap_stops_a_create() {
        assert_eq!(over_quota(MAX_WINDOWS_PER_REGION - 1), None);
        assert!(over_quota(MAX_WINDOWS_PER_REGION)
            .unwrap()
            .contains("AWS allows 50"));
    }
}
