//! Container Insights (`spec.containerInsights`), pure: the ECS `containerInsights` cluster setting, and the EKS
//! `amazon-cloudwatch-observability` add-on (its declared fields against what EKS has, and the request that
//! creates or updates it).

use crate::api::monitoring_policy::{EcsInsightsSpec, EksInsightsSpec};
use crate::aws::eks::AddonRequest;
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::{json, Value};

/// Component of the ECS `containerInsights` cluster settings.
pub const ECS_INSIGHTS: &str = "ecsContainerInsights";
/// Component of the EKS `amazon-cloudwatch-observability` add-ons.
pub const EKS_INSIGHTS: &str = "eksContainerInsights";

/// Drift of one declared ECS cluster's `containerInsights` setting (`have`: the cluster's value).
pub fn ecs_drift(e: &EcsInsightsSpec, have: &str) -> Option<FieldDrift> {
    let want = e.mode.as_str();
    (have != want).then(|| FieldDrift {
        field: format!("containerInsights.ecs.{}.mode", e.cluster_name),
        desired: json!(want),
        actual: json!(have),
    })
}

/// Drift of an add-on this policy created on a cluster the spec no longer declares.
pub fn removed_addon_drift(cluster: &str) -> FieldDrift {
    super::removed(&format!("containerInsights.eks.{cluster}"))
}

/// The add-on as the diff sees it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ObservedAddon {
    /// Installed version.
    pub version: Option<String>,
    /// Configuration values, parsed.
    pub configuration_values: Option<Value>,
    /// IRSA role.
    pub service_account_role_arn: Option<String>,
    /// Role of the `cloudwatch-agent` pod identity association (read only when one is declared).
    pub pod_identity_role_arn: Option<String>,
}

