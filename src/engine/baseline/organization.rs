//! The `organization` section: organization-level settings of AWS Organizations' security services.
//!
//! In the home region: trusted service access (`organizationServiceAccess`), then the delegated administrators
//! (`delegatedAdministrators`, Organizations-registered ones included), and the Config aggregator
//! (`configAggregator`). In every other region: the regional delegated administrators (GuardDuty, Security Hub,
//! Inspector). In every region: auto-enable for members (`organizationAutoEnable`, only accepted by AWS in the
//! delegated administrator's account). Within a region components run in that order, so trusted access exists before
//! an administrator is registered.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{AccountBaselineSpec, OrganizationAutoEnable, OrganizationSpec};
use crate::api::common::Ownership;
use crate::aws::operation::CONFIG_PRINCIPAL;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::baseline::organization::{self as rules, AutoEnableState, Service};
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};
use std::collections::BTreeMap;

/// The section's own IAM use: trusted access and delegated administrators (management account).
const IAM_ADMINS: &str = "AccountBaseline.organization";
const IAM_AUTO_ENABLE: &str = "AccountBaseline.organization.autoEnable";
const IAM_AGGREGATOR: &str = "AccountBaseline.organization.configAggregator";

pub(super) const SECTION: Section = Section {
    name: "organization",
    components: &[
        rules::SERVICE_ACCESS,
        rules::ADMINS,
        rules::AUTO_ENABLE,
        rules::AGGREGATOR,
    ],
    iam: &[IAM_ADMINS, IAM_AUTO_ENABLE, IAM_AGGREGATOR],
    usage,
    buckets: None,
    account: Some(|ctx, region| {
        Box::pin(async move {
            match ctx
                .input
                .spec
                .organization
                .as_ref()
                .and_then(|o| o.config_aggregator.as_ref())
            {
                Some(a) => vec![aggregator(ctx, region, a).await],
                None => Vec::new(),
            }
        })
    }),
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.organization {
                Some(o) => regional(ctx, region, o).await,
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

fn usage(spec: &AccountBaselineSpec) -> Option<SectionUsage> {
    let o = spec.organization.as_ref()?;
    // Each setting is made in a different account (management or delegated administrator): only its own actions.
    let mut u = SectionUsage::of(&[]);
    if o.delegated_administrators.is_some() {
        u.uses.push(IAM_ADMINS);
    }
    if o.auto_enable.is_some() {
        u.uses.push(IAM_AUTO_ENABLE);
    }
    if let Some(a) = &o.config_aggregator {
        u.uses.push(IAM_AGGREGATOR);
        u.passes.push((CONFIG_PRINCIPAL, a.role_arn.clone()));
    }
    Some(u)
}

async fn regional(ctx: &Ctx<'_>, region: &str, spec: &OrganizationSpec) -> Vec<ComponentOutcome> {
    let home = region == ctx.home;
    let mut out = Vec::new();
    if home && spec.delegated_administrators.is_some() {
        out.push(service_access(ctx, region, spec).await);
    }
    let declared = rules::admins_in(spec, home);
    if !declared.is_empty() {
        out.push(admins(ctx, region, &declared).await);
    }
    if let Some(a) = &spec.auto_enable {
        out.push(auto_enable(ctx, region, a).await);
    }
    out
}

/// EnableAWSServiceAccess for every declared service without trusted access.
async fn service_access(ctx: &Ctx<'_>, region: &str, spec: &OrganizationSpec) -> ComponentOutcome {
    let c = rules::SERVICE_ACCESS;
    let client = ctx.session.organizations(region);
    let enabled = match aws::organizations_admin::trusted_services(&client).await {
        Ok(e) => e,
        Err(e) => {
            return failed(
                c,
                region,
                ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                e,
            )
        }
    };
    let drift = diff(
        c,
        &rules::desired_access(spec),
        &rules::observed_access(spec, &enabled),
    );
    let to_enable = rules::access_to_enable(&drift);
    let wrote = ctx.may_write() && !to_enable.is_empty();
    let exec = if wrote {
        Some(
            async {
                for s in &to_enable {
                    aws::organizations_admin::enable_trusted_service(&client, s.principal())
                        .await?;
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    let absent_before = rules::admins(spec)
        .iter()
        .all(|(s, _)| !enabled.contains(s.principal()));
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership: sticky_ownership(ctx.previous_ownership(c, region), absent_before, wrote),
        id: None,
    }
    .outcome()
}

/// The administrators registered for `service` (the management account's view).
async fn observe_admin(
    ctx: &Ctx<'_>,
    region: &str,
    service: Service,
) -> Result<Vec<String>, AwsError> {
    match service {
        Service::GuardDuty => {
            aws::guardduty::organization_admins(&ctx.session.guardduty(region)).await
        }
        Service::SecurityHub => {
            aws::securityhub::organization_admins(&ctx.session.securityhub(region)).await
        }
        Service::Inspector => {
            aws::inspector2::delegated_admins(&ctx.session.inspector2(region)).await
        }
        Service::Config | Service::AccessAnalyzer => {
            aws::organizations_admin::delegated_administrators(
                &ctx.session.organizations(region),
                service.principal(),
            )
            .await
        }
    }
}

async fn register_admin(
    ctx: &Ctx<'_>,
    region: &str,
    service: Service,
    account: &str,
) -> Result<(), AwsError> {
    match service {
        Service::GuardDuty => {
            aws::guardduty::enable_organization_admin(&ctx.session.guardduty(region), account).await
        }
        Service::SecurityHub => {
            aws::securityhub::enable_organization_admin(&ctx.session.securityhub(region), account)
                .await
        }
        Service::Inspector => {
            aws::inspector2::enable_delegated_admin(&ctx.session.inspector2(region), account).await
        }
        Service::Config | Service::AccessAnalyzer => {
            aws::organizations_admin::register_delegated_administrator(
                &ctx.session.organizations(region),
                account,
                service.principal(),
            )
            .await
        }
    }
}

/// Register the declared administrators that are missing; report (never replace) another one.
async fn admins(ctx: &Ctx<'_>, region: &str, declared: &[(Service, &str)]) -> ComponentOutcome {
    let c = rules::ADMINS;
    let mut observed = BTreeMap::new();
    for (s, _) in declared {
        match observe_admin(ctx, region, *s).await {
            Ok(a) => {
                observed.insert(*s, a);
            }
            Err(e) => {
                return failed(
                    c,
                    region,
                    ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                    e,
                )
            }
        }
    }
    let drift = diff(
        c,
        &rules::desired_admins(declared),
        &rules::observed_admins(&observed),
    );
    let plan = rules::plan_admins(declared, &observed);
    let wrote = ctx.may_write() && !plan.register.is_empty();
    let registered = if wrote {
        Some(
            async {
                for (s, account) in &plan.register {
                    register_admin(ctx, region, *s, account).await?;
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    // Another administrator is never replaced: the component fails (Ready=False) naming it, also under Report.
    let conflict = plan.conflicts.first().map(|(s, other)| {
        AwsError::new(
            "organizations",
            "RegisterDelegatedAdministrator",
            ErrorCategory::InvalidInput,
            format!(
                "{} already has delegated administrator {} in {region}; the operator does not replace one \
                 (deregistering it turns organization-wide management off for every member): deregister it, \
                 or declare it in delegatedAdministrators.{}",
                s.key(),
                other.join(", "),
                s.key()
            ),
        )
    });
    let exec = match (registered, conflict) {
        (Some(Err(e)), _) => Some(Err(e)),
        (_, Some(e)) => Some(Err(e)),
        (r, None) => r,
    };
    let absent_before = observed.values().all(Vec::is_empty);
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership: sticky_ownership(ctx.previous_ownership(c, region), absent_before, wrote),
        id: None,
    }
    .outcome()
}

/// A clearer error for an auto-enable call AWS refuses because this account is not the service's administrator.
fn not_administrator(mut e: AwsError, ctx: &Ctx<'_>, region: &str, service: Service) -> AwsError {
    if matches!(
        e.category,
        ErrorCategory::AccessDenied | ErrorCategory::InvalidInput
    ) {
        e.message = format!(
            "autoEnable.{key} is only accepted in {key}'s delegated administrator account; account {} is not it in \
             {region} (name it in delegatedAdministrators.{key} of the management account's baseline, or move \
             autoEnable to the administrator's baseline): {}",
            ctx.account_id,
            e.message,
            key = service.key(),
        );
    }
    e
}

/// The auto-enable settings the spec declares, read in the delegated administrator's account.
async fn observe_auto_enable(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &OrganizationAutoEnable,
) -> Result<(AutoEnableState, Option<String>), AwsError> {
    let mut state = AutoEnableState::default();
    let mut detector = None;
    if spec.guard_duty.is_some() {
        let client = ctx.session.guardduty(region);
        let Some(id) = aws::guardduty::detector_id(&client).await? else {
            return Err(AwsError::new(
                "guardduty",
                "DescribeOrganizationConfiguration",
                ErrorCategory::InvalidInput,
                format!(
                    "autoEnable.guardDuty needs the delegated administrator's GuardDuty detector in {region}, and \
                     account {} has none (declare guardDuty in this baseline)",
                    ctx.account_id
                ),
            ));
        };
        state.guard_duty = Some(
            aws::guardduty::organization_auto_enable(&client, &id)
                .await
                .map_err(|e| not_administrator(e, ctx, region, Service::GuardDuty))?,
        );
        detector = Some(id);
    }
    if spec.security_hub.is_some() {
        state.security_hub = Some(
            aws::securityhub::organization_auto_enable(&ctx.session.securityhub(region))
                .await
                .map_err(|e| not_administrator(e, ctx, region, Service::SecurityHub))?,
        );
    }
    if spec.inspector.is_some() {
        state.inspector = Some(
            aws::inspector2::organization_auto_enable(&ctx.session.inspector2(region))
                .await
                .map_err(|e| not_administrator(e, ctx, region, Service::Inspector))?,
        );
    }
    Ok((state, detector))
}

async fn auto_enable(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &OrganizationAutoEnable,
) -> ComponentOutcome {
    let c = rules::AUTO_ENABLE;
    let (state, detector) = match observe_auto_enable(ctx, region, spec).await {
        Ok(s) => s,
        Err(e) => {
            return failed(
                c,
                region,
                ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                e,
            )
        }
    };
    let drift = diff(
        c,
        &rules::desired_auto_enable(spec),
        &rules::observed_auto_enable(&state),
    );
    let writes = rules::auto_enable_writes(&drift);
    let wrote = ctx.may_write() && !writes.is_empty();
    let exec = if wrote {
        Some(
            async {
                for s in &writes {
                    match s {
                        Service::GuardDuty => {
                            if let (Some(id), Some(m)) = (&detector, spec.guard_duty) {
                                aws::guardduty::set_organization_auto_enable(
                                    &ctx.session.guardduty(region),
                                    id,
                                    m.as_str(),
                                )
                                .await?
                            }
                        }
                        Service::SecurityHub => {
                            if let Some(on) = spec.security_hub {
                                aws::securityhub::set_organization_auto_enable(
                                    &ctx.session.securityhub(region),
                                    on,
                                )
                                .await?
                            }
                        }
                        _ => {
                            let observed = state.inspector.clone().unwrap_or_default();
                            aws::inspector2::set_organization_auto_enable(
                                &ctx.session.inspector2(region),
                                &rules::inspector_update(spec, &observed),
                            )
                            .await?
                        }
                    }
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    // Settings, not resources: "absent" is every declared service at its default (off).
    let absent_before = state.guard_duty.as_deref().is_none_or(|m| m == "NONE")
        && !state.security_hub.unwrap_or(false)
        && !state.inspector.iter().flatten().any(|(_, on)| *on);
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership: sticky_ownership(ctx.previous_ownership(c, region), absent_before, wrote),
        id: None,
    }
    .outcome()
}

async fn aggregator(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &crate::api::account_baseline::ConfigAggregatorSpec,
) -> ComponentOutcome {
    let c = rules::AGGREGATOR;
    let client = ctx.session.config(region);
    let state = match aws::config::aggregator::observe(&client, &spec.name).await {
        Ok(s) => s,
        Err(e) => {
            return failed(
                c,
                region,
                ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                e,
            )
        }
    };
    let drift = diff(
        c,
        &rules::desired_aggregator(spec),
        &rules::observed_aggregator(state.as_ref()),
    );
    let ownership = match &state {
        Some(a)
            if ctx
                .input
                .owner
                .owns(a.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
        {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if ctx.may_write() => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|a| a.arn.clone());
    let exec = if ctx.may_write() && !drift.is_empty() {
        // Tags only on creation: PutConfigurationAggregator would replace an adopted aggregator's tags.
        let tags = if state.is_none() {
            ctx.input.owner.tags()
        } else {
            Vec::new()
        };
        Some(
            aws::config::aggregator::put(&client, &spec.name, &spec.role_arn, &tags)
                .await
                .map(|arn| id = Some(arn)),
        )
    } else {
        None
    };
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: state.is_none(),
        ownership,
        id,
    }
    .outcome()
}

/// Delete the aggregator when its tags prove this baseline created it. Trusted access, delegated administrators and
/// auto-enable settings are kept: undoing them would turn organization-wide management off for every member account.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.organization else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if spec.delegated_administrators.is_some() {
        out.push(Ok(Some(
            "kept delegated administrators and trusted service access (deregistering them turns \
             organization-wide management off for every member account)"
                .to_string(),
        )));
    }
    if spec.auto_enable.is_some() {
        out.push(Ok(Some(
            "kept organization auto-enable settings (turning them off would leave new member accounts unprotected)"
                .to_string(),
        )));
    }
    if let Some(a) = &spec.config_aggregator {
        let client = ctx.session.config(ctx.home());
        out.push(
            async {
                match aws::config::aggregator::observe(&client, &a.name).await? {
                    Some(s)
                        if ctx
                            .owner()
                            .owns(s.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
                    {
                        aws::config::aggregator::delete(&client, &a.name).await?;
                        Ok(Some(format!("deleted Config aggregator {}", a.name)))
                    }
                    Some(_) => Ok(Some(format!(
                        "kept Config aggregator {} (not created by this baseline)",
                        a.name
                    ))),
                    None => Ok(None),
                }
            }
            .await,
        );
    }
    out
}
