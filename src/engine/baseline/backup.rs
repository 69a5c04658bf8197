//! AWS Backup in one region: vaults, plans with their selections, and the EventBridge rule routing failed backup
//! jobs to a topic. The pass is written against clients so the tests can run it on moto (with
//! tests/moto_ext/backup_ext.py) and on `aws-smithy-mocks`.
//!
//! Reads: one ListBackupVaults and one ListBackupPlans; per declared vault one ListTags (adopted or created?) and a
//! GetBackupVaultAccessPolicy when it declares a policy; per declared plan one ListTags, one GetBackupPlan, one
//! ListBackupSelections and one GetBackupSelection per declared selection that exists; one ListTags per vault or
//! plan managed before (status `id`) that left the spec and still exists; one ListRules and one ListTargetsByRule
//! for the job-failure rule (and its tags when it is no longer declared). Then exactly the writes the drift needs.

use super::{tagged_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::BackupSpec;
use crate::api::common::{Owner, Ownership};
use crate::aws::backup as api;
use crate::aws::events::{self, DesiredRule, RuleTarget};
use crate::aws::{self, AwsError, ErrorCategory};
use crate::baseline::backup as rules;
use crate::diff::diff_resources;
use crate::engine::{failed, ComponentOutcome, Settle};
use std::collections::BTreeMap;

pub(super) const SECTION: Section = Section {
    name: "backup",
    components: &[rules::COMPONENT],
    iam: &[
        "AccountBaseline.backup",
        "AccountBaseline.backup.jobFailureNotifications",
    ],
    usage: |spec| {
        let b = spec.backup.as_ref()?;
        let mut u = SectionUsage::of(&["AccountBaseline.backup"]);
        if b.job_failure_notifications.is_some() {
            u.uses
                .push("AccountBaseline.backup.jobFailureNotifications");
        }
        for s in b.plans.iter().flat_map(|p| &p.selections) {
            let pass = (api::BACKUP_PRINCIPAL, s.iam_role_arn.clone());
            if !u.passes.contains(&pass) {
                u.passes.push(pass);
            }
        }
        Some(u)
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.backup {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

/// Who runs the pass and how.
#[derive(Clone, Debug)]
pub struct Target<'a> {
    /// Owner (tags, ownership proof, the job-failure rule's name).
    pub owner: &'a Owner,
    /// The account (the topic's ARN).
    pub account_id: &'a str,
    /// Region.
    pub region: &'a str,
    /// `driftPolicy: Correct`.
    pub may_write: bool,
    /// Ownership recorded in the previous status.
    pub previous: Option<Ownership>,
    /// The status `id` of the previous pass in this region: the vaults and plans managed then.
    pub previous_id: Option<String>,
}

impl Target<'_> {
    /// The job-failure rule's name: `awsbaseline-<10 hex of the owner>-backup-jobs`.
    pub fn job_rule_name(&self) -> String {
        format!(
            "{}backup-jobs",
            crate::monitoring::short_prefix(&self.owner.kind, &self.owner.name)
        )
    }

    fn topic_arn(&self, topic: &str) -> String {
        format!(
            "arn:{}:sns:{}:{}:{topic}",
            aws::partition(self.region),
            self.region,
            self.account_id
        )
    }

    fn declared<'s>(&self, spec: &'s BackupSpec) -> rules::Declared<'s> {
        let topic = spec
            .job_failure_notifications
            .as_ref()
            .map(|n| self.topic_arn(&n.topic));
        rules::Declared::of(spec, self.region, topic)
    }
}

pub(super) async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &BackupSpec) -> ComponentOutcome {
    let target = Target {
        owner: &ctx.input.owner,
        account_id: &ctx.account_id,
        region,
        may_write: ctx.may_write(),
        previous: ctx.previous_ownership(rules::COMPONENT, region),
        previous_id: ctx
            .previous_id(rules::COMPONENT, region)
            .map(str::to_string),
    };
    reconcile_with(
        &ctx.session.backup(region),
        &ctx.session.events(region),
        &target,
        spec,
    )
    .await
}

fn owns(owner: &Owner, tags: &BTreeMap<String, String>) -> bool {
    owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
}

