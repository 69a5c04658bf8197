//! Route 53 health checks (MonitoringPolicy `healthChecks`). Health checks are global, served from us-east-1, and
//! identified by their ID only: the operator keeps the ID in status. A pass reads every health check of the account
//! with one paginated ListHealthChecks (100 per page), tags only to prove ownership (ListTagsForResources, 10 IDs
//! per call) of health checks status has no record of, and before a delete.
//!
//! API reference: https://docs.aws.amazon.com/Route53/latest/APIReference/API_Operations_Amazon_Route_53.html

use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_route53::types::{
    HealthCheckConfig, HealthCheckRegion, HealthCheckType, ResettableElementName, Tag,
    TagResourceType,
};
use aws_sdk_route53::Client;
use std::collections::BTreeMap;

const SVC: &str = "route53";

/// The region Route 53's control plane (and its CloudWatch metrics) live in.
pub const HOME_REGION: &str = "us-east-1";

/// ListTagsForResources takes at most 10 resource IDs.
const TAGS_PER_CALL: usize = 10;

/// A health check's settings, as the operator sends and compares them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthCheckSettings {
    /// `HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH`, `TCP`, ...
    pub type_: String,
    /// Domain name.
    pub fqdn: Option<String>,
    /// IP address.
    pub ip_address: Option<String>,
    /// Port.
    pub port: Option<i32>,
    /// Path.
    pub resource_path: Option<String>,
    /// String to match.
    pub search_string: Option<String>,
    /// 10 or 30 seconds.
    pub request_interval: Option<i32>,
    /// 1-10.
    pub failure_threshold: Option<i32>,
    /// Checker regions (sorted; empty = Route 53's default, all of them).
    pub regions: Vec<String>,
}

/// A health check as ListHealthChecks returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HealthCheck {
    /// ID.
    pub id: String,
    /// CallerReference it was created with.
    pub caller_reference: String,
    /// Version, sent back with an update (optimistic locking).
    pub version: i64,
    /// Settings.
    pub settings: HealthCheckSettings,
}

