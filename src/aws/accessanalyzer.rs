//! IAM Access Analyzer: the analyzers of one region and their archive rules.

use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{
    act, read, slr, write, Operation, ACCESS_ANALYZER_PRINCIPAL, MOTO_EXT,
};
use aws_sdk_accessanalyzer::types::{
    AnalyzerConfiguration, Criterion, InlineArchiveRule, Type, UnusedAccessConfiguration,
};
use aws_sdk_accessanalyzer::Client;
use serde_json::{json, Map, Value};
use std::collections::{BTreeMap, HashMap};

const SVC: &str = "accessanalyzer";

/// An analyzer as ListAnalyzers reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AnalyzerState {
    /// Name.
    pub name: String,
    /// ARN.
    pub arn: String,
    /// `ACCOUNT`, `ORGANIZATION`, `ACCOUNT_UNUSED_ACCESS`, `ORGANIZATION_UNUSED_ACCESS`.
    pub analyzer_type: String,
    /// `ACTIVE`, `CREATING`, `DISABLED`, `FAILED`.
    pub status: String,
    /// Unused access age in days (unused access analyzers).
    pub unused_access_age: Option<i32>,
    /// Tags.
    pub tags: BTreeMap<String, String>,
}

/// An archive rule filter, normalised: attribute -> `{eq, neq, contains, exists}` with empty parts left out and
/// values sorted.
pub type Filter = Value;

/// Normalise criteria given as (attribute, eq, neq, contains, exists).
pub fn filter_of<'a>(
    criteria: impl IntoIterator<
        Item = (
            &'a str,
            &'a [String],
            &'a [String],
            &'a [String],
            Option<bool>,
        ),
    >,
) -> Filter {
    let mut out = Map::new();
    let mut sorted: Vec<_> = criteria.into_iter().collect();
    sorted.sort_by(|a, b| a.0.cmp(b.0));
    for (attr, eq, neq, contains, exists) in sorted {
        let mut c = Map::new();
        for (k, v) in [("contains", contains), ("eq", eq), ("neq", neq)] {
            if !v.is_empty() {
                let mut v = v.to_vec();
                v.sort();
                c.insert(k.into(), json!(v));
            }
        }
        if let Some(e) = exists {
            c.insert("exists".into(), json!(e));
        }
        out.insert(attr.to_string(), Value::Object(c));
    }
    Value::Object(out)
}

fn filter_from_sdk(f: &HashMap<String, Criterion>) -> Filter {
    filter_of(
        f.iter()
            .map(|(k, c)| (k.as_str(), c.eq(), c.neq(), c.contains(), c.exists())),
    )
}

