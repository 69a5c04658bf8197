//! EventBridge rules of a MonitoringPolicy (`spec.findingRoutes`, `spec.scheduledActions`; pure): finding routes (event patterns with severity filters and input
//! transformers that make the notification readable) and scheduled actions (SSM Automation / Run Command
//! targets), each with the field paths drift is reported at.

use crate::api::common::Owner;
use crate::api::monitoring_policy::{
    FindingRouteSpec, FindingSource, MonitoringPolicySpec, ScheduledActionSpec, SeverityLabel,
};
use crate::aws::events::{DesiredRule, ObservedRule, RuleTarget};
use crate::aws::partition;
use crate::diff::{diff_resources, FieldDrift, Fields};
use crate::engine::role::{self, OwnedRole};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Component of finding routes.
pub const ROUTES: &str = "findingRoutes";
/// Component of scheduled actions.
pub const SCHEDULES: &str = "scheduledActions";
/// Component of the role the operator creates for scheduled actions (`scheduledActions[].createRole`).
pub const SCHEDULES_ROLE: &str = "scheduledActionsRole";

/// GuardDuty severity forwarded when a route does not say (7.0 and above is "high").
pub const DEFAULT_GUARDDUTY_SEVERITY: f64 = 7.0;

impl RuleTarget {
    /// The target as compared: one JSON object per setting.
    pub fn to_fields(&self, path: &str, out: &mut Fields) {
        out.insert(format!("{path}.target.arn"), json!(self.arn));
        out.insert(format!("{path}.target.roleArn"), json!(self.role_arn));
        out.insert(format!("{path}.target.input"), json!(self.input));
        out.insert(
            format!("{path}.target.inputTransformer"),
            match &self.input_transformer {
                Some((paths, template)) => {
                    json!({"inputPathsMap": paths, "inputTemplate": template})
                }
                None => Value::Null,
            },
        );
        let targets: Vec<Value> = self
            .run_command_targets
            .iter()
            .map(|(k, v)| json!({"key": k, "values": v}))
            .collect();
        out.insert(
            format!("{path}.target.runCommandTargets"),
            if targets.is_empty() {
                Value::Null
            } else {
                Value::Array(targets)
            },
        );
    }
}

impl DesiredRule {
    /// The target with the route's topic ARN resolved (empty when the topic does not exist yet).
    pub fn target(&self, topic_arns: &BTreeMap<String, String>) -> RuleTarget {
        let mut t = self.target.clone();
        if let Some(topic) = &self.topic {
            t.arn = topic_arns.get(topic).cloned().unwrap_or_default();
        }
        t
    }

    /// Desired fields: the rule's settings and its target.
    pub fn fields(&self, topic_arns: &BTreeMap<String, String>) -> Fields {
        let mut f = self.settings_fields();
        self.target(topic_arns).to_fields(&self.path, &mut f);
        f
    }

    /// Desired settings PutRule writes (with `exists`).
    fn settings_fields(&self) -> Fields {
        let mut f = Fields::new();
        let p = &self.path;
        f.insert(format!("{p}.exists"), json!(true));
        f.insert(format!("{p}.description"), json!(self.description));
        f.insert(format!("{p}.eventPattern"), json!(self.event_pattern));
        f.insert(format!("{p}.schedule"), json!(self.schedule));
        f.insert(format!("{p}.state"), json!(self.state));
        f
    }
}

/// Observed fields at a desired rule's path (`exists: false` only when the rule is missing).
pub fn observed_fields(path: &str, o: Option<&ObservedRule>) -> Fields {
    let mut f = observed_settings(path, o);
    if let Some(o) = o {
        observed_target(path, o, &mut f);
    }
    f
}

fn observed_settings(path: &str, o: Option<&ObservedRule>) -> Fields {
    let mut f = Fields::new();
    f.insert(format!("{path}.exists"), json!(o.is_some()));
    let Some(o) = o else { return f };
    f.insert(format!("{path}.description"), json!(o.description));
    f.insert(format!("{path}.eventPattern"), json!(o.event_pattern));
    f.insert(format!("{path}.schedule"), json!(o.schedule));
    f.insert(format!("{path}.state"), json!(o.state));
    f
}

