//! Route 53 health checks (`spec.healthChecks`), pure: the settings sent and compared, the drift field paths
//! (`healthChecks.<name>.<field>`), the settings Route 53 cannot change (a change replaces the check), the
//! CallerReference and Name tag, and the CloudWatch alarm on `AWS/Route53 HealthCheckStatus`.

use crate::api::monitoring_policy::{
    ComparisonOperator, HealthCheckSpec, MonitoringPolicySpec, Statistic, TreatMissingData,
};
use crate::aws::cloudwatch::{Actions, AlarmMetric, DesiredAlarm};
use crate::aws::route53::{HealthCheckSettings, HOME_REGION};
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::json;
use std::collections::BTreeMap;

/// Component of the health checks.
pub const HEALTH_CHECKS: &str = "healthChecks";
/// Component of their alarms (reported by the alarms component, with the other alarms).
pub const HEALTH_CHECK_ALARMS: &str = "healthCheckAlarms";
/// Tag naming a health check (Route 53's console shows it as the check's name).
pub const NAME_TAG: &str = "Name";

/// Settings Route 53 cannot update (UpdateHealthCheck has no such member): drift in them replaces the check.
const IMMUTABLE: [&str; 2] = ["type", "requestInterval"];

/// The settings a declared health check is created and updated with (the port defaulted as Route 53 does, the
/// regions sorted).
pub fn settings(h: &HealthCheckSpec) -> HealthCheckSettings {
    let mut regions: Vec<String> = h.regions.iter().map(|r| r.as_str().to_string()).collect();
    regions.sort();
    regions.dedup();
    HealthCheckSettings {
        type_: h.type_.as_str().to_string(),
        fqdn: h.fqdn.clone(),
        ip_address: h.ip_address.clone(),
        port: h.port.or(h.type_.default_port()),
        resource_path: h.resource_path.clone(),
        search_string: h.search_string.clone(),
        request_interval: Some(h.request_interval),
        failure_threshold: Some(h.failure_threshold),
        regions,
    }
}

fn fields(name: &str, s: &HealthCheckSettings, with_regions: bool) -> Fields {
    let p = format!("healthChecks.{name}");
    let mut f = Fields::new();
    f.insert(format!("{p}.exists"), json!(true));
    f.insert(format!("{p}.type"), json!(s.type_));
    f.insert(format!("{p}.fqdn"), json!(s.fqdn));
    f.insert(format!("{p}.ipAddress"), json!(s.ip_address));
    f.insert(format!("{p}.port"), json!(s.port));
    f.insert(format!("{p}.resourcePath"), json!(s.resource_path));
    f.insert(format!("{p}.searchString"), json!(s.search_string));
    f.insert(format!("{p}.requestInterval"), json!(s.request_interval));
    f.insert(format!("{p}.failureThreshold"), json!(s.failure_threshold));
    if with_regions {
        f.insert(format!("{p}.regions"), json!(s.regions));
    }
    f
}

/// Drift of one declared health check against what Route 53 has (`None`: it does not exist, the single drift
/// `healthChecks.<name>.exists`). Regions are compared only when declared (Route 53 picks them otherwise).
pub fn drift(h: &HealthCheckSpec, observed: Option<&HealthCheckSettings>) -> Vec<FieldDrift> {
    let with_regions = !h.regions.is_empty();
    let want = fields(&h.name, &settings(h), with_regions);
    let have = observed
        .map(|o| fields(&h.name, o, with_regions))
        .unwrap_or_default();
    diff_resources(&want, &have)
}

/// True when the drift touches a setting Route 53 cannot update: the check must be replaced.
pub fn needs_replacement(drift: &[FieldDrift]) -> bool {
    drift.iter().any(|d| {
        IMMUTABLE
            .iter()
            .any(|f| d.field.rsplit('.').next() == Some(*f))
    })
}

/// The CallerReference of a new health check: the policy's short prefix and a hash of the name and settings, so a
/// retried create of the same check is idempotent (Route 53 returns the existing one) and a changed one is new.
/// At most 64 characters, as Route 53 allows.
pub fn caller_reference(short_prefix: &str, name: &str, s: &HealthCheckSettings) -> String {
    let h = crate::names::stable_hash(&format!("{name}\n{s:?}"));
    format!("{short_prefix}{h:016x}")
}

