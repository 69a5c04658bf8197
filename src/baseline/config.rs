//! AWS Config rules: recorder, delivery channel, recording on, managed rules.

use crate::api::account_baseline::{ConfigRecorderSpec, ConfigRuleSpec, ConfigSpec};
use crate::aws::config::{ChannelState, RecorderConfig, RecorderState, Remediation, RuleState};
use crate::aws::partition;
use crate::diff::{touches, FieldDrift, Fields};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Component: recorder, delivery channel and recording state.
pub const COMPONENT: &str = "config";
/// Component: the managed rules this baseline creates.
pub const RULES_COMPONENT: &str = "configRules";

/// Component: the delivery bucket the operator creates (`deliveryChannel.createBucket`), in the home region.
pub const BUCKET_COMPONENT: &str = "configBucket";

/// The statements AWS Config needs on its delivery bucket (AWS Config developer guide, "Permissions for the
/// Amazon S3 Bucket"), limited to this account, plus TLS-only access (the same statement as the trail bucket's).
pub fn bucket_policy_statements(
    channel: &crate::api::account_baseline::ConfigDeliveryChannelSpec,
    account: &str,
    region: &str,
) -> Vec<Value> {
    let p = partition(region);
    let bucket = &channel.s3_bucket_name;
    let prefix = channel
        .s3_key_prefix
        .as_ref()
        .map(|k| format!("{}/", k.trim_end_matches('/')))
        .unwrap_or_default();
    let check = |sid: &str, action: &str| {
        json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": action,
            "Resource": format!("arn:{p}:s3:::{bucket}"),
            "Condition": {"StringEquals": {"AWS:SourceAccount": account}}
        })
    };
    vec![
        check("AWSConfigBucketPermissionsCheck", "s3:GetBucketAcl"),
        check("AWSConfigBucketExistenceCheck", "s3:ListBucket"),
        json!({
            "Sid": "AWSConfigBucketDelivery",
            "Effect": "Allow",
            "Principal": {"Service": "config.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:{p}:s3:::{bucket}/{prefix}AWSLogs/{account}/Config/*"),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "AWS:SourceAccount": account}}
        }),
        crate::baseline::cloudtrail::deny_insecure_transport(p, bucket),
    ]
}

/// Name of a recorder or channel the operator creates (the name the AWS console uses).
pub const DEFAULT_NAME: &str = "default";

/// Component name of AWS Config's service-linked role (`recorder.createRole`).
pub const SERVICE_LINKED_ROLE_COMPONENT: &str = "configServiceLinkedRole";
/// Name of AWS Config's service-linked role.
pub const SERVICE_LINKED_ROLE_NAME: &str = "AWSServiceRoleForConfig";

/// Desired fields of the service-linked role: it exists.
pub fn service_linked_role_desired() -> Fields {
    Fields::from([(
        format!("{SERVICE_LINKED_ROLE_COMPONENT}.exists"),
        json!(true),
    )])
}

/// Observed fields of the service-linked role.
pub fn service_linked_role_observed(exists: bool) -> Fields {
    Fields::from([(
        format!("{SERVICE_LINKED_ROLE_COMPONENT}.exists"),
        json!(exists),
    )])
}

/// ARN of AWS Config's service-linked role.
pub fn service_linked_role(region: &str, account_id: &str) -> String {
    format!(
        "arn:{}:iam::{account_id}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig",
        partition(region)
    )
}

/// The recorder to put: the existing recorder's name (adopted) or `default`. Global resource types are recorded
/// in the home region only, and never together with exclusions.
pub fn recorder_config(
    spec: &ConfigSpec,
    existing: Option<&RecorderState>,
    region: &str,
    home: bool,
    account_id: &str,
) -> RecorderConfig {
    let defaults = ConfigRecorderSpec::default();
    let r = spec.recorder.as_ref().unwrap_or(&defaults);
    let mut excluded = r.excluded_resource_types.clone();
    excluded.sort();
    excluded.dedup();
    RecorderConfig {
        name: existing
            .map(|e| e.name.clone())
            .unwrap_or_else(|| DEFAULT_NAME.into()),
        role_arn: r
            .role_arn
            .clone()
            .unwrap_or_else(|| service_linked_role(region, account_id)),
        include_global_resource_types: r.include_global_resource_types
            && home
            && excluded.is_empty(),
        excluded_resource_types: excluded,
        recording_frequency: r.recording_frequency.as_str().to_string(),
    }
}

