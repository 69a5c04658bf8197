//! Types shared by every kind: policies, the drift entry, component summaries and condition helpers.

use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, Time};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// API group of every kind this operator serves.
pub const GROUP: &str = "awsbaseline.io";

/// What the operator does when AWS differs from the spec.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default, JsonSchema)]
pub enum DriftPolicy {
    /// Change AWS back to the declared state (minimal writes) and record the drift as `Corrected`.
    #[default]
    Correct,
    /// Never call a mutating AWS API; record the drift as `Reported`.
    Report,
}

/// What happens to AWS resources when the custom resource is deleted.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum DeletionPolicy {
    /// Leave everything in AWS as it is and only remove the finalizer.
    Retain,
    /// Remove what the operator created (proven by its tags or recorded ownership) and disable account-wide
    /// settings it merely adopted where that is safe; never delete anything the operator did not create.
    Delete,
}

/// Reference to a cluster-scoped `AwsAccount`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq, JsonSchema)]
pub struct AccountRef {
    /// Name of the `AwsAccount` object that says how to reach the account.
    #[schemars(length(min = 1, max = 253))]
    pub name: String,
}

/// How a drift was handled in the pass that found it.
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
pub enum DriftAction {
    /// The operator changed AWS back to the declared value.
    Corrected,
    /// The drift is shown but AWS was not changed (driftPolicy Report, or a setting the API cannot change).
    Reported,
    /// A correction was attempted and AWS refused it; see the Synced condition.
    Failed,
}

/// One setting where AWS differs from the spec.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct DriftEntry {
    /// Component the setting belongs to, e.g. `guardDuty`.
    pub component: String,
    /// AWS region the setting was read in (the home region for account-wide settings).
    pub region: String,
    /// AWS account ID.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// Stable path of the setting, e.g. `guardDuty.features.S3_DATA_EVENTS`.
    pub field: String,
    /// Declared value, JSON-encoded.
    pub desired: String,
    /// Value found in AWS, JSON-encoded (`null` when absent).
    pub actual: String,
    /// When this drift was first seen; kept while the same drift persists.
    pub detected_at: Time,
    /// What the operator did about it.
    pub action: DriftAction,
    /// Security Hub control and CIS benchmark IDs this setting satisfies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<String>,
    /// How the drift was found: `Event` (a change event from the account started the pass) or `Poll` (the
    /// periodic drift check, or any other pass). Absent in `plan`/`check` output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detected_by: Option<DetectedBy>,
    /// For `Event`: milliseconds from the change in AWS (the CloudTrail `eventTime`) to the pass that found it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detection_latency_ms: Option<i64>,
}

/// How a drift was found.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum DetectedBy {
    /// A change event (EventBridge, `AwsAccount.spec.changeEvents`) started the pass.
    Event,
    /// The periodic drift check or another pass (spec change, restart).
    Poll,
}

/// Lifecycle state of one component in one region after the last pass.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum ComponentState {
    /// AWS matches the spec.
    InSync,
    /// The operator created the resource in this pass.
    Created,
    /// Drift was found and corrected in this pass.
    Corrected,
    /// Drift was found and left in place (Report policy or not correctable).
    Drifted,
    /// The pass could not read or change this component; see `message`.
    Error,
}

/// Whether the operator created a resource or adopted one that already existed.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
pub enum Ownership {
    /// Created by the operator (tagged where the service allows); may be deleted under `deletionPolicy: Delete`.
    Created,
    /// Existed before the operator; never deleted, at most disabled.
    Adopted,
    /// Nothing exists in AWS for this component (e.g. a disabled setting that was never created).
    None,
}

/// Per-region, per-component summary with the AWS identifiers.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ComponentStatus {
    /// Component name, e.g. `cloudTrail`.
    pub component: String,
    /// AWS account ID, set when one object spans several accounts (`accountSelector`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// AWS region (the home region for account-wide settings).
    pub region: String,
    /// State after the last pass.
    pub state: ComponentState,
    /// Who created the AWS resource.
    pub ownership: Ownership,
    /// AWS identifier: trail ARN, detector ID, bucket name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Number of drifted settings found in the last pass.
    #[serde(default)]
    pub drifted_fields: u32,
    /// Error or adoption detail.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// Security Hub: the controls this baseline disabled itself, per standard, with the reason it wrote. A control
    /// counts as the operator's only while AWS still shows it disabled with that reason; one that leaves
    /// `disabledControls` is enabled again (`driftPolicy: Correct`) or reported.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_disabled_controls: Vec<OperatorDisabledControl>,
    /// Resources whose setting this baseline turned on itself (S3 server access logging of a bucket, access logs of
    /// a load balancer), by name or ARN. Only these are turned off again when the object is deleted under
    /// `deletionPolicy: Delete`; settings that were on before the operator are left as they are.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub operator_enabled: Vec<String>,
}

