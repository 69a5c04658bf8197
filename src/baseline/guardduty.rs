//! GuardDuty detector rules.

use crate::api::account_baseline::GuardDutySpec;
use crate::aws::guardduty::{DetectorConfig, DetectorState};
use crate::diff::{FieldDrift, Fields};
use serde_json::json;
use std::collections::BTreeMap;

/// Component name.
pub const COMPONENT: &str = "guardDuty";

fn on_off(on: bool) -> &'static str {
    if on {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

/// Detector settings from the spec; only declared protection plans are included.
pub fn config(spec: &GuardDutySpec) -> DetectorConfig {
    let f = &spec.features;
    let mut features = BTreeMap::new();
    for (name, value) in [
        ("S3_DATA_EVENTS", f.s3_data_events),
        ("EKS_AUDIT_LOGS", f.eks_audit_logs),
        ("EBS_MALWARE_PROTECTION", f.ebs_malware_protection),
        ("RDS_LOGIN_EVENTS", f.rds_login_events),
        ("LAMBDA_NETWORK_LOGS", f.lambda_network_logs),
    ] {
        if let Some(on) = value {
            features.insert(name.to_string(), (on, BTreeMap::new()));
        }
    }
    if let Some(on) = f.runtime_monitoring {
        let extra = f
            .eks_addon_management
            .map(|a| BTreeMap::from([("EKS_ADDON_MANAGEMENT".to_string(), a)]))
            .unwrap_or_default();
        features.insert("RUNTIME_MONITORING".to_string(), (on, extra));
    }
    DetectorConfig {
        enabled: spec.enabled,
        finding_publishing_frequency: spec.finding_publishing_frequency.as_str().to_string(),
        features,
    }
}

/// Desired fields. A disabled spec only asks that no enabled detector exists.
pub fn desired(spec: &GuardDutySpec) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    if !spec.enabled {
        f.insert(format!("{c}.enabled"), json!(false));
        return f;
    }
    f.insert(format!("{c}.exists"), json!(true));
    f.insert(format!("{c}.enabled"), json!(true));
    f.insert(
        format!("{c}.findingPublishingFrequency"),
        json!(spec.finding_publishing_frequency.as_str()),
    );
    for (name, (on, extra)) in config(spec).features {
        f.insert(format!("{c}.features.{name}"), json!(on_off(on)));
        for (add, add_on) in extra {
            f.insert(format!("{c}.features.{name}.{add}"), json!(on_off(add_on)));
        }
    }
    f
}

/// Observed fields.
pub fn observed(state: Option<&DetectorState>) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    let Some(d) = state else {
        f.insert(format!("{c}.exists"), json!(false));
        f.insert(format!("{c}.enabled"), json!(false));
        return f;
    };
    f.insert(format!("{c}.exists"), json!(true));
    f.insert(format!("{c}.enabled"), json!(d.enabled));
    f.insert(
        format!("{c}.findingPublishingFrequency"),
        json!(d.finding_publishing_frequency),
    );
    for (name, status) in &d.features {
        f.insert(format!("{c}.features.{name}"), json!(status));
    }
    f
}

/// A write to the detector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DetectorWrite {
    /// CreateDetector (tagged, deterministic client token).
    Create,
    /// UpdateDetector with the managed settings.
    Update,
}

/// The writes that remove `drift`.
pub fn plan(exists: bool, drift: &[FieldDrift]) -> Vec<DetectorWrite> {
    match (drift.is_empty(), exists) {
        (true, _) => vec![],
        (false, false) => vec![DetectorWrite::Create],
        (false, true) => vec![DetectorWrite::Update],
    }
}

/// Deterministic CreateDetector client token for one owner and region (at most 64 characters).
pub fn client_token(owner_uid: &str, region: &str) -> String {
    let mut t = format!("awsbaseline-{owner_uid}-{region}");
    t.truncate(64);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    fn spec(v: serde_json::Value) -> GuardDutySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn declared_features_only() {
        let s = spec(
            json!({"features": {"s3DataEvents": true, "runtimeMonitoring": true, "eksAddonManagement": false}}),
        );
        let d = desired(&s);
        assert_eq!(d["guardDuty.features.S3_DATA_EVENTS"], json!("ENABLED"));
        assert_eq!(
            d["guardDuty.features.RUNTIME_MONITORING.EKS_ADDON_MANAGEMENT"],
            json!("DISABLED")
        );
        assert!(!d.contains_key("guardDuty.features.EKS_AUDIT_LOGS"));
        assert_eq!(
            d["guardDuty.findingPublishingFrequency"],
            json!("SIX_HOURS")
        );
    }

    #[test]
    fn frequency_change_is_drift_and_an_update() {
        let s = spec(
            json!({"findingPublishingFrequency": "FIFTEEN_MINUTES", "features": {"s3DataEvents": true}}),
        );
        let st = DetectorState {
            id: "d1".into(),
            enabled: true,
            finding_publishing_frequency: "SIX_HOURS".into(),
            features: BTreeMap::from([
                ("S3_DATA_EVENTS".into(), "ENABLED".into()),
                ("DNS_LOGS".into(), "ENABLED".into()),
            ]),
            tags: Default::default(),
        };
        let d = diff(COMPONENT, &desired(&s), &observed(Some(&st)));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "guardDuty.findingPublishingFrequency");
        assert_eq!(plan(true, &d), vec![DetectorWrite::Update]);
    }

    #[test]
    fn disabled_spec_with_no_detector_is_in_sync() {
        let s = spec(json!({"enabled": false}));
        assert!(diff(COMPONENT, &desired(&s), &observed(None)).is_empty());
    }

    #[test]
    fn client_token_is_stable_and_bounded() {
        let t = client_token(&"x".repeat(100), "eu-west-1");
        assert_eq!(t.len(), 64);
        assert_eq!(
            client_token("uid", "us-east-1"),
            client_token("uid", "us-east-1")
        );
    }
}
