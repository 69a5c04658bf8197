//! An operator-owned IAM role (`createRole: true`): a service role the operator names, creates, keeps at its
//! documented trust policy and least-privilege inline policy, and deletes only when its tags prove it owns it.
//!
//! - Name: `awsbaseline-<purpose>-<8 hex>`, the suffix a stable hash of the owner (`kind/name`, namespace included
//!   for namespaced kinds), so two objects never share a role and `iam-policy` can scope its IAM writes to
//!   `arn:aws:iam::*:role/awsbaseline-*`.
//! - Trust: one service principal, limited with `aws:SourceAccount` (and `aws:SourceArn` where the service
//!   documents it) against the confused-deputy problem.
//! - Policy: one inline policy named [`POLICY_NAME`], scoped to the resources the spec section declares.
//! - IAM is global: a role is reconciled once per pass, reported in the home region.
//!
//! Drift on the trust policy or the inline policy is reported under `<component>.trustPolicy` / `.policy` and
//! corrected (UpdateAssumeRolePolicy / PutRolePolicy). A role of the reserved name without this owner's tags is
//! adopted (corrected, never deleted).

use crate::api::common::{Owner, Ownership};
use crate::aws::{self, AwsError};
use crate::diff::{diff, touches, FieldDrift, Fields};
use crate::engine::{failed, ComponentOutcome, Settle};
use serde_json::{json, Value};

/// Name prefix of every role the operator creates.
pub const PREFIX: &str = "awsbaseline-";
/// ARN pattern of every role the operator creates (what `iam-policy` scopes its IAM writes and PassRole to).
pub const ARN_PATTERN: &str = "arn:aws:iam::*:role/awsbaseline-*";
/// IAM's limit on the inline policies of a role (characters, whitespace excluded), which a policy built from a
/// spec is checked against before any call.
pub const MAX_POLICY_SIZE: usize = 10_240;
/// Name of the one inline policy an operator-owned role carries.
pub const POLICY_NAME: &str = "awsbaseline-least-privilege";

/// A role the operator owns, as the spec section declares it.
#[derive(Clone, Debug, PartialEq)]
pub struct OwnedRole {
    /// Component reporting it (`cloudTrailLogsRole`).
    pub component: &'static str,
    /// Role name ([`role_name`]).
    pub name: String,
    /// Role description.
    pub description: String,
    /// Trust policy.
    pub trust: Value,
    /// Inline policy ([`POLICY_NAME`]).
    pub policy: Value,
}

/// `awsbaseline-<purpose>-<8 hex of the owner>`; at most 64 characters (IAM's limit) for purposes up to 43.
pub fn role_name(purpose: &str, owner: &Owner) -> String {
    let h = crate::names::stable_hash(&format!("{}/{}", owner.kind, owner.name));
    format!("{PREFIX}{purpose}-{:08x}", h >> 32)
}

/// `arn:<partition>:iam::<account>:role/<name>`.
pub fn role_arn(partition: &str, account: &str, name: &str) -> String {
    format!("arn:{partition}:iam::{account}:role/{name}")
}

/// The partition of an ARN (`aws`, `aws-cn`, `aws-us-gov`), `aws` when it is not an ARN.
pub fn partition_of(arn: &str) -> &str {
    arn.split(':')
        .nth(1)
        .filter(|p| !p.is_empty())
        .unwrap_or("aws")
}

/// A trust policy letting `principal` assume the role for `account` only (`aws:SourceAccount`), and, when
/// given, only on behalf of `source_arn` (`aws:SourceArn`).
pub fn trust_policy(principal: &str, account: &str, source_arn: Option<&str>) -> Value {
    let mut cond = json!({"StringEquals": {"aws:SourceAccount": account}});
    if let Some(arn) = source_arn {
        cond["ArnLike"] = json!({ "aws:SourceArn": arn });
    }
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": principal},
            "Action": "sts:AssumeRole",
            "Condition": cond,
        }]
    })
}

