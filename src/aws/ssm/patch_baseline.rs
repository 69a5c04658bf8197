//! Patch baselines and the patch groups registered to them.

use super::{build_err, gone, sdk_tags, unless_missing, TargetEntry, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO, MOTO_EXT};
use aws_sdk_ssm::types::{
    OperatingSystem, PatchAction, PatchComplianceLevel, PatchFilter, PatchFilterGroup,
    PatchFilterKey, PatchOrchestratorFilter, PatchRule, PatchRuleGroup, PatchSource,
};
use aws_sdk_ssm::Client;
use serde::Serialize;

/// Sets the approved and rejected patches and the sources, which CreatePatchBaseline and UpdatePatchBaseline
/// share, on either request (the SDK's two builders have the same setters and no common trait); `?` returns from
/// the calling function.
macro_rules! with_patches {
    ($req:expr, $cfg:expr) => {
        $req.set_approved_patches(Some($cfg.approved_patches.clone()))
            .approved_patches_compliance_level(PatchComplianceLevel::from(
                $cfg.approved_patches_compliance_level.as_str(),
            ))
            .approved_patches_enable_non_security($cfg.approved_patches_enable_non_security)
            .set_rejected_patches(Some($cfg.rejected_patches.clone()))
            .rejected_patches_action(PatchAction::from($cfg.rejected_patches_action.as_str()))
            .set_sources(Some(sources($cfg)?))
    };
}
/// One approval rule.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RuleConfig {
    /// Filters (key, values).
    pub filters: Vec<TargetEntry>,
    /// Days after release.
    pub approve_after_days: Option<i32>,
    /// Release date cut.
    pub approve_until_date: Option<String>,
    /// Compliance level.
    pub compliance_level: String,
    /// Non-security updates too.
    pub enable_non_security: bool,
}

/// A patch baseline's settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BaselineConfig {
    /// Name.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Operating system.
    pub operating_system: String,
    /// Global filters (key, values).
    pub global_filters: Vec<TargetEntry>,
    /// Approval rules.
    pub approval_rules: Vec<RuleConfig>,
    /// Approved patches.
    pub approved_patches: Vec<String>,
    /// Their compliance level.
    pub approved_patches_compliance_level: String,
    /// Non-security for approved patches.
    pub approved_patches_enable_non_security: bool,
    /// Rejected patches.
    pub rejected_patches: Vec<String>,
    /// `ALLOW_AS_DEPENDENCY` / `BLOCK`.
    pub rejected_patches_action: String,
    /// Sources (name, products, configuration).
    pub sources: Vec<(String, Vec<String>, String)>,
}

/// A baseline as AWS reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct BaselineState {
    /// Baseline ID.
    pub id: String,
    /// Settings.
    pub config: BaselineConfig,
    /// Patch groups registered to it.
    pub patch_groups: Vec<String>,
}

fn filter_group(filters: &[TargetEntry]) -> Result<PatchFilterGroup, AwsError> {
    let f = filters
        .iter()
        .map(|(k, v)| {
            PatchFilter::builder()
                .key(PatchFilterKey::from(k.as_str()))
                .set_values(Some(v.clone()))
                .build()
                .map_err(|e| build_err("CreatePatchBaseline", e))
        })
        .collect::<Result<Vec<_>, _>>()?;
    PatchFilterGroup::builder()
        .set_patch_filters(Some(f))
        .build()
        .map_err(|e| build_err("CreatePatchBaseline", e))
}

fn our_filters(g: Option<&PatchFilterGroup>) -> Vec<TargetEntry> {
    g.map(|g| {
        g.patch_filters()
            .iter()
            .map(|f| (f.key().as_str().to_string(), f.values().to_vec()))
            .collect()
    })
    .unwrap_or_default()
}

