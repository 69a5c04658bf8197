//! CloudTrail: SDK types <-> our trail model.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, pass_role, read, write, Operation, CLOUDTRAIL_PRINCIPAL, MOTO};
use crate::aws::tags;
use aws_sdk_cloudtrail::types::{
    AdvancedEventSelector, AdvancedFieldSelector, InsightSelector, InsightType,
};
use aws_sdk_cloudtrail::Client;
use std::collections::BTreeMap;

const SVC: &str = "cloudtrail";

/// An advanced event selector in canonical form: field -> operator -> sorted values.
pub type CanonicalSelector = BTreeMap<String, BTreeMap<String, Vec<String>>>;

/// What a trail looks like in AWS.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TrailState {
    /// Trail ARN.
    pub arn: String,
    /// Record events in all regions.
    pub multi_region: bool,
    /// Include global service events.
    pub include_global_service_events: bool,
    /// Log file validation.
    pub log_file_validation: bool,
    /// Delivery bucket.
    pub s3_bucket_name: Option<String>,
    /// Delivery prefix.
    pub s3_key_prefix: Option<String>,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// CloudWatch Logs group ARN.
    pub cloud_watch_logs_log_group_arn: Option<String>,
    /// CloudWatch Logs role ARN.
    pub cloud_watch_logs_role_arn: Option<String>,
    /// An organization trail.
    pub is_organization_trail: bool,
    /// Logging on.
    pub is_logging: bool,
    /// Event selectors, canonical and sorted.
    pub selectors: Vec<CanonicalSelector>,
    /// Enabled Insights types, sorted.
    pub insights: Vec<String>,
    /// Tags on the trail.
    pub tags: BTreeMap<String, String>,
}

/// The configuration part of a trail (what CreateTrail / UpdateTrail set).
#[derive(Clone, Debug, PartialEq)]
pub struct TrailConfig {
    /// Trail name.
    pub name: String,
    /// All regions.
    pub multi_region: bool,
    /// Global service events.
    pub include_global_service_events: bool,
    /// Digest files.
    pub log_file_validation: bool,
    /// Bucket.
    pub s3_bucket_name: String,
    /// Prefix.
    pub s3_key_prefix: Option<String>,
    /// KMS key.
    pub kms_key_id: Option<String>,
    /// CloudWatch Logs group ARN and role ARN.
    pub cloud_watch_logs: Option<(String, String)>,
    /// An organization trail.
    pub is_organization_trail: bool,
}

/// Put selectors into canonical form so order and naming never count as drift.
pub fn canonicalize(selectors: &[AdvancedEventSelector]) -> Vec<CanonicalSelector> {
    let mut out: Vec<CanonicalSelector> = selectors
        .iter()
        .map(|s| {
            let mut fields = CanonicalSelector::new();
            for f in s.field_selectors() {
                let mut ops = BTreeMap::new();
                let mut put = |op: &str, vals: &[String]| {
                    if !vals.is_empty() {
                        let mut v = vals.to_vec();
                        v.sort();
                        ops.insert(op.to_string(), v);
                    }
                };
                put("Equals", f.equals());
                put("NotEquals", f.not_equals());
                put("StartsWith", f.starts_with());
                put("NotStartsWith", f.not_starts_with());
                put("EndsWith", f.ends_with());
                put("NotEndsWith", f.not_ends_with());
                fields.insert(f.field().to_string(), ops);
            }
            fields
        })
        .collect();
    out.sort_by_key(|s| serde_json::to_string(s).unwrap_or_default());
    out
}

/// Build SDK selectors from canonical ones, naming each.
pub fn to_sdk_selectors(
    selectors: &[(String, CanonicalSelector)],
) -> Result<Vec<AdvancedEventSelector>, AwsError> {
    selectors
        .iter()
        .map(|(name, fields)| {
            let mut b = AdvancedEventSelector::builder().name(name);
            for (field, ops) in fields {
                let mut fb = AdvancedFieldSelector::builder().field(field);
                for (op, vals) in ops {
                    for v in vals {
                        fb = match op.as_str() {
                            "Equals" => fb.equals(v),
                            "NotEquals" => fb.not_equals(v),
                            "StartsWith" => fb.starts_with(v),
                            "NotStartsWith" => fb.not_starts_with(v),
                            "EndsWith" => fb.ends_with(v),
                            _ => fb.not_ends_with(v),
                        };
                    }
                }
                b = b.field_selectors(fb.build().map_err(|e| {
                    AwsError::new(
                        SVC,
                        "PutEventSelectors",
                        crate::aws::error::ErrorCategory::InvalidInput,
                        e.to_string(),
                    )
                })?);
            }
            b.build().map_err(|e| {
                AwsError::new(
                    SVC,
                    "PutEventSelectors",
                    crate::aws::error::ErrorCategory::InvalidInput,
                    e.to_string(),
                )
            })
        })
        .collect()
}

