//! `AwsAccount`: how to reach one AWS account.
// Repeated `printcolumn(type_ = "string", ...)` arguments are separate columns, not duplicates.
#![allow(clippy::duplicated_attributes)]

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, LabelSelector};
use kube::{CustomResource, KubeSchema};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How to reach one AWS account, and which account the credentials must belong to.
#[derive(CustomResource, KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[kube(
    group = "awsbaseline.io",
    version = "v1alpha1",
    kind = "AwsAccount",
    plural = "awsaccounts",
    shortname = "awsacct",
    category = "awsbaseline",
    status = "AwsAccountStatus",
    cel,
    doc = "How to reach one AWS account (the pod's credentials or an assumed role) and the account ID they must resolve to.",
    printcolumn(name = "Account", type_ = "string", json_path = ".spec.accountId"),
    printcolumn(
        name = "Ready",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].status"
    ),
    printcolumn(
        name = "Reason",
        type_ = "string",
        json_path = ".status.conditions[?(@.type==\"Ready\")].reason"
    ),
    printcolumn(
        name = "Caller",
        type_ = "string",
        json_path = ".status.callerArn",
        priority = 1
    ),
    printcolumn(
        name = "Age",
        type_ = "date",
        json_path = ".metadata.creationTimestamp"
    )
)]
#[x_kube(validation = Rule::new("!has(self.assumeRole) || self.assumeRole.roleArn.contains(':' + self.accountId + ':')").message("assumeRole.roleArn must be a role in the declared accountId"))]
#[serde(rename_all = "camelCase")]
pub struct AwsAccountSpec {
    /// The 12-digit account ID the credentials must resolve to (verified with STS GetCallerIdentity before
    /// anything is written).
    #[schemars(regex(pattern = r"^[0-9]{12}$"), length(min = 12, max = 12))]
    pub account_id: String,
    /// Assume this IAM role (from the pod's own credentials: IRSA, EKS Pod Identity or environment).
    /// Without it, the pod's own credentials are used directly.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assume_role: Option<AssumeRole>,
    /// Default regions for resources that reference this account and list none themselves.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 40))]
    #[schemars(inner(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$")))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<String>,
    /// Namespaces whose namespaced objects (`PatchSchedule`, `MonitoringPolicy`) may use this account. Absent:
    /// none may (cluster-scoped kinds always may). An object in a namespace that is not allowed gets
    /// `Ready=False` reason `AccountNotAllowed`, and no AWS call is made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub allowed_namespaces: Option<AllowedNamespaces>,
    /// IAM roles that namespaced objects using this account may hand to AWS services (`serviceRoleArn` of a
    /// PatchSchedule, `scheduledActions[].roleArn`, the EKS add-on roles and `canaries[].executionRoleArn` of a
    /// MonitoringPolicy): full role ARNs, or a prefix ending in `*` (`arn:aws:iam::111122223333:role/team-a-*`).
    /// Absent: none may — an object naming a role gets `Ready=False` reason `RoleNotAllowed` before any AWS call, so
    /// a tenant cannot make the operator pass a powerful role it could not pass itself. `iam-policy` scopes
    /// `iam:PassRole` to these.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 100))]
    #[schemars(inner(regex(
        pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/*-]{1,512}$"
    )))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub passable_roles: Vec<String>,
    /// Event-driven drift detection: changes made in this account behind the operator's back (CloudTrail
    /// management events of the APIs that can change what the operator manages) reach the operator through
    /// EventBridge within seconds and start a pass of exactly the objects that own the touched resource. Polling
    /// (`driftCheckInterval`) stays as the safety net: EventBridge delivery is best-effort.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_events: Option<ChangeEvents>,
}

/// Where this account's change events go. One AwsAccount in the cluster is the `Hub`: the account (normally the
/// operator's own) whose SQS queue, in its first region, the operator long-polls; every other account with
/// `changeEvents` forwards to the hub's default event bus, so one long-poll serves the whole fleet.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ChangeEvents {
    /// `Forward` (default): an EventBridge rule on the default bus of each of this account's `regions` (and
    /// us-east-1, where IAM and other global services emit) sends matching events to the hub's event bus.
    /// `Hub`: this account also hosts the queue, the rule that fills it and the bus policy that lets the
    /// forwarding accounts in. With two hubs, the oldest AwsAccount is the hub and the other reports an error.
    #[serde(default)]
    pub role: ChangeEventsRole,
    /// IAM role EventBridge assumes to put this account's events on the hub's bus when that bus is in another
    /// Region (EventBridge requires a role for an event bus target in another Region; a target in the same
    /// Region needs none: the hub's bus policy names this account). Its trust policy must allow
    /// `events.amazonaws.com`, its policy `events:PutEvents` on the hub's default bus. `iam-policy` lets the
    /// operator pass it to EventBridge.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(
        regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        length(max = 2048)
    )]
    pub forwarding_role_arn: Option<String>,
}

/// The part an account plays in change-event delivery.
#[derive(
    schemars::JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, Default, PartialEq, Eq,
)]
pub enum ChangeEventsRole {
    /// Send this account's change events to the hub's event bus.
    #[default]
    Forward,
    /// Host the central queue (in this account's first region) and receive every forwarding account's events.
    Hub,
}

impl AwsAccountSpec {
    /// True when namespaced objects may pass `role` (an exact entry, or a `*`-terminated prefix).
    pub fn may_pass(&self, role: &str) -> bool {
        self.passable_roles
            .iter()
            .any(|p| match p.strip_suffix('*') {
                Some(prefix) => role.starts_with(prefix),
                None => p == role,
            })
    }
}

/// Namespaces allowed to use an account: listed by name and/or matched by labels (either grants access).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AllowedNamespaces {
    /// Namespace names.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 256))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub names: Vec<String>,
    /// Namespaces whose labels match this selector; `{}` matches every namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
}

impl AwsAccountSpec {
    /// True when an object in `namespace` (with these namespace labels) may use this account.
    pub fn allows(&self, namespace: &str, labels: &BTreeMap<String, String>) -> bool {
        let Some(a) = &self.allowed_namespaces else {
            return false;
        };
        a.names.iter().any(|n| n == namespace)
            || a.selector
                .as_ref()
                .is_some_and(|s| selector_matches(s, labels))
    }
}

/// Kubernetes label-selector semantics: every matchLabels pair and every expression must hold.
pub fn selector_matches(s: &LabelSelector, labels: &BTreeMap<String, String>) -> bool {
    let labels_ok = s
        .match_labels
        .iter()
        .flatten()
        .all(|(k, v)| labels.get(k) == Some(v));
    let exprs_ok = s.match_expressions.iter().flatten().all(|e| {
        let values = e.values.as_deref().unwrap_or_default();
        let value = labels.get(&e.key);
        match e.operator.as_str() {
            "In" => value.is_some_and(|v| values.contains(v)),
            "NotIn" => value.is_none_or(|v| !values.contains(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_ok && exprs_ok
}

/// An IAM role to assume with STS AssumeRole.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AssumeRole {
    /// ARN of the role, e.g. `arn:aws:iam::123456789012:role/baseline-operator`.
    #[schemars(
        regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        length(max = 2048)
    )]
    pub role_arn: String,
    /// External ID the role's trust policy requires (not a secret, but never logged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224))]
    pub external_id: Option<String>,
    /// Session name shown in CloudTrail; defaults to `aws-baseline-operator`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9+=,.@-]{2,64}$"))]
    pub session_name: Option<String>,
    /// Roles assumed first, in order, before `roleArn` (an assume-role chain, e.g. a hub role in a security
    /// account that the target role trusts). The pod's own credentials assume the first one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 3))]
    pub via: Vec<RoleHop>,
    /// Tag the target role's session with the object it works for (`awsbaseline.io/kind`,
    /// `awsbaseline.io/owner` = `namespace/name`), so CloudTrail and ABAC policies see which team acted. The role's
    /// trust policy must allow `sts:TagSession`. Sessions (and their cached credentials) are then per object.
    #[serde(default)]
    pub session_tags: bool,
}

/// One intermediate role of an assume-role chain.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RoleHop {
    /// ARN of the intermediate role.
    #[schemars(
        regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/[A-Za-z0-9+=,.@_/-]+$"),
        length(max = 2048)
    )]
    pub role_arn: String,
    /// External ID its trust policy requires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 1224))]
    pub external_id: Option<String>,
}

/// Observed state of an `AwsAccount`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AwsAccountStatus {
    /// Generation of the spec this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// Account ID STS GetCallerIdentity returned for these credentials.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_account: Option<String>,
    /// ARN of the resolved caller identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caller_arn: Option<String>,
    /// `Ready` is True when the credentials resolve to the declared account. `ChangeEvents` (only with
    /// `spec.changeEvents`) is True when every change-event component below is in place.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// The change-event components: the forwarding rule of each region; on the hub, the queue and the bus policy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 64))]
    pub components: Vec<crate::api::common::ComponentStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;

    fn spec(allowed: Option<AllowedNamespaces>) -> AwsAccountSpec {
        AwsAccountSpec {
            account_id: "123456789012".into(),
            assume_role: None,
            regions: vec![],
            allowed_namespaces: allowed,
            passable_roles: vec![],
            change_events: None,
        }
    }

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn no_allow_list_allows_no_namespace() {
        assert!(!spec(None).allows("payments", &labels(&[])));
    }

    #[test]
    fn names_and_selectors_each_grant_access() {
        let s = spec(Some(AllowedNamespaces {
            names: vec!["payments".into()],
            selector: Some(LabelSelector {
                match_labels: Some(
                    [("team".to_string(), "platform".to_string())]
                        .into_iter()
                        .collect(),
                ),
                match_expressions: Some(vec![LabelSelectorRequirement {
                    key: "env".into(),
                    operator: "NotIn".into(),
                    values: Some(vec!["sandbox".into()]),
                }]),
            }),
        }));
        assert!(s.allows("payments", &labels(&[])));
        assert!(s.allows("infra", &labels(&[("team", "platform")])));
        assert!(!s.allows(
            "infra",
            &labels(&[("team", "platform"), ("env", "sandbox")])
        ));
        assert!(!s.allows("web", &labels(&[("team", "web")])));
    }

    #[test]
    fn empty_selector_matches_every_namespace() {
        let s = spec(Some(AllowedNamespaces {
            names: vec![],
            selector: Some(LabelSelector::default()),
        }));
        assert!(s.allows("anything", &labels(&[])));
    }

    #[test]
    fn expression_operators() {
        let req = |op: &str, values: Option<Vec<&str>>| LabelSelector {
            match_labels: None,
            match_expressions: Some(vec![LabelSelectorRequirement {
                key: "tier".into(),
                operator: op.into(),
                values: values.map(|v| v.into_iter().map(String::from).collect()),
            }]),
        };
        let web = labels(&[("tier", "web")]);
        let none = labels(&[]);
        assert!(selector_matches(&req("In", Some(vec!["web", "api"])), &web));
        assert!(!selector_matches(&req("In", Some(vec!["api"])), &web));
        assert!(selector_matches(&req("Exists", None), &web));
        assert!(!selector_matches(&req("Exists", None), &none));
        assert!(selector_matches(&req("DoesNotExist", None), &none));
        assert!(!selector_matches(&req("Bogus", None), &web));
    }
}
