//! The foundation sections of an AccountBaseline (CloudTrail, GuardDuty, password policy, S3 Block Public Access,
//! EBS encryption by default, root account) against moto's server with the real aws-sdk-rust clients: convergence,
//! zero writes in sync, Report never writes, adoption of an existing detector, one failing region, deletion by
//! policy and proven ownership.

use super::t;
use crate::support;
use crate::support::objects::condition;
use crate::support::objects::prod_baseline;
use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy, Ownership,
};
use aws_baseline_operator::engine::baseline::{cleanup, run, BaselineInput};
use aws_baseline_operator::engine::status::{common_status, status_changed};
use aws_baseline_operator::engine::PassReport;
use serde_json::json;
use support::{account, Moto, ACCOUNT};

pub(super) fn spec(policy: &str) -> AccountBaselineSpec {
    serde_json::from_value(json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1", "eu-west-1"],
        "driftPolicy": policy,
        "deletionPolicy": "Delete",
        "cloudTrail": {
            "name": "org-trail",
            "s3": {"bucketName": "org-trail-logs", "keyPrefix": "ct", "createBucket": true},
            "managementEvents": {"excludeEventSources": ["kms.amazonaws.com"]},
            "dataEvents": [{"resourceType": "S3Object", "arnPrefixes": ["arn:aws:s3:::data/"], "readWriteType": "WriteOnly"}]
        },
        "guardDuty": {"findingPublishingFrequency": "FIFTEEN_MINUTES", "features": {"s3DataEvents": true, "runtimeMonitoring": true, "eksAddonManagement": true}},
        "passwordPolicy": {"minimumPasswordLength": 14, "requireSymbols": true, "passwordReusePrevention": 24},
        "s3BlockPublicAccess": {},
        "ebsEncryptionByDefault": {},
        "rootAccount": {"requireMfa": false, "forbidAccessKeys": true}
    }))
    .unwrap()
}

async fn pass(
    moto_factory: &aws_baseline_operator::aws::AwsFactory,
    spec: &AccountBaselineSpec,
    previous: &[aws_baseline_operator::api::common::ComponentStatus],
) -> PassReport {
    let acct = account(&[]);
    let input = BaselineInput {
        spec,
        account: &acct,
        owner: prod_baseline(),
        previous,
        mode: spec.drift_policy,
    };
    run(moto_factory, &input).await
}

fn states(r: &PassReport) -> Vec<(String, String, ComponentState)> {
    r.outcomes
        .iter()
        .map(|o| (o.component.to_string(), o.region.clone(), o.state))
        .collect()
}

