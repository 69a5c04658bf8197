//! State Manager associations: updated with the full desired settings, listed per document with their parameters
//! described.

use super::*;

// Request syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateAssociation.html
// ("When you call UpdateAssociation, the system removes all optional parameters from the request and overwrites
// the association with null values for those parameters.") Response: {"AssociationDescription": {...}} as in
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
const UPDATE_ASSOCIATION_RESPONSE: &str = r#"{
    "AssociationDescription": {
        "ApplyOnlyAtCronInterval": false,
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "update-agent-prod",
        "AssociationVersion": "2",
        "Date": 1550505828.548,
        "DocumentVersion": "$DEFAULT",
        "LastUpdateAssociationDate": 1550508093.294,
        "Name": "AWS-UpdateSSMAgent",
        "Overview": { "DetailedStatus": "Creating", "Status": "Pending" },
        "Parameters": { "allowDowngrade": [ "false" ], "version": [ "" ] },
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
    }
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdateAssociation.html
#[tokio::test]
async fn update_association_sends_the_full_desired_settings() {
    let update = mock!(Ssm::update_association)
        .match_requests(|r| {
            assert_eq!(r.association_id(), Some(ASSOCIATION));
            assert_eq!(r.name(), Some("AWS-UpdateSSMAgent"));
            assert_eq!(r.association_name(), Some("update-agent-prod"));
            assert_eq!(r.schedule_expression(), Some("cron(0 2 ? * SUN *)"));
            assert_eq!(entries(r.targets()), vec![entry("tag:env", &["prod"])]);
            assert_eq!(
                r.parameters(),
                Some(&hash(&[("allowDowngrade", &["false"]), ("version", &[""])]))
            );
            true
        })
        .then_http_response(|| ok(UPDATE_ASSOCIATION_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = AssociationConfig {
        association_name: "update-agent-prod".into(),
        document: "AWS-UpdateSSMAgent".into(),
        schedule: "cron(0 2 ? * SUN *)".into(),
        targets: vec![entry("tag:env", &["prod"])],
        parameters: params(&[("allowDowngrade", &["false"]), ("version", &[""])]),
    };
    ssm::update_association(&client, ASSOCIATION, &cfg)
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListAssociations.html
const LIST_ASSOCIATIONS: &str = r#"{
    "Associations": [
        {
            "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
            "AssociationName": "update-agent-prod",
            "AssociationVersion": "1",
            "DocumentVersion": "$DEFAULT",
            "LastExecutionDate": 1550505828.548,
            "Name": "AWS-UpdateSSMAgent",
            "Overview": {
                "AssociationStatusAggregatedCount": { "Success": 5 },
                "DetailedStatus": "Success",
                "Status": "Success"
            },
            "ScheduleExpression": "cron(0 2 ? * SUN *)",
            "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
        },
        {
            "AssociationId": "fbc07ef7-b985-4684-b82b-0123456789ab",
            "AssociationName": "update-agent-dev",
            "AssociationVersion": "3",
            "Name": "AWS-UpdateSSMAgent",
            "Overview": { "DetailedStatus": "Pending", "Status": "Pending" },
            "ScheduleExpression": "rate(7 days)",
            "Targets": [ { "Key": "InstanceIds", "Values": [ "i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE" ] } ]
        }
    ]
}"#;

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
const DESCRIBE_ASSOCIATION: &str = r#"{
    "AssociationDescription": {
        "ApplyOnlyAtCronInterval": false,
        "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
        "AssociationName": "update-agent-prod",
        "AssociationVersion": "1",
        "Date": 1550505828.548,
        "DocumentVersion": "$DEFAULT",
        "LastExecutionDate": 1550505828.548,
        "LastSuccessfulExecutionDate": 1550505828.548,
        "LastUpdateAssociationDate": 1550505828.548,
        "Name": "AWS-UpdateSSMAgent",
        "Overview": {
            "AssociationStatusAggregatedCount": { "Success": 5 },
            "DetailedStatus": "Success",
            "Status": "Success"
        },
        "Parameters": { "allowDowngrade": [ "false" ], "version": [ "3.3.40.0" ] },
        "ScheduleExpression": "cron(0 2 ? * SUN *)",
        "Targets": [ { "Key": "tag:env", "Values": [ "prod" ] } ]
    }
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListAssociations.html
// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_DescribeAssociation.html
#[tokio::test]
async fn associations_are_listed_per_document_and_their_parameters_described() {
    let list = mock!(Ssm::list_associations)
        .match_requests(|r| {
            let f = r.association_filter_list();
            assert_eq!(f.len(), 1);
            assert_eq!(f[0].key().as_str(), "Name");
            assert_eq!(f[0].value(), "AWS-UpdateSSMAgent");
            true
        })
        .then_http_response(|| ok(LIST_ASSOCIATIONS));
    let describe = mock!(Ssm::describe_association)
        .match_requests(|r| r.association_id() == Some(ASSOCIATION))
        .then_http_response(|| ok(DESCRIBE_ASSOCIATION));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&list, &describe]);

    let all = ssm::associations(&client, "AWS-UpdateSSMAgent")
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].id, ASSOCIATION);
    assert_eq!(
        all[0].config,
        AssociationConfig {
            association_name: "update-agent-prod".into(),
            document: "AWS-UpdateSSMAgent".into(),
            schedule: "cron(0 2 ? * SUN *)".into(),
            targets: vec![entry("tag:env", &["prod"])],
            // ListAssociations does not return parameters.
            parameters: BTreeMap::new(),
        }
    );
    assert_eq!(all[1].id, "fbc07ef7-b985-4684-b82b-0123456789ab");
    assert_eq!(all[1].config.schedule, "rate(7 days)");
    assert_eq!(
        all[1].config.targets,
        vec![entry(
            "InstanceIds",
            &["i-02573cafcfEXAMPLE", "i-0471e04240EXAMPLE"]
        )]
    );

    let p = ssm::association_parameters(&client, ASSOCIATION)
        .await
        .unwrap();
    assert_eq!(
        p,
        params(&[("allowDowngrade", &["false"]), ("version", &["3.3.40.0"])])
    );
    assert_eq!((list.num_calls(), describe.num_calls()), (1, 1));
}
