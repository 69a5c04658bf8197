//! The CloudWatch agent at fleet scale (`spec.cloudWatchAgent`), pure: the configuration parameter's name and
//! canonical value, the two State Manager associations (`AWS-ConfigureAWSPackage` installing the agent package,
//! `AmazonCloudWatch-ManageAgent` configuring it from the parameter), their drift, and how their compliance reads
//! in status.
//!
//! `AmazonCloudWatch-ManageAgent` with `optionalConfigurationSource=ssm` runs
//! `amazon-cloudwatch-agent-ctl -a fetch-config -c ssm:<optionalConfigurationLocation>` on each instance, so the
//! location is the parameter's name (CloudWatch user guide, "Installing the CloudWatch agent using Systems
//! Manager"; the agent's `CloudWatchAgentServerPolicy` allows `ssm:GetParameter` on `parameter/AmazonCloudWatch-*`
//! only, hence the required prefix).

use crate::api::monitoring_policy::{AgentAssociationStatus, CloudWatchAgentSpec};
use crate::aws::ssm::{AssociationConfig, AssociationOverview, TargetEntry};
use crate::diff::{diff, diff_resources, FieldDrift, Fields};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// Component of the configuration parameter.
pub const AGENT_CONFIG: &str = "cloudWatchAgentConfig";
/// Component of the install and configure associations.
pub const AGENT_ASSOCIATIONS: &str = "cloudWatchAgentAssociations";

/// The document installing AWS packages.
pub const INSTALL_DOCUMENT: &str = "AWS-ConfigureAWSPackage";
/// The document configuring (and starting) the CloudWatch agent.
pub const CONFIGURE_DOCUMENT: &str = "AmazonCloudWatch-ManageAgent";
/// The CloudWatch agent's package in Distributor.
pub const AGENT_PACKAGE: &str = "AmazonCloudWatchAgent";
/// Largest stored configuration (Parameter Store's Advanced tier).
pub const MAX_CONFIG_BYTES: usize = 8192;

/// The association that installs the package.
pub const INSTALL: &str = "install";
/// The association that configures the agent.
pub const CONFIGURE: &str = "configure";

/// Name of the configuration parameter: the declared one, else `AmazonCloudWatch-awsbaseline.<namespace>.<name>`
/// (a namespace is a DNS label, without dots, so two policies never share it).
pub fn parameter_name(spec: &CloudWatchAgentSpec, namespace: &str, name: &str) -> String {
    spec.parameter_name
        .clone()
        .unwrap_or_else(|| format!("AmazonCloudWatch-awsbaseline.{namespace}.{name}"))
}

/// `v` with every object's keys sorted (recursively).
fn sorted(v: &Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            let mut out = Map::new();
            for k in keys {
                out.insert(k.clone(), sorted(&m[k]));
            }
            Value::Object(out)
        }
        Value::Array(a) => Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// The stored form of a configuration: compact JSON with sorted keys, the same text for the same document
/// whatever order the spec lists keys in.
pub fn canonical(config: &Value) -> String {
    sorted(config).to_string()
}

/// What the CRD cannot check: the stored configuration fits the Advanced tier.
pub fn check(spec: &CloudWatchAgentSpec) -> Result<(), String> {
    if !spec.config.is_object() {
        return Err("cloudWatchAgent.config must be a JSON object".into());
    }
    let n = canonical(&spec.config).len();
    if n > MAX_CONFIG_BYTES {
        return Err(format!(
            "cloudWatchAgent.config is {n} bytes stored; Parameter Store holds at most {MAX_CONFIG_BYTES}"
        ));
    }
    Ok(())
}

/// A stored value as the diff sees it: the parsed document (key order and whitespace do not count), or the text
/// when it is not JSON.
pub fn observed_config(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.to_string()))
}

/// Drift of the parameter (`have`: its value, `None` when it does not exist).
pub fn parameter_drift(spec: &CloudWatchAgentSpec, have: Option<&str>) -> Vec<FieldDrift> {
    let c = "cloudWatchAgent.parameter";
    let want = Fields::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.value"), sorted(&spec.config)),
    ]);
    let mut observed = Fields::new();
    if let Some(text) = have {
        observed.insert(format!("{c}.exists"), json!(true));
        observed.insert(format!("{c}.value"), observed_config(text));
    }
    diff(c, &want, &observed)
}

