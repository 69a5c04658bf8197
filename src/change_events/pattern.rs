//! The CloudTrail management events that can change what the operator manages, and the EventBridge event
//! patterns matching them.
//!
//! Derived from [`crate::aws::MODULES`] only: every `Write` row contributes (its module's `eventSource`, its
//! `eventName`: the SDK operation name unless the module's `EVENTS.renamed` says CloudTrail records it under
//! another, its uses with the `#phase` stripped); every `EVENTS.foreign_writes` entry (a write the operator never
//! makes that still changes what it manages) contributes likewise. Reads and modules without an `eventSource`
//! (STS) contribute nothing.

use crate::aws::operation::Kind;
use std::collections::{BTreeMap, BTreeSet};

/// `detail-type` of an AWS API call delivered to EventBridge by CloudTrail ("AWS service events delivered via AWS
/// CloudTrail", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html).
pub const DETAIL_TYPE: &str = "AWS API Call via CloudTrail";

/// Largest event pattern we emit, in characters. Amazon EventBridge quotas, "Event pattern size": "Maximum event
/// pattern size, in characters", default 2,048 in each Region (adjustable to 4,096 on request;
/// https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-quota.html). The default is what every account has.
pub const MAX_PATTERN_LEN: usize = 2048;

/// Event sources CloudTrail records in us-east-1 only, whatever Region the caller named. IAM (and STS, CloudFront,
/// which the operator does not watch): "events created by Amazon CloudFront, AWS Identity and Access Management, and
/// AWS STS are recorded in the Region in which they were created, the US East (N. Virginia) Region, us-east-1"
/// (CloudTrail user guide, update-trail: global service events,
/// https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-create-and-update-a-trail-by-using-the-aws-cli-update-trail.html).
/// AWS Budgets has a single endpoint, budgets.amazonaws.com in us-east-1 (Budgets API reference, service endpoint),
/// so its calls are recorded there too. Route 53 is a global service like IAM: its events are logged as occurring in
/// us-east-1 (Route 53 developer guide, "Logging Amazon Route 53 API calls with AWS CloudTrail",
/// https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/logging-using-cloudtrail.html).
const GLOBAL_SOURCES: &[&str] = &[
    "iam.amazonaws.com",
    "budgets.amazonaws.com",
    "route53.amazonaws.com",
];

/// True when CloudTrail records `event_source`'s calls in us-east-1 only (see [`GLOBAL_SOURCES`]): such an event
/// concerns every Region of its account.
pub fn is_global(event_source: &str) -> bool {
    GLOBAL_SOURCES.contains(&event_source)
}

/// Account-wide settings set through a regional endpoint: the S3 account-level Block Public Access configuration
/// applies to every bucket of the account in every Region (S3 user guide, "Blocking public access to your Amazon S3
/// storage", https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html), so an
/// event changing it concerns every Region of the account, whichever Region's endpoint the caller used.
const ACCOUNT_WIDE: &[(&str, &str)] = &[
    ("s3.amazonaws.com", "PutAccountPublicAccessBlock"),
    ("s3.amazonaws.com", "DeleteAccountPublicAccessBlock"),
];

/// True when the event changes an account-wide setting whatever its Region ([`is_global`] sources, or the
/// account-level S3 Block Public Access).
pub fn is_account_wide(event_source: &str, event_name: &str) -> bool {
    is_global(event_source) || ACCOUNT_WIDE.contains(&(event_source, event_name))
}

/// One watched CloudTrail event and the spec sections it can affect.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Watched {
    /// `detail.eventSource` (`cloudtrail.amazonaws.com`).
    pub source: &'static str,
    /// `detail.eventName` (`StopLogging`).
    pub name: &'static str,
    /// Spec sections (no `#phase`), sorted, deduplicated.
    pub sections: Vec<&'static str>,
}

