//! Operations moto lacks, and failure modes it cannot produce, tested with aws-smithy-mocks. The real SDK
//! still serialises requests (and, for HTTP responses, deserialises them).

use aws_baseline_operator::aws::{ec2, ErrorCategory};
use aws_sdk_ec2::operation::get_ebs_default_kms_key_id::GetEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::operation::modify_ebs_default_kms_key_id::ModifyEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::Client as Ec2;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

const KEY: &str = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

fn ec2_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Errors><Error><Code>{code}</Code><Message>{message}</Message></Error></Errors><RequestID>r-1</RequestID></Response>"
    );
    HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body))
}

#[tokio::test]
async fn ebs_default_kms_key_is_read_and_modified() {
    let get = mock!(Ec2::get_ebs_default_kms_key_id).then_output(|| {
        GetEbsDefaultKmsKeyIdOutput::builder()
            .kms_key_id(KEY)
            .build()
    });
    let modify = mock!(Ec2::modify_ebs_default_kms_key_id)
        .match_requests(|r| r.kms_key_id() == Some("alias/ebs-default"))
        .then_output(|| {
            ModifyEbsDefaultKmsKeyIdOutput::builder()
                .kms_key_id("alias/ebs-default")
                .build()
        });
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&get, &modify]);
    assert_eq!(
        ec2::default_kms_key(&client).await.unwrap().as_deref(),
        Some(KEY)
    );
    ec2::set_default_kms_key(&client, "alias/ebs-default")
        .await
        .unwrap();
    assert_eq!((get.num_calls(), modify.num_calls()), (1, 1));
}

#[tokio::test]
async fn access_denied_names_the_operation() {
    let denied = mock!(Ec2::modify_ebs_default_kms_key_id).then_http_response(|| {
        ec2_error(
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
        )
    });
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&denied]);
    let err = ec2::set_default_kms_key(&client, "alias/x")
        .await
        .unwrap_err();
    assert_eq!(err.category, ErrorCategory::AccessDenied);
    assert_eq!(err.code.as_deref(), Some("UnauthorizedOperation"));
    assert!(
        err.to_string()
            .starts_with("ec2:ModifyEbsDefaultKmsKeyId failed (AccessDenied"),
        "{err}"
    );
}

#[tokio::test]
async fn invalid_key_is_invalid_input() {
    let bad = mock!(Ec2::modify_ebs_default_kms_key_id)
        .then_http_response(|| ec2_error(400, "InvalidParameterValue", "Invalid KMS key"));
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&bad]);
    let err = ec2::set_default_kms_key(&client, "nope").await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::InvalidInput);
    assert!(!err.category.is_retryable());
}

#[tokio::test]
async fn throttling_is_retried_inside_the_call() {
    let throttled_then_ok = mock!(Ec2::get_ebs_encryption_by_default)
        .sequence()
        .http_response(|| ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."))
        .times(2)
        .output(|| aws_sdk_ec2::operation::get_ebs_encryption_by_default::GetEbsEncryptionByDefaultOutput::builder().ebs_encryption_by_default(true).build())
        .build();
    let client = mock_client!(
        aws_sdk_ec2,
        RuleMode::Sequential,
        &[&throttled_then_ok],
        |c| c.retry_config(
            aws_sdk_ec2::config::retry::RetryConfig::standard()
                .with_max_attempts(4)
                .with_initial_backoff(std::time::Duration::from_millis(1))
        )
    );
    assert!(ec2::encryption_by_default(&client).await.unwrap());
    assert_eq!(throttled_then_ok.num_calls(), 3);
}

#[tokio::test]
async fn persistent_throttling_is_classified_retryable() {
    let throttled = mock!(Ec2::get_ebs_encryption_by_default)
        .sequence()
        .http_response(|| ec2_error(503, "RequestLimitExceeded", "Request limit exceeded."))
        .repeatedly()
        .build();
    let client = mock_client!(aws_sdk_ec2, RuleMode::Sequential, &[&throttled], |c| c
        .retry_config(
            aws_sdk_ec2::config::retry::RetryConfig::standard()
                .with_max_attempts(2)
                .with_initial_backoff(std::time::Duration::from_millis(1))
        ));
    let err = ec2::encryption_by_default(&client).await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::Throttled);
    assert!(err.category.is_retryable());
}