async fn observe(
    client: &aws_sdk_backup::Client,
    events_client: &aws_sdk_eventbridge::Client,
    t: &Target<'_>,
    d: &rules::Declared<'_>,
) -> Result<rules::Observed, AwsError> {
    let (old_vaults, old_plans) = rules::managed(t.previous_id.as_deref());
    let mut obs = rules::Observed::default();
    for v in api::vaults(client).await? {
        let declared = d.vault(&v.name);
        if declared.is_none() && !old_vaults.contains(&v.name) {
            continue;
        }
        let tags = api::tags(client, &v.arn).await?;
        let policy = match declared.and_then(|d| d.access_policy.as_ref()) {
            Some(_) => api::access_policy(client, &v.name).await?,
            None => None,
        };
        obs.vaults.insert(
            v.name.clone(),
            rules::ObservedVault {
                ours: owns(t.owner, &tags),
                state: v,
                tags,
                policy,
            },
        );
    }
    for p in api::plans(client).await? {
        let declared = d.plan(&p.name);
        if obs.plans.contains_key(&p.name) || (declared.is_none() && !old_plans.contains(&p.name)) {
            continue;
        }
        let tags = api::tags(client, &p.arn).await?;
        let mut plan = rules::ObservedPlan {
            ours: owns(t.owner, &tags),
            tags,
            ..Default::default()
        };
        if let Some(decl) = declared {
            plan.rules = api::rules(client, &p.id).await?;
            for (id, name) in api::selections(client, &p.id).await? {
                if plan.selections.contains_key(&name) {
                    continue;
                }
                let state = if decl.selections.iter().any(|s| s.name == name) {
                    api::selection(client, &p.id, &id).await?
                } else {
                    api::SelectionState {
                        id,
                        name: name.clone(),
                        ..Default::default()
                    }
                };
                plan.selections.insert(name, state);
            }
        }
        plan.summary = p;
        obs.plans.insert(plan.summary.name.clone(), plan);
    }
    let name = t.job_rule_name();
    if let Some(mut rule) = events::rules(events_client, &name).await?.remove(&name) {
        events::read_targets(events_client, &name, &mut rule).await?;
        let ours = match d.job_rule {
            Some(_) => false,
            None => {
                let tags = events::tags(events_client, &rule.arn).await?;
                t.owner
                    .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            }
        };
        obs.job_rule = Some((rule, ours));
    }
    Ok(obs)
}

