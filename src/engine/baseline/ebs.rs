//! The `ebsEncryptionByDefault` section: EBS encryption by default and its KMS key, in every region.

use super::{sticky_ownership, Cleanup, Ctx, Section, SectionUsage};
use crate::api::account_baseline::EbsEncryptionSpec;
use crate::api::common::Ownership;
use crate::aws::{self, AwsError};
use crate::baseline::hardening::{self as rules, EbsWrite};
use crate::diff::diff;
use crate::engine::{failed, ComponentOutcome, Settle};

pub(super) const SECTION: Section = Section {
    name: "ebsEncryptionByDefault",
    components: &[rules::EBS],
    iam: &[
        "AccountBaseline.ebsEncryptionByDefault",
        "AccountBaseline.ebsEncryptionByDefault.kmsKeyId",
    ],
    usage: |spec| {
        let e = spec.ebs_encryption_by_default.as_ref()?;
        let mut u = SectionUsage::of(&["AccountBaseline.ebsEncryptionByDefault"]);
        if e.kms_key_id.is_some() {
            u.uses
                .push("AccountBaseline.ebsEncryptionByDefault.kmsKeyId");
        }
        Some(u)
    },
    buckets: None,
    account: None,
    regional: Some(|ctx, region| {
        Box::pin(async move {
            match &ctx.input.spec.ebs_encryption_by_default {
                Some(s) => vec![reconcile(ctx, region, s).await],
                None => Vec::new(),
            }
        })
    }),
    after: None,
    cleanup: |ctx| Box::pin(cleanup(ctx)),
};

async fn reconcile(ctx: &Ctx<'_>, region: &str, spec: &EbsEncryptionSpec) -> ComponentOutcome {
    let c = rules::EBS;
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
        &rules::ebs_desired(spec),
        &rules::ebs_observed(enabled, key.as_deref(), spec),
    );
    let exec = if ctx.may_write() && !drift.is_empty() {
        let writes = rules::ebs_plan(spec, enabled, &drift);
        Some(
            async {
                for w in &writes {
                    match w {
                        EbsWrite::SetEncryption(on) => {
                            aws::ec2::set_encryption_by_default(&client, *on).await?
                        }
                        EbsWrite::SetKmsKey(k) => aws::ec2::set_default_kms_key(&client, k).await?,
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

/// Turn encryption by default off in the regions where this baseline turned it on.
async fn cleanup(ctx: &Cleanup<'_>) -> Vec<Result<Option<String>, AwsError>> {
    if ctx.input.spec.ebs_encryption_by_default.is_none() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for region in &ctx.regions {
        if ctx.created(rules::EBS, region) {
            out.push(
                aws::ec2::set_encryption_by_default(&ctx.session.ec2(region), false)
                    .await
                    .map(|_| Some(format!("disabled EBS encryption by default in {region}"))),
            );
        }
    }
    out
}