/// Drift of a parameter this policy created that the spec no longer declares.
pub fn removed_parameter_drift() -> FieldDrift {
    super::removed("cloudWatchAgent.parameter")
}

/// Drift of an association this policy created that the spec no longer declares (`role`: install, configure).
pub fn removed_association_drift(role: &str) -> FieldDrift {
    super::removed(&format!("cloudWatchAgent.associations.{role}"))
}

/// SSM `Targets` of the declared tags.
pub fn targets(spec: &CloudWatchAgentSpec) -> Vec<TargetEntry> {
    spec.targets
        .iter()
        .map(|t| (format!("tag:{}", t.key), t.values.clone()))
        .collect()
}

fn one(v: &str) -> Vec<String> {
    vec![v.to_string()]
}

/// The associations the spec wants, by role: `install` (unless `installPackage: false`) and `configure`, named
/// `<short_prefix>cloudwatch-agent-<role>`.
pub fn associations(
    spec: &CloudWatchAgentSpec,
    short_prefix: &str,
    parameter: &str,
) -> Vec<(&'static str, AssociationConfig)> {
    let mut out = Vec::new();
    let name = |role: &str| format!("{short_prefix}cloudwatch-agent-{role}");
    if spec.install_package {
        out.push((
            INSTALL,
            AssociationConfig {
                association_name: name(INSTALL),
                document: INSTALL_DOCUMENT.into(),
                schedule: spec.schedule().to_string(),
                targets: targets(spec),
                parameters: BTreeMap::from([
                    ("action".to_string(), one("Install")),
                    ("name".to_string(), one(AGENT_PACKAGE)),
                ]),
            },
        ));
    }
    out.push((
        CONFIGURE,
        AssociationConfig {
            association_name: name(CONFIGURE),
            document: CONFIGURE_DOCUMENT.into(),
            schedule: spec.schedule().to_string(),
            targets: targets(spec),
            parameters: BTreeMap::from([
                ("action".to_string(), one("configure")),
                ("mode".to_string(), one("ec2")),
                ("optionalConfigurationSource".to_string(), one("ssm")),
                ("optionalConfigurationLocation".to_string(), one(parameter)),
                ("optionalRestart".to_string(), one("yes")),
            ]),
        },
    ));
    out
}

/// The document an association role runs.
pub fn document(role: &str) -> &'static str {
    if role == INSTALL {
        INSTALL_DOCUMENT
    } else {
        CONFIGURE_DOCUMENT
    }
}

/// An association's settings as field paths under `cloudWatchAgent.associations.<role>` (`None`: missing).
pub fn association_fields(role: &str, cfg: Option<&AssociationConfig>) -> Fields {
    let p = format!("cloudWatchAgent.associations.{role}");
    let Some(c) = cfg else {
        return Fields::new();
    };
    let targets: Vec<Value> = c
        .targets
        .iter()
        .map(|(k, v)| json!({"key": k, "values": v}))
        .collect();
    Fields::from([
        (format!("{p}.exists"), json!(true)),
        (format!("{p}.document"), json!(c.document)),
        (format!("{p}.schedule"), json!(c.schedule)),
        (format!("{p}.targets"), Value::Array(targets)),
        (format!("{p}.parameters"), json!(c.parameters)),
    ])
}

