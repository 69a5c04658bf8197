//! AWS Config in one region: the recorder (adopted whatever its name), the delivery channel, recording, and the
//! managed rules this baseline names.

use super::{log_bucket, sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{AccountBaselineSpec, ConfigDeliveryChannelSpec, ConfigSpec};
use crate::api::common::Ownership;
use crate::aws::operation::{CONFIG_PRINCIPAL, CONFIG_SERVICE_LINKED_ROLE};
use crate::aws::{self, AccountSession, AwsError};
use crate::baseline::config as rules;
use crate::diff::diff_resources;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "config",
    components: &[
        rules::COMPONENT,
        rules::RULES_COMPONENT,
        rules::BUCKET_COMPONENT,
        rules::SERVICE_LINKED_ROLE_COMPONENT,
    ],
    iam: &[
        "AccountBaseline.config",
        // Some Config rule declares a remediation.
        "AccountBaseline.config.remediation",
        // AWS Config's delivery bucket is created by the operator.
        "AccountBaseline.config.deliveryChannel.createBucket",
        // AWS Config's service-linked role is created when missing.
        "AccountBaseline.config.recorder.createRole",
    ],
    usage: |spec| {
        let c = spec.config.as_ref()?;
        let mut u = SectionUsage::of(&["AccountBaseline.config"]);
        if c.rules.iter().any(|r| r.remediation.is_some()) {
            u.uses.push("AccountBaseline.config.remediation");
        }
        if c.delivery_channel.create_bucket {
            u.uses
                .push("AccountBaseline.config.deliveryChannel.createBucket");
        }
        if c.recorder.as_ref().is_some_and(|r| r.create_role) {
            u.uses.push("AccountBaseline.config.recorder.createRole");
        }
        // The recorder's role is passed to AWS Config (the service-linked role when none is named).
        let role = c.recorder.as_ref().and_then(|r| r.role_arn.as_deref());
        u.passes.push((
            CONFIG_PRINCIPAL,
            role.unwrap_or(CONFIG_SERVICE_LINKED_ROLE).to_string(),
        ));
        Some(u)
    },
    buckets: Some(|ctx, region| {
        Box::pin(async move {
            let mut out = bucket(ctx, region).await;
            out.extend(service_linked_role(ctx, region).await);
            out
        })
    }),
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            let Some(s) = &ctx.input.spec.config else {
                return Vec::new();
            };
            let home = ctx.home == region;
            // Rules need a recorder; they are read (and orphans found) even when the spec lists none.
            vec![
                reconcile(ctx, region, home, s).await,
                reconcile_rules(ctx, region, s).await,
            ]
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(section_cleanup(ctx)),
};

/// The trail's bucket and AWS Config's are the same when both deliver there and the trail creates it.
fn shares_the_trail_bucket(spec: &AccountBaselineSpec, ch: &ConfigDeliveryChannelSpec) -> bool {
    spec.cloud_trail
        .as_ref()
        .is_some_and(|t| t.s3.create_bucket && t.s3.bucket_name == ch.s3_bucket_name)
}

/// AWS Config's service-linked role (`recorder.createRole`), once per account (IAM is global; reported in the
/// home region): created when missing, never deleted (see the field's documentation).
async fn service_linked_role(ctx: &Ctx<'_>, region: &str) -> Option<ComponentOutcome> {
    ctx.input
        .spec
        .config
        .as_ref()
        .and_then(|c| c.recorder.as_ref())
        .filter(|r| r.create_role)?;
    let c = rules::SERVICE_LINKED_ROLE_COMPONENT;
    let client = ctx.session.iam(region);
    let prev = ctx.previous_ownership(c, region);
    let exists = match aws::iam::service_linked_role_exists(
        &client,
        rules::SERVICE_LINKED_ROLE_NAME,
    )
    .await
    {
        Ok(e) => e,
        Err(e) => return Some(failed(c, region, prev.unwrap_or(Ownership::None), e)),
    };
    let drift = crate::diff::diff(
        c,
        &rules::service_linked_role_desired(),
        &rules::service_linked_role_observed(exists),
    );
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(aws::iam::create_service_linked_role(&client, CONFIG_PRINCIPAL).await)
    } else {
        None
    };
    let ownership = sticky_ownership(prev, !exists, exec.is_some());
    Some(
        Settle {
            component: c,
            region,
            drift,
            writes: exec,
            created: !exists,
            ownership,
            id: Some(rules::service_linked_role(region, &ctx.account_id)),
        }
        .outcome(),
    )
}

