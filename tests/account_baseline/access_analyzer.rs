//! IAM Access Analyzer through aws-smithy-mocks with AWS's documented response shapes (the real SDK still serialises
//! the requests): analyzers created and tagged with inline archive rules, drift reported then corrected with exactly
//! the needed writes, adoption, classified errors, cleanup by ownership. moto 5.2.5 has no Access Analyzer; the last
//! test runs the whole section against moto with `tests/moto_ext/accessanalyzer_ext.py`.

use crate::support::calls::sorted_writes;
use crate::support::objects::prod_baseline;
use aws_baseline_operator::api::account_baseline::AccessAnalyzerSpec;
use aws_baseline_operator::api::common::{ComponentState, DriftAction, Owner, Ownership};
use aws_baseline_operator::aws::{CallStats, ErrorCategory};
use aws_baseline_operator::engine::baseline::access_analyzer::{
    cleanup_with, reconcile_with, Target,
};
use aws_baseline_operator::engine::ComponentOutcome;
use aws_sdk_accessanalyzer::operation::create_analyzer::CreateAnalyzerOutput;
use aws_sdk_accessanalyzer::operation::create_archive_rule::CreateArchiveRuleOutput;
use aws_sdk_accessanalyzer::operation::delete_analyzer::DeleteAnalyzerOutput;
use aws_sdk_accessanalyzer::operation::delete_archive_rule::DeleteArchiveRuleOutput;
use aws_sdk_accessanalyzer::operation::list_analyzers::ListAnalyzersOutput;
use aws_sdk_accessanalyzer::operation::list_archive_rules::ListArchiveRulesOutput;
use aws_sdk_accessanalyzer::operation::update_analyzer::UpdateAnalyzerOutput;
use aws_sdk_accessanalyzer::operation::update_archive_rule::UpdateArchiveRuleOutput;
use aws_sdk_accessanalyzer::types::{
    AnalyzerConfiguration, AnalyzerStatus, AnalyzerSummary, ArchiveRuleSummary, Criterion, Type,
    UnusedAccessConfiguration,
};
use aws_sdk_accessanalyzer::Client as Analyzer;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::DateTime;
use serde_json::json;

const REGION: &str = "us-east-1";

fn spec() -> AccessAnalyzerSpec {
    serde_json::from_value(json!({"analyzers": [
        {"name": "external", "type": "ACCOUNT", "archiveRules": [
            {"name": "trusted-accounts", "filter": {"principal.AWS": {"eq": ["111111111111"]}}},
            {"name": "internal-buckets", "filter": {"resourceType": {"eq": ["AWS::S3::Bucket"]}, "isPublic": {"eq": ["false"]}}}
        ]},
        {"name": "unused", "type": "ACCOUNT_UNUSED_ACCESS", "unusedAccessAge": 60}
    ]}))
    .unwrap()
}

fn target(may_write: bool) -> (Owner, bool) {
    (prod_baseline(), may_write)
}

async fn run(client: &Analyzer, may_write: bool) -> ComponentOutcome {
    let (o, w) = target(may_write);
    let t = Target {
        owner: &o,
        region: REGION,
        home: true,
        may_write: w,
        previous: None,
    };
    reconcile_with(client, &t, &spec()).await
}

fn summary(name: &str, t: Type, age: Option<i32>, ours: bool) -> AnalyzerSummary {
    let mut b = AnalyzerSummary::builder()
        .arn(format!(
            "arn:aws:access-analyzer:{REGION}:123456789012:analyzer/{name}"
        ))
        .name(name)
        .r#type(t)
        .created_at(DateTime::from_secs(1_767_225_600))
        .status(AnalyzerStatus::Active);
    if let Some(age) = age {
        b = b.configuration(AnalyzerConfiguration::UnusedAccess(
            UnusedAccessConfiguration::builder()
                .unused_access_age(age)
                .build(),
        ));
    }
    if ours {
        for (k, v) in prod_baseline().tags() {
            b = b.tags(k, v);
        }
    }
    b.build().unwrap()
}

