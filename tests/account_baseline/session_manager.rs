//! Session Manager preferences (the `sessionManager` section, an SSM document) against moto: convergence, drift,
//! and deletion that follows ownership.

use super::*;

const DOC: &str = "SSM-SessionManagerRunShell";

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