/// PutCompositeAlarm (moto 5.2.5 lacks it): the rule names this policy's alarms by their AWS names, actions
/// resolve declared topics, tags go only on creation.
#[tokio::test]
async fn composite_alarm_is_put_with_resolved_rule_and_actions() {
    use aws_baseline_operator::api::MonitoringPolicySpec;
    use aws_baseline_operator::aws::cloudwatch;
    use aws_baseline_operator::monitoring;
    use aws_sdk_cloudwatch::operation::put_composite_alarm::PutCompositeAlarmOutput;
    use aws_sdk_cloudwatch::Client as Cw;
    use std::collections::BTreeMap;

    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "a"},
        "topics": [{"name": "ops"}],
        "alarms": [
            {"name": "alb-5xx", "namespace": "AWS/ApplicationELB", "metricName": "HTTPCode_Target_5XX_Count",
             "statistic": "Sum", "period": 60, "evaluationPeriods": 1, "threshold": 5.0,
             "comparisonOperator": "GreaterThanThreshold"},
            {"name": "latency", "namespace": "AWS/ApplicationELB", "metricName": "TargetResponseTime",
             "extendedStatistic": "p99", "period": 60, "evaluationPeriods": 1, "threshold": 1.5,
             "comparisonOperator": "GreaterThanThreshold"}],
        "compositeAlarms": [{"name": "user-facing", "rule": "ALARM(alb-5xx) AND ALARM(\"latency\") AND NOT OK(other-team-alarm)",
            "alarmTopics": ["ops"], "notifyOk": true}]
    }))
    .unwrap();
    let prefix = monitoring::prefix("web", "app");
    let composite = &monitoring::composites(&spec, &prefix)[0];
    assert_eq!(
        composite.rule,
        "ALARM(\"awsbaseline.web.app.alb-5xx\") AND ALARM(\"awsbaseline.web.app.latency\") AND NOT OK(other-team-alarm)"
    );
    let topic = "arn:aws:sns:us-east-1:123456789012:ops";
    let put = mock!(Cw::put_composite_alarm)
        .match_requests(move |r| {
            r.alarm_name() == Some("awsbaseline.web.app.user-facing")
                && r.alarm_rule()
                    .is_some_and(|x| x.contains("awsbaseline.web.app.alb-5xx"))
                && r.alarm_actions() == [topic]
                && r.ok_actions() == [topic]
                && r.tags().iter().any(|t| t.key() == Some("k"))
        })
        .then_output(|| PutCompositeAlarmOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudwatch, RuleMode::MatchAny, [&put]);
    let arns = BTreeMap::from([("ops".to_string(), topic.to_string())]);
    cloudwatch::put_composite(
        &client,
        composite,
        &arns,
        Some(&[("k".to_string(), "v".to_string())]),
    )
    .await
    .unwrap();
    assert_eq!(put.num_calls(), 1);
}

#[tokio::test]
async fn log_group_kms_key_is_associated_by_name() {
    use aws_baseline_operator::aws::logs;
    use aws_sdk_cloudwatchlogs::operation::associate_kms_key::AssociateKmsKeyOutput;
    use aws_sdk_cloudwatchlogs::Client as Logs;

    let associate = mock!(Logs::associate_kms_key)
        .match_requests(|r| {
            r.log_group_name() == Some("/app/checkout") && r.kms_key_id() == Some(KEY)
        })
        .then_output(|| AssociateKmsKeyOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&associate]);
    logs::associate_kms_key(&client, "/app/checkout", KEY)
        .await
        .unwrap();
    assert_eq!(associate.num_calls(), 1);
}

/// A JSON-protocol error response (restJson1 and awsJson1.1 both read `x-amzn-errortype` / `__type`).
fn json_error(status: u16, code: &str, message: &str) -> HttpResponse {
    let body = format!("{{\"__type\":\"{code}\",\"message\":\"{message}\"}}");
    let mut r = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
    r.headers_mut().insert("x-amzn-errortype", code.to_string());
    r.headers_mut()
        .insert("content-type", "application/x-amz-json-1.1");
    r
}

