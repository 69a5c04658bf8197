//! GuardDuty: one detector per account and region.

use crate::aws::error::{ok_if_gone, AwsError, AwsResultExt};
use crate::aws::operation::{
    act, read, slr, write, Operation, GUARDDUTY_PRINCIPAL, MOTO, MOTO_EXT,
};
use aws_sdk_guardduty::types::{
    DetectorAdditionalConfiguration, DetectorFeature, DetectorFeatureConfiguration, DetectorStatus,
    FeatureAdditionalConfiguration, FeatureStatus, FindingPublishingFrequency,
};
use aws_sdk_guardduty::Client;
use std::collections::BTreeMap;

const SVC: &str = "guardduty";

/// A detector as AWS reports it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DetectorState {
    /// Detector ID.
    pub id: String,
    /// Status ENABLED.
    pub enabled: bool,
    /// FIFTEEN_MINUTES / ONE_HOUR / SIX_HOURS.
    pub finding_publishing_frequency: String,
    /// Feature name (and `FEATURE.ADDITIONAL` for additional configuration) -> ENABLED / DISABLED.
    pub features: BTreeMap<String, String>,
    /// Tags on the detector.
    pub tags: BTreeMap<String, String>,
}

/// Desired detector settings; `features` only holds the plans the spec manages.
#[derive(Clone, Debug, PartialEq)]
pub struct DetectorConfig {
    /// Enable.
    pub enabled: bool,
    /// Publishing frequency.
    pub finding_publishing_frequency: String,
    /// Feature name -> (enabled, additional configuration name -> enabled).
    pub features: BTreeMap<String, (bool, BTreeMap<String, bool>)>,
}

fn status(on: bool) -> FeatureStatus {
    if on {
        FeatureStatus::Enabled
    } else {
        FeatureStatus::Disabled
    }
}

fn feature_list(cfg: &DetectorConfig) -> Vec<DetectorFeatureConfiguration> {
    cfg.features
        .iter()
        .map(|(name, (on, extra))| {
            let mut b = DetectorFeatureConfiguration::builder()
                .name(DetectorFeature::from(name.as_str()))
                .status(status(*on));
            for (add, add_on) in extra {
                b = b.additional_configuration(
                    DetectorAdditionalConfiguration::builder()
                        .name(FeatureAdditionalConfiguration::from(add.as_str()))
                        .status(status(*add_on))
                        .build(),
                );
            }
            b.build()
        })
        .collect()
}

/// ListDetectors: the region's detector ID, if any (a region has at most one).
pub async fn detector_id(client: &Client) -> Result<Option<String>, AwsError> {
    let list = client
        .list_detectors()
        .send()
        .await
        .aws(SVC, "ListDetectors")?;
    Ok(list.detector_ids().first().cloned())
}

/// ListDetectors + GetDetector. A region has at most one detector.
pub async fn observe(client: &Client) -> Result<Option<DetectorState>, AwsError> {
    let Some(id) = detector_id(client).await? else {
        return Ok(None);
    };
    let d = client
        .get_detector()
        .detector_id(&id)
        .send()
        .await
        .aws(SVC, "GetDetector")?;
    let mut features = BTreeMap::new();
    for f in d.features() {
        let Some(name) = f.name() else { continue };
        let name = name.as_str().to_string();
        if let Some(s) = f.status() {
            features.insert(name.clone(), s.as_str().to_string());
        }
        for a in f.additional_configuration() {
            if let (Some(n), Some(s)) = (a.name(), a.status()) {
                features.insert(format!("{name}.{}", n.as_str()), s.as_str().to_string());
            }
        }
    }
    Ok(Some(DetectorState {
        id,
        enabled: d.status() == Some(&DetectorStatus::Enabled),
        finding_publishing_frequency: d
            .finding_publishing_frequency()
            .map(|f| f.as_str().to_string())
            .unwrap_or_default(),
        features,
        tags: d
            .tags()
            .map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
    }))
}

