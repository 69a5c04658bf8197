//! Log groups of one region: one DescribeLogGroups per declared group, then the writes the plan
//! (`monitoring::log_groups`) names. Log groups are never deleted (they hold logs), so there is no cleanup.

use super::{uses_when, Component, Ctx};
use crate::api::common::Ownership;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::engine::{failed, ComponentOutcome, Settle};
use crate::monitoring::log_groups::{plan, LogGroupWrite, LOG_GROUPS};

pub(super) const COMPONENT: Component = Component {
    name: "logGroups",
    components: &[LOG_GROUPS],
    iam: &[
        "MonitoringPolicy.logGroups",
        "MonitoringPolicy.logGroups.kmsKeyId",
    ],
    usage: |spec| {
        uses_when(&[
            (!spec.log_groups.is_empty(), "MonitoringPolicy.logGroups"),
            // A log group names a KMS key.
            (
                spec.log_groups.iter().any(|g| g.kms_key_id.is_some()),
                "MonitoringPolicy.logGroups.kmsKeyId",
            ),
        ])
    },
    runs: |ctx, _| !ctx.input.spec.log_groups.is_empty(),
    reconcile: |ctx, region, _| Box::pin(async move { vec![reconcile(ctx, region).await] }),
    cleanup: None,
};

async fn reconcile(ctx: &Ctx<'_>, region: &str) -> ComponentOutcome {
    const C: &str = LOG_GROUPS;
    let client = ctx.session.logs(region);
    let mut drift = Vec::new();
    let mut writes: Option<Result<(), AwsError>> = None;
    let mut created = false;
    for g in &ctx.input.spec.log_groups {
        let have = match aws::logs::log_group(&client, &g.name).await {
            Ok(h) => h,
            Err(e) => return failed(C, region, Ownership::Adopted, e),
        };
        let p = plan(g, have.as_ref());
        if p.drift.is_empty() {
            continue;
        }
        drift.extend(p.drift);
        if let (Some(refused), true) = (p.refused, ctx.may_write()) {
            writes = Some(Err(AwsError::new(
                "logs",
                "PutRetentionPolicy",
                ErrorCategory::InvalidInput,
                refused,
            )));
            continue;
        }
        if ctx.may_write() && !matches!(writes, Some(Err(_))) {
            let r = async {
                for w in &p.writes {
                    match w {
                        LogGroupWrite::Create => {
                            aws::logs::create_group(
                                &client,
                                &g.name,
                                g.kms_key_id.as_deref(),
                                &ctx.input.owner.tags(),
                            )
                            .await?;
                            created = true;
                        }
                        LogGroupWrite::AssociateKmsKey => {
                            if let Some(k) = &g.kms_key_id {
                                aws::logs::associate_kms_key(&client, &g.name, k).await?;
                            }
                        }
                        LogGroupWrite::PutRetention => {
                            aws::logs::put_retention(&client, &g.name, g.retention_in_days).await?;
                        }
                    }
                }
                Ok(())
            }
            .await;
            writes = Some(r);
        }
    }
    let ownership = if created {
        Ownership::Created
    } else {
        ctx.previous_ownership(C, region)
            .unwrap_or(Ownership::Adopted)
    };
    Settle {
        component: C,
        region,
        drift,
        writes,
        created,
        ownership,
        id: None,
    }
    .outcome()
}
