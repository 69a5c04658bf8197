//! Log metric filters (`spec.logMetricFilters` and the filters of `spec.cisAwsFoundations`), pure: the desired
//! filters, and per log group what a pass does with them. Metric filters carry no tags: the filters this policy
//! created are recorded in status as `<log group>:<filter name>`, and only those are ever deleted.

use super::cis::CIS;
use crate::api::monitoring_policy::MonitoringPolicySpec;
use crate::aws::logs::DesiredFilter;
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component of the filters declared in `spec.logMetricFilters`.
pub const LOG_METRIC_FILTERS: &str = "logMetricFilters";
/// Component of the CIS metric filters (the CIS alarms are component `cisAwsFoundations`); both report fields
/// under `cisAwsFoundations.<item>`.
pub const CIS_FILTERS: &str = "cisAwsFoundationsFilters";

impl DesiredFilter {
    /// Flattened settings for the diff.
    pub fn fields(&self) -> Fields {
        let p = &self.path;
        [
            (format!("{p}.exists"), json!(true)),
            (format!("{p}.filterPattern"), json!(self.pattern)),
            (format!("{p}.metricNamespace"), json!(self.metric_namespace)),
            (format!("{p}.metricName"), json!(self.metric_name)),
            (format!("{p}.metricValue"), json!(self.metric_value)),
        ]
        .into_iter()
        .collect()
    }

    /// The component the filter reports under.
    pub fn component(&self) -> &'static str {
        if self.path.starts_with("cis") {
            CIS_FILTERS
        } else {
            LOG_METRIC_FILTERS
        }
    }
}

/// Every metric filter the spec declares: `spec.logMetricFilters`, then the CIS set (minus exclusions).
pub fn desired_filters(spec: &MonitoringPolicySpec, prefix: &str) -> Vec<DesiredFilter> {
    let mut filters: Vec<DesiredFilter> = spec
        .log_metric_filters
        .iter()
        .map(|f| DesiredFilter {
            path: format!("logMetricFilters.{}", f.name),
            log_group_name: f.log_group_name.clone(),
            aws_name: format!("{prefix}{}", f.name),
            pattern: f.pattern.clone(),
            metric_namespace: f.metric_namespace.clone(),
            metric_name: f.metric_name.clone(),
            metric_value: f.metric_value.clone(),
        })
        .collect();
    if let Some(cis) = &spec.cis_aws_foundations {
        for d in CIS.iter().filter(|d| !cis.exclude.contains(&d.item)) {
            filters.push(DesiredFilter {
                path: format!("cisAwsFoundations.{}.filter", d.key),
                log_group_name: cis.log_group_name.clone(),
                aws_name: format!("{prefix}cis.{}", d.key),
                pattern: d.pattern.to_string(),
                metric_namespace: cis.metric_namespace.clone(),
                metric_name: format!("{prefix}cis.{}", d.key),
                metric_value: "1".into(),
            });
        }
    }
    filters
}

/// The status record of a filter: `<log group>:<filter name>`.
pub fn record_key(group: &str, name: &str) -> String {
    format!("{group}:{name}")
}

/// The log groups a pass reads: those of declared filters (with them) and those of recorded filters (so that
/// filters the spec dropped are found).
pub fn by_group<'a>(
    filters: &'a [DesiredFilter],
    recorded: &'a BTreeSet<String>,
) -> BTreeMap<&'a str, Vec<&'a DesiredFilter>> {
    let mut by_group: BTreeMap<&str, Vec<&DesiredFilter>> = BTreeMap::new();
    for f in filters {
        by_group
            .entry(f.log_group_name.as_str())
            .or_default()
            .push(f);
    }
    for key in recorded {
        if let Some((group, _)) = key.split_once(':') {
            by_group.entry(group).or_default();
        }
    }
    by_group
}

