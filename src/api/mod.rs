//! Custom resource types (group `awsbaseline.io`, version `v1alpha1`).

pub mod account_baseline;
pub mod aws_account;
pub mod aws_organization;
pub mod common;
pub mod fleet;
pub mod monitoring_policy;
pub mod patch_schedule;

use kube::CustomResourceExt;

pub use account_baseline::{AccountBaseline, AccountBaselineSpec, AccountBaselineStatus};
pub use aws_account::{AwsAccount, AwsAccountSpec, AwsAccountStatus};
pub use aws_organization::{AwsOrganization, AwsOrganizationSpec, AwsOrganizationStatus};
pub use monitoring_policy::{MonitoringPolicy, MonitoringPolicySpec, MonitoringPolicyStatus};
pub use patch_schedule::{PatchSchedule, PatchScheduleSpec, PatchScheduleStatus};

/// One of the kinds this operator serves: what a controller watches, finalizes and writes the status of.
pub trait Kind:
    kube::Resource<DynamicType = ()>
    + Clone
    + serde::de::DeserializeOwned
    + serde::Serialize
    + std::fmt::Debug
    + Send
    + Sync
    + 'static
{
}

impl Kind for AccountBaseline {}
impl Kind for AwsAccount {}
impl Kind for AwsOrganization {}
impl Kind for MonitoringPolicy {}
impl Kind for PatchSchedule {}

/// Every CRD this operator serves, as multi-document YAML (what `crd` prints and `crds/` holds). Long
/// descriptions stay on one line (no folding), multi-line ones are literal blocks (`|-`).
pub fn crds_yaml() -> Result<String, serde_saphyr::SerializeError> {
    let crds = [
        AwsAccount::crd(),
        AccountBaseline::crd(),
        PatchSchedule::crd(),
        MonitoringPolicy::crd(),
        AwsOrganization::crd(),
    ];
    let mut out = String::new();
    for crd in crds {
        out.push_str("---\n");
        let options = serde_saphyr::ser_options! { folded_wrap_chars: usize::MAX };
        out.push_str(&serde_saphyr::to_string_with_options(&crd, options)?);
    }
    Ok(out)
}

/// What the API server checks of an object besides its CEL rules and that the client-side CEL validator does not:
/// no two items of an `x-kubernetes-list-type: map` list share their `x-kubernetes-list-map-keys`, and no item of a
/// `set` list is repeated. Unique names are declared that way (not as a quadratic CEL rule, which a real API
/// server refuses to store), so the CLI runs this beside the CEL rules and refuses what a cluster would refuse,
/// with a message shaped like the API server's (`spec.topics[1]: Duplicate value: {"name":"alerts"}`).
pub fn validate_list_keys<K: CustomResourceExt>(object: &serde_json::Value) -> Result<(), String> {
    let crd = serde_json::to_value(K::crd()).map_err(|e| e.to_string())?;
    let schema = &crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
    let mut errors = Vec::new();
    list_keys(schema, object, String::new(), &mut errors);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("; "))
    }
}

fn list_keys(
    schema: &serde_json::Value,
    value: &serde_json::Value,
    path: String,
    errors: &mut Vec<String>,
) {
    use serde_json::Value;
    match value {
        Value::Object(fields) => {
            for (name, v) in fields {
                let child = format!("{path}{}{name}", if path.is_empty() { "" } else { "." });
                if let Some(s) = schema["properties"].get(name) {
                    list_keys(s, v, child, errors);
                } else if schema["additionalProperties"].is_object() {
                    list_keys(&schema["additionalProperties"], v, child, errors);
                }
            }
        }
        Value::Array(items) => {
            let keys: Option<Vec<&str>> = match schema["x-kubernetes-list-type"].as_str() {
                Some("map") => schema["x-kubernetes-list-map-keys"]
                    .as_array()
                    .map(|k| k.iter().filter_map(Value::as_str).collect()),
                Some("set") => Some(Vec::new()),
                _ => None,
            };
            let mut seen = Vec::new();
            for (i, item) in items.iter().enumerate() {
                if let Some(keys) = &keys {
                    let key = if keys.is_empty() {
                        item.clone()
                    } else {
                        Value::Object(
                            keys.iter()
                                .map(|k| (k.to_string(), item[*k].clone()))
                                .collect(),
                        )
                    };
                    if seen.contains(&key) {
                        errors.push(format!("{path}[{i}]: Duplicate value: {key}"));
                    } else {
                        seen.push(key);
                    }
                }
                list_keys(&schema["items"], item, format!("{path}[{i}]"), errors);
            }
        }
        _ => {}
    }
}
