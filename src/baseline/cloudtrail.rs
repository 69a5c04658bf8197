//! CloudTrail trail and its log bucket: desired fields, observed fields, planned writes, bucket policy.

use crate::api::account_baseline::{CloudTrailSpec, ReadWriteType, TrailLogGroup};
use crate::api::common::Owner;
use crate::aws::cloudtrail::{CanonicalSelector, TrailConfig, TrailState};
use crate::aws::logs::LogGroupState;
use crate::aws::operation::CLOUDTRAIL_PRINCIPAL;
use crate::aws::s3::BucketState;
use crate::diff::{touches, FieldDrift, Fields};
use crate::engine::role::{self, OwnedRole};
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Component name of the trail.
pub const COMPONENT: &str = "cloudTrail";
/// Component name of the log bucket.
pub const BUCKET_COMPONENT: &str = "cloudTrailBucket";

/// Component name of the CloudWatch Logs delivery role the operator creates (`cloudWatchLogs.createRole`).
pub const LOGS_ROLE_COMPONENT: &str = "cloudTrailLogsRole";
/// Component name of the log group the operator creates (`cloudWatchLogs.createLogGroup`).
pub const LOG_GROUP_COMPONENT: &str = "cloudTrailLogGroup";

/// The CloudWatch Logs delivery role the operator creates for the trail (`cloudWatchLogs.createRole`): trusted by
/// CloudTrail for this account and trail only, allowed to create streams in and put events to the declared log
/// group's CloudTrail streams (`<account>_CloudTrail_<region>`), as the CloudTrail user guide's
/// "Role policy document for CloudTrail to use CloudWatch Logs for monitoring" documents.
pub fn logs_role(spec: &CloudTrailSpec, account: &str, owner: &Owner) -> Option<OwnedRole> {
    let cw = spec.cloud_watch_logs.as_ref().filter(|c| c.create_role)?;
    let partition = role::partition_of(&cw.log_group_arn);
    let region = cw.log_group_region();
    let streams = format!(
        "arn:{partition}:logs:{region}:{account}:log-group:{}:log-stream:{account}_CloudTrail_*",
        cw.log_group_name()
    );
    Some(OwnedRole {
        component: LOGS_ROLE_COMPONENT,
        name: role::role_name("cloudtrail-logs", owner),
        description: format!(
            "CloudTrail delivery of trail {} to CloudWatch Logs (aws-baseline-operator)",
            spec.name
        ),
        trust: role::trust_policy(
            CLOUDTRAIL_PRINCIPAL,
            account,
            Some(&format!(
                "arn:{partition}:cloudtrail:{region}:{account}:trail/{}",
                spec.name
            )),
        ),
        policy: json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "AWSCloudTrailCreateLogStream", "Effect": "Allow",
                 "Action": ["logs:CreateLogStream"], "Resource": [streams]},
                {"Sid": "AWSCloudTrailPutLogEvents", "Effect": "Allow",
                 "Action": ["logs:PutLogEvents"], "Resource": [streams]},
            ]
        }),
    })
}

/// The role the trail delivers to CloudWatch Logs with: the declared `roleArn`, or the one the operator creates.
pub fn logs_role_arn(spec: &CloudTrailSpec, account: &str, owner: &Owner) -> Option<String> {
    let cw = spec.cloud_watch_logs.as_ref()?;
    match (&cw.role_arn, logs_role(spec, account, owner)) {
        (Some(arn), _) => Some(arn.clone()),
        (None, Some(r)) => Some(role::role_arn(
            role::partition_of(&cw.log_group_arn),
            account,
            &r.name,
        )),
        (None, None) => None,
    }
}

/// CreateTrail / UpdateTrail parameters from the spec, with the CloudWatch Logs role [`logs_role_arn`] resolved.
pub fn config(spec: &CloudTrailSpec, logs_role: Option<&str>) -> TrailConfig {
    TrailConfig {
        name: spec.name.clone(),
        multi_region: spec.multi_region,
        include_global_service_events: spec.include_global_service_events,
        log_file_validation: spec.log_file_validation,
        s3_bucket_name: spec.s3.bucket_name.clone(),
        s3_key_prefix: spec.s3.key_prefix.clone(),
        kms_key_id: spec.kms_key_id.clone(),
        cloud_watch_logs: spec
            .cloud_watch_logs
            .as_ref()
            .zip(logs_role)
            .map(|(c, role)| (c.log_group_arn.clone(), role.to_string())),
        is_organization_trail: spec.is_organization_trail,
    }
}