fn archive_rule(name: &str, attr: &str, eq: &[&str]) -> ArchiveRuleSummary {
    let mut c = Criterion::builder();
    for v in eq {
        c = c.eq(*v);
    }
    ArchiveRuleSummary::builder()
        .rule_name(name)
        .filter(attr, c.build())
        .created_at(DateTime::from_secs(1_767_225_600))
        .updated_at(DateTime::from_secs(1_767_225_600))
        .build()
        .unwrap()
}

fn list(analyzers: Vec<AnalyzerSummary>) -> Rule {
    mock!(Analyzer::list_analyzers).then_output(move || {
        ListAnalyzersOutput::builder()
            .set_analyzers(Some(analyzers.clone()))
            .build()
            .unwrap()
    })
}

fn rules_of(analyzer: &'static str, rules: Vec<ArchiveRuleSummary>) -> Rule {
    mock!(Analyzer::list_archive_rules)
        .match_requests(move |r| r.analyzer_name() == Some(analyzer))
        .then_output(move || {
            ListArchiveRulesOutput::builder()
                .set_archive_rules(Some(rules.clone()))
                .build()
                .unwrap()
        })
}

/// Every write operation, mocked (so an unexpected write is answered and then caught by the call counter).
fn writes() -> Vec<Rule> {
    vec![
        mock!(Analyzer::create_analyzer).then_output(|| {
            CreateAnalyzerOutput::builder()
                .arn("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/x")
                .build()
        }),
        mock!(Analyzer::update_analyzer).then_output(|| UpdateAnalyzerOutput::builder().build()),
        mock!(Analyzer::delete_analyzer).then_output(|| DeleteAnalyzerOutput::builder().build()),
        mock!(Analyzer::create_archive_rule)
            .then_output(|| CreateArchiveRuleOutput::builder().build()),
        mock!(Analyzer::update_archive_rule)
            .then_output(|| UpdateArchiveRuleOutput::builder().build()),
        mock!(Analyzer::delete_archive_rule)
            .then_output(|| DeleteArchiveRuleOutput::builder().build()),
    ]
}

fn client(rules: &[&Rule], stats: &CallStats) -> Analyzer {
    mock_client!(aws_sdk_accessanalyzer, RuleMode::MatchAny, rules, |c| c
        .interceptor(stats.interceptor()))
}