fn rule_group(rules: &[RuleConfig]) -> Result<Option<PatchRuleGroup>, AwsError> {
    if rules.is_empty() {
        return Ok(None);
    }
    let r = rules
        .iter()
        .map(|r| {
            Ok(PatchRule::builder()
                .patch_filter_group(filter_group(&r.filters)?)
                .set_approve_after_days(r.approve_after_days)
                .set_approve_until_date(r.approve_until_date.clone())
                .compliance_level(PatchComplianceLevel::from(r.compliance_level.as_str()))
                .enable_non_security(r.enable_non_security)
                .build())
        })
        .collect::<Result<Vec<_>, _>>()?;
    PatchRuleGroup::builder()
        .set_patch_rules(Some(r))
        .build()
        .map(Some)
        .map_err(|e| build_err("CreatePatchBaseline", e))
}

fn sources(cfg: &BaselineConfig) -> Result<Vec<PatchSource>, AwsError> {
    cfg.sources
        .iter()
        .map(|(n, p, c)| {
            PatchSource::builder()
                .name(n)
                .set_products(Some(p.clone()))
                .configuration(c)
                .build()
                .map_err(|e| build_err("CreatePatchBaseline", e))
        })
        .collect()
}

/// GetPatchBaseline; `None` when it does not exist.
pub async fn get_baseline(client: &Client, id: &str) -> Result<Option<BaselineState>, AwsError> {
    let r = client
        .get_patch_baseline()
        .baseline_id(id)
        .send()
        .await
        .aws(SVC, "GetPatchBaseline");
    let Some(b) = unless_missing(r)? else {
        return Ok(None);
    };
    let rules = b
        .approval_rules()
        .map(|g| {
            g.patch_rules()
                .iter()
                .map(|r| RuleConfig {
                    filters: our_filters(r.patch_filter_group()),
                    approve_after_days: r.approve_after_days(),
                    approve_until_date: r.approve_until_date().map(str::to_string),
                    compliance_level: r
                        .compliance_level()
                        .map(|c| c.as_str().to_string())
                        .unwrap_or_else(|| "UNSPECIFIED".into()),
                    enable_non_security: r.enable_non_security().unwrap_or(false),
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(BaselineState {
        id: b.baseline_id().unwrap_or(id).to_string(),
        config: BaselineConfig {
            name: b.name().unwrap_or_default().to_string(),
            description: b.description().map(str::to_string),
            operating_system: b
                .operating_system()
                .map(|o| o.as_str().to_string())
                .unwrap_or_default(),
            global_filters: our_filters(b.global_filters()),
            approval_rules: rules,
            approved_patches: b.approved_patches().to_vec(),
            approved_patches_compliance_level: b
                .approved_patches_compliance_level()
                .map(|c| c.as_str().to_string())
                .unwrap_or_else(|| "UNSPECIFIED".into()),
            approved_patches_enable_non_security: b
                .approved_patches_enable_non_security()
                .unwrap_or(false),
            rejected_patches: b.rejected_patches().to_vec(),
            rejected_patches_action: b
                .rejected_patches_action()
                .map(|a| a.as_str().to_string())
                .unwrap_or_else(|| "ALLOW_AS_DEPENDENCY".into()),
            sources: b
                .sources()
                .iter()
                .map(|s| {
                    (
                        s.name().to_string(),
                        s.products().to_vec(),
                        s.configuration().to_string(),
                    )
                })
                .collect(),
        },
        patch_groups: b.patch_groups().to_vec(),
    }))
}

/// DescribePatchBaselines owned by this account: (id, name) of each custom baseline.
pub async fn own_baselines(client: &Client) -> Result<Vec<(String, String)>, AwsError> {
    let owner = PatchOrchestratorFilter::builder()
        .key("OWNER")
        .values("Self")
        .build();
    let mut out = Vec::new();
    let mut pages = client
        .describe_patch_baselines()
        .filters(owner)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribePatchBaselines")?;
        out.extend(page.baseline_identities().iter().filter_map(|b| {
            Some((
                b.baseline_id()?.to_string(),
                b.baseline_name().unwrap_or_default().to_string(),
            ))
        }));
    }
    Ok(out)
}

/// CreatePatchBaseline with ownership tags; returns the baseline ID.
pub async fn create_baseline(
    client: &Client,
    cfg: &BaselineConfig,
    tags: &[(String, String)],
    client_token: &str,
) -> Result<String, AwsError> {
    let req = client
        .create_patch_baseline()
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .operating_system(OperatingSystem::from(cfg.operating_system.as_str()))
        .set_global_filters(
            (!cfg.global_filters.is_empty())
                .then(|| filter_group(&cfg.global_filters))
                .transpose()?,
        )
        .set_approval_rules(rule_group(&cfg.approval_rules)?);
    let r = with_patches!(req, cfg)
        .client_token(client_token)
        .set_tags(Some(sdk_tags(tags)?))
        .send()
        .await
        .aws(SVC, "CreatePatchBaseline")?;
    Ok(r.baseline_id().unwrap_or_default().to_string())
}

/// UpdatePatchBaseline with `Replace=true`.
pub async fn update_baseline(
    client: &Client,
    id: &str,
    cfg: &BaselineConfig,
) -> Result<(), AwsError> {
    let req = client
        .update_patch_baseline()
        .baseline_id(id)
        .replace(true)
        .name(&cfg.name)
        .set_description(cfg.description.clone())
        .set_global_filters(Some(filter_group(&cfg.global_filters)?))
        .set_approval_rules(Some(rule_group(&cfg.approval_rules)?.unwrap_or_else(
            || {
                PatchRuleGroup::builder()
                    .set_patch_rules(Some(vec![]))
                    .build()
                    .expect("patch_rules is set")
            },
        )));
    with_patches!(req, cfg)
        .send()
        .await
        .aws(SVC, "UpdatePatchBaseline")?;
    Ok(())
}

/// DeletePatchBaseline; a missing baseline is fine.
pub async fn delete_baseline(client: &Client, id: &str) -> Result<(), AwsError> {
    let r = client
        .delete_patch_baseline()
        .baseline_id(id)
        .send()
        .await
        .aws(SVC, "DeletePatchBaseline");
    gone(r)
}

/// RegisterPatchBaselineForPatchGroup.
pub async fn register_patch_group(client: &Client, id: &str, group: &str) -> Result<(), AwsError> {
    client
        .register_patch_baseline_for_patch_group()
        .baseline_id(id)
        .patch_group(group)
        .send()
        .await
        .aws(SVC, "RegisterPatchBaselineForPatchGroup")?;
    Ok(())
}

/// DeregisterPatchBaselineForPatchGroup; an absent registration is fine.
pub async fn deregister_patch_group(
    client: &Client,
    id: &str,
    group: &str,
) -> Result<(), AwsError> {
    let r = client
        .deregister_patch_baseline_for_patch_group()
        .baseline_id(id)
        .patch_group(group)
        .send()
        .await
        .aws(SVC, "DeregisterPatchBaselineForPatchGroup");
    gone(r)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreatePatchBaseline",
        MOTO,
        &[act("ssm:CreatePatchBaseline"), act("ssm:AddTagsToResource")],
        &["PatchSchedule.baseline#correct"],
    ),
    write(
        SVC,
        "DeletePatchBaseline",
        MOTO,
        &[act("ssm:DeletePatchBaseline")],
        // A baseline removed from the spec, and on deletion.
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    write(
        SVC,
        "DeregisterPatchBaselineForPatchGroup",
        MOTO,
        &[act("ssm:DeregisterPatchBaselineForPatchGroup")],
        &["PatchSchedule#correct", "PatchSchedule#delete"],
    ),
    read(
        SVC,
        "DescribePatchBaselines",
        MOTO,
        &[act("ssm:DescribePatchBaselines")],
        &["PatchSchedule.baseline"],
    ),
    read(
        SVC,
        "GetPatchBaseline",
        MOTO_EXT,
        &[act("ssm:GetPatchBaseline")],
        // Observing, and reading the patch groups before deleting a baseline.
        &[
            "PatchSchedule.baseline",
            "PatchSchedule#correct",
            "PatchSchedule#delete",
        ],
    ),
    write(
        SVC,
        "RegisterPatchBaselineForPatchGroup",
        MOTO,
        &[act("ssm:RegisterPatchBaselineForPatchGroup")],
        &["PatchSchedule.baseline#correct"],
    ),
    write(
        SVC,
        "UpdatePatchBaseline",
        MOTO_EXT,
        &[act("ssm:UpdatePatchBaseline")],
        &["PatchSchedule.baseline#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