fn sel(pairs: &[(&str, &str, Vec<String>)]) -> CanonicalSelector {
    let mut s = CanonicalSelector::new();
    for (field, op, vals) in pairs {
        let mut v = vals.clone();
        v.sort();
        s.entry(field.to_string())
            .or_default()
            .insert(op.to_string(), v);
    }
    s
}

fn read_only(rw: ReadWriteType) -> Option<(&'static str, &'static str, Vec<String>)> {
    match rw {
        ReadWriteType::All => None,
        ReadWriteType::ReadOnly => Some(("readOnly", "Equals", vec!["true".into()])),
        ReadWriteType::WriteOnly => Some(("readOnly", "Equals", vec!["false".into()])),
    }
}

/// Advanced event selectors for the spec, named.
pub fn selectors(spec: &CloudTrailSpec) -> Vec<(String, CanonicalSelector)> {
    let mut out = Vec::new();
    let mgmt =
        spec.management_events
            .clone()
            .unwrap_or(crate::api::account_baseline::ManagementEvents {
                enabled: true,
                ..Default::default()
            });
    if mgmt.enabled {
        let mut pairs = vec![("eventCategory", "Equals", vec!["Management".to_string()])];
        pairs.extend(read_only(mgmt.read_write_type));
        if !mgmt.exclude_event_sources.is_empty() {
            pairs.push((
                "eventSource",
                "NotEquals",
                mgmt.exclude_event_sources
                    .iter()
                    .map(|e| e.as_str().to_string())
                    .collect(),
            ));
        }
        out.push(("Management events".to_string(), sel(&pairs)));
    }
    for d in &spec.data_events {
        let mut pairs = vec![
            ("eventCategory", "Equals", vec!["Data".to_string()]),
            (
                "resources.type",
                "Equals",
                vec![d.resource_type.as_aws().to_string()],
            ),
        ];
        if !d.arn_prefixes.is_empty() {
            pairs.push(("resources.ARN", "StartsWith", d.arn_prefixes.clone()));
        }
        pairs.extend(read_only(d.read_write_type));
        out.push((
            format!("Data events: {}", d.resource_type.as_aws()),
            sel(&pairs),
        ));
    }
    out
}

fn canonical_list(selectors: &[(String, CanonicalSelector)]) -> Value {
    let mut list: Vec<&CanonicalSelector> = selectors.iter().map(|(_, s)| s).collect();
    list.sort_by_key(|s| serde_json::to_string(s).unwrap_or_default());
    json!(list)
}

fn insight_names(spec: &CloudTrailSpec) -> Vec<String> {
    let mut v: Vec<String> = spec.insights.iter().map(|i| format!("{i:?}")).collect();
    v.sort();
    v.dedup();
    v
}

/// Desired fields of the trail (`logs_role`: [`logs_role_arn`]).
pub fn desired(spec: &CloudTrailSpec, logs_role: Option<&str>) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    f.insert(format!("{c}.exists"), json!(true));
    f.insert(format!("{c}.multiRegion"), json!(spec.multi_region));
    f.insert(
        format!("{c}.includeGlobalServiceEvents"),
        json!(spec.include_global_service_events),
    );
    f.insert(
        format!("{c}.logFileValidation"),
        json!(spec.log_file_validation),
    );
    f.insert(format!("{c}.s3.bucketName"), json!(spec.s3.bucket_name));
    f.insert(format!("{c}.s3.keyPrefix"), json!(spec.s3.key_prefix));
    f.insert(format!("{c}.kmsKeyId"), json!(spec.kms_key_id));
    let cw = spec.cloud_watch_logs.as_ref();
    f.insert(
        format!("{c}.cloudWatchLogs.logGroupArn"),
        json!(cw.map(|c| &c.log_group_arn)),
    );
    f.insert(
        format!("{c}.cloudWatchLogs.roleArn"),
        json!(cw.and(logs_role)),
    );
    f.insert(
        format!("{c}.eventSelectors"),
        canonical_list(&selectors(spec)),
    );
    f.insert(format!("{c}.insights"), json!(insight_names(spec)));
    f.insert(format!("{c}.logging"), json!(spec.logging));
    f.insert(
        format!("{c}.isOrganizationTrail"),
        json!(spec.is_organization_trail),
    );
    f
}

