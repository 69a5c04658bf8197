//! AccountBaseline sections beyond the foundation (Inspector, AWS Config, VPC flow logs, Session Manager) against
//! moto's server with the real aws-sdk-rust clients: convergence, zero writes in sync, Report never writes, out-of-band drift
//! with control IDs, exactly the needed writes under Correct, adoption and deletion by ownership.

use crate::support;

use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{
    ComponentState, ComponentStatus, DeletionPolicy, DriftAction, DriftPolicy, Owner, Ownership,
};
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::engine::baseline::{cleanup, run, BaselineInput};
use aws_baseline_operator::engine::status::baseline_status;
use aws_baseline_operator::engine::CleanupReport;
use aws_baseline_operator::engine::PassReport;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::{json, Value};
use support::{account, Moto, ACCOUNT};

pub(crate) fn owner() -> Owner {
    Owner {
        kind: "AccountBaseline".into(),
        name: "sections".into(),
        uid: "sections-uid-1".into(),
    }
}

fn t(s: &str) -> Time {
    Time(s.parse().unwrap())
}

pub(crate) fn baseline(v: Value) -> AccountBaselineSpec {
    let mut base =
        json!({"accountRef": {"name": "sandbox"}, "regions": ["us-east-1", "eu-west-1"]});
    base.as_object_mut()
        .unwrap()
        .extend(v.as_object().unwrap().clone());
    serde_json::from_value(base).unwrap()
}

pub(crate) async fn pass(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    mode: DriftPolicy,
    previous: &[ComponentStatus],
) -> PassReport {
    let acct = account(&[]);
    let input = BaselineInput {
        spec,
        account: &acct,
        owner: owner(),
        previous,
        mode,
    };
    run(factory, &input).await
}

pub(crate) async fn delete(
    factory: &AwsFactory,
    spec: &AccountBaselineSpec,
    previous: &[ComponentStatus],
) -> CleanupReport {
    let acct = account(&[]);
    let input = BaselineInput {
        spec,
        account: &acct,
        owner: owner(),
        previous,
        mode: DriftPolicy::Correct,
    };
    cleanup(factory, &input).await.unwrap()
}

pub(crate) fn components(r: &PassReport) -> Vec<ComponentStatus> {
    baseline_status(None, r, Some(1), &t("2026-01-01T00:00:00Z")).components
}

/// (region, field, desired, actual, action) of every drift in the pass.
pub(crate) fn drift(r: &PassReport) -> Vec<(String, String, Value, Value, DriftAction)> {
    let mut out: Vec<_> = r
        .outcomes
        .iter()
        .flat_map(|o| {
            o.drift.iter().map(move |d| {
                (
                    o.region.clone(),
                    d.field.clone(),
                    d.desired.clone(),
                    d.actual.clone(),
                    o.action,
                )
            })
        })
        .collect();
    out.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    out
}

pub(crate) fn sorted_writes(stats: &aws_baseline_operator::aws::CallStats) -> Vec<String> {
    let mut w = stats.write_operations();
    w.sort();
    w
}

// ---------------------------------------------------------------------------------------------------------------
// Inspector

async fn inspector_status(moto: &Moto, region: &str) -> Value {
    let c = aws_sdk_inspector2::Client::new(&moto.sdk_config(region).await);
    let out = c
        .batch_get_account_status()
        .account_ids(ACCOUNT)
        .send()
        .await
        .unwrap();
    let Some(a) = out.accounts().first() else {
        return json!({});
    };
    let r = a.resource_state().unwrap();
    let s =
        |x: Option<&aws_sdk_inspector2::types::State>| x.map(|s| s.status().as_str().to_string());
    json!({"EC2": s(r.ec2()), "ECR": s(r.ecr()), "LAMBDA": s(r.lambda()), "LAMBDA_CODE": s(r.lambda_code())})
}

fn inspector_spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "inspector": {"scanTypes": {"ec2": true, "ecr": true, "lambda": true, "lambdaCode": false}}
    }))
}

