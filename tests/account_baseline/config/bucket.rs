//! The Config delivery bucket: created once, kept private, its policy restored; one bucket shared with the trail
//! holds both policies.

use super::*;

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
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
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