/// KMS keys may be declared as an ID or alias while AWS reports the ARN: a declared key that the ARN ends with
/// counts as equal.
fn kms_matches(declared: &str, actual: &str) -> bool {
    declared == actual
        || actual.ends_with(&format!("/{declared}"))
        || actual.ends_with(&format!(":{declared}"))
}

/// Observed fields of the trail (`spec` only normalises equivalent spellings).
pub fn observed(state: Option<&TrailState>, spec: &CloudTrailSpec) -> Fields {
    let c = COMPONENT;
    let mut f = Fields::new();
    let Some(t) = state else {
        f.insert(format!("{c}.exists"), json!(false));
        return f;
    };
    let kms = match (&spec.kms_key_id, &t.kms_key_id) {
        (Some(d), Some(a)) if kms_matches(d, a) => Some(d.clone()),
        (_, a) => a.clone().filter(|k| !k.is_empty()),
    };
    let mut insights = t.insights.clone();
    insights.sort();
    insights.dedup();
    f.insert(format!("{c}.exists"), json!(true));
    f.insert(format!("{c}.multiRegion"), json!(t.multi_region));
    f.insert(
        format!("{c}.includeGlobalServiceEvents"),
        json!(t.include_global_service_events),
    );
    f.insert(
        format!("{c}.logFileValidation"),
        json!(t.log_file_validation),
    );
    f.insert(format!("{c}.s3.bucketName"), json!(t.s3_bucket_name));
    f.insert(format!("{c}.s3.keyPrefix"), json!(t.s3_key_prefix));
    f.insert(format!("{c}.kmsKeyId"), json!(kms));
    f.insert(
        format!("{c}.cloudWatchLogs.logGroupArn"),
        json!(t
            .cloud_watch_logs_log_group_arn
            .as_ref()
            .filter(|s| !s.is_empty())),
    );
    f.insert(
        format!("{c}.cloudWatchLogs.roleArn"),
        json!(t
            .cloud_watch_logs_role_arn
            .as_ref()
            .filter(|s| !s.is_empty())),
    );
    let mut sels = t.selectors.clone();
    sels.sort_by_key(|s| serde_json::to_string(s).unwrap_or_default());
    f.insert(format!("{c}.eventSelectors"), json!(sels));
    f.insert(format!("{c}.insights"), json!(insights));
    f.insert(format!("{c}.logging"), json!(t.is_logging));
    f.insert(
        format!("{c}.isOrganizationTrail"),
        json!(t.is_organization_trail),
    );
    f
}

/// Desired fields of the trail's log group (`createLogGroup`): retention and KMS key only when declared.
pub fn log_group_desired(group: &TrailLogGroup) -> Fields {
    let c = LOG_GROUP_COMPONENT;
    let mut f = Fields::from([(format!("{c}.exists"), json!(true))]);
    if let Some(days) = group.retention_in_days {
        f.insert(format!("{c}.retentionInDays"), json!(days));
    }
    if let Some(key) = &group.kms_key_id {
        f.insert(format!("{c}.kmsKeyId"), json!(key));
    }
    f
}

/// Observed fields of the trail's log group.
pub fn log_group_observed(state: Option<&LogGroupState>) -> Fields {
    let c = LOG_GROUP_COMPONENT;
    let mut f = Fields::from([(format!("{c}.exists"), json!(state.is_some()))]);
    if let Some(s) = state {
        f.insert(format!("{c}.retentionInDays"), json!(s.retention_in_days));
        f.insert(format!("{c}.kmsKeyId"), json!(s.kms_key_id));
    }
    f
}

/// A write to the trail's log group.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LogGroupWrite {
    /// CreateLogGroup (tagged, with the KMS key when declared).
    Create,
    /// PutRetentionPolicy.
    Retention(i32),
    /// AssociateKmsKey.
    Kms(String),
}

