//! Patch compliance against moto with the SSM extensions: targeted instances that have not reported are counted,
//! and instances whose scans were seeded with PutComplianceItems (`tests/moto_ext/ssm_patch_compliance_ext.py`; on
//! AWS the agent's AWS-RunPatchBaseline scan reports the same `Patch` compliance items) are counted compliant or not,
//! with their missing and failed patches and the missing critical patch seen longest. The SSM reads behind it
//! (executions, patch states, missing critical patches) are also tested on AWS's documented responses in
//! `ssm_api::compliance`.

use super::*;
use aws_sdk_ssm::types::{
    ComplianceExecutionSummary, ComplianceItemEntry, ComplianceSeverity, ComplianceStatus,
};

/// Three instances: two tagged `Patch Group=prod` (what the first example schedule targets), one `env=dev`. Returns
/// the IDs of the `prod` ones.
async fn instances(moto: &Moto) -> Vec<String> {
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config(REGION).await);
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images()[0]
        .image_id()
        .unwrap()
        .to_string();
    let tag = |k: &str, v: &str| {
        aws_sdk_ec2::types::TagSpecification::builder()
            .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
            .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .build()
    };
    let mut prod = Vec::new();
    for (k, v) in [
        ("Patch Group", "prod"),
        ("Patch Group", "prod"),
        ("env", "dev"),
    ] {
        let out = ec2
            .run_instances()
            .image_id(&image)
            .min_count(1)
            .max_count(1)
            .tag_specifications(tag(k, v))
            .send()
            .await
            .unwrap();
        if v == "prod" {
            prod.push(out.instances()[0].instance_id().unwrap().to_string());
        }
    }
    prod.sort();
    prod
}

#[tokio::test]
async fn compliance_counts_targeted_instances_that_have_not_reported() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, schedules) = examples();
    instances(&moto).await;
    let p = &schedules[0];
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let c = &r.compliance[0];
    assert_eq!(c.region, REGION);
    // Two instances carry `Patch Group=prod`; none has reported a patch state yet.
    assert_eq!((c.targeted_instances, c.not_reported), (2, 2));
    assert_eq!((c.compliant, c.non_compliant), (0, 0));
}

/// One patch compliance item as a scan reports it: the KB ID, its severity, and the patch state in `Details`.
fn item(kb: &str, severity: ComplianceSeverity, state: &str) -> ComplianceItemEntry {
    let status = if matches!(state, "Missing" | "Failed") {
        ComplianceStatus::NonCompliant
    } else {
        ComplianceStatus::Compliant
    };
    ComplianceItemEntry::builder()
        .id(kb)
        .title(format!("{kb} update"))
        .severity(severity.clone())
        .status(status)
        .details("PatchState", state)
        .details("PatchSeverity", severity.as_str())
        .details("Classification", "SecurityUpdates")
        .build()
        .unwrap()
}

/// Report a scan of `instance` (PutComplianceItems, type `Patch`, replacing its previous items).
async fn scan(ssm: &aws_sdk_ssm::Client, instance: &str, items: Vec<ComplianceItemEntry>) {
    ssm.put_compliance_items()
        .resource_id(instance)
        .resource_type("ManagedInstance")
        .compliance_type("Patch")
        .execution_summary(
            ComplianceExecutionSummary::builder()
                .execution_time(aws_smithy_types::DateTime::from_secs(1_795_000_000))
                .execution_type("Command")
                .build()
                .unwrap(),
        )
        .set_items(Some(items))
        .send()
        .await
        .unwrap();
}

/// Seeded scans: one `prod` instance is up to date, the other misses a critical and an important patch and failed a
/// third. The pass counts them (1 compliant, 1 non-compliant, 2 missing, 1 failed, 1 with a critical patch missing)
/// and names the missing critical patch; a second pass on the same scans writes nothing and keeps the patch's "since";
/// a new scan of the non-compliant instance after patching is counted compliant and the missing patch is gone.
#[tokio::test]
async fn seeded_patch_scans_are_counted_and_a_second_pass_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let (account, schedules) = examples();
    let prod = instances(&moto).await;
    let ssm = ssm(&moto).await;
    scan(
        &ssm,
        &prod[0],
        vec![
            item("KB5001", ComplianceSeverity::Critical, "Installed"),
            item("KB5002", ComplianceSeverity::Low, "NotApplicable"),
        ],
    )
    .await;
    scan(
        &ssm,
        &prod[1],
        vec![
            item("KB5003", ComplianceSeverity::Critical, "Missing"),
            item("KB5004", ComplianceSeverity::High, "Missing"),
            item("KB5005", ComplianceSeverity::Medium, "Failed"),
            item("KB5001", ComplianceSeverity::Critical, "Installed"),
        ],
    )
    .await;
    let p = &schedules[0];

    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let c = &r.compliance[0];
    assert_eq!((c.targeted_instances, c.not_reported), (2, 0));
    assert_eq!((c.compliant, c.non_compliant), (1, 1));
    assert_eq!((c.missing_patches, c.failed_patches), (2, 1));
    assert_eq!(c.critical_non_compliant, 1);
    let oldest = c
        .oldest_missing_critical
        .clone()
        .expect("a missing critical patch");
    assert_eq!(
        (oldest.kb_id.as_str(), oldest.instance_id.as_str()),
        ("KB5003", prod[1].as_str())
    );
    assert_eq!(
        stats.count("DescribeInstancePatches"),
        1,
        "only the instance missing a critical patch"
    );
    let st = status(None, &r);

    // Same scans: a second pass writes nothing and reports the same counts, the patch's "since" kept.
    stats.reset();
    let again = pass(&factory, &account, p, &p.spec, Some(&st)).await;
    assert!(
        again.pass.error_category().is_none(),
        "{:#?}",
        again.pass.outcomes
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(again.compliance, r.compliance);

    // The instance is patched and scanned again: every targeted instance is compliant.
    scan(
        &ssm,
        &prod[1],
        vec![
            item("KB5003", ComplianceSeverity::Critical, "Installed"),
            item("KB5004", ComplianceSeverity::High, "Installed"),
            item(
                "KB5005",
                ComplianceSeverity::Medium,
                "InstalledPendingReboot",
            ),
        ],
    )
    .await;
    let st = status(Some(&st), &again);
    let patched = pass(&factory, &account, p, &p.spec, Some(&st)).await;
    let c = &patched.compliance[0];
    assert_eq!((c.compliant, c.non_compliant, c.not_reported), (2, 0, 0));
    assert_eq!(
        (
            c.missing_patches,
            c.failed_patches,
            c.critical_non_compliant
        ),
        (0, 0, 0)
    );
    assert_eq!(c.oldest_missing_critical, None);
}