/// A GuardDuty detector enabled out of band, before the operator (its ID).
async fn existing_detector(gd: &aws_sdk_guardduty::Client) -> String {
    gd.create_detector()
        .enable(true)
        .send()
        .await
        .unwrap()
        .detector_id()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn creates_from_nothing_then_a_second_pass_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = spec("Correct");

    let first = pass(&factory, &s, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    for o in &first.outcomes {
        if o.component != "rootAccount" {
            assert!(
                matches!(o.state, ComponentState::Created | ComponentState::Corrected),
                "{o:?}"
            );
        }
    }
    assert!(stats.writes() > 0);

    // AWS really holds the baseline.
    let cfg = moto.sdk_config("us-east-1").await;
    let ct = aws_sdk_cloudtrail::Client::new(&cfg);
    assert_eq!(
        ct.get_trail_status()
            .name("org-trail")
            .send()
            .await
            .unwrap()
            .is_logging(),
        Some(true)
    );
    let tags = ct
        .list_tags()
        .resource_id_list(format!(
            "arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/org-trail"
        ))
        .send()
        .await
        .unwrap();
    let tags: Vec<_> = tags.resource_tag_list()[0]
        .tags_list()
        .iter()
        .map(|t| {
            (
                t.key().to_string(),
                t.value().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert!(tags.contains(&("awsbaseline.io/owner-uid".into(), "prod-uid".into())));
    let iam = aws_sdk_iam::Client::new(&cfg);
    let pp = iam
        .get_account_password_policy()
        .send()
        .await
        .unwrap()
        .password_policy
        .unwrap();
    assert_eq!(
        (
            pp.minimum_password_length,
            pp.password_reuse_prevention,
            pp.require_symbols
        ),
        (Some(14), Some(24), true)
    );
    for region in ["us-east-1", "eu-west-1"] {
        let gd = aws_sdk_guardduty::Client::new(&moto.sdk_config(region).await);
        assert_eq!(
            gd.list_detectors()
                .send()
                .await
                .unwrap()
                .detector_ids()
                .len(),
            1,
            "{region}"
        );
        let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config(region).await);
        assert_eq!(
            ec2.get_ebs_encryption_by_default()
                .send()
                .await
                .unwrap()
                .ebs_encryption_by_default(),
            Some(true)
        );
    }
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&cfg)
            .force_path_style(true)
            .build(),
    );
    let policy = s3
        .get_bucket_policy()
        .bucket("org-trail-logs")
        .send()
        .await
        .unwrap()
        .policy
        .unwrap();
    assert!(
        policy.contains("AWSCloudTrailWrite")
            && policy.contains("org-trail-logs/ct/AWSLogs/123456789012/*")
    );

    let status1 = common_status(None, &first, Some(1), &t("2026-01-01T00:00:00Z"));
    stats.reset();
    let second = pass(&factory, &s, &status1.components).await;
    assert_eq!(
        stats.writes(),
        0,
        "in-sync pass wrote: {:?}",
        stats.write_operations()
    );
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync),
        "{:#?} {:?}",
        states(&second),
        second.errors().map(|o| o.error.clone()).collect::<Vec<_>>()
    );
    // Ownership of untaggable settings is remembered, of tagged ones proven by tags.
    let own = |c: &str| {
        second
            .outcomes
            .iter()
            .find(|o| o.component == c)
            .unwrap()
            .ownership
    };
    assert_eq!(
        (
            own("cloudTrail"),
            own("guardDuty"),
            own("passwordPolicy"),
            own("s3BlockPublicAccess")
        ),
        (
            Ownership::Created,
            Ownership::Created,
            Ownership::Created,
            Ownership::Created
        )
    );

    let status2 = common_status(Some(&status1), &second, Some(1), &t("2026-01-01T00:05:00Z"));
    let third = pass(&factory, &s, &status2.components).await;
    let status3 = common_status(Some(&status2), &third, Some(1), &t("2026-01-01T00:10:00Z"));
    assert!(
        !status_changed(Some(&status2), &status3),
        "steady state must not write status"
    );
    assert_eq!(stats.writes(), 0);
    let reads_per_pass = stats.reads() / 2;
    println!("reads per in-sync pass (2 regions, 7 components): {reads_per_pass}");
    assert!(reads_per_pass <= 20, "{:?}", stats.snapshot());
}

