//! One pass over an AccountBaseline: account-wide components in the home region, regional components fanned
//! out over the listed regions (bounded), each component isolated so one failure never blocks the others.

use super::{
    failed, resolve_regions, settle, verify_account, CleanupReport, ComponentOutcome, EngineError,
    PassReport, REGION_CONCURRENCY,
};
use crate::api::account_baseline::{
    AccountBaselineSpec, CloudTrailSpec, EbsEncryptionSpec, GuardDutySpec,
};
use crate::api::aws_account::AwsAccountSpec;
use crate::api::common::{ComponentStatus, DeletionPolicy, DriftPolicy, Owner, Ownership};
use crate::aws::{self, AccountSession, AwsError, AwsFactory};
use crate::baseline::{cloudtrail as ct, guardduty as gd, hardening as hd};
use crate::diff::diff;
use futures::{stream, StreamExt};

pub mod access_analyzer;
pub mod budgets;
mod config;
mod flowlogs;
mod inspector;
pub mod security_hub;
mod session_manager;

/// Everything one pass needs besides AWS.
#[derive(Clone, Debug)]
pub struct BaselineInput<'a> {
    /// The spec.
    pub spec: &'a AccountBaselineSpec,
    /// How to reach the account.
    pub account: &'a AwsAccountSpec,
    /// Who owns what gets created.
    pub owner: Owner,
    /// Components from the previous status (ownership of untaggable settings is remembered there).
    pub previous: &'a [ComponentStatus],
    /// Correct or Report (the CLI's `plan`/`check` force Report).
    pub mode: DriftPolicy,
}

struct Ctx<'a> {
    session: AccountSession,
    account_id: String,
    /// Home region (account-wide settings, AWS Config global resource types).
    home: String,
    input: &'a BaselineInput<'a>,
}

impl Ctx<'_> {
    fn may_write(&self) -> bool {
        self.input.mode == DriftPolicy::Correct
    }

    fn previous_ownership(&self, component: &str, region: &str) -> Option<Ownership> {
        self.input
            .previous
            .iter()
            .find(|c| c.component == component && c.region == region)
            .map(|c| c.ownership)
    }

    fn previous_id(&self, component: &str, region: &str) -> Option<&str> {
        previous_id(self.input.previous, component, region)
    }
}

/// The AWS identifier the previous status recorded for a component in a region.
fn previous_id<'a>(
    previous: &'a [ComponentStatus],
    component: &str,
    region: &str,
) -> Option<&'a str> {
    previous
        .iter()
        .find(|c| c.component == component && c.region == region)
        .and_then(|c| c.id.as_deref())
}

/// Resolve and verify the account, then reconcile every declared section.
pub async fn run(factory: &AwsFactory, input: &BaselineInput<'_>) -> PassReport {
    let regions = match resolve_regions(&input.spec.regions, &input.account.regions) {
        Ok(r) => r,
        Err(e) => return PassReport::fatal(e),
    };
    let home = regions[0].clone();
    let session = match verify_account(factory, input.account, &home, &input.owner).await {
        Ok(s) => s,
        Err(e) => {
            return PassReport {
                regions,
                ..PassReport::fatal(e)
            }
        }
    };
    let ctx = Ctx {
        session,
        account_id: input.account.account_id.clone(),
        home: home.clone(),
        input,
    };
    let spec = input.spec;

    // Buckets first: the trail and the Config delivery channels (in every region) need theirs to exist.
    let mut buckets = Vec::new();
    if let Some(t) = spec.cloud_trail.as_ref().filter(|t| t.s3.create_bucket) {
        buckets.push(bucket(&ctx, &home, t).await);
    }
    if let Some(c) = &spec.config {
        buckets.extend(config_bucket(&ctx, &home, &c.delivery_channel).await);
    }
    let global = async {
        let mut out = Vec::new();
        if let Some(s) = &spec.cloud_trail {
            out.extend(trail(&ctx, &home, s).await);
        }
        if let Some(s) = &spec.password_policy {
            out.push(password_policy(&ctx, &home, s).await);
        }
        if let Some(s) = &spec.s3_block_public_access {
            out.push(block_public_access(&ctx, &home, s).await);
        }
        if let Some(s) = &spec.root_account {
            out.push(root(&ctx, &home, s).await);
        }
        // Budgets are account-wide; the Budgets endpoint is global (the region selects the partition).
        if let Some(s) = &spec.budgets {
            out.push(budgets::reconcile(&ctx, &home, s).await);
        }
        crate::progress::finished(&ctx.account_id, &out);
        out
    };
    // Futures are built eagerly (not in a stream closure) so the pass stays `Send` for the controller.
    let per_region: Vec<_> = regions
        .iter()
        .map(|region| async {
            let done = regional(&ctx, spec, region).await;
            crate::progress::finished(&ctx.account_id, &done);
            done
        })
        .collect();
    let regional = stream::iter(per_region)
        .buffered(REGION_CONCURRENCY)
        .collect::<Vec<_>>();
    let (global, per_region) = futures::join!(global, regional);
    let mut outcomes = buckets;
    outcomes.extend(global);
    outcomes.extend(per_region.into_iter().flatten());
    if let Some(a) = spec
        .security_hub
        .as_ref()
        .and_then(|s| s.finding_aggregator.as_ref())
    {
        if let Some(e) = security_hub::aggregator_region_error(a, &regions) {
            // The recorded ARN of an aggregator this baseline created is kept (the outcome carries it).
            let created = security_hub::created_aggregator(input.previous);
            let mut o = failed(
                crate::baseline::security_hub::AGGREGATOR_COMPONENT,
                &home,
                if created.is_some() {
                    Ownership::Created
                } else {
                    Ownership::None
                },
                e,
            );
            o.id = created;
            outcomes.push(o);
        }
    }
    PassReport {
        account_id: Some(ctx.account_id.clone()),
        regions,
        outcomes,
        fatal: None,
    }
}