/// Desired fields of the role.
pub fn desired(role: &OwnedRole) -> Fields {
    let c = role.component;
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.trustPolicy"), role.trust.clone()),
        (format!("{c}.policy"), role.policy.clone()),
    ])
}

fn parsed(doc: Option<&str>) -> Value {
    doc.and_then(|d| serde_json::from_str(d).ok())
        .unwrap_or(Value::Null)
}

/// Observed fields of the role (documents parsed, so key order and whitespace are no drift).
pub fn observed(role: &OwnedRole, state: Option<&aws::iam::RoleState>) -> Fields {
    let c = role.component;
    Fields::from([
        (format!("{c}.exists"), json!(state.is_some())),
        (
            format!("{c}.trustPolicy"),
            parsed(state.and_then(|s| s.trust_policy.as_deref())),
        ),
        (
            format!("{c}.policy"),
            parsed(state.and_then(|s| s.inline_policy.as_deref())),
        ),
    ])
}

/// One write that brings the role to its declared state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleWrite {
    /// CreateRole (with the trust policy and owner tags).
    Create,
    /// UpdateAssumeRolePolicy.
    Trust,
    /// PutRolePolicy.
    Policy,
}

/// The writes for `drift`: a missing role is created and given its policy; an existing one gets only what drifted.
pub fn plan(component: &str, exists: bool, drift: &[FieldDrift]) -> Vec<RoleWrite> {
    if drift.is_empty() {
        return Vec::new();
    }
    if !exists {
        return vec![RoleWrite::Create, RoleWrite::Policy];
    }
    let mut w = Vec::new();
    if touches(drift, &[&format!("{component}.trustPolicy")]) {
        w.push(RoleWrite::Trust);
    }
    if touches(drift, &[&format!("{component}.policy")]) {
        w.push(RoleWrite::Policy);
    }
    w
}

/// Observe the role and, when the object may write, create it or correct its trust and inline policy.
pub(crate) async fn reconcile(
    client: &aws_sdk_iam::Client,
    role: &OwnedRole,
    owner: &Owner,
    may_write: bool,
    region: &str,
    previous: Option<Ownership>,
) -> ComponentOutcome {
    let c = role.component;
    let state = match aws::iam::role(client, &role.name, POLICY_NAME).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, previous.unwrap_or(Ownership::None), e),
    };
    let drift = diff(c, &desired(role), &observed(role, state.as_ref()));
    let writes = plan(c, state.is_some(), &drift);
    let ownership = match &state {
        Some(s) if owner.owns(s.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) => {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if may_write => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|s| s.arn.clone());
    let exec = if may_write && !writes.is_empty() {
        let trust = role.trust.to_string();
        let policy = role.policy.to_string();
        let result = async {
            for w in &writes {
                match w {
                    RoleWrite::Create => {
                        id = Some(
                            aws::iam::create_role(
                                client,
                                &role.name,
                                &trust,
                                &role.description,
                                &owner.tags(),
                            )
                            .await?,
                        )
                    }
                    RoleWrite::Trust => {
                        aws::iam::put_trust_policy(client, &role.name, &trust).await?
                    }
                    RoleWrite::Policy => {
                        aws::iam::put_role_policy(client, &role.name, POLICY_NAME, &policy).await?
                    }
                }
            }
            Ok(())
        }
        .await;
        Some(result)
    } else {
        None
    };
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: state.is_none(),
        ownership,
        id,
    }
    .outcome()
}