/// Observed filter settings flattened under a desired filter's path (`None`: no filter of that name).
pub fn observed_fields(path: &str, observed: Option<&Value>) -> Fields {
    let mut have = Fields::new();
    have.insert(format!("{path}.exists"), json!(observed.is_some()));
    if let Some(Value::Object(m)) = observed {
        for (k, v) in m {
            have.insert(format!("{path}.{k}"), v.clone());
        }
    }
    have
}

/// The drift of a declared filter whose log group does not exist (its filter cannot be created).
pub fn missing_group_drift(f: &DesiredFilter) -> FieldDrift {
    FieldDrift {
        field: format!("{}.exists", f.path),
        desired: json!(true),
        actual: json!(false),
    }
}

/// The write one step of a log group's plan needs.
#[derive(Clone, Debug, PartialEq)]
pub enum FilterWrite<'a> {
    /// PutMetricFilter (creates or replaces).
    Put(&'a DesiredFilter),
    /// DeleteMetricFilter of a filter this policy created that the spec no longer declares.
    Delete(String),
}

/// One filter of a log group's plan.
#[derive(Clone, Debug, PartialEq)]
pub struct FilterStep<'a> {
    /// `LOG_METRIC_FILTERS` or `CIS_FILTERS`.
    pub component: &'static str,
    /// Drift of the filter (empty: in sync).
    pub drift: Vec<FieldDrift>,
    /// The filter is declared and missing.
    pub missing: bool,
    /// What to write (`None`: nothing).
    pub write: Option<FilterWrite<'a>>,
    /// Status record of the filter.
    pub key: String,
    /// The record stays whatever the write does (a declared filter that was missing or recorded); a deleted
    /// filter's record stays only while it is not deleted.
    pub keep_record: bool,
}