/// Read a trail by name: DescribeTrails, GetTrailStatus, GetEventSelectors, GetInsightSelectors, ListTags.
pub async fn observe(client: &Client, name: &str) -> Result<Option<TrailState>, AwsError> {
    let out = client
        .describe_trails()
        .trail_name_list(name)
        .include_shadow_trails(false)
        .send()
        .await
        .aws(SVC, "DescribeTrails")?;
    let Some(trail) = out.trail_list().iter().find(|t| t.name() == Some(name)) else {
        return Ok(None);
    };
    let arn = trail.trail_arn().unwrap_or_default().to_string();
    let status = client
        .get_trail_status()
        .name(name)
        .send()
        .await
        .aws(SVC, "GetTrailStatus")?;
    let selectors = client
        .get_event_selectors()
        .trail_name(name)
        .send()
        .await
        .aws(SVC, "GetEventSelectors")?;
    let insights = not_found_as_none(
        client
            .get_insight_selectors()
            .trail_name(name)
            .send()
            .await
            .aws(SVC, "GetInsightSelectors"),
        &["InsightNotEnabledException"],
    )?;
    let tags = client
        .list_tags()
        .resource_id_list(&arn)
        .send()
        .await
        .aws(SVC, "ListTags")?;
    let mut insight_types: Vec<String> = insights
        .map(|i| {
            i.insight_selectors()
                .iter()
                .filter_map(|s| s.insight_type().map(|t| t.as_str().to_string()))
                .collect()
        })
        .unwrap_or_default();
    insight_types.sort();
    Ok(Some(TrailState {
        arn,
        multi_region: trail.is_multi_region_trail().unwrap_or(false),
        include_global_service_events: trail.include_global_service_events().unwrap_or(false),
        log_file_validation: trail.log_file_validation_enabled().unwrap_or(false),
        s3_bucket_name: trail.s3_bucket_name().map(str::to_string),
        s3_key_prefix: trail
            .s3_key_prefix()
            .filter(|p| !p.is_empty())
            .map(str::to_string),
        kms_key_id: trail.kms_key_id().map(str::to_string),
        cloud_watch_logs_log_group_arn: trail.cloud_watch_logs_log_group_arn().map(str::to_string),
        cloud_watch_logs_role_arn: trail.cloud_watch_logs_role_arn().map(str::to_string),
        is_organization_trail: trail.is_organization_trail().unwrap_or(false),
        is_logging: status.is_logging().unwrap_or(false),
        selectors: canonicalize(selectors.advanced_event_selectors()),
        insights: insight_types,
        tags: tags
            .resource_tag_list()
            .iter()
            .flat_map(|r| r.tags_list())
            .map(|t| {
                (
                    t.key().to_string(),
                    t.value().unwrap_or_default().to_string(),
                )
            })
            .collect(),
    }))
}

/// CreateTrail with the owner tags.
pub async fn create(
    client: &Client,
    cfg: &TrailConfig,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let mut req = client
        .create_trail()
        .name(&cfg.name)
        .s3_bucket_name(&cfg.s3_bucket_name)
        .set_s3_key_prefix(cfg.s3_key_prefix.clone())
        .is_multi_region_trail(cfg.multi_region)
        .include_global_service_events(cfg.include_global_service_events)
        .enable_log_file_validation(cfg.log_file_validation)
        .is_organization_trail(cfg.is_organization_trail)
        .set_kms_key_id(cfg.kms_key_id.clone());
    if let Some((group, role)) = &cfg.cloud_watch_logs {
        req = req
            .cloud_watch_logs_log_group_arn(group)
            .cloud_watch_logs_role_arn(role);
    }
    for t in tags::to_sdk(tags).map_err(|e| AwsError::invalid_input(SVC, "CreateTrail", e))? {
        req = req.tags_list(t);
    }
    let out = req.send().await.aws(SVC, "CreateTrail")?;
    Ok(out.trail_arn().unwrap_or_default().to_string())
}

/// UpdateTrail to the declared configuration. Unset optional settings are cleared with empty strings.
pub async fn update(client: &Client, cfg: &TrailConfig) -> Result<(), AwsError> {
    let (group, role) = cfg.cloud_watch_logs.clone().unwrap_or_default();
    client
        .update_trail()
        .name(&cfg.name)
        .s3_bucket_name(&cfg.s3_bucket_name)
        .s3_key_prefix(cfg.s3_key_prefix.clone().unwrap_or_default())
        .is_multi_region_trail(cfg.multi_region)
        .include_global_service_events(cfg.include_global_service_events)
        .enable_log_file_validation(cfg.log_file_validation)
        .is_organization_trail(cfg.is_organization_trail)
        .kms_key_id(cfg.kms_key_id.clone().unwrap_or_default())
        .cloud_watch_logs_log_group_arn(group)
        .cloud_watch_logs_role_arn(role)
        .send()
        .await
        .aws(SVC, "UpdateTrail")?;
    Ok(())
}

