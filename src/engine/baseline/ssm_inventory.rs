//! Fleet-wide inventory in one region (`ssmInventory`): the inventory association on every instance, the
//! Resource Data Sync to S3, the Default Host Management Configuration, and the count of unmanaged EC2 instances.
//! Each component is isolated: one failing never stops the others.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{ResourceDataSyncSpec, SsmInventorySpec};
use crate::api::common::{Owner, Ownership};
use crate::aws::operation::SSM_PRINCIPAL;
use crate::aws::ssm::{self, fleet, AssociationState};
use crate::aws::{self, AccountSession, AwsError};
use crate::baseline::ssm_inventory as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};
use crate::patching::inventory::INVENTORY_DOCUMENT;
use aws_sdk_ssm::types::ResourceTypeForTagging;

const SYNC_USE: &str = "AccountBaseline.ssmInventory.resourceDataSync";
const DHMC_USE: &str = "AccountBaseline.ssmInventory.defaultHostManagement";

pub(super) const SECTION: Section = Section {
    name: "ssmInventory",
    components: &[
        rules::ASSOCIATION,
        rules::DATA_SYNC,
        rules::DHMC,
        rules::MANAGED,
    ],
    iam: &["AccountBaseline.ssmInventory", SYNC_USE, DHMC_USE],
    usage: |spec| {
        spec.ssm_inventory.as_ref().map(|s| {
            let mut u = SectionUsage::of(&["AccountBaseline.ssmInventory"]);
            if s.resource_data_sync.is_some() {
                u.uses.push(SYNC_USE);
            }
            if let Some(d) = &s.default_host_management {
                u.uses.push(DHMC_USE);
                u.passes.push((SSM_PRINCIPAL, d.role_arn.clone()));
            }
            u
        })
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            let Some(s) = &ctx.input.spec.ssm_inventory else {
                return Vec::new();
            };
            let mut out = vec![association(ctx, region, s).await];
            if let Some(sync) = &s.resource_data_sync {
                out.push(data_sync(ctx, region, sync).await);
            }
            if let Some(d) = &s.default_host_management {
                out.push(dhmc(ctx, region, &d.setting_value()).await);
            }
            out.push(managed(ctx, region).await);
            out
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

/// The association standing for this baseline's: the one with its name, else the one status recorded.
fn find_association<'a>(
    have: &'a [AssociationState],
    name: &str,
    recorded: Option<&str>,
) -> Option<&'a AssociationState> {
    have.iter()
        .find(|h| h.config.association_name == name)
        .or_else(|| recorded.and_then(|id| have.iter().find(|h| h.id == id)))
}

fn owns_tags(owner: &Owner, tags: &std::collections::BTreeMap<String, String>) -> bool {
    owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// The `AWS-GatherSoftwareInventory` association on every instance: created (tagged) or updated with every
/// setting. Ownership of one found by name is proven by its tags.
async fn association(ctx: &Ctx<'_>, region: &str, spec: &SsmInventorySpec) -> ComponentOutcome {
    let c = rules::ASSOCIATION;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let r: Result<ComponentOutcome, AwsError> = async {
        let want = rules::association(spec, &ctx.input.owner.name);
        let have = ssm::associations(&client, INVENTORY_DOCUMENT).await?;
        let found = find_association(&have, &want.association_name, ctx.previous_id(c, region));
        let (id, observed, owned) = match found {
            Some(h) => {
                let owned = match prev {
                    Some(o) => o == Ownership::Created,
                    None => owns_tags(
                        &ctx.input.owner,
                        &ssm::tags(&client, ResourceTypeForTagging::Association, &h.id).await?,
                    ),
                };
                let mut cfg = h.config.clone();
                cfg.parameters = ssm::association_parameters(&client, &h.id).await?;
                (Some(h.id.clone()), Some(cfg), owned)
            }
            None => (None, None, false),
        };
        let drift = diff(
            c,
            &rules::association_fields(Some(&want), true),
            &rules::association_fields(observed.as_ref(), false),
        );
        let mut id = id;
        let exec = if ctx.may_write() && !drift.is_empty() {
            Some(match &id {
                Some(existing) => ssm::update_association(&client, existing, &want).await,
                None => ssm::create_association(&client, &want, &ctx.input.owner.tags())
                    .await
                    .map(|new| id = Some(new)),
            })
        } else {
            None
        };
        let created = observed.is_none() && exec.as_ref().is_some_and(|r| r.is_ok());
        let ownership = match (observed.is_some(), owned, created) {
            (true, true, _) | (false, _, true) => Ownership::Created,
            (true, false, _) => Ownership::Adopted,
            (false, _, false) => Ownership::None,
        };
        Ok(Settle {
            component: c,
            region,
            drift,
            writes: exec,
            created,
            ownership,
            id,
        }
        .outcome())
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, prev.unwrap_or(Ownership::None), e))
}