#[tokio::test]
async fn access_analyzers_are_created_tagged_with_inline_archive_rules_then_a_pass_in_sync_writes_nothing(
) {
    let stats = CallStats::default();
    let empty = list(vec![]);
    let create_external = mock!(Analyzer::create_analyzer)
        .match_requests(|r| {
            let rules = r.archive_rules();
            r.analyzer_name() == Some("external")
                && r.r#type() == Some(&Type::Account)
                && r.configuration().is_none()
                && r.tags()
                    .and_then(|t| t.get("awsbaseline.io/owner-uid"))
                    .map(String::as_str)
                    == Some("prod-uid")
                && rules.len() == 2
                && rules.iter().any(|a| {
                    a.rule_name() == "internal-buckets"
                        && a.filter().get("resourceType").map(|c| c.eq().to_vec())
                            == Some(vec!["AWS::S3::Bucket".to_string()])
                        && a.filter().contains_key("isPublic")
                })
        })
        .then_output(|| {
            CreateAnalyzerOutput::builder()
                .arn("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external")
                .build()
        });
    let create_unused = mock!(Analyzer::create_analyzer)
        .match_requests(|r| {
            r.analyzer_name() == Some("unused")
                && r.r#type() == Some(&Type::AccountUnusedAccess)
                && r.archive_rules().is_empty()
                && r.configuration()
                    .and_then(|c| c.as_unused_access().ok())
                    .and_then(|u| u.unused_access_age())
                    == Some(60)
        })
        .then_output(|| {
            CreateAnalyzerOutput::builder()
                .arn("arn:aws:access-analyzer:us-east-1:123456789012:analyzer/unused")
                .build()
        });
    let c = client(&[&empty, &create_external, &create_unused], &stats);
    let first = run(&c, true).await;
    assert!(first.error.is_none(), "{first:#?}");
    let fields: Vec<&str> = first.drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "accessAnalyzer.external.exists",
            "accessAnalyzer.unused.exists"
        ]
    );
    assert_eq!(
        (first.state, first.ownership, first.action),
        (
            ComponentState::Created,
            Ownership::Created,
            DriftAction::Corrected
        )
    );
    assert_eq!(
        (create_external.num_calls(), create_unused.num_calls()),
        (1, 1)
    );
    assert_eq!(sorted_writes(&stats), vec!["AccessAnalyzer:CreateAnalyzer"]);

    // AWS now holds both, tagged, with the rules: one ListAnalyzers and one ListArchiveRules per analyzer, no write.
    let stats = CallStats::default();
    let now = list(vec![
        summary("external", Type::Account, None, true),
        summary("unused", Type::AccountUnusedAccess, Some(60), true),
    ]);
    let ext_rules = rules_of(
        "external",
        vec![
            archive_rule("trusted-accounts", "principal.AWS", &["111111111111"]),
            ArchiveRuleSummary::builder()
                .rule_name("internal-buckets")
                .filter(
                    "resourceType",
                    Criterion::builder().eq("AWS::S3::Bucket").build(),
                )
                .filter("isPublic", Criterion::builder().eq("false").build())
                .created_at(DateTime::from_secs(0))
                .updated_at(DateTime::from_secs(0))
                .build()
                .unwrap(),
        ],
    );
    let unused_rules = rules_of("unused", vec![]);
    let w = writes();
    let mut all: Vec<&Rule> = vec![&now, &ext_rules, &unused_rules];
    all.extend(w.iter());
    let c = client(&all, &stats);
    let second = run(&c, true).await;
    assert_eq!(
        (second.state, second.ownership),
        (ComponentState::InSync, Ownership::Created),
        "{second:#?}"
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.reads(), 3);
}

