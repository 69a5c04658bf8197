//! MonitoringPolicy rules (pure): AWS names derived from the policy, the checks a spec must pass before any AWS
//! call, and per component (one file each) the desired state, the observed fields and the plan of a pass. The
//! engine (`engine::monitoring`) reads AWS, calls these, and writes.

use crate::api::monitoring_policy::MonitoringPolicySpec;
use crate::aws::cloudwatch::DesiredAlarm;
use crate::aws::logs::DesiredFilter;
use crate::diff::FieldDrift;
use serde_json::json;

pub mod alarms;
pub mod canaries;
pub mod cis;
pub mod cloudwatch_agent;
pub mod container_insights;
pub mod dashboards;
pub mod event_rules;
pub mod health_checks;
pub mod insights_queries;
pub mod log_groups;
pub mod metric_filters;
pub mod topics;

pub use alarms::{composite_rule, composites, observed_alarm_fields, BILLING_REGION};
pub use cis::{controls_for, CisDefinition, CIS};

/// Prefix of every alarm and metric filter a policy owns: `awsbaseline.<namespace>.<policy>.`. Namespace and
/// name are DNS labels/subdomains, so the prefix is unique per policy and two policies never collide.
pub fn prefix(namespace: &str, name: &str) -> String {
    format!("{ALARM_PREFIX}{namespace}.{name}.")
}

/// What every policy's alarm and metric filter names start with: one `DescribeAlarms` by this prefix reads the
/// alarms of every policy in an account and Region.
pub const ALARM_PREFIX: &str = "awsbaseline.";

/// Short, stable prefix for names that cannot hold the full `awsbaseline.<namespace>.<policy>.` (EventBridge
/// rules: 64 characters, dashboards: no dots): `awsbaseline-<10 hex of FNV-1a(namespace/name)>-`. Ownership of
/// what carries it is still proven by tags or the status record, never by the name alone.
pub fn short_prefix(namespace: &str, name: &str) -> String {
    let h = crate::names::stable_hash(&format!("{namespace}/{name}"));
    format!("awsbaseline-{:010x}-", h >> 24)
}

/// Every alarm and metric filter the spec declares, the CIS set expanded.
pub fn desired(
    spec: &MonitoringPolicySpec,
    prefix: &str,
) -> (Vec<DesiredAlarm>, Vec<DesiredFilter>) {
    (
        alarms::desired_alarms(spec, prefix),
        metric_filters::desired_filters(spec, prefix),
    )
}

/// What the CRD schema cannot check, checked before any AWS call (`regions`: the resolved regions). The error
/// is the message of an `InvalidSpec`.
pub fn check_spec(spec: &MonitoringPolicySpec, regions: &[String]) -> Result<(), String> {
    if let Some(a) = spec
        .alarms
        .iter()
        .find(|a| a.metric_name.is_some() && a.namespace.is_none())
    {
        return Err(format!(
            "alarms.{}: a single-metric alarm needs a namespace",
            a.name
        ));
    }
    // Not a CEL rule: comparing up to 200 composite names with up to 2,000 alarm names exceeds the API server's
    // cost budget, so the same rule (and message) is checked here, before any AWS call.
    if let Some(c) = spec
        .composite_alarms
        .iter()
        .find(|c| spec.alarms.iter().any(|a| a.name == c.name))
    {
        return Err(format!(
            "compositeAlarms.{}: a composite alarm cannot have the name of a metric alarm",
            c.name
        ));
    }
    topics::check_statements(spec)?;
    if let Some(a) = &spec.cloud_watch_agent {
        cloudwatch_agent::check(a)?;
    }
    if let Some(h) = spec.health_checks.iter().find(|h| h.alarm.is_some()) {
        if !regions
            .iter()
            .any(|r| r == crate::aws::route53::HOME_REGION)
        {
            return Err(format!(
                "healthChecks.{}.alarm needs {} among the policy's regions (Route 53 publishes HealthCheckStatus only there, and the alarm notifies a topic in the same region)",
                h.name,
                crate::aws::route53::HOME_REGION
            ));
        }
    }
    if spec.billing_alarm.is_some() && !regions.iter().any(|r| r == BILLING_REGION) {
        return Err(format!(
            "billingAlarm needs {BILLING_REGION} among the policy's regions (CloudWatch publishes billing metrics only there, and the alarm notifies a topic in the same region)"
        ));
    }
    Ok(())
}