/// A Security Hub control this baseline disabled in one standard (BatchUpdateStandardsControlAssociations).
// Why this record exists: see `crate::baseline::security_hub::record`.
#[derive(Deserialize, Serialize, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct OperatorDisabledControl {
    /// Security control ID, e.g. `IAM.6`.
    pub control_id: String,
    /// ARN of the standard the control was disabled in.
    pub standards_arn: String,
    /// The `UpdatedReason` the operator wrote (AWS must still show it for the control to count as the operator's).
    pub reason: String,
}

/// Observed state shared by every reconciled kind: conditions, per-region components and field-level drift.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Debug, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ReconcileStatus {
    /// Generation of the spec this status describes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed_generation: Option<i64>,
    /// `Ready`, `Synced` and `Drifted`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
    /// Account the last pass ran against.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_id: Option<String>,
    /// Resolved regions, home region first, comma-separated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regions: Option<String>,
    /// Time of the drift check that produced this status. A re-check that finds exactly the same state does
    /// not write status (zero Kubernetes writes in steady state), so this is the last check that changed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_drift_check_time: Option<Time>,
    /// Per-region, per-component summary with AWS identifiers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<ComponentStatus>,
    /// Settings where AWS differed from the spec in the last pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<DriftEntry>,
}

/// Condition types used by every kind.
pub mod condition {
    /// Declared state holds in AWS.
    pub const READY: &str = "Ready";
    /// The last pass reached AWS without error.
    pub const SYNCED: &str = "Synced";
    /// AWS differs from the spec.
    pub const DRIFTED: &str = "Drifted";
    /// kstatus `Stalled`: the last error will not go away by retrying; a person has to change the spec, the IAM
    /// policy or the account. Present only while True, so Flux and Argo CD fail at once instead of waiting for
    /// their timeout.
    pub const STALLED: &str = "Stalled";
}

/// Ready reasons that mean "stalled": retrying cannot fix them (a spec, IAM or account change can). Throttling,
/// network errors, a missing AwsAccount (GitOps may apply it next) and unclassified AWS errors are not.
pub const STALLING_REASONS: &[&str] = &[
    "InvalidSpec",
    "InvalidInput",
    "QuotaExceeded",
    "AccessDenied",
    "NoCredentials",
    "AssumeRoleDenied",
    "UnknownRegion",
    "SupportPlanRequired",
    "AccountMismatch",
    "RoleNotAllowed",
    "AccountNotAllowed",
];

/// `conditions` with a `Stalled=True` condition appended when their `Ready` is False for a stalling reason (same
/// reason and message), and without one otherwise.
pub fn with_stalled(
    mut conditions: Vec<Condition>,
    previous: &[Condition],
    generation: Option<i64>,
    now: &Time,
) -> Vec<Condition> {
    conditions.retain(|c| c.type_ != condition::STALLED);
    let stalled = find_condition(&conditions, condition::READY)
        .filter(|r| r.status == "False" && STALLING_REASONS.contains(&r.reason.as_str()))
        .map(|r| {
            set_condition(
                previous,
                condition::STALLED,
                true,
                &r.reason,
                r.message.clone(),
                generation,
                now,
            )
        });
    conditions.extend(stalled);
    conditions
}

/// Build a condition, keeping `lastTransitionTime` from `previous` when the status did not flip.
pub fn set_condition(
    previous: &[Condition],
    type_: &str,
    status: bool,
    reason: &str,
    message: String,
    generation: Option<i64>,
    now: &Time,
) -> Condition {
    let status = if status { "True" } else { "False" }.to_string();
    let last_transition_time = previous
        .iter()
        .find(|c| c.type_ == type_ && c.status == status)
        .map(|c| c.last_transition_time.clone())
        .unwrap_or_else(|| now.clone());
    Condition {
        type_: type_.to_string(),
        status,
        reason: reason.to_string(),
        message,
        observed_generation: generation,
        last_transition_time,
    }
}