fn filter_to_sdk(f: &Filter) -> HashMap<String, Criterion> {
    let list = |c: &Value, k: &str| -> Option<Vec<String>> {
        c.get(k).and_then(Value::as_array).map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
    };
    f.as_object()
        .map(|m| {
            m.iter()
                .map(|(attr, c)| {
                    (
                        attr.clone(),
                        Criterion::builder()
                            .set_eq(list(c, "eq"))
                            .set_neq(list(c, "neq"))
                            .set_contains(list(c, "contains"))
                            .set_exists(c.get("exists").and_then(Value::as_bool))
                            .build(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

/// ListAnalyzers, every page (tags and configuration come with each analyzer: one read for the region).
pub async fn list(client: &Client) -> Result<Vec<AnalyzerState>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_analyzers()
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "ListAnalyzers")?;
        out.extend(page.analyzers().iter().map(|a| {
            AnalyzerState {
                name: a.name().to_string(),
                arn: a.arn().to_string(),
                analyzer_type: a.r#type().as_str().to_string(),
                status: a.status().as_str().to_string(),
                unused_access_age: a
                    .configuration()
                    .and_then(|c| c.as_unused_access().ok())
                    .and_then(|u| u.unused_access_age()),
                tags: a
                    .tags()
                    .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
                    .unwrap_or_default(),
            }
        }));
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

/// ListArchiveRules of one analyzer, every page: rule name -> normalised filter.
pub async fn archive_rules(
    client: &Client,
    analyzer: &str,
) -> Result<BTreeMap<String, Filter>, AwsError> {
    let mut out = BTreeMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_archive_rules()
            .analyzer_name(analyzer)
            .set_next_token(token.clone())
            .send()
            .await
            .aws(SVC, "ListArchiveRules")?;
        for r in page.archive_rules() {
            out.insert(r.rule_name().to_string(), filter_from_sdk(r.filter()));
        }
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            return Ok(out);
        }
    }
}

fn configuration(unused_access_age: Option<i32>) -> Option<AnalyzerConfiguration> {
    unused_access_age.map(|age| {
        AnalyzerConfiguration::UnusedAccess(
            UnusedAccessConfiguration::builder()
                .unused_access_age(age)
                .build(),
        )
    })
}

/// CreateAnalyzer with its archive rules inline, tagged.
pub async fn create(
    client: &Client,
    name: &str,
    analyzer_type: &str,
    unused_access_age: Option<i32>,
    rules: &BTreeMap<String, Filter>,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let inline: Vec<InlineArchiveRule> = rules
        .iter()
        .filter_map(|(n, f)| {
            InlineArchiveRule::builder()
                .rule_name(n)
                .set_filter(Some(filter_to_sdk(f)))
                .build()
                .ok()
        })
        .collect();
    let out = client
        .create_analyzer()
        .analyzer_name(name)
        .r#type(Type::from(analyzer_type))
        .set_configuration(configuration(unused_access_age))
        .set_archive_rules((!inline.is_empty()).then_some(inline))
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "CreateAnalyzer")?;
    Ok(out.arn().unwrap_or_default().to_string())
}

/// UpdateAnalyzer: the unused access age.
pub async fn update(client: &Client, name: &str, unused_access_age: i32) -> Result<(), AwsError> {
    client
        .update_analyzer()
        .analyzer_name(name)
        .set_configuration(configuration(Some(unused_access_age)))
        .send()
        .await
        .aws(SVC, "UpdateAnalyzer")?;
    Ok(())
}

/// DeleteAnalyzer (only of analyzers whose tags prove this owner created them); "already gone" is success.
pub async fn delete(client: &Client, name: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_analyzer()
            .analyzer_name(name)
            .send()
            .await
            .aws(SVC, "DeleteAnalyzer"),
        &[],
    )
}

/// CreateArchiveRule or UpdateArchiveRule.
pub async fn put_archive_rule(
    client: &Client,
    analyzer: &str,
    rule: &str,
    filter: &Filter,
    exists: bool,
) -> Result<(), AwsError> {
    let f = Some(filter_to_sdk(filter));
    if exists {
        client
            .update_archive_rule()
            .analyzer_name(analyzer)
            .rule_name(rule)
            .set_filter(f)
            .send()
            .await
            .aws(SVC, "UpdateArchiveRule")?;
    } else {
        client
            .create_archive_rule()
            .analyzer_name(analyzer)
            .rule_name(rule)
            .set_filter(f)
            .send()
            .await
            .aws(SVC, "CreateArchiveRule")?;
    }
    Ok(())
}

/// DeleteArchiveRule; "already gone" is success.
pub async fn delete_archive_rule(
    client: &Client,
    analyzer: &str,
    rule: &str,
) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_archive_rule()
            .analyzer_name(analyzer)
            .rule_name(rule)
            .send()
            .await
            .aws(SVC, "DeleteArchiveRule"),
        &[],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // IAM Access Analyzer (every region; unused access analyzers in the home region).
    write(
        SVC,
        "CreateAnalyzer",
        MOTO_EXT,
        &[
            act("access-analyzer:CreateAnalyzer"),
            act("access-analyzer:CreateArchiveRule"),
            act("access-analyzer:TagResource"),
            slr(
                ACCESS_ANALYZER_PRINCIPAL,
                "AWSServiceRoleForAccessAnalyzer",
                &[],
            ),
        ],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    write(
        SVC,
        "CreateArchiveRule",
        MOTO_EXT,
        &[act("access-analyzer:CreateArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    write(
        SVC,
        "DeleteAnalyzer",
        MOTO_EXT,
        &[act("access-analyzer:DeleteAnalyzer")],
        &[
            "AccountBaseline.accessAnalyzer#correct",
            "AccountBaseline.accessAnalyzer#delete",
        ],
    ),
    write(
        SVC,
        "DeleteArchiveRule",
        MOTO_EXT,
        &[act("access-analyzer:DeleteArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    read(
        SVC,
        "ListAnalyzers",
        MOTO_EXT,
        &[act("access-analyzer:ListAnalyzers")],
        &[
            "AccountBaseline.accessAnalyzer",
            "AccountBaseline.accessAnalyzer#delete",
        ],
    ),
    read(
        SVC,
        "ListArchiveRules",
        MOTO_EXT,
        &[act("access-analyzer:ListArchiveRules")],
        &["AccountBaseline.accessAnalyzer"],
    ),
    write(
        SVC,
        "UpdateAnalyzer",
        MOTO_EXT,
        &[act("access-analyzer:UpdateAnalyzer")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
    write(
        SVC,
        "UpdateArchiveRule",
        MOTO_EXT,
        &[act("access-analyzer:UpdateArchiveRule")],
        &["AccountBaseline.accessAnalyzer#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-access-analyzer.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("access-analyzer.amazonaws.com");