fn observed_target(path: &str, o: &ObservedRule, f: &mut Fields) {
    match &o.target {
        Some(t) => t.to_fields(path, f),
        None => {
            for k in [
                "arn",
                "roleArn",
                "input",
                "inputTransformer",
                "runCommandTargets",
            ] {
                f.insert(format!("{path}.target.{k}"), Value::Null);
            }
        }
    }
}

/// What a pass does with one declared rule.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RulePlan {
    /// Drift (a missing rule is the single `<path>.exists`).
    pub drift: Vec<FieldDrift>,
    /// PutRule: the rule is missing or a setting drifted.
    pub put_rule: bool,
    /// PutTargets: the rule is missing or its target drifted.
    pub put_target: bool,
}

/// Plan one declared rule against what exists (`None`: no rule of that name).
pub fn plan_rule(
    rule: &DesiredRule,
    topic_arns: &BTreeMap<String, String>,
    observed: Option<&ObservedRule>,
) -> RulePlan {
    let Some(o) = observed else {
        return RulePlan {
            drift: diff_resources(&rule.fields(topic_arns), &observed_fields(&rule.path, None)),
            put_rule: true,
            put_target: true,
        };
    };
    // Settings sort before `target.*`, so the two diffs together are the diff of all fields.
    let mut drift = diff_resources(
        &rule.settings_fields(),
        &observed_settings(&rule.path, Some(o)),
    );
    let mut want_target = Fields::new();
    rule.target(topic_arns)
        .to_fields(&rule.path, &mut want_target);
    let mut have_target = Fields::new();
    observed_target(&rule.path, o, &mut have_target);
    let target = diff_resources(&want_target, &have_target);
    let plan = RulePlan {
        put_rule: !drift.is_empty(),
        put_target: !target.is_empty(),
        drift: vec![],
    };
    drift.extend(target);
    RulePlan { drift, ..plan }
}

/// Drift of a rule this policy created that the spec no longer declares (`component` and name from
/// [`parse_name`]).
pub fn removed_rule(component: &str, rel: &str) -> FieldDrift {
    super::removed(&format!("{component}.{rel}"))
}

/// Name part of a rule after the policy's short prefix: (`ROUTES` or `SCHEDULES`, declared name).
pub fn parse_name<'a>(aws_name: &'a str, short_prefix: &str) -> Option<(&'static str, &'a str)> {
    let rel = aws_name.strip_prefix(short_prefix)?;
    if let Some(n) = rel.strip_prefix("route-") {
        Some((ROUTES, n))
    } else {
        rel.strip_prefix("sched-").map(|n| (SCHEDULES, n))
    }
}

fn state(enabled: bool) -> &'static str {
    if enabled {
        "ENABLED"
    } else {
        "DISABLED"
    }
}