/// Delete the role (its inline policy first) when its tags prove `owner` created it; keep any other.
pub(crate) async fn cleanup(
    client: &aws_sdk_iam::Client,
    name: &str,
    owner: &Owner,
) -> Result<Option<String>, AwsError> {
    match aws::iam::role(client, name, POLICY_NAME).await? {
        Some(s) if owner.owns(s.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) => {
            aws::iam::delete_role(client, name, POLICY_NAME).await?;
            Ok(Some(format!("deleted IAM role {name}")))
        }
        Some(_) => Ok(Some(format!(
            "kept IAM role {name} (not created by this object)"
        ))),
        None => Ok(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn owner(kind: &str, name: &str) -> Owner {
        Owner {
            kind: kind.into(),
            name: name.into(),
            uid: "u".into(),
        }
    }

    fn role() -> OwnedRole {
        OwnedRole {
            component: "r",
            name: "awsbaseline-x-00000000".into(),
            description: "d".into(),
            trust: trust_policy(
                "cloudtrail.amazonaws.com",
                "1",
                Some("arn:aws:cloudtrail:us-east-1:1:trail/t"),
            ),
            policy: json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "x"}]}),
        }
    }

    #[test]
    fn names_are_prefixed_stable_distinct_per_owner_and_within_iam_limits() {
        let a = role_name("cloudtrail-logs", &owner("AccountBaseline", "prod"));
        assert!(a.starts_with("awsbaseline-cloudtrail-logs-"), "{a}");
        assert_eq!(
            a,
            role_name("cloudtrail-logs", &owner("AccountBaseline", "prod"))
        );
        assert_ne!(
            a,
            role_name("cloudtrail-logs", &owner("AccountBaseline", "dev"))
        );
        assert_ne!(
            a,
            role_name("cloudtrail-logs", &owner("PatchSchedule", "prod"))
        );
        assert!(a.len() <= 64);
        assert_eq!(
            role_arn(
                partition_of("arn:aws-cn:logs:cn-north-1:1:log-group:g:*"),
                "1",
                "n"
            ),
            "arn:aws-cn:iam::1:role/n"
        );
    }

    #[test]
    fn trust_limits_the_principal_to_the_account_and_source() {
        let t = trust_policy("vpc-flow-logs.amazonaws.com", "123456789012", None);
        assert_eq!(
            t["Statement"][0]["Condition"],
            json!({"StringEquals": {"aws:SourceAccount": "123456789012"}})
        );
        let t = role().trust;
        assert_eq!(
            t["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:cloudtrail:us-east-1:1:trail/t"
        );
        assert_eq!(
            t["Statement"][0]["Principal"]["Service"],
            "cloudtrail.amazonaws.com"
        );
    }

    #[test]
    fn missing_role_is_created_with_its_policy_and_tampering_is_corrected_field_by_field() {
        let r = role();
        let d = diff("r", &desired(&r), &observed(&r, None));
        assert_eq!(
            plan("r", false, &d),
            vec![RoleWrite::Create, RoleWrite::Policy]
        );

        // Same documents, other key order and whitespace: in sync.
        let state = aws::iam::RoleState {
            arn: "arn".into(),
            trust_policy: Some(serde_json::to_string_pretty(&r.trust).unwrap()),
            inline_policy: Some(r.policy.to_string()),
            tags: vec![],
        };
        assert!(diff("r", &desired(&r), &observed(&r, Some(&state))).is_empty());

        let tampered = aws::iam::RoleState {
            inline_policy: Some(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#.into()),
            ..state.clone()
        };
        let d = diff("r", &desired(&r), &observed(&r, Some(&tampered)));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "r.policy");
        assert_eq!(plan("r", true, &d), vec![RoleWrite::Policy]);

        let no_policy = aws::iam::RoleState {
            inline_policy: None,
            trust_policy: Some(trust_policy("ec2.amazonaws.com", "1", None).to_string()),
            ..state
        };
        let d = diff("r", &desired(&r), &observed(&r, Some(&no_policy)));
        assert_eq!(
            plan("r", true, &d),
            vec![RoleWrite::Trust, RoleWrite::Policy]
        );
    }

    #[test]
    fn url_encoded_documents_are_decoded() {
        assert_eq!(
            aws::iam::decode_policy("%7B%22Version%22%3A%222012-10-17%22%7D"),
            r#"{"Version":"2012-10-17"}"#
        );
        assert_eq!(aws::iam::decode_policy(r#"{"a":1}"#), r#"{"a":1}"#);
        assert_eq!(aws::iam::decode_policy("100%"), "100%");
    }
}