#[tokio::test]
async fn inspector_converges_then_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = inspector_spec();

    // Report first: nothing enabled yet, every enabled scan type is drift, nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let d = drift(&report);
    assert_eq!(d.len(), 6, "{d:#?}");
    assert!(d.contains(&(
        "eu-west-1".into(),
        "inspector.scanTypes.ECR".into(),
        json!("ENABLED"),
        json!("DISABLED"),
        DriftAction::Reported
    )));
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let entry = st
        .drift
        .iter()
        .find(|e| e.field == "inspector.scanTypes.LAMBDA" && e.region == "us-east-1")
        .unwrap();
    assert_eq!(entry.controls, vec!["Inspector.4"]);
    assert!(report
        .outcomes
        .iter()
        .all(|o| o.ownership == Ownership::None));

    // Correct: one Enable per region with the three scan types.
    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Inspector2:Enable"],
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(stats.count("Enable"), 2);
    for o in &first.outcomes {
        assert_eq!(
            (o.state, o.ownership, o.id.as_deref()),
            (ComponentState::Corrected, Ownership::Created, Some(ACCOUNT))
        );
    }
    for region in ["us-east-1", "eu-west-1"] {
        assert_eq!(
            inspector_status(&moto, region).await,
            json!({"EC2": "ENABLED", "ECR": "ENABLED", "LAMBDA": "ENABLED", "LAMBDA_CODE": "DISABLED"}),
            "{region}"
        );
    }

    // In sync: zero writes, one read per region.
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("BatchGetAccountStatus"), 2);
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created),
        "{:#?}",
        second.outcomes
    );
    println!(
        "inspector in-sync pass (2 regions): {} reads {:?}",
        stats.reads(),
        stats.snapshot()
    );
}

#[tokio::test]
async fn inspector_out_of_band_drift_is_reported_then_corrected_with_exactly_the_needed_writes() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = inspector_spec();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let prev = components(&created);

    // Someone turns ECR scanning off and Lambda code scanning on in eu-west-1.
    let eu = aws_sdk_inspector2::Client::new(&moto.sdk_config("eu-west-1").await);
    eu.disable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
        .send()
        .await
        .unwrap();
    eu.enable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::LambdaCode)
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
                "inspector.scanTypes.ECR".to_string(),
                json!("ENABLED"),
                json!("DISABLED"),
                DriftAction::Reported
            ),
            (
                "eu-west-1".to_string(),
                "inspector.scanTypes.LAMBDA_CODE".to_string(),
                json!("DISABLED"),
                json!("ENABLED"),
                DriftAction::Reported
            ),
        ]
    );
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:05:00Z"));
    let controls: Vec<(&str, Vec<String>)> = st
        .drift
        .iter()
        .map(|d| (d.field.as_str(), d.controls.clone()))
        .collect();
    assert_eq!(
        controls,
        vec![
            ("inspector.scanTypes.ECR", vec!["Inspector.2".to_string()]),
            (
                "inspector.scanTypes.LAMBDA_CODE",
                vec!["Inspector.3".to_string()]
            )
        ]
    );
    let eu_status = st
        .components
        .iter()
        .find(|c| c.region == "eu-west-1")
        .unwrap();
    assert_eq!(
        (eu_status.state, eu_status.drifted_fields),
        (ComponentState::Drifted, 2)
    );
    assert_eq!(
        st.components
            .iter()
            .find(|c| c.region == "us-east-1")
            .unwrap()
            .state,
        ComponentState::InSync
    );

    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(corrected.remaining_drift(), 0);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Inspector2:Disable", "Inspector2:Enable"]
    );
    assert_eq!((stats.count("Enable"), stats.count("Disable")), (1, 1));
    assert_eq!(
        inspector_status(&moto, "eu-west-1").await,
        json!({"EC2": "ENABLED", "ECR": "ENABLED", "LAMBDA": "ENABLED", "LAMBDA_CODE": "DISABLED"})
    );
    stats.reset();
    pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn inspector_enabled_before_is_adopted_and_kept_on_deletion() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    // eu-west-1 already scans EC2 before the operator.
    aws_sdk_inspector2::Client::new(&moto.sdk_config("eu-west-1").await)
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ec2)
        .send()
        .await
        .unwrap();
    let mut s = inspector_spec();
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let own: Vec<(&str, Ownership)> = r
        .outcomes
        .iter()
        .map(|o| (o.region.as_str(), o.ownership))
        .collect();
    assert_eq!(
        own,
        vec![
            ("us-east-1", Ownership::Created),
            ("eu-west-1", Ownership::Adopted)
        ]
    );
    let prev = components(&r);

    // Retain: nothing is read or written.
    s.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    delete(&factory, &s, &prev).await;
    assert_eq!((stats.reads(), stats.writes()), (0, 0));

    // Delete: the region the operator turned on is turned off again; the adopted one is kept.
    s.deletion_policy = DeletionPolicy::Delete;
    stats.reset();
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(stats.count("Disable"), 1, "{:?}", stats.snapshot());
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == "disabled Amazon Inspector EC2, ECR, LAMBDA scanning in us-east-1"),
        "{:?}",
        report.actions
    );
    assert!(report
        .actions
        .iter()
        .any(|a| a.contains("kept Amazon Inspector in eu-west-1")));
    assert_eq!(
        inspector_status(&moto, "us-east-1").await["EC2"],
        json!("DISABLED")
    );
    assert_eq!(
        inspector_status(&moto, "eu-west-1").await["ECR"],
        json!("ENABLED")
    );
}

