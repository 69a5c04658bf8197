//! Fleet-wide inventory (the `ssmInventory` section) against moto with the SSM extension: the
//! `AWS-GatherSoftwareInventory` association on every instance, the Resource Data Sync to S3 and the Default Host
//! Management Configuration converge, a second pass writes nothing, drift made out of band is reported and
//! corrected, unmanaged EC2 instances are counted, and deletion follows ownership.

use super::*;
use aws_sdk_ssm::types::{ResourceDataSyncS3Destination, ResourceDataSyncS3Format};

const DHMC: &str = "/ssm/managed-instance/default-ec2-instance-management-role";
const ROLE: &str =
    "arn:aws:iam::123456789012:role/service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole";

fn outcome<'a>(
    r: &'a PassReport,
    component: &str,
    region: &str,
) -> &'a aws_baseline_operator::engine::ComponentOutcome {
    r.outcomes
        .iter()
        .find(|o| o.component == component && o.region == region)
        .unwrap_or_else(|| panic!("no {component} in {region}: {:#?}", r.outcomes))
}

async fn setting(c: &aws_sdk_ssm::Client) -> (String, String) {
    let s = c
        .get_service_setting()
        .setting_id(DHMC)
        .send()
        .await
        .unwrap();
    let s = s.service_setting().unwrap();
    (
        s.setting_value().unwrap_or_default().to_string(),
        s.status().unwrap_or_default().to_string(),
    )
}