/// The writes that remove the log group's drift.
pub fn log_group_plan(
    group: &TrailLogGroup,
    exists: bool,
    drift: &[FieldDrift],
) -> Vec<LogGroupWrite> {
    let c = LOG_GROUP_COMPONENT;
    let mut w = Vec::new();
    if drift.is_empty() {
        return w;
    }
    if !exists {
        w.push(LogGroupWrite::Create);
    }
    if let Some(days) = group.retention_in_days {
        if !exists || touches(drift, &[&format!("{c}.retentionInDays")]) {
            w.push(LogGroupWrite::Retention(days));
        }
    }
    if let Some(key) = &group.kms_key_id {
        if exists && touches(drift, &[&format!("{c}.kmsKeyId")]) {
            w.push(LogGroupWrite::Kms(key.clone()));
        }
    }
    w
}

/// A write to the trail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrailWrite {
    /// CreateTrail (tagged).
    Create,
    /// UpdateTrail.
    Update,
    /// PutEventSelectors.
    PutSelectors,
    /// PutInsightSelectors.
    PutInsights,
    /// StartLogging (true) / StopLogging (false).
    SetLogging(bool),
}

/// The minimal writes that remove `drift`.
pub fn plan(spec: &CloudTrailSpec, exists: bool, drift: &[FieldDrift]) -> Vec<TrailWrite> {
    if drift.is_empty() {
        return vec![];
    }
    if !exists {
        let mut w = vec![TrailWrite::Create, TrailWrite::PutSelectors];
        if !spec.insights.is_empty() {
            w.push(TrailWrite::PutInsights);
        }
        if spec.logging {
            w.push(TrailWrite::SetLogging(true));
        }
        return w;
    }
    let c = COMPONENT;
    let mut w = Vec::new();
    let config_fields = [
        "multiRegion",
        "includeGlobalServiceEvents",
        "logFileValidation",
        "s3",
        "kmsKeyId",
        "cloudWatchLogs",
        "isOrganizationTrail",
    ]
    .map(|s| format!("{c}.{s}"));
    if touches(
        drift,
        &config_fields.iter().map(String::as_str).collect::<Vec<_>>(),
    ) {
        w.push(TrailWrite::Update);
    }
    if touches(drift, &[&format!("{c}.eventSelectors")]) {
        w.push(TrailWrite::PutSelectors);
    }
    if touches(drift, &[&format!("{c}.insights")]) {
        w.push(TrailWrite::PutInsights);
    }
    if touches(drift, &[&format!("{c}.logging")]) {
        w.push(TrailWrite::SetLogging(spec.logging));
    }
    w
}

/// Insight type names for PutInsightSelectors.
pub fn insights(spec: &CloudTrailSpec) -> Vec<String> {
    insight_names(spec)
}

/// ARN of a trail.
pub fn trail_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:cloudtrail:{region}:{account}:trail/{name}")
}

/// The statements CloudTrail needs on its bucket, plus TLS-only access.
pub fn bucket_policy_statements(spec: &CloudTrailSpec, account: &str, region: &str) -> Vec<Value> {
    let bucket = &spec.s3.bucket_name;
    let source_arn = trail_arn(region, account, &spec.name);
    let prefix = spec
        .s3
        .key_prefix
        .as_ref()
        .map(|p| format!("{}/", p.trim_end_matches('/')))
        .unwrap_or_default();
    let mut statements = vec![
        json!({
            "Sid": "AWSCloudTrailAclCheck",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:GetBucketAcl",
            "Resource": format!("arn:aws:s3:::{bucket}"),
            "Condition": {"StringEquals": {"aws:SourceArn": source_arn}}
        }),
        json!({
            "Sid": "AWSCloudTrailWrite",
            "Effect": "Allow",
            "Principal": {"Service": "cloudtrail.amazonaws.com"},
            "Action": "s3:PutObject",
            "Resource": format!("arn:aws:s3:::{bucket}/{prefix}AWSLogs/{account}/*"),
            "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": source_arn}}
        }),
        deny_insecure_transport("aws", bucket),
    ];
    if spec.is_organization_trail {
        // An organization trail also writes the member accounts' logs (`AWSLogs/<organization ID>/<account>/…`);
        // only this trail may (aws:SourceArn), so the organization ID need not be known here.
        statements.insert(
            2,
            json!({
                "Sid": "AWSCloudTrailOrganizationWrite",
                "Effect": "Allow",
                "Principal": {"Service": "cloudtrail.amazonaws.com"},
                "Action": "s3:PutObject",
                "Resource": format!("arn:aws:s3:::{bucket}/{prefix}AWSLogs/*"),
                "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceArn": source_arn}}
            }),
        );
    }
    statements
}