// ---------------------------------------------------------------------------------------------------------------
// AWS Config

fn config_spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "config": {
            "deliveryChannel": {"s3BucketName": "org-config", "s3KeyPrefix": "cfg", "snapshotDeliveryFrequency": "Six_Hours"},
            "rules": [
                {"name": "cloudtrail-enabled", "sourceIdentifier": "CLOUD_TRAIL_ENABLED"},
                {"name": "access-keys", "sourceIdentifier": "ACCESS_KEYS_ROTATED", "inputParameters": {"maxAccessKeyAge": "90"}}
            ]
        }
    }))
}

async fn config_client(moto: &Moto, region: &str) -> aws_sdk_config::Client {
    aws_sdk_config::Client::new(&moto.sdk_config(region).await)
}

async fn recorders(
    c: &aws_sdk_config::Client,
) -> Vec<aws_sdk_config::types::ConfigurationRecorder> {
    c.describe_configuration_recorders()
        .send()
        .await
        .unwrap()
        .configuration_recorders()
        .to_vec()
}

async fn recording(c: &aws_sdk_config::Client) -> bool {
    c.describe_configuration_recorder_status()
        .send()
        .await
        .unwrap()
        .configuration_recorders_status()
        .iter()
        .any(|s| s.recording())
}

async fn rule_names(c: &aws_sdk_config::Client) -> Vec<String> {
    let mut n: Vec<String> = c
        .describe_config_rules()
        .send()
        .await
        .unwrap()
        .config_rules()
        .iter()
        .filter_map(|r| r.config_rule_name().map(str::to_string))
        .collect();
    n.sort();
    n
}

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
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
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
    // rules); no tag reads in sync.
    assert_eq!(stats.reads(), 2 * 5 + 1, "{:?}", stats.snapshot());
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
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:05:00Z"));
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

    // Retain: nothing.
    s.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    delete(&factory, &s, &prev).await;
    assert_eq!((stats.reads(), stats.writes()), (0, 0));

    // Delete: the adopted recorder is stopped, never deleted; its channel stays.
    s.deletion_policy = DeletionPolicy::Delete;
    stats.reset();
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
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

// ---------------------------------------------------------------------------------------------------------------
// VPC flow logs

const FLOW_ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

fn flow_spec(extra: Value) -> AccountBaselineSpec {
    let mut fl = json!({"cloudWatchLogs": {"logGroupName": "/org/vpc-flow", "deliverLogsPermissionArn": FLOW_ROLE}});
    fl.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    baseline(json!({"deletionPolicy": "Delete", "vpcFlowLogs": fl}))
}

async fn ec2(moto: &Moto, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&moto.sdk_config(region).await)
}

async fn vpc_ids(c: &aws_sdk_ec2::Client) -> Vec<String> {
    let mut v: Vec<String> = c
        .describe_vpcs()
        .send()
        .await
        .unwrap()
        .vpcs()
        .iter()
        .filter_map(|v| v.vpc_id().map(str::to_string))
        .collect();
    v.sort();
    v
}

async fn new_vpc(c: &aws_sdk_ec2::Client, cidr: &str, tag: Option<(&str, &str)>) -> String {
    let mut req = c.create_vpc().cidr_block(cidr);
    if let Some((k, v)) = tag {
        req = req.tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
                .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
                .build(),
        );
    }
    req.send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string()
}

