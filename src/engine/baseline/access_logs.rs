//! The `accessLogs` section: log buckets with the delivery statements (before everything else, so logging can
//! point at them), then S3 server access logging of the declared buckets and access logs of the declared load
//! balancers, each in the region the entry lives in. Logging the operator turned on is recorded in status
//! (`operatorEnabled`) and is the only logging its deletion turns off.

use super::{log_bucket, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::{
    AccessLogsSpec, AccountBaselineSpec, BucketAccessLogs, LoadBalancerAccessLogs,
};
use crate::api::common::Ownership;
use crate::aws::{self, AwsError, ErrorCategory};
use crate::baseline::access_logs as rules;
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};
use std::collections::BTreeMap;

pub(super) const SECTION: Section = Section {
    name: "accessLogs",
    components: &[
        rules::BUCKET_COMPONENT,
        rules::S3_COMPONENT,
        rules::ELB_COMPONENT,
    ],
    iam: &[
        "AccountBaseline.accessLogs",
        "AccountBaseline.accessLogs.buckets",
        "AccountBaseline.accessLogs.loadBalancers",
    ],
    usage,
    buckets: Some(|ctx, home| Box::pin(log_buckets(ctx, home))),
    account: Some(|ctx, home| Box::pin(sources(ctx, home))),
    regional: None,
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

fn usage(spec: &crate::api::account_baseline::AccountBaselineSpec) -> Option<SectionUsage> {
    let a = spec.access_logs.as_ref()?;
    let mut u = SectionUsage::of(&["AccountBaseline.accessLogs"]);
    if !a.buckets.is_empty() {
        u.uses.push("AccountBaseline.accessLogs.buckets");
    }
    if !a.load_balancers.is_empty() {
        u.uses.push("AccountBaseline.accessLogs.loadBalancers");
    }
    Some(u)
}

fn unknown_region(region: &str) -> AwsError {
    AwsError::new(
        "accessLogs",
        "Resolve",
        ErrorCategory::UnknownRegion,
        format!("{region} is not an AWS region"),
    )
}

/// The regions of the entries; an unknown one fails its components instead of being called.
fn entry_regions(spec: &AccessLogsSpec, home: &str) -> Vec<Result<String, String>> {
    rules::regions(spec, home)
        .into_iter()
        .map(|r| {
            if aws::regions::is_known(&r) {
                Ok(r)
            } else {
                Err(r)
            }
        })
        .collect()
}

/// One `accessLogBucket` outcome per region: every log bucket of the region, created when missing, with the
/// delivery statements of its sources merged into its policy.
async fn log_buckets(ctx: &Ctx<'_>, home: &str) -> Vec<ComponentOutcome> {
    let Some(spec) = &ctx.input.spec.access_logs else {
        return Vec::new();
    };
    let c = rules::BUCKET_COMPONENT;
    let mut out = Vec::new();
    for region in entry_regions(spec, home) {
        let region = match region {
            Ok(r) => r,
            Err(r) => {
                out.push(failed(c, &r, Ownership::None, unknown_region(&r)));
                continue;
            }
        };
        let buckets = rules::log_buckets(spec, home, &region, &ctx.account_id);
        let mut drift = Vec::new();
        let mut writes: Option<Result<(), AwsError>> = None;
        let (mut existed, mut created) = (0, 0);
        let mut error = None;
        for (bucket, ours) in &buckets {
            let prefix = format!("{c}.{bucket}");
            match log_bucket::pass(ctx, &region, &prefix, rules::POLICY_FIELD, bucket, ours).await {
                Ok(p) => {
                    drift.extend(p.drift);
                    if p.existed {
                        existed += 1;
                    } else if p.writes.as_ref().is_some_and(Result::is_ok) {
                        created += 1;
                    }
                    writes = match (writes, p.writes) {
                        (Some(Err(e)), _) | (_, Some(Err(e))) => Some(Err(e)),
                        (None, None) => None,
                        _ => Some(Ok(())),
                    };
                }
                Err(e) => {
                    error.get_or_insert(e);
                }
            }
        }
        let prev = ctx.previous_ownership(c, &region);
        if let Some(e) = error {
            out.push(failed(c, &region, prev.unwrap_or(Ownership::None), e));
            continue;
        }
        let ownership = if existed > 0 {
            prev.unwrap_or(Ownership::Adopted)
        } else if created > 0 {
            Ownership::Created
        } else {
            Ownership::None
        };
        let names: Vec<&str> = buckets.keys().map(String::as_str).collect();
        out.push(
            Settle {
                component: c,
                region: &region,
                drift,
                writes,
                created: existed == 0,
                ownership,
                id: Some(names.join(",")),
            }
            .outcome(),
        );
    }
    out
}

/// `s3AccessLogs` and `elbAccessLogs` outcomes, per region with entries.
async fn sources(ctx: &Ctx<'_>, home: &str) -> Vec<ComponentOutcome> {
    let Some(spec) = &ctx.input.spec.access_logs else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for region in entry_regions(spec, home) {
        let Ok(region) = region else { continue };
        let buckets: Vec<&BucketAccessLogs> = spec
            .buckets
            .iter()
            .filter(|b| rules::bucket_region(b, home) == region)
            .collect();
        if !buckets.is_empty() {
            out.push(bucket_logging(ctx, &region, &buckets).await);
        }
        let lbs: Vec<&LoadBalancerAccessLogs> = spec
            .load_balancers
            .iter()
            .filter(|l| rules::lb_region(l, home) == region)
            .collect();
        if !lbs.is_empty() {
            out.push(lb_logging(ctx, &region, &lbs).await);
        }
    }
    out
}

/// Which of the declared resources the operator has turned on: those recorded before, plus those it found off and
/// turned on in this pass.
fn enabled_now(previous: Vec<String>, declared: &[String], turned_on: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = previous
        .into_iter()
        .filter(|p| declared.contains(p))
        .chain(turned_on)
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Ownership of a component of settings on existing resources: created when the operator turned on every
/// declared one, adopted when any was on before it, none when nothing is on.
fn logging_ownership(ours: usize, declared: usize, on_before_not_ours: bool) -> Ownership {
    if ours > 0 && ours == declared {
        Ownership::Created
    } else if on_before_not_ours || ours > 0 {
        Ownership::Adopted
    } else {
        Ownership::None
    }
}

/// A declared source that does not exist: accessLogs never creates the buckets or load balancers it logs.
fn not_found(
    (service, operation): (&'static str, &'static str),
    what: &str,
    turns_on: &str,
) -> AwsError {
    AwsError::new(
        service,
        operation,
        ErrorCategory::NotFound,
        format!("{what}: accessLogs turns on {turns_on}, it never creates them"),
    )
}

/// Buckets the baseline's own sections create when missing (`createBucket`): the trail's and Config's.
fn buckets_this_baseline_creates(spec: &AccountBaselineSpec) -> Vec<&str> {
    let trail = spec
        .cloud_trail
        .iter()
        .filter(|t| t.s3.create_bucket)
        .map(|t| t.s3.bucket_name.as_str());
    let config = spec
        .config
        .iter()
        .filter(|c| c.delivery_channel.create_bucket)
        .map(|c| c.delivery_channel.s3_bucket_name.as_str());
    trail.chain(config).collect()
}

async fn bucket_logging(
    ctx: &Ctx<'_>,
    region: &str,
    entries: &[&BucketAccessLogs],
) -> ComponentOutcome {
    let c = rules::S3_COMPONENT;
    let prev = ctx.previous_ownership(c, region);
    let client = ctx.session.s3(region);
    let read = async {
        let mut missing = Vec::new();
        let mut actual = BTreeMap::new();
        let created_here = buckets_this_baseline_creates(ctx.input.spec);
        for b in entries {
            if !aws::s3::exists(&client, &b.name).await? {
                if !ctx.may_write() && created_here.contains(&b.name.as_str()) {
                    // This baseline creates the bucket (the trail's or Config's, `createBucket`), which a pass
                    // that may not write has not done: its logging is drift to report, not a missing source.
                    actual.insert(b.name.clone(), None);
                } else {
                    missing.push(b.name.clone());
                }
                continue;
            }
            actual.insert(b.name.clone(), aws::s3::logging(&client, &b.name).await?);
        }
        if !missing.is_empty() {
            return Err(not_found(
                ("s3", "HeadBucket"),
                &format!("bucket(s) {} do not exist in {region}", missing.join(", ")),
                "logging of existing buckets",
            ));
        }
        Ok(actual)
    };
    let actual = match read.await {
        Ok(a) => a,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let drift = diff(
        c,
        &rules::s3_desired(entries, &actual),
        &rules::s3_observed(&actual),
    );
    let to_write = rules::drifted(c, &drift);
    let mut turned_on = Vec::new();
    let exec = if ctx.may_write() && !to_write.is_empty() {
        Some(
            async {
                for b in entries.iter().filter(|b| to_write.contains(&b.name)) {
                    aws::s3::set_logging(
                        &client,
                        &b.name,
                        Some((&b.target_bucket, &b.target_prefix)),
                    )
                    .await?;
                    if actual.get(&b.name).is_some_and(Option::is_none) {
                        turned_on.push(b.name.clone());
                    }
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    let declared: Vec<String> = entries.iter().map(|b| b.name.clone()).collect();
    let previous = ctx.previous_enabled(c, region);
    let on_before_not_ours = actual
        .iter()
        .any(|(n, l)| l.is_some() && !previous.contains(n));
    let enabled = enabled_now(previous, &declared, turned_on);
    let mut outcome = Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership: logging_ownership(enabled.len(), declared.len(), on_before_not_ours),
        id: Some(declared.join(",")),
    }
    .outcome();
    outcome.operator_enabled = enabled;
    outcome
}

async fn lb_logging(
    ctx: &Ctx<'_>,
    region: &str,
    entries: &[&LoadBalancerAccessLogs],
) -> ComponentOutcome {
    let c = rules::ELB_COMPONENT;
    let prev = ctx.previous_ownership(c, region);
    let client = ctx.session.elbv2(region);
    let read = async {
        let mut missing = Vec::new();
        let mut found = BTreeMap::new();
        for lb in entries {
            match aws::elbv2::find(&client, lb.arn.as_deref(), lb.name.as_deref()).await? {
                Some(f) => {
                    let logs = aws::elbv2::access_logs(&client, &f.arn).await?;
                    found.insert(
                        rules::lb_name(lb).to_string(),
                        (f.arn, (logs.enabled, logs.bucket, logs.prefix)),
                    );
                }
                None => missing.push(rules::lb_name(lb).to_string()),
            }
        }
        if !missing.is_empty() {
            return Err(not_found(
                ("elasticloadbalancingv2", "DescribeLoadBalancers"),
                &format!(
                    "load balancer(s) {} do not exist in {region}",
                    missing.join(", ")
                ),
                "access logs of existing load balancers",
            ));
        }
        Ok(found)
    };
    let found = match read.await {
        Ok(f) => f,
        Err(e) => return failed(c, region, prev.unwrap_or(Ownership::None), e),
    };
    let actual: BTreeMap<String, rules::LbLogs> = found
        .iter()
        .map(|(k, (_, l))| (k.clone(), l.clone()))
        .collect();
    let drift = diff(
        c,
        &rules::elb_desired(entries, &actual),
        &rules::elb_observed(&actual),
    );
    let to_write = rules::drifted(c, &drift);
    let mut turned_on = Vec::new();
    let exec = if ctx.may_write() && !to_write.is_empty() {
        Some(
            async {
                for lb in entries {
                    let name = rules::lb_name(lb);
                    let Some((arn, (on, _, _))) = found.get(name) else {
                        continue;
                    };
                    if !to_write.iter().any(|w| w == name) {
                        continue;
                    }
                    aws::elbv2::set_access_logs(&client, arn, Some((&lb.bucket, &lb.prefix)))
                        .await?;
                    if !on {
                        turned_on.push(arn.clone());
                    }
                }
                Ok(())
            }
            .await,
        )
    } else {
        None
    };
    let declared: Vec<String> = found.values().map(|(arn, _)| arn.clone()).collect();
    let previous = ctx.previous_enabled(c, region);
    let on_before_not_ours = found
        .values()
        .any(|(arn, (on, _, _))| *on && !previous.contains(arn));
    let enabled = enabled_now(previous, &declared, turned_on);
    let mut outcome = Settle {
        component: c,
        region,
        drift,
        writes: exec,
        created: false,
        ownership: logging_ownership(enabled.len(), declared.len(), on_before_not_ours),
        id: Some(declared.join(",")),
    }
    .outcome();
    outcome.operator_enabled = enabled;
    outcome
}

/// Under `deletionPolicy: Delete`: turn off the logging status records as turned on by this baseline, where it
/// still delivers where the spec says (logging someone pointed elsewhere since is theirs); log buckets are kept.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    let Some(spec) = &ctx.input.spec.access_logs else {
        return Vec::new();
    };
    let home = ctx.home();
    let mut out = Vec::new();
    for prev in ctx
        .input
        .previous
        .iter()
        .filter(|p| !p.operator_enabled.is_empty())
    {
        let region = prev.region.as_str();
        if prev.component == rules::S3_COMPONENT {
            let client = ctx.session.s3(region);
            for name in &prev.operator_enabled {
                let declared = spec
                    .buckets
                    .iter()
                    .find(|b| &b.name == name && rules::bucket_region(b, home) == region);
                out.push(
                    async {
                        if !aws::s3::exists(&client, name).await? {
                            return Ok(None);
                        }
                        match (aws::s3::logging(&client, name).await?, declared) {
                            (Some((t, p)), Some(b)) if t == b.target_bucket && p == b.target_prefix => {
                                aws::s3::set_logging(&client, name, None).await?;
                                Ok(Some(format!(
                                    "turned off S3 server access logging of bucket {name} in {region}"
                                )))
                            }
                            (Some(_), _) => Ok(Some(format!(
                                "kept S3 server access logging of bucket {name} (it no longer delivers where this baseline set it)"
                            ))),
                            (None, _) => Ok(None),
                        }
                    }
                    .await,
                );
            }
        } else if prev.component == rules::ELB_COMPONENT {
            let client = ctx.session.elbv2(region);
            for arn in &prev.operator_enabled {
                let declared = spec.load_balancers.iter().find(|l| {
                    rules::lb_region(l, home) == region
                        && (l.arn.as_deref() == Some(arn.as_str())
                            || l.name
                                .as_deref()
                                .is_some_and(|n| arn.contains(&format!("/{n}/"))))
                });
                out.push(
                    async {
                        if aws::elbv2::find(&client, Some(arn), None).await?.is_none() {
                            return Ok(None);
                        }
                        let logs = aws::elbv2::access_logs(&client, arn).await?;
                        match declared {
                            Some(l) if logs.enabled && logs.bucket == l.bucket && logs.prefix == l.prefix => {
                                aws::elbv2::set_access_logs(&client, arn, None).await?;
                                Ok(Some(format!("turned off access logs of load balancer {arn}")))
                            }
                            _ if logs.enabled => Ok(Some(format!(
                                "kept access logs of load balancer {arn} (they no longer deliver where this baseline set them)"
                            ))),
                            _ => Ok(None),
                        }
                    }
                    .await,
                );
            }
        }
    }
    for region in rules::regions(spec, home) {
        for bucket in rules::log_buckets(spec, home, &region, &ctx.account_id).keys() {
            out.push(Ok(Some(format!(
                "kept access log bucket {bucket} (logs are never deleted)"
            ))));
        }
    }
    out
}