/// AWS Config's delivery bucket (`createBucket`), unless it is the trail's bucket the operator creates anyway.
async fn bucket(ctx: &Ctx<'_>, region: &str) -> Vec<ComponentOutcome> {
    let Some(ch) = ctx.input.spec.config.as_ref().map(|c| &c.delivery_channel) else {
        return Vec::new();
    };
    if !ch.create_bucket || shares_the_trail_bucket(ctx.input.spec, ch) {
        return Vec::new();
    }
    let mut ours = rules::bucket_policy_statements(ch, &ctx.account_id, region);
    // The trail delivers to this bucket too (without creating it): its statements are kept here.
    if let Some(t) = ctx
        .input
        .spec
        .cloud_trail
        .as_ref()
        .filter(|t| t.s3.bucket_name == ch.s3_bucket_name)
    {
        log_bucket::add_statements(
            &mut ours,
            crate::baseline::cloudtrail::bucket_policy_statements(t, &ctx.account_id, region),
        );
    }
    vec![
        log_bucket::reconcile(
            ctx,
            region,
            rules::BUCKET_COMPONENT,
            "configPolicy",
            &ch.s3_bucket_name,
            &ours,
        )
        .await,
    ]
}

async fn section_cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.config else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if spec.recorder.as_ref().is_some_and(|r| r.create_role) {
        out.push(Ok(Some(format!(
            "kept IAM role {} (AWS Config's service-linked role is shared by every user of AWS Config in the account)",
            rules::SERVICE_LINKED_ROLE_NAME
        ))));
    }
    let ch = &spec.delivery_channel;
    if ch.create_bucket && !shares_the_trail_bucket(ctx.input.spec, ch) {
        out.push(Ok(Some(format!(
            "kept AWS Config bucket {} (configuration history is never deleted)",
            ch.s3_bucket_name
        ))));
    }
    for region in &ctx.regions {
        let owned = ctx.created(rules::COMPONENT, region);
        out.extend(cleanup(&ctx.session, ctx.owner(), region, owned).await);
    }
    out
}

