//! CloudWatch Logs operations moto 5.2.5 lacks, on aws-smithy-mocks with AWS's documented shapes: a log group's KMS
//! key associated by name, Logs Insights query definitions read by prefix, put and deleted.

use crate::support::mocks::{json_error, KMS_KEY};
use aws_smithy_mocks::{mock, mock_client, RuleMode};

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