/// The delivery channel to put: the existing channel's name (adopted) or `default`.
pub fn channel_config(spec: &ConfigSpec, existing: Option<&ChannelState>) -> ChannelState {
    let d = &spec.delivery_channel;
    ChannelState {
        name: existing
            .map(|e| e.name.clone())
            .unwrap_or_else(|| DEFAULT_NAME.into()),
        s3_bucket_name: d.s3_bucket_name.clone(),
        s3_key_prefix: d.s3_key_prefix.clone(),
        s3_kms_key_arn: d.s3_kms_key_arn.clone(),
        sns_topic_arn: d.sns_topic_arn.clone(),
        snapshot_delivery_frequency: d
            .snapshot_delivery_frequency
            .map(|f| f.as_str().to_string()),
    }
}

fn recorder_fields(f: &mut Fields, r: &RecorderConfig) {
    let c = COMPONENT;
    f.insert(format!("{c}.recorder.roleArn"), json!(r.role_arn));
    f.insert(
        format!("{c}.recorder.allSupported"),
        json!(r.excluded_resource_types.is_empty()),
    );
    f.insert(
        format!("{c}.recorder.includeGlobalResourceTypes"),
        json!(r.include_global_resource_types),
    );
    f.insert(
        format!("{c}.recorder.excludedResourceTypes"),
        json!(r.excluded_resource_types),
    );
    f.insert(
        format!("{c}.recorder.recordingFrequency"),
        json!(r.recording_frequency),
    );
    f.insert(format!("{c}.recorder.recordingModeOverrides"), json!(0));
}

fn channel_fields(f: &mut Fields, d: &ChannelState) {
    let c = COMPONENT;
    f.insert(
        format!("{c}.deliveryChannel.s3BucketName"),
        json!(d.s3_bucket_name),
    );
    f.insert(
        format!("{c}.deliveryChannel.s3KeyPrefix"),
        json!(d.s3_key_prefix),
    );
    f.insert(
        format!("{c}.deliveryChannel.s3KmsKeyArn"),
        json!(d.s3_kms_key_arn),
    );
    f.insert(
        format!("{c}.deliveryChannel.snsTopicArn"),
        json!(d.sns_topic_arn),
    );
    f.insert(
        format!("{c}.deliveryChannel.snapshotDeliveryFrequency"),
        json!(d.snapshot_delivery_frequency),
    );
}

/// Desired fields of the recorder, the channel (every setting: the channel is declared as a whole) and
/// recording.
pub fn desired(recorder: &RecorderConfig, channel: &ChannelState, recording: bool) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    f.insert(format!("{c}.recorder.exists"), json!(true));
    recorder_fields(&mut f, recorder);
    f.insert(format!("{c}.deliveryChannel.exists"), json!(true));
    channel_fields(&mut f, channel);
    f.insert(format!("{c}.recording"), json!(recording));
    f
}

/// Observed fields.
pub fn observed(recorder: Option<&RecorderState>, channel: Option<&ChannelState>) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    f.insert(format!("{c}.recorder.exists"), json!(recorder.is_some()));
    f.insert(
        format!("{c}.recording"),
        json!(recorder.is_some_and(|r| r.recording)),
    );
    if let Some(r) = recorder {
        recorder_fields(
            &mut f,
            &RecorderConfig {
                name: r.name.clone(),
                role_arn: r.role_arn.clone(),
                include_global_resource_types: r.include_global_resource_types,
                excluded_resource_types: r.excluded_resource_types.clone(),
                recording_frequency: r.recording_frequency.clone(),
            },
        );
        // allSupported is what AWS says, not derived from the exclusion list (an inclusion list is not "all").
        f.insert(format!("{c}.recorder.allSupported"), json!(r.all_supported));
        f.insert(
            format!("{c}.recorder.recordingModeOverrides"),
            json!(r.recording_mode_overrides),
        );
    }
    f.insert(
        format!("{c}.deliveryChannel.exists"),
        json!(channel.is_some()),
    );
    if let Some(d) = channel {
        channel_fields(&mut f, d);
    }
    f
}