/// (VPC, traffic type, tagged by this baseline) of every flow log in the region.
async fn flow_logs(c: &aws_sdk_ec2::Client) -> Vec<(String, String, bool)> {
    let mut v: Vec<_> = c
        .describe_flow_logs()
        .send()
        .await
        .unwrap()
        .flow_logs()
        .iter()
        .map(|f| {
            (
                f.resource_id().unwrap_or_default().to_string(),
                f.traffic_type().unwrap().as_str().to_string(),
                f.tags().iter().any(|t| {
                    t.key() == Some("awsbaseline.io/owner-uid")
                        && t.value() == Some("sections-uid-1")
                }),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn flow_logs_cover_every_vpc_and_pick_up_new_ones_on_the_next_pass() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({"trafficType": "REJECT"}));
    let us = ec2(&moto, "us-east-1").await;
    let extra = new_vpc(&us, "10.10.0.0/16", None).await;
    let us_vpcs = vpc_ids(&us).await;
    assert_eq!(us_vpcs.len(), 2, "moto's default VPC and one more");

    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let e = st
        .drift
        .iter()
        .find(|d| d.field == format!("vpcFlowLogs.{extra}.exists"))
        .unwrap();
    assert_eq!(
        (e.region.as_str(), e.controls.clone()),
        (
            "us-east-1",
            vec!["EC2.6".to_string(), "CIS 3.9".to_string()]
        )
    );

    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    // One CreateFlowLogs per region, covering every VPC there.
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    assert_eq!(stats.count("CreateFlowLogs"), 2);
    let logs = flow_logs(&us).await;
    assert_eq!(
        logs,
        us_vpcs
            .iter()
            .map(|v| (v.clone(), "REJECT".to_string(), true))
            .collect::<Vec<_>>()
    );
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(second
        .outcomes
        .iter()
        .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created));
    // Per region: DescribeVpcs, DescribeFlowLogs by VPC, DescribeFlowLogs by owner tag.
    assert_eq!(stats.reads(), 2 * 3 + 1, "{:?}", stats.snapshot());

    // A VPC created later is covered by the next pass, with exactly one create.
    let later = new_vpc(&us, "10.20.0.0/16", None).await;
    stats.reset();
    let r = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(
        drift(&r)
            .into_iter()
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>(),
        vec![(
            "us-east-1".to_string(),
            format!("vpcFlowLogs.{later}.exists")
        )]
    );
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    assert_eq!(stats.count("CreateFlowLogs"), 1);
    assert_eq!(flow_logs(&us).await.len(), 3);
}

#[tokio::test]
async fn flow_log_drift_is_reported_then_replaced_and_foreign_flow_logs_are_never_deleted() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({"vpcTags": {"flow-logs": "on"}, "maxAggregationInterval": 60}));
    let us = ec2(&moto, "us-east-1").await;
    let selected = new_vpc(&us, "10.1.0.0/16", Some(("flow-logs", "on"))).await;
    let foreign_vpc = new_vpc(&us, "10.2.0.0/16", Some(("flow-logs", "on"))).await;
    let _unselected = new_vpc(&us, "10.3.0.0/16", None).await;
    // Someone else already logs the second VPC to the same group, with other settings.
    let foreign = us
        .create_flow_logs()
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .resource_ids(&foreign_vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::Accept)
        .log_group_name("/org/vpc-flow")
        .deliver_logs_permission_arn(FLOW_ROLE)
        .send()
        .await
        .unwrap()
        .flow_log_ids()[0]
        .clone();

    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let us_outcome = r.outcomes.iter().find(|o| o.region == "us-east-1").unwrap();
    // The selected VPC got its flow log; the foreign one is adopted, its drift stays and the reason is named.
    assert_eq!(us_outcome.ownership, Ownership::Adopted);
    assert_eq!(us_outcome.state, ComponentState::Error);
    let err = us_outcome.error.as_ref().unwrap();
    assert_eq!(err.category.as_str(), "InvalidInput");
    assert!(err.message.contains(&foreign), "{err}");
    let mut fields: Vec<String> = us_outcome.drift.iter().map(|d| d.field.clone()).collect();
    fields.sort();
    let mut want = vec![
        format!("vpcFlowLogs.{foreign_vpc}.maxAggregationInterval"),
        format!("vpcFlowLogs.{foreign_vpc}.trafficType"),
        format!("vpcFlowLogs.{selected}.exists"),
    ];
    want.sort();
    assert_eq!(fields, want);
    let mut both = vec![
        (selected.clone(), "ALL".to_string(), true),
        (foreign_vpc.clone(), "ACCEPT".to_string(), false),
    ];
    both.sort();
    assert_eq!(flow_logs(&us).await, both);
    // The unselected VPC and eu-west-1 (no tagged VPC) have none of ours.
    assert!(flow_logs(&ec2(&moto, "eu-west-1").await).await.is_empty());
    let prev = components(&r);

    // Out of band: our flow log is replaced by hand with one that logs only accepted traffic (tags kept).
    let mine = us
        .describe_flow_logs()
        .filter(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(&selected)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .flow_logs()[0]
        .flow_log_id()
        .unwrap()
        .to_string();
    us.delete_flow_logs()
        .flow_log_ids(&mine)
        .send()
        .await
        .unwrap();
    us.create_flow_logs()
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .resource_ids(&selected)
        .traffic_type(aws_sdk_ec2::types::TrafficType::Accept)
        .log_group_name("/org/vpc-flow")
        .deliver_logs_permission_arn(FLOW_ROLE)
        .max_aggregation_interval(60)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::VpcFlowLog)
                .set_tags(Some(
                    owner()
                        .tags()
                        .into_iter()
                        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();

    // Without the foreign VPC in the selection, only our drift remains.
    let mut s2 = s.clone();
    us.delete_tags()
        .resources(&foreign_vpc)
        .tags(aws_sdk_ec2::types::Tag::builder().key("flow-logs").build())
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &s2, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![(
            "us-east-1".to_string(),
            format!("vpcFlowLogs.{selected}.trafficType"),
            json!("ALL"),
            json!("ACCEPT"),
            DriftAction::Reported
        )]
    );
    stats.reset();
    let fixed = pass(&factory, &s2, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["EC2:CreateFlowLogs", "EC2:DeleteFlowLogs"]
    );
    assert_eq!(flow_logs(&us).await, both);

    // A VPC leaving the selection loses our flow log; the foreign flow log stays.
    s2.vpc_flow_logs.as_mut().unwrap().vpc_tags =
        std::collections::BTreeMap::from([("flow-logs".to_string(), "none".to_string())]);
    stats.reset();
    let r = pass(&factory, &s2, DriftPolicy::Correct, &prev).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    assert_eq!(sorted_writes(&stats), vec!["EC2:DeleteFlowLogs"]);
    assert_eq!(
        flow_logs(&us).await,
        vec![(foreign_vpc.clone(), "ACCEPT".to_string(), false)]
    );

    // Deletion removes only ours (none left), never the foreign one.
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(flow_logs(&us).await.len(), 1);
}