/// Logs Insights query definitions (moto 5.2.5 lacks them): one paginated DescribeQueryDefinitions by the
/// policy prefix, PutQueryDefinition with the id only when replacing, DeleteQueryDefinition of a missing one is
/// done.
#[tokio::test]
async fn query_definitions_are_read_by_prefix_put_and_deleted() {
    use aws_baseline_operator::aws::logs;
    use aws_sdk_cloudwatchlogs::operation::delete_query_definition::DeleteQueryDefinitionOutput;
    use aws_sdk_cloudwatchlogs::operation::describe_query_definitions::DescribeQueryDefinitionsOutput;
    use aws_sdk_cloudwatchlogs::operation::put_query_definition::PutQueryDefinitionOutput;
    use aws_sdk_cloudwatchlogs::types::QueryDefinition;
    use aws_sdk_cloudwatchlogs::Client as Logs;

    const PREFIX: &str = "awsbaseline/web/app/";
    let def = |id: &str, name: &str| {
        QueryDefinition::builder()
            .query_definition_id(id)
            .name(name)
            .query_string("fields @message")
            .log_group_names("/b")
            .log_group_names("/a")
            .build()
    };
    let page1 = mock!(Logs::describe_query_definitions)
        .match_requests(|r| {
            r.query_definition_name_prefix() == Some(PREFIX) && r.next_token().is_none()
        })
        .then_output(move || {
            DescribeQueryDefinitionsOutput::builder()
                .query_definitions(def("id-1", "awsbaseline/web/app/errors"))
                .next_token("t2")
                .build()
        });
    let page2 = mock!(Logs::describe_query_definitions)
        .match_requests(|r| {
            r.query_definition_name_prefix() == Some(PREFIX) && r.next_token() == Some("t2")
        })
        .then_output(move || {
            DescribeQueryDefinitionsOutput::builder()
                .query_definitions(def("id-2", "awsbaseline/web/app/slow"))
                .build()
        });
    let create = mock!(Logs::put_query_definition)
        .match_requests(|r| {
            r.name() == Some("awsbaseline/web/app/new")
                && r.query_definition_id().is_none()
                && r.query_string() == Some("stats count(*)")
                && r.log_group_names() == ["/app"]
        })
        .then_output(|| {
            PutQueryDefinitionOutput::builder()
                .query_definition_id("id-new")
                .build()
        });
    let replace = mock!(Logs::put_query_definition)
        .match_requests(|r| {
            r.query_definition_id() == Some("id-1") && r.log_group_names().is_empty()
        })
        .then_output(|| {
            PutQueryDefinitionOutput::builder()
                .query_definition_id("id-1")
                .build()
        });
    let delete = mock!(Logs::delete_query_definition)
        .match_requests(|r| r.query_definition_id() == Some("id-2"))
        .then_output(|| DeleteQueryDefinitionOutput::builder().success(true).build());
    let delete_missing = mock!(Logs::delete_query_definition)
        .match_requests(|r| r.query_definition_id() == Some("gone"))
        .then_http_response(|| {
            json_error(
                400,
                "ResourceNotFoundException",
                "The query definition does not exist",
            )
        });
    let client = mock_client!(
        aws_sdk_cloudwatchlogs,
        RuleMode::MatchAny,
        [&page1, &page2, &create, &replace, &delete, &delete_missing]
    );

    let found = logs::query_definitions(&client, PREFIX).await.unwrap();
    assert_eq!(
        found.iter().map(|d| d.id.as_str()).collect::<Vec<_>>(),
        ["id-1", "id-2"]
    );
    assert_eq!(found[0].log_group_names, ["/b", "/a"]);
    assert_eq!((page1.num_calls(), page2.num_calls()), (1, 1));

    let id = logs::put_query_definition(
        &client,
        "awsbaseline/web/app/new",
        None,
        "stats count(*)",
        &["/app".to_string()],
    )
    .await
    .unwrap();
    assert_eq!(id, "id-new");
    let id = logs::put_query_definition(
        &client,
        "awsbaseline/web/app/errors",
        Some("id-1"),
        "fields @message",
        &[],
    )
    .await
    .unwrap();
    assert_eq!(id, "id-1");
    logs::delete_query_definition(&client, "id-2")
        .await
        .unwrap();
    logs::delete_query_definition(&client, "gone")
        .await
        .unwrap();
    assert_eq!(
        (
            create.num_calls(),
            replace.num_calls(),
            delete.num_calls(),
            delete_missing.num_calls()
        ),
        (1, 1, 1, 1)
    );
}

const CW_ROLE: &str = "arn:aws:iam::123456789012:role/cloudwatch-agent";
const ASSOCIATION: &str =
    "arn:aws:eks:us-east-1:123456789012:podidentityassociation/prod/a-abcdefghijklmnop1";

