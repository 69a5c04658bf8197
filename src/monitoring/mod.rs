//! MonitoringPolicy rules (pure): AWS names derived from the policy, the CIS AWS Foundations monitoring set, and
//! the desired alarms, metric filters and topics with their field paths.

use crate::api::monitoring_policy::{
    AlarmSpec, CisItem, ComparisonOperator, MonitoringPolicySpec, Statistic, TreatMissingData,
};
use serde_json::{json, Value};
use std::collections::BTreeMap;

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

/// A metric alarm as PutMetricAlarm takes it, with the field path it is reported under.
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredAlarm {
    /// Field path prefix, e.g. `alarms.high-5xx` or `cisAwsFoundations.rootAccountUsage.alarm`.
    pub path: String,
    /// AWS alarm name.
    pub aws_name: String,
    /// Description.
    pub description: Option<String>,
    /// Metric namespace.
    pub namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Dimensions.
    pub dimensions: BTreeMap<String, String>,
    /// Statistic.
    pub statistic: Option<String>,
    /// Extended statistic.
    pub extended_statistic: Option<String>,
    /// Period (s).
    pub period: i32,
    /// Evaluation periods.
    pub evaluation_periods: i32,
    /// Datapoints to alarm (defaults to evaluation periods, as CloudWatch does).
    pub datapoints_to_alarm: i32,
    /// Threshold.
    pub threshold: f64,
    /// Comparison.
    pub comparison_operator: String,
    /// Missing data.
    pub treat_missing_data: String,
    /// Topic names to resolve to ARNs, plus literal ARNs, for ALARM.
    pub alarm_topics: Vec<String>,
    /// Literal ARNs for ALARM.
    pub alarm_arns: Vec<String>,
    /// Also notify the topics on OK.
    pub notify_ok: bool,
}

impl DesiredAlarm {
    /// Flattened settings for the diff; topic names resolved through `topic_arns` (unknown names stay as
    /// `topic:<name>` so a topic that does not exist yet shows as drift, not as a silent match).
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> crate::engine::diff::Fields {
        let (alarm_actions, ok_actions) = self.actions(topic_arns);
        let mut f = crate::engine::diff::Fields::new();
        let p = &self.path;
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.namespace"), json!(self.namespace));
        f.insert(format!("{p}.metricName"), json!(self.metric_name));
        f.insert(format!("{p}.dimensions"), json!(self.dimensions));
        f.insert(format!("{p}.statistic"), json!(self.statistic));
        f.insert(
            format!("{p}.extendedStatistic"),
            json!(self.extended_statistic),
        );
        f.insert(format!("{p}.period"), json!(self.period));
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
        f.insert(format!("{p}.alarmActions"), json!(alarm_actions));
        f.insert(format!("{p}.okActions"), json!(ok_actions));
        f.insert(
            format!("{p}.description"),
            json!(self.description.clone().unwrap_or_default()),
        );
        f
    }

    /// ALARM and OK action ARNs, sorted (CloudWatch returns them as a set).
    pub fn actions(&self, topic_arns: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>) {
        let topics: Vec<String> = self
            .alarm_topics
            .iter()
            .map(|t| {
                topic_arns
                    .get(t)
                    .cloned()
                    .unwrap_or_else(|| format!("topic:{t}"))
            })
            .collect();
        let mut alarm: Vec<String> = topics.iter().chain(&self.alarm_arns).cloned().collect();
        alarm.sort();
        alarm.dedup();
        let mut ok = if self.notify_ok { topics } else { Vec::new() };
        ok.sort();
        ok.dedup();
        (alarm, ok)
    }
}

/// A metric filter as PutMetricFilter takes it.
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredFilter {
    /// Field path prefix.
    pub path: String,
    /// Log group.
    pub log_group_name: String,
    /// AWS filter name.
    pub aws_name: String,
    /// Pattern.
    pub pattern: String,
    /// Metric namespace.
    pub metric_namespace: String,
    /// Metric name.
    pub metric_name: String,
    /// Metric value.
    pub metric_value: String,
}

impl DesiredFilter {
    /// Flattened settings for the diff.
    pub fn fields(&self) -> crate::engine::diff::Fields {
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
    DesiredAlarm {
        path: format!("alarms.{}", a.name),
        aws_name: format!("{prefix}{}", a.name),
        description: a.description.clone(),
        namespace: a.namespace.clone(),
        metric_name: a.metric_name.clone(),
        dimensions: a.dimensions.clone(),
        statistic: a.statistic.map(|s| s.as_str().to_string()),
        extended_statistic: a.extended_statistic.clone(),
        period: a.period,
        evaluation_periods: a.evaluation_periods,
        datapoints_to_alarm: a.datapoints_to_alarm.unwrap_or(a.evaluation_periods),
        threshold: a.threshold,
        comparison_operator: a.comparison_operator.as_str().to_string(),
        treat_missing_data: a.treat_missing_data.as_str().to_string(),
        alarm_topics: a.alarm_topics.clone(),
        alarm_arns: a.alarm_action_arns.clone(),
        notify_ok: a.notify_ok,
    }
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
                namespace: cis.metric_namespace.clone(),
                metric_name: metric,
                dimensions: BTreeMap::new(),
                statistic: Some(Statistic::Sum.as_str().into()),
                extended_statistic: None,
                period: 300,
                evaluation_periods: 1,
                datapoints_to_alarm: 1,
                threshold: 1.0,
                comparison_operator: ComparisonOperator::GreaterThanOrEqualToThreshold
                    .as_str()
                    .into(),
                treat_missing_data: TreatMissingData::NotBreaching.as_str().into(),
                alarm_topics: cis.topic.iter().cloned().collect(),
                alarm_arns: Vec::new(),
                notify_ok: false,
            });
        }
    }
    (alarms, filters)
}

/// Observed alarm settings flattened under a desired alarm's path (the same keys `DesiredAlarm::fields` uses).
pub fn observed_alarm_fields(path: &str, a: Option<&Value>) -> crate::engine::diff::Fields {
    let mut f = crate::engine::diff::Fields::new();
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
        assert_eq!(
            (
                root.period,
                root.evaluation_periods,
                root.threshold,
                root.statistic.as_deref()
            ),
            (300, 1, 1.0, Some("Sum"))
        );
        assert_eq!(root.treat_missing_data, "notBreaching");
        let arns = BTreeMap::from([("security".to_string(), "arn:sns:security".to_string())]);
        assert_eq!(root.actions(&arns).0, vec!["arn:sns:security"]);
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
}