/// The Name tag of a health check: `awsbaseline.<namespace>.<policy>.<name>`.
pub fn name_tag(prefix: &str, name: &str) -> String {
    format!("{prefix}{name}")
}

/// The declared name of a health check from its tags, when its Name tag carries this policy's prefix.
pub fn name_from_tags<'a>(prefix: &str, tags: &'a [(String, String)]) -> Option<&'a str> {
    tags.iter()
        .find(|(k, _)| k == NAME_TAG)
        .and_then(|(_, v)| v.strip_prefix(prefix))
        .filter(|n| !n.is_empty())
}

/// Drift of a health check this policy created that the spec no longer declares.
pub fn removed(name: &str) -> FieldDrift {
    super::removed(&format!("healthChecks.{name}"))
}

/// AWS name of a health check's alarm.
pub fn alarm_name(prefix: &str, name: &str) -> String {
    format!("{prefix}healthCheck.{name}")
}

/// The alarms of the declared health checks that have one and whose ID is known (`ids`: health check ID by
/// name): `Minimum` of `AWS/Route53 HealthCheckStatus` below 1 over one-minute periods, in us-east-1 (the only
/// region Route 53 publishes its metrics to); missing data (the check is gone) is breaching.
pub fn alarms(
    spec: &MonitoringPolicySpec,
    prefix: &str,
    ids: &BTreeMap<String, String>,
) -> Vec<DesiredAlarm> {
    spec.health_checks
        .iter()
        .filter_map(|h| Some((h, h.alarm.as_ref()?, ids.get(&h.name)?)))
        .map(|(h, a, id)| DesiredAlarm {
            path: format!("healthChecks.{}.alarm", h.name),
            aws_name: alarm_name(prefix, &h.name),
            region: Some(HOME_REGION),
            description: Some(format!(
                "Route 53 health check {} ({}) is unhealthy",
                h.name,
                h.fqdn
                    .as_deref()
                    .or(h.ip_address.as_deref())
                    .unwrap_or_default()
            )),
            metric: AlarmMetric::Single {
                namespace: "AWS/Route53".into(),
                metric_name: "HealthCheckStatus".into(),
                dimensions: BTreeMap::from([("HealthCheckId".to_string(), id.clone())]),
                statistic: Some(Statistic::Minimum.as_str().into()),
                extended_statistic: None,
                period: 60,
            },
            evaluation_periods: a.evaluation_periods,
            datapoints_to_alarm: a.evaluation_periods,
            threshold: Some(1.0),
            comparison_operator: ComparisonOperator::LessThanThreshold.as_str().into(),
            treat_missing_data: TreatMissingData::Breaching.as_str().into(),
            actions: Actions {
                topics: vec![a.topic.clone()],
                notify_ok: a.notify_ok,
                ..Default::default()
            },
        })
        .collect()
}

