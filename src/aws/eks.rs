//! EKS: the `amazon-cloudwatch-observability` add-on (Container Insights) on existing clusters. Per cluster one
//! DescribeAddon (settings and tags); the cluster's Kubernetes version and the newest compatible add-on version
//! only when the spec leaves the version open; the pod identity association only when the spec declares a role.

use crate::aws::error::{not_found_as_none, ok_if_gone, AwsError, AwsResultExt, ErrorCategory};
use crate::aws::operation::{
    act, pass_role, read, write, Grant, Operation, Perm, EKS_POD_IDENTITY_PRINCIPAL, MOTO, MOTO_EXT,
};
use aws_sdk_eks::types::{AddonPodIdentityAssociations, ResolveConflicts};
use aws_sdk_eks::Client;

const SVC: &str = "eks";

/// The Container Insights add-on.
pub const ADDON: &str = "amazon-cloudwatch-observability";

/// The add-on's service account that pod identity (or IRSA) gives a role to.
pub const AGENT_SERVICE_ACCOUNT: &str = "cloudwatch-agent";

/// The add-on as DescribeAddon returns it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Addon {
    /// Add-on version, e.g. `v2.1.0-eksbuild.1`.
    pub version: Option<String>,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DEGRADED`, ...
    pub status: Option<String>,
    /// Configuration values as EKS returns them (a JSON or YAML string).
    pub configuration_values: Option<String>,
    /// IRSA role of the add-on's service account.
    pub service_account_role_arn: Option<String>,
    /// ARNs of the add-on's pod identity associations.
    pub pod_identity_associations: Vec<String>,
    /// Tags (ownership).
    pub tags: Vec<(String, String)>,
}

impl Addon {
    /// True while EKS is changing the add-on (a write now would be refused with ResourceInUseException).
    pub fn in_progress(&self) -> bool {
        matches!(
            self.status.as_deref(),
            Some("CREATING" | "UPDATING" | "DELETING")
        )
    }
}

/// What the operator sends for the add-on.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AddonRequest {
    /// Cluster name.
    pub cluster: String,
    /// Add-on version (EKS's default when unset).
    pub version: Option<String>,
    /// Configuration values as a JSON string.
    pub configuration_values: Option<String>,
    /// IRSA role.
    pub service_account_role_arn: Option<String>,
    /// Pod identity role of the `cloudwatch-agent` service account.
    pub pod_identity_role_arn: Option<String>,
}

impl AddonRequest {
    fn associations(&self) -> Option<Vec<AddonPodIdentityAssociations>> {
        let role = self.pod_identity_role_arn.as_ref()?;
        AddonPodIdentityAssociations::builder()
            .service_account(AGENT_SERVICE_ACCOUNT)
            .role_arn(role)
            .build()
            .ok()
            .map(|a| vec![a])
    }
}

/// DescribeAddon; `None` when the add-on is not installed (ResourceNotFoundException; EKS answers the same for
/// a missing cluster, which the create then reports).
pub async fn addon(client: &Client, cluster: &str) -> Result<Option<Addon>, AwsError> {
    let out = not_found_as_none(
        client
            .describe_addon()
            .cluster_name(cluster)
            .addon_name(ADDON)
            .send()
            .await
            .aws(SVC, "DescribeAddon"),
        &["ResourceNotFoundException"],
    )?;
    let Some(a) = out.and_then(|o| o.addon) else {
        return Ok(None);
    };
    let mut tags: Vec<(String, String)> = a
        .tags()
        .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default();
    tags.sort();
    Ok(Some(Addon {
        version: a.addon_version().map(str::to_string),
        status: a.status().map(|s| s.as_str().to_string()),
        configuration_values: a
            .configuration_values()
            .filter(|c| !c.trim().is_empty())
            .map(str::to_string),
        service_account_role_arn: a.service_account_role_arn().map(str::to_string),
        pod_identity_associations: a.pod_identity_associations().to_vec(),
        tags,
    }))
}

/// The cluster's Kubernetes version (DescribeCluster), e.g. `1.31`.
pub async fn kubernetes_version(client: &Client, cluster: &str) -> Result<String, AwsError> {
    let out = client
        .describe_cluster()
        .name(cluster)
        .send()
        .await
        .aws(SVC, "DescribeCluster")?;
    out.cluster()
        .and_then(|c| c.version())
        .map(str::to_string)
        .ok_or_else(|| {
            AwsError::new(
                SVC,
                "DescribeCluster",
                ErrorCategory::Unknown,
                format!("cluster {cluster} has no Kubernetes version"),
            )
        })
}

/// The newest add-on version compatible with `kubernetes_version` (DescribeAddonVersions lists newest first).
pub async fn latest_version(
    client: &Client,
    kubernetes_version: &str,
) -> Result<Option<String>, AwsError> {
    let out = client
        .describe_addon_versions()
        .addon_name(ADDON)
        .kubernetes_version(kubernetes_version)
        .send()
        .await
        .aws(SVC, "DescribeAddonVersions")?;
    Ok(out
        .addons()
        .iter()
        .find(|a| a.addon_name() == Some(ADDON))
        .and_then(|a| a.addon_versions().first())
        .and_then(|v| v.addon_version())
        .map(str::to_string))
}

/// Service account and role of one pod identity association, given its ARN (the association id is the last
/// path segment); `None` when it no longer exists.
pub async fn pod_identity_association(
    client: &Client,
    cluster: &str,
    association_arn: &str,
) -> Result<Option<(String, String)>, AwsError> {
    let id = association_arn
        .rsplit('/')
        .next()
        .unwrap_or(association_arn);
    let out = not_found_as_none(
        client
            .describe_pod_identity_association()
            .cluster_name(cluster)
            .association_id(id)
            .send()
            .await
            .aws(SVC, "DescribePodIdentityAssociation"),
        &["ResourceNotFoundException"],
    )?;
    Ok(out.and_then(|o| o.association).map(|a| {
        (
            a.service_account().unwrap_or_default().to_string(),
            a.role_arn().unwrap_or_default().to_string(),
        )
    }))
}

/// Sets the add-on settings CreateAddon and UpdateAddon share on either request (the SDK's two builders have the
/// same setters and no common trait).
macro_rules! with_addon {
    ($b:expr, $req:expr) => {
        $b.cluster_name(&$req.cluster)
            .addon_name(ADDON)
            .set_addon_version($req.version.clone())
            .set_configuration_values($req.configuration_values.clone())
            .set_service_account_role_arn($req.service_account_role_arn.clone())
            .set_pod_identity_associations($req.associations())
            .resolve_conflicts(ResolveConflicts::Overwrite)
    };
}

/// CreateAddon with the owner tags, overwriting conflicting fields of a self-managed installation.
pub async fn create_addon(
    client: &Client,
    req: &AddonRequest,
    tags: &[(String, String)],
) -> Result<(), AwsError> {
    with_addon!(client.create_addon(), req)
        .set_tags(Some(tags.iter().cloned().collect()))
        .send()
        .await
        .aws(SVC, "CreateAddon")?;
    Ok(())
}

/// UpdateAddon with the declared settings (fields the spec leaves unset are not sent, so EKS keeps them).
pub async fn update_addon(client: &Client, req: &AddonRequest) -> Result<(), AwsError> {
    with_addon!(client.update_addon(), req)
        .send()
        .await
        .aws(SVC, "UpdateAddon")?;
    Ok(())
}

/// DeleteAddon (the add-on's software is removed from the cluster); an already missing add-on is done.
pub async fn delete_addon(client: &Client, cluster: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_addon()
            .cluster_name(cluster)
            .addon_name(ADDON)
            .send()
            .await
            .aws(SVC, "DeleteAddon"),
        &["ResourceNotFoundException"],
    )
}

/// Uses of the add-on writes that hand a pod identity role to the add-on's service account.
const POD_IDENTITY_CORRECT: &[&str] = &["MonitoringPolicy.containerInsights.podIdentity#correct"];

/// CreateAddon / UpdateAddon with `podIdentityAssociations` also create the association.
const POD_IDENTITY_ASSOCIATION: Perm = Perm {
    grant: Grant::Action("eks:CreatePodIdentityAssociation"),
    only: POD_IDENTITY_CORRECT,
};

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // EKS (MonitoringPolicy Container Insights: the amazon-cloudwatch-observability add-on). Add-ons of clusters
    // removed from the spec are found through status and deleted when their tags prove ownership.
    write(
        SVC,
        "CreateAddon",
        MOTO_EXT,
        &[
            act("eks:CreateAddon"),
            act("eks:TagResource"),
            POD_IDENTITY_ASSOCIATION,
            pass_role(EKS_POD_IDENTITY_PRINCIPAL, POD_IDENTITY_CORRECT),
        ],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
    write(
        SVC,
        "DeleteAddon",
        MOTO_EXT,
        &[act("eks:DeleteAddon")],
        &[
            "MonitoringPolicy.containerInsights#correct",
            "MonitoringPolicy#delete",
        ],
    ),
    read(
        SVC,
        "DescribeAddon",
        MOTO_EXT,
        &[act("eks:DescribeAddon")],
        &[
            "MonitoringPolicy.containerInsights",
            "MonitoringPolicy#delete",
        ],
    ),
    read(
        SVC,
        "DescribeAddonVersions",
        MOTO_EXT,
        &[act("eks:DescribeAddonVersions")],
        &["MonitoringPolicy.containerInsights"],
    ),
    read(
        SVC,
        "DescribeCluster",
        MOTO,
        &[act("eks:DescribeCluster")],
        &["MonitoringPolicy.containerInsights"],
    ),
    read(
        SVC,
        "DescribePodIdentityAssociation",
        MOTO_EXT,
        &[act("eks:DescribePodIdentityAssociation")],
        &["MonitoringPolicy.containerInsights.podIdentity"],
    ),
    write(
        SVC,
        "UpdateAddon",
        MOTO_EXT,
        &[
            act("eks:UpdateAddon"),
            POD_IDENTITY_ASSOCIATION,
            Perm {
                grant: Grant::Action("eks:UpdatePodIdentityAssociation"),
                only: POD_IDENTITY_CORRECT,
            },
            pass_role(EKS_POD_IDENTITY_PRINCIPAL, POD_IDENTITY_CORRECT),
        ],
        &["MonitoringPolicy.containerInsights#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-eks.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("eks.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[crate::aws::operation::foreign(
        "DeletePodIdentityAssociation",
        &[
            "MonitoringPolicy.containerInsights",
            "MonitoringPolicy.containerInsights.podIdentity",
        ],
    )],
};