/// DescribeAddon: settings, tags and association ARNs; a missing add-on is `None`. The association's role is
/// found by the last path segment of its ARN; the newest compatible version is the first one listed.
#[tokio::test]
async fn eks_addon_is_observed_with_tags_version_and_pod_identity() {
    use aws_baseline_operator::aws::eks;
    use aws_sdk_eks::operation::describe_addon::DescribeAddonOutput;
    use aws_sdk_eks::operation::describe_addon_versions::DescribeAddonVersionsOutput;
    use aws_sdk_eks::operation::describe_cluster::DescribeClusterOutput;
    use aws_sdk_eks::operation::describe_pod_identity_association::DescribePodIdentityAssociationOutput;
    use aws_sdk_eks::types::{
        Addon, AddonInfo, AddonStatus, AddonVersionInfo, Cluster, PodIdentityAssociation,
    };
    use aws_sdk_eks::Client as Eks;

    let present = mock!(Eks::describe_addon)
        .match_requests(|r| r.cluster_name() == Some("prod") && r.addon_name() == Some(eks::ADDON))
        .then_output(|| {
            DescribeAddonOutput::builder()
                .addon(
                    Addon::builder()
                        .addon_name(eks::ADDON)
                        .cluster_name("prod")
                        .addon_version("v2.1.0-eksbuild.1")
                        .status(AddonStatus::Active)
                        .configuration_values("containerLogs:\n  enabled: true\n")
                        .pod_identity_associations(ASSOCIATION)
                        .tags("awsbaseline.io/owner-uid", "uid-1")
                        .build(),
                )
                .build()
        });
    let absent = mock!(Eks::describe_addon)
        .match_requests(|r| r.cluster_name() == Some("dev"))
        .then_http_response(|| {
            json_error(
                404,
                "ResourceNotFoundException",
                "No addon: amazon-cloudwatch-observability found in cluster: dev",
            )
        });
    let cluster = mock!(Eks::describe_cluster)
        .match_requests(|r| r.name() == Some("prod"))
        .then_output(|| {
            DescribeClusterOutput::builder()
                .cluster(Cluster::builder().name("prod").version("1.31").build())
                .build()
        });
    let versions = mock!(Eks::describe_addon_versions)
        .match_requests(|r| {
            r.addon_name() == Some(eks::ADDON) && r.kubernetes_version() == Some("1.31")
        })
        .then_output(|| {
            DescribeAddonVersionsOutput::builder()
                .addons(
                    AddonInfo::builder()
                        .addon_name(eks::ADDON)
                        .addon_versions(
                            AddonVersionInfo::builder()
                                .addon_version("v4.1.0-eksbuild.1")
                                .build(),
                        )
                        .addon_versions(
                            AddonVersionInfo::builder()
                                .addon_version("v4.0.0-eksbuild.1")
                                .build(),
                        )
                        .build(),
                )
                .build()
        });
    let association = mock!(Eks::describe_pod_identity_association)
        .match_requests(|r| {
            r.cluster_name() == Some("prod") && r.association_id() == Some("a-abcdefghijklmnop1")
        })
        .then_output(|| {
            DescribePodIdentityAssociationOutput::builder()
                .association(
                    PodIdentityAssociation::builder()
                        .cluster_name("prod")
                        .namespace("amazon-cloudwatch")
                        .service_account(eks::AGENT_SERVICE_ACCOUNT)
                        .role_arn(CW_ROLE)
                        .association_arn(ASSOCIATION)
                        .build(),
                )
                .build()
        });
    let client = mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&present, &absent, &cluster, &versions, &association]
    );

    let a = eks::addon(&client, "prod").await.unwrap().unwrap();
    assert_eq!(a.version.as_deref(), Some("v2.1.0-eksbuild.1"));
    assert_eq!(a.status.as_deref(), Some("ACTIVE"));
    assert!(!a.in_progress());
    assert_eq!(
        a.tags,
        [("awsbaseline.io/owner-uid".to_string(), "uid-1".to_string())]
    );
    assert_eq!(a.pod_identity_associations, [ASSOCIATION]);
    assert_eq!(
        a.configuration_values.as_deref(),
        Some("containerLogs:\n  enabled: true\n")
    );
    assert_eq!(eks::addon(&client, "dev").await.unwrap(), None);
    assert_eq!(
        eks::kubernetes_version(&client, "prod").await.unwrap(),
        "1.31"
    );
    assert_eq!(
        eks::latest_version(&client, "1.31")
            .await
            .unwrap()
            .as_deref(),
        Some("v4.1.0-eksbuild.1")
    );
    assert_eq!(
        eks::pod_identity_association(&client, "prod", ASSOCIATION)
            .await
            .unwrap(),
        Some((eks::AGENT_SERVICE_ACCOUNT.to_string(), CW_ROLE.to_string()))
    );
    assert_eq!(
        (
            present.num_calls(),
            absent.num_calls(),
            cluster.num_calls(),
            versions.num_calls(),
            association.num_calls()
        ),
        (1, 1, 1, 1, 1)
    );
}