async fn execute(
    client: &aws_sdk_backup::Client,
    events_client: &aws_sdk_eventbridge::Client,
    t: &Target<'_>,
    d: &rules::Declared<'_>,
    obs: &rules::Observed,
    writes: &[rules::Write],
    deleted: &mut Vec<String>,
) -> Result<(), AwsError> {
    use rules::Write as W;
    let owner_tags = t.owner.tags();
    let mut blocked = Vec::new();
    for w in writes {
        match w {
            W::CreateVault(n) => {
                let Some(v) = d.vault(n) else { continue };
                let tags = api::merged_tags(&owner_tags, &v.tags);
                api::create_vault(client, n, v.kms_key_arn.as_deref(), &tags).await?;
                if let Some(p) = &v.access_policy {
                    api::put_access_policy(client, n, p).await?;
                }
                if let Some(l) = &v.lock {
                    api::put_lock(
                        client,
                        n,
                        l.min_retention_days,
                        l.max_retention_days,
                        l.changeable_for_days,
                    )
                    .await?;
                }
            }
            W::PutAccessPolicy(n) => {
                let Some(p) = d.vault(n).and_then(|v| v.access_policy.as_ref()) else {
                    continue;
                };
                api::put_access_policy(client, n, p).await?
            }
            W::PutLock(n) => {
                let Some(l) = d.vault(n).and_then(|v| v.lock.as_ref()) else {
                    continue;
                };
                api::put_lock(
                    client,
                    n,
                    l.min_retention_days,
                    l.max_retention_days,
                    l.changeable_for_days,
                )
                .await?
            }
            W::TagVault(n) => {
                let (Some(v), Some(o)) = (d.vault(n), obs.vaults.get(n)) else {
                    continue;
                };
                api::tag(client, &o.state.arn, &v.tags).await?
            }
            W::CreatePlan(n) => {
                let Some(p) = d.plan(n) else { continue };
                let tags = api::merged_tags(&owner_tags, &p.tags);
                let (id, _) =
                    api::create_plan(client, n, &rules::plan_rules(p, None), &tags).await?;
                for s in &p.selections {
                    api::create_selection(
                        client,
                        &id,
                        &s.name,
                        &s.iam_role_arn,
                        &selection_tags(s),
                    )
                    .await?;
                }
            }
            W::UpdatePlan(n) => {
                let (Some(p), Some(o)) = (d.plan(n), obs.plans.get(n)) else {
                    continue;
                };
                api::update_plan(client, &o.summary.id, n, &rules::plan_rules(p, Some(o))).await?
            }
            W::TagPlan(n) => {
                let (Some(p), Some(o)) = (d.plan(n), obs.plans.get(n)) else {
                    continue;
                };
                api::tag(client, &o.summary.arn, &p.tags).await?
            }
            W::DeleteSelection(p, s) => {
                let Some(o) = obs.plans.get(p) else { continue };
                let Some(sel) = o.selections.get(s) else {
                    continue;
                };
                api::delete_selection(client, &o.summary.id, &sel.id).await?
            }
            W::PutSelection(p, s) => {
                let (Some(plan), Some(o)) = (d.plan(p), obs.plans.get(p)) else {
                    continue;
                };
                let Some(spec) = plan.selections.iter().find(|x| &x.name == s) else {
                    continue;
                };
                // AWS Backup has no UpdateBackupSelection: a changed selection is deleted and created again.
                if let Some(sel) = o.selections.get(s) {
                    api::delete_selection(client, &o.summary.id, &sel.id).await?;
                }
                api::create_selection(
                    client,
                    &o.summary.id,
                    s,
                    &spec.iam_role_arn,
                    &selection_tags(spec),
                )
                .await?
            }
            W::DeletePlan(n) => {
                let Some(o) = obs.plans.get(n) else { continue };
                delete_plan(client, &o.summary.id).await?;
                deleted.push(format!("plan:{n}"));
            }
            W::DeleteVault(n) => {
                api::delete_vault(client, n).await?;
                deleted.push(format!("vault:{n}"));
            }
            W::PutJobRule => {
                let Some((pattern, topic)) = &d.job_rule else {
                    continue;
                };
                let rule = DesiredRule {
                    path: "backup.jobFailureNotifications".into(),
                    component: rules::COMPONENT,
                    aws_name: t.job_rule_name(),
                    description: format!(
                        "AWS Backup jobs that failed, were aborted or expired, to {topic} ({} {})",
                        t.owner.kind,
                        t.owner.name_tag()
                    ),
                    event_pattern: Some(pattern.clone()),
                    schedule: None,
                    state: "ENABLED",
                    topic: None,
                    target: RuleTarget {
                        arn: topic.clone(),
                        role_arn: None,
                        input: None,
                        input_transformer: None,
                        run_command_targets: vec![],
                    },
                };
                // Tags only when the rule is created (PutRule on an existing rule leaves its tags).
                let tags = obs.job_rule.is_none().then_some(owner_tags.as_slice());
                events::put_rule(events_client, &rule, tags).await?;
                events::put_target(events_client, &rule.aws_name, &rule.target).await?;
            }
            W::DeleteJobRule => {
                let Some((r, _)) = &obs.job_rule else {
                    continue;
                };
                events::delete(events_client, &t.job_rule_name(), &r.target_ids).await?
            }
            W::KeyBlocked(n) => blocked.push(n.clone()),
        }
    }
    if blocked.is_empty() {
        Ok(())
    } else {
        Err(AwsError::new(
            "backup",
            "CreateBackupVault",
            ErrorCategory::InvalidInput,
            format!(
                "backup vault(s) {} in {} use another KMS key than kmsKeyArn: a vault's key can't be changed; declare a new vault with the key (and move the plans to it), or change kmsKeyArn to the vault's key",
                blocked.join(", "),
                t.region
            ),
        ))
    }
}

fn selection_tags(s: &crate::api::account_baseline::BackupSelectionSpec) -> Vec<(String, String)> {
    s.tags
        .iter()
        .map(|c| (c.key.clone(), c.value.clone()))
        .collect()
}

/// The plan's selections, then the plan (AWS refuses to delete a plan that still has selections).
async fn delete_plan(client: &aws_sdk_backup::Client, id: &str) -> Result<(), AwsError> {
    for (sid, _) in api::selections(client, id).await? {
        api::delete_selection(client, id, &sid).await?;
    }
    api::delete_plan(client, id).await
}