async fn regional(
    ctx: &Ctx<'_>,
    spec: &AccountBaselineSpec,
    region: &str,
) -> Vec<ComponentOutcome> {
    let mut out = Vec::new();
    if let Some(s) = &spec.guard_duty {
        out.push(guardduty(ctx, region, s).await);
    }
    if let Some(s) = &spec.ebs_encryption_by_default {
        out.push(ebs(ctx, region, s).await);
    }
    if let Some(s) = &spec.session_manager {
        out.push(session_manager::reconcile(ctx, region, s).await);
    }
    if let Some(s) = &spec.inspector {
        out.push(inspector::reconcile(ctx, region, s).await);
    }
    if let Some(s) = &spec.config {
        let home = ctx.home == region;
        out.push(config::reconcile(ctx, region, home, s).await);
        // Rules need a recorder; they are read (and orphans found) even when the spec lists none.
        out.push(config::rules(ctx, region, s).await);
    }
    if let Some(s) = &spec.vpc_flow_logs {
        out.push(flowlogs::reconcile(ctx, region, s).await);
    }
    if let Some(s) = &spec.access_analyzer {
        out.push(access_analyzer::reconcile(ctx, region, s).await);
    }
    if let Some(s) = &spec.security_hub {
        out.push(security_hub::reconcile(ctx, region, s).await);
        // The aggregator is created after the aggregation region's hub.
        if let Some(a) = s.finding_aggregator.as_ref().filter(|a| a.region == region) {
            out.push(security_hub::aggregator(ctx, a).await);
        }
    }
    out
}