fn paths(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// Event pattern and readable message (input transformer) of a finding route.
pub fn route_pattern(r: &FindingRouteSpec) -> (Value, (BTreeMap<String, String>, String)) {
    match r.source {
        FindingSource::GuardDuty => (
            json!({
                "source": ["aws.guardduty"],
                "detail-type": ["GuardDuty Finding"],
                "detail": {"severity": [{"numeric": [">=", r.min_severity.unwrap_or(DEFAULT_GUARDDUTY_SEVERITY)]}]},
            }),
            (
                paths(&[
                    ("account", "$.detail.accountId"),
                    ("id", "$.detail.id"),
                    ("region", "$.region"),
                    ("severity", "$.detail.severity"),
                    ("title", "$.detail.title"),
                    ("type", "$.detail.type"),
                ]),
                "\"GuardDuty finding <type> (severity <severity>) in account <account>, <region>: <title>. https://console.aws.amazon.com/guardduty/home?region=<region>#/findings?search=id%3D<id>\"".to_string(),
            ),
        ),
        FindingSource::SecurityHub => {
            let mut labels: Vec<SeverityLabel> = if r.severity_labels.is_empty() {
                vec![SeverityLabel::Critical, SeverityLabel::High]
            } else {
                r.severity_labels.clone()
            };
            labels.sort();
            labels.dedup();
            (
                json!({
                    "source": ["aws.securityhub"],
                    "detail-type": ["Security Hub Findings - Imported"],
                    "detail": {"findings": {
                        "Severity": {"Label": labels},
                        "Workflow": {"Status": ["NEW"]},
                        "RecordState": ["ACTIVE"],
                    }},
                }),
                (
                    paths(&[
                        ("account", "$.detail.findings[0].AwsAccountId"),
                        ("control", "$.detail.findings[0].Compliance.SecurityControlId"),
                        ("region", "$.detail.findings[0].Region"),
                        ("resource", "$.detail.findings[0].Resources[0].Id"),
                        ("severity", "$.detail.findings[0].Severity.Label"),
                        ("title", "$.detail.findings[0].Title"),
                    ]),
                    "\"Security Hub <severity> finding in account <account>, <region>: <title> (control <control>) on <resource>\"".to_string(),
                ),
            )
        }
        FindingSource::Config => (
            json!({
                "source": ["aws.config"],
                "detail-type": ["Config Rules Compliance Change"],
                "detail": {
                    "messageType": ["ComplianceChangeNotification"],
                    "newEvaluationResult": {"complianceType": ["NON_COMPLIANT"]},
                },
            }),
            (
                paths(&[
                    ("account", "$.account"),
                    ("region", "$.region"),
                    ("resource", "$.detail.resourceId"),
                    ("resourceType", "$.detail.resourceType"),
                    ("rule", "$.detail.configRuleName"),
                ]),
                "\"AWS Config: <resourceType> <resource> in account <account>, <region> is NON_COMPLIANT with rule <rule>\"".to_string(),
            ),
        ),
        FindingSource::Health => {
            let mut pattern = json!({
                "source": ["aws.health"],
                "detail-type": ["AWS Health Event"],
            });
            if !r.health_categories.is_empty() {
                let mut cats = r.health_categories.clone();
                cats.sort();
                cats.dedup();
                pattern["detail"] = json!({"eventTypeCategory": cats});
            }
            (
                pattern,
                (
                    paths(&[
                        ("account", "$.account"),
                        ("category", "$.detail.eventTypeCategory"),
                        ("description", "$.detail.eventDescription[0].latestDescription"),
                        ("region", "$.region"),
                        ("service", "$.detail.service"),
                        ("type", "$.detail.eventTypeCode"),
                    ]),
                    "\"AWS Health <category> for <service> in account <account>, <region>: <type>. <description>\"".to_string(),
                ),
            )
        }
    }
}

fn source_label(s: FindingSource) -> &'static str {
    match s {
        FindingSource::GuardDuty => "GuardDuty findings",
        FindingSource::SecurityHub => "Security Hub findings",
        FindingSource::Config => "AWS Config compliance changes",
        FindingSource::Health => "AWS Health events",
    }
}

fn desired_route(r: &FindingRouteSpec, short_prefix: &str, owner: &str) -> DesiredRule {
    let (pattern, transformer) = route_pattern(r);
    DesiredRule {
        path: format!("{ROUTES}.{}", r.name),
        component: ROUTES,
        aws_name: format!("{short_prefix}route-{}", r.name),
        description: format!(
            "{} to topic {} (MonitoringPolicy {owner})",
            source_label(r.source),
            r.topic
        ),
        event_pattern: Some(pattern),
        schedule: None,
        state: state(r.enabled),
        topic: Some(r.topic.clone()),
        target: RuleTarget {
            arn: String::new(),
            role_arn: None,
            input: None,
            input_transformer: Some(transformer),
            run_command_targets: vec![],
        },
    }
}

/// The ARN of a Systems Manager document (`region` may be `*`); documents AWS owns have no account in theirs.
fn document_arn(partition: &str, region: &str, account: &str, document: &str) -> String {
    let aws_owned = ["AWS-", "AWSEC2-", "AWSSupport-", "Amazon"]
        .iter()
        .any(|p| document.starts_with(p));
    let owner_account = if aws_owned { "" } else { account };
    format!("arn:{partition}:ssm:{region}:{owner_account}:document/{document}")
}

