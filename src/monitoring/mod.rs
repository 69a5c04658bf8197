//! MonitoringPolicy rules (pure): AWS names derived from the policy, the CIS AWS Foundations monitoring set, and
//! the desired alarms, metric filters and topics with their field paths.

use crate::api::monitoring_policy::{
    AlarmSpec, CisItem, ComparisonOperator, MonitoringPolicySpec, Statistic, TreatMissingData,
};
use crate::aws::cloudwatch::{Actions, AlarmMetric, DesiredAlarm, DesiredComposite, MetricQuery};
use crate::aws::logs::DesiredFilter;
use crate::diff::Fields;
use serde_json::{json, Value};
use std::collections::BTreeMap;

pub mod rules;

/// Prefix of every alarm and metric filter a policy owns: `awsbaseline.<namespace>.<policy>.`. Namespace and
/// name are DNS labels/subdomains, so the prefix is unique per policy and two policies never collide.
pub fn prefix(namespace: &str, name: &str) -> String {
    format!("awsbaseline.{namespace}.{name}.")
}

/// One item of the CIS set: its filter pattern and the controls it satisfies.
#[derive(Clone, Copy, Debug)]
pub struct CisDefinition {
    /// The item.
    pub item: CisItem,
    /// Stable key used in names and field paths.
    pub key: &'static str,
    /// CloudWatch Logs filter pattern over CloudTrail events (CIS AWS Foundations Benchmark).
    pub pattern: &'static str,
    /// Security Hub / CIS control IDs.
    pub controls: &'static [&'static str],
}

/// The CIS AWS Foundations monitoring set (CIS 1.4 / 3.0 section 4; Security Hub CloudWatch.1-14).
pub const CIS: &[CisDefinition] = &[
    CisDefinition {
        item: CisItem::UnauthorizedApiCalls,
        key: "unauthorizedApiCalls",
        pattern: r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#,
        controls: &["CloudWatch.2", "CIS 4.1"],
    },
    CisDefinition {
        item: CisItem::ConsoleSignInWithoutMfa,
        key: "consoleSignInWithoutMfa",
        pattern: r#"{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }"#,
        controls: &["CloudWatch.3", "CIS 4.2"],
    },
    CisDefinition {
        item: CisItem::RootAccountUsage,
        key: "rootAccountUsage",
        pattern: r#"{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }"#,
        controls: &["CloudWatch.1", "CIS 4.3"],
    },
    CisDefinition {
        item: CisItem::IamPolicyChanges,
        key: "iamPolicyChanges",
        pattern: "{ ($.eventName = DeleteGroupPolicy) || ($.eventName = DeleteRolePolicy) || ($.eventName = DeleteUserPolicy) || ($.eventName = PutGroupPolicy) || ($.eventName = PutRolePolicy) || ($.eventName = PutUserPolicy) || ($.eventName = CreatePolicy) || ($.eventName = DeletePolicy) || ($.eventName = CreatePolicyVersion) || ($.eventName = DeletePolicyVersion) || ($.eventName = AttachRolePolicy) || ($.eventName = DetachRolePolicy) || ($.eventName = AttachUserPolicy) || ($.eventName = DetachUserPolicy) || ($.eventName = AttachGroupPolicy) || ($.eventName = DetachGroupPolicy) }",
        controls: &["CloudWatch.4", "CIS 4.4"],
    },
    CisDefinition {
        item: CisItem::CloudTrailChanges,
        key: "cloudTrailChanges",
        pattern: "{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }",
        controls: &["CloudWatch.5", "CIS 4.5"],
    },
    CisDefinition {
        item: CisItem::ConsoleAuthenticationFailures,
        key: "consoleAuthenticationFailures",
        pattern: r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#,
        controls: &["CloudWatch.6", "CIS 4.6"],
    },
    CisDefinition {
        item: CisItem::CmkDisableOrDeletion,
        key: "cmkDisableOrDeletion",
        pattern: "{ ($.eventSource = kms.amazonaws.com) && (($.eventName = DisableKey) || ($.eventName = ScheduleKeyDeletion)) }",
        controls: &["CloudWatch.7", "CIS 4.7"],
    },
    CisDefinition {
        item: CisItem::S3BucketPolicyChanges,
        key: "s3BucketPolicyChanges",
        pattern: "{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }",
        controls: &["CloudWatch.8", "CIS 4.8"],
    },
    CisDefinition {
        item: CisItem::ConfigChanges,
        key: "configChanges",
        pattern: "{ ($.eventSource = config.amazonaws.com) && (($.eventName = StopConfigurationRecorder) || ($.eventName = DeleteDeliveryChannel) || ($.eventName = PutDeliveryChannel) || ($.eventName = PutConfigurationRecorder)) }",
        controls: &["CloudWatch.9", "CIS 4.9"],
    },
    CisDefinition {
        item: CisItem::SecurityGroupChanges,
        key: "securityGroupChanges",
        pattern: "{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }",
        controls: &["CloudWatch.10", "CIS 4.10"],
    },
    CisDefinition {
        item: CisItem::NaclChanges,
        key: "naclChanges",
        pattern: "{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }",
        controls: &["CloudWatch.11", "CIS 4.11"],
    },
    CisDefinition {
        item: CisItem::NetworkGatewayChanges,
        key: "networkGatewayChanges",
        pattern: "{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }",
        controls: &["CloudWatch.12", "CIS 4.12"],
    },
    CisDefinition {
        item: CisItem::RouteTableChanges,
        key: "routeTableChanges",
        pattern: "{ ($.eventSource = ec2.amazonaws.com) && (($.eventName = CreateRoute) || ($.eventName = CreateRouteTable) || ($.eventName = ReplaceRoute) || ($.eventName = ReplaceRouteTableAssociation) || ($.eventName = DeleteRouteTable) || ($.eventName = DeleteRoute) || ($.eventName = DisassociateRouteTable)) }",
        controls: &["CloudWatch.13", "CIS 4.13"],
    },
    CisDefinition {
        item: CisItem::VpcChanges,
        key: "vpcChanges",
        pattern: "{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }",
        controls: &["CloudWatch.14", "CIS 4.14"],
    },
    CisDefinition {
        item: CisItem::OrganizationsChanges,
        key: "organizationsChanges",
        pattern: r#"{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }"#,
        controls: &["CIS 4.15"],
    },
];