/// The drift of a resource this policy created that the spec no longer declares (`<path>.exists`).
pub fn removed(path: &str) -> FieldDrift {
    FieldDrift {
        field: format!("{path}.exists"),
        desired: json!(false),
        actual: json!(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;
    use std::collections::BTreeMap;

    fn spec(v: Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn cis_preset_expands_to_filter_and_alarm_per_item_minus_exclusions() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "security"}],
            "cisAwsFoundations": {"logGroupName": "/trail", "topic": "security", "exclude": ["organizationsChanges"]}}),
        );
        let (alarms, filters) = desired(&s, &prefix("sec", "cis"));
        assert_eq!((alarms.len(), filters.len()), (14, 14));
        let root = alarms
            .iter()
            .find(|a| a.path == "cisAwsFoundations.rootAccountUsage.alarm")
            .unwrap();
        assert_eq!(root.aws_name, "awsbaseline.sec.cis.cis.rootAccountUsage");
        let f = root.fields(&BTreeMap::new());
        let p = "cisAwsFoundations.rootAccountUsage.alarm";
        assert_eq!(
            (
                &f[&format!("{p}.period")],
                root.evaluation_periods,
                root.threshold,
                &f[&format!("{p}.statistic")]
            ),
            (&json!(300), 1, Some(1.0), &json!("Sum"))
        );
        assert_eq!(root.treat_missing_data, "notBreaching");
        let arns = BTreeMap::from([("security".to_string(), "arn:sns:security".to_string())]);
        assert_eq!(root.actions.resolve(&arns).0, vec!["arn:sns:security"]);
        assert!(filters.iter().all(|f| f.log_group_name == "/trail"));
        assert!(!filters
            .iter()
            .any(|f| f.path.contains("organizationsChanges")));
    }

    #[test]
    fn short_prefix_is_stable_short_and_distinct_per_policy() {
        let a = short_prefix("payments", "checkout-web");
        assert_eq!(a, short_prefix("payments", "checkout-web"));
        assert_eq!(a.len(), "awsbaseline-".len() + 10 + 1);
        assert_ne!(a, short_prefix("payments", "checkout-we"));
        assert_ne!(a, short_prefix("payment", "scheckout-web"));
        assert!(a.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'));
    }

    #[test]
    fn a_spec_is_checked_before_any_aws_call() {
        let regions = ["eu-west-1".to_string()];
        let ok = spec(json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}]}));
        assert_eq!(check_spec(&ok, &regions), Ok(()));
        let no_namespace = spec(json!({"accountRef": {"name": "a"},
            "alarms": [{"name": "cpu", "metricName": "CPUUtilization", "statistic": "Average", "period": 60,
                "evaluationPeriods": 1, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold"}]}));
        assert_eq!(
            check_spec(&no_namespace, &regions),
            Err("alarms.cpu: a single-metric alarm needs a namespace".into())
        );
        let mut clash = no_namespace.clone();
        clash.alarms[0].namespace = Some("AWS/EC2".into());
        clash.composite_alarms =
            serde_json::from_value(json!([{"name": "cpu", "rule": "ALARM(cpu)"}])).unwrap();
        assert!(check_spec(&clash, &regions)
            .unwrap_err()
            .starts_with("compositeAlarms.cpu: a composite alarm cannot"));
        let billing =
            spec(json!({"accountRef": {"name": "a"}, "billingAlarm": {"thresholds": [10.0]}}));
        assert!(check_spec(&billing, &regions)
            .unwrap_err()
            .starts_with("billingAlarm needs us-east-1"));
        assert_eq!(check_spec(&billing, &["us-east-1".to_string()]), Ok(()));
        let checks = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "healthChecks": [{"name": "web", "type": "HTTPS", "fqdn": "shop.example.com"}]}),
        );
        assert_eq!(
            check_spec(&checks, &regions),
            Ok(()),
            "no alarm: any region"
        );
        let mut alarmed = checks.clone();
        alarmed.health_checks[0].alarm =
            Some(serde_json::from_value(json!({"topic": "ops"})).unwrap());
        assert!(check_spec(&alarmed, &regions)
            .unwrap_err()
            .starts_with("healthChecks.web.alarm needs us-east-1"));
        assert_eq!(check_spec(&alarmed, &["us-east-1".to_string()]), Ok(()));
    }
}