/// Configuration values as EKS returns them (JSON or YAML text) as a JSON value; text that is neither stays
/// a string (and differs from any declared object).
pub fn parse_configuration_values(text: &str) -> Value {
    serde_json::from_str(text)
        .or_else(|_| crate::manifests::from_yaml::<Value>(text))
        .unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Drift of one cluster's add-on: the declared fields (and the resolved version) against what EKS has. A
/// missing add-on is the single drift `containerInsights.eks.<cluster>.exists`.
pub fn addon_drift(
    spec: &EksInsightsSpec,
    version: Option<&str>,
    observed: Option<&ObservedAddon>,
) -> Vec<FieldDrift> {
    let p = format!("containerInsights.eks.{}", spec.cluster_name);
    let mut want = Fields::from([(format!("{p}.exists"), json!(true))]);
    if let Some(v) = version {
        want.insert(format!("{p}.addonVersion"), json!(v));
    }
    if let Some(c) = &spec.configuration_values {
        want.insert(format!("{p}.configurationValues"), c.clone());
    }
    if let Some(r) = &spec.service_account_role_arn {
        want.insert(format!("{p}.serviceAccountRoleArn"), json!(r));
    }
    if let Some(r) = &spec.pod_identity_role_arn {
        want.insert(format!("{p}.podIdentityRoleArn"), json!(r));
    }
    let mut have = Fields::new();
    if let Some(o) = observed {
        have.insert(format!("{p}.exists"), json!(true));
        have.insert(format!("{p}.addonVersion"), json!(o.version));
        have.insert(
            format!("{p}.configurationValues"),
            o.configuration_values.clone().unwrap_or(Value::Null),
        );
        have.insert(
            format!("{p}.serviceAccountRoleArn"),
            json!(o.service_account_role_arn),
        );
        have.insert(
            format!("{p}.podIdentityRoleArn"),
            json!(o.pod_identity_role_arn),
        );
    }
    diff_resources(&want, &have)
}

/// What CreateAddon / UpdateAddon send for a declared add-on.
pub fn addon_request(spec: &EksInsightsSpec, version: Option<&str>) -> AddonRequest {
    AddonRequest {
        cluster: spec.cluster_name.clone(),
        version: version.map(str::to_string),
        configuration_values: spec.configuration_values.as_ref().map(|v| v.to_string()),
        service_account_role_arn: spec.service_account_role_arn.clone(),
        pod_identity_role_arn: spec.pod_identity_role_arn.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: Value) -> EksInsightsSpec {
        serde_json::from_value(v).unwrap()
    }

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    fn observed() -> ObservedAddon {
        ObservedAddon {
            version: Some("v2.1.0-eksbuild.1".into()),
            configuration_values: Some(json!({"containerLogs": {"enabled": true}})),
            service_account_role_arn: None,
            pod_identity_role_arn: Some("arn:aws:iam::123456789012:role/cw".into()),
        }
    }

    #[test]
    fn a_missing_addon_is_one_drift() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"a": 1},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        let d = addon_drift(&s, Some("v2.1.0-eksbuild.1"), None);
        assert_eq!(fields(&d), ["containerInsights.eks.prod.exists"]);
        assert_eq!(
            (d[0].desired.clone(), d[0].actual.clone()),
            (json!(true), json!(false))
        );
    }

    #[test]
    fn an_addon_matching_the_spec_has_no_drift() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": true}},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        assert!(addon_drift(&s, Some("v2.1.0-eksbuild.1"), Some(&observed())).is_empty());
    }

    #[test]
    fn every_declared_field_drifts_on_its_own() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": false}},
            "serviceAccountRoleArn": "arn:aws:iam::123456789012:role/irsa"}),
        );
        let d = addon_drift(&s, Some("v3.0.0-eksbuild.1"), Some(&observed()));
        assert_eq!(
            fields(&d),
            [
                "containerInsights.eks.prod.addonVersion",
                "containerInsights.eks.prod.configurationValues",
                "containerInsights.eks.prod.serviceAccountRoleArn",
            ]
        );
        assert_eq!(d[2].actual, Value::Null);
    }

    #[test]
    fn undeclared_fields_are_not_managed() {
        // No configuration, no roles, version left to EKS (not resolved): only existence counts.
        let s = spec(json!({"clusterName": "prod"}));
        assert!(addon_drift(&s, None, Some(&observed())).is_empty());
        let d = addon_drift(&s, Some("v9.0.0-eksbuild.1"), Some(&observed()));
        assert_eq!(fields(&d), ["containerInsights.eks.prod.addonVersion"]);
    }

    #[test]
    fn configuration_values_compare_parsed_json_or_yaml() {
        let want = json!({"containerLogs": {"enabled": true}, "agent": {"name": "x"}});
        for text in [
            r#"{"agent":{"name":"x"},"containerLogs":{"enabled":true}}"#,
            "containerLogs:\n  enabled: true\nagent:\n  name: x\n",
        ] {
            assert_eq!(parse_configuration_values(text), want, "{text}");
        }
        assert_eq!(
            parse_configuration_values("{not: [valid"),
            json!("{not: [valid")
        );
    }

    #[test]
    fn the_request_sends_configuration_as_a_json_string() {
        let s = spec(
            json!({"clusterName": "prod", "configurationValues": {"containerLogs": {"enabled": true}},
            "podIdentityRoleArn": "arn:aws:iam::123456789012:role/cw"}),
        );
        let r = addon_request(&s, Some("v2.1.0-eksbuild.1"));
        let sent: Value = serde_json::from_str(r.configuration_values.as_deref().unwrap()).unwrap();
        assert_eq!(sent, json!({"containerLogs": {"enabled": true}}));
        assert_eq!(r.version.as_deref(), Some("v2.1.0-eksbuild.1"));
        assert_eq!(
            r.pod_identity_role_arn.as_deref(),
            Some("arn:aws:iam::123456789012:role/cw")
        );
        assert_eq!(r.service_account_role_arn, None);
    }

    #[test]
    fn ecs_mode_drifts_only_when_it_differs() {
        let e: EcsInsightsSpec =
            serde_json::from_value(json!({"clusterName": "web", "mode": "enhanced"})).unwrap();
        assert_eq!(ecs_drift(&e, "enhanced"), None);
        let d = ecs_drift(&e, "disabled").unwrap();
        assert_eq!(d.field, "containerInsights.ecs.web.mode");
        assert_eq!(
            (d.desired, d.actual),
            (json!("enhanced"), json!("disabled"))
        );
        assert_eq!(
            removed_addon_drift("prod").field,
            "containerInsights.eks.prod.exists"
        );
    }
}