/// Declared health checks with an alarm whose ID is not known yet (not created: `driftPolicy: Report`, or its
/// create failed): their alarm is missing, and cannot be written before the check exists.
pub fn alarms_waiting<'a>(
    spec: &'a MonitoringPolicySpec,
    ids: &BTreeMap<String, String>,
) -> Vec<&'a str> {
    spec.health_checks
        .iter()
        .filter(|h| h.alarm.is_some() && !ids.contains_key(&h.name))
        .map(|h| h.name.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: serde_json::Value) -> HealthCheckSpec {
        serde_json::from_value(v).unwrap()
    }

    fn paths(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn defaults_follow_route53_and_a_missing_check_is_one_drift() {
        let h = spec(
            json!({"name": "web", "type": "HTTPS", "fqdn": "shop.example.com", "resourcePath": "/healthz"}),
        );
        let s = settings(&h);
        assert_eq!(
            (s.port, s.request_interval, s.failure_threshold),
            (Some(443), Some(30), Some(3))
        );
        assert_eq!(paths(&drift(&h, None)), ["healthChecks.web.exists"]);
        assert!(drift(&h, Some(&s)).is_empty());
    }

    #[test]
    fn each_setting_drifts_on_its_own_and_immutable_ones_need_replacement() {
        let h = spec(
            json!({"name": "web", "type": "HTTPS_STR_MATCH", "fqdn": "shop.example.com",
            "searchString": "ok", "regions": ["us-west-2", "us-east-1", "eu-west-1"], "failureThreshold": 2}),
        );
        let mut have = settings(&h);
        assert_eq!(have.regions, ["eu-west-1", "us-east-1", "us-west-2"]);
        have.failure_threshold = Some(5);
        have.search_string = Some("OK".into());
        let d = drift(&h, Some(&have));
        assert_eq!(
            paths(&d),
            [
                "healthChecks.web.failureThreshold",
                "healthChecks.web.searchString"
            ]
        );
        assert!(!needs_replacement(&d));
        have = settings(&h);
        have.request_interval = Some(10);
        let d = drift(&h, Some(&have));
        assert_eq!(paths(&d), ["healthChecks.web.requestInterval"]);
        assert!(needs_replacement(&d));
        // Regions Route 53 chose are not drift when the spec declares none.
        let open =
            spec(json!({"name": "tcp", "type": "TCP", "ipAddress": "192.0.2.1", "port": 5432}));
        let mut have = settings(&open);
        have.regions = vec!["us-east-1".into()];
        assert!(drift(&open, Some(&have)).is_empty());
    }

    #[test]
    fn caller_reference_and_name_tag_are_stable_and_bounded() {
        let h = spec(
            json!({"name": "a-very-long-health-check-name-that-is-exactly-sixty-four-chars-x", "type": "HTTP", "fqdn": "x.example.com"}),
        );
        let p = crate::monitoring::short_prefix("payments", "checkout");
        let r = caller_reference(&p, &h.name, &settings(&h));
        assert!(r.len() <= 64, "{r}");
        assert_eq!(r, caller_reference(&p, &h.name, &settings(&h)));
        let mut other = settings(&h);
        other.port = Some(8080);
        assert_ne!(r, caller_reference(&p, &h.name, &other));
        let prefix = crate::monitoring::prefix("payments", "checkout");
        let tags = vec![(NAME_TAG.to_string(), name_tag(&prefix, "web"))];
        assert_eq!(name_from_tags(&prefix, &tags), Some("web"));
        assert_eq!(name_from_tags("awsbaseline.other.p.", &tags), None);
    }

    #[test]
    fn alarms_exist_for_checks_with_an_id_and_watch_their_status() {
        let s: MonitoringPolicySpec = serde_json::from_value(json!({"accountRef": {"name": "a"},
            "topics": [{"name": "oncall"}],
            "healthChecks": [
                {"name": "web", "type": "HTTPS", "fqdn": "shop.example.com", "alarm": {"topic": "oncall"}},
                {"name": "api", "type": "HTTPS", "fqdn": "api.example.com", "alarm": {"topic": "oncall", "evaluationPeriods": 3}},
                {"name": "quiet", "type": "HTTP", "fqdn": "q.example.com"}]}))
        .unwrap();
        let ids = BTreeMap::from([("web".to_string(), "hc-1".to_string())]);
        let prefix = crate::monitoring::prefix("shop", "app");
        let a = alarms(&s, &prefix, &ids);
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].aws_name, "awsbaseline.shop.app.healthCheck.web");
        assert_eq!(a[0].region, Some("us-east-1"));
        let f = a[0].fields(&BTreeMap::from([("oncall".into(), "arn:oncall".into())]));
        assert_eq!(
            f["healthChecks.web.alarm.dimensions"],
            json!({"HealthCheckId": "hc-1"})
        );
        assert_eq!(
            f["healthChecks.web.alarm.metricName"],
            json!("HealthCheckStatus")
        );
        assert_eq!(
            f["healthChecks.web.alarm.comparisonOperator"],
            json!("LessThanThreshold")
        );
        assert_eq!(
            f["healthChecks.web.alarm.alarmActions"],
            json!(["arn:oncall"])
        );
        assert_eq!(alarms_waiting(&s, &ids), ["api"]);
    }
}
