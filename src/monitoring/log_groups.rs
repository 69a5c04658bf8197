//! Log groups (`spec.logGroups`), pure: drift of a declared group against what CloudWatch Logs has, and the
//! writes that correct it. Retention is never lowered without `allowRetentionDecrease` (it deletes older
//! events); the KMS key is managed only when declared. Log groups are never deleted.

use crate::api::monitoring_policy::LogGroupSpec;
use crate::aws::logs::LogGroupState;
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::json;

/// Component of the log groups.
pub const LOG_GROUPS: &str = "logGroups";

/// One write to a log group, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogGroupWrite {
    /// CreateLogGroup (with the declared KMS key and the owner's tags).
    Create,
    /// AssociateKmsKey on an existing group.
    AssociateKmsKey,
    /// PutRetentionPolicy.
    PutRetention,
}

/// What a pass does with one declared log group.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LogGroupPlan {
    /// Drift (empty: in sync, nothing to do).
    pub drift: Vec<FieldDrift>,
    /// Writes that correct it.
    pub writes: Vec<LogGroupWrite>,
    /// Why the writes must not run: they would lower the retention without `allowRetentionDecrease`.
    pub refused: Option<String>,
}

/// Plan one declared log group against what exists (`None`: no such group).
pub fn plan(g: &LogGroupSpec, have: Option<&LogGroupState>) -> LogGroupPlan {
    let p = format!("{LOG_GROUPS}.{}", g.name);
    let mut want = Fields::new();
    want.insert(format!("{p}.exists"), json!(true));
    want.insert(format!("{p}.retentionInDays"), json!(g.retention_in_days));
    let mut seen = Fields::new();
    seen.insert(format!("{p}.exists"), json!(have.is_some()));
    if let Some(h) = have {
        seen.insert(format!("{p}.retentionInDays"), json!(h.retention_in_days));
        if g.kms_key_id.is_some() {
            seen.insert(format!("{p}.kmsKeyId"), json!(h.kms_key_id));
        }
    }
    if let Some(k) = &g.kms_key_id {
        want.insert(format!("{p}.kmsKeyId"), json!(k));
    }
    let drift = diff_resources(&want, &seen);
    if drift.is_empty() {
        return LogGroupPlan::default();
    }
    let Some(h) = have else {
        // Created with its KMS key; the retention is set after.
        return LogGroupPlan {
            drift,
            writes: vec![LogGroupWrite::Create, LogGroupWrite::PutRetention],
            refused: None,
        };
    };
    let retention = h.retention_in_days != Some(g.retention_in_days);
    let kms = g
        .kms_key_id
        .as_ref()
        .is_some_and(|k| h.kms_key_id.as_ref() != Some(k));
    let mut writes = Vec::new();
    if kms {
        writes.push(LogGroupWrite::AssociateKmsKey);
    }
    if retention {
        writes.push(LogGroupWrite::PutRetention);
    }
    let shortens = retention
        && h.retention_in_days
            .is_none_or(|days| days > g.retention_in_days);
    let refused = (shortens && !g.allow_retention_decrease).then(|| {
        let now = h
            .retention_in_days
            .map_or("never expire".to_string(), |d| format!("{d} days"));
        format!(
            "lowering the retention of log group {} from {now} to {} days would delete its older events; \
             not done without allowRetentionDecrease: true",
            g.name, g.retention_in_days
        )
    });
    LogGroupPlan {
        drift,
        writes,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn group(v: Value) -> LogGroupSpec {
        serde_json::from_value(v).unwrap()
    }

    fn fields(p: &LogGroupPlan) -> Vec<&str> {
        p.drift.iter().map(|d| d.field.as_str()).collect()
    }

    fn state(days: Option<i32>, kms: Option<&str>) -> LogGroupState {
        LogGroupState {
            retention_in_days: days,
            kms_key_id: kms.map(str::to_string),
        }
    }

    #[test]
    fn a_missing_group_is_created_then_given_its_retention() {
        let g = group(json!({"name": "/app", "retentionInDays": 30, "kmsKeyId": "arn:k"}));
        let p = plan(&g, None);
        assert_eq!(fields(&p), ["logGroups./app.exists"]);
        assert_eq!(
            p.writes,
            [LogGroupWrite::Create, LogGroupWrite::PutRetention]
        );
        assert_eq!(p.refused, None);
    }

    #[test]
    fn a_group_in_sync_needs_nothing_and_an_undeclared_key_is_not_managed() {
        let g = group(json!({"name": "/app", "retentionInDays": 30}));
        assert_eq!(
            plan(&g, Some(&state(Some(30), Some("arn:other")))),
            LogGroupPlan::default()
        );
    }

    #[test]
    fn each_drifted_setting_gets_its_own_write() {
        let g = group(json!({"name": "/app", "retentionInDays": 90, "kmsKeyId": "arn:k"}));
        let p = plan(&g, Some(&state(Some(90), None)));
        assert_eq!(fields(&p), ["logGroups./app.kmsKeyId"]);
        assert_eq!(p.writes, [LogGroupWrite::AssociateKmsKey]);
        let p = plan(&g, Some(&state(Some(30), Some("arn:k"))));
        assert_eq!(fields(&p), ["logGroups./app.retentionInDays"]);
        assert_eq!(p.writes, [LogGroupWrite::PutRetention]);
        assert_eq!(p.refused, None, "raising the retention is always fine");
        let p = plan(&g, Some(&state(Some(30), None)));
        assert_eq!(
            p.writes,
            [LogGroupWrite::AssociateKmsKey, LogGroupWrite::PutRetention]
        );
    }

    #[test]
    fn lowering_the_retention_is_refused_unless_allowed() {
        let g = group(json!({"name": "/app", "retentionInDays": 7}));
        let p = plan(&g, Some(&state(Some(30), None)));
        assert!(p.refused.unwrap().contains("from 30 days to 7 days"));
        let p = plan(&g, Some(&state(None, None)));
        assert!(p.refused.unwrap().contains("from never expire to 7 days"));
        let allowed =
            group(json!({"name": "/app", "retentionInDays": 7, "allowRetentionDecrease": true}));
        let p = plan(&allowed, Some(&state(Some(30), None)));
        assert_eq!(
            (p.refused, p.writes),
            (None, vec![LogGroupWrite::PutRetention])
        );
    }
}