/// The role EventBridge assumes for the scheduled actions that ask the operator to create it, when any does:
/// trusted by EventBridge for this policy's scheduled rules only (`short_prefix`; another tenant's rule naming
/// the role cannot use it), allowed the runbooks (`ssm:StartAutomationExecution` on
/// their automation definitions) and Run Command documents and instances (`ssm:SendCommand`, instances by ID or,
/// for tag targets, by `ec2:ResourceTag`) those actions name, in every region of the account, as the EventBridge
/// user guide's target roles grant
/// (https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-use-identity-based.html); plus `iam:PassRole` of
/// the `AutomationAssumeRole` a runbook is started with, to Systems Manager only.
pub fn scheduled_actions_role(
    spec: &MonitoringPolicySpec,
    short_prefix: &str,
    account: &str,
    partition: &str,
    owner: &Owner,
) -> Option<OwnedRole> {
    let actions: Vec<&ScheduledActionSpec> = spec
        .scheduled_actions
        .iter()
        .filter(|a| a.create_role)
        .collect();
    if actions.is_empty() {
        return None;
    }
    let mut runbooks = BTreeSet::new();
    let mut passed = BTreeSet::new();
    let mut documents = BTreeSet::new();
    let mut instances = BTreeSet::new();
    let mut tagged: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for a in actions {
        if let Some(auto) = &a.automation {
            runbooks.insert(format!(
                "arn:{partition}:ssm:*:{account}:automation-definition/{}:*",
                auto.document_name
            ));
            if let Some(roles) = auto.parameters.get("AutomationAssumeRole") {
                passed.extend(roles.iter().cloned());
            }
        }
        if let Some(rc) = &a.run_command {
            documents.insert(document_arn(partition, "*", account, &rc.document_name));
            for t in &rc.targets {
                match t.key.strip_prefix("tag:") {
                    Some(key) => tagged
                        .entry(key.to_string())
                        .or_default()
                        .extend(t.values.iter().cloned()),
                    None => instances.extend(
                        t.values
                            .iter()
                            .map(|id| format!("arn:{partition}:ec2:*:{account}:instance/{id}")),
                    ),
                }
            }
        }
    }
    let mut statements = Vec::new();
    if !runbooks.is_empty() {
        statements.push(json!({"Sid": "StartRunbooks", "Effect": "Allow",
            "Action": "ssm:StartAutomationExecution", "Resource": runbooks}));
    }
    if !passed.is_empty() {
        statements.push(json!({"Sid": "PassAutomationAssumeRole", "Effect": "Allow",
            "Action": "iam:PassRole", "Resource": passed,
            "Condition": {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}}));
    }
    if !documents.is_empty() {
        statements.push(json!({"Sid": "SendCommandDocuments", "Effect": "Allow",
            "Action": "ssm:SendCommand", "Resource": documents}));
    }
    if !instances.is_empty() {
        statements.push(json!({"Sid": "SendCommandInstances", "Effect": "Allow",
            "Action": "ssm:SendCommand", "Resource": instances}));
    }
    for (i, (key, values)) in tagged.iter().enumerate() {
        statements.push(
            json!({"Sid": format!("SendCommandTagged{i}"), "Effect": "Allow",
            "Action": "ssm:SendCommand",
            "Resource": format!("arn:{partition}:ec2:*:{account}:instance/*"),
            "Condition": {"StringEquals": {format!("ec2:ResourceTag/{key}"): values}}}),
        );
    }
    Some(OwnedRole {
        component: SCHEDULES_ROLE,
        name: scheduled_actions_role_name(owner),
        description: format!(
            "EventBridge role of MonitoringPolicy {}'s scheduled actions (aws-baseline-operator)",
            owner.name
        ),
        trust: role::trust_policy(
            crate::aws::operation::EVENTS_PRINCIPAL,
            account,
            Some(&format!(
                "arn:{partition}:events:*:{account}:rule/{short_prefix}sched-*"
            )),
        ),
        policy: json!({"Version": "2012-10-17", "Statement": statements}),
    })
}

/// Name of [`scheduled_actions_role`] for `owner` (also what a removal or a deletion looks for).
pub fn scheduled_actions_role_name(owner: &Owner) -> String {
    role::role_name("events-ssm", owner)
}

