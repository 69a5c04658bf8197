//! Amazon Inspector rules: which scan types are enabled per region.

use crate::api::account_baseline::InspectorSpec;
use crate::aws::inspector2::ScanStatus;
use crate::diff::{FieldDrift, Fields};
use serde_json::json;

/// Component name.
pub const COMPONENT: &str = "inspector";

/// Declared scan types: API name -> enabled.
pub fn declared(spec: &InspectorSpec) -> Vec<(&'static str, bool)> {
    let s = &spec.scan_types;
    [
        ("EC2", s.ec2),
        ("ECR", s.ecr),
        ("LAMBDA", s.lambda),
        ("LAMBDA_CODE", s.lambda_code),
    ]
    .into_iter()
    .filter_map(|(name, on)| on.map(|on| (name, on)))
    .collect()
}

fn field(scan_type: &str) -> String {
    format!("{COMPONENT}.scanTypes.{scan_type}")
}

/// Desired fields: `inspector.scanTypes.EC2` = `ENABLED` / `DISABLED`, declared scan types only.
pub fn desired(spec: &InspectorSpec) -> Fields {
    declared(spec)
        .into_iter()
        .map(|(t, on)| (field(t), json!(if on { "ENABLED" } else { "DISABLED" })))
        .collect()
}

/// Observed fields.
pub fn observed(status: &ScanStatus) -> Fields {
    status.iter().map(|(t, s)| (field(t), json!(s))).collect()
}

/// True when any scan type is enabled (Inspector is on in the region).
pub fn any_enabled(status: &ScanStatus) -> bool {
    status.values().any(|s| s == "ENABLED")
}

/// The writes that remove `drift`: one Enable with every scan type to turn on, one Disable with every scan type
/// to turn off (a suspended scan type is enabled again).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// Scan types to enable.
    pub enable: Vec<String>,
    /// Scan types to disable.
    pub disable: Vec<String>,
}

/// Plan the writes for `drift`.
pub fn plan(drift: &[FieldDrift]) -> Plan {
    let mut p = Plan::default();
    let prefix = format!("{COMPONENT}.scanTypes.");
    for d in drift {
        let Some(t) = d.field.strip_prefix(&prefix) else {
            continue;
        };
        if d.desired == json!("ENABLED") {
            p.enable.push(t.to_string());
        } else {
            p.disable.push(t.to_string());
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    fn spec(v: serde_json::Value) -> InspectorSpec {
        serde_json::from_value(v).unwrap()
    }

    fn status(pairs: &[(&str, &str)]) -> ScanStatus {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn only_declared_scan_types_are_managed() {
        let s = spec(json!({"scanTypes": {"ec2": true, "lambda": false}}));
        let d = desired(&s);
        assert_eq!(d.len(), 2);
        assert_eq!(d["inspector.scanTypes.EC2"], json!("ENABLED"));
        assert_eq!(d["inspector.scanTypes.LAMBDA"], json!("DISABLED"));
        let all_off = status(&[
            ("EC2", "DISABLED"),
            ("ECR", "ENABLED"),
            ("LAMBDA", "DISABLED"),
            ("LAMBDA_CODE", "DISABLED"),
        ]);
        let drift = diff(COMPONENT, &d, &observed(&all_off));
        assert_eq!(drift.len(), 1, "ECR is not managed: {drift:?}");
        assert_eq!(
            plan(&drift),
            Plan {
                enable: vec!["EC2".into()],
                disable: vec![]
            }
        );
    }

    #[test]
    fn one_enable_and_one_disable_cover_every_drift() {
        let s = spec(
            json!({"scanTypes": {"ec2": true, "ecr": true, "lambda": true, "lambdaCode": false}}),
        );
        let st = status(&[
            ("EC2", "DISABLED"),
            ("ECR", "SUSPENDED"),
            ("LAMBDA", "ENABLED"),
            ("LAMBDA_CODE", "ENABLED"),
        ]);
        let drift = diff(COMPONENT, &desired(&s), &observed(&st));
        assert_eq!(
            plan(&drift),
            Plan {
                enable: vec!["EC2".into(), "ECR".into()],
                disable: vec!["LAMBDA_CODE".into()]
            }
        );
        assert!(any_enabled(&st));
    }

    #[test]
    fn in_sync_plans_nothing() {
        let s = spec(json!({"scanTypes": {"ec2": true}}));
        let st = status(&[("EC2", "ENABLED")]);
        assert!(diff(COMPONENT, &desired(&s), &observed(&st)).is_empty());
        assert_eq!(plan(&[]), Plan::default());
    }
}