/// The writes that remove the drift, in order: recorder, channel, then start/stop.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// PutConfigurationRecorder.
    pub put_recorder: bool,
    /// PutDeliveryChannel.
    pub put_channel: bool,
    /// Start (`true`) or stop (`false`) recording.
    pub recording: Option<bool>,
}

/// Plan the writes for `drift`.
pub fn plan(drift: &[FieldDrift], recording: bool) -> Plan {
    let c = COMPONENT;
    Plan {
        put_recorder: touches(drift, &[&format!("{c}.recorder")]),
        put_channel: touches(drift, &[&format!("{c}.deliveryChannel")]),
        recording: touches(drift, &[&format!("{c}.recording")]).then_some(recording),
    }
}

/// AWS name of a rule: `<baseline name>-<rule name>` (at most 128 characters).
pub fn rule_name(owner_name: &str, rule: &str) -> String {
    format!("{}-{rule}", rule_prefix_base(owner_name))
}

fn rule_prefix_base(owner_name: &str) -> String {
    owner_name.chars().take(63).collect()
}

/// The spec rule name of an AWS rule this baseline may have created, by its name prefix.
pub fn spec_rule_name<'a>(owner_name: &str, aws_name: &'a str) -> Option<&'a str> {
    aws_name
        .strip_prefix(&rule_prefix_base(owner_name))
        .and_then(|r| r.strip_prefix('-'))
        .filter(|r| !r.is_empty())
}

fn params(rule: &ConfigRuleSpec) -> Value {
    json!(rule.input_parameters)
}

/// The remediation a declared rule asks for (AWS rule name filled in).
pub fn remediation(owner_name: &str, rule: &ConfigRuleSpec) -> Option<Remediation> {
    rule.remediation.as_ref().map(|r| Remediation {
        rule: rule_name(owner_name, &rule.name),
        document_name: r.document_name.clone(),
        document_version: r.document_version.clone(),
        automatic: r.automatic,
        maximum_automatic_attempts: Some(r.maximum_automatic_attempts),
        retry_attempt_seconds: Some(r.retry_attempt_seconds),
        resource_id_parameter: r.resource_id_parameter.clone(),
        parameters: r.parameters.clone(),
    })
}

fn remediation_fields(f: &mut Fields, p: &str, r: &Remediation, with_version: bool) {
    f.insert(format!("{p}.remediation.exists"), json!(true));
    f.insert(
        format!("{p}.remediation.documentName"),
        json!(r.document_name),
    );
    if with_version {
        f.insert(
            format!("{p}.remediation.documentVersion"),
            json!(r.document_version),
        );
    }
    f.insert(format!("{p}.remediation.automatic"), json!(r.automatic));
    f.insert(
        format!("{p}.remediation.maximumAutomaticAttempts"),
        json!(r.maximum_automatic_attempts),
    );
    f.insert(
        format!("{p}.remediation.retryAttemptSeconds"),
        json!(r.retry_attempt_seconds),
    );
    f.insert(
        format!("{p}.remediation.resourceIdParameter"),
        json!(r.resource_id_parameter),
    );
    f.insert(format!("{p}.remediation.parameters"), json!(r.parameters));
}

/// Desired rule fields; `orphans` are rules this baseline created (proven by tags) that left the spec. The
/// remediation of a rule is compared once the rule exists (`existing`, spec names); a new rule gets its
/// remediation in the same pass. A declared rule whose remediation left the spec must have none in AWS
/// (`remediated`: spec names of the existing rules AWS holds a remediation for).
pub fn rules_desired(
    spec: &ConfigSpec,
    owner_name: &str,
    orphans: &[String],
    existing: &[&str],
    remediated: &[&str],
) -> Fields {
    let c = RULES_COMPONENT;
    let mut f = Fields::new();
    for r in &spec.rules {
        let n = &r.name;
        f.insert(format!("{c}.{n}.exists"), json!(true));
        f.insert(
            format!("{c}.{n}.sourceIdentifier"),
            json!(r.source_identifier),
        );
        f.insert(format!("{c}.{n}.inputParameters"), params(r));
        if let Some(rem) = remediation(owner_name, r).filter(|_| existing.contains(&n.as_str())) {
            let with_version = rem.document_version.is_some();
            remediation_fields(&mut f, &format!("{c}.{n}"), &rem, with_version);
        } else if r.remediation.is_none() && remediated.contains(&n.as_str()) {
            f.insert(format!("{c}.{n}.remediation.exists"), json!(false));
        }
    }
    for n in orphans {
        f.insert(format!("{c}.{n}.exists"), json!(false));
    }
    f
}