#[tokio::test]
async fn deletion_removes_the_flow_logs_this_baseline_created() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({}));
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    let prev = components(&r);
    let mut retain = s.clone();
    retain.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    delete(&factory, &retain, &prev).await;
    assert_eq!((stats.reads(), stats.writes()), (0, 0));
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report
            .actions
            .iter()
            .filter(|a| a.starts_with("deleted 1 VPC flow log(s)"))
            .count(),
        2,
        "{:?}",
        report.actions
    );
    for region in ["us-east-1", "eu-west-1"] {
        assert!(flow_logs(&ec2(&moto, region).await).await.is_empty());
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The whole "CIS-ready" baseline through the real CLI: apply converges, check is clean, tampering with each new
// section fails `check` with the field and its control IDs, apply corrects it.

/// The account of `examples/baselines/cis-ready-account.yaml`.
const CIS_ACCOUNT: &str = "111111111111";

/// SDK configuration for the CIS example's account: its role assumed with moto's STS, as the operator does.
async fn cis_account(moto: &Moto, region: &str) -> aws_config::SdkConfig {
    let sts = aws_sdk_sts::Client::new(&moto.sdk_config(region).await);
    let c = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{CIS_ACCOUNT}:role/baseline-operator"))
        .role_session_name("tamper")
        .send()
        .await
        .unwrap()
        .credentials
        .unwrap();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_string()),
                    None,
                    "assumed",
                ),
            ),
        )
        .load()
        .await
}

fn cli(moto: &Moto, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_aws-baseline-operator"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_ENDPOINT_URL", &moto.endpoint)
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .unwrap()
}

