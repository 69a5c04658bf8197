//! The Config recorder, delivery channel and rules: convergence, drift reported then corrected, adoption of an
//! existing recorder whatever its name, deletion of what the baseline created; the DAILY recording mode on mocks.

use super::*;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

#[tokio::test]
async fn config_converges_then_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = config_spec();

    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let us: Vec<_> = drift(&report)
        .into_iter()
        .filter(|d| d.0 == "us-east-1")
        .map(|d| d.1)
        .collect();
    assert_eq!(
        us,
        vec![
            "config.deliveryChannel.exists",
            "config.recorder.exists",
            "config.recording",
            "configRules.access-keys.exists",
            "configRules.cloudtrail-enabled.exists"
        ]
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let e = st
        .drift
        .iter()
        .find(|d| d.field == "config.recorder.exists")
        .unwrap();
    assert_eq!(e.controls, vec!["Config.1", "CIS 3.5"]);

    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Config Service:PutConfigRule",
            "Config Service:PutConfigurationRecorder",
            "Config Service:PutDeliveryChannel",
            "Config Service:StartConfigurationRecorder"
        ]
    );
    assert_eq!(stats.count("PutConfigRule"), 4, "two rules in two regions");
    for o in &first.outcomes {
        assert_eq!(o.ownership, Ownership::Created, "{o:?}");
    }
    for region in ["us-east-1", "eu-west-1"] {
        let c = config_client(&moto, region).await;
        let recs = recorders(&c).await;
        assert_eq!(recs.len(), 1);
        assert_eq!(recs[0].name(), Some("default"));
        assert_eq!(
            recs[0].role_arn(),
            Some("arn:aws:iam::123456789012:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig")
        );
        let group = recs[0].recording_group().unwrap();
        assert!(group.all_supported());
        // Global resource types only in the home region.
        assert_eq!(
            group.include_global_resource_types(),
            region == "us-east-1",
            "{region}"
        );
        assert!(recording(&c).await, "{region}");
        let ch = c.describe_delivery_channels().send().await.unwrap();
        let ch = &ch.delivery_channels()[0];
        assert_eq!(
            (ch.s3_bucket_name(), ch.s3_key_prefix()),
            (Some("org-config"), Some("cfg"))
        );
        assert_eq!(
            rule_names(&c).await,
            vec!["sections-access-keys", "sections-cloudtrail-enabled"]
        );
    }
    let c = config_client(&moto, "us-east-1").await;
    let arn = c
        .describe_config_rules()
        .config_rule_names("sections-access-keys")
        .send()
        .await
        .unwrap()
        .config_rules()[0]
        .config_rule_arn()
        .unwrap()
        .to_string();
    let tags = c
        .list_tags_for_resource()
        .resource_arn(arn)
        .send()
        .await
        .unwrap();
    assert!(tags.tags().iter().any(
        |t| t.key() == Some("awsbaseline.io/owner-uid") && t.value() == Some("sections-uid-1")
    ));

    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created),
        "{:#?}",
        second.outcomes
    );
    // Per region: recorders, recorder status, channels, rules, the rules' remediations (one request for up to 25
    // rules); no tag reads in sync, and no GetCallerIdentity (the session remembers the verified account).
    assert_eq!(stats.reads(), 2 * 5, "{:?}", stats.snapshot());
    assert_eq!(stats.count("DescribeRemediationConfigurations"), 2);
    assert_eq!(stats.count("ListTagsForResource"), 0);
}

