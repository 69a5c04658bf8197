//! Config remediation configurations: read and put in one request, deleted before their rule (mocks), and a
//! remediation removed from the spec is deleted while its rule is kept (moto with the Config extension).

use super::*;
use aws_baseline_operator::aws::ErrorCategory;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

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

#[tokio::test]
async fn a_remediation_removed_from_the_spec_is_deleted_and_its_rule_kept() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let with = baseline(json!({
        "regions": ["us-east-1"],
        "config": {
            "deliveryChannel": {"s3BucketName": "cfg-logs"},
            "rules": [{"name": "ct", "sourceIdentifier": "CLOUD_TRAIL_ENABLED",
                       "remediation": {"documentName": "AWS-ConfigureCloudTrailLogging", "resourceIdParameter": "TrailName",
                                       "automatic": true, "maximumAutomaticAttempts": 3, "retryAttemptSeconds": 600}}]
        }
    }));
    let first = pass(&factory, &with, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(stats.count("PutRemediationConfigurations"), 1);
    stats.reset();
    let prev = components(&first);
    pass(&factory, &with, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    let mut without = with.clone();
    without.config.as_mut().unwrap().rules[0].remediation = None;
    stats.reset();
    let report = pass(&factory, &without, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0);
    assert_eq!(
        drift(&report).into_iter().map(|d| d.1).collect::<Vec<_>>(),
        vec!["configRules.ct.remediation.exists"]
    );
    let fixed = pass(&factory, &without, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Config Service:DeleteRemediationConfiguration"]
    );
    let c = config_client(&moto, "us-east-1").await;
    let left = c
        .describe_remediation_configurations()
        .config_rule_names("sections-ct")
        .send()
        .await
        .unwrap();
    assert!(left.remediation_configurations().is_empty());
    assert_eq!(rule_names(&c).await, vec!["sections-ct"]);
    stats.reset();
    pass(
        &factory,
        &without,
        DriftPolicy::Correct,
        &components(&fixed),
    )
    .await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}