fn desired_schedule(
    a: &ScheduledActionSpec,
    short_prefix: &str,
    owner: &str,
    region: &str,
    account: &str,
    created_role: Option<&str>,
) -> DesiredRule {
    let p = partition(region);
    let (arn, input, targets) = match (&a.automation, &a.run_command) {
        (Some(auto), _) => (
            format!(
                "arn:{p}:ssm:{region}:{account}:automation-definition/{}:$DEFAULT",
                auto.document_name
            ),
            json!(auto.parameters),
            vec![],
        ),
        (None, Some(rc)) => (
            document_arn(p, region, account, &rc.document_name),
            json!(rc.parameters),
            rc.targets
                .iter()
                .map(|t| (t.key.clone(), t.values.clone()))
                .collect(),
        ),
        (None, None) => (String::new(), Value::Null, vec![]),
    };
    DesiredRule {
        path: format!("{SCHEDULES}.{}", a.name),
        component: SCHEDULES,
        aws_name: format!("{short_prefix}sched-{}", a.name),
        description: a
            .description
            .clone()
            .unwrap_or_else(|| format!("Scheduled action {} (MonitoringPolicy {owner})", a.name)),
        event_pattern: None,
        schedule: Some(a.schedule.clone()),
        state: state(a.enabled),
        topic: None,
        target: RuleTarget {
            arn,
            role_arn: a
                .role_arn
                .clone()
                .or_else(|| created_role.map(str::to_string)),
            input: Some(input),
            input_transformer: None,
            run_command_targets: targets,
        },
    }
}