fn out_of(o: &std::process::Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

#[tokio::test]
async fn a_cis_ready_account_converges_and_tampering_shows_in_check_with_control_ids() {
    let moto = Moto::start();
    let file = "examples/baselines/cis-ready-account.yaml";
    let out = cli(&moto, &["apply", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", out_of(&out));
    let out = cli(&moto, &["check", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", out_of(&out));

    // Tamper with each new section, in the example's account (reached through its role, as the operator does).
    let eu_config = aws_sdk_config::Client::new(&cis_account(&moto, "eu-west-1").await);
    eu_config
        .stop_configuration_recorder()
        .configuration_recorder_name("default")
        .send()
        .await
        .unwrap();
    aws_sdk_inspector2::Client::new(&cis_account(&moto, "us-east-1").await)
        .disable()
        .account_ids(CIS_ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
        .send()
        .await
        .unwrap();
    aws_sdk_securityhub::Client::new(&cis_account(&moto, "eu-west-1").await)
        .batch_enable_standards()
        .standards_subscription_requests(
            aws_sdk_securityhub::types::StandardsSubscriptionRequest::builder()
                .standards_arn("arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1")
                .build(),
        )
        .send()
        .await
        .unwrap();
    let us = aws_sdk_ec2::Client::new(&cis_account(&moto, "us-east-1").await);
    let vpc = vpc_ids(&us).await[0].clone();
    let fl = us
        .describe_flow_logs()
        .filter(
            aws_sdk_ec2::types::Filter::builder()
                .name("resource-id")
                .values(&vpc)
                .build(),
        )
        .send()
        .await
        .unwrap()
        .flow_logs()[0]
        .flow_log_id()
        .unwrap()
        .to_string();
    us.delete_flow_logs().flow_log_ids(fl).send().await.unwrap();

    let out = cli(&moto, &["check", "-f", file, "-o", "json"]);
    assert_eq!(out.status.code(), Some(2), "{}", out_of(&out));
    let json: Value = serde_json::from_str(&String::from_utf8_lossy(&out.stdout)).unwrap();
    let mut drift: Vec<(String, String, Vec<String>)> = json["results"][0]["status"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["region"].as_str().unwrap().to_string(),
                d["field"].as_str().unwrap().to_string(),
                d["controls"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap().to_string())
                    .collect(),
            )
        })
        .collect();
    drift.sort();
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    assert_eq!(
        drift,
        vec![
            (
                "eu-west-1".to_string(),
                "config.recording".to_string(),
                s(&["Config.1", "CIS 3.5"])
            ),
            (
                "eu-west-1".to_string(),
                "securityHub.standards.pci-dss/3.2.1".to_string(),
                s(&["SecurityHub.1"])
            ),
            (
                "us-east-1".to_string(),
                "inspector.scanTypes.ECR".to_string(),
                s(&["Inspector.2"])
            ),
            (
                "us-east-1".to_string(),
                format!("vpcFlowLogs.{vpc}.exists"),
                s(&["EC2.6", "CIS 3.9"])
            ),
        ]
    );
    let table = out_of(&cli(&moto, &["check", "-f", file]));
    for needle in [
        "config.recording",
        "Config.1, CIS 3.5",
        "Inspector.2",
        "EC2.6, CIS 3.9",
        "SecurityHub.1",
    ] {
        assert!(table.contains(needle), "{needle} missing from:\n{table}");
    }

    let out = cli(&moto, &["apply", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", out_of(&out));
    let out = cli(&moto, &["check", "-f", file]);
    assert_eq!(out.status.code(), Some(0), "{}", out_of(&out));
}

// ---- sessionManager

const DOC: &str = "SSM-SessionManagerRunShell";

pub(crate) fn fields(r: &PassReport) -> Vec<(String, String)> {
    let mut v: Vec<_> = r
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| (o.region.clone(), d.field.clone())))
        .collect();
    v.sort();
    v
}

async fn content(client: &aws_sdk_ssm::Client) -> Value {
    let doc = client.get_document().name(DOC).send().await.unwrap();
    serde_json::from_str(doc.content().unwrap()).unwrap()
}

#[tokio::test]
async fn session_manager_preferences_converge_drift_and_follow_ownership_on_delete() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let eu = aws_sdk_ssm::Client::new(&moto.sdk_config("eu-west-1").await);
    let us = aws_sdk_ssm::Client::new(&moto.sdk_config("us-east-1").await);
    // eu-west-1 already has preferences someone set by hand: adopted, never deleted.
    let hand = json!({"schemaVersion": "1.0", "description": "hand-made", "sessionType": "Standard_Stream",
        "inputs": {"s3BucketName": "", "cloudWatchLogGroupName": "/old/sessions", "idleSessionTimeout": "20"}});
    eu.create_document()
        .name(DOC)
        .document_type(aws_sdk_ssm::types::DocumentType::Session)
        .document_format(aws_sdk_ssm::types::DocumentFormat::Json)
        .content(hand.to_string())
        .send()
        .await
        .unwrap();
    let spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1", "eu-west-1"],
        "deletionPolicy": "Delete",
        "sessionManager": {"cloudWatchLogGroupName": "/ssm/sessions", "s3BucketName": "org-session-logs",
            "s3KeyPrefix": "sessions", "kmsKeyId": "alias/session-manager", "idleSessionTimeoutMinutes": 15,
            "runAsEnabled": true, "runAsDefaultUser": "ops", "shellProfile": {"linux": "exec bash"}}
    }))
    .unwrap();

    let first = pass(&factory, &spec, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    let by_region = |r: &PassReport, region: &str| {
        r.outcomes
            .iter()
            .find(|o| o.component == "sessionManager" && o.region == region)
            .cloned()
            .unwrap()
    };
    assert_eq!(
        by_region(&first, "us-east-1").state,
        ComponentState::Created
    );
    assert_eq!(by_region(&first, "us-east-1").ownership, Ownership::Created);
    assert_eq!(
        by_region(&first, "eu-west-1").state,
        ComponentState::Corrected
    );
    assert_eq!(by_region(&first, "eu-west-1").ownership, Ownership::Adopted);
    for client in [&us, &eu] {
        let c = content(client).await;
        assert_eq!(c["inputs"]["cloudWatchLogGroupName"], "/ssm/sessions");
        assert_eq!(c["inputs"]["idleSessionTimeout"], "15");
        assert_eq!(c["inputs"]["runAsDefaultUser"], "ops");
        assert_eq!(c["inputs"]["shellProfile"]["linux"], "exec bash");
    }
    let tags = us
        .list_tags_for_resource()
        .resource_type(aws_sdk_ssm::types::ResourceTypeForTagging::Document)
        .resource_id(DOC)
        .send()
        .await
        .unwrap();
    assert!(tags
        .tag_list()
        .iter()
        .any(|t| t.key() == "awsbaseline.io/owner-uid" && t.value() == "sections-uid-1"));
    let previous = components(&first);

    // In sync: nothing written, no tag reads (status remembers ownership).
    stats.reset();
    let steady = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert!(steady.error_category().is_none(), "{:#?}", steady.outcomes);
    assert_eq!(fields(&steady), vec![]);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("ListTagsForResource"), 0);
    assert_eq!(stats.count("GetDocument"), 2, "one read per region");
    let previous = components(&steady);

    // Out of band: logging to CloudWatch turned off and a longer idle timeout in us-east-1.
    let mut tampered = content(&us).await;
    tampered["inputs"]["cloudWatchLogGroupName"] = json!("");
    tampered["inputs"]["idleSessionTimeout"] = json!("60");
    let v = us
        .update_document()
        .name(DOC)
        .document_version("$LATEST")
        .content(tampered.to_string())
        .send()
        .await
        .unwrap();
    us.update_document_default_version()
        .name(DOC)
        .document_version(
            v.document_description()
                .unwrap()
                .document_version()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &spec, DriftPolicy::Report, &previous).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    assert_eq!(
        fields(&report),
        [
            (
                "us-east-1".to_string(),
                "sessionManager.cloudWatchLogGroupName".to_string()
            ),
            (
                "us-east-1".to_string(),
                "sessionManager.idleSessionTimeout".to_string()
            ),
        ]
    );
    stats.reset();
    let fixed = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    let mut writes: Vec<String> = stats.write_operations();
    writes.sort();
    // The declared content is version 1's: SSM refuses it as a duplicate, so version 1 becomes the default again.
    assert_eq!(
        writes,
        ["SSM:UpdateDocument", "SSM:UpdateDocumentDefaultVersion"]
    );
    let d = us.describe_document().name(DOC).send().await.unwrap();
    assert_eq!(d.document().unwrap().default_version(), Some("1"));
    assert_eq!(content(&us).await["inputs"]["idleSessionTimeout"], "15");
    stats.reset();
    let again = pass(&factory, &spec, DriftPolicy::Correct, &components(&fixed)).await;
    assert_eq!(fields(&again), vec![]);
    assert_eq!(stats.writes(), 0);

    // Delete: the created document goes, the adopted one stays (with the operator's last content).
    let previous = components(&again);
    let r = delete(&factory, &spec, &previous).await;
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert!(
        us.get_document().name(DOC).send().await.is_err(),
        "deleted in us-east-1"
    );
    assert!(
        eu.get_document().name(DOC).send().await.is_ok(),
        "kept in eu-west-1"
    );
    assert!(
        r.actions
            .iter()
            .any(|a| a
                == "kept Session Manager preferences in eu-west-1 (not created by this baseline)"),
        "{:?}",
        r.actions
    );
}