/// TLS-only access to a log bucket: the same statement (same Sid) on every bucket the operator creates, so a
/// bucket shared by the trail and AWS Config carries it once.
pub fn deny_insecure_transport(partition: &str, bucket: &str) -> Value {
    json!({
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "s3:*",
        "Resource": [format!("arn:{partition}:s3:::{bucket}"), format!("arn:{partition}:s3:::{bucket}/*")],
        "Condition": {"Bool": {"aws:SecureTransport": "false"}}
    })
}

fn sid(v: &Value) -> Option<&str> {
    v.get("Sid").and_then(Value::as_str)
}

fn statements(policy: Option<&str>) -> Vec<Value> {
    policy
        .and_then(|p| serde_json::from_str::<Value>(p).ok())
        .and_then(|v| v.get("Statement").cloned())
        .map(|s| {
            if s.is_array() {
                s.as_array().cloned().unwrap_or_default()
            } else {
                vec![s]
            }
        })
        .unwrap_or_default()
}

/// True when every statement we need is present, unchanged.
pub fn policy_has(policy: Option<&str>, ours: &[Value]) -> bool {
    let existing = statements(policy);
    ours.iter().all(|o| existing.iter().any(|e| e == o))
}

/// The bucket policy with our statements replaced or added and everyone else's kept.
pub fn merge_policy(policy: Option<&str>, ours: &[Value]) -> String {
    let ours_sids: Vec<&str> = ours.iter().filter_map(sid).collect();
    let mut merged: Vec<Value> = statements(policy)
        .into_iter()
        .filter(|s| !sid(s).is_some_and(|x| ours_sids.contains(&x)))
        .collect();
    merged.extend(ours.iter().cloned());
    json!({"Version": "2012-10-17", "Statement": merged}).to_string()
}

/// Desired fields of the log bucket (only when `createBucket`).
pub fn bucket_desired() -> Fields {
    log_bucket_desired(BUCKET_COMPONENT, "cloudTrailPolicy")
}

/// Observed fields of the log bucket.
pub fn bucket_observed(state: Option<&BucketState>, ours: &[Value]) -> Fields {
    log_bucket_observed(BUCKET_COMPONENT, "cloudTrailPolicy", state, ours)
}

/// Desired fields of a log bucket the operator creates (the trail's, AWS Config's): `<component>.exists`,
/// versioning, encryption, Block Public Access, and `<component>.<policy_field>` (the delivery statements).
pub fn log_bucket_desired(c: &str, policy_field: &str) -> Fields {
    BTreeMap::from([
        (format!("{c}.exists"), json!(true)),
        (format!("{c}.versioning"), json!("Enabled")),
        (format!("{c}.encryption"), json!(true)),
        (format!("{c}.blockPublicAccess"), json!(true)),
        (format!("{c}.{policy_field}"), json!(true)),
    ])
}

/// Observed fields of a log bucket; the policy field is true when every statement in `ours` is present.
pub fn log_bucket_observed(
    c: &str,
    policy_field: &str,
    state: Option<&BucketState>,
    ours: &[Value],
) -> Fields {
    let Some(b) = state else {
        return BTreeMap::from([(format!("{c}.exists"), json!(false))]);
    };
    BTreeMap::from([
        (format!("{c}.exists"), json!(true)),
        (
            format!("{c}.versioning"),
            json!(b.versioning.clone().unwrap_or_else(|| "Disabled".into())),
        ),
        (format!("{c}.encryption"), json!(b.encrypted)),
        (
            format!("{c}.blockPublicAccess"),
            json!(b.public_access_blocked),
        ),
        (
            format!("{c}.{policy_field}"),
            json!(policy_has(b.policy.as_deref(), ours)),
        ),
    ])
}

/// A write to the log bucket.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum BucketWrite {
    /// CreateBucket + tags.
    Create,
    /// PutBucketVersioning.
    Versioning,
    /// PutBucketEncryption.
    Encryption,
    /// PutPublicAccessBlock.
    BlockPublicAccess,
    /// PutBucketPolicy (merged).
    Policy,
}