/// Reconcile the region's declared vaults, plans and job-failure rule, and delete the vaults and plans this owner
/// created that left the spec (in this region).
pub async fn reconcile_with(
    client: &aws_sdk_backup::Client,
    events_client: &aws_sdk_eventbridge::Client,
    t: &Target<'_>,
    spec: &BackupSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let d = t.declared(spec);
    let obs = match observe(client, events_client, t, &d).await {
        Ok(o) => o,
        Err(e) => {
            let mut out = failed(c, t.region, t.previous.unwrap_or(Ownership::None), e);
            // Keep what was managed, so the next pass still finds what to delete.
            out.id = t.previous_id.clone();
            return out;
        }
    };
    let drift = diff_resources(&rules::desired(&d, &obs), &rules::observed(&d, &obs));
    let writes = rules::plan(&drift);
    let mut deleted = Vec::new();
    let exec = if t.may_write && !drift.is_empty() {
        Some(execute(client, events_client, t, &d, &obs, &writes, &mut deleted).await)
    } else {
        None
    };
    let declared_obs: Vec<bool> = d
        .vaults
        .iter()
        .filter_map(|v| obs.vaults.get(&v.name).map(|o| o.ours))
        .chain(
            d.plans
                .iter()
                .filter_map(|p| obs.plans.get(&p.name).map(|o| o.ours)),
        )
        .collect();
    let created_now = writes.iter().any(|w| {
        matches!(
            w,
            rules::Write::CreateVault(_) | rules::Write::CreatePlan(_)
        )
    }) && exec.as_ref().is_some_and(|r| r.is_ok());
    let ownership = tagged_ownership(&declared_obs, created_now);
    // Managed from now on: the declared vaults and plans, and those this owner created that are still to be deleted.
    let mut vaults: Vec<&str> = d.vaults.iter().map(|v| v.name.as_str()).collect();
    for (n, v) in &obs.vaults {
        if v.ours && d.vault(n).is_none() && !deleted.contains(&format!("vault:{n}")) {
            vaults.push(n);
        }
    }
    let mut plans: Vec<&str> = d.plans.iter().map(|p| p.name.as_str()).collect();
    for (n, p) in &obs.plans {
        if p.ours && d.plan(n).is_none() && !deleted.contains(&format!("plan:{n}")) {
            plans.push(n);
        }
    }
    let created = declared_obs.is_empty() && created_now;
    Settle {
        component: c,
        region: t.region,
        drift,
        writes: exec,
        created,
        ownership,
        id: rules::managed_id(&vaults, &plans),
    }
    .outcome()
}

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.backup else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for region in &ctx.regions {
        let target = Target {
            owner: ctx.owner(),
            account_id: &ctx.account_id,
            region,
            may_write: true,
            previous: None,
            previous_id: super::previous_id(ctx.input.previous, rules::COMPONENT, region)
                .map(str::to_string),
        };
        out.extend(
            cleanup_with(
                &ctx.session.backup(region),
                &ctx.session.events(region),
                &target,
                spec,
            )
            .await,
        );
    }
    out
}

/// Under `deletionPolicy: Delete`: in the target's region, delete the declared and previously managed plans (their
/// selections first) and vaults whose tags prove this owner created them, and the job-failure rule if its tags do;
/// the others are kept.
pub async fn cleanup_with(
    client: &aws_sdk_backup::Client,
    events_client: &aws_sdk_eventbridge::Client,
    t: &Target<'_>,
    spec: &BackupSpec,
) -> Vec<Result<Option<String>, AwsError>> {
    let region = t.region;
    let d = t.declared(spec);
    let (old_vaults, old_plans) = rules::managed(t.previous_id.as_deref());
    let mut out = Vec::new();
    let plans = match api::plans(client).await {
        Ok(p) => p,
        Err(e) => return vec![Err(e)],
    };
    for p in plans {
        if d.plan(&p.name).is_none() && !old_plans.contains(&p.name) {
            continue;
        }
        out.push(
            async {
                let tags = api::tags(client, &p.arn).await?;
                if owns(t.owner, &tags) {
                    delete_plan(client, &p.id).await?;
                    Ok(Some(format!("deleted backup plan {} in {region}", p.name)))
                } else {
                    Ok(Some(format!(
                        "kept backup plan {} in {region} (not created by this baseline)",
                        p.name
                    )))
                }
            }
            .await,
        );
    }
    let vaults = match api::vaults(client).await {
        Ok(v) => v,
        Err(e) => {
            out.push(Err(e));
            return out;
        }
    };
    for v in vaults {
        if d.vault(&v.name).is_none() && !old_vaults.contains(&v.name) {
            continue;
        }
        out.push(
            async {
                let tags = api::tags(client, &v.arn).await?;
                if owns(t.owner, &tags) {
                    api::delete_vault(client, &v.name).await?;
                    Ok(Some(format!("deleted backup vault {} in {region}", v.name)))
                } else {
                    Ok(Some(format!(
                        "kept backup vault {} in {region} (not created by this baseline)",
                        v.name
                    )))
                }
            }
            .await,
        );
    }
    let name = t.job_rule_name();
    out.push(
        async {
            let Some(mut rule) = events::rules(events_client, &name).await?.remove(&name) else {
                return Ok(None);
            };
            let tags = events::tags(events_client, &rule.arn).await?;
            if !t
                .owner
                .owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            {
                return Ok(None);
            }
            events::read_targets(events_client, &name, &mut rule).await?;
            events::delete(events_client, &name, &rule.target_ids).await?;
            Ok(Some(format!(
                "deleted the backup job-failure rule {name} in {region}"
            )))
        }
        .await,
    );
    out
}