// ---- config.deliveryChannel.createBucket

async fn bucket_policy(moto: &Moto, bucket: &str) -> Vec<String> {
    let s3 = aws_sdk_s3::Client::new(&moto.sdk_config("us-east-1").await);
    let policy = s3
        .get_bucket_policy()
        .bucket(bucket)
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    let v: Value = serde_json::from_str(&policy).unwrap();
    let mut sids: Vec<String> = v["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap_or_default().to_string())
        .collect();
    sids.sort();
    sids
}

#[tokio::test]
async fn the_config_bucket_is_created_once_kept_private_and_its_policy_restored() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let bucket = "cfg-history-123456789012";
    let s = baseline(json!({
        "deletionPolicy": "Delete",
        "config": {"deliveryChannel": {"s3BucketName": bucket, "s3KeyPrefix": "cfg", "createBucket": true}}
    }));
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    let b: Vec<_> = first
        .outcomes
        .iter()
        .filter(|o| o.component == "configBucket")
        .collect();
    // One bucket, managed in the home region, before the channels of both regions point at it.
    assert_eq!(b.len(), 1);
    assert_eq!(
        (b[0].region.as_str(), b[0].state, b[0].ownership),
        ("us-east-1", ComponentState::Created, Ownership::Created)
    );
    assert_eq!(first.outcomes[0].component, "configBucket");
    assert_eq!(stats.count("CreateBucket"), 1);
    assert_eq!(
        bucket_policy(&moto, bucket).await,
        vec![
            "AWSConfigBucketDelivery",
            "AWSConfigBucketExistenceCheck",
            "AWSConfigBucketPermissionsCheck",
            "DenyInsecureTransport"
        ]
    );
    let s3 = aws_sdk_s3::Client::new(&moto.sdk_config("us-east-1").await);
    let policy = s3.get_bucket_policy().bucket(bucket).send().await.unwrap();
    assert!(policy
        .policy()
        .unwrap()
        .contains("arn:aws:s3:::cfg-history-123456789012/cfg/AWSLogs/123456789012/Config/*"));

    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Someone removes the bucket policy: reported with its control, then restored with one PutBucketPolicy.
    s3.delete_bucket_policy()
        .bucket(bucket)
        .send()
        .await
        .unwrap();
    let prev = components(&second);
    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0);
    let d = drift(&report);
    assert_eq!(d.len(), 1, "{d:#?}");
    assert_eq!(d[0].1, "configBucket.configPolicy");
    let st = baseline_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    assert_eq!(st.drift[0].controls, vec!["Config.1"]);
    let fixed = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(sorted_writes(&stats), vec!["S3:PutBucketPolicy"]);

    // Deletion keeps the bucket (configuration history outlives the baseline).
    let report = delete(&factory, &s, &components(&fixed)).await;
    assert!(report.actions.contains(&format!(
        "kept AWS Config bucket {bucket} (configuration history is never deleted)"
    )));
    assert!(s3.head_bucket().bucket(bucket).send().await.is_ok());
}

#[tokio::test]
async fn a_bucket_shared_by_the_trail_and_config_is_one_bucket_with_both_policies() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let bucket = "audit-logs-123456789012";
    let s = baseline(json!({
        "cloudTrail": {"name": "audit", "s3": {"bucketName": bucket, "createBucket": true}},
        "config": {"deliveryChannel": {"s3BucketName": bucket, "s3KeyPrefix": "config", "createBucket": true}}
    }));
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert!(!first.outcomes.iter().any(|o| o.component == "configBucket"));
    assert_eq!(stats.count("CreateBucket"), 1);
    assert_eq!(
        bucket_policy(&moto, bucket).await,
        vec![
            "AWSCloudTrailAclCheck",
            "AWSCloudTrailWrite",
            "AWSConfigBucketDelivery",
            "AWSConfigBucketExistenceCheck",
            "AWSConfigBucketPermissionsCheck",
            "DenyInsecureTransport"
        ]
    );
    stats.reset();
    pass(&factory, &s, DriftPolicy::Correct, &components(&first)).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
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