/// What a pass does with the filters of one existing log group: `observed` are its filters under the policy's
/// prefix, `recorded` the status record of what this policy created. Declared filters come first (in spec
/// order), then the recorded filters the spec dropped.
pub fn plan_group<'a>(
    group: &str,
    wanted: &[&'a DesiredFilter],
    observed: &BTreeMap<String, Value>,
    recorded: &BTreeSet<String>,
    prefix: &str,
) -> Vec<FilterStep<'a>> {
    let mut steps = Vec::new();
    for f in wanted {
        let key = record_key(group, &f.aws_name);
        let obs = observed.get(&f.aws_name);
        let drift = diff_resources(&f.fields(), &observed_fields(&f.path, obs));
        steps.push(FilterStep {
            component: f.component(),
            missing: !drift.is_empty() && obs.is_none(),
            write: (!drift.is_empty()).then_some(FilterWrite::Put(f)),
            drift,
            keep_record: obs.is_none() || recorded.contains(&key),
            key,
        });
    }
    let names: BTreeSet<&str> = wanted.iter().map(|f| f.aws_name.as_str()).collect();
    for name in observed.keys().filter(|n| !names.contains(n.as_str())) {
        let key = record_key(group, name);
        if !recorded.contains(&key) {
            continue;
        }
        let rel = name.strip_prefix(prefix).unwrap_or(name);
        let (component, field) = match rel.strip_prefix("cis.") {
            Some(item) => (
                CIS_FILTERS,
                format!("cisAwsFoundations.{item}.filter.exists"),
            ),
            None => (
                LOG_METRIC_FILTERS,
                format!("{LOG_METRIC_FILTERS}.{rel}.exists"),
            ),
        };
        steps.push(FilterStep {
            component,
            drift: vec![FieldDrift {
                field,
                desired: json!(false),
                actual: json!(true),
            }],
            missing: false,
            write: Some(FilterWrite::Delete(name.clone())),
            key,
            keep_record: false,
        });
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::monitoring::prefix;

    fn spec(v: Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    fn filters() -> Vec<DesiredFilter> {
        let s = spec(json!({"accountRef": {"name": "a"},
            "logMetricFilters": [{"name": "errors", "logGroupName": "/app", "pattern": "ERROR",
                "metricNamespace": "App", "metricName": "Errors"}],
            "cisAwsFoundations": {"logGroupName": "/trail", "exclude": ["organizationsChanges"]}}));
        desired_filters(&s, &prefix("web", "app"))
    }

    fn observed_of(f: &DesiredFilter) -> Value {
        json!({"filterPattern": f.pattern, "metricNamespace": f.metric_namespace,
            "metricName": f.metric_name, "metricValue": f.metric_value})
    }

    #[test]
    fn declared_and_cis_filters_report_under_their_component() {
        let all = filters();
        assert_eq!(all.len(), 15);
        assert_eq!(all[0].aws_name, "awsbaseline.web.app.errors");
        assert_eq!(all[0].component(), LOG_METRIC_FILTERS);
        assert!(all[1..].iter().all(|f| f.component() == CIS_FILTERS));
        assert_eq!(all[1].metric_name, all[1].aws_name);
        let recorded = BTreeSet::from(["/old:awsbaseline.web.app.x".to_string()]);
        let groups: Vec<&str> = by_group(&all, &recorded).into_keys().collect();
        assert_eq!(groups, ["/app", "/old", "/trail"]);
    }

    #[test]
    fn a_missing_filter_is_put_and_recorded_an_unrecorded_one_in_sync_is_not() {
        let all = filters();
        let wanted = vec![&all[0], &all[1]];
        let observed = BTreeMap::from([(all[1].aws_name.clone(), observed_of(&all[1]))]);
        let steps = plan_group(
            "/g",
            &wanted,
            &observed,
            &BTreeSet::new(),
            "awsbaseline.web.app.",
        );
        assert_eq!(steps.len(), 2);
        assert_eq!(steps[0].drift, [missing_group_drift(&all[0])]);
        assert!(steps[0].missing && steps[0].keep_record);
        assert_eq!(steps[0].write, Some(FilterWrite::Put(&all[0])));
        assert_eq!(steps[0].key, "/g:awsbaseline.web.app.errors");
        assert!(steps[1].drift.is_empty() && steps[1].write.is_none() && !steps[1].keep_record);
    }

    #[test]
    fn a_changed_filter_is_put_without_counting_as_missing() {
        let all = filters();
        let mut seen = observed_of(&all[0]);
        seen["filterPattern"] = json!("WARN");
        let observed = BTreeMap::from([(all[0].aws_name.clone(), seen)]);
        let recorded = BTreeSet::from(["/g:awsbaseline.web.app.errors".to_string()]);
        let steps = plan_group(
            "/g",
            &[&all[0]],
            &observed,
            &recorded,
            "awsbaseline.web.app.",
        );
        assert_eq!(steps[0].drift.len(), 1);
        assert_eq!(
            steps[0].drift[0].field,
            "logMetricFilters.errors.filterPattern"
        );
        assert!(!steps[0].missing && steps[0].keep_record);
    }

    #[test]
    fn only_recorded_filters_the_spec_dropped_are_deleted() {
        let observed = BTreeMap::from([
            ("awsbaseline.web.app.old".to_string(), json!({})),
            ("awsbaseline.web.app.cis.vpcChanges".to_string(), json!({})),
            ("awsbaseline.web.app.theirs".to_string(), json!({})),
        ]);
        let recorded = BTreeSet::from([
            "/g:awsbaseline.web.app.old".to_string(),
            "/g:awsbaseline.web.app.cis.vpcChanges".to_string(),
        ]);
        let steps = plan_group("/g", &[], &observed, &recorded, "awsbaseline.web.app.");
        let got: Vec<(&str, &str)> = steps
            .iter()
            .map(|s| (s.component, s.drift[0].field.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (CIS_FILTERS, "cisAwsFoundations.vpcChanges.filter.exists"),
                (LOG_METRIC_FILTERS, "logMetricFilters.old.exists"),
            ]
        );
        assert_eq!(
            steps[1].write,
            Some(FilterWrite::Delete("awsbaseline.web.app.old".into()))
        );
        assert!(steps.iter().all(|s| !s.keep_record && !s.missing));
    }
}