#[tokio::test]
async fn access_analyzer_drift_is_reported_then_corrected_with_exactly_the_needed_writes() {
    // `external` existed before (adopted, untagged): one rule's filter differs, one rule is missing. `unused` and
    // `legacy` were created by this baseline: the age differs, and `legacy` left the spec. `someone-elses` is not
    // this baseline's and not declared: untouched.
    let observed = || {
        list(vec![
            summary("external", Type::Account, None, false),
            summary("unused", Type::AccountUnusedAccess, Some(30), true),
            summary("legacy", Type::Account, None, true),
            summary("someone-elses", Type::Account, None, false),
        ])
    };
    let ext = || {
        rules_of(
            "external",
            vec![archive_rule(
                "trusted-accounts",
                "principal.AWS",
                &["999999999999"],
            )],
        )
    };
    let unused = || rules_of("unused", vec![]);

    // Report: nothing written, drift with control IDs.
    let stats = CallStats::default();
    let (l, e, u, w) = (observed(), ext(), unused(), writes());
    let mut rules: Vec<&Rule> = vec![&l, &e, &u];
    rules.extend(w.iter());
    let report = run(&client(&rules, &stats), false).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(report.action, DriftAction::Reported);
    assert_eq!(report.ownership, Ownership::Adopted);
    let drift: Vec<(&str, serde_json::Value, serde_json::Value)> = report
        .drift
        .iter()
        .map(|d| (d.field.as_str(), d.desired.clone(), d.actual.clone()))
        .collect();
    assert_eq!(
        drift,
        vec![
            (
                "accessAnalyzer.external.archiveRules.internal-buckets.exists",
                json!(true),
                json!(false)
            ),
            (
                "accessAnalyzer.external.archiveRules.trusted-accounts.filter",
                json!({"principal.AWS": {"eq": ["111111111111"]}}),
                json!({"principal.AWS": {"eq": ["999999999999"]}})
            ),
            ("accessAnalyzer.legacy.exists", json!(false), json!(true)),
            (
                "accessAnalyzer.unused.unusedAccessAge",
                json!(60),
                json!(30)
            ),
        ]
    );
    assert_eq!(
        aws_baseline_operator::baseline::controls::controls_for(&report.drift[0].field),
        vec!["IAM.28", "CIS 1.20"]
    );

    // Correct: exactly these writes, each once.
    let stats = CallStats::default();
    let (l, e, u) = (observed(), ext(), unused());
    let create_rule = mock!(Analyzer::create_archive_rule)
        .match_requests(|r| {
            r.analyzer_name() == Some("external") && r.rule_name() == Some("internal-buckets")
        })
        .then_output(|| CreateArchiveRuleOutput::builder().build());
    let update_rule = mock!(Analyzer::update_archive_rule)
        .match_requests(|r| {
            r.analyzer_name() == Some("external")
                && r.rule_name() == Some("trusted-accounts")
                && r.filter()
                    .and_then(|f| f.get("principal.AWS"))
                    .map(|c| c.eq().to_vec())
                    == Some(vec!["111111111111".to_string()])
        })
        .then_output(|| UpdateArchiveRuleOutput::builder().build());
    let update_age = mock!(Analyzer::update_analyzer)
        .match_requests(|r| {
            r.analyzer_name() == Some("unused")
                && r.configuration()
                    .and_then(|c| c.as_unused_access().ok())
                    .and_then(|u| u.unused_access_age())
                    == Some(60)
        })
        .then_output(|| UpdateAnalyzerOutput::builder().build());
    let delete_legacy = mock!(Analyzer::delete_analyzer)
        .match_requests(|r| r.analyzer_name() == Some("legacy"))
        .then_output(|| DeleteAnalyzerOutput::builder().build());
    let c = client(
        &[
            &l,
            &e,
            &u,
            &create_rule,
            &update_rule,
            &update_age,
            &delete_legacy,
        ],
        &stats,
    );
    let fixed = run(&c, true).await;
    assert!(fixed.error.is_none(), "{fixed:#?}");
    assert_eq!(
        (fixed.state, fixed.action, fixed.remaining_drift()),
        (ComponentState::Corrected, DriftAction::Corrected, 0)
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "AccessAnalyzer:CreateArchiveRule",
            "AccessAnalyzer:DeleteAnalyzer",
            "AccessAnalyzer:UpdateAnalyzer",
            "AccessAnalyzer:UpdateArchiveRule"
        ]
    );
    assert_eq!(
        (
            create_rule.num_calls(),
            update_rule.num_calls(),
            update_age.num_calls(),
            delete_legacy.num_calls()
        ),
        (1, 1, 1, 1)
    );
}

#[tokio::test]
async fn an_adopted_analyzer_of_another_type_is_never_deleted() {
    let stats = CallStats::default();
    let l = list(vec![
        summary("external", Type::Organization, None, false),
        summary("unused", Type::AccountUnusedAccess, Some(60), true),
    ]);
    let (e, u) = (
        rules_of(
            "external",
            vec![
                archive_rule("trusted-accounts", "principal.AWS", &["111111111111"]),
                ArchiveRuleSummary::builder()
                    .rule_name("internal-buckets")
                    .filter("isPublic", Criterion::builder().eq("false").build())
                    .filter(
                        "resourceType",
                        Criterion::builder().eq("AWS::S3::Bucket").build(),
                    )
                    .created_at(DateTime::from_secs(0))
                    .updated_at(DateTime::from_secs(0))
                    .build()
                    .unwrap(),
            ],
        ),
        rules_of("unused", vec![]),
    );
    let w = writes();
    let mut rules: Vec<&Rule> = vec![&l, &e, &u];
    rules.extend(w.iter());
    let o = run(&client(&rules, &stats), true).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        (o.state, o.action),
        (ComponentState::Error, DriftAction::Failed)
    );
    let err = o.error.unwrap();
    assert_eq!(err.category, ErrorCategory::InvalidInput);
    assert!(err.message.contains("external") && err.message.contains("never deleted"));
    assert_eq!(o.drift.len(), 1);
    assert_eq!(o.drift[0].field, "accessAnalyzer.external.type");
}