/// Find a condition by type.
pub fn find_condition<'a>(conditions: &'a [Condition], type_: &str) -> Option<&'a Condition> {
    conditions.iter().find(|c| c.type_ == type_)
}

/// Owner identity stamped on everything the operator creates.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owner {
    /// Kind of the owning custom resource.
    pub kind: String,
    /// Name (namespace/name for namespaced kinds).
    pub name: String,
    /// UID of the owning object; the proof of ownership.
    pub uid: String,
}

/// Tag keys used to prove ownership.
pub mod tags {
    /// Always `aws-baseline-operator`.
    pub const MANAGED_BY: &str = "awsbaseline.io/managed-by";
    /// Kind of the owner.
    pub const OWNER_KIND: &str = "awsbaseline.io/owner-kind";
    /// Name of the owner.
    pub const OWNER_NAME: &str = "awsbaseline.io/owner-name";
    /// UID of the owner.
    pub const OWNER_UID: &str = "awsbaseline.io/owner-uid";
    /// Longest tag value AWS accepts.
    pub const MAX_VALUE: usize = 256;
    /// Value of the managed-by tag.
    pub const MANAGED_BY_VALUE: &str = "aws-baseline-operator";
}

impl Owner {
    /// The tags every created resource carries. Values fit AWS's 256-character tag value limit (`namespace/name`
    /// can reach 317): a longer one is cut with a hash suffix, so it stays distinct and stable.
    pub fn tags(&self) -> Vec<(String, String)> {
        vec![
            (tags::MANAGED_BY.into(), tags::MANAGED_BY_VALUE.into()),
            (tags::OWNER_KIND.into(), self.kind.clone()),
            (tags::OWNER_NAME.into(), self.name_tag()),
            (tags::OWNER_UID.into(), self.uid_tag()),
        ]
    }

    /// The owner-name tag value (and session tag): the name, fit to [`tags::MAX_VALUE`].
    pub fn name_tag(&self) -> String {
        crate::names::fit(&self.name, tags::MAX_VALUE)
    }

    fn uid_tag(&self) -> String {
        crate::names::fit(&self.uid, tags::MAX_VALUE)
    }

    /// True when `tags` prove that this owner created the resource.
    pub fn owns<'a>(&self, tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> bool {
        let uid = self.uid_tag();
        tags.into_iter()
            .any(|(k, v)| k == tags::OWNER_UID && v == uid)
    }
}

/// Schema of a free-form JSON object kept as given (dashboard bodies, add-on configuration values).
pub fn free_form_object(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "type": "object",
        "x-kubernetes-preserve-unknown-fields": true,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Time {
        Time(s.parse().unwrap())
    }

    #[test]
    fn transition_time_kept_while_status_holds_and_moves_on_flip() {
        let first = set_condition(
            &[],
            "Ready",
            true,
            "InSync",
            "ok".into(),
            Some(1),
            &t("2026-01-01T00:00:00Z"),
        );
        let same = set_condition(
            std::slice::from_ref(&first),
            "Ready",
            true,
            "InSync",
            "ok".into(),
            Some(2),
            &t("2026-01-02T00:00:00Z"),
        );
        assert_eq!(same.last_transition_time, t("2026-01-01T00:00:00Z"));
        let flipped = set_condition(
            &[same],
            "Ready",
            false,
            "DriftDetected",
            "x".into(),
            Some(2),
            &t("2026-01-03T00:00:00Z"),
        );
        assert_eq!(flipped.last_transition_time, t("2026-01-03T00:00:00Z"));
        assert_eq!(flipped.status, "False");
    }

    #[test]
    fn ownership_is_proven_by_uid_tag_only() {
        let owner = Owner {
            kind: "AccountBaseline".into(),
            name: "prod".into(),
            uid: "u-1".into(),
        };
        assert!(owner.owns([(tags::OWNER_UID, "u-1")]));
        assert!(!owner.owns([(tags::OWNER_UID, "u-2"), (tags::OWNER_NAME, "prod")]));
        assert!(!owner.owns([
            (tags::OWNER_NAME, "prod"),
            (tags::MANAGED_BY, tags::MANAGED_BY_VALUE)
        ]));
    }
}