/// The writes that remove bucket drift.
pub fn bucket_plan(exists: bool, drift: &[FieldDrift]) -> Vec<BucketWrite> {
    log_bucket_plan(BUCKET_COMPONENT, "cloudTrailPolicy", exists, drift)
}

/// The writes that remove a log bucket's drift (see [`log_bucket_desired`]).
pub fn log_bucket_plan(
    c: &str,
    policy_field: &str,
    exists: bool,
    drift: &[FieldDrift],
) -> Vec<BucketWrite> {
    if drift.is_empty() {
        return vec![];
    }
    if !exists {
        return vec![
            BucketWrite::Create,
            BucketWrite::Versioning,
            BucketWrite::Encryption,
            BucketWrite::BlockPublicAccess,
            BucketWrite::Policy,
        ];
    }
    let mut w = Vec::new();
    for (field, write) in [
        ("versioning", BucketWrite::Versioning),
        ("encryption", BucketWrite::Encryption),
        ("blockPublicAccess", BucketWrite::BlockPublicAccess),
        (policy_field, BucketWrite::Policy),
    ] {
        if touches(drift, &[&format!("{c}.{field}")]) {
            w.push(write);
        }
    }
    w
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::account_baseline::{
        CloudTrailBucket, DataEventSelector, DataResourceType, InsightType,
    };
    use crate::diff::diff;

    fn spec() -> CloudTrailSpec {
        serde_json::from_value(
            json!({"name": "org-trail", "s3": {"bucketName": "logs-bucket", "keyPrefix": "ct"}}),
        )
        .unwrap()
    }

    fn state_for(spec: &CloudTrailSpec) -> TrailState {
        TrailState {
            arn: "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail".into(),
            multi_region: spec.multi_region,
            include_global_service_events: spec.include_global_service_events,
            log_file_validation: spec.log_file_validation,
            s3_bucket_name: Some(spec.s3.bucket_name.clone()),
            s3_key_prefix: spec.s3.key_prefix.clone(),
            kms_key_id: None,
            cloud_watch_logs_log_group_arn: None,
            cloud_watch_logs_role_arn: None,
            is_logging: true,
            is_organization_trail: spec.is_organization_trail,
            selectors: selectors(spec).into_iter().map(|(_, s)| s).collect(),
            insights: vec![],
            tags: Default::default(),
        }
    }

    #[test]
    fn defaults_are_secure() {
        let s = spec();
        assert!(
            s.multi_region && s.include_global_service_events && s.log_file_validation && s.logging
        );
        let sel = selectors(&s);
        assert_eq!(sel.len(), 1);
        assert_eq!(sel[0].1["eventCategory"]["Equals"], vec!["Management"]);
    }

    #[test]
    fn in_sync_trail_plans_nothing() {
        let s = spec();
        let d = diff(
            COMPONENT,
            &desired(&s, None),
            &observed(Some(&state_for(&s)), &s),
        );
        assert!(d.is_empty(), "{d:?}");
        assert!(plan(&s, true, &d).is_empty());
    }

    #[test]
    fn stopped_logging_is_one_drift_and_one_write() {
        let s = spec();
        let mut st = state_for(&s);
        st.is_logging = false;
        let d = diff(COMPONENT, &desired(&s, None), &observed(Some(&st), &s));
        assert_eq!(
            d,
            vec![FieldDrift {
                field: "cloudTrail.logging".into(),
                desired: json!(true),
                actual: json!(false)
            }]
        );
        assert_eq!(plan(&s, true, &d), vec![TrailWrite::SetLogging(true)]);
    }

    #[test]
    fn missing_trail_creates_then_configures() {
        let mut s = spec();
        s.insights = vec![InsightType::ApiCallRateInsight];
        let d = diff(COMPONENT, &desired(&s, None), &observed(None, &s));
        assert_eq!(d.len(), 1);
        assert_eq!(
            plan(&s, false, &d),
            vec![
                TrailWrite::Create,
                TrailWrite::PutSelectors,
                TrailWrite::PutInsights,
                TrailWrite::SetLogging(true)
            ]
        );
    }

    #[test]
    fn config_drift_updates_and_selector_order_does_not_matter() {
        let mut s = spec();
        s.data_events = vec![
            DataEventSelector {
                resource_type: DataResourceType::S3Object,
                arn_prefixes: vec!["arn:aws:s3:::b/".into()],
                read_write_type: ReadWriteType::WriteOnly,
            },
            DataEventSelector {
                resource_type: DataResourceType::LambdaFunction,
                arn_prefixes: vec![],
                read_write_type: ReadWriteType::All,
            },
        ];
        let mut st = state_for(&s);
        st.selectors.reverse();
        st.log_file_validation = false;
        let d = diff(COMPONENT, &desired(&s, None), &observed(Some(&st), &s));
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "cloudTrail.logFileValidation");
        assert_eq!(plan(&s, true, &d), vec![TrailWrite::Update]);
    }

    #[test]
    fn kms_alias_or_id_matches_reported_arn() {
        let mut s = spec();
        s.kms_key_id = Some("1234abcd-12ab-34cd-56ef-1234567890ab".into());
        let mut st = state_for(&s);
        st.kms_key_id = Some(
            "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab".into(),
        );
        assert!(diff(COMPONENT, &desired(&s, None), &observed(Some(&st), &s)).is_empty());
    }

    /// An organization trail: drift when AWS has a single-account trail (UpdateTrail corrects it), and its bucket
    /// admits the members' logs from this trail only.
    #[test]
    fn organization_trail_is_a_setting_of_the_trail() {
        let s = CloudTrailSpec {
            is_organization_trail: true,
            ..spec()
        };
        let st = TrailState {
            is_organization_trail: false,
            ..state_for(&s)
        };
        let d = diff(COMPONENT, &desired(&s, None), &observed(Some(&st), &s));
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "cloudTrail.isOrganizationTrail");
        assert_eq!(plan(&s, true, &d), vec![TrailWrite::Update]);
        let ours = bucket_policy_statements(&s, "123456789012", "us-east-1");
        let org = ours
            .iter()
            .find(|x| x["Sid"] == "AWSCloudTrailOrganizationWrite")
            .unwrap();
        assert_eq!(org["Resource"], "arn:aws:s3:::logs-bucket/ct/AWSLogs/*");
        assert_eq!(
            org["Condition"]["StringEquals"]["aws:SourceArn"],
            "arn:aws:cloudtrail:us-east-1:123456789012:trail/org-trail"
        );
        // A single-account trail's bucket has no such statement.
        assert!(
            bucket_policy_statements(&spec(), "123456789012", "us-east-1")
                .iter()
                .all(|x| x["Sid"] != "AWSCloudTrailOrganizationWrite")
        );
    }

    #[test]
    fn bucket_policy_merge_keeps_foreign_statements_and_is_idempotent() {
        let s = CloudTrailSpec {
            s3: CloudTrailBucket {
                bucket_name: "logs".into(),
                key_prefix: Some("ct/".into()),
                create_bucket: true,
            },
            ..spec()
        };
        let ours = bucket_policy_statements(&s, "123456789012", "us-east-1");
        assert_eq!(
            ours[1]["Resource"],
            "arn:aws:s3:::logs/ct/AWSLogs/123456789012/*"
        );
        let foreign = json!({"Version": "2012-10-17", "Statement": [{"Sid": "Other", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "x"}]}).to_string();
        assert!(!policy_has(Some(&foreign), &ours));
        let merged = merge_policy(Some(&foreign), &ours);
        assert!(policy_has(Some(&merged), &ours));
        assert!(merged.contains("\"Sid\":\"Other\""));
        let again = merge_policy(Some(&merged), &ours);
        assert_eq!(statements(Some(&again)).len(), 4);
    }

    #[test]
    fn bucket_plan_matches_drift() {
        let d = diff(
            BUCKET_COMPONENT,
            &bucket_desired(),
            &bucket_observed(None, &[]),
        );
        assert_eq!(bucket_plan(false, &d).len(), 5);
        let st = BucketState {
            versioning: Some("Suspended".into()),
            encrypted: true,
            public_access_blocked: true,
            policy: None,
        };
        let d = diff(
            BUCKET_COMPONENT,
            &bucket_desired(),
            &bucket_observed(Some(&st), &[json!({"Sid": "x"})]),
        );
        assert_eq!(
            bucket_plan(true, &d),
            vec![BucketWrite::Versioning, BucketWrite::Policy]
        );
    }
}
