//! Session Manager preferences: the `SSM-SessionManagerRunShell` Session document (GetDocument, CreateDocument,
//! UpdateDocument + UpdateDocumentDefaultVersion, DeleteDocument).

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use crate::aws::tags;
use aws_sdk_ssm::types::{DocumentFormat, DocumentType, ResourceTypeForTagging};
use aws_sdk_ssm::Client;
use serde_json::Value;

const SVC: &str = "ssm";

/// The document Session Manager reads its regional preferences from.
pub const DOCUMENT: &str = "SSM-SessionManagerRunShell";

/// The document's content (`None` when the region has no such document).
pub async fn get(client: &Client) -> Result<Option<Value>, AwsError> {
    let out = not_found_as_none(
        client
            .get_document()
            .name(DOCUMENT)
            .document_format(DocumentFormat::Json)
            .send()
            .await
            .aws(SVC, "GetDocument"),
        &["InvalidDocument"],
    )?;
    Ok(out.map(|o| {
        o.content()
            .and_then(|c| serde_json::from_str(c).ok())
            .unwrap_or(Value::Null)
    }))
}

/// CreateDocument (type Session) with the owner's tags.
pub async fn create(
    client: &Client,
    content: &Value,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    let mut req = client
        .create_document()
        .name(DOCUMENT)
        .document_type(DocumentType::Session)
        .document_format(DocumentFormat::Json)
        .content(content.to_string());
    for t in tags::to_sdk(tags).map_err(|e| AwsError::invalid_input(SVC, "CreateDocument", e))? {
        req = req.tags(t);
    }
    req.send().await.aws(SVC, "CreateDocument")?;
    Ok(())
}

/// Versions searched for one with the desired content when SSM refuses a duplicate.
const MAX_VERSIONS_SEARCHED: u32 = 100;

/// UpdateDocument with the whole content, then make the new version the default (sessions read the default).
/// SSM refuses content an earlier version already has (`DuplicateDocumentContent`, e.g. when out-of-band edits
/// are undone); that version is found and made the default instead.
pub async fn update(client: &Client, content: &Value) -> Result<(), AwsError> {
    let r = client
        .update_document()
        .name(DOCUMENT)
        .document_format(DocumentFormat::Json)
        .document_version("$LATEST")
        .content(content.to_string())
        .send()
        .await
        .aws(SVC, "UpdateDocument");
    let version = match r {
        Ok(out) => out
            .document_description()
            .and_then(|d| d.document_version())
            .unwrap_or_default()
            .to_string(),
        Err(e) if e.has_code("DuplicateDocumentContent") => version_with(client, content).await?,
        Err(e) => return Err(e),
    };
    client
        .update_document_default_version()
        .name(DOCUMENT)
        .document_version(version)
        .send()
        .await
        .aws(SVC, "UpdateDocumentDefaultVersion")?;
    Ok(())
}

/// The newest version whose content is `content`.
async fn version_with(client: &Client, content: &Value) -> Result<String, AwsError> {
    let get = |version: String| async move {
        client
            .get_document()
            .name(DOCUMENT)
            .document_format(DocumentFormat::Json)
            .document_version(version)
            .send()
            .await
            .aws(SVC, "GetDocument")
    };
    let latest: u32 = get("$LATEST".into())
        .await?
        .document_version()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    for v in (1..=latest).rev().take(MAX_VERSIONS_SEARCHED as usize) {
        let doc = get(v.to_string()).await?;
        let found: Option<Value> = doc.content().and_then(|c| serde_json::from_str(c).ok());
        if found.as_ref() == Some(content) {
            return Ok(v.to_string());
        }
    }
    Err(AwsError::new(
        SVC,
        "UpdateDocument",
        ErrorCategory::InvalidInput,
        format!(
            "{DOCUMENT}: SSM reports the content as a duplicate, but none of the last {MAX_VERSIONS_SEARCHED} versions has it"
        ),
    ))
}

/// Tags of the document (read once, when status has no record of who made it).
pub async fn tags(client: &Client) -> Result<Vec<(String, String)>, AwsError> {
    Ok(
        crate::aws::ssm::tags(client, ResourceTypeForTagging::Document, DOCUMENT)
            .await?
            .into_iter()
            .collect(),
    )
}

/// DeleteDocument; an already missing document is done.
pub async fn delete(client: &Client) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_document()
            .name(DOCUMENT)
            .send()
            .await
            .aws(SVC, "DeleteDocument"),
        &["InvalidDocument"],
    )
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateDocument",
        MOTO,
        &[act("ssm:CreateDocument"), act("ssm:AddTagsToResource")],
        &["AccountBaseline.sessionManager#correct"],
    ),
    write(
        SVC,
        "DeleteDocument",
        MOTO,
        &[act("ssm:DeleteDocument")],
        &["AccountBaseline.sessionManager#delete"],
    ),
    read(
        SVC,
        "GetDocument",
        MOTO,
        &[act("ssm:GetDocument")],
        &["AccountBaseline.sessionManager"],
    ),
    write(
        SVC,
        "UpdateDocument",
        MOTO,
        &[act("ssm:UpdateDocument")],
        &["AccountBaseline.sessionManager#correct"],
    ),
    write(
        SVC,
        "UpdateDocumentDefaultVersion",
        MOTO,
        &[act("ssm:UpdateDocumentDefaultVersion")],
        &["AccountBaseline.sessionManager#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
