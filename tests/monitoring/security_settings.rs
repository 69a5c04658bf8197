//! The security settings of named resources (topic encryption and policy, log group retention and keys) are never
//! weakened by omission from the spec.

use super::*;

/// What a tenant names in its policy is never made less safe by omission: another team's topic is taken over only
/// when its owner tagged it for the tenant's namespace, an encrypted topic declared without `kmsMasterKeyId` stays
/// encrypted, and a log group keeping its events longer is not shortened (deleting audit logs) unless the policy
/// says `allowRetentionDecrease: true`.
#[tokio::test]
async fn security_settings_of_named_resources_are_never_weakened_by_omission() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, app, _) = examples();
    let eu = moto.sdk_config("eu-west-1").await;
    let sns = aws_sdk_sns::Client::new(&eu);
    // Another team's topic: its owner lets namespace `payments` manage it.
    sns.create_topic()
        .name("security-alerts")
        .attributes("KmsMasterKeyId", "alias/aws/sns")
        .tags(
            aws_sdk_sns::types::Tag::builder()
                .key("awsbaseline.io/adoptable-by")
                .value("payments")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    // And one whose owner did not: not this tenant's to subscribe to or open with policy statements.
    sns.create_topic()
        .name("billing-team")
        .send()
        .await
        .unwrap();
    let theirs: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["eu-west-1"],
        "topics": [{"name": "billing-team", "subscriptions": [{"protocol": "email", "endpoint": "me@example.com"}]}]
    }))
    .unwrap();
    let r = pass(
        &factory,
        &account,
        &app,
        &theirs,
        None,
        DriftPolicy::Correct,
    )
    .await;
    let refused: Vec<String> = r
        .pass
        .errors()
        .map(|o| o.error.as_ref().unwrap().to_string())
        .collect();
    assert!(
        refused.len() == 1
            && refused[0].contains("topic billing-team exists and belongs to neither"),
        "{refused:?}"
    );
    assert!(
        stats.write_operations().is_empty(),
        "{:?}",
        stats.write_operations()
    );
    let logs = aws_sdk_cloudwatchlogs::Client::new(&eu);
    logs.create_log_group()
        .log_group_name("/audit/trail")
        .send()
        .await
        .unwrap();
    logs.put_retention_policy()
        .log_group_name("/audit/trail")
        .retention_in_days(365)
        .send()
        .await
        .unwrap();
    let mut spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["eu-west-1"],
        "topics": [{"name": "security-alerts"}],
        "logGroups": [{"name": "/audit/trail", "retentionInDays": 7}]
    }))
    .unwrap();
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    assert!(
        !drift_fields(&r)
            .iter()
            .any(|f| f.contains("kmsMasterKeyId")),
        "{:?}",
        drift_fields(&r)
    );
    let failed: Vec<String> = r
        .pass
        .errors()
        .map(|o| o.error.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert!(
        failed[0].contains("from 365 days to 7 days")
            && failed[0].contains("allowRetentionDecrease"),
        "{failed:?}"
    );
    assert!(!sorted_write_operations(&stats).contains(&"PutRetentionPolicy".to_string()));
    let retention = || async {
        logs.describe_log_groups()
            .log_group_name_prefix("/audit/trail")
            .send()
            .await
            .unwrap()
            .log_groups()[0]
            .retention_in_days()
    };
    assert_eq!(retention().await, Some(365));
    let attrs = sns
        .get_topic_attributes()
        .topic_arn(format!(
            "arn:aws:sns:eu-west-1:{}:security-alerts",
            support::ACCOUNT
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(
        attrs
            .attributes()
            .and_then(|a| a.get("KmsMasterKeyId"))
            .map(String::as_str),
        Some("alias/aws/sns"),
        "still encrypted"
    );

    // Said explicitly: applied.
    spec.log_groups[0].allow_retention_decrease = true;
    let r = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(retention().await, Some(7));
}