#[tokio::test]
async fn config_out_of_band_drift_is_reported_then_corrected_with_exactly_the_needed_writes() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = config_spec();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let prev = components(&created);

    let eu = config_client(&moto, "eu-west-1").await;
    eu.stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    eu.put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("default")
                .s3_bucket_name("someone-elses-bucket")
                .s3_key_prefix("cfg")
                .build(),
        )
        .send()
        .await
        .unwrap();
    eu.put_config_rule()
        .config_rule(
            aws_sdk_config::types::ConfigRule::builder()
                .config_rule_name("sections-access-keys")
                .source(
                    aws_sdk_config::types::Source::builder()
                        .owner(aws_sdk_config::types::Owner::Aws)
                        .source_identifier("ACCESS_KEYS_ROTATED")
                        .build()
                        .unwrap(),
                )
                .input_parameters(r#"{"maxAccessKeyAge":"365"}"#)
                .build(),
        )
        // AWS keeps a rule's tags when PutConfigRule updates it; moto replaces them with the request's, so the
        // tampering request carries them to behave like AWS.
        .set_tags(Some(
            owner()
                .tags()
                .into_iter()
                .map(|(k, v)| {
                    aws_sdk_config::types::Tag::builder()
                        .key(k)
                        .value(v)
                        .build()
                })
                .collect(),
        ))
        .send()
        .await
        .unwrap();
    // A rule with the baseline's name prefix that it did not create: never touched.
    eu.put_config_rule()
        .config_rule(
            aws_sdk_config::types::ConfigRule::builder()
                .config_rule_name("sections-handmade")
                .source(
                    aws_sdk_config::types::Source::builder()
                        .owner(aws_sdk_config::types::Owner::Aws)
                        .source_identifier("IAM_ROOT_ACCESS_KEY_CHECK")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();

    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![
            (
                "eu-west-1".to_string(),
                "config.deliveryChannel.s3BucketName".to_string(),
                json!("org-config"),
                json!("someone-elses-bucket"),
                DriftAction::Reported
            ),
            (
                "eu-west-1".to_string(),
                "config.deliveryChannel.snapshotDeliveryFrequency".to_string(),
                json!("Six_Hours"),
                Value::Null,
                DriftAction::Reported
            ),
            (
                "eu-west-1".to_string(),
                "config.recording".to_string(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
            (
                "eu-west-1".to_string(),
                "configRules.access-keys.inputParameters".to_string(),
                json!({"maxAccessKeyAge": "90"}),
                json!({"maxAccessKeyAge": "365"}),
                DriftAction::Reported
            ),
        ]
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:05:00Z"));
    assert!(st
        .drift
        .iter()
        .filter(|d| d.component == "config")
        .all(|d| d.controls == vec!["Config.1", "CIS 3.5"]));
    assert!(!recording(&eu).await);
    // The foreign rule's tags were read once (to prove it is not ours).
    assert_eq!(stats.count("ListTagsForResource"), 1);

    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(corrected.remaining_drift(), 0, "{:#?}", corrected.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Config Service:PutConfigRule",
            "Config Service:PutDeliveryChannel",
            "Config Service:StartConfigurationRecorder"
        ]
    );
    assert_eq!(stats.count("PutConfigRule"), 1);
    assert!(recording(&eu).await);

    // A rule leaves the spec: deleted (its tags prove ownership); the foreign one stays. (The rule corrected above
    // is not the one removed: moto's PutConfigRule drops a rule's tags on update, AWS keeps them.)
    let mut fewer = s.clone();
    fewer
        .config
        .as_mut()
        .unwrap()
        .rules
        .retain(|r| r.name != "cloudtrail-enabled");
    stats.reset();
    let r = pass(&factory, &fewer, DriftPolicy::Correct, &prev).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Config Service:DeleteConfigRule"]
    );
    assert_eq!(stats.count("DeleteConfigRule"), 2, "one per region");
    assert_eq!(
        rule_names(&eu).await,
        vec!["sections-access-keys", "sections-handmade"]
    );
    stats.reset();
    pass(&factory, &fewer, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn an_existing_config_recorder_is_adopted_whatever_its_name_and_only_stopped_on_deletion() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let us = config_client(&moto, "us-east-1").await;
    us.put_configuration_recorder()
        .configuration_recorder(
            aws_sdk_config::types::ConfigurationRecorder::builder()
                .name("corp-recorder")
                .role_arn("arn:aws:iam::123456789012:role/corp-config")
                .recording_group(
                    aws_sdk_config::types::RecordingGroup::builder()
                        .all_supported(true)
                        .include_global_resource_types(false)
                        .build(),
                )
                .build(),
        )
        .send()
        .await
        .unwrap();
    us.put_delivery_channel()
        .delivery_channel(
            aws_sdk_config::types::DeliveryChannel::builder()
                .name("corp-channel")
                .s3_bucket_name("org-config")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let mut s = baseline(json!({
        "regions": ["us-east-1"],
        "deletionPolicy": "Delete",
        "config": {
            "recorder": {"roleArn": "arn:aws:iam::123456789012:role/corp-config"},
            "deliveryChannel": {"s3BucketName": "org-config"}
        }
    }));
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    let o = r.outcomes.iter().find(|o| o.component == "config").unwrap();
    assert_eq!(
        (o.ownership, o.state, o.id.as_deref()),
        (
            Ownership::Adopted,
            ComponentState::Corrected,
            Some("corp-recorder")
        )
    );
    assert!(o.message.as_deref().unwrap().contains("adopted"));
    let fields: Vec<&str> = o.drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "config.recorder.includeGlobalResourceTypes",
            "config.recording"
        ]
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Config Service:PutConfigurationRecorder",
            "Config Service:StartConfigurationRecorder"
        ]
    );
    let recs = recorders(&us).await;
    assert_eq!(recs.len(), 1);
    assert_eq!(recs[0].name(), Some("corp-recorder"));
    assert!(recs[0]
        .recording_group()
        .unwrap()
        .include_global_resource_types());
    let prev = components(&r);

    // Retain: nothing. Delete: the adopted recorder is stopped, never deleted; its channel stays.
    let report = retain_then_delete(&factory, &stats, &mut s, &prev).await;
    assert_eq!(
        sorted_writes(&stats),
        vec!["Config Service:StopConfigurationRecorder"]
    );
    assert!(
        report
            .actions
            .iter()
            .any(|a| a
                == "stopped adopted Config recorder corp-recorder in us-east-1 (never deleted)")
    );
    assert_eq!(recorders(&us).await.len(), 1);
    assert!(!recording(&us).await);
    assert_eq!(
        us.describe_delivery_channels()
            .send()
            .await
            .unwrap()
            .delivery_channels()
            .len(),
        1
    );
}

#[tokio::test]
async fn a_created_config_recorder_is_deleted_with_its_channel_and_rules() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let s = config_spec();
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    let prev = components(&r);
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    for region in ["us-east-1", "eu-west-1"] {
        let c = config_client(&moto, region).await;
        assert!(recorders(&c).await.is_empty(), "{region}");
        assert!(rule_names(&c).await.is_empty(), "{region}");
        assert!(c
            .describe_delivery_channels()
            .send()
            .await
            .unwrap()
            .delivery_channels()
            .is_empty());
    }
    assert!(report
        .actions
        .iter()
        .any(|a| a == "deleted Config recorder default and its delivery channel in eu-west-1"));
    assert_eq!(
        report
            .actions
            .iter()
            .filter(|a| a.starts_with("deleted Config rule"))
            .count(),
        4
    );
}

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