/// PutEventSelectors (advanced).
pub async fn put_selectors(
    client: &Client,
    name: &str,
    selectors: &[(String, CanonicalSelector)],
) -> Result<(), AwsError> {
    client
        .put_event_selectors()
        .trail_name(name)
        .set_advanced_event_selectors(Some(to_sdk_selectors(selectors)?))
        .send()
        .await
        .aws(SVC, "PutEventSelectors")?;
    Ok(())
}

/// PutInsightSelectors; an empty list turns Insights off.
pub async fn put_insights(client: &Client, name: &str, types: &[String]) -> Result<(), AwsError> {
    let selectors = types
        .iter()
        .map(|t| {
            InsightSelector::builder()
                .insight_type(InsightType::from(t.as_str()))
                .build()
        })
        .collect();
    client
        .put_insight_selectors()
        .trail_name(name)
        .set_insight_selectors(Some(selectors))
        .send()
        .await
        .aws(SVC, "PutInsightSelectors")?;
    Ok(())
}

/// StartLogging / StopLogging.
pub async fn set_logging(client: &Client, name: &str, on: bool) -> Result<(), AwsError> {
    if on {
        client
            .start_logging()
            .name(name)
            .send()
            .await
            .aws(SVC, "StartLogging")?;
    } else {
        client
            .stop_logging()
            .name(name)
            .send()
            .await
            .aws(SVC, "StopLogging")?;
    }
    Ok(())
}

/// DeleteTrail; "already gone" is success.
pub async fn delete(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_trail()
            .name(name)
            .send()
            .await
            .aws(SVC, "DeleteTrail"),
        &[],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // CloudTrail (trail in the home region).
    write(
        SVC,
        "CreateTrail",
        MOTO,
        &[
            act("cloudtrail:CreateTrail"),
            act("cloudtrail:AddTags"),
            pass_role(
                CLOUDTRAIL_PRINCIPAL,
                &["AccountBaseline.cloudTrail.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    write(
        SVC,
        "DeleteTrail",
        MOTO,
        &[act("cloudtrail:DeleteTrail")],
        &["AccountBaseline.cloudTrail#delete"],
    ),
    read(
        SVC,
        "DescribeTrails",
        MOTO,
        &[act("cloudtrail:DescribeTrails")],
        &["AccountBaseline.cloudTrail"],
    ),
    read(
        SVC,
        "GetEventSelectors",
        MOTO,
        &[act("cloudtrail:GetEventSelectors")],
        &["AccountBaseline.cloudTrail"],
    ),
    read(
        SVC,
        "GetInsightSelectors",
        MOTO,
        &[act("cloudtrail:GetInsightSelectors")],
        &["AccountBaseline.cloudTrail"],
    ),
    read(
        SVC,
        "GetTrailStatus",
        MOTO,
        &[act("cloudtrail:GetTrailStatus")],
        &["AccountBaseline.cloudTrail"],
    ),
    read(
        SVC,
        "ListTags",
        MOTO,
        &[act("cloudtrail:ListTags")],
        &["AccountBaseline.cloudTrail"],
    ),
    write(
        SVC,
        "PutEventSelectors",
        MOTO,
        &[act("cloudtrail:PutEventSelectors")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    write(
        SVC,
        "PutInsightSelectors",
        MOTO,
        &[act("cloudtrail:PutInsightSelectors")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    write(
        SVC,
        "StartLogging",
        MOTO,
        &[act("cloudtrail:StartLogging")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    write(
        SVC,
        "StopLogging",
        MOTO,
        &[act("cloudtrail:StopLogging")],
        &["AccountBaseline.cloudTrail#correct"],
    ),
    write(
        SVC,
        "UpdateTrail",
        MOTO,
        &[
            act("cloudtrail:UpdateTrail"),
            pass_role(
                CLOUDTRAIL_PRINCIPAL,
                &["AccountBaseline.cloudTrail.cloudWatchLogs#correct"],
            ),
        ],
        &["AccountBaseline.cloudTrail#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-cloudtrail.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("cloudtrail.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[
        // The owner tags prove the trail is ours.
        crate::aws::operation::foreign("RemoveTags", &["AccountBaseline.cloudTrail"]),
    ],
};
