//! State Manager associations (the inventory collection of a PatchSchedule and an AccountBaseline, the CloudWatch
//! agent of a MonitoringPolicy).

use super::{build_err, our_targets, sdk_tags, sdk_targets, sorted, TargetEntry, SVC};
use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO_EXT};
use aws_sdk_ssm::types::{AssociationFilter, AssociationFilterKey};
use aws_sdk_ssm::Client;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// Sets the settings CreateAssociation and UpdateAssociation share on either request (the SDK's two builders have
/// the same setters and no common trait).
macro_rules! with_settings {
    ($req:expr, $cfg:expr) => {
        $req.name(&$cfg.document)
            .association_name(&$cfg.association_name)
            .schedule_expression(&$cfg.schedule)
            .set_targets(Some(sdk_targets(&$cfg.targets)))
            .set_parameters(Some(
                $cfg.parameters
                    .clone()
                    .into_iter()
                    .collect::<HashMap<String, Vec<String>>>(),
            ))
    };
}
/// An association's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AssociationConfig {
    /// Association name.
    pub association_name: String,
    /// Document name.
    pub document: String,
    /// Schedule expression.
    pub schedule: String,
    /// Targets.
    pub targets: Vec<TargetEntry>,
    /// Parameters.
    pub parameters: BTreeMap<String, Vec<String>>,
}

/// An association as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct AssociationState {
    /// Association ID.
    pub id: String,
    /// Settings (parameters only when read with DescribeAssociation).
    pub config: AssociationConfig,
    /// Where its runs stand on the instances it targets (`Overview` of ListAssociations).
    pub overview: AssociationOverview,
}

/// An association's `Overview` (API reference, AssociationOverview): its status and how many targeted
/// instances are in each association status.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssociationOverview {
    /// `Pending`, `Success` or `Failed` (empty when AWS reports none).
    pub status: String,
    /// A detailed status, e.g. `Creating`, `Associated` (empty when AWS reports none).
    pub detailed_status: String,
    /// Instances per association status (`AssociationStatusAggregatedCount`), e.g. `Success: 12, Failed: 1`.
    pub instances: BTreeMap<String, i32>,
}

fn overview(o: Option<&aws_sdk_ssm::types::AssociationOverview>) -> AssociationOverview {
    let Some(o) = o else {
        return AssociationOverview::default();
    };
    AssociationOverview {
        status: o.status().unwrap_or_default().to_string(),
        detailed_status: o.detailed_status().unwrap_or_default().to_string(),
        instances: o
            .association_status_aggregated_count()
            .map(|m| m.iter().map(|(k, v)| (k.clone(), *v)).collect())
            .unwrap_or_default(),
    }
}

/// ListAssociations for one document: every association of it (ID, name, schedule, targets, overview).
pub async fn associations(
    client: &Client,
    document: &str,
) -> Result<Vec<AssociationState>, AwsError> {
    let filter = AssociationFilter::builder()
        .key(AssociationFilterKey::Name)
        .value(document)
        .build()
        .map_err(|e| build_err("ListAssociations", e))?;
    let mut out = Vec::new();
    let mut pages = client
        .list_associations()
        .association_filter_list(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "ListAssociations")?;
        out.extend(page.associations().iter().map(|a| AssociationState {
            id: a.association_id().unwrap_or_default().to_string(),
            config: AssociationConfig {
                association_name: a.association_name().unwrap_or_default().to_string(),
                document: a.name().unwrap_or_default().to_string(),
                schedule: a.schedule_expression().unwrap_or_default().to_string(),
                targets: our_targets(a.targets()),
                parameters: BTreeMap::new(),
            },
            overview: overview(a.overview()),
        }));
    }
    Ok(out)
}

/// DescribeAssociation: the association's parameters.
pub async fn association_parameters(
    client: &Client,
    id: &str,
) -> Result<BTreeMap<String, Vec<String>>, AwsError> {
    let r = client
        .describe_association()
        .association_id(id)
        .send()
        .await
        .aws(SVC, "DescribeAssociation")?;
    Ok(sorted(
        r.association_description().and_then(|d| d.parameters()),
    ))
}

/// CreateAssociation with ownership tags; returns the association ID.
pub async fn create_association(
    client: &Client,
    cfg: &AssociationConfig,
    tags: &[(String, String)],
) -> Result<String, AwsError> {
    let r = with_settings!(client.create_association(), cfg)
        .set_tags(Some(sdk_tags(tags)?))
        .send()
        .await
        .aws(SVC, "CreateAssociation")?;
    Ok(r.association_description()
        .and_then(|d| d.association_id())
        .unwrap_or_default()
        .to_string())
}

/// UpdateAssociation with the full desired settings.
pub async fn update_association(
    client: &Client,
    id: &str,
    cfg: &AssociationConfig,
) -> Result<(), AwsError> {
    with_settings!(client.update_association(), cfg)
        .association_id(id)
        .send()
        .await
        .aws(SVC, "UpdateAssociation")?;
    Ok(())
}

/// DeleteAssociation; a missing association is fine.
pub async fn delete_association(client: &Client, id: &str) -> Result<(), AwsError> {
    let r = client
        .delete_association()
        .association_id(id)
        .send()
        .await
        .aws(SVC, "DeleteAssociation");
    ok_if_gone(r, &["AssociationDoesNotExist", "DoesNotExistException"])
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateAssociation",
        MOTO_EXT,
        &[act("ssm:CreateAssociation"), act("ssm:AddTagsToResource")],
        &[
            "PatchSchedule.inventory#correct",
            "AccountBaseline.ssmInventory#correct",
            "MonitoringPolicy.cloudWatchAgent#correct",
        ],
    ),
    write(
        SVC,
        "DeleteAssociation",
        MOTO_EXT,
        &[act("ssm:DeleteAssociation")],
        // Associations of removed target groups or a removed inventory section, and on deletion.
        &[
            "PatchSchedule#correct",
            "PatchSchedule#delete",
            "AccountBaseline.ssmInventory#delete",
            "MonitoringPolicy.cloudWatchAgent#correct",
            "MonitoringPolicy.cloudWatchAgent#delete",
        ],
    ),
    read(
        SVC,
        "DescribeAssociation",
        MOTO_EXT,
        &[act("ssm:DescribeAssociation")],
        &[
            "PatchSchedule.inventory",
            "AccountBaseline.ssmInventory",
            "MonitoringPolicy.cloudWatchAgent",
        ],
    ),
    read(
        SVC,
        "ListAssociations",
        MOTO_EXT,
        &[act("ssm:ListAssociations")],
        &[
            "PatchSchedule.inventory",
            "AccountBaseline.ssmInventory",
            "MonitoringPolicy.cloudWatchAgent",
        ],
    ),
    write(
        SVC,
        "UpdateAssociation",
        MOTO_EXT,
        &[act("ssm:UpdateAssociation")],
        &[
            "PatchSchedule.inventory#correct",
            "AccountBaseline.ssmInventory#correct",
            "MonitoringPolicy.cloudWatchAgent#correct",
        ],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