/// Drift of the declared associations: `want` by role against what SSM has by role.
pub fn associations_drift(
    want: &[(&'static str, AssociationConfig)],
    have: &BTreeMap<&'static str, AssociationConfig>,
) -> Vec<FieldDrift> {
    let mut desired = Fields::new();
    let mut observed = Fields::new();
    for (role, cfg) in want {
        desired.extend(association_fields(role, Some(cfg)));
        observed.extend(association_fields(role, have.get(role)));
    }
    diff_resources(&desired, &observed)
}

/// An association's line in status.
pub fn association_status(
    role: &str,
    id: &str,
    overview: &AssociationOverview,
) -> AgentAssociationStatus {
    AgentAssociationStatus {
        role: role.to_string(),
        association_id: id.to_string(),
        status: (!overview.status.is_empty()).then(|| overview.status.clone()),
        instances: overview.instances.clone(),
    }
}

/// The associations component's message: per association its status and instance counts, and the instances
/// whose run failed (Security Hub SSM.3 checks that managed instances' associations are compliant). `None` when
/// nothing is recorded. The counts change only when instances do, so the message is stable between passes.
pub fn compliance_message(associations: &[AgentAssociationStatus]) -> Option<String> {
    if associations.is_empty() {
        return None;
    }
    let parts: Vec<String> = associations
        .iter()
        .map(|a| {
            let counts: Vec<String> = a
                .instances
                .iter()
                .map(|(k, v)| format!("{k} {v}"))
                .collect();
            let status = a.status.as_deref().unwrap_or("unknown");
            if counts.is_empty() {
                format!("{}: {status}", a.role)
            } else {
                format!("{}: {status} ({})", a.role, counts.join(", "))
            }
        })
        .collect();
    let failed: i32 = associations
        .iter()
        .filter_map(|a| a.instances.get("Failed"))
        .sum();
    let mut msg = parts.join("; ");
    if failed > 0 {
        msg = format!("Degraded: {failed} instance run(s) failed, not compliant (SSM.3); {msg}");
    }
    Some(msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: Value) -> CloudWatchAgentSpec {
        serde_json::from_value(v).unwrap()
    }

    fn base() -> CloudWatchAgentSpec {
        spec(json!({
            "config": {"metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}},
                       "agent": {"metrics_collection_interval": 60}},
            "targets": [{"key": "team", "values": ["checkout"]}]
        }))
    }

    fn fields(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn defaults_name_the_parameter_after_the_policy_and_install_the_package() {
        let s = base();
        assert!(s.install_package);
        assert_eq!(s.schedule(), "rate(30 days)");
        assert_eq!(
            parameter_name(&s, "shop", "checkout-web"),
            "AmazonCloudWatch-awsbaseline.shop.checkout-web"
        );
        let named = spec(
            json!({"parameterName": "AmazonCloudWatch-linux", "config": {},
            "targets": [{"key": "os", "values": ["linux"]}]}),
        );
        assert_eq!(
            parameter_name(&named, "shop", "x"),
            "AmazonCloudWatch-linux"
        );
    }

    #[test]
    fn the_stored_value_has_sorted_keys_and_no_whitespace() {
        let s = base();
        assert_eq!(
            canonical(&s.config),
            r#"{"agent":{"metrics_collection_interval":60},"metrics":{"metrics_collected":{"mem":{"measurement":["mem_used_percent"]}}}}"#
        );
    }

    #[test]
    fn key_order_and_whitespace_are_not_drift_but_a_value_is() {
        let s = base();
        assert!(parameter_drift(&s, Some(&canonical(&s.config))).is_empty());
        let reordered = "{ \"metrics\": {\"metrics_collected\": {\"mem\": {\"measurement\": [\"mem_used_percent\"]}}},\n  \"agent\": {\"metrics_collection_interval\": 60} }";
        assert!(parameter_drift(&s, Some(reordered)).is_empty());
        let changed = r#"{"agent":{"metrics_collection_interval":10},"metrics":{}}"#;
        let d = parameter_drift(&s, Some(changed));
        assert_eq!(fields(&d), ["cloudWatchAgent.parameter.value"]);
        assert_eq!(
            d[0].actual["agent"]["metrics_collection_interval"],
            json!(10)
        );
        let d = parameter_drift(&s, Some("not json"));
        assert_eq!(d[0].actual, json!("not json"));
        let d = parameter_drift(&s, None);
        assert_eq!(fields(&d), ["cloudWatchAgent.parameter.exists"]);
    }

    #[test]
    fn a_config_too_large_for_parameter_store_is_refused() {
        let mut s = base();
        assert!(check(&s).is_ok());
        s.config = json!({"logs": {"x": "y".repeat(MAX_CONFIG_BYTES)}});
        assert!(check(&s).unwrap_err().contains("at most 8192"));
        s.config = json!([1]);
        assert!(check(&s).is_err());
    }

    #[test]
    fn two_associations_target_the_tags_and_configure_from_the_parameter() {
        let s = base();
        let a = associations(&s, "awsbaseline-0123456789-", "AmazonCloudWatch-p");
        let roles: Vec<&str> = a.iter().map(|(r, _)| *r).collect();
        assert_eq!(roles, [INSTALL, CONFIGURE]);
        let (install, configure) = (&a[0].1, &a[1].1);
        assert_eq!(
            install.association_name,
            "awsbaseline-0123456789-cloudwatch-agent-install"
        );
        assert_eq!(install.document, "AWS-ConfigureAWSPackage");
        assert_eq!(install.parameters["name"], ["AmazonCloudWatchAgent"]);
        assert_eq!(install.parameters["action"], ["Install"]);
        assert_eq!(configure.document, "AmazonCloudWatch-ManageAgent");
        assert_eq!(
            configure.parameters["optionalConfigurationLocation"],
            ["AmazonCloudWatch-p"]
        );
        assert_eq!(configure.parameters["optionalConfigurationSource"], ["ssm"]);
        assert_eq!(
            configure.targets,
            [("tag:team".to_string(), vec!["checkout".to_string()])]
        );
        let no_install = spec(json!({"config": {}, "installPackage": false,
            "targets": [{"key": "team", "values": ["a"]}], "schedule": "cron(0 3 ? * SUN *)"}));
        let a = associations(&no_install, "p-", "AmazonCloudWatch-p");
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].1.schedule, "cron(0 3 ? * SUN *)");
    }

    #[test]
    fn association_drift_is_per_role_and_field() {
        let s = base();
        let want = associations(&s, "p-", "AmazonCloudWatch-p");
        let mut have: BTreeMap<&'static str, AssociationConfig> =
            want.iter().map(|(r, c)| (*r, c.clone())).collect();
        assert!(associations_drift(&want, &have).is_empty());
        have.remove(INSTALL);
        have.get_mut(CONFIGURE).unwrap().schedule = "rate(1 day)".into();
        have.get_mut(CONFIGURE)
            .unwrap()
            .parameters
            .insert("optionalConfigurationLocation".into(), one("other"));
        assert_eq!(
            fields(&associations_drift(&want, &have)),
            [
                "cloudWatchAgent.associations.configure.parameters",
                "cloudWatchAgent.associations.configure.schedule",
                "cloudWatchAgent.associations.install.exists",
            ]
        );
        assert_eq!(
            removed_association_drift(INSTALL).field,
            "cloudWatchAgent.associations.install.exists"
        );
        assert_eq!(
            removed_parameter_drift().field,
            "cloudWatchAgent.parameter.exists"
        );
    }

    #[test]
    fn compliance_reads_per_association_and_failures_are_degraded() {
        assert_eq!(compliance_message(&[]), None);
        let pending = association_status(
            CONFIGURE,
            "a-1",
            &AssociationOverview {
                status: "Pending".into(),
                detailed_status: "Creating".into(),
                instances: BTreeMap::new(),
            },
        );
        assert_eq!(
            compliance_message(std::slice::from_ref(&pending)).unwrap(),
            "configure: Pending"
        );
        let failed = association_status(
            INSTALL,
            "a-2",
            &AssociationOverview {
                status: "Failed".into(),
                detailed_status: "Failed".into(),
                instances: BTreeMap::from([("Failed".into(), 2), ("Success".into(), 10)]),
            },
        );
        assert_eq!(failed.status.as_deref(), Some("Failed"));
        assert_eq!(
            compliance_message(&[failed, pending]).unwrap(),
            "Degraded: 2 instance run(s) failed, not compliant (SSM.3); install: Failed (Failed 2, Success 10); configure: Pending"
        );
    }
}