/// `AccountBaseline.cloudTrail#correct` -> `AccountBaseline.cloudTrail`.
fn strip_phase(u: &'static str) -> &'static str {
    u.split_once('#').map_or(u, |(s, _)| s)
}

/// Every watched event, sorted by (source, name), each with the union of the sections of every row and foreign
/// write that names it.
pub fn watched() -> Vec<Watched> {
    let mut map: BTreeMap<(&'static str, &'static str), BTreeSet<&'static str>> = BTreeMap::new();
    for m in crate::aws::MODULES {
        let Some(source) = m.events.source else {
            continue;
        };
        let data_event =
            |op: &str| source == "sqs.amazonaws.com" && crate::aws::sqs::DATA_EVENTS.contains(&op);
        for r in m
            .operations
            .iter()
            .filter(|r| r.kind == Kind::Write && !data_event(r.operation))
        {
            let name = m
                .events
                .renamed
                .iter()
                .find(|(op, _)| *op == r.operation)
                .map_or(r.operation, |(_, n)| n);
            map.entry((source, name))
                .or_default()
                .extend(r.uses.iter().copied().map(strip_phase));
        }
        for f in m.events.foreign_writes {
            map.entry((source, f.event_name))
                .or_default()
                .extend(f.uses.iter().copied().map(strip_phase));
        }
    }
    map.into_iter()
        .map(|((source, name), sections)| Watched {
            source,
            name,
            sections: sections.into_iter().collect(),
        })
        .collect()
}

/// The spec sections (`AccountBaseline.cloudTrail`, `MonitoringPolicy.alarms`, `PatchSchedule`; no `#phase`) an
/// event can affect; empty for an event the operator does not watch.
pub fn sections(event_source: &str, event_name: &str) -> Vec<&'static str> {
    static WATCHED: std::sync::OnceLock<Vec<Watched>> = std::sync::OnceLock::new();
    let all = WATCHED.get_or_init(watched);
    // Sorted by (source, name): `watched` collects a BTreeMap.
    all.binary_search_by(|w| (w.source, w.name).cmp(&(event_source, event_name)))
        .map(|i| all[i].sections.clone())
        .unwrap_or_default()
}

fn pattern_json(sources: &[&str], names: &BTreeSet<&str>) -> String {
    serde_json::json!({
        "detail-type": [DETAIL_TYPE],
        "detail": {"eventSource": sources, "eventName": names.iter().collect::<Vec<_>>()},
    })
    .to_string()
}

/// The EventBridge event patterns matching every watched event: `{"detail-type": ["AWS API Call via CloudTrail"],
/// "detail": {"eventSource": [...], "eventName": [...]}}`, as few as fit [`MAX_PATTERN_LEN`] each, in a
/// deterministic order. Event sources are packed whole, in sorted order, so each source lives in exactly one
/// pattern. Within one pattern the two lists match their cross product ("Creating event patterns": every field
/// must match, a list matches any of its values, https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html),
/// so an event of one packed source whose name is watched only for another source (say `ssm.amazonaws.com`
/// `UpdateCluster`, watched for ECS) is delivered too: that over-matching is accepted, [`sections`] returns nothing
/// for it and no object owns it.
pub fn patterns() -> Vec<String> {
    let mut by_source: BTreeMap<&'static str, BTreeSet<&'static str>> = BTreeMap::new();
    for w in watched() {
        by_source.entry(w.source).or_default().insert(w.name);
    }
    let mut out = Vec::new();
    let mut sources: Vec<&str> = Vec::new();
    let mut names: BTreeSet<&str> = BTreeSet::new();
    for (source, own) in by_source {
        let mut s2 = sources.clone();
        s2.push(source);
        let n2: BTreeSet<&str> = names.union(&own).copied().collect();
        if !sources.is_empty() && pattern_json(&s2, &n2).len() > MAX_PATTERN_LEN {
            out.push(pattern_json(&sources, &names));
            sources = vec![source];
            names = own;
        } else {
            sources = s2;
            names = n2;
        }
    }
    if !sources.is_empty() {
        out.push(pattern_json(&sources, &names));
    }
    out
}

