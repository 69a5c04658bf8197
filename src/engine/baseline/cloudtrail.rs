//! The `cloudTrail` section: the trail (home region) and, made ready before it, its log bucket
//! (`s3.createBucket`), the log group it delivers to (`cloudWatchLogs.createLogGroup`) and the role it delivers
//! with (`cloudWatchLogs.createRole`).

use super::{log_bucket, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{CloudTrailSpec, CloudWatchLogsDelivery, TrailLogGroup};
use crate::api::common::Ownership;
use crate::aws::{self, operation::CLOUDTRAIL_PRINCIPAL, AwsError};
use crate::baseline::cloudtrail::{self as rules, LogGroupWrite, TrailWrite};
use crate::diff::diff;
use crate::engine::role;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "cloudTrail",
    components: &[
        rules::COMPONENT,
        rules::BUCKET_COMPONENT,
        rules::LOG_GROUP_COMPONENT,
        rules::LOGS_ROLE_COMPONENT,
    ],
    iam: &[
        "AccountBaseline.cloudTrail",
        "AccountBaseline.cloudTrail.s3.createBucket",
        "AccountBaseline.cloudTrail.cloudWatchLogs",
        "AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup",
        "AccountBaseline.cloudTrail.cloudWatchLogs.createRole",
    ],
    usage,
    buckets: Some(|ctx, region| Box::pin(prerequisites(ctx, region))),
    account: Some(|ctx, region| Box::pin(trail(ctx, region))),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

fn usage(spec: &crate::api::account_baseline::AccountBaselineSpec) -> Option<SectionUsage> {
    let ct = spec.cloud_trail.as_ref()?;
    let mut u = SectionUsage::of(&["AccountBaseline.cloudTrail"]);
    if ct.s3.create_bucket {
        u.uses.push("AccountBaseline.cloudTrail.s3.createBucket");
    }
    // The trail configuration the engine sends: its CloudWatch Logs role is passed to CloudTrail (a role the
    // operator creates: one of its own `awsbaseline-` roles, whose exact name depends on the owner).
    if let Some(cw) = &ct.cloud_watch_logs {
        u.uses.push("AccountBaseline.cloudTrail.cloudWatchLogs");
        let role = match &cw.role_arn {
            Some(arn) => arn.clone(),
            None => role::ARN_PATTERN.to_string(),
        };
        u.passes.push((CLOUDTRAIL_PRINCIPAL, role));
        if cw.create_role {
            u.uses
                .push("AccountBaseline.cloudTrail.cloudWatchLogs.createRole");
        }
        if cw.create_log_group.is_some() {
            u.uses
                .push("AccountBaseline.cloudTrail.cloudWatchLogs.createLogGroup");
        }
    }
    Some(u)
}

/// What the trail needs before it is created or updated: its bucket, its log group and its delivery role.
async fn prerequisites(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    let mut out = bucket(ctx, region).await;
    let Some(spec) = &ctx.input.spec.cloud_trail else {
        return out;
    };
    if let Some(cw) = &spec.cloud_watch_logs {
        if let Some(group) = &cw.create_log_group {
            out.push(log_group(ctx, cw, group).await);
        }
    }
    if let Some(r) = rules::logs_role(spec, &ctx.account_id, &ctx.input.owner) {
        // IAM is global: the role is reconciled once, reported in the home region.
        let prev = ctx.previous_ownership(r.component, region);
        let client = ctx.session.iam(region);
        out.push(
            role::reconcile(&client, &r, &ctx.input.owner, ctx.may_write(), region, prev).await,
        );
    }
    out
}

/// The log group the trail delivers to (`createLogGroup`), in the log group ARN's region: created tagged, its
/// retention and KMS key kept. A group that existed before is adopted; none is ever deleted.
async fn log_group(
    ctx: &Ctx<'_>,
    cw: &CloudWatchLogsDelivery,
    group: &TrailLogGroup,
) -> ComponentOutcome {
    let c = rules::LOG_GROUP_COMPONENT;
    let region = cw.log_group_region();
    let name = cw.log_group_name();
    let prev = ctx.previous_ownership(c, region);
    let client = ctx.session.logs(region);
    let state = match aws::logs::log_group(&client, name).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &rules::log_group_desired(group),
        &rules::log_group_observed(state.as_ref()),
    );
    let writes = rules::log_group_plan(group, state.is_some(), &drift);
    let exec = if ctx.may_write() && !writes.is_empty() {
        Some(
            async {
                for w in &writes {
                    match w {
                        LogGroupWrite::Create => {
                            aws::logs::create_group(
                                &client,
                                name,
                                group.kms_key_id.as_deref(),
                                &ctx.input.owner.tags(),
                            )
                            .await?
                        }
                        LogGroupWrite::Retention(days) => {
                            aws::logs::put_retention(&client, name, *days).await?
                        }
                        LogGroupWrite::Kms(key) => {
                            aws::logs::associate_kms_key(&client, name, key).await?
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
    let ownership = match (state.is_some(), prev) {
        (true, Some(p)) => p,
        (true, None) => Ownership::Adopted,
        (false, _) if exec.is_some() => Ownership::Created,
        (false, _) => Ownership::None,
    };
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: state.is_none(),
        ownership,
        id: Some(cw.log_group_arn.clone()),
    }
    .outcome()
}

/// The trail's bucket (`s3.createBucket`). When AWS Config delivers to the same bucket, its statements are kept
/// there too.
async fn bucket(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    let Some(spec) = ctx
        .input
        .spec
        .cloud_trail
        .as_ref()
        .filter(|t| t.s3.create_bucket)
    else {
        return Vec::new();
    };
    let name = &spec.s3.bucket_name;
    let mut ours = rules::bucket_policy_statements(spec, &ctx.account_id, region);
    if let Some(ch) = ctx
        .input
        .spec
        .config
        .as_ref()
        .map(|c| &c.delivery_channel)
        .filter(|ch| &ch.s3_bucket_name == name)
    {
        log_bucket::add_statements(
            &mut ours,
            crate::baseline::config::bucket_policy_statements(ch, &ctx.account_id, region),
        );
    }
    vec![
        log_bucket::reconcile(
            ctx,
            region,
            rules::BUCKET_COMPONENT,
            "cloudTrailPolicy",
            name,
            &ours,
        )
        .await,
    ]
}

async fn trail(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    match &ctx.input.spec.cloud_trail {
        Some(spec) => vec![reconcile(ctx, region, spec).await],
        None => Vec::new(),
    }
}

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &CloudTrailSpec) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.cloudtrail(region);
    let state = match aws::cloudtrail::observe(&client, &spec.name).await {
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
    // A key declared by alias: CloudTrail reports the key's ARN, so ask KMS which key the alias names (one
    // DescribeKey, only when the trail has a key that is not spelled the declared way).
    let mut state = state;
    if let (Some(declared), Some(t)) = (&spec.kms_key_id, state.as_mut()) {
        let actual = t
            .kms_key_id
            .clone()
            .filter(|a| !a.is_empty() && a != declared);
        if let (true, Some(actual)) = (aws::kms::is_alias(declared), actual) {
            match aws::kms::key_arn(&ctx.session.kms(region), declared).await {
                Ok(Some(arn)) if arn == actual => t.kms_key_id = Some(declared.clone()),
                Ok(_) => {}
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
    }
    let logs_role = rules::logs_role_arn(spec, &ctx.account_id, &ctx.input.owner);
    let drift = diff(
        c,
        &rules::desired(spec, logs_role.as_deref()),
        &rules::observed(state.as_ref(), spec),
    );
    let writes = rules::plan(spec, state.is_some(), &drift);
    let ownership = match &state {
        Some(t)
            if ctx
                .input
                .owner
                .owns(t.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
        {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if ctx.may_write() => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|t| t.arn.clone());
    let exec = if ctx.may_write() && !writes.is_empty() {
        let cfg = rules::config(spec, logs_role.as_deref());
        let result = async {
            for w in &writes {
                match w {
                    TrailWrite::Create => {
                        id = Some(
                            aws::cloudtrail::create(&client, &cfg, &ctx.input.owner.tags()).await?,
                        )
                    }
                    TrailWrite::Update => aws::cloudtrail::update(&client, &cfg).await?,
                    TrailWrite::PutSelectors => {
                        aws::cloudtrail::put_selectors(&client, &spec.name, &rules::selectors(spec))
                            .await?
                    }
                    TrailWrite::PutInsights => {
                        aws::cloudtrail::put_insights(&client, &spec.name, &rules::insights(spec))
                            .await?
                    }
                    TrailWrite::SetLogging(on) => {
                        aws::cloudtrail::set_logging(&client, &spec.name, *on).await?
                    }
                }
            }
            Ok(())
        }
        .await;
        Some(result)
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

/// Delete the trail when its tags prove this baseline created it; the log bucket is always kept.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.cloud_trail else {
        return Vec::new();
    };
    let client = ctx.session.cloudtrail(ctx.home());
    let mut out = vec![
        async {
            match aws::cloudtrail::observe(&client, &spec.name).await? {
                Some(t)
                    if ctx
                        .owner()
                        .owns(t.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
                {
                    aws::cloudtrail::delete(&client, &spec.name).await?;
                    Ok(Some(format!("deleted trail {}", spec.name)))
                }
                Some(_) => Ok(Some(format!(
                    "kept trail {} (not created by this baseline)",
                    spec.name
                ))),
                None => Ok(None),
            }
        }
        .await,
    ];
    if let Some(r) = rules::logs_role(spec, &ctx.account_id, ctx.owner()) {
        out.push(role::cleanup(&ctx.session.iam(ctx.home()), &r.name, ctx.owner()).await);
    }
    if let Some(cw) = spec
        .cloud_watch_logs
        .as_ref()
        .filter(|c| c.create_log_group.is_some())
    {
        out.push(Ok(Some(format!(
            "kept log group {} (audit events are never deleted)",
            cw.log_group_name()
        ))));
    }
    if spec.s3.create_bucket {
        out.push(Ok(Some(format!(
            "kept log bucket {} (audit logs are never deleted)",
            spec.s3.bucket_name
        ))));
    }
    out
}