/// Observed rule fields for the rules of this baseline (`rules` already filtered by name prefix) and the
/// remediations read for them (by AWS rule name).
pub fn rules_observed(
    owner_name: &str,
    rules: &[RuleState],
    remediations: &BTreeMap<String, Remediation>,
) -> Fields {
    let c = RULES_COMPONENT;
    let mut f = Fields::new();
    for r in rules {
        let Some(n) = spec_rule_name(owner_name, &r.name) else {
            continue;
        };
        f.insert(format!("{c}.{n}.exists"), json!(true));
        let source = if r.owner == "AWS" {
            json!(r.source_identifier)
        } else {
            json!(format!("{}:{}", r.owner, r.source_identifier))
        };
        f.insert(format!("{c}.{n}.sourceIdentifier"), source);
        f.insert(
            format!("{c}.{n}.inputParameters"),
            r.input_parameters.clone(),
        );
        if let Some(rem) = remediations.get(&r.name) {
            remediation_fields(&mut f, &format!("{c}.{n}"), rem, true);
        }
    }
    f
}

/// A write to one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RuleWrite {
    /// PutConfigRule (spec rule name).
    Put(String),
    /// DeleteConfigRule (spec rule name).
    Delete(String),
    /// PutRemediationConfigurations for this rule (spec rule name); all of a pass go in one request.
    PutRemediation(String),
    /// DeleteRemediationConfiguration: the rule stays, its remediation left the spec (spec rule name).
    DeleteRemediation(String),
}

