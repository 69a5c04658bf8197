//! EventBridge: a policy's rules (one paginated ListRules by name prefix per region, then ListTargetsByRule per
//! rule — EventBridge has no batch read of targets), written with PutRule + PutTargets, removed with
//! RemoveTargets + DeleteRule. Tags are read only to prove ownership before a delete.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{
    act, act_for, on, on_for, pass_role, read, write, Operation, EVENTS_PRINCIPAL, MOTO,
};
use crate::aws::tags;
use aws_sdk_eventbridge::types::{
    InputTransformer, RuleState, RunCommandParameters, RunCommandTarget, Target,
};
use aws_sdk_eventbridge::Client;
use serde_json::Value;
use std::collections::BTreeMap;

const SVC: &str = "events";

/// Id of the one target the operator puts on each of its rules (other targets are left alone).
pub const TARGET_ID: &str = "awsbaseline";

/// The operator's target on a rule (flattened for the diff by `to_fields`, in src/monitoring/event_rules.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct RuleTarget {
    /// Target ARN (SNS topic, SSM automation definition, SSM document).
    pub arn: String,
    /// Role EventBridge assumes (scheduled actions).
    pub role_arn: Option<String>,
    /// Constant JSON input (automation parameters, Run Command parameters).
    pub input: Option<Value>,
    /// Input transformer: paths map and template.
    pub input_transformer: Option<(BTreeMap<String, String>, String)>,
    /// Run Command targets (key, values).
    pub run_command_targets: Vec<(String, Vec<String>)>,
}

/// A rule as the spec wants it. Built, and flattened for the diff (`target`, `fields`), by the MonitoringPolicy
/// rules (src/monitoring/event_rules.rs).
#[derive(Clone, Debug, PartialEq)]
pub struct DesiredRule {
    /// Field path (`findingRoutes.<name>` / `scheduledActions.<name>`).
    pub path: String,
    /// Component (`ROUTES` / `SCHEDULES`).
    pub component: &'static str,
    /// AWS rule name: `<short prefix>route-<name>` / `<short prefix>sched-<name>` (at most 61 characters).
    pub aws_name: String,
    /// Description.
    pub description: String,
    /// Event pattern (finding routes).
    pub event_pattern: Option<Value>,
    /// Schedule expression (scheduled actions).
    pub schedule: Option<String>,
    /// `ENABLED` or `DISABLED`.
    pub state: &'static str,
    /// Declared topic the route delivers to (its ARN is known only once the topic exists).
    pub topic: Option<String>,
    /// The operator's target, without the topic ARN for routes (filled in by `target`).
    pub target: RuleTarget,
}

/// A rule as read from AWS: the settings and the operator's target.
#[derive(Clone, Debug, PartialEq)]
pub struct ObservedRule {
    /// Rule ARN.
    pub arn: String,
    /// Description.
    pub description: Option<String>,
    /// Event pattern.
    pub event_pattern: Option<Value>,
    /// Schedule expression.
    pub schedule: Option<String>,
    /// State.
    pub state: String,
    /// The operator's target (id `TARGET_ID`), if present.
    pub target: Option<RuleTarget>,
    /// Ids of every target on the rule (all removed before the rule is deleted).
    pub target_ids: Vec<String>,
}

fn invalid(op: &'static str, e: impl std::fmt::Display) -> AwsError {
    AwsError::new(SVC, op, ErrorCategory::InvalidInput, e.to_string())
}