/// A log bucket the operator creates and keeps encrypted, versioned, private and with `ours` in its policy (the
/// trail's bucket, AWS Config's).
async fn log_bucket(
    ctx: &Ctx<'_>,
    region: &str,
    c: &'static str,
    policy_field: &str,
    name: &str,
    ours: &[serde_json::Value],
) -> ComponentOutcome {
    let client = ctx.session.s3(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::s3::observe(&client, name).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &ct::log_bucket_desired(c, policy_field),
        &ct::log_bucket_observed(c, policy_field, state.as_ref(), ours),
    );
    let writes = ct::log_bucket_plan(c, policy_field, state.is_some(), &drift);
    let created = state.is_none();
    let ownership = if created {
        Ownership::Created
    } else {
        prev.unwrap_or(Ownership::Adopted)
    };
    let exec = if ctx.may_write() && !writes.is_empty() {
        let tags = ctx.input.owner.tags();
        Some(
            async {
                for w in &writes {
                    match w {
                        ct::BucketWrite::Create => {
                            aws::s3::create(&client, name, region, &tags).await?
                        }
                        ct::BucketWrite::Versioning => {
                            aws::s3::enable_versioning(&client, name).await?
                        }
                        ct::BucketWrite::Encryption => {
                            aws::s3::enable_encryption(&client, name, None).await?
                        }
                        ct::BucketWrite::BlockPublicAccess => {
                            aws::s3::block_public_access(&client, name).await?
                        }
                        ct::BucketWrite::Policy => {
                            let merged = ct::merge_policy(
                                state.as_ref().and_then(|s| s.policy.as_deref()),
                                ours,
                            );
                            aws::s3::put_policy(&client, name, &merged).await?
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
    let ownership = if state.is_none() && exec.is_none() {
        Ownership::None
    } else {
        ownership
    };
    settle(
        c,
        region,
        drift,
        exec,
        created,
        ownership,
        Some(name.to_string()),
    )
}

/// The trail's bucket. When AWS Config delivers to the same bucket, its statements are kept there too.
async fn bucket(ctx: &Ctx<'_>, region: &str, spec: &CloudTrailSpec) -> ComponentOutcome {
    let name = &spec.s3.bucket_name;
    let mut ours = ct::bucket_policy_statements(spec, &ctx.account_id, region);
    if let Some(ch) = ctx
        .input
        .spec
        .config
        .as_ref()
        .map(|c| &c.delivery_channel)
        .filter(|ch| &ch.s3_bucket_name == name)
    {
        for st in crate::baseline::config::bucket_policy_statements(ch, &ctx.account_id, region) {
            if !ours.iter().any(|o| o.get("Sid") == st.get("Sid")) {
                ours.push(st);
            }
        }
    }
    log_bucket(
        ctx,
        region,
        ct::BUCKET_COMPONENT,
        "cloudTrailPolicy",
        name,
        &ours,
    )
    .await
}

/// AWS Config's delivery bucket (`createBucket`), unless it is the trail's bucket the operator creates anyway.
async fn config_bucket(
    ctx: &Ctx<'_>,
    region: &str,
    ch: &crate::api::account_baseline::ConfigDeliveryChannelSpec,
) -> Option<ComponentOutcome> {
    let shared = ctx
        .input
        .spec
        .cloud_trail
        .as_ref()
        .is_some_and(|t| t.s3.create_bucket && t.s3.bucket_name == ch.s3_bucket_name);
    if !ch.create_bucket || shared {
        return None;
    }
    let mut ours = crate::baseline::config::bucket_policy_statements(ch, &ctx.account_id, region);
    // The trail delivers to this bucket too (without creating it): its statements are kept here.
    if let Some(t) = ctx
        .input
        .spec
        .cloud_trail
        .as_ref()
        .filter(|t| t.s3.bucket_name == ch.s3_bucket_name)
    {
        for st in ct::bucket_policy_statements(t, &ctx.account_id, region) {
            if !ours.iter().any(|o| o.get("Sid") == st.get("Sid")) {
                ours.push(st);
            }
        }
    }
    Some(
        log_bucket(
            ctx,
            region,
            crate::baseline::config::BUCKET_COMPONENT,
            "configPolicy",
            &ch.s3_bucket_name,
            &ours,
        )
        .await,
    )
}

async fn trail(ctx: &Ctx<'_>, region: &str, spec: &CloudTrailSpec) -> Vec<ComponentOutcome> {
    let mut out = Vec::new();
    let c = ct::COMPONENT;
    let client = ctx.session.cloudtrail(region);
    let state = match aws::cloudtrail::observe(&client, &spec.name).await {
        Ok(s) => s,
        Err(e) => {
            out.push(failed(
                c,
                region,
                ctx.previous_ownership(c, region).unwrap_or(Ownership::None),
                e,
            ));
            return out;
        }
    };
    let drift = diff(c, &ct::desired(spec), &ct::observed(state.as_ref(), spec));
    let writes = ct::plan(spec, state.is_some(), &drift);
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
        let cfg = ct::config(spec);
        let result = async {
            for w in &writes {
                match w {
                    ct::TrailWrite::Create => {
                        id = Some(
                            aws::cloudtrail::create(&client, &cfg, &ctx.input.owner.tags()).await?,
                        )
                    }
                    ct::TrailWrite::Update => aws::cloudtrail::update(&client, &cfg).await?,
                    ct::TrailWrite::PutSelectors => {
                        aws::cloudtrail::put_selectors(&client, &spec.name, &ct::selectors(spec))
                            .await?
                    }
                    ct::TrailWrite::PutInsights => {
                        aws::cloudtrail::put_insights(&client, &spec.name, &ct::insights(spec))
                            .await?
                    }
                    ct::TrailWrite::SetLogging(on) => {
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
    out.push(settle(
        c,
        region,
        drift,
        exec,
        state.is_none(),
        ownership,
        id,
    ));
    out
}

async fn guardduty(ctx: &Ctx<'_>, region: &str, spec: &GuardDutySpec) -> ComponentOutcome {
    let c = gd::COMPONENT;
    let client = ctx.session.guardduty(region);
    let state = match aws::guardduty::observe(&client).await {
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
    let drift = diff(c, &gd::desired(spec), &gd::observed(state.as_ref()));
    let writes = gd::plan(state.is_some(), &drift);
    let ownership = match &state {
        Some(d)
            if ctx
                .input
                .owner
                .owns(d.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
        {
            Ownership::Created
        }
        Some(_) => Ownership::Adopted,
        None if ctx.may_write() && !writes.is_empty() => Ownership::Created,
        None => Ownership::None,
    };
    let mut id = state.as_ref().map(|d| d.id.clone());
    let exec = if ctx.may_write() && !writes.is_empty() {
        let cfg = gd::config(spec);
        Some(match (&writes[0], &id) {
            (gd::DetectorWrite::Update, Some(existing)) => {
                aws::guardduty::update(&client, existing, &cfg).await
            }
            _ => {
                let token = gd::client_token(&ctx.input.owner.uid, region);
                aws::guardduty::create(&client, &cfg, &ctx.input.owner.tags(), &token)
                    .await
                    .map(|new| id = Some(new))
            }
        })
    } else {
        None
    };
    settle(c, region, drift, exec, state.is_none(), ownership, id)
}

async fn password_policy(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &crate::api::account_baseline::PasswordPolicySpec,
) -> ComponentOutcome {
    let c = hd::PASSWORD_POLICY;
    let client = ctx.session.iam(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::iam::get_password_policy(&client).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &hd::password_desired(spec),
        &hd::password_observed(state.as_ref()),
    );
    let created = state.is_none();
    let exec = (ctx.may_write() && !drift.is_empty())
        .then(|| hd::password_merged(spec, state.as_ref()))
        .map(|p| async move { aws::iam::put_password_policy(&client, &p).await });
    let exec = match exec {
        Some(f) => Some(f.await),
        None => None,
    };
    let ownership = sticky_ownership(prev, created, exec.is_some());
    settle(c, region, drift, exec, created, ownership, None)
}

/// Ownership of a component holding several tagged resources (analyzers, budgets): `declared_ours` says, for each
/// declared resource that exists, whether its tags prove this owner created it. One adopted resource makes the
/// component adopted.
pub(crate) fn tagged_ownership(declared_ours: &[bool], created_now: bool) -> Ownership {
    if declared_ours.iter().any(|ours| !ours) {
        Ownership::Adopted
    } else if !declared_ours.is_empty() || created_now {
        Ownership::Created
    } else {
        Ownership::None
    }
}

/// Ownership of settings that cannot carry tags: remembered from the pass that created them.
fn sticky_ownership(previous: Option<Ownership>, absent_before: bool, wrote: bool) -> Ownership {
    match previous {
        Some(Ownership::Created) => Ownership::Created,
        Some(Ownership::Adopted) if !absent_before => Ownership::Adopted,
        _ if absent_before && wrote => Ownership::Created,
        _ if absent_before => Ownership::None,
        _ => Ownership::Adopted,
    }
}

async fn block_public_access(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &crate::api::account_baseline::S3BlockPublicAccessSpec,
) -> ComponentOutcome {
    let c = hd::S3_BPA;
    let client = ctx.session.s3control(region);
    let prev = ctx.previous_ownership(c, region);
    let state = match aws::s3control::get(&client, &ctx.account_id).await {
        Ok(s) => s,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(c, &hd::bpa_desired(spec), &hd::bpa_observed(state.as_ref()));
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(aws::s3control::put(&client, &ctx.account_id, hd::bpa_config(spec)).await)
    } else {
        None
    };
    let ownership = sticky_ownership(prev, state.is_none(), exec.is_some());
    settle(
        c,
        region,
        drift,
        exec,
        state.is_none(),
        ownership,
        Some(ctx.account_id.clone()),
    )
}

async fn ebs(ctx: &Ctx<'_>, region: &str, spec: &EbsEncryptionSpec) -> ComponentOutcome {
    let c = hd::EBS;
    let client = ctx.session.ec2(region);
    let prev = ctx.previous_ownership(c, region);
    let observed = async {
        let enabled = aws::ec2::encryption_by_default(&client).await?;
        let key = match &spec.kms_key_id {
            Some(_) => aws::ec2::default_kms_key(&client).await?,
            None => None,
        };
        Ok::<_, AwsError>((enabled, key))
    }
    .await;
    let (enabled, key) = match observed {
        Ok(v) => v,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &hd::ebs_desired(spec),
        &hd::ebs_observed(enabled, key.as_deref(), spec),
    );
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(
            async {
                if enabled != spec.enabled {
                    aws::ec2::set_encryption_by_default(&client, spec.enabled).await?;
                }
                if let Some(k) = &spec.kms_key_id {
                    if drift.iter().any(|d| d.field.ends_with(".kmsKeyId")) {
                        aws::ec2::set_default_kms_key(&client, k).await?;
                    }
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    // "Absent" for this setting means "encryption by default was off".
    let ownership = sticky_ownership(prev, !enabled, exec.is_some() && spec.enabled && !enabled);
    settle(c, region, drift, exec, false, ownership, None)
}

async fn root(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &crate::api::account_baseline::RootAccountSpec,
) -> ComponentOutcome {
    let c = hd::ROOT;
    let client = ctx.session.iam(region);
    match aws::iam::root_state(&client).await {
        // Root MFA and root access keys cannot be changed through the API: always reported, never corrected.
        Ok(s) => settle(
            c,
            region,
            diff(c, &hd::root_desired(spec), &hd::root_observed(&s)),
            None,
            false,
            Ownership::Adopted,
            None,
        ),
        Err(e) => failed(c, region, Ownership::Adopted, e),
    }
}

/// Undo what the operator did, following `deletionPolicy`. Never deletes what it did not create (trail and
/// detector ownership is proven by tags; untaggable settings by the ownership recorded in status).
pub async fn cleanup(
    factory: &AwsFactory,
    input: &BaselineInput<'_>,
) -> Result<CleanupReport, EngineError> {
    let mut report = CleanupReport::default();
    if input.spec.deletion_policy == DeletionPolicy::Retain {
        report
            .actions
            .push("deletionPolicy Retain: AWS resources left in place".into());
        return Ok(report);
    }
    let regions = super::cleanup_regions(&input.spec.regions, &input.account.regions, []);
    if regions.is_empty() {
        return Ok(super::nothing_to_delete());
    }
    let home = regions[0].clone();
    let session = verify_account(factory, input.account, &home, &input.owner).await?;
    let account_id = input.account.account_id.clone();
    let owner = &input.owner;
    let created = |component: &str, region: &str| {
        input.previous.iter().any(|c| {
            c.component == component && c.region == region && c.ownership == Ownership::Created
        })
    };
    let mut note = |r: Result<Option<String>, AwsError>| match r {
        Ok(Some(a)) => report.actions.push(a),
        Ok(None) => {}
        Err(e) => report.errors.push(e),
    };

    if let Some(spec) = &input.spec.cloud_trail {
        let client = session.cloudtrail(&home);
        note(
            async {
                match aws::cloudtrail::observe(&client, &spec.name).await? {
                    Some(t) if owner.owns(t.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) => {
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
        );
        if spec.s3.create_bucket {
            note(Ok(Some(format!(
                "kept log bucket {} (audit logs are never deleted)",
                spec.s3.bucket_name
            ))));
        }
    }
    if let Some(ch) = input
        .spec
        .config
        .as_ref()
        .map(|c| &c.delivery_channel)
        .filter(|ch| ch.create_bucket)
    {
        let shared = input
            .spec
            .cloud_trail
            .as_ref()
            .is_some_and(|t| t.s3.create_bucket && t.s3.bucket_name == ch.s3_bucket_name);
        if !shared {
            note(Ok(Some(format!(
                "kept AWS Config bucket {} (configuration history is never deleted)",
                ch.s3_bucket_name
            ))));
        }
    }
    if input.spec.guard_duty.is_some() {
        for region in &regions {
            let client = session.guardduty(region);
            note(
                async {
                    match aws::guardduty::observe(&client).await? {
                        Some(d)
                            if owner.owns(d.tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) =>
                        {
                            aws::guardduty::delete(&client, &d.id).await?;
                            Ok(Some(format!(
                                "deleted GuardDuty detector {} in {region}",
                                d.id
                            )))
                        }
                        Some(d) if d.enabled => {
                            aws::guardduty::disable(&client, &d.id).await?;
                            Ok(Some(format!(
                                "suspended adopted GuardDuty detector {} in {region}",
                                d.id
                            )))
                        }
                        _ => Ok(None),
                    }
                }
                .await,
            );
        }
    }
    if input.spec.password_policy.is_some() && created(hd::PASSWORD_POLICY, &home) {
        note(
            aws::iam::delete_password_policy(&session.iam(&home))
                .await
                .map(|_| Some("deleted account password policy".into())),
        );
    }
    if input.spec.s3_block_public_access.is_some() && created(hd::S3_BPA, &home) {
        note(
            aws::s3control::delete(&session.s3control(&home), &account_id)
                .await
                .map(|_| Some("deleted account S3 Block Public Access".into())),
        );
    }
    if input.spec.ebs_encryption_by_default.is_some() {
        for region in &regions {
            if created(hd::EBS, region) {
                note(
                    aws::ec2::set_encryption_by_default(&session.ec2(region), false)
                        .await
                        .map(|_| Some(format!("disabled EBS encryption by default in {region}"))),
                );
            }
        }
    }
    if input.spec.config.is_some() {
        for region in &regions {
            let owned = created(crate::baseline::config::COMPONENT, region);
            for r in config::cleanup(&session, owner, region, owned).await {
                note(r);
            }
        }
    }
    if input.spec.access_analyzer.is_some() {
        for region in &regions {
            let client = session.accessanalyzer(region);
            for r in access_analyzer::cleanup_with(&client, owner, region).await {
                note(r);
            }
        }
    }
    if let Some(spec) = &input.spec.budgets {
        let target = budgets::Target {
            owner,
            account_id: &account_id,
            region: &home,
            may_write: true,
            previous: None,
            previous_budgets: budgets::managed_names(previous_id(
                input.previous,
                crate::baseline::budgets::COMPONENT,
                &home,
            )),
        };
        for r in budgets::cleanup_with(&session.budgets(&home), &target, spec).await {
            note(r);
        }
    }
    if input.spec.vpc_flow_logs.is_some() {
        for region in &regions {
            note(flowlogs::cleanup(&session, owner, region).await);
        }
    }
    if input.spec.session_manager.is_some() {
        for region in &regions {
            let owned = created(crate::baseline::session_manager::COMPONENT, region);
            note(session_manager::cleanup(&session, owner, region, owned).await);
        }
    }
    if let Some(spec) = &input.spec.inspector {
        for region in &regions {
            let owned = created(crate::baseline::inspector::COMPONENT, region);
            note(inspector::cleanup(&session, &account_id, region, spec, owned).await);
        }
    }
    if input.spec.security_hub.is_some() {
        use crate::baseline::security_hub as shr;
        // The aggregator this baseline created (by recorded ARN, whatever region it is in) is deleted once, with
        // the home region's pass.
        let aggregator = security_hub::created_aggregator(input.previous);
        for region in &regions {
            let aggregator = aggregator.as_deref().filter(|_| region == &home);
            for r in security_hub::cleanup(
                &session,
                region,
                created(shr::COMPONENT, region),
                aggregator,
            )
            .await
            {
                note(r);
            }
        }
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn untaggable_ownership_is_sticky() {
        assert_eq!(sticky_ownership(None, true, true), Ownership::Created);
        assert_eq!(
            sticky_ownership(Some(Ownership::Created), false, false),
            Ownership::Created
        );
        assert_eq!(sticky_ownership(None, false, true), Ownership::Adopted);
        assert_eq!(sticky_ownership(None, true, false), Ownership::None);
        assert_eq!(
            sticky_ownership(Some(Ownership::Adopted), false, true),
            Ownership::Adopted
        );
    }
}