/// The Resource Data Sync to S3. Syncs to S3 cannot be updated (UpdateResourceDataSync takes only
/// `SyncFromSource` syncs): a changed one is deleted and created again under the same name. Syncs carry no tags:
/// ownership is remembered in status from the pass that created it.
async fn data_sync(ctx: &Ctx<'_>, region: &str, spec: &ResourceDataSyncSpec) -> ComponentOutcome {
    let c = rules::DATA_SYNC;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let r: Result<ComponentOutcome, AwsError> = async {
        let want = rules::data_sync(spec);
        let found = fleet::data_syncs(&client)
            .await?
            .into_iter()
            .find(|s| s.name == want.name);
        let drift = diff(
            c,
            &rules::data_sync_fields(Some(&want), true),
            &rules::data_sync_fields(found.as_ref(), false),
        );
        let exec = if ctx.may_write() && !drift.is_empty() {
            let r = async {
                if found.is_some() {
                    fleet::delete_data_sync(&client, &want.name).await?;
                }
                fleet::create_data_sync(&client, &want).await
            }
            .await;
            Some(r)
        } else {
            None
        };
        let wrote = exec.as_ref().is_some_and(|r| r.is_ok());
        Ok(Settle {
            component: c,
            region,
            drift,
            writes: exec,
            created: found.is_none() && wrote,
            ownership: sticky_ownership(prev, found.is_none(), wrote),
            id: Some(want.name.clone()),
        }
        .outcome())
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, prev.unwrap_or(Ownership::None), e))
}

/// The Default Host Management Configuration: the service setting holds the role's name. A setting still at its
/// default is absent; the operator that customizes it owns it (status remembers).
async fn dhmc(ctx: &Ctx<'_>, region: &str, value: &str) -> ComponentOutcome {
    let c = rules::DHMC;
    let client = ctx.session.ssm(region);
    let prev = ctx.previous_ownership(c, region);
    let r: Result<ComponentOutcome, AwsError> = async {
        let setting = fleet::service_setting(&client, fleet::DHMC_SETTING).await?;
        let absent = !setting.as_ref().is_some_and(|s| s.customized);
        let drift = diff(
            c,
            &rules::dhmc_desired(value),
            &rules::dhmc_observed(setting.as_ref()),
        );
        let exec = if ctx.may_write() && !drift.is_empty() {
            Some(fleet::update_service_setting(&client, fleet::DHMC_SETTING, value).await)
        } else {
            None
        };
        let wrote = exec.as_ref().is_some_and(|r| r.is_ok());
        Ok(Settle {
            component: c,
            region,
            drift,
            writes: exec,
            created: absent && wrote,
            ownership: sticky_ownership(prev, absent, wrote),
            id: Some(fleet::DHMC_SETTING.to_string()),
        }
        .outcome())
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, prev.unwrap_or(Ownership::None), e))
}

/// EC2 instances (DescribeInstances, not terminated) against the instances Systems Manager manages
/// (DescribeInstanceInformation): read-only, the count is the component's message, never drift.
async fn managed(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    let c = rules::MANAGED;
    let r: Result<ComponentOutcome, AwsError> = async {
        let ec2 = aws::ec2::instances_with_tags(&ctx.session.ec2(region), &[]).await?;
        let managed = fleet::managed_ec2_instances(&ctx.session.ssm(region)).await?;
        let unmanaged = rules::unmanaged(&ec2, &managed);
        let mut o = Settle {
            component: c,
            region,
            drift: Vec::new(),
            writes: None,
            created: false,
            ownership: Ownership::None,
            id: None,
        }
        .outcome();
        o.message = Some(rules::managed_message(ec2.len(), managed.len(), &unmanaged));
        Ok(o)
    }
    .await;
    r.unwrap_or_else(|e| failed(c, region, Ownership::None, e))
}

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.ssm_inventory else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for region in &ctx.regions {
        out.push(cleanup_association(ctx, &ctx.session, region).await);
        if let Some(s) = &spec.resource_data_sync {
            if ctx.created(rules::DATA_SYNC, region) {
                let client = ctx.session.ssm(region);
                out.push(
                    fleet::delete_data_sync(&client, &s.name).await.map(|()| {
                        Some(format!("deleted Resource Data Sync {} in {region}", s.name))
                    }),
                );
            }
        }
        if let Some(d) = &spec.default_host_management {
            if ctx.created(rules::DHMC, region) {
                out.push(reset_dhmc(&ctx.session, region, &d.setting_value()).await);
            }
        }
    }
    out
}

/// Delete the association when its tags prove this baseline created it.
async fn cleanup_association(
    ctx: &Cleanup<'_>,
    session: &AccountSession,
    region: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.ssm(region);
    let name = rules::association_name(&ctx.owner().name);
    let have = ssm::associations(&client, INVENTORY_DOCUMENT).await?;
    let Some(h) = find_association(&have, &name, None) else {
        return Ok(None);
    };
    let tags = ssm::tags(&client, ResourceTypeForTagging::Association, &h.id).await?;
    if !owns_tags(ctx.owner(), &tags) {
        return Ok(Some(format!(
            "kept inventory association {name} in {region} (not created by this baseline)"
        )));
    }
    ssm::delete_association(&client, &h.id).await?;
    Ok(Some(format!(
        "deleted inventory association {name} ({}) in {region}",
        h.id
    )))
}

/// Reset the service setting this baseline set, unless someone has set another role since.
async fn reset_dhmc(
    session: &AccountSession,
    region: &str,
    value: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.ssm(region);
    let setting = fleet::service_setting(&client, fleet::DHMC_SETTING).await?;
    match setting {
        Some(s) if s.customized && s.value == value => {
            fleet::reset_service_setting(&client, fleet::DHMC_SETTING).await?;
            Ok(Some(format!(
                "reset Default Host Management Configuration in {region}"
            )))
        }
        Some(s) if s.customized => Ok(Some(format!(
            "kept Default Host Management Configuration in {region} (now {}, not this baseline's)",
            s.value
        ))),
        _ => Ok(None),
    }
}