/// CreateAddon carries the owner tags, resolveConflicts OVERWRITE, the configuration as a JSON string and the
/// pod identity association of `cloudwatch-agent`; UpdateAddon the same settings without tags; DeleteAddon of
/// a missing add-on is done.
#[tokio::test]
async fn eks_addon_is_created_updated_and_deleted_with_the_documented_request_shape() {
    use aws_baseline_operator::aws::eks::{self, AddonRequest};
    use aws_sdk_eks::operation::create_addon::CreateAddonOutput;
    use aws_sdk_eks::operation::delete_addon::DeleteAddonOutput;
    use aws_sdk_eks::operation::update_addon::UpdateAddonOutput;
    use aws_sdk_eks::types::ResolveConflicts;
    use aws_sdk_eks::Client as Eks;

    let config = serde_json::json!({"containerLogs": {"enabled": true}});
    let expected = config.clone();
    let create = mock!(Eks::create_addon)
        .match_requests(move |r| {
            let sent: Option<serde_json::Value> = r
                .configuration_values()
                .and_then(|c| serde_json::from_str(c).ok());
            r.cluster_name() == Some("prod")
                && r.addon_name() == Some(eks::ADDON)
                && r.addon_version() == Some("v4.1.0-eksbuild.1")
                && r.resolve_conflicts() == Some(&ResolveConflicts::Overwrite)
                && r.tags().and_then(|t| t.get("awsbaseline.io/owner-uid"))
                    == Some(&"uid-1".to_string())
                && sent.as_ref() == Some(&expected)
                && r.pod_identity_associations().len() == 1
                && r.pod_identity_associations()[0].service_account() == "cloudwatch-agent"
                && r.pod_identity_associations()[0].role_arn() == CW_ROLE
                && r.service_account_role_arn().is_none()
        })
        .then_output(|| CreateAddonOutput::builder().build());
    let update = mock!(Eks::update_addon)
        .match_requests(|r| {
            r.cluster_name() == Some("prod")
                && r.addon_name() == Some(eks::ADDON)
                && r.resolve_conflicts() == Some(&ResolveConflicts::Overwrite)
                && r.service_account_role_arn() == Some("arn:aws:iam::123456789012:role/irsa")
                && r.pod_identity_associations().is_empty()
                && r.configuration_values().is_none()
        })
        .then_output(|| UpdateAddonOutput::builder().build());
    let delete = mock!(Eks::delete_addon)
        .match_requests(|r| r.cluster_name() == Some("prod") && r.addon_name() == Some(eks::ADDON))
        .then_output(|| DeleteAddonOutput::builder().build());
    let delete_missing = mock!(Eks::delete_addon)
        .match_requests(|r| r.cluster_name() == Some("dev"))
        .then_http_response(|| json_error(404, "ResourceNotFoundException", "No addon"));
    let client = mock_client!(
        aws_sdk_eks,
        RuleMode::MatchAny,
        [&create, &update, &delete, &delete_missing]
    );

    let req = AddonRequest {
        cluster: "prod".into(),
        version: Some("v4.1.0-eksbuild.1".into()),
        configuration_values: Some(config.to_string()),
        service_account_role_arn: None,
        pod_identity_role_arn: Some(CW_ROLE.into()),
    };
    eks::create_addon(
        &client,
        &req,
        &[("awsbaseline.io/owner-uid".to_string(), "uid-1".to_string())],
    )
    .await
    .unwrap();
    let irsa = AddonRequest {
        cluster: "prod".into(),
        version: Some("v4.1.0-eksbuild.1".into()),
        configuration_values: None,
        service_account_role_arn: Some("arn:aws:iam::123456789012:role/irsa".into()),
        pod_identity_role_arn: None,
    };
    eks::update_addon(&client, &irsa).await.unwrap();
    eks::delete_addon(&client, "prod").await.unwrap();
    eks::delete_addon(&client, "dev").await.unwrap();
    assert_eq!(
        (
            create.num_calls(),
            update.num_calls(),
            delete.num_calls(),
            delete_missing.num_calls()
        ),
        (1, 1, 1, 1)
    );
}

/// A refused add-on write names the operation and is classified.
#[tokio::test]
async fn eks_addon_write_errors_are_classified() {
    use aws_baseline_operator::aws::eks::{self, AddonRequest};
    use aws_sdk_eks::Client as Eks;

    let denied = mock!(Eks::update_addon)
        .then_http_response(|| json_error(403, "AccessDeniedException", "not authorized"));
    let client = mock_client!(aws_sdk_eks, RuleMode::MatchAny, [&denied]);
    let err = eks::update_addon(
        &client,
        &AddonRequest {
            cluster: "prod".into(),
            ..Default::default()
        },
    )
    .await
    .unwrap_err();
    assert_eq!(err.category, ErrorCategory::AccessDenied);
    assert!(
        err.to_string().starts_with("eks:UpdateAddon failed"),
        "{err}"
    );
}