#[tokio::test]
async fn access_denied_on_list_is_classified_and_nothing_is_written() {
    let stats = CallStats::default();
    let denied = mock!(Analyzer::list_analyzers).then_http_response(|| {
        HttpResponse::new(
            StatusCode::try_from(403).unwrap(),
            SdkBody::from(
                r#"{"message":"User is not authorized to perform: access-analyzer:ListAnalyzers"}"#,
            ),
        )
        .tap_header("x-amzn-errortype", "AccessDeniedException")
    });
    let o = run(&client(&[&denied], &stats), true).await;
    assert_eq!(o.state, ComponentState::Error);
    let err = o.error.unwrap();
    assert_eq!(
        (err.category, err.code.as_deref()),
        (ErrorCategory::AccessDenied, Some("AccessDeniedException"))
    );
    assert!(err
        .to_string()
        .starts_with("accessanalyzer:ListAnalyzers failed (AccessDenied"));
    assert_eq!(stats.writes(), 0);
}

trait TapHeader {
    fn tap_header(self, k: &'static str, v: &'static str) -> Self;
}

impl TapHeader for HttpResponse {
    fn tap_header(mut self, k: &'static str, v: &'static str) -> Self {
        self.headers_mut().insert(k, v);
        self
    }
}

#[tokio::test]
async fn access_analyzer_cleanup_deletes_only_what_this_baseline_created() {
    let stats = CallStats::default();
    let l = list(vec![
        summary("external", Type::Account, None, false),
        summary("unused", Type::AccountUnusedAccess, Some(60), true),
    ]);
    let delete_ours = mock!(Analyzer::delete_analyzer)
        .match_requests(|r| r.analyzer_name() == Some("unused"))
        .then_output(|| DeleteAnalyzerOutput::builder().build());
    let c = client(&[&l, &delete_ours], &stats);
    let r = cleanup_with(&c, &prod_baseline(), REGION).await;
    let actions: Vec<String> = r.into_iter().map(|a| a.unwrap().unwrap()).collect();
    assert_eq!(actions, vec!["deleted Access Analyzer unused in us-east-1"]);
    assert_eq!(sorted_writes(&stats), vec!["AccessAnalyzer:DeleteAnalyzer"]);
}