/// Recorder, channel and recording: at most PutConfigurationRecorder, PutDeliveryChannel and one start/stop.
pub(super) async fn reconcile(
    ctx: &Ctx<'_>,
    region: &str,
    home: bool,
    spec: &ConfigSpec,
) -> ComponentOutcome {
    let c = rules::COMPONENT;
    let client = ctx.session.config(region);
    let prev = ctx.previous_ownership(c, region);
    let observed = async {
        let recorder = aws::config::observe_recorder(&client).await?;
        let channel = aws::config::observe_channel(&client).await?;
        Ok::<_, AwsError>((recorder, channel))
    }
    .await;
    let (recorder, channel) = match observed {
        Ok(v) => v,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let want_recorder =
        rules::recorder_config(spec, recorder.as_ref(), region, home, &ctx.account_id);
    let want_channel = rules::channel_config(spec, channel.as_ref());
    let drift = diff_resources(
        &rules::desired(&want_recorder, &want_channel, spec.recording),
        &rules::observed(recorder.as_ref(), channel.as_ref()),
    );
    let plan = rules::plan(&drift, spec.recording);
    let exec = if ctx.may_write() && !drift.is_empty() {
        Some(
            async {
                if plan.put_recorder {
                    aws::config::put_recorder(&client, &want_recorder).await?;
                }
                if plan.put_channel {
                    aws::config::put_channel(&client, &want_channel).await?;
                }
                if let Some(on) = plan.recording {
                    aws::config::set_recording(&client, &want_recorder.name, on).await?;
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    // Recorders carry no tags: the operator owns the recorder it created, remembered in status from then on.
    let ownership = sticky_ownership(
        prev,
        recorder.is_none(),
        plan.put_recorder && exec.as_ref().is_some_and(|r| r.is_ok()),
    );
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: recorder.is_none(),
        ownership,
        id: Some(want_recorder.name.clone()),
    }
    .outcome()
}

/// The managed rules of this baseline: one DescribeConfigRules (paginated); rule tags are read only for rules with
/// this baseline's name prefix that left the spec (to prove ownership before deleting them).
pub(super) async fn reconcile_rules(
    ctx: &Ctx<'_>,
    region: &str,
    spec: &ConfigSpec,
) -> ComponentOutcome {
    let c = rules::RULES_COMPONENT;
    let client = ctx.session.config(region);
    let prev = ctx.previous_ownership(c, region);
    let owner = &ctx.input.owner;
    let observed = async {
        let all = aws::config::list_rules(&client).await?;
        let ours: Vec<_> = all
            .into_iter()
            .filter(|r| rules::spec_rule_name(&owner.name, &r.name).is_some())
            .collect();
        let mut orphans = Vec::new();
        for r in &ours {
            let name = rules::spec_rule_name(&owner.name, &r.name).unwrap_or_default();
            if spec.rules.iter().any(|s| s.name == name) {
                continue;
            }
            let tags = aws::config::rule_tags(&client, &r.arn).await?;
            if owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                orphans.push(name.to_string());
            }
        }
        // Remediations of every declared rule that exists (one request per 25 rules): declared ones are compared,
        // one whose remediation left the spec has it deleted.
        let declared_existing: Vec<String> = spec
            .rules
            .iter()
            .map(|r| rules::rule_name(&owner.name, &r.name))
            .filter(|n| ours.iter().any(|r| &r.name == n))
            .collect();
        let remediations = if declared_existing.is_empty() {
            Default::default()
        } else {
            aws::config::remediations(&client, &declared_existing).await?
        };
        // A remediation on a declared rule that declares none is deleted only when the rule's tags prove this
        // baseline created it (someone may have attached one by hand to an adopted rule). Rare: tags are read only
        // for such rules.
        let mut owned_remediated = Vec::new();
        for r in &ours {
            let declared_without = rules::spec_rule_name(&owner.name, &r.name).is_some_and(|n| {
                spec.rules
                    .iter()
                    .any(|s| s.name == n && s.remediation.is_none())
            });
            if declared_without && remediations.contains_key(&r.name) {
                let tags = aws::config::rule_tags(&client, &r.arn).await?;
                if owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                    owned_remediated.push(r.name.clone());
                }
            }
        }
        Ok::<_, AwsError>((ours, orphans, remediations, owned_remediated))
    }
    .await;
    let (ours, orphans, remediations, owned_remediated) = match observed {
        Ok(v) => v,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let existing: Vec<&str> = ours
        .iter()
        .filter_map(|r| rules::spec_rule_name(&owner.name, &r.name))
        .collect();
    let remediated: Vec<&str> = remediations
        .keys()
        .filter(|n| owned_remediated.contains(n))
        .filter_map(|n| rules::spec_rule_name(&owner.name, n))
        .collect();
    let drift = diff_resources(
        &rules::rules_desired(spec, &owner.name, &orphans, &existing, &remediated),
        &rules::rules_observed(&owner.name, &ours, &remediations),
    );
    let writes = rules::rules_plan(spec, &drift);
    let exists = |name: &str| {
        ours.iter()
            .any(|r| rules::spec_rule_name(&owner.name, &r.name) == Some(name))
    };
    let created_any = writes
        .iter()
        .any(|w| matches!(w, rules::RuleWrite::Put(n) if !exists(n)));
    let exec = if ctx.may_write() && !writes.is_empty() {
        let tags = owner.tags();
        Some(
            async {
                let mut remediate = Vec::new();
                for w in &writes {
                    match w {
                        rules::RuleWrite::Put(name) => {
                            let Some(r) = spec.rules.iter().find(|r| &r.name == name) else {
                                continue;
                            };
                            let new = !exists(name);
                            aws::config::put_rule(
                                &client,
                                &rules::rule_name(&owner.name, name),
                                &r.source_identifier,
                                &r.input_parameters,
                                new.then_some(tags.as_slice()),
                            )
                            .await?
                        }
                        rules::RuleWrite::Delete(name) => {
                            aws::config::delete_rule(&client, &rules::rule_name(&owner.name, name))
                                .await?
                        }
                        rules::RuleWrite::DeleteRemediation(name) => {
                            aws::config::delete_remediation(
                                &client,
                                &rules::rule_name(&owner.name, name),
                            )
                            .await?
                        }
                        rules::RuleWrite::PutRemediation(name) => remediate.extend(
                            spec.rules
                                .iter()
                                .find(|r| &r.name == name)
                                .and_then(|r| rules::remediation(&owner.name, r)),
                        ),
                    }
                }
                // Every remediation of the pass in one request, after the rules exist.
                if !remediate.is_empty() {
                    aws::config::put_remediations(&client, &remediate).await?;
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    let none_before = !spec.rules.iter().any(|r| exists(&r.name));
    let ownership = sticky_ownership(
        prev,
        none_before,
        created_any && exec.as_ref().is_some_and(|r| r.is_ok()),
    );
    Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership,
        id: None,
    }
    .outcome()
}

/// Under `deletionPolicy: Delete`: delete the rules whose tags prove this baseline created them; delete a
/// recorder (and its channel) the operator created, only stop one it adopted.
pub(super) async fn cleanup(
    session: &AccountSession,
    owner: &crate::api::common::Owner,
    region: &str,
    created: bool,
) -> Vec<Result<Option<String>, AwsError>> {
    let client = session.config(region);
    let mut out = Vec::new();
    match aws::config::list_rules(&client).await {
        Ok(rules) => {
            for r in rules
                .iter()
                .filter(|r| rules::spec_rule_name(&owner.name, &r.name).is_some())
            {
                out.push(
                    async {
                        let tags = aws::config::rule_tags(&client, &r.arn).await?;
                        if !owner.owns(tags.iter().map(|(k, v)| (k.as_str(), v.as_str()))) {
                            return Ok(None);
                        }
                        aws::config::delete_rule(&client, &r.name).await?;
                        Ok(Some(format!("deleted Config rule {} in {region}", r.name)))
                    }
                    .await,
                );
            }
        }
        Err(e) => out.push(Err(e)),
    }
    out.push(
        async {
            let Some(rec) = aws::config::observe_recorder(&client).await? else {
                return Ok(None);
            };
            if rec.recording {
                aws::config::set_recording(&client, &rec.name, false).await?;
            }
            if !created {
                let what = if rec.recording { "stopped" } else { "kept" };
                return Ok(Some(format!(
                    "{what} adopted Config recorder {} in {region} (never deleted)",
                    rec.name
                )));
            }
            if let Some(ch) = aws::config::observe_channel(&client).await? {
                aws::config::delete_channel(&client, &ch.name).await?;
            }
            aws::config::delete_recorder(&client, &rec.name).await?;
            Ok(Some(format!(
                "deleted Config recorder {} and its delivery channel in {region}",
                rec.name
            )))
        }
        .await,
    );
    out
}
