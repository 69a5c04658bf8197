//! AccountBaseline sections, and failure modes, that moto cannot serve, tested with aws-smithy-mocks and AWS's
//! documented response shapes (the real SDK still serialises the requests): IAM Access Analyzer (moto has none),
//! AWS Config's DAILY recording mode (moto drops `recordingMode`), Inspector2 per-account failures.

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

fn owner() -> Owner {
    Owner {
        kind: "AccountBaseline".into(),
        name: "prod".into(),
        uid: "prod-uid".into(),
    }
}

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
    (owner(), may_write)
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
        for (k, v) in owner().tags() {
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

fn sorted_writes(stats: &CallStats) -> Vec<String> {
    let mut w = stats.write_operations();
    w.sort();
    w
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
    let r = cleanup_with(&c, &owner(), REGION).await;
    let actions: Vec<String> = r.into_iter().map(|a| a.unwrap().unwrap()).collect();
    assert_eq!(actions, vec!["deleted Access Analyzer unused in us-east-1"]);
    assert_eq!(sorted_writes(&stats), vec!["AccessAnalyzer:DeleteAnalyzer"]);
}

// ---------------------------------------------------------------------------------------------------------------
// AWS Config: the DAILY recording mode (moto ignores `recordingMode`, so only AWS's shape can show it).

#[tokio::test]
async fn config_daily_recording_mode_is_read_and_written() {
    use aws_baseline_operator::aws::config::{observe_recorder, put_recorder, RecorderConfig};
    use aws_sdk_config::operation::describe_configuration_recorder_status::DescribeConfigurationRecorderStatusOutput;
    use aws_sdk_config::operation::describe_configuration_recorders::DescribeConfigurationRecordersOutput;
    use aws_sdk_config::operation::put_configuration_recorder::PutConfigurationRecorderOutput;
    use aws_sdk_config::types::{
        ConfigurationRecorder, ConfigurationRecorderStatus, RecordingFrequency, RecordingGroup,
        RecordingMode, RecordingModeOverride, ResourceType,
    };
    use aws_sdk_config::Client as Config;

    let describe = mock!(Config::describe_configuration_recorders).then_output(|| {
        DescribeConfigurationRecordersOutput::builder()
            .configuration_recorders(
                ConfigurationRecorder::builder()
                    .name("default")
                    .role_arn("arn:aws:iam::123456789012:role/config")
                    .recording_group(RecordingGroup::builder().all_supported(true).build())
                    .recording_mode(
                        RecordingMode::builder()
                            .recording_frequency(RecordingFrequency::Daily)
                            .recording_mode_overrides(
                                RecordingModeOverride::builder()
                                    .resource_types(ResourceType::Instance)
                                    .recording_frequency(RecordingFrequency::Continuous)
                                    .build()
                                    .unwrap(),
                            )
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            // A service-linked recorder (another service's) is never the account's recorder.
            .configuration_recorders(
                ConfigurationRecorder::builder()
                    .name("AWSConfigurationRecorderForSecurityHub")
                    .service_principal("securityhub.amazonaws.com")
                    .build(),
            )
            .build()
    });
    let status = mock!(Config::describe_configuration_recorder_status)
        .match_requests(|r| r.configuration_recorder_names() == ["default"])
        .then_output(|| {
            DescribeConfigurationRecorderStatusOutput::builder()
                .configuration_recorders_status(
                    ConfigurationRecorderStatus::builder()
                        .name("default")
                        .recording(true)
                        .build(),
                )
                .build()
        });
    let put = mock!(Config::put_configuration_recorder)
        .match_requests(|r| {
            let rec = r.configuration_recorder().unwrap();
            rec.name() == Some("default")
                && rec.recording_mode().map(|m| m.recording_frequency())
                    == Some(&RecordingFrequency::Continuous)
                && rec
                    .recording_mode()
                    .is_some_and(|m| m.recording_mode_overrides().is_empty())
                && rec
                    .recording_group()
                    .is_some_and(|g| g.all_supported() && g.include_global_resource_types())
        })
        .then_output(|| PutConfigurationRecorderOutput::builder().build());
    let c = mock_client!(
        aws_sdk_config,
        RuleMode::MatchAny,
        &[&describe, &status, &put]
    );
    let r = observe_recorder(&c).await.unwrap().unwrap();
    assert_eq!(
        (
            r.name.as_str(),
            r.recording_frequency.as_str(),
            r.recording_mode_overrides,
            r.recording
        ),
        ("default", "DAILY", 1, true)
    );
    put_recorder(
        &c,
        &RecorderConfig {
            name: "default".into(),
            role_arn: "arn:aws:iam::123456789012:role/config".into(),
            include_global_resource_types: true,
            excluded_resource_types: vec![],
            recording_frequency: "CONTINUOUS".into(),
        },
    )
    .await
    .unwrap();
    assert_eq!(put.num_calls(), 1);
}

// ---------------------------------------------------------------------------------------------------------------
// Inspector2: per-account failures come back in `failedAccounts` of a 200 reply (moto never returns any).

#[tokio::test]
async fn inspector_failed_accounts_are_classified() {
    use aws_baseline_operator::aws::inspector2;
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    use aws_sdk_inspector2::operation::enable::EnableOutput;
    use aws_sdk_inspector2::types::{ErrorCode, FailedAccount};
    use aws_sdk_inspector2::Client as Inspector;

    let status = mock!(Inspector::batch_get_account_status).then_output(|| {
        BatchGetAccountStatusOutput::builder()
            .set_accounts(Some(vec![]))
            .failed_accounts(
                FailedAccount::builder()
                    .account_id("123456789012")
                    .error_code(ErrorCode::AccessDenied)
                    .error_message("not authorized")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let enable = mock!(Inspector::enable).then_output(|| {
        EnableOutput::builder()
            .set_accounts(Some(vec![]))
            .failed_accounts(
                FailedAccount::builder()
                    .account_id("123456789012")
                    .error_code(ErrorCode::EnableInProgress)
                    .error_message("enable in progress")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let c = mock_client!(aws_sdk_inspector2, RuleMode::MatchAny, &[&status, &enable]);
    let err = inspector2::status(&c, "123456789012").await.unwrap_err();
    assert_eq!(
        (err.category, err.code.as_deref()),
        (ErrorCategory::AccessDenied, Some("ACCESS_DENIED"))
    );
    let err = inspector2::enable(&c, "123456789012", &["EC2".into()])
        .await
        .unwrap_err();
    assert_eq!(err.category, ErrorCategory::Transient);
    assert!(err.category.is_retryable());
}

// ---------------------------------------------------------------------------------------------------------------
// AWS Config remediation (moto lacks Describe/PutRemediationConfigurations).

#[tokio::test]
async fn config_remediation_is_read_and_put_in_one_request() {
    use aws_baseline_operator::aws::config::{put_remediations, remediations, Remediation};
    use aws_sdk_config::operation::describe_remediation_configurations::DescribeRemediationConfigurationsOutput;
    use aws_sdk_config::operation::put_remediation_configurations::PutRemediationConfigurationsOutput;
    use aws_sdk_config::types::{
        FailedRemediationBatch, RemediationConfiguration, RemediationParameterValue,
        RemediationTargetType, ResourceValue, ResourceValueType, StaticValue,
    };
    use aws_sdk_config::Client as Config;
    use std::collections::BTreeMap;

    let role = "arn:aws:iam::123456789012:role/remediation";
    let describe = mock!(Config::describe_remediation_configurations)
        .match_requests(|r| r.config_rule_names() == ["prod-cloudtrail-enabled"])
        .then_output(move || {
            DescribeRemediationConfigurationsOutput::builder()
                .remediation_configurations(
                    RemediationConfiguration::builder()
                        .config_rule_name("prod-cloudtrail-enabled")
                        .target_type(RemediationTargetType::SsmDocument)
                        .target_id("AWS-ConfigureCloudTrailLogging")
                        .automatic(true)
                        .maximum_automatic_attempts(5)
                        .retry_attempt_seconds(60)
                        .parameters(
                            "TrailName",
                            RemediationParameterValue::builder()
                                .resource_value(
                                    ResourceValue::builder()
                                        .value(ResourceValueType::ResourceId)
                                        .build()
                                        .unwrap(),
                                )
                                .build(),
                        )
                        .parameters(
                            "AutomationAssumeRole",
                            RemediationParameterValue::builder()
                                .static_value(StaticValue::builder().values(role).build().unwrap())
                                .build(),
                        )
                        .build()
                        .unwrap(),
                )
                .build()
        });
    let put = mock!(Config::put_remediation_configurations)
        .match_requests(move |r| {
            let items = r.remediation_configurations();
            items.len() == 2
                && items
                    .iter()
                    .all(|i| i.target_type() == &RemediationTargetType::SsmDocument)
                && items.iter().any(|i| {
                    i.config_rule_name() == "prod-cloudtrail-enabled"
                        && i.parameters().is_some_and(|p| {
                            p["TrailName"].resource_value().map(|v| v.value())
                                == Some(&ResourceValueType::ResourceId)
                                && p["AutomationAssumeRole"]
                                    .static_value()
                                    .map(|v| v.values().to_vec())
                                    == Some(vec![role.to_string()])
                        })
                        && i.maximum_automatic_attempts() == Some(3)
                })
        })
        .then_output(|| PutRemediationConfigurationsOutput::builder().build());
    let c = mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&describe, &put]);
    let got = remediations(&c, &["prod-cloudtrail-enabled".to_string()])
        .await
        .unwrap();
    let want = Remediation {
        rule: "prod-cloudtrail-enabled".into(),
        document_name: "AWS-ConfigureCloudTrailLogging".into(),
        document_version: None,
        automatic: true,
        maximum_automatic_attempts: Some(5),
        retry_attempt_seconds: Some(60),
        resource_id_parameter: Some("TrailName".into()),
        parameters: BTreeMap::from([("AutomationAssumeRole".to_string(), vec![role.to_string()])]),
    };
    assert_eq!(
        got,
        BTreeMap::from([("prod-cloudtrail-enabled".to_string(), want.clone())])
    );
    let mut changed = want.clone();
    changed.maximum_automatic_attempts = Some(3);
    let other = Remediation {
        rule: "prod-root-keys".into(),
        document_name: "AWSConfigRemediation-DeleteRootAccessKeys".into(),
        automatic: false,
        ..Default::default()
    };
    put_remediations(&c, &[changed, other.clone()])
        .await
        .unwrap();
    assert_eq!(put.num_calls(), 1);

    // A failed batch in a 200 reply is an error naming the rule.
    let failing = mock!(Config::put_remediation_configurations).then_output(|| {
        PutRemediationConfigurationsOutput::builder()
            .failed_batches(
                FailedRemediationBatch::builder()
                    .failure_message("Document AWSConfigRemediation-DeleteRootAccessKeys not found")
                    .failed_items(
                        RemediationConfiguration::builder()
                            .config_rule_name("prod-root-keys")
                            .target_type(RemediationTargetType::SsmDocument)
                            .target_id("AWSConfigRemediation-DeleteRootAccessKeys")
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .build()
    });
    let c = mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&failing]);
    let err = put_remediations(&c, &[other]).await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::InvalidInput);
    assert!(err.message.contains("prod-root-keys"), "{err}");
}

/// AWS refuses to delete a rule that has a remediation (`ResourceInUseException`): the remediation goes first.
#[tokio::test]
async fn a_config_rule_with_a_remediation_is_deleted_after_its_remediation() {
    use aws_baseline_operator::aws::config::delete_rule;
    use aws_sdk_config::operation::delete_config_rule::DeleteConfigRuleOutput;
    use aws_sdk_config::operation::delete_remediation_configuration::DeleteRemediationConfigurationOutput;
    use aws_sdk_config::Client as Config;

    let in_use = || {
        HttpResponse::new(
            StatusCode::try_from(400).unwrap(),
            SdkBody::from(
                r#"{"__type":"ResourceInUseException","message":"A remediation action is associated with the rule"}"#,
            ),
        )
    };
    let delete = mock!(Config::delete_config_rule)
        .match_requests(|r| r.config_rule_name() == Some("prod-ct"))
        .sequence()
        .http_response(in_use)
        .output(|| DeleteConfigRuleOutput::builder().build())
        .build();
    let remediation = mock!(Config::delete_remediation_configuration)
        .match_requests(|r| r.config_rule_name() == Some("prod-ct"))
        .then_output(|| DeleteRemediationConfigurationOutput::builder().build());
    let c = mock_client!(aws_sdk_config, RuleMode::MatchAny, &[&delete, &remediation]);
    delete_rule(&c, "prod-ct").await.unwrap();
    assert_eq!((delete.num_calls(), remediation.num_calls()), (2, 1));
}