/// The "Change events" section of docs/aws-operations.md: every watched event and the sections it affects.
pub fn markdown() -> String {
    let mut out = String::from(
        "\n## Change events\n\nThe CloudTrail management events the operator's EventBridge rules deliver (`src/change_events/`), derived \
         from the rows above (every write) and each module's `EVENTS.foreign_writes` (writes the operator never makes \
         that change what it manages), and the spec sections an event can affect.",
    );
    out.push_str(&format!(
        " Events of {} are recorded in us-east-1 only.\n\n| eventSource | eventName | sections |\n|---|---|---|\n",
        GLOBAL_SOURCES.join(", ")
    ));
    for w in watched() {
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            w.source,
            w.name,
            w.sections.join(", ")
        ));
    }
    let p = patterns();
    out.push_str(&format!(
        "\n{} event pattern(s), each at most {MAX_PATTERN_LEN} characters (EventBridge's default event pattern size \
         quota): {}.\n",
        p.len(),
        p.iter()
            .map(|p| p.len().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_row_of_a_watched_module_is_watched() {
        let w = watched();
        for m in crate::aws::MODULES {
            let Some(source) = m.events.source else {
                assert!(
                    m.operations
                        .iter()
                        .all(|r| r.kind == Kind::Read || r.service == "sts"),
                    "{} writes but has no eventSource",
                    m.name
                );
                continue;
            };
            let data_event = |op: &str| {
                source == "sqs.amazonaws.com" && crate::aws::sqs::DATA_EVENTS.contains(&op)
            };
            for r in m
                .operations
                .iter()
                .filter(|r| r.kind == Kind::Write && !data_event(r.operation))
            {
                assert!(
                    w.iter().any(|x| x.source == source
                        && (x.name == r.operation
                            || m.events.renamed.contains(&(r.operation, x.name)))),
                    "{}:{} not watched",
                    m.name,
                    r.operation
                );
            }
        }
        assert!(w.iter().all(|x| !x.sections.is_empty()), "{w:?}");
        // The consumer's own queue reads are data events: never watched (no loop through the hub queue).
        assert!(!w
            .iter()
            .any(|x| x.source == "sqs.amazonaws.com"
                && crate::aws::sqs::DATA_EVENTS.contains(&x.name)));
        assert!(w
            .iter()
            .any(|x| x.source == "sqs.amazonaws.com" && x.name == "SetQueueAttributes"));
        for x in &w {
            assert_eq!(sections(x.source, x.name), x.sections, "{x:?}");
        }
        assert!(!w.iter().any(|x| x.source == "sts.amazonaws.com"));
    }

    #[test]
    fn renames_name_real_write_rows_and_foreign_writes_are_not_rows() {
        for m in crate::aws::MODULES {
            for (op, _) in m.events.renamed {
                assert!(
                    m.operations
                        .iter()
                        .any(|r| r.operation == *op && r.kind == Kind::Write),
                    "{}: renamed {op} is no write row",
                    m.name
                );
            }
            for f in m.events.foreign_writes {
                assert!(
                    !m.operations.iter().any(|r| r.operation == f.event_name),
                    "{}: {} is a row already",
                    m.name,
                    f.event_name
                );
                assert!(!f.uses.is_empty() && f.uses.iter().all(|u| !u.contains('#')));
            }
        }
    }

    #[test]
    fn names_cloudtrail_logs_for_s3_control() {
        assert_eq!(
            sections("s3.amazonaws.com", "PutAccountPublicAccessBlock"),
            vec!["AccountBaseline.s3BlockPublicAccess"]
        );
        assert_eq!(
            sections("s3.amazonaws.com", "DeleteAccountPublicAccessBlock"),
            vec!["AccountBaseline.s3BlockPublicAccess"]
        );
        assert!(sections("s3.amazonaws.com", "PutPublicAccessBlock").is_empty());
        assert!(!sections("s3.amazonaws.com", "PutBucketPublicAccessBlock").is_empty());
        assert_eq!(
            sections("cloudtrail.amazonaws.com", "StopLogging"),
            vec!["AccountBaseline.cloudTrail"]
        );
        assert!(sections("cloudtrail.amazonaws.com", "DescribeTrails").is_empty());
        assert!(is_global("iam.amazonaws.com") && !is_global("ec2.amazonaws.com"));
    }

    #[test]
    fn patterns_are_valid_json_within_the_limit_and_cover_every_watched_event_once() {
        let ps = patterns();
        assert_eq!(ps, patterns(), "deterministic");
        let parsed: Vec<serde_json::Value> = ps
            .iter()
            .map(|p| {
                assert!(
                    p.len() <= MAX_PATTERN_LEN,
                    "{} > {MAX_PATTERN_LEN}",
                    p.len()
                );
                serde_json::from_str(p).expect("valid JSON")
            })
            .collect();
        for w in watched() {
            let n = parsed
                .iter()
                .filter(|p| {
                    let d = &p["detail"];
                    has(&d["eventSource"], w.source) && has(&d["eventName"], w.name)
                })
                .count();
            assert_eq!(n, 1, "{}/{} in {n} patterns", w.source, w.name);
        }
        // Every source lives in exactly one pattern.
        let mut seen = BTreeSet::new();
        for p in &parsed {
            for s in p["detail"]["eventSource"].as_array().unwrap() {
                assert!(seen.insert(s.as_str().unwrap().to_string()), "{s} twice");
            }
        }
    }

    fn has(list: &serde_json::Value, s: &str) -> bool {
        list.as_array()
            .is_some_and(|a| a.iter().any(|v| v.as_str() == Some(s)))
    }
}