/// Control IDs for a MonitoringPolicy drift field (`cisAwsFoundations.<key>...`).
pub fn controls_for(field: &str) -> Vec<String> {
    let Some(rest) = field.strip_prefix("cisAwsFoundations.") else {
        return Vec::new();
    };
    let key = rest.split('.').next().unwrap_or_default();
    CIS.iter()
        .find(|d| d.key == key)
        .map(|d| d.controls.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default()
}

impl Actions {
    fn insert(&self, f: &mut Fields, p: &str, topic_arns: &BTreeMap<String, String>) {
        let (alarm, ok, insufficient) = self.resolve(topic_arns);
        f.insert(format!("{p}.alarmActions"), json!(alarm));
        f.insert(format!("{p}.okActions"), json!(ok));
        f.insert(format!("{p}.insufficientDataActions"), json!(insufficient));
    }
}

impl DesiredAlarm {
    /// Flattened settings for the diff; topic names resolved through `topic_arns`.
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> Fields {
        let mut f = Fields::new();
        let p = &self.path;
        f.insert(format!("{p}.exists"), json!(true));
        match &self.metric {
            AlarmMetric::Single {
                namespace,
                metric_name,
                dimensions,
                statistic,
                extended_statistic,
                period,
            } => {
                f.insert(format!("{p}.namespace"), json!(namespace));
                f.insert(format!("{p}.metricName"), json!(metric_name));
                f.insert(format!("{p}.dimensions"), json!(dimensions));
                f.insert(format!("{p}.statistic"), json!(statistic));
                f.insert(format!("{p}.extendedStatistic"), json!(extended_statistic));
                f.insert(format!("{p}.period"), json!(period));
            }
            AlarmMetric::Math {
                queries,
                threshold_metric_id,
            } => {
                let q: Vec<Value> = queries.iter().map(MetricQuery::to_json).collect();
                f.insert(format!("{p}.metrics"), json!(q));
                f.insert(format!("{p}.thresholdMetricId"), json!(threshold_metric_id));
            }
        }
        f.insert(
            format!("{p}.evaluationPeriods"),
            json!(self.evaluation_periods),
        );
        f.insert(
            format!("{p}.datapointsToAlarm"),
            json!(self.datapoints_to_alarm),
        );
        f.insert(format!("{p}.threshold"), json!(self.threshold));
        f.insert(
            format!("{p}.comparisonOperator"),
            json!(self.comparison_operator),
        );
        f.insert(
            format!("{p}.treatMissingData"),
            json!(self.treat_missing_data),
        );
        self.actions.insert(&mut f, p, topic_arns);
        f.insert(
            format!("{p}.description"),
            json!(self.description.clone().unwrap_or_default()),
        );
        f
    }
}

impl DesiredComposite {
    /// Flattened settings for the diff.
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> Fields {
        let p = &self.path;
        let mut f = Fields::new();
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.alarmRule"), json!(self.rule));
        self.actions.insert(&mut f, p, topic_arns);
        f.insert(
            format!("{p}.description"),
            json!(self.description.clone().unwrap_or_default()),
        );
        f
    }
}

/// Rewrite `ALARM(x)`, `OK(x)`, `INSUFFICIENT_DATA(x)` (x bare or quoted) naming one of `local` alarms to the
/// quoted AWS name `<prefix>x`; other references are kept as written.
pub fn composite_rule(rule: &str, prefix: &str, local: &[&str]) -> String {
    let mut out = String::with_capacity(rule.len());
    let mut rest = rule;
    while let Some(open) = rest.find('(') {
        let head = &rest[..open];
        let func = head
            .rsplit(|c: char| !(c.is_ascii_uppercase() || c == '_'))
            .next()
            .unwrap_or_default();
        let after = &rest[open + 1..];
        let close = after.find(')');
        match close {
            Some(close) if ["ALARM", "OK", "INSUFFICIENT_DATA"].contains(&func) => {
                let arg = after[..close].trim();
                let name = arg.trim_matches('"');
                out.push_str(head);
                out.push('(');
                if local.contains(&name) {
                    out.push_str(&format!("\"{prefix}{name}\""));
                } else {
                    out.push_str(&after[..close]);
                }
                out.push(')');
                rest = &after[close + 1..];
            }
            _ => {
                out.push_str(&rest[..=open]);
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Short, stable prefix for names that cannot hold the full `awsbaseline.<namespace>.<policy>.` (EventBridge
/// rules: 64 characters, dashboards: no dots): `awsbaseline-<10 hex of FNV-1a(namespace/name)>-`. Ownership of
/// what carries it is still proven by tags or the status record, never by the name alone.
pub fn short_prefix(namespace: &str, name: &str) -> String {
    let h = crate::names::stable_hash(&format!("{namespace}/{name}"));
    format!("awsbaseline-{:010x}-", h >> 24)
}

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
}

fn from_spec(prefix: &str, a: &AlarmSpec) -> DesiredAlarm {
    let stat = a
        .statistic
        .map(|s| s.as_str().to_string())
        .or(a.extended_statistic.clone());
    let metric = if !a.metrics.is_empty() {
        AlarmMetric::Math {
            queries: a
                .metrics
                .iter()
                .map(|q| MetricQuery {
                    id: q.id.clone(),
                    expression: q.expression.clone(),
                    metric: q.metric.as_ref().map(|m| {
                        (
                            m.namespace.clone(),
                            m.metric_name.clone(),
                            m.dimensions.clone(),
                            m.stat.clone(),
                            m.period,
                        )
                    }),
                    label: q.label.clone(),
                    return_data: q.return_data.unwrap_or(true),
                })
                .collect(),
            threshold_metric_id: a.threshold_metric_id.clone(),
        }
    } else if let Some(band) = &a.anomaly_band {
        // The band form CloudWatch's console creates: the metric and ANOMALY_DETECTION_BAND over it.
        AlarmMetric::Math {
            queries: vec![
                MetricQuery {
                    id: "m1".into(),
                    expression: None,
                    metric: Some((
                        a.namespace.clone().unwrap_or_default(),
                        a.metric_name.clone().unwrap_or_default(),
                        a.dimensions.clone(),
                        stat.unwrap_or_default(),
                        a.period.unwrap_or(60),
                    )),
                    label: None,
                    return_data: true,
                },
                MetricQuery {
                    id: "ad1".into(),
                    expression: Some(format!(
                        "ANOMALY_DETECTION_BAND(m1, {})",
                        band.standard_deviations
                    )),
                    metric: None,
                    label: None,
                    return_data: true,
                },
            ],
            threshold_metric_id: Some("ad1".into()),
        }
    } else {
        AlarmMetric::Single {
            namespace: a.namespace.clone().unwrap_or_default(),
            metric_name: a.metric_name.clone().unwrap_or_default(),
            dimensions: a.dimensions.clone(),
            statistic: a.statistic.map(|s| s.as_str().to_string()),
            extended_statistic: a.extended_statistic.clone(),
            period: a.period.unwrap_or(60),
        }
    };
    DesiredAlarm {
        path: format!("alarms.{}", a.name),
        aws_name: format!("{prefix}{}", a.name),
        region: None,
        description: a.description.clone(),
        metric,
        evaluation_periods: a.evaluation_periods,
        datapoints_to_alarm: a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
        threshold: a.threshold,
        comparison_operator: a.comparison_operator.as_str().to_string(),
        treat_missing_data: a.treat_missing_data.as_str().to_string(),
        actions: Actions {
            topics: a.alarm_topics.clone(),
            alarm_arns: a.alarm_action_arns.clone(),
            ok_arns: a.ok_action_arns.clone(),
            insufficient_arns: a.insufficient_data_action_arns.clone(),
            notify_ok: a.notify_ok,
            notify_insufficient: a.notify_insufficient_data,
        },
    }
}

/// Region CloudWatch publishes billing metrics in.
pub const BILLING_REGION: &str = "us-east-1";

/// Composite alarms of the spec, their rules pointing at this policy's alarms by AWS name.
pub fn composites(spec: &MonitoringPolicySpec, prefix: &str) -> Vec<DesiredComposite> {
    let local: Vec<&str> = spec.alarms.iter().map(|a| a.name.as_str()).collect();
    spec.composite_alarms
        .iter()
        .map(|c| DesiredComposite {
            path: format!("compositeAlarms.{}", c.name),
            aws_name: format!("{prefix}{}", c.name),
            description: c.description.clone(),
            rule: composite_rule(&c.rule, prefix, &local),
            actions: Actions {
                topics: c.alarm_topics.clone(),
                alarm_arns: c.alarm_action_arns.clone(),
                notify_ok: c.notify_ok,
                ..Default::default()
            },
        })
        .collect()
}

/// Every alarm and metric filter the spec declares, the CIS set expanded.
pub fn desired(
    spec: &MonitoringPolicySpec,
    prefix: &str,
) -> (Vec<DesiredAlarm>, Vec<DesiredFilter>) {
    let mut alarms: Vec<DesiredAlarm> = spec.alarms.iter().map(|a| from_spec(prefix, a)).collect();
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
            let metric = format!("{prefix}cis.{}", d.key);
            filters.push(DesiredFilter {
                path: format!("cisAwsFoundations.{}.filter", d.key),
                log_group_name: cis.log_group_name.clone(),
                aws_name: format!("{prefix}cis.{}", d.key),
                pattern: d.pattern.to_string(),
                metric_namespace: cis.metric_namespace.clone(),
                metric_name: metric.clone(),
                metric_value: "1".into(),
            });
            alarms.push(DesiredAlarm {
                path: format!("cisAwsFoundations.{}.alarm", d.key),
                aws_name: format!("{prefix}cis.{}", d.key),
                description: Some(format!(
                    "CIS AWS Foundations {} ({})",
                    d.key,
                    d.controls.join(", ")
                )),
                region: None,
                metric: AlarmMetric::Single {
                    namespace: cis.metric_namespace.clone(),
                    metric_name: metric,
                    dimensions: BTreeMap::new(),
                    statistic: Some(Statistic::Sum.as_str().into()),
                    extended_statistic: None,
                    period: 300,
                },
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: Some(1.0),
                comparison_operator: ComparisonOperator::GreaterThanOrEqualToThreshold
                    .as_str()
                    .into(),
                treat_missing_data: TreatMissingData::NotBreaching.as_str().into(),
                actions: Actions {
                    topics: cis.topic.iter().cloned().collect(),
                    ..Default::default()
                },
            });
        }
    }
    if let Some(b) = &spec.billing_alarm {
        for t in &b.thresholds {
            alarms.push(DesiredAlarm {
                path: format!("billingAlarm.{t}"),
                aws_name: format!("{prefix}billing.{t}"),
                region: Some(BILLING_REGION),
                description: Some(format!("Estimated charges above {t} {}", b.currency)),
                metric: AlarmMetric::Single {
                    namespace: "AWS/Billing".into(),
                    metric_name: "EstimatedCharges".into(),
                    dimensions: BTreeMap::from([("Currency".to_string(), b.currency.clone())]),
                    statistic: Some(Statistic::Maximum.as_str().into()),
                    extended_statistic: None,
                    period: 21600,
                },
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: Some(*t),
                comparison_operator: ComparisonOperator::GreaterThanThreshold.as_str().into(),
                treat_missing_data: TreatMissingData::NotBreaching.as_str().into(),
                actions: Actions {
                    topics: b.topic.iter().cloned().collect(),
                    ..Default::default()
                },
            });
        }
    }
    (alarms, filters)
}

/// Observed alarm settings flattened under a desired alarm's path (the same keys `DesiredAlarm::fields` uses).
pub fn observed_alarm_fields(path: &str, a: Option<&Value>) -> Fields {
    let mut f = Fields::new();
    f.insert(format!("{path}.exists"), json!(a.is_some()));
    if let Some(Value::Object(m)) = a {
        for (k, v) in m {
            f.insert(format!("{path}.{k}"), v.clone());
        }
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn spec(v: Value) -> MonitoringPolicySpec {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn cis_table_is_complete_and_unique() {
        let items: BTreeSet<String> = CIS.iter().map(|d| format!("{:?}", d.item)).collect();
        assert_eq!(items.len(), 15, "the 15 CIS monitoring items");
        let keys: BTreeSet<&str> = CIS.iter().map(|d| d.key).collect();
        assert_eq!(keys.len(), CIS.len());
        for d in CIS {
            let serialized = serde_json::to_value(d.item).unwrap();
            assert_eq!(serialized, json!(d.key), "key is the spec's enum value");
            assert!(
                d.pattern.starts_with('{') && d.pattern.ends_with('}'),
                "{}",
                d.key
            );
            assert!(!d.controls.is_empty());
        }
        assert_eq!(
            controls_for("cisAwsFoundations.rootAccountUsage.alarm.threshold"),
            vec!["CloudWatch.1", "CIS 4.3"]
        );
        assert!(controls_for("alarms.x.threshold").is_empty());
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
    fn alarm_fields_resolve_topics_and_default_datapoints() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "alarms": [{"name": "alb-5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
                "dimensions": {"LoadBalancer": "app/web/1"}, "statistic": "Sum", "period": 60, "evaluationPeriods": 3,
                "threshold": 10.0, "comparisonOperator": "GreaterThanThreshold", "alarmTopics": ["ops"], "notifyOk": true}]}),
        );
        let (alarms, _) = desired(&s, &prefix("web", "app"));
        let a = &alarms[0];
        assert_eq!(a.aws_name, "awsbaseline.web.app.alb-5xx");
        let f = a.fields(&BTreeMap::new());
        assert_eq!(f["alarms.alb-5xx.datapointsToAlarm"], json!(3));
        assert_eq!(f["alarms.alb-5xx.alarmActions"], json!(["topic:ops"]));
        let f = a.fields(&BTreeMap::from([("ops".into(), "arn:ops".into())]));
        assert_eq!(f["alarms.alb-5xx.okActions"], json!(["arn:ops"]));
    }

    #[test]
    fn composite_rules_name_local_alarms_by_aws_name_and_keep_others() {
        let p = prefix("web", "app");
        assert_eq!(
            composite_rule(
                "(ALARM(a) OR ALARM(\"b\")) AND NOT OK(c) AND INSUFFICIENT_DATA( a )",
                &p,
                &["a", "b"]
            ),
            "(ALARM(\"awsbaseline.web.app.a\") OR ALARM(\"awsbaseline.web.app.b\")) AND NOT OK(c) AND INSUFFICIENT_DATA(\"awsbaseline.web.app.a\")"
        );
        assert_eq!(composite_rule("TRUE", &p, &["a"]), "TRUE");
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
    fn anomaly_band_and_billing_expand_to_what_cloudwatch_takes() {
        let s = spec(
            json!({"accountRef": {"name": "a"}, "topics": [{"name": "ops"}],
            "alarms": [{"name": "req", "namespace": "AWS/ApplicationELB", "metricName": "RequestCount",
                "statistic": "Sum", "period": 300, "anomalyBand": {"standardDeviations": 2.5}, "evaluationPeriods": 1,
                "comparisonOperator": "GreaterThanUpperThreshold"}],
            "billingAlarm": {"thresholds": [250.0], "topic": "ops"}}),
        );
        let (alarms, _) = desired(&s, &prefix("web", "app"));
        let f = alarms[0].fields(&BTreeMap::new());
        assert_eq!(f["alarms.req.thresholdMetricId"], json!("ad1"));
        assert_eq!(f["alarms.req.threshold"], Value::Null);
        assert_eq!(
            f["alarms.req.metrics"][1]["expression"],
            json!("ANOMALY_DETECTION_BAND(m1, 2.5)")
        );
        let billing = &alarms[1];
        assert_eq!(billing.aws_name, "awsbaseline.web.app.billing.250");
        assert_eq!(billing.region, Some(BILLING_REGION));
        assert_eq!(
            billing.fields(&BTreeMap::new())["billingAlarm.250.dimensions"],
            json!({"Currency": "USD"})
        );
    }
}
