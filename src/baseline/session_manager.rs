//! Session Manager preferences: the `SSM-SessionManagerRunShell` Session document of a region, compared input by
//! input. A region without the document runs sessions with Session Manager's defaults, so those are what is
//! observed there (and a missing document shows as the settings it would change, not as one `exists`).

use crate::api::account_baseline::SessionManagerSpec;
use crate::diff::Fields;
use serde_json::{json, Map, Value};

/// Component name.
pub const COMPONENT: &str = "sessionManager";

/// Session Manager's defaults for every input the operator manages (what a region without the document uses).
fn defaults() -> Map<String, Value> {
    let v = json!({
        "s3BucketName": "",
        "s3KeyPrefix": "",
        "s3EncryptionEnabled": true,
        "cloudWatchLogGroupName": "",
        "cloudWatchEncryptionEnabled": true,
        "cloudWatchStreamingEnabled": true,
        "kmsKeyId": "",
        "idleSessionTimeout": "20",
        "maxSessionDuration": "",
        "runAsEnabled": false,
        "runAsDefaultUser": "",
        "shellProfile": {"linux": "", "windows": ""},
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The document's `inputs` as the spec wants them.
pub fn inputs(spec: &SessionManagerSpec) -> Map<String, Value> {
    let opt = |v: &Option<String>| json!(v.clone().unwrap_or_default());
    let profile = spec.shell_profile.clone().unwrap_or_default();
    let v = json!({
        "s3BucketName": opt(&spec.s3_bucket_name),
        "s3KeyPrefix": opt(&spec.s3_key_prefix),
        "s3EncryptionEnabled": spec.s3_encryption_enabled,
        "cloudWatchLogGroupName": opt(&spec.cloud_watch_log_group_name),
        "cloudWatchEncryptionEnabled": spec.cloud_watch_encryption_enabled,
        "cloudWatchStreamingEnabled": spec.cloud_watch_streaming_enabled,
        "kmsKeyId": opt(&spec.kms_key_id),
        "idleSessionTimeout": spec.idle_session_timeout_minutes.to_string(),
        "maxSessionDuration": spec.max_session_duration_minutes.map(|m| m.to_string()).unwrap_or_default(),
        "runAsEnabled": spec.run_as_enabled,
        "runAsDefaultUser": opt(&spec.run_as_default_user),
        "shellProfile": {"linux": profile.linux, "windows": profile.windows},
    });
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

/// The whole document content (schema 1.0, `Standard_Stream` sessions).
pub fn content(spec: &SessionManagerSpec) -> Value {
    json!({
        "schemaVersion": "1.0",
        "description": "Session Manager preferences, managed by aws-baseline-operator",
        "sessionType": "Standard_Stream",
        "inputs": inputs(spec),
    })
}

fn fields(inputs: Map<String, Value>) -> Fields {
    inputs
        .into_iter()
        .map(|(k, v)| (format!("{COMPONENT}.{k}"), v))
        .collect()
}

/// Desired fields: one per managed input (`sessionManager.idleSessionTimeout`, ...).
pub fn desired(spec: &SessionManagerSpec) -> Fields {
    fields(inputs(spec))
}

/// Observed fields from the document content (`None`: no document, Session Manager's defaults). Numbers the
/// console writes as numbers are compared as the strings the document schema uses; inputs the document leaves
/// out take their defaults.
pub fn observed(content: Option<&Value>) -> Fields {
    let mut m = defaults();
    if let Some(Value::Object(found)) = content.and_then(|c| c.get("inputs")) {
        for (k, v) in found {
            if let Some(slot) = m.get_mut(k) {
                *slot = match (&*slot, v) {
                    (Value::String(_), Value::Number(n)) => Value::String(n.to_string()),
                    (Value::Bool(_), Value::String(s)) => Value::Bool(s == "true"),
                    _ => v.clone(),
                };
            }
        }
    }
    fields(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    fn spec(y: &str) -> SessionManagerSpec {
        crate::manifests::from_yaml(y).unwrap()
    }

    #[test]
    fn defaults_match_a_region_without_the_document() {
        let s = spec("{}");
        assert!(diff(COMPONENT, &desired(&s), &observed(None)).is_empty());
    }

    #[test]
    fn declared_preferences_differ_from_defaults_field_by_field() {
        let s = spec(
            "{cloudWatchLogGroupName: /ssm/sessions, kmsKeyId: alias/ssm, idleSessionTimeoutMinutes: 15, runAsEnabled: true, runAsDefaultUser: ops}",
        );
        let d = diff(COMPONENT, &desired(&s), &observed(None));
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "sessionManager.cloudWatchLogGroupName",
                "sessionManager.idleSessionTimeout",
                "sessionManager.kmsKeyId",
                "sessionManager.runAsDefaultUser",
                "sessionManager.runAsEnabled",
            ]
        );
        // The written content reads back as in sync; the console's numeric timeout compares equal too.
        assert!(diff(COMPONENT, &desired(&s), &observed(Some(&content(&s)))).is_empty());
        let mut console = content(&s);
        console["inputs"]["idleSessionTimeout"] = json!(15);
        assert!(diff(COMPONENT, &desired(&s), &observed(Some(&console))).is_empty());
    }
}