/// Every health check of the account (ListHealthChecks, paginated), by ID.
pub async fn list(client: &Client) -> Result<BTreeMap<String, HealthCheck>, AwsError> {
    let mut out = BTreeMap::new();
    let mut marker: Option<String> = None;
    loop {
        let page = client
            .list_health_checks()
            .set_marker(marker.clone())
            .max_items(100)
            .send()
            .await
            .aws(SVC, "ListHealthChecks")?;
        for h in page.health_checks() {
            let settings = h.health_check_config().map(settings_of).unwrap_or_default();
            out.insert(
                h.id().to_string(),
                HealthCheck {
                    id: h.id().to_string(),
                    caller_reference: h.caller_reference().to_string(),
                    version: h.health_check_version(),
                    settings,
                },
            );
        }
        match page.next_marker().filter(|_| page.is_truncated()) {
            Some(m) if Some(m) != marker.as_deref() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}

fn settings_of(c: &HealthCheckConfig) -> HealthCheckSettings {
    let mut regions: Vec<String> = c.regions().iter().map(|r| r.as_str().to_string()).collect();
    regions.sort();
    HealthCheckSettings {
        type_: c.r#type().as_str().to_string(),
        fqdn: c.fully_qualified_domain_name().map(str::to_string),
        ip_address: c.ip_address().map(str::to_string),
        port: c.port(),
        resource_path: c.resource_path().map(str::to_string),
        search_string: c.search_string().map(str::to_string),
        request_interval: c.request_interval(),
        failure_threshold: c.failure_threshold(),
        regions,
    }
}

fn regions(s: &HealthCheckSettings) -> Option<Vec<HealthCheckRegion>> {
    (!s.regions.is_empty()).then(|| {
        s.regions
            .iter()
            .map(|r| HealthCheckRegion::from(r.as_str()))
            .collect()
    })
}

/// CreateHealthCheck; returns the new ID. `caller_reference` makes the request idempotent: Route 53 returns the
/// existing health check for a reference it already holds with the same settings.
pub async fn create(
    client: &Client,
    caller_reference: &str,
    s: &HealthCheckSettings,
) -> Result<String, AwsError> {
    let config = HealthCheckConfig::builder()
        .r#type(HealthCheckType::from(s.type_.as_str()))
        .set_fully_qualified_domain_name(s.fqdn.clone())
        .set_ip_address(s.ip_address.clone())
        .set_port(s.port)
        .set_resource_path(s.resource_path.clone())
        .set_search_string(s.search_string.clone())
        .set_request_interval(s.request_interval)
        .set_failure_threshold(s.failure_threshold)
        .set_regions(regions(s))
        .build()
        .map_err(|e| {
            AwsError::new(
                SVC,
                "CreateHealthCheck",
                ErrorCategory::InvalidInput,
                e.to_string(),
            )
        })?;
    let out = client
        .create_health_check()
        .caller_reference(caller_reference)
        .health_check_config(config)
        .send()
        .await
        .aws(SVC, "CreateHealthCheck")?;
    out.health_check()
        .map(|h| h.id().to_string())
        .ok_or_else(|| {
            AwsError::new(
                SVC,
                "CreateHealthCheck",
                ErrorCategory::Unknown,
                "no health check in the response",
            )
        })
}

/// UpdateHealthCheck with every updatable setting (type and request interval cannot change); optional settings
/// the spec leaves out are reset (`ResetElements`: domain name, path, regions back to Route 53's defaults).
pub async fn update(
    client: &Client,
    id: &str,
    version: i64,
    s: &HealthCheckSettings,
) -> Result<(), AwsError> {
    let mut reset = Vec::new();
    if s.fqdn.is_none() {
        reset.push(ResettableElementName::FullyQualifiedDomainName);
    }
    if s.resource_path.is_none() {
        reset.push(ResettableElementName::ResourcePath);
    }
    if s.regions.is_empty() {
        reset.push(ResettableElementName::Regions);
    }
    client
        .update_health_check()
        .health_check_id(id)
        .health_check_version(version)
        .set_fully_qualified_domain_name(s.fqdn.clone())
        .set_ip_address(s.ip_address.clone())
        .set_port(s.port)
        .set_resource_path(s.resource_path.clone())
        .set_search_string(s.search_string.clone())
        .set_failure_threshold(s.failure_threshold)
        .set_regions(regions(s))
        .set_reset_elements((!reset.is_empty()).then_some(reset))
        .send()
        .await
        .aws(SVC, "UpdateHealthCheck")?;
    Ok(())
}

/// DeleteHealthCheck; an already deleted one is done.
pub async fn delete(client: &Client, id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_health_check()
            .health_check_id(id)
            .send()
            .await
            .aws(SVC, "DeleteHealthCheck"),
        &["NoSuchHealthCheck"],
    )
}

fn pairs(tags: &[Tag]) -> Vec<(String, String)> {
    let mut v: Vec<(String, String)> = tags
        .iter()
        .map(|t| {
            (
                t.key().unwrap_or_default().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    v.sort();
    v
}

/// Tags of several health checks (ListTagsForResources, 10 IDs per call), by ID.
pub async fn tags_of(
    client: &Client,
    ids: &[String],
) -> Result<BTreeMap<String, Vec<(String, String)>>, AwsError> {
    let mut out = BTreeMap::new();
    for chunk in ids.chunks(TAGS_PER_CALL) {
        let r = client
            .list_tags_for_resources()
            .resource_type(TagResourceType::Healthcheck)
            .set_resource_ids(Some(chunk.to_vec()))
            .send()
            .await
            .aws(SVC, "ListTagsForResources")?;
        for set in r.resource_tag_sets() {
            if let Some(id) = set.resource_id() {
                out.insert(id.to_string(), pairs(set.tags()));
            }
        }
    }
    Ok(out)
}

/// Tags of one health check (ListTagsForResource).
pub async fn tags(client: &Client, id: &str) -> Result<Vec<(String, String)>, AwsError> {
    let r = client
        .list_tags_for_resource()
        .resource_type(TagResourceType::Healthcheck)
        .resource_id(id)
        .send()
        .await
        .aws(SVC, "ListTagsForResource")?;
    Ok(r.resource_tag_set()
        .map(|s| pairs(s.tags()))
        .unwrap_or_default())
}

/// ChangeTagsForResource: adds (or overwrites) `tags` on a health check.
pub async fn tag(client: &Client, id: &str, tags: &[(String, String)]) -> Result<(), AwsError> {
    let add: Vec<Tag> = tags
        .iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    client
        .change_tags_for_resource()
        .resource_type(TagResourceType::Healthcheck)
        .resource_id(id)
        .set_add_tags(Some(add))
        .send()
        .await
        .aws(SVC, "ChangeTagsForResource")?;
    Ok(())
}

// IAM: each operation authorizes the route53: action of its name; CreateHealthCheck with tags is not possible (tags
// follow with ChangeTagsForResource). Route 53 resources are global: the actions take `*` or health check ARNs
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonroute53.html).
/// The AWS operations this module calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "ChangeTagsForResource",
        MOTO,
        &[act("route53:ChangeTagsForResource")],
        &["MonitoringPolicy.healthChecks#correct"],
    ),
    write(
        SVC,
        "CreateHealthCheck",
        MOTO,
        &[act("route53:CreateHealthCheck")],
        &["MonitoringPolicy.healthChecks#correct"],
    ),
    write(
        SVC,
        "DeleteHealthCheck",
        MOTO,
        &[act("route53:DeleteHealthCheck")],
        &[
            "MonitoringPolicy.healthChecks#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    read(
        SVC,
        "ListHealthChecks",
        MOTO,
        &[act("route53:ListHealthChecks")],
        &["MonitoringPolicy.healthChecks", "MonitoringPolicy#delete"],
    ),
    read(
        SVC,
        "ListTagsForResource",
        MOTO,
        &[act("route53:ListTagsForResource")],
        &["MonitoringPolicy.healthChecks", "MonitoringPolicy#delete"],
    ),
    read(
        SVC,
        "ListTagsForResources",
        MOTO,
        &[act("route53:ListTagsForResources")],
        &["MonitoringPolicy.healthChecks", "MonitoringPolicy#delete"],
    ),
    write(
        SVC,
        "UpdateHealthCheck",
        MOTO,
        &[act("route53:UpdateHealthCheck")],
        &["MonitoringPolicy.healthChecks#correct"],
    ),
];

/// CloudTrail records Route 53 calls with `eventSource` route53.amazonaws.com, in us-east-1
/// (https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/logging-using-cloudtrail.html).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("route53.amazonaws.com");