/// The whole `accessAnalyzer` section against moto with `tests/moto_ext/accessanalyzer_ext.py` (moto 5.2.5 has no
/// Access Analyzer): the external-access analyzer is created in every region with its inline archive rules, the
/// unused-access one in the home region only, both with the owner tags; a
/// second pass writes nothing, an archive rule and the unused-access age changed out of band are reported (Report,
/// no write) and put back (Correct: exactly UpdateAnalyzer and UpdateArchiveRule), and `deletionPolicy: Delete`
/// deletes the analyzers the tags prove the baseline created.
#[tokio::test]
async fn access_analyzers_converge_drift_and_are_deleted_on_moto() {
    use crate::account_baseline::{baseline, components, delete, drift, pass};
    use aws_baseline_operator::api::common::DriftPolicy;

    let moto = crate::support::Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = baseline(
        json!({"deletionPolicy": "Delete", "accessAnalyzer": serde_json::to_value(spec()).unwrap()}),
    );
    let regions = ["eu-west-1", "us-east-1"];

    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    assert_eq!(sorted_writes(&stats), ["AccessAnalyzer:CreateAnalyzer"]);
    assert_eq!(
        stats.count("CreateAnalyzer"),
        3,
        "external in both regions, unused in the home region"
    );
    for region in regions {
        let aa = Analyzer::new(&moto.sdk_config(region).await);
        let listed = aa.list_analyzers().send().await.unwrap();
        let mut names: Vec<(&str, &str)> = listed
            .analyzers()
            .iter()
            .map(|a| (a.name(), a.r#type().as_str()))
            .collect();
        names.sort();
        if region == "eu-west-1" {
            assert_eq!(names, [("external", "ACCOUNT")]);
        } else {
            assert_eq!(
                names,
                [("external", "ACCOUNT"), ("unused", "ACCOUNT_UNUSED_ACCESS")]
            );
        }
        let external = listed
            .analyzers()
            .iter()
            .find(|a| a.name() == "external")
            .unwrap();
        assert!(external
            .tags()
            .unwrap()
            .contains_key("awsbaseline.io/owner-uid"));
        let rules = aa
            .list_archive_rules()
            .analyzer_name("external")
            .send()
            .await
            .unwrap();
        assert_eq!(rules.archive_rules().len(), 2);
        if region == "eu-west-1" {
            continue;
        }
        let unused = listed
            .analyzers()
            .iter()
            .find(|a| a.name() == "unused")
            .unwrap();
        assert_eq!(
            unused
                .configuration()
                .and_then(|c| c.as_unused_access().ok())
                .and_then(|u| u.unused_access_age()),
            Some(60)
        );
        assert!(unused
            .tags()
            .unwrap()
            .contains_key("awsbaseline.io/owner-uid"));
    }

    // In sync: nothing written.
    stats.reset();
    let steady = pass(&factory, &s, DriftPolicy::Correct, &components(&created)).await;
    assert!(steady.error_category().is_none(), "{:#?}", steady.outcomes);
    assert_eq!(drift(&steady), []);
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));

    // Out of band in us-east-1: a rule widened, the unused-access age changed.
    let aa = Analyzer::new(&moto.sdk_config("us-east-1").await);
    aa.update_archive_rule()
        .analyzer_name("external")
        .rule_name("trusted-accounts")
        .filter(
            "principal.AWS",
            Criterion::builder()
                .eq("111111111111")
                .eq("222222222222")
                .build(),
        )
        .send()
        .await
        .unwrap();
    aa.update_analyzer()
        .analyzer_name("unused")
        .configuration(AnalyzerConfiguration::UnusedAccess(
            UnusedAccessConfiguration::builder()
                .unused_access_age(90)
                .build(),
        ))
        .send()
        .await
        .unwrap();
    stats.reset();
    let reported = pass(&factory, &s, DriftPolicy::Report, &components(&steady)).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    let found: Vec<(String, String)> = drift(&reported).into_iter().map(|d| (d.0, d.1)).collect();
    assert_eq!(
        found,
        [
            (
                "us-east-1".to_string(),
                "accessAnalyzer.external.archiveRules.trusted-accounts.filter".to_string()
            ),
            (
                "us-east-1".to_string(),
                "accessAnalyzer.unused.unusedAccessAge".to_string()
            )
        ]
    );
    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &components(&reported)).await;
    assert!(
        corrected.error_category().is_none(),
        "{:#?}",
        corrected.outcomes
    );
    assert_eq!(
        sorted_writes(&stats),
        [
            "AccessAnalyzer:UpdateAnalyzer",
            "AccessAnalyzer:UpdateArchiveRule"
        ]
    );
    stats.reset();
    let again = pass(&factory, &s, DriftPolicy::Correct, &components(&corrected)).await;
    assert_eq!(drift(&again), []);
    assert_eq!(stats.writes(), 0, "{:?}", sorted_writes(&stats));

    // deletionPolicy: Delete removes what the baseline created, in every region.
    stats.reset();
    let report = delete(&factory, &s, &components(&again)).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(stats.count("DeleteAnalyzer"), 3);
    for region in regions {
        let aa = Analyzer::new(&moto.sdk_config(region).await);
        assert!(aa
            .list_analyzers()
            .send()
            .await
            .unwrap()
            .analyzers()
            .is_empty());
    }
}
