//! A log group's KMS key and Logs Insights query definitions (saved queries). moto 5.2.5 lacks AssociateKmsKey and
//! the query definition operations; `tests/moto_ext/logs_ext.py` adds them on moto's Logs backend, so the first test
//! converges, drifts and is corrected against moto. The others pin the exact requests on aws-smithy-mocks with AWS's
//! documented shapes: the key associated by name, definitions read by prefix (paginated), put and deleted.

use super::{drift_fields, examples, in_sync_pass, no_errors, pass, report_pass, status};
use crate::support::calls::sorted_write_operations;
use crate::support::mocks::{json_error, KMS_KEY};
use crate::support::Moto;
use aws_baseline_operator::api::common::DriftPolicy;
use aws_baseline_operator::api::MonitoringPolicySpec;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

/// Against moto (with `tests/moto_ext/logs_ext.py`): a log group is created and its KMS key associated, saved
/// queries are created under the policy's prefix; a second pass writes nothing; a key someone removed and a query
/// someone edited are reported (Report, no write) and corrected (Correct: AssociateKmsKey and one
/// PutQueryDefinition with the definition's id); a query dropped from the spec is deleted.
#[tokio::test]
async fn log_group_kms_key_and_saved_queries_converge_drift_and_are_corrected_on_moto() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (mut account, app, _) = examples();
    account.regions = vec!["us-east-1".into()];
    let conf = moto.sdk_config("us-east-1").await;
    let key = moto.kms_key("us-east-1");
    let spec: MonitoringPolicySpec = serde_json::from_value(serde_json::json!({
        "accountRef": {"name": "sandbox"},
        "regions": ["us-east-1"],
        "logGroups": [{"name": "/app/checkout", "retentionInDays": 30, "kmsKeyId": key}],
        "insightsQueries": [
            {"name": "errors", "queryString": "fields @timestamp, @message | filter @message like /ERROR/",
             "logGroupNames": ["/app/checkout"]},
            {"name": "slow", "queryString": "stats avg(latency) by bin(5m)"}]
    }))
    .unwrap();
    let logs = aws_sdk_cloudwatchlogs::Client::new(&conf);
    const PREFIX: &str = "awsbaseline/payments/checkout-web/";

    let first = pass(&factory, &account, &app, &spec, None, DriftPolicy::Correct).await;
    no_errors(&first);
    assert_eq!(stats.count("PutQueryDefinition"), 2);
    let st = status(None, &first);
    let group = logs
        .describe_log_groups()
        .log_group_name_prefix("/app/checkout")
        .send()
        .await
        .unwrap();
    assert_eq!(group.log_groups()[0].kms_key_id(), Some(key.as_str()));
    let defs = logs
        .describe_query_definitions()
        .query_definition_name_prefix(PREFIX)
        .send()
        .await
        .unwrap();
    let names: Vec<&str> = defs
        .query_definitions()
        .iter()
        .filter_map(|d| d.name())
        .collect();
    assert_eq!(names, [format!("{PREFIX}errors"), format!("{PREFIX}slow")]);
    assert_eq!(
        defs.query_definitions()[0].log_group_names(),
        ["/app/checkout"]
    );

    // In sync: nothing written.
    let steady = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &steady);

    // Out of band: the key is disassociated and the errors query is edited.
    logs.disassociate_kms_key()
        .log_group_name("/app/checkout")
        .send()
        .await
        .unwrap();
    let errors_id = defs.query_definitions()[0]
        .query_definition_id()
        .unwrap()
        .to_string();
    logs.put_query_definition()
        .name(format!("{PREFIX}errors"))
        .query_definition_id(&errors_id)
        .query_string("fields @message")
        .send()
        .await
        .unwrap();
    let report = report_pass(&factory, &stats, &account, &app, &spec, &st).await;
    assert_eq!(
        drift_fields(&report),
        [
            "insightsQueries.errors.logGroupNames",
            "insightsQueries.errors.queryString",
            "logGroups./app/checkout.kmsKeyId",
        ]
    );
    stats.reset();
    let fixed = pass(
        &factory,
        &account,
        &app,
        &spec,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&fixed);
    assert_eq!(
        sorted_write_operations(&stats),
        ["AssociateKmsKey", "PutQueryDefinition"]
    );
    assert_eq!(stats.count("PutQueryDefinition"), 1);
    let st = status(Some(&st), &fixed);
    let again = in_sync_pass(&factory, &stats, &account, &app, &spec, &st).await;
    let st = status(Some(&st), &again);
    let defs = logs
        .describe_query_definitions()
        .query_definition_name_prefix(PREFIX)
        .send()
        .await
        .unwrap();
    assert_eq!(
        defs.query_definitions()[0].query_definition_id(),
        Some(errors_id.as_str()),
        "corrected in place, not recreated"
    );

    // The slow query leaves the spec: its definition is deleted.
    let mut smaller = spec.clone();
    smaller.insights_queries.retain(|q| q.name != "slow");
    stats.reset();
    let removed = pass(
        &factory,
        &account,
        &app,
        &smaller,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&removed);
    assert_eq!(sorted_write_operations(&stats), ["DeleteQueryDefinition"]);
    let left = logs
        .describe_query_definitions()
        .query_definition_name_prefix(PREFIX)
        .send()
        .await
        .unwrap();
    assert_eq!(left.query_definitions().len(), 1);
}

#[tokio::test]
async fn log_group_kms_key_is_associated_by_name() {
    use aws_baseline_operator::aws::logs;
    use aws_sdk_cloudwatchlogs::operation::associate_kms_key::AssociateKmsKeyOutput;
    use aws_sdk_cloudwatchlogs::Client as Logs;

    let associate = mock!(Logs::associate_kms_key)
        .match_requests(|r| {
            r.log_group_name() == Some("/app/checkout") && r.kms_key_id() == Some(KMS_KEY)
        })
        .then_output(|| AssociateKmsKeyOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudwatchlogs, RuleMode::MatchAny, [&associate]);
    logs::associate_kms_key(&client, "/app/checkout", KMS_KEY)
        .await
        .unwrap();
    assert_eq!(associate.num_calls(), 1);
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
