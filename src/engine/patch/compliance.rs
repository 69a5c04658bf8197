//! Execution history and patch compliance in one region: read-only, reported in status, never drift; nothing to
//! clean up.

use super::{Component, Ctx};
use crate::api::patch_schedule::{ComplianceSummary, MissingPatch, WindowExecution};
use crate::aws::operation::SectionUsage;
use crate::aws::{self, ssm, AwsError};
use crate::patching;
use crate::patching::compliance::EXECUTIONS_KEPT;
use crate::patching::COMPLIANCE;

pub(super) const COMPONENT: Component = Component {
    components: &[COMPLIANCE],
    // A target group selects instances by tags: compliance of a patching window expands them with EC2.
    iam: &["PatchSchedule.targets.tags"],
    usage: |spec| {
        (spec.patching.is_some() && spec.targets.iter().any(|t| !t.tags.is_empty()))
            .then(|| SectionUsage::of(&["PatchSchedule.targets.tags"]))
    },
};

/// The window's newest executions.
pub(super) async fn executions(
    client: &aws_sdk_ssm::Client,
    region: &str,
    window_id: &str,
) -> Result<Vec<WindowExecution>, AwsError> {
    let ex = ssm::executions(client, window_id, EXECUTIONS_KEPT as i32).await?;
    Ok(ex
        .into_iter()
        .map(|e| patching::compliance::execution(region, e))
        .collect())
}

/// Patch compliance of the instances the targets select (tag and instance-ID groups), with the missing critical
/// patch seen missing the longest.
pub(super) async fn summary(ctx: &Ctx<'_>, region: &str) -> Result<ComplianceSummary, AwsError> {
    let spec = ctx.input.spec;
    let ec2 = ctx.session.ec2(region);
    let mut ids: Vec<String> = Vec::new();
    for g in &spec.targets {
        if !g.instance_ids.is_empty() {
            ids.extend(g.instance_ids.iter().cloned());
        } else if !g.tags.is_empty() {
            let tags: Vec<(String, Vec<String>)> = g
                .tags
                .iter()
                .map(|t| (t.key.clone(), t.values.clone()))
                .collect();
            ids.extend(aws::ec2::instances_with_tags(&ec2, &tags).await?);
        }
    }
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Ok(patching::compliance::summarize(region, 0, &[]));
    }
    let client = ctx.session.ssm(region);
    let states = ssm::patch_states(&client, &ids).await?;
    let mut sum = patching::compliance::summarize(region, ids.len(), &states);
    let previous = patching::compliance::previous_oldest(ctx.input.previous, region);
    let mut oldest: Option<MissingPatch> = None;
    for s in patching::compliance::probe_order(&states, previous.as_ref()) {
        for (kb, title) in ssm::missing_critical(&client, &s.instance_id).await? {
            let candidate =
                patching::compliance::missing_patch(s, kb, title, previous.as_ref(), ctx.input.now);
            patching::compliance::keep_oldest(&mut oldest, candidate);
        }
    }
    sum.oldest_missing_critical = oldest;
    Ok(sum)
}