#[tokio::test]
async fn out_of_band_drift_is_reported_without_writes_then_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let created = pass(&factory, &spec("Correct"), &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let prev = common_status(None, &created, Some(1), &t("2026-01-01T00:00:00Z")).components;

    // Drift made directly with the SDK.
    let us = moto.sdk_config("us-east-1").await;
    aws_sdk_cloudtrail::Client::new(&us)
        .stop_logging()
        .name("org-trail")
        .send()
        .await
        .unwrap();
    aws_sdk_iam::Client::new(&us)
        .update_account_password_policy()
        .minimum_password_length(6)
        .require_symbols(true)
        .password_reuse_prevention(24)
        .send()
        .await
        .unwrap();
    let eu = aws_sdk_guardduty::Client::new(&moto.sdk_config("eu-west-1").await);
    let id = eu.list_detectors().send().await.unwrap().detector_ids()[0].clone();
    eu.update_detector()
        .detector_id(&id)
        .finding_publishing_frequency(aws_sdk_guardduty::types::FindingPublishingFrequency::OneHour)
        .send()
        .await
        .unwrap();

    stats.reset();
    let report = pass(&factory, &spec("Report"), &prev).await;
    assert_eq!(
        stats.writes(),
        0,
        "Report wrote: {:?}",
        stats.write_operations()
    );
    let drift: Vec<_> = report
        .outcomes
        .iter()
        .flat_map(|o| {
            o.drift.iter().map(move |d| {
                (
                    o.region.as_str(),
                    d.field.as_str(),
                    d.desired.clone(),
                    d.actual.clone(),
                    o.action,
                )
            })
        })
        .collect();
    assert!(
        drift.contains(&(
            "us-east-1",
            "cloudTrail.logging",
            json!(true),
            json!(false),
            DriftAction::Reported
        )),
        "{drift:#?}"
    );
    assert!(
        drift.contains(&(
            "eu-west-1",
            "guardDuty.findingPublishingFrequency",
            json!("FIFTEEN_MINUTES"),
            json!("ONE_HOUR"),
            DriftAction::Reported
        )),
        "{drift:#?}"
    );
    assert!(
        drift.contains(&(
            "us-east-1",
            "passwordPolicy.minimumPasswordLength",
            json!(14),
            json!(6),
            DriftAction::Reported
        )),
        "{drift:#?}"
    );
    assert_eq!(drift.len(), 3, "{drift:#?}");
    let status = common_status(None, &report, Some(1), &t("2026-01-01T00:05:00Z"));
    let entry = status
        .drift
        .iter()
        .find(|d| d.field == "cloudTrail.logging")
        .unwrap();
    assert_eq!(entry.controls, vec!["CloudTrail.1", "CIS 3.1"]);
    assert_eq!(
        aws_sdk_cloudtrail::Client::new(&us)
            .get_trail_status()
            .name("org-trail")
            .send()
            .await
            .unwrap()
            .is_logging(),
        Some(false)
    );

    stats.reset();
    let corrected = pass(&factory, &spec("Correct"), &prev).await;
    assert!(corrected.error_category().is_none());
    assert_eq!(corrected.remaining_drift(), 0);
    let mut writes = stats.write_operations();
    writes.sort();
    assert_eq!(
        writes,
        vec![
            "CloudTrail:StartLogging",
            "GuardDuty:UpdateDetector",
            "IAM:UpdateAccountPasswordPolicy"
        ]
    );
    stats.reset();
    let after = pass(&factory, &spec("Correct"), &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(after.remaining_drift(), 0);
}

#[tokio::test]
async fn an_existing_detector_is_adopted_not_duplicated() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let gd = aws_sdk_guardduty::Client::new(&moto.sdk_config("us-east-1").await);
    let id = existing_detector(&gd).await;
    let s: AccountBaselineSpec = serde_json::from_value(json!({"accountRef": {"name": "a"}, "regions": ["us-east-1"], "guardDuty": {"findingPublishingFrequency": "ONE_HOUR"}})).unwrap();
    let r = pass(&factory, &s, &[]).await;
    let o = &r.outcomes[0];
    assert_eq!(
        (o.ownership, o.state, o.id.as_deref()),
        (
            Ownership::Adopted,
            ComponentState::Corrected,
            Some(id.as_str())
        )
    );
    assert_eq!(stats.count("CreateDetector"), 0);
    assert_eq!(
        gd.list_detectors()
            .send()
            .await
            .unwrap()
            .detector_ids()
            .len(),
        1
    );
    assert!(o.message.as_deref().unwrap().contains("adopted"));
}

#[tokio::test]
async fn one_failing_region_does_not_block_the_others() {
    // moto answers 500 for a region it does not know: that region's GuardDuty fails (Transient, retried by the
    // SDK, then reported), the home region and the account-wide components still converge. The region is allowed
    // the way a region newer than the operator is (`--extra-regions`).
    aws_baseline_operator::aws::regions::allow_extra(["xx-fake-1"]);
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let s: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1", "xx-fake-1"],
        "guardDuty": {"findingPublishingFrequency": "ONE_HOUR"},
        "passwordPolicy": {"minimumPasswordLength": 14}
    }))
    .unwrap();
    let report = pass(&factory, &s, &[]).await;
    let outcome = |component: &str, region: &str| {
        report
            .outcomes
            .iter()
            .find(|o| o.component == component && o.region == region)
            .unwrap_or_else(|| {
                panic!(
                    "no outcome for {component} in {region}: {:#?}",
                    report.outcomes
                )
            })
    };
    let failed = outcome("guardDuty", "xx-fake-1");
    assert_eq!(failed.state, ComponentState::Error, "{failed:?}");
    let err = failed.error.as_ref().unwrap();
    assert_eq!(
        (err.service, err.category.as_str()),
        ("guardduty", "Transient"),
        "{err:?}"
    );
    assert_eq!(
        outcome("guardDuty", "us-east-1").state,
        ComponentState::Created
    );
    assert_eq!(
        outcome("passwordPolicy", "us-east-1").state,
        ComponentState::Created
    );
    let gd = aws_sdk_guardduty::Client::new(&moto.sdk_config("us-east-1").await);
    assert_eq!(
        gd.list_detectors()
            .send()
            .await
            .unwrap()
            .detector_ids()
            .len(),
        1
    );

    // Status shows each region on its own: Synced=False names the failing region, the other one is Created.
    let st = common_status(None, &report, Some(1), &t("2026-11-22T10:00:00Z"));
    let synced = condition(&st.conditions, "Synced");
    assert_eq!(synced.status, "False", "{synced:?}");
    assert!(synced.message.contains("xx-fake-1"), "{}", synced.message);
    let comps: Vec<(&str, &str, ComponentState)> = st
        .components
        .iter()
        .map(|c| (c.component.as_str(), c.region.as_str(), c.state))
        .collect();
    assert!(
        comps.contains(&("guardDuty", "xx-fake-1", ComponentState::Error)),
        "{comps:?}"
    );
    assert!(
        comps.contains(&("guardDuty", "us-east-1", ComponentState::Created)),
        "{comps:?}"
    );
}