/// CreateDetector with a deterministic client token, so a retried create never makes a second detector.
pub async fn create(
    client: &Client,
    cfg: &DetectorConfig,
    tags: &[(String, String)],
    client_token: &str,
) -> Result<String, AwsError> {
    let out = client
        .create_detector()
        .enable(cfg.enabled)
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            cfg.finding_publishing_frequency.as_str(),
        ))
        .set_features(Some(feature_list(cfg)))
        .set_tags(Some(tags.iter().cloned().collect()))
        .client_token(client_token)
        .send()
        .await
        .aws(SVC, "CreateDetector")?;
    Ok(out.detector_id().unwrap_or_default().to_string())
}

/// UpdateDetector with the managed settings only (AWS merges features by name).
pub async fn update(client: &Client, id: &str, cfg: &DetectorConfig) -> Result<(), AwsError> {
    let features = feature_list(cfg);
    client
        .update_detector()
        .detector_id(id)
        .enable(cfg.enabled)
        .finding_publishing_frequency(FindingPublishingFrequency::from(
            cfg.finding_publishing_frequency.as_str(),
        ))
        .set_features(if features.is_empty() {
            None
        } else {
            Some(features)
        })
        .send()
        .await
        .aws(SVC, "UpdateDetector")?;
    Ok(())
}

/// Suspend an adopted detector (findings history is kept).
pub async fn disable(client: &Client, id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .update_detector()
            .detector_id(id)
            .enable(false)
            .send()
            .await
            .aws(SVC, "UpdateDetector"),
        &[],
    )
}

/// DeleteDetector; "already gone" is success.
pub async fn delete(client: &Client, id: &str) -> Result<(), AwsError> {
    ok_if_gone(
        client
            .delete_detector()
            .detector_id(id)
            .send()
            .await
            .aws(SVC, "DeleteDetector"),
        &[],
    )
}

/// ListOrganizationAdminAccounts (all pages, management account): the Region's delegated administrator(s) with
/// status ENABLED.
pub async fn organization_admins(client: &Client) -> Result<Vec<String>, AwsError> {
    let mut out = Vec::new();
    let mut token = None;
    loop {
        let page = client
            .list_organization_admin_accounts()
            .set_next_token(token)
            .send()
            .await
            .aws(SVC, "ListOrganizationAdminAccounts")?;
        out.extend(
            page.admin_accounts()
                .iter()
                .filter(|a| a.admin_status().map(|s| s.as_str()) != Some("DISABLE_IN_PROGRESS"))
                .filter_map(|a| a.admin_account_id().map(str::to_string)),
        );
        token = page.next_token().map(str::to_string);
        if token.is_none() {
            out.sort();
            return Ok(out);
        }
    }
}

/// EnableOrganizationAdminAccount (management account): make `account_id` the Region's delegated administrator.
pub async fn enable_organization_admin(client: &Client, account_id: &str) -> Result<(), AwsError> {
    client
        .enable_organization_admin_account()
        .admin_account_id(account_id)
        .send()
        .await
        .aws(SVC, "EnableOrganizationAdminAccount")?;
    Ok(())
}

/// DescribeOrganizationConfiguration (delegated administrator): `AutoEnableOrganizationMembers` (`NEW`, `ALL`,
/// `NONE`) of the detector `detector_id`.
pub async fn organization_auto_enable(
    client: &Client,
    detector_id: &str,
) -> Result<String, AwsError> {
    let out = client
        .describe_organization_configuration()
        .detector_id(detector_id)
        .send()
        .await
        .aws(SVC, "DescribeOrganizationConfiguration")?;
    Ok(match out.auto_enable_organization_members() {
        Some(m) => m.as_str().to_string(),
        // AWS always answers AutoEnableOrganizationMembers (the boolean AutoEnable is deprecated); a reply without
        // it is read as the default.
        None => "NONE".into(),
    })
}

