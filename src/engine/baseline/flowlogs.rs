//! VPC flow logs in one region: every selected VPC delivers to the declared destination.

use super::{Ctx, Section, SectionUsage};
use crate::api::account_baseline::VpcFlowLogsSpec;
use crate::api::common::{tags, Owner, Ownership};
use crate::aws::{self, AccountSession, AwsError, ErrorCategory};
use crate::baseline::flowlogs as rules;
use crate::diff::diff_resources;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "vpcFlowLogs",
    components: &[rules::COMPONENT, rules::ROLE_COMPONENT],
    iam: &[
        "AccountBaseline.vpcFlowLogs",
        "AccountBaseline.vpcFlowLogs.s3",
        "AccountBaseline.vpcFlowLogs.cloudWatchLogs",
        "AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole",
    ],
    usage: |spec| {
        let f = spec.vpc_flow_logs.as_ref()?;
        let mut u = SectionUsage::of(&["AccountBaseline.vpcFlowLogs"]);
        if f.s3.is_some() {
            u.uses.push("AccountBaseline.vpcFlowLogs.s3");
        }
        if let Some(cw) = &f.cloud_watch_logs {
            u.uses.push("AccountBaseline.vpcFlowLogs.cloudWatchLogs");
            // A role the operator creates: one of its own `awsbaseline-` roles.
            let role = match &cw.deliver_logs_permission_arn {
                Some(arn) => arn.clone(),
                None => crate::engine::role::ARN_PATTERN.to_string(),
            };
            u.passes
                .push((crate::aws::operation::VPC_FLOW_LOGS_PRINCIPAL, role));
            if cw.create_role {
                u.uses
                    .push("AccountBaseline.vpcFlowLogs.cloudWatchLogs.createRole");
            }
        }
        Some(u)
    },
    // The delivery role (`createRole`) before any region's flow logs are created with it; IAM is global, so once,
    // in the home region.
    buckets: Some(|ctx, region| {
        Box::pin(async move {
            let Some(s) = &ctx.input.spec.vpc_flow_logs else {
                return Vec::new();
            };
            let partition = aws::partition(region);
            let Some(r) = rules::delivery_role(s, &ctx.account_id, partition, &ctx.input.owner)
            else {
                return Vec::new();
            };
            let prev = ctx.previous_ownership(r.component, region);
            let client = ctx.session.iam(region);
            vec![
                crate::engine::role::reconcile(
                    &client,
                    &r,
                    &ctx.input.owner,
                    ctx.may_write(),
                    region,
                    prev,
                )
                .await,
            ]
        })
    }),
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.vpc_flow_logs {
                Some(s) => {
                    let partition = aws::partition(region);
                    let s = rules::resolved(s, &ctx.account_id, partition, &ctx.input.owner);
                    vec![reconcile(ctx, region, &s).await]
                }
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| {
        Box::pin(async move {
            if ctx.input.spec.vpc_flow_logs.is_none() {
                return Vec::new();
            }
            let mut out = Vec::new();
            for region in &ctx.regions {
                out.push(cleanup(&ctx.session, ctx.owner(), region).await);
            }
            // The delivery role goes after the flow logs that used it.
            let spec = ctx.input.spec.vpc_flow_logs.as_ref();
            let home = ctx.home();
            let role = spec.and_then(|s| {
                rules::delivery_role(s, &ctx.account_id, aws::partition(home), ctx.owner())
            });
            if let Some(r) = role {
                let client = ctx.session.iam(home);
                out.push(crate::engine::role::cleanup(&client, &r.name, ctx.owner()).await);
            }
            out
        })
    },
};

fn owned_by(owner: &Owner) -> impl Fn(&aws::flowlogs::FlowLogState) -> bool + '_ {
    |f| owner.owns(f.tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

/// DescribeVpcs, DescribeFlowLogs by resource ID and by this owner's tag; then at most one DeleteFlowLogs and one
/// CreateFlowLogs.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &VpcFlowLogsSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.ec2(region);
    let owner = &ctx.input.owner;
    let prev = ctx.previous_ownership(c, region);
    let observed = async {
        let vpcs = aws::flowlogs::vpcs(&client, &spec.vpc_tags).await?;
        let logs = aws::flowlogs::of_resources(&client, &vpcs).await?;
        let ours = aws::flowlogs::tagged(&client, tags::OWNER_UID, &owner.uid).await?;
        Ok::<_, AwsError>((vpcs, logs, ours))
    }
    .await;
    let (vpcs, logs, ours) = match observed {
        Ok(v) => v,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let a = rules::assess(spec, &vpcs, &logs, &ours, owned_by(owner));
    let drift = diff_resources(&a.desired, &a.observed);
    let plan = rules::plan(&a, &drift);
    let writes = !plan.delete.is_empty() || !plan.create.is_empty();
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(
            async {
                // Delete first: AWS refuses a second flow log with the same resource and destination.
                aws::flowlogs::delete(&client, &plan.delete).await?;
                if !plan.create.is_empty() {
                    aws::flowlogs::create(&client, &plan.create, &rules::config(spec), &owner.tags())
                        .await?;
                }
                if plan.blocked.is_empty() {
                    return Ok(());
                }
                let which: Vec<String> = plan
                    .blocked
                    .iter()
                    .map(|(vpc, id)| format!("{id} ({vpc})"))
                    .collect();
                Err(AwsError::new(
                    "ec2",
                    "CreateFlowLogs",
                    ErrorCategory::InvalidInput,
                    format!(
                        "flow logs {} deliver to the declared destination with other settings and were not created by this baseline: they are never deleted; change or remove them by hand",
                        which.join(", ")
                    ),
                ))
            }
            .await,
        )
    } else {
        None
    };
    let foreign = a.chosen.values().flatten().any(|(_, mine)| !mine);
    let any_ours = a.chosen.values().flatten().any(|(_, mine)| *mine);
    let ownership = if foreign {
        Ownership::Adopted
    } else if any_ours || (writes && exec.as_ref().is_some_and(|r| r.is_ok())) {
        Ownership::Created
    } else {
        Ownership::None
    };
    let id = Some(format!("{} VPC(s)", vpcs.len()));
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership,
        id,
    }
    .outcome()
}

/// Under `deletionPolicy: Delete`: delete every flow log this baseline created (found by its owner tag).
pub(super) async fn cleanup(
    session: &AccountSession,
    owner: &Owner,
    region: &str,
) -> Result<Option<String>, AwsError> {
    let client = session.ec2(region);
    let ours: Vec<String> = aws::flowlogs::tagged(&client, tags::OWNER_UID, &owner.uid)
        .await?
        .into_iter()
        .filter(|f| owned_by(owner)(f))
        .map(|f| f.id)
        .collect();
    if ours.is_empty() {
        return Ok(None);
    }
    aws::flowlogs::delete(&client, &ours).await?;
    Ok(Some(format!(
        "deleted {} VPC flow log(s) in {region}",
        ours.len()
    )))
}