#[tokio::test]
async fn deletion_follows_the_policy_and_proven_ownership() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    // An adopted detector in eu-west-1 (created before the operator).
    let eu = aws_sdk_guardduty::Client::new(&moto.sdk_config("eu-west-1").await);
    let adopted = existing_detector(&eu).await;

    let mut s = spec("Correct");
    let created = pass(&factory, &s, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let components = common_status(None, &created, Some(1), &t("2026-01-01T00:00:00Z")).components;
    let acct = account(&[]);

    // Retain: nothing is touched.
    s.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    let input = BaselineInput {
        spec: &s,
        account: &acct,
        owner: prod_baseline(),
        previous: &components,
        mode: DriftPolicy::Correct,
    };
    cleanup(&factory, &input).await.unwrap();
    assert_eq!(stats.writes(), 0);
    assert_eq!(stats.reads(), 0);

    // Delete: created things go, adopted things are only suspended, the log bucket stays.
    s.deletion_policy = DeletionPolicy::Delete;
    let input = BaselineInput {
        spec: &s,
        account: &acct,
        owner: prod_baseline(),
        previous: &components,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let us = moto.sdk_config("us-east-1").await;
    let trails = aws_sdk_cloudtrail::Client::new(&us)
        .describe_trails()
        .send()
        .await
        .unwrap();
    assert!(trails.trail_list().is_empty());
    assert!(aws_sdk_guardduty::Client::new(&us)
        .list_detectors()
        .send()
        .await
        .unwrap()
        .detector_ids()
        .is_empty());
    let d = eu
        .get_detector()
        .detector_id(&adopted)
        .send()
        .await
        .unwrap();
    assert_eq!(
        d.status(),
        Some(&aws_sdk_guardduty::types::DetectorStatus::Disabled)
    );
    assert!(aws_sdk_iam::Client::new(&us)
        .get_account_password_policy()
        .send()
        .await
        .is_err());
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&us)
            .force_path_style(true)
            .build(),
    );
    assert!(
        s3.head_bucket()
            .bucket("org-trail-logs")
            .send()
            .await
            .is_ok(),
        "audit log bucket must be kept"
    );
    assert!(report
        .actions
        .iter()
        .any(|a| a.contains("suspended adopted GuardDuty detector")));

    // Already gone is done.
    let again = cleanup(&factory, &input).await.unwrap();
    assert!(again.errors.is_empty(), "{:?}", again.errors);
}

#[tokio::test]
async fn root_account_expectations_are_detect_only_drift_with_their_controls() {
    // moto's root user has no MFA device (GetAccountSummary: AccountMFAEnabled 0): the expectation is drift under
    // `Correct` too, with its controls, and nothing is ever written (there is no API that fixes a root user).
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = super::baseline(json!({
        "regions": ["us-east-1"],
        "rootAccount": {"requireMfa": true, "forbidAccessKeys": true}
    }));
    let report = pass(&factory, &s, &[]).await;
    assert!(report.error_category().is_none(), "{:#?}", report.outcomes);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        super::fields(&report),
        vec![(
            "us-east-1".to_string(),
            "rootAccount.mfaEnabled".to_string()
        )],
        "no access keys on moto's root user, so only MFA drifts"
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let d = &st.drift[0];
    assert_eq!(d.controls, vec!["IAM.9".to_string(), "CIS 1.5".to_string()]);
    assert_eq!((d.desired.as_str(), d.actual.as_str()), ("true", "false"));
    let root = report
        .outcomes
        .iter()
        .find(|o| o.component == "rootAccount")
        .unwrap();
    assert_eq!(root.state, ComponentState::Drifted);
    // A second pass reports the same and still writes nothing.
    stats.reset();
    let again = pass(&factory, &s, &super::components(&report)).await;
    assert_eq!(stats.writes(), 0);
    assert_eq!(super::fields(&again), super::fields(&report));
}