/// UpdateOrganizationConfiguration (delegated administrator): set `AutoEnableOrganizationMembers`.
pub async fn set_organization_auto_enable(
    client: &Client,
    detector_id: &str,
    members: &str,
) -> Result<(), AwsError> {
    client
        .update_organization_configuration()
        .detector_id(detector_id)
        .auto_enable_organization_members(aws_sdk_guardduty::types::AutoEnableMembers::from(
            members,
        ))
        .send()
        .await
        .aws(SVC, "UpdateOrganizationConfiguration")?;
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // GuardDuty (every region).
    write(
        SVC,
        "CreateDetector",
        MOTO,
        &[
            act("guardduty:CreateDetector"),
            act("guardduty:TagResource"),
            slr(GUARDDUTY_PRINCIPAL, "AWSServiceRoleForAmazonGuardDuty", &[]),
        ],
        &["AccountBaseline.guardDuty#correct"],
    ),
    write(
        SVC,
        "DeleteDetector",
        MOTO,
        &[act("guardduty:DeleteDetector")],
        &["AccountBaseline.guardDuty#delete"],
    ),
    read(
        SVC,
        "DescribeOrganizationConfiguration",
        MOTO_EXT,
        &[act("guardduty:DescribeOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable"],
    ),
    // Organization (the `organization` section): the delegated administrator, named by the management account in
    // every Region, and auto-enable for members, set by that administrator. Registering GuardDuty's administrator
    // also enables trusted access and registers the account with Organizations
    // (https://docs.aws.amazon.com/guardduty/latest/ug/organizations_permissions.html).
    write(
        SVC,
        "EnableOrganizationAdminAccount",
        MOTO,
        &[
            act("guardduty:EnableOrganizationAdminAccount"),
            act("organizations:EnableAWSServiceAccess"),
            act("organizations:RegisterDelegatedAdministrator"),
            act("organizations:ListDelegatedAdministrators"),
            act("organizations:ListAWSServiceAccessForOrganization"),
            act("organizations:DescribeOrganization"),
        ],
        &["AccountBaseline.organization#correct"],
    ),
    read(
        SVC,
        "GetDetector",
        MOTO,
        &[act("guardduty:GetDetector")],
        &["AccountBaseline.guardDuty"],
    ),
    read(
        SVC,
        "ListDetectors",
        MOTO,
        &[act("guardduty:ListDetectors")],
        // The delegated administrator's detector carries the organization configuration.
        &[
            "AccountBaseline.guardDuty",
            "AccountBaseline.organization.autoEnable",
        ],
    ),
    read(
        SVC,
        "ListOrganizationAdminAccounts",
        MOTO,
        &[
            act("guardduty:ListOrganizationAdminAccounts"),
            act("organizations:DescribeOrganization"),
        ],
        &["AccountBaseline.organization"],
    ),
    write(
        SVC,
        "UpdateDetector",
        MOTO,
        &[act("guardduty:UpdateDetector")],
        // Corrections, and suspending an adopted detector on deletion.
        &[
            "AccountBaseline.guardDuty#correct",
            "AccountBaseline.guardDuty#delete",
        ],
    ),
    write(
        SVC,
        "UpdateOrganizationConfiguration",
        MOTO_EXT,
        &[act("guardduty:UpdateOrganizationConfiguration")],
        &["AccountBaseline.organization.autoEnable#correct"],
    ),
];

/// How CloudTrail records the writes that change what this module manages: the `eventSource` (EventBridge
/// events reference, https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-guardduty.html), the rows logged under
/// another `eventName`, and the writes the operator never makes that change it (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events = crate::aws::operation::Events {
    source: Some("guardduty.amazonaws.com"),
    renamed: &[],
    foreign_writes: &[crate::aws::operation::foreign(
        "DisableOrganizationAdminAccount",
        &["AccountBaseline.organization"],
    )],
};