/// Every rule of the policy in one region (`owner` is `namespace/name`, used in descriptions; `created_role` the
/// ARN of [`scheduled_actions_role`], the target role of the actions with `createRole`).
pub fn desired_rules(
    spec: &MonitoringPolicySpec,
    short_prefix: &str,
    owner: &str,
    region: &str,
    account: &str,
    created_role: Option<&str>,
) -> Vec<DesiredRule> {
    spec.finding_routes
        .iter()
        .map(|r| desired_route(r, short_prefix, owner))
        .chain(
            spec.scheduled_actions
                .iter()
                .map(|a| desired_schedule(a, short_prefix, owner, region, account, created_role)),
        )
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::monitoring_policy::HealthCategory;

    fn spec(y: &str) -> MonitoringPolicySpec {
        crate::manifests::from_yaml(y).unwrap()
    }

    const SPEC: &str = r#"
accountRef: {name: prod}
topics: [{name: security}]
findingRoutes:
  - {name: guardduty, source: guardDuty, topic: security}
  - {name: hub, source: securityHub, topic: security, severityLabels: [HIGH, CRITICAL, HIGH]}
  - {name: health, source: health, topic: security, healthCategories: [scheduledChange, issue], enabled: false}
scheduledActions:
  - name: restart
    schedule: cron(0 3 ? * SUN *)
    roleArn: arn:aws:iam::111122223333:role/events-ssm
    automation: {documentName: AWS-RestartEC2Instance, parameters: {InstanceId: [i-0123]}}
  - name: run
    schedule: rate(1 day)
    roleArn: arn:aws:iam::111122223333:role/events-ssm
    runCommand:
      documentName: AWS-RunShellScript
      parameters: {commands: ["systemctl restart app"]}
      targets: [{key: "tag:Role", values: [web]}]
"#;

    #[test]
    fn routes_filter_by_severity_and_resolve_the_topic() {
        let s = spec(SPEC);
        let rules = desired_rules(
            &s,
            "awsbaseline-0123456789-",
            "team/p",
            "eu-west-1",
            "111122223333",
            None,
        );
        assert_eq!(rules.len(), 5);
        let gd = &rules[0];
        assert_eq!(gd.aws_name, "awsbaseline-0123456789-route-guardduty");
        assert_eq!(
            gd.event_pattern.as_ref().unwrap()["detail"]["severity"],
            json!([{"numeric": [">=", 7.0]}])
        );
        let arns = BTreeMap::from([(
            "security".to_string(),
            "arn:aws:sns:eu-west-1:111122223333:security".to_string(),
        )]);
        let f = gd.fields(&arns);
        assert_eq!(
            f["findingRoutes.guardduty.target.arn"],
            json!("arn:aws:sns:eu-west-1:111122223333:security")
        );
        assert!(
            f["findingRoutes.guardduty.target.inputTransformer"]["inputTemplate"]
                .as_str()
                .unwrap()
                .contains("<severity>")
        );
        // Labels are sorted and deduplicated, so a reordered spec compares equal.
        assert_eq!(
            rules[1].event_pattern.as_ref().unwrap()["detail"]["findings"]["Severity"]["Label"],
            json!(["CRITICAL", "HIGH"])
        );
        let health = &rules[2];
        assert_eq!(health.state, "DISABLED");
        assert_eq!(
            health.event_pattern.as_ref().unwrap()["detail"]["eventTypeCategory"],
            json!([HealthCategory::Issue, HealthCategory::ScheduledChange])
        );
    }

    #[test]
    fn the_created_role_allows_exactly_what_the_actions_name_and_becomes_their_target_role() {
        let s = spec(
            r#"
accountRef: {name: a}
scheduledActions:
  - name: restart
    schedule: rate(1 day)
    createRole: true
    automation: {documentName: Team-Restart, parameters: {AutomationAssumeRole: ["arn:aws-cn:iam::111122223333:role/r"]}}
  - name: run
    schedule: rate(1 day)
    createRole: true
    runCommand:
      documentName: AWS-RunShellScript
      targets: [{key: InstanceIds, values: [i-1, i-2]}, {key: "tag:Role", values: [web]}]
  - name: own
    schedule: rate(1 day)
    roleArn: arn:aws-cn:iam::111122223333:role/own
    runCommand:
      documentName: Team-Other
      targets: [{key: InstanceIds, values: [i-9]}]
"#,
        );
        let owner = Owner {
            kind: "MonitoringPolicy".into(),
            name: "team/p".into(),
            uid: "u".into(),
        };
        let r = scheduled_actions_role(&s, "p-", "111122223333", "aws-cn", &owner).unwrap();
        assert!(r.name.starts_with("awsbaseline-events-ssm-"), "{}", r.name);
        assert_eq!(
            r.trust["Statement"][0]["Principal"]["Service"],
            "events.amazonaws.com"
        );
        assert_eq!(
            r.trust["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws-cn:events:*:111122223333:rule/p-sched-*"
        );
        assert_eq!(
            r.policy["Statement"],
            json!([
                {"Sid": "StartRunbooks", "Effect": "Allow", "Action": "ssm:StartAutomationExecution",
                 "Resource": ["arn:aws-cn:ssm:*:111122223333:automation-definition/Team-Restart:*"]},
                {"Sid": "PassAutomationAssumeRole", "Effect": "Allow", "Action": "iam:PassRole",
                 "Resource": ["arn:aws-cn:iam::111122223333:role/r"],
                 "Condition": {"StringEquals": {"iam:PassedToService": "ssm.amazonaws.com"}}},
                {"Sid": "SendCommandDocuments", "Effect": "Allow", "Action": "ssm:SendCommand",
                 "Resource": ["arn:aws-cn:ssm:*::document/AWS-RunShellScript"]},
                {"Sid": "SendCommandInstances", "Effect": "Allow", "Action": "ssm:SendCommand",
                 "Resource": ["arn:aws-cn:ec2:*:111122223333:instance/i-1",
                              "arn:aws-cn:ec2:*:111122223333:instance/i-2"]},
                {"Sid": "SendCommandTagged0", "Effect": "Allow", "Action": "ssm:SendCommand",
                 "Resource": "arn:aws-cn:ec2:*:111122223333:instance/*",
                 "Condition": {"StringEquals": {"ec2:ResourceTag/Role": ["web"]}}},
            ]),
            "the action with its own role adds nothing"
        );
        let arn = crate::engine::role::role_arn("aws-cn", "111122223333", &r.name);
        let rules = desired_rules(&s, "p-", "team/p", "cn-north-1", "111122223333", Some(&arn));
        let roles: Vec<_> = rules
            .iter()
            .map(|r| r.target.role_arn.clone().unwrap())
            .collect();
        assert_eq!(
            roles,
            [
                arn.clone(),
                arn,
                "arn:aws-cn:iam::111122223333:role/own".to_string()
            ]
        );
        let mut none = s.clone();
        none.scheduled_actions.retain(|a| !a.create_role);
        assert!(scheduled_actions_role(&none, "p-", "111122223333", "aws-cn", &owner).is_none());
    }

    #[test]
    fn schedules_target_automation_and_run_command() {
        let s = spec(SPEC);
        let rules = desired_rules(
            &s,
            "awsbaseline-0123456789-",
            "team/p",
            "cn-north-1",
            "111122223333",
            None,
        );
        let auto = &rules[3];
        assert_eq!(auto.aws_name, "awsbaseline-0123456789-sched-restart");
        assert_eq!(auto.schedule.as_deref(), Some("cron(0 3 ? * SUN *)"));
        assert_eq!(
            auto.target.arn,
            "arn:aws-cn:ssm:cn-north-1:111122223333:automation-definition/AWS-RestartEC2Instance:$DEFAULT"
        );
        assert_eq!(auto.target.input, Some(json!({"InstanceId": ["i-0123"]})));
        let rc = &rules[4];
        assert_eq!(
            rc.target.arn,
            "arn:aws-cn:ssm:cn-north-1::document/AWS-RunShellScript"
        );
        assert_eq!(
            rc.target.run_command_targets,
            vec![("tag:Role".to_string(), vec!["web".to_string()])]
        );
        assert_eq!(
            parse_name(&rc.aws_name, "awsbaseline-0123456789-"),
            Some((SCHEDULES, "run"))
        );
        assert_eq!(
            parse_name("awsbaseline-0123456789-other", "awsbaseline-0123456789-"),
            None
        );
    }

    #[test]
    fn a_missing_rule_is_one_exists_drift_and_a_missing_target_shows_per_field() {
        let s = spec(SPEC);
        let rules = desired_rules(&s, "p-", "team/p", "eu-west-1", "111122223333", None);
        let r = &rules[3];
        let missing = observed_fields(&r.path, None);
        assert_eq!(missing.len(), 1);
        let without_target = ObservedRule {
            arn: "arn".into(),
            description: Some(r.description.clone()),
            event_pattern: None,
            schedule: r.schedule.clone(),
            state: "ENABLED".into(),
            target: None,
            target_ids: vec![],
        };
        let d = crate::diff::diff_resources(
            &r.fields(&BTreeMap::new()),
            &observed_fields(&r.path, Some(&without_target)),
        );
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "scheduledActions.restart.target.arn",
                "scheduledActions.restart.target.input",
                "scheduledActions.restart.target.roleArn"
            ]
        );
    }

    #[test]
    fn a_plan_writes_only_the_part_that_drifted() {
        let s = spec(SPEC);
        let rules = desired_rules(&s, "p-", "team/p", "eu-west-1", "111122223333", None);
        let r = &rules[3];
        let arns = BTreeMap::new();
        let missing = plan_rule(r, &arns, None);
        assert_eq!(missing.drift.len(), 1);
        assert!(missing.put_rule && missing.put_target);
        let same = ObservedRule {
            arn: "arn".into(),
            description: Some(r.description.clone()),
            event_pattern: None,
            schedule: r.schedule.clone(),
            state: r.state.into(),
            target: Some(r.target(&arns)),
            target_ids: vec!["t".into()],
        };
        assert_eq!(plan_rule(r, &arns, Some(&same)), RulePlan::default());
        let disabled = ObservedRule {
            state: "DISABLED".into(),
            ..same.clone()
        };
        let p = plan_rule(r, &arns, Some(&disabled));
        assert_eq!((p.put_rule, p.put_target), (true, false));
        let mut other_target = same.clone();
        other_target.target.as_mut().unwrap().role_arn = Some("arn:other".into());
        let p = plan_rule(r, &arns, Some(&other_target));
        assert_eq!((p.put_rule, p.put_target), (false, true));
        let both = ObservedRule {
            state: "DISABLED".into(),
            ..other_target
        };
        let p = plan_rule(r, &arns, Some(&both));
        let full =
            crate::diff::diff_resources(&r.fields(&arns), &observed_fields(&r.path, Some(&both)));
        assert_eq!(p.drift, full, "the same drift as one diff over all fields");
        assert!(p.put_rule && p.put_target);
        assert_eq!(
            removed_rule(SCHEDULES, "old").field,
            "scheduledActions.old.exists"
        );
    }
}
