//! AWS Support API, Trusted Advisor operations only: the checks AWS offers and their latest summaries. Reads only:
//! the operator never calls RefreshTrustedAdvisorCheck (see `crate::api::account_baseline::TrustedAdvisorSpec`).
//!
//! The Trusted Advisor operations answer only at the US East (N. Virginia) endpoint ("To call the Trusted Advisor
//! operations in the AWS Support API, you must use the US East (N. Virginia) endpoint",
//! https://docs.aws.amazon.com/awssupport/latest/APIReference/API_DescribeTrustedAdvisorChecks.html); the other
//! partitions have one Support endpoint each ([`support_region`]).

use crate::aws::error::{AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, Operation, MOTO, MOTO_EXT};
use aws_sdk_support::Client;

const SVC: &str = "support";

/// The region whose Support endpoint serves Trusted Advisor for the partition of `region`; `None` where AWS offers
/// no Support API (the ISO partitions).
pub fn support_region(region: &str) -> Option<&'static str> {
    match crate::aws::partition(region) {
        "aws" => Some("us-east-1"),
        "aws-us-gov" => Some("us-gov-west-1"),
        "aws-cn" => Some("cn-north-1"),
        _ => None,
    }
}

/// One check Trusted Advisor offers (DescribeTrustedAdvisorChecks).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Check {
    /// Check ID, e.g. `7DAFEmoDos`.
    pub id: String,
    /// Display name, e.g. `MFA on Root Account`.
    pub name: String,
    /// Category: `security`, `service_limits`, `cost_optimizing`, `fault_tolerance`, `performance`.
    pub category: String,
}

/// The latest result of one check (DescribeTrustedAdvisorCheckSummaries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Summary {
    /// Check ID.
    pub check_id: String,
    /// `ok`, `warning`, `error` or `not_available`.
    pub status: String,
    /// When the check last ran (ISO 8601, as AWS returns it).
    pub timestamp: String,
    /// Resources the check flagged.
    pub flagged: i64,
}

/// DescribeTrustedAdvisorChecks in English (the language only changes names and descriptions).
pub async fn checks(client: &Client) -> Result<Vec<Check>, AwsError> {
    let out = client
        .describe_trusted_advisor_checks()
        .language("en")
        .send()
        .await
        .aws(SVC, "DescribeTrustedAdvisorChecks")?;
    Ok(out
        .checks()
        .iter()
        .map(|c| Check {
            id: c.id().to_string(),
            name: c.name().to_string(),
            category: c.category().to_string(),
        })
        .collect())
}

/// DescribeTrustedAdvisorCheckSummaries of `ids`, in batches of 100 (one call for most baselines). An ID the reply
/// leaves out has no result yet.
pub async fn summaries(client: &Client, ids: &[String]) -> Result<Vec<Summary>, AwsError> {
    let mut out = Vec::new();
    for batch in ids.chunks(100) {
        let page = client
            .describe_trusted_advisor_check_summaries()
            .set_check_ids(Some(batch.iter().cloned().map(Some).collect()))
            .send()
            .await
            .aws(SVC, "DescribeTrustedAdvisorCheckSummaries")?;
        out.extend(page.summaries().iter().map(|s| Summary {
            check_id: s.check_id().to_string(),
            status: s.status().to_string(),
            timestamp: s.timestamp().to_string(),
            flagged: s.resources_summary().map_or(0, |r| r.resources_flagged()),
        }));
    }
    Ok(out)
}

/// The error of a partition without a Support API.
pub fn no_support_api(region: &str) -> AwsError {
    AwsError::new(
        SVC,
        "DescribeTrustedAdvisorChecks",
        ErrorCategory::InvalidInput,
        format!(
            "the AWS Support API (Trusted Advisor) is not offered in partition {} of region {region}",
            crate::aws::partition(region)
        ),
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // AWS Support (Trusted Advisor), detect-only: reads in us-east-1 whenever the section is declared.
    read(
        SVC,
        "DescribeTrustedAdvisorCheckSummaries",
        MOTO_EXT,
        &[act("support:DescribeTrustedAdvisorCheckSummaries")],
        &["AccountBaseline.trustedAdvisor"],
    ),
    read(
        SVC,
        "DescribeTrustedAdvisorChecks",
        MOTO,
        &[act("support:DescribeTrustedAdvisorChecks")],
        &["AccountBaseline.trustedAdvisor"],
    ),
];

/// Nothing the operator manages here changes through a write (it never writes), so nothing is watched.
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::NO_EVENTS;