async fn syncs(c: &aws_sdk_ssm::Client) -> Vec<(String, String)> {
    c.list_resource_data_sync()
        .send()
        .await
        .unwrap()
        .resource_data_sync_items()
        .iter()
        .map(|i| {
            (
                i.sync_name().unwrap_or_default().to_string(),
                i.s3_destination().unwrap().bucket_name().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn fleet_inventory_converges_drift_is_corrected_unmanaged_instances_counted_and_deletion_follows_ownership(
) {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let us = aws_sdk_ssm::Client::new(&moto.sdk_config("us-east-1").await);
    let eu = aws_sdk_ssm::Client::new(&moto.sdk_config("eu-west-1").await);
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config("us-east-1").await);
    // Two EC2 instances in us-east-1, no SSM Agent registered (nothing registers in the emulator): unmanaged.
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
    let run = ec2
        .run_instances()
        .image_id(&image)
        .min_count(2)
        .max_count(2)
        .send()
        .await
        .unwrap();
    let mut instances: Vec<String> = run
        .instances()
        .iter()
        .filter_map(|i| i.instance_id().map(str::to_string))
        .collect();
    instances.sort();
    // eu-west-1 already has a Default Host Management role someone set by hand: adopted, never reset.
    eu.update_service_setting()
        .setting_id(DHMC)
        .setting_value("service-role/HandMade")
        .send()
        .await
        .unwrap();

    let mut spec = baseline(json!({
        "deletionPolicy": "Delete",
        "ssmInventory": {
            "gather": {"schedule": "rate(12 hours)", "windowsRoles": false},
            "resourceDataSync": {"name": "fleet-inventory", "bucketName": "org-ssm-inventory",
                "prefix": "inventory", "bucketRegion": "us-east-1"},
            "defaultHostManagement": {"roleArn": ROLE}
        }
    }));
    let first = pass(&factory, &spec, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    for region in ["us-east-1", "eu-west-1"] {
        for c in ["ssmInventory", "ssmResourceDataSync"] {
            let o = outcome(&first, c, region);
            assert_eq!(
                (o.state, o.ownership),
                (ComponentState::Created, Ownership::Created),
                "{o:#?}"
            );
        }
    }
    let us_dhmc = outcome(&first, "ssmDefaultHostManagement", "us-east-1");
    assert_eq!(
        (us_dhmc.state, us_dhmc.ownership),
        (ComponentState::Created, Ownership::Created)
    );
    let eu_dhmc = outcome(&first, "ssmDefaultHostManagement", "eu-west-1");
    assert_eq!(
        (eu_dhmc.state, eu_dhmc.ownership),
        (ComponentState::Corrected, Ownership::Adopted)
    );
    assert_eq!(eu_dhmc.drift[0].actual, json!("service-role/HandMade"));
    // Unmanaged instances are counted (and named) in status; never drift.
    let m = outcome(&first, "ssmManagedInstances", "us-east-1");
    assert_eq!(m.state, ComponentState::InSync);
    assert_eq!(
        m.message.as_deref(),
        Some(
            format!(
                "2 EC2 instances, 0 managed by Systems Manager, 2 unmanaged: {}",
                instances.join(", ")
            )
            .as_str()
        )
    );
    assert_eq!(
        outcome(&first, "ssmManagedInstances", "eu-west-1")
            .message
            .as_deref(),
        Some("0 EC2 instances, 0 managed by Systems Manager, 0 unmanaged")
    );

    // AWS holds what the spec says.
    let assoc_id = outcome(&first, "ssmInventory", "us-east-1")
        .id
        .clone()
        .unwrap();
    let d = us
        .describe_association()
        .association_id(&assoc_id)
        .send()
        .await
        .unwrap();
    let d = d.association_description().unwrap();
    assert_eq!(d.name(), Some("AWS-GatherSoftwareInventory"));
    assert_eq!(d.association_name(), Some("sections-fleet-inventory"));
    assert_eq!(d.schedule_expression(), Some("rate(12 hours)"));
    assert_eq!(d.targets()[0].key(), Some("InstanceIds"));
    assert_eq!(d.targets()[0].values(), ["*"]);
    assert_eq!(d.parameters().unwrap()["windowsRoles"], ["Disabled"]);
    for c in [&us, &eu] {
        assert_eq!(
            syncs(c).await,
            [(
                "fleet-inventory".to_string(),
                "org-ssm-inventory".to_string()
            )]
        );
        assert_eq!(
            setting(c).await,
            (
                "service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole".to_string(),
                "Customized".to_string()
            )
        );
    }

    // Second pass: nothing written, ownership from status (no tag reads).
    let previous = components(&first);
    stats.reset();
    let steady = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert!(steady.error_category().is_none(), "{:#?}", steady.outcomes);
    assert_eq!(fields(&steady), vec![]);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("ListTagsForResource"), 0);
    let previous = components(&steady);

    // Out of band in us-east-1: the association gathers daily, the sync points at another bucket, the Default
    // Host Management Configuration is reset.
    let params = d
        .parameters()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    us.update_association()
        .association_id(&assoc_id)
        .association_name("sections-fleet-inventory")
        .schedule_expression("rate(1 day)")
        .set_parameters(Some(params))
        .send()
        .await
        .unwrap();
    us.delete_resource_data_sync()
        .sync_name("fleet-inventory")
        .send()
        .await
        .unwrap();
    us.create_resource_data_sync()
        .sync_name("fleet-inventory")
        .s3_destination(
            ResourceDataSyncS3Destination::builder()
                .bucket_name("somewhere-else")
                .sync_format(ResourceDataSyncS3Format::JsonSerde)
                .region("us-east-1")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    us.reset_service_setting()
        .setting_id(DHMC)
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &spec, DriftPolicy::Report, &previous).await;
    assert_eq!(stats.writes(), 0, "Report never writes");
    let found = drift(&report);
    let got: Vec<(&str, &str, &Value, &Value)> = found
        .iter()
        .map(|(r, f, d, a, _)| (r.as_str(), f.as_str(), d, a))
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "us-east-1",
                "ssmDefaultHostManagement.roleName",
                &json!("service-role/AWSSystemsManagerDefaultEC2InstanceManagementRole"),
                &Value::Null
            ),
            (
                "us-east-1",
                "ssmInventory.schedule",
                &json!("rate(12 hours)"),
                &json!("rate(1 day)")
            ),
            (
                "us-east-1",
                "ssmResourceDataSync.bucketName",
                &json!("org-ssm-inventory"),
                &json!("somewhere-else")
            ),
            (
                "us-east-1",
                "ssmResourceDataSync.prefix",
                &json!("inventory"),
                &Value::Null
            ),
        ]
    );
    assert!(found.iter().all(|d| d.4 == DriftAction::Reported));
    let status = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let dhmc_drift = status
        .drift
        .iter()
        .find(|d| d.field == "ssmDefaultHostManagement.roleName")
        .unwrap();
    assert_eq!(dhmc_drift.controls, vec!["SSM.1"]);

    stats.reset();
    let fixed = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        [
            "SSM:CreateResourceDataSync",
            "SSM:DeleteResourceDataSync",
            "SSM:UpdateAssociation",
            "SSM:UpdateServiceSetting"
        ]
    );
    assert!(drift(&fixed).iter().all(|d| d.4 == DriftAction::Corrected));
    // The association keeps its ID; the data sync keeps its ownership (remembered, syncs have no tags).
    assert_eq!(
        outcome(&fixed, "ssmInventory", "us-east-1").id.as_deref(),
        Some(assoc_id.as_str())
    );
    assert_eq!(
        outcome(&fixed, "ssmResourceDataSync", "us-east-1").ownership,
        Ownership::Created
    );
    assert_eq!(
        syncs(&us).await,
        [(
            "fleet-inventory".to_string(),
            "org-ssm-inventory".to_string()
        )]
    );
    let previous = components(&fixed);
    stats.reset();
    let again = pass(&factory, &spec, DriftPolicy::Correct, &previous).await;
    assert_eq!(fields(&again), vec![]);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Deletion: what the baseline created goes; the adopted eu-west-1 setting stays as the operator left it.
    let previous = components(&again);
    let r = retain_then_delete(&factory, &stats, &mut spec, &previous).await;
    for c in [&us, &eu] {
        assert!(c
            .list_associations()
            .send()
            .await
            .unwrap()
            .associations()
            .is_empty());
        assert_eq!(syncs(c).await, vec![]);
    }
    assert_eq!(setting(&us).await.1, "Default");
    assert_eq!(setting(&eu).await.1, "Customized");
    assert!(
        r.actions
            .iter()
            .any(|a| a == "reset Default Host Management Configuration in us-east-1"),
        "{:?}",
        r.actions
    );
}