/// The writes that remove rule drift: one PutConfigRule per drifted declared rule, one delete per orphan.
pub fn rules_plan(spec: &ConfigSpec, drift: &[FieldDrift]) -> Vec<RuleWrite> {
    let prefix = format!("{RULES_COMPONENT}.");
    let mut out: Vec<RuleWrite> = Vec::new();
    for d in drift {
        let Some(rest) = d.field.strip_prefix(&prefix) else {
            continue;
        };
        // Rule names have no dots: the first segment is the rule, the rest the setting.
        let Some((name, what)) = rest.split_once('.') else {
            continue;
        };
        let declared = spec.rules.iter().find(|r| r.name == name);
        let mut w = vec![match declared {
            Some(_) if what == "remediation.exists" && d.desired == json!(false) => {
                RuleWrite::DeleteRemediation(name.into())
            }
            Some(_) if what.starts_with("remediation") => RuleWrite::PutRemediation(name.into()),
            Some(_) => RuleWrite::Put(name.into()),
            None => RuleWrite::Delete(name.into()),
        }];
        // A rule created now gets its remediation in the same pass.
        if what == "exists" && declared.is_some_and(|r| r.remediation.is_some()) {
            w.push(RuleWrite::PutRemediation(name.into()));
        }
        for w in w {
            if !out.contains(&w) {
                out.push(w);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_resources;

    fn spec(v: Value) -> ConfigSpec {
        serde_json::from_value(v).unwrap()
    }

    fn fields_of(d: &[FieldDrift]) -> Vec<&str> {
        d.iter().map(|d| d.field.as_str()).collect()
    }

    #[test]
    fn defaults_record_everything_with_the_service_linked_role_and_globals_in_the_home_region() {
        let s = spec(json!({"deliveryChannel": {"s3BucketName": "cfg-logs"}}));
        let home = recorder_config(&s, None, "us-east-1", true, "123456789012");
        assert_eq!(home.name, "default");
        assert_eq!(
            home.role_arn,
            "arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        );
        assert!(home.include_global_resource_types);
        assert!(!recorder_config(&s, None, "eu-west-1", false, "1").include_global_resource_types);
        assert!(s.recording);
        assert_eq!(
            service_linked_role("cn-north-1", "1"),
            "arn:aws-cn:iam::1:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
        );
    }

    #[test]
    fn a_missing_recorder_and_channel_are_one_drift_each_plus_recording() {
        let s = spec(json!({"deliveryChannel": {"s3BucketName": "cfg-logs"}}));
        let r = recorder_config(&s, None, "us-east-1", true, "1");
        let c = channel_config(&s, None);
        let d = diff_resources(&desired(&r, &c, true), &observed(None, None));
        assert_eq!(
            fields_of(&d),
            vec![
                "config.deliveryChannel.exists",
                "config.recorder.exists",
                "config.recording"
            ]
        );
        assert_eq!(
            plan(&d, true),
            Plan {
                put_recorder: true,
                put_channel: true,
                recording: Some(true)
            }
        );
    }

    #[test]
    fn an_adopted_recorder_keeps_its_name_and_drifts_field_by_field() {
        let s = spec(json!({
            "recorder": {"includeGlobalResourceTypes": false, "excludedResourceTypes": ["AWS::EC2::NetworkInterface"]},
            "deliveryChannel": {"s3BucketName": "cfg-logs", "snapshotDeliveryFrequency": "Six_Hours"}
        }));
        let existing = RecorderState {
            name: "my-recorder".into(),
            role_arn: "arn:aws:iam::1:role/config".into(),
            all_supported: true,
            include_global_resource_types: true,
            excluded_resource_types: vec![],
            recording_frequency: "CONTINUOUS".into(),
            recording_mode_overrides: 0,
            recording: true,
        };
        let chan = ChannelState {
            name: "legacy".into(),
            s3_bucket_name: "cfg-logs".into(),
            snapshot_delivery_frequency: Some("Six_Hours".into()),
            ..Default::default()
        };
        let r = recorder_config(&s, Some(&existing), "us-east-1", true, "1");
        assert_eq!(r.name, "my-recorder");
        let c = channel_config(&s, Some(&chan));
        assert_eq!(c.name, "legacy");
        let d = diff_resources(
            &desired(&r, &c, true),
            &observed(Some(&existing), Some(&chan)),
        );
        assert_eq!(
            fields_of(&d),
            vec![
                "config.recorder.allSupported",
                "config.recorder.excludedResourceTypes",
                "config.recorder.includeGlobalResourceTypes",
                "config.recorder.roleArn"
            ]
        );
        assert_eq!(
            plan(&d, true),
            Plan {
                put_recorder: true,
                put_channel: false,
                recording: None
            }
        );
    }

    #[test]
    fn undeclared_channel_settings_are_drift_because_the_channel_is_declared_whole() {
        let s = spec(json!({"deliveryChannel": {"s3BucketName": "cfg-logs"}}));
        let chan = ChannelState {
            name: "default".into(),
            s3_bucket_name: "cfg-logs".into(),
            sns_topic_arn: Some("arn:aws:sns:us-east-1:1:t".into()),
            ..Default::default()
        };
        let mut want = Fields::new();
        channel_fields(&mut want, &channel_config(&s, Some(&chan)));
        let mut have = Fields::new();
        channel_fields(&mut have, &chan);
        let d = crate::diff::diff(COMPONENT, &want, &have);
        assert_eq!(fields_of(&d), vec!["config.deliveryChannel.snsTopicArn"]);
        assert_eq!(d[0].desired, Value::Null);
    }

    #[test]
    fn remediation_is_compared_once_the_rule_exists_and_put_with_a_new_rule() {
        let s = spec(json!({
            "deliveryChannel": {"s3BucketName": "cfg-logs"},
            "rules": [
                {"name": "ct", "sourceIdentifier": "CLOUD_TRAIL_ENABLED",
                 "remediation": {"documentName": "AWS-ConfigureCloudTrailLogging", "resourceIdParameter": "TrailName",
                                 "parameters": {"AutomationAssumeRole": ["arn:aws:iam::1:role/r"]}}},
                {"name": "new", "sourceIdentifier": "IAM_ROOT_ACCESS_KEY_CHECK",
                 "remediation": {"documentName": "AWS-X", "automatic": false}}
            ]
        }));
        let rules = vec![RuleState {
            name: "prod-ct".into(),
            arn: "arn:ct".into(),
            owner: "AWS".into(),
            source_identifier: "CLOUD_TRAIL_ENABLED".into(),
            input_parameters: json!({}),
        }];
        let mut have = remediation("prod", &s.rules[0]).unwrap();
        have.maximum_automatic_attempts = Some(2);
        let observed_rem = BTreeMap::from([("prod-ct".to_string(), have)]);
        let d = diff_resources(
            &rules_desired(&s, "prod", &[], &["ct"], &["ct"]),
            &rules_observed("prod", &rules, &observed_rem),
        );
        assert_eq!(
            fields_of(&d),
            vec![
                "configRules.ct.remediation.maximumAutomaticAttempts",
                "configRules.new.exists"
            ]
        );
        assert_eq!(
            rules_plan(&s, &d),
            vec![
                RuleWrite::PutRemediation("ct".into()),
                RuleWrite::Put("new".into()),
                RuleWrite::PutRemediation("new".into())
            ]
        );
        // A declared remediation missing from AWS is one drift.
        let d = diff_resources(
            &rules_desired(&s, "prod", &[], &["ct"], &["ct"]),
            &rules_observed("prod", &rules, &BTreeMap::new()),
        );
        assert_eq!(
            fields_of(&d),
            vec![
                "configRules.ct.remediation.exists",
                "configRules.new.exists"
            ]
        );
    }

    #[test]
    fn a_remediation_removed_from_the_spec_is_deleted_and_the_rule_kept() {
        let s = spec(json!({
            "deliveryChannel": {"s3BucketName": "cfg-logs"},
            "rules": [{"name": "ct", "sourceIdentifier": "CLOUD_TRAIL_ENABLED"}]
        }));
        let rules = vec![RuleState {
            name: "prod-ct".into(),
            arn: "arn:ct".into(),
            owner: "AWS".into(),
            source_identifier: "CLOUD_TRAIL_ENABLED".into(),
            input_parameters: json!({}),
        }];
        let left = Remediation {
            rule: "prod-ct".into(),
            document_name: "AWS-ConfigureCloudTrailLogging".into(),
            ..Default::default()
        };
        let observed = BTreeMap::from([("prod-ct".to_string(), left)]);
        let d = diff_resources(
            &rules_desired(&s, "prod", &[], &["ct"], &["ct"]),
            &rules_observed("prod", &rules, &observed),
        );
        assert_eq!(fields_of(&d), vec!["configRules.ct.remediation.exists"]);
        assert_eq!(
            rules_plan(&s, &d),
            vec![RuleWrite::DeleteRemediation("ct".into())]
        );
        // No remediation in AWS: nothing to do.
        let d = diff_resources(
            &rules_desired(&s, "prod", &[], &["ct"], &[]),
            &rules_observed("prod", &rules, &BTreeMap::new()),
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn rules_are_named_after_the_baseline_and_orphans_are_deleted() {
        assert_eq!(rule_name("prod", "ct-enabled"), "prod-ct-enabled");
        assert_eq!(
            spec_rule_name("prod", "prod-ct-enabled"),
            Some("ct-enabled")
        );
        assert_eq!(spec_rule_name("prod", "production-x"), None);
        assert_eq!(rule_name(&"b".repeat(200), "r").len(), 65);
        let s = spec(json!({
            "deliveryChannel": {"s3BucketName": "cfg-logs"},
            "rules": [
                {"name": "keys", "sourceIdentifier": "ACCESS_KEYS_ROTATED", "inputParameters": {"maxAccessKeyAge": "90"}},
                {"name": "ct", "sourceIdentifier": "CLOUD_TRAIL_ENABLED"}
            ]
        }));
        let observed_rules = vec![
            RuleState {
                name: "prod-keys".into(),
                arn: "arn:k".into(),
                owner: "AWS".into(),
                source_identifier: "ACCESS_KEYS_ROTATED".into(),
                input_parameters: json!({"maxAccessKeyAge": "30"}),
            },
            RuleState {
                name: "prod-old".into(),
                arn: "arn:o".into(),
                owner: "AWS".into(),
                source_identifier: "IAM_ROOT_ACCESS_KEY_CHECK".into(),
                input_parameters: json!({}),
            },
        ];
        let d = diff_resources(
            &rules_desired(&s, "prod", &["old".into()], &["keys"], &[]),
            &rules_observed("prod", &observed_rules, &BTreeMap::new()),
        );
        assert_eq!(
            fields_of(&d),
            vec![
                "configRules.ct.exists",
                "configRules.keys.inputParameters",
                "configRules.old.exists"
            ]
        );
        assert_eq!(
            rules_plan(&s, &d),
            vec![
                RuleWrite::Put("ct".into()),
                RuleWrite::Put("keys".into()),
                RuleWrite::Delete("old".into())
            ]
        );
    }
}
