//! The IAM policy document built from the rows a [`Usage`] needs.

use super::{operations, Grant, Usage};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// An IAM policy document.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PolicyDocument {
    /// Policy language version.
    #[serde(rename = "Version")]
    pub version: &'static str,
    /// Statements, in a stable order.
    #[serde(rename = "Statement")]
    pub statement: Vec<Statement>,
}

/// One Allow statement.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Statement {
    /// Statement ID (alphanumeric).
    #[serde(rename = "Sid")]
    pub sid: String,
    /// Always `Allow`.
    #[serde(rename = "Effect")]
    pub effect: &'static str,
    /// Sorted, de-duplicated actions.
    #[serde(rename = "Action")]
    pub action: Vec<String>,
    /// `*` or a sorted list of ARNs.
    #[serde(rename = "Resource")]
    pub resource: Resource,
    /// Condition block, if any.
    #[serde(rename = "Condition", skip_serializing_if = "Option::is_none")]
    pub condition: Option<BTreeMap<String, BTreeMap<String, String>>>,
}

/// A statement's resources.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Resource {
    /// One ARN or `*`.
    One(String),
    /// Several ARNs.
    Many(Vec<String>),
}

impl Resource {
    fn of(arns: &BTreeSet<String>) -> Self {
        if arns.len() == 1 {
            Resource::One(arns.iter().next().cloned().unwrap_or_default())
        } else {
            Resource::Many(arns.iter().cloned().collect())
        }
    }
}

/// Readable statement-ID part for an IAM service prefix or principal (`cloudtrail.amazonaws.com` -> `CloudTrail`).
pub(super) fn display(prefix: &str) -> String {
    let prefix = prefix.split('.').next().unwrap_or(prefix);
    match prefix {
        "cloudtrail" => "CloudTrail".into(),
        "ec2" => "EC2".into(),
        "guardduty" => "GuardDuty".into(),
        "iam" => "IAM".into(),
        "s3" => "S3".into(),
        "ssm" => "SSM".into(),
        "sts" => "STS".into(),
        other => {
            let mut s: String = other.chars().filter(char::is_ascii_alphanumeric).collect();
            if let Some(first) = s.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            s
        }
    }
}

/// Statement-ID part for a scoped resource: its resource part (after the ARN's last `:`) in CamelCase
/// (`rule/awsbaseline-change-events*` -> `RuleAwsbaselineChangeEvents`).
pub(super) fn resource_sid(resource: &str) -> String {
    let tail = resource.rsplit(':').next().unwrap_or(resource);
    tail.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut w = w.to_string();
            if let Some(first) = w.get_mut(0..1) {
                first.make_ascii_uppercase();
            }
            w
        })
        .collect()
}

fn condition(
    op: &str,
    key: &str,
    value: &str,
) -> Option<BTreeMap<String, BTreeMap<String, String>>> {
    Some(BTreeMap::from([(
        op.to_string(),
        BTreeMap::from([(key.to_string(), value.to_string())]),
    )]))
}

/// The permissions `usage` needs, grouped per service (one statement per IAM service prefix on `*`), then
/// `iam:PassRole` per receiving service, service-linked roles, and the STS statements for AwsAccount roles.
pub fn policy(usage: &Usage) -> PolicyDocument {
    let mut actions: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut pass_to: BTreeSet<&str> = BTreeSet::new();
    let mut linked: BTreeSet<(&str, &str)> = BTreeSet::new();
    // Scoped grants: per (service prefix, resource pattern), their actions.
    let mut scoped: BTreeMap<(String, &str), BTreeSet<String>> = BTreeMap::new();
    for r in operations() {
        for p in r.perms {
            if !r.uses_of(p).iter().any(|u| usage.uses.contains(*u)) {
                continue;
            }
            match p.grant {
                Grant::Action(a) => {
                    let prefix = a.split(':').next().unwrap_or(a).to_string();
                    actions.entry(prefix).or_default().insert(a.to_string());
                }
                Grant::On(a, resource) => {
                    let prefix = a.split(':').next().unwrap_or(a).to_string();
                    scoped
                        .entry((prefix, resource))
                        .or_default()
                        .insert(a.to_string());
                }
                Grant::PassRole(principal) => {
                    pass_to.insert(principal);
                }
                Grant::ServiceLinkedRole(principal, role) => {
                    linked.insert((principal, role));
                }
            }
        }
    }
    let mut statement: Vec<Statement> = actions
        .into_iter()
        .map(|(prefix, acts)| Statement {
            sid: display(&prefix),
            effect: "Allow",
            action: acts.into_iter().collect(),
            resource: Resource::One("*".into()),
            condition: None,
        })
        .collect();
    for ((prefix, resource), acts) in scoped {
        statement.push(Statement {
            sid: format!("{}{}", display(&prefix), resource_sid(resource)),
            effect: "Allow",
            action: acts.into_iter().collect(),
            resource: Resource::One(resource.to_string()),
            condition: None,
        });
    }
    for principal in pass_to {
        let resource = if usage.any_role {
            Resource::One("*".into())
        } else {
            match usage.passed_roles.get(principal) {
                Some(roles) if !roles.is_empty() => Resource::of(roles),
                _ => continue,
            }
        };
        statement.push(Statement {
            sid: format!("PassRoleTo{}", display(principal)),
            effect: "Allow",
            action: vec!["iam:PassRole".into()],
            resource,
            condition: condition("StringEquals", "iam:PassedToService", principal),
        });
    }
    for (principal, role) in linked {
        statement.push(Statement {
            sid: format!("Create{}ServiceLinkedRole", display(principal)),
            effect: "Allow",
            action: vec!["iam:CreateServiceLinkedRole".into()],
            resource: Resource::One(format!(
                "arn:*:iam::*:role/aws-service-role/{principal}/{role}"
            )),
            condition: condition("StringEquals", "iam:AWSServiceName", principal),
        });
    }
    let roles = |set: &BTreeSet<String>| {
        if usage.any_role {
            Some(Resource::One("*".into()))
        } else if set.is_empty() {
            None
        } else {
            Some(Resource::of(set))
        }
    };
    if let Some(resource) = roles(&usage.assumed_roles) {
        statement.push(Statement {
            sid: "AssumeAccountRoles".into(),
            effect: "Allow",
            action: vec!["sts:AssumeRole".into()],
            resource,
            condition: None,
        });
    }
    if let Some(resource) = roles(&usage.tagged_roles) {
        statement.push(Statement {
            sid: "TagAccountRoleSessions".into(),
            effect: "Allow",
            action: vec!["sts:TagSession".into()],
            resource,
            condition: None,
        });
    }
    PolicyDocument {
        version: "2012-10-17",
        statement,
    }
}