/// Rules whose names start with `prefix` (settings only), by name.
pub async fn rules(
    client: &Client,
    prefix: &str,
) -> Result<BTreeMap<String, ObservedRule>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_rules()
            .name_prefix(prefix)
            .limit(100)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "ListRules")?;
        for r in page.rules() {
            let Some(name) = r.name() else { continue };
            out.insert(
                name.to_string(),
                ObservedRule {
                    arn: r.arn().unwrap_or_default().to_string(),
                    description: r
                        .description()
                        .filter(|d| !d.is_empty())
                        .map(str::to_string),
                    event_pattern: r.event_pattern().and_then(|p| serde_json::from_str(p).ok()),
                    schedule: r
                        .schedule_expression()
                        .filter(|s| !s.is_empty())
                        .map(str::to_string),
                    state: r
                        .state()
                        .map(|s| s.as_str().to_string())
                        .unwrap_or_default(),
                    target: None,
                    target_ids: vec![],
                },
            );
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Fill in the rule's targets: the operator's (id `TARGET_ID`) and the ids of all of them. A rule deleted since
/// ListRules has none.
pub async fn read_targets(
    client: &Client,
    name: &str,
    rule: &mut ObservedRule,
) -> Result<(), AwsError> {
    let mut token: Option<String> = None;
    loop {
        let page = not_found_as_none(
            client
                .list_targets_by_rule()
                .rule(name)
                .set_next_token(token.take())
                .send()
                .await
                .aws(SVC, "ListTargetsByRule"),
            &["ResourceNotFoundException"],
        )?;
        let Some(page) = page else { return Ok(()) };
        for t in page.targets() {
            rule.target_ids.push(t.id().to_string());
            if t.id() == TARGET_ID {
                rule.target = Some(observed_target(t));
            }
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(()),
        }
    }
}

fn observed_target(t: &Target) -> RuleTarget {
    RuleTarget {
        arn: t.arn().to_string(),
        role_arn: t.role_arn().map(str::to_string),
        input: t
            .input()
            .map(|i| serde_json::from_str(i).unwrap_or_else(|_| Value::String(i.to_string()))),
        input_transformer: t.input_transformer().map(|x| {
            (
                x.input_paths_map()
                    .map(|m| m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
                x.input_template().to_string(),
            )
        }),
        run_command_targets: t
            .run_command_parameters()
            .map(|p| {
                p.run_command_targets()
                    .iter()
                    .map(|t| (t.key().to_string(), t.values().to_vec()))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn target(t: &RuleTarget) -> Result<Target, AwsError> {
    let mut b = Target::builder()
        .id(TARGET_ID)
        .arn(&t.arn)
        .set_role_arn(t.role_arn.clone())
        .set_input(t.input.as_ref().map(Value::to_string));
    if let Some((paths, template)) = &t.input_transformer {
        b = b.input_transformer(
            InputTransformer::builder()
                .set_input_paths_map(Some(paths.clone().into_iter().collect()))
                .input_template(template)
                .build()
                .map_err(|e| invalid("PutTargets", e))?,
        );
    }
    if !t.run_command_targets.is_empty() {
        let mut p = RunCommandParameters::builder();
        for (key, values) in &t.run_command_targets {
            p = p.run_command_targets(
                RunCommandTarget::builder()
                    .key(key)
                    .set_values(Some(values.clone()))
                    .build()
                    .map_err(|e| invalid("PutTargets", e))?,
            );
        }
        b = b.run_command_parameters(p.build().map_err(|e| invalid("PutTargets", e))?);
    }
    b.build().map_err(|e| invalid("PutTargets", e))
}

/// PutRule (tags only on creation) with the complete desired settings.
pub async fn put_rule(
    client: &Client,
    rule: &DesiredRule,
    tags: Option<&[(String, String)]>,
) -> Result<(), AwsError> {
    let mut req = client
        .put_rule()
        .name(&rule.aws_name)
        .description(&rule.description)
        .state(RuleState::from(rule.state))
        .set_event_pattern(rule.event_pattern.as_ref().map(Value::to_string))
        .set_schedule_expression(rule.schedule.clone());
    for t in tags::to_sdk(tags.unwrap_or_default()).map_err(|e| invalid("PutRule", e))? {
        req = req.tags(t);
    }
    req.send().await.aws(SVC, "PutRule")?;
    Ok(())
}

/// PutTargets: the operator's target on the rule (replaced as a whole).
pub async fn put_target(client: &Client, rule: &str, t: &RuleTarget) -> Result<(), AwsError> {
    let out = client
        .put_targets()
        .rule(rule)
        .targets(target(t)?)
        .send()
        .await
        .aws(SVC, "PutTargets")?;
    if let Some(f) = out.failed_entries().first() {
        return Err(AwsError::new(
            SVC,
            "PutTargets",
            ErrorCategory::InvalidInput,
            format!(
                "target of rule {rule} was refused: {} {}",
                f.error_code().unwrap_or_default(),
                f.error_message().unwrap_or_default()
            ),
        ));
    }
    Ok(())
}

/// Tags of a rule (read before deleting, to prove ownership).
pub async fn tags(client: &Client, arn: &str) -> Result<Vec<(String, String)>, AwsError> {
    let out = client
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(tags::pairs(out.tags()))
}

/// RemoveTargets (all of them: EventBridge refuses to delete a rule that has targets) then DeleteRule; a rule
/// already gone is done.
pub async fn delete(client: &Client, name: &str, target_ids: &[String]) -> Result<(), AwsError> {
    if !target_ids.is_empty() {
        not_found_as_none(
            client
                .remove_targets()
                .rule(name)
                .set_ids(Some(target_ids.to_vec()))
                .send()
                .await
                .aws(SVC, "RemoveTargets"),
            &["ResourceNotFoundException"],
        )?;
    }
    ok_if_gone(
        client
            .delete_rule()
            .name(name)
            .send()
            .await
            .aws(SVC, "DeleteRule"),
        &["ResourceNotFoundException"],
    )
}

/// The default event bus: its ARN and the statements of its resource policy.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct BusPolicy {
    /// Event bus ARN.
    pub arn: String,
    /// The policy's statements (none without a policy).
    pub statements: Vec<Value>,
}

/// DescribeEventBus of the default bus: its ARN and policy statements.
pub async fn default_bus(client: &Client) -> Result<BusPolicy, AwsError> {
    let out = client
        .describe_event_bus()
        .name("default")
        .send()
        .await
        .aws(SVC, "DescribeEventBus")?;
    let statements = match out.policy().filter(|p| !p.is_empty()) {
        Some(p) => {
            let doc: Value = serde_json::from_str(p).map_err(|e| invalid("DescribeEventBus", e))?;
            match &doc["Statement"] {
                Value::Array(a) => a.clone(),
                Value::Null => vec![],
                one => vec![one.clone()],
            }
        }
        None => vec![],
    };
    Ok(BusPolicy {
        arn: out.arn().unwrap_or_default().to_string(),
        statements,
    })
}

/// PutPermission on the default bus: `account` may `events:PutEvents`, as statement `statement_id`.
pub async fn put_permission(
    client: &Client,
    statement_id: &str,
    account: &str,
) -> Result<(), AwsError> {
    client
        .put_permission()
        .event_bus_name("default")
        .action("events:PutEvents")
        .principal(account)
        .statement_id(statement_id)
        .send()
        .await
        .aws(SVC, "PutPermission")?;
    Ok(())
}

/// RemovePermission of one statement of the default bus's policy; a statement (or policy) already gone is done.
pub async fn remove_permission(client: &Client, statement_id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .remove_permission()
            .event_bus_name("default")
            .statement_id(statement_id)
            .send()
            .await
            .aws(SVC, "RemovePermission"),
        &["ResourceNotFoundException"],
    )
}

/// IAM resource of the change-event rules (`awsbaseline-change-events`, `awsbaseline-change-events-<n>`) on the
/// default bus, in any region and account.
pub const CHANGE_EVENT_RULES: &str = "arn:aws:events:*:*:rule/awsbaseline-change-events*";
/// IAM resource of the default event bus, in any region and account.
pub const DEFAULT_BUS: &str = "arn:aws:events:*:*:event-bus/default";

const MONITORING_WRITES: &[&str] = &["MonitoringPolicy#correct", "MonitoringPolicy#delete"];
const CHANGE_EVENTS_WRITES: &[&str] = &[
    "AwsAccount.changeEvents#correct",
    "AwsAccount.changeEvents#delete",
];
const ROUTES_SCHEDULES: &[&str] = &[
    "MonitoringPolicy.findingRoutes#correct",
    "MonitoringPolicy.scheduledActions#correct",
];
const CHANGE_EVENTS_CORRECT: &[&str] = &["AwsAccount.changeEvents#correct"];
/// IAM resource of the AccountBaseline backup job-failure rules (`awsbaseline-<hash>-backup-jobs`).
pub const BACKUP_JOB_RULES: &str = "arn:aws:events:*:*:rule/awsbaseline-*-backup-jobs";
const BACKUP_WRITES: &[&str] = &[
    "AccountBaseline.backup#correct",
    "AccountBaseline.backup#delete",
];
const BACKUP_RULE_CORRECT: &[&str] = &["AccountBaseline.backup.jobFailureNotifications#correct"];

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // EventBridge (MonitoringPolicy finding routes and scheduled actions). Every pass and deletion lists the
    // policy's rules by prefix, so rules left from an earlier spec are found and removed.
    //
    // AwsAccount changeEvents: the rules `awsbaseline-change-events*` of every AwsAccount with changeEvents (their
    // writes limited to those rules), and on the hub the default bus's policy statements `awsbaseline-<account>`.
    write(
        SVC,
        "DeleteRule",
        MOTO,
        &[
            act_for("events:DeleteRule", MONITORING_WRITES),
            on_for(
                "events:DeleteRule",
                CHANGE_EVENT_RULES,
                CHANGE_EVENTS_WRITES,
            ),
            on_for("events:DeleteRule", BACKUP_JOB_RULES, BACKUP_WRITES),
        ],
        &[
            "MonitoringPolicy#correct",
            "MonitoringPolicy#delete",
            "AwsAccount.changeEvents#correct",
            "AwsAccount.changeEvents#delete",
            "AccountBaseline.backup#correct",
            "AccountBaseline.backup#delete",
        ],
    ),
    read(
        SVC,
        "DescribeEventBus",
        MOTO,
        &[on("events:DescribeEventBus", DEFAULT_BUS)],
        // Also an account that is no longer the hub, removing its statements.
        &[
            "AwsAccount.changeEvents.hub",
            "AwsAccount.changeEvents#correct",
        ],
    ),
    read(
        SVC,
        "ListRules",
        MOTO,
        &[act("events:ListRules")],
        &[
            "MonitoringPolicy",
            "AwsAccount.changeEvents",
            "AccountBaseline.backup",
            "AccountBaseline.backup#delete",
        ],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("events:ListTagsForResource")],
        &[
            "MonitoringPolicy",
            "AwsAccount.changeEvents",
            "AccountBaseline.backup",
            "AccountBaseline.backup#delete",
        ],
    ),
    read(
        SVC,
        "ListTargetsByRule",
        MOTO,
        &[act("events:ListTargetsByRule")],
        &[
            "MonitoringPolicy",
            "AwsAccount.changeEvents",
            "AccountBaseline.backup",
            "AccountBaseline.backup#delete",
        ],
    ),
    write(
        SVC,
        "PutPermission",
        MOTO,
        &[on("events:PutPermission", DEFAULT_BUS)],
        &["AwsAccount.changeEvents.hub#correct"],
    ),
    write(
        SVC,
        "PutRule",
        MOTO,
        &[
            act_for("events:PutRule", ROUTES_SCHEDULES),
            act_for("events:TagResource", ROUTES_SCHEDULES),
            on_for("events:PutRule", CHANGE_EVENT_RULES, CHANGE_EVENTS_CORRECT),
            on_for(
                "events:TagResource",
                CHANGE_EVENT_RULES,
                CHANGE_EVENTS_CORRECT,
            ),
            on_for("events:PutRule", BACKUP_JOB_RULES, BACKUP_RULE_CORRECT),
            on_for("events:TagResource", BACKUP_JOB_RULES, BACKUP_RULE_CORRECT),
        ],
        &[
            "MonitoringPolicy.findingRoutes#correct",
            "MonitoringPolicy.scheduledActions#correct",
            "AwsAccount.changeEvents#correct",
            "AccountBaseline.backup.jobFailureNotifications#correct",
        ],
    ),
    write(
        SVC,
        "PutTargets",
        MOTO,
        &[
            act_for("events:PutTargets", ROUTES_SCHEDULES),
            on_for(
                "events:PutTargets",
                CHANGE_EVENT_RULES,
                CHANGE_EVENTS_CORRECT,
            ),
            on_for("events:PutTargets", BACKUP_JOB_RULES, BACKUP_RULE_CORRECT),
            // A scheduled action's role, and the change-event forwarding role when one is given.
            pass_role(
                EVENTS_PRINCIPAL,
                &[
                    "MonitoringPolicy.scheduledActions#correct",
                    "AwsAccount.changeEvents#correct",
                ],
            ),
        ],
        &[
            "MonitoringPolicy.findingRoutes#correct",
            "MonitoringPolicy.scheduledActions#correct",
            "AwsAccount.changeEvents#correct",
            "AccountBaseline.backup.jobFailureNotifications#correct",
        ],
    ),
    write(
        SVC,
        "RemovePermission",
        MOTO,
        &[on("events:RemovePermission", DEFAULT_BUS)],
        &[
            "AwsAccount.changeEvents#correct",
            "AwsAccount.changeEvents.hub#correct",
            "AwsAccount.changeEvents.hub#delete",
        ],
    ),
    write(
        SVC,
        "RemoveTargets",
        MOTO,
        &[
            act_for("events:RemoveTargets", MONITORING_WRITES),
            on_for(
                "events:RemoveTargets",
                CHANGE_EVENT_RULES,
                CHANGE_EVENTS_WRITES,
            ),
            on_for("events:RemoveTargets", BACKUP_JOB_RULES, BACKUP_WRITES),
        ],
        &[
            "MonitoringPolicy#correct",
            "MonitoringPolicy#delete",
            "AwsAccount.changeEvents#correct",
            "AwsAccount.changeEvents#delete",
            "AccountBaseline.backup#correct",
            "AccountBaseline.backup#delete",
        ],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-events.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("events.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        crate::aws::operation::foreign(
            "DisableRule",
            &[
                "MonitoringPolicy.findingRoutes",
                "MonitoringPolicy.scheduledActions",
            ],
        ),
        // The owner tags prove the rule is ours.
        crate::aws::operation::foreign(
            "UntagResource",
            &[
                "MonitoringPolicy.findingRoutes",
                "MonitoringPolicy.scheduledActions",
            ],
        ),
    ],
};