/// A trail encrypted with a KMS key and delivering to CloudWatch Logs, against moto with
/// `tests/moto_ext/cloudtrail_ext.py` (CloudTrail reports the key as its ARN whatever was declared, and a removed key
/// or delivery is gone, not an empty string): declared by key ID, the trail converges and a second pass writes
/// nothing; the key and the delivery removed out of band are reported (Report, no write) and restored with one
/// UpdateTrail (Correct).
#[tokio::test]
async fn trail_kms_key_and_cloudwatch_logs_delivery_converge_and_drift_is_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let conf = moto.sdk_config("us-east-1").await;
    let key_arn = moto.kms_key("us-east-1");
    let key_id = key_arn.rsplit('/').next().unwrap().to_string();
    aws_sdk_cloudwatchlogs::Client::new(&conf)
        .create_log_group()
        .log_group_name("/aws/cloudtrail/org-trail")
        .send()
        .await
        .unwrap();
    let role = aws_sdk_iam::Client::new(&conf)
        .create_role()
        .role_name("cloudtrail-to-logs")
        .assume_role_policy_document(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"cloudtrail.amazonaws.com"},"Action":"sts:AssumeRole"}]}"#,
        )
        .send()
        .await
        .unwrap()
        .role
        .unwrap()
        .arn;
    let group_arn =
        format!("arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/cloudtrail/org-trail:*");
    let mut s = spec("Correct");
    s.guard_duty = None;
    s.password_policy = None;
    s.s3_block_public_access = None;
    s.ebs_encryption_by_default = None;
    s.root_account = None;
    let trail = s.cloud_trail.as_mut().unwrap();
    trail.kms_key_id = Some(key_id.clone());
    trail.cloud_watch_logs =
        Some(serde_json::from_value(json!({"logGroupArn": group_arn, "roleArn": role})).unwrap());

    let created = pass(&factory, &s, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let ct = aws_sdk_cloudtrail::Client::new(&conf);
    let described = ct
        .describe_trails()
        .trail_name_list("org-trail")
        .send()
        .await
        .unwrap();
    let got = &described.trail_list()[0];
    assert_eq!(
        got.kms_key_id(),
        Some(key_arn.as_str()),
        "reported as the key ARN"
    );
    assert_eq!(
        got.cloud_watch_logs_log_group_arn(),
        Some(group_arn.as_str())
    );
    assert_eq!(got.cloud_watch_logs_role_arn(), Some(role.as_str()));
    let previous = common_status(None, &created, Some(1), &t("2026-01-01T00:00:00Z")).components;

    // In sync (the declared key ID matches the reported ARN): nothing written.
    stats.reset();
    let steady = pass(&factory, &s, &previous).await;
    assert!(steady.error_category().is_none(), "{:#?}", steady.outcomes);
    assert!(
        steady.outcomes.iter().all(|o| o.drift.is_empty()),
        "{:#?}",
        steady.outcomes
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Out of band: encryption and CloudWatch Logs delivery removed.
    ct.update_trail()
        .name("org-trail")
        .kms_key_id("")
        .cloud_watch_logs_log_group_arn("")
        .cloud_watch_logs_role_arn("")
        .send()
        .await
        .unwrap();
    let mut report_only = s.clone();
    report_only.drift_policy = DriftPolicy::Report;
    stats.reset();
    let reported = pass(&factory, &report_only, &previous).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    let mut fields: Vec<String> = reported
        .outcomes
        .iter()
        .flat_map(|o| o.drift.iter().map(|d| d.field.clone()))
        .collect();
    fields.sort();
    assert_eq!(
        fields,
        [
            "cloudTrail.cloudWatchLogs.logGroupArn",
            "cloudTrail.cloudWatchLogs.roleArn",
            "cloudTrail.kmsKeyId"
        ]
    );
    stats.reset();
    let corrected = pass(&factory, &s, &previous).await;
    assert!(
        corrected.error_category().is_none(),
        "{:#?}",
        corrected.outcomes
    );
    assert_eq!(stats.write_operations(), ["CloudTrail:UpdateTrail"]);
    let got = ct
        .describe_trails()
        .trail_name_list("org-trail")
        .send()
        .await
        .unwrap()
        .trail_list()[0]
        .clone();
    assert_eq!(got.kms_key_id(), Some(key_arn.as_str()));
    assert_eq!(
        got.cloud_watch_logs_log_group_arn(),
        Some(group_arn.as_str())
    );
    stats.reset();
    let again = pass(&factory, &s, &previous).await;
    assert!(
        again.outcomes.iter().all(|o| o.drift.is_empty()),
        "{:#?}",
        again.outcomes
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // The same key declared by its alias: CloudTrail still reports the ARN; one DescribeKey shows it is the key the
    // alias names, so the pass is in sync and writes nothing (it used to send UpdateTrail on every pass).
    let kms = aws_sdk_kms::Client::new(&conf);
    kms.create_alias()
        .alias_name("alias/org-trail")
        .target_key_id(&key_id)
        .send()
        .await
        .unwrap();
    let mut by_alias = s.clone();
    by_alias.cloud_trail.as_mut().unwrap().kms_key_id = Some("alias/org-trail".into());
    stats.reset();
    let aliased = pass(&factory, &by_alias, &previous).await;
    assert!(
        aliased.outcomes.iter().all(|o| o.drift.is_empty()),
        "{:#?}",
        aliased.outcomes
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("DescribeKey"), 1);
    // An alias naming another key is drift, corrected with one UpdateTrail to that key.
    let other = moto.kms_key("us-east-1");
    kms.update_alias()
        .alias_name("alias/org-trail")
        .target_key_id(&other)
        .send()
        .await
        .unwrap();
    stats.reset();
    let moved = pass(&factory, &by_alias, &previous).await;
    assert_eq!(
        super::fields(&moved),
        vec![("us-east-1".to_string(), "cloudTrail.kmsKeyId".to_string())]
    );
    assert_eq!(stats.write_operations(), ["CloudTrail:UpdateTrail"]);
    let got = ct
        .describe_trails()
        .trail_name_list("org-trail")
        .send()
        .await
        .unwrap()
        .trail_list()[0]
        .clone();
    assert_eq!(got.kms_key_id(), Some(other.as_str()));
}

#[tokio::test]
async fn cloudtrail_insights_converge_and_changed_selectors_are_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = super::baseline(json!({
        "regions": ["us-east-1"],
        "cloudTrail": {
            "name": "org-trail",
            "s3": {"bucketName": "org-trail-logs", "createBucket": true},
            "insights": ["ApiCallRateInsight"]
        }
    }));
    let first = pass(&factory, &s, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(stats.count("PutInsightSelectors"), 1);
    let ct = aws_sdk_cloudtrail::Client::new(&moto.sdk_config("us-east-1").await);
    let selectors =
        |out: aws_sdk_cloudtrail::operation::get_insight_selectors::GetInsightSelectorsOutput| {
            out.insight_selectors()
                .iter()
                .filter_map(|i| i.insight_type().map(|t| t.as_str().to_string()))
                .collect::<Vec<_>>()
        };
    let read = || ct.get_insight_selectors().trail_name("org-trail").send();
    assert_eq!(selectors(read().await.unwrap()), ["ApiCallRateInsight"]);

    let prev = super::components(&first);
    stats.reset();
    let second = pass(&factory, &s, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(super::fields(&second).is_empty());

    // Someone switches Insights to error rates only: drift on `cloudTrail.insights`, one PutInsightSelectors back.
    ct.put_insight_selectors()
        .trail_name("org-trail")
        .insight_selectors(
            aws_sdk_cloudtrail::types::InsightSelector::builder()
                .insight_type(aws_sdk_cloudtrail::types::InsightType::ApiErrorRateInsight)
                .build(),
        )
        .send()
        .await
        .unwrap();
    stats.reset();
    let fixed = pass(&factory, &s, &prev).await;
    assert_eq!(
        super::fields(&fixed),
        vec![("us-east-1".to_string(), "cloudTrail.insights".to_string())]
    );
    assert_eq!(
        crate::support::calls::sorted_writes(&stats),
        vec!["CloudTrail:PutInsightSelectors"]
    );
    assert_eq!(selectors(read().await.unwrap()), ["ApiCallRateInsight"]);
}
