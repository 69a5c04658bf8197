//! VPC flow logs (the `flowLogs` section) against moto: every VPC covered and new ones picked up on the next pass,
//! drift reported then replaced, foreign flow logs never deleted, deletion removes only what the baseline created.

use super::*;

const FLOW_ROLE: &str = "arn:aws:iam::123456789012:role/flow-logs";

fn flow_spec(extra: Value) -> AccountBaselineSpec {
    let mut fl = json!({"cloudWatchLogs": {"logGroupName": "/org/vpc-flow", "deliverLogsPermissionArn": FLOW_ROLE}});
    fl.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    baseline(json!({"deletionPolicy": "Delete", "vpcFlowLogs": fl}))
}

async fn ec2(moto: &Moto, region: &str) -> aws_sdk_ec2::Client {
    aws_sdk_ec2::Client::new(&moto.sdk_config(region).await)
}

async fn new_vpc(c: &aws_sdk_ec2::Client, cidr: &str, tag: Option<(&str, &str)>) -> String {
    let mut req = c.create_vpc().cidr_block(cidr);
    if let Some((k, v)) = tag {
        req = req.tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::Vpc)
                .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
                .build(),
        );
    }
    req.send()
        .await
        .unwrap()
        .vpc()
        .unwrap()
        .vpc_id()
        .unwrap()
        .to_string()
}

/// (VPC, traffic type, tagged by this baseline) of every flow log in the region.
async fn flow_logs(c: &aws_sdk_ec2::Client) -> Vec<(String, String, bool)> {
    let mut v: Vec<_> = c
        .describe_flow_logs()
        .send()
        .await
        .unwrap()
        .flow_logs()
        .iter()
        .map(|f| {
            (
                f.resource_id().unwrap_or_default().to_string(),
                f.traffic_type().unwrap().as_str().to_string(),
                f.tags().iter().any(|t| {
                    t.key() == Some("awsbaseline.io/owner-uid")
                        && t.value() == Some("sections-uid-1")
                }),
            )
        })
        .collect();
    v.sort();
    v
}

#[tokio::test]
async fn flow_logs_cover_every_vpc_and_pick_up_new_ones_on_the_next_pass() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({"trafficType": "REJECT"}));
    let us = ec2(&moto, "us-east-1").await;
    let extra = new_vpc(&us, "10.10.0.0/16", None).await;
    let us_vpcs = vpc_ids(&us).await;
    assert_eq!(us_vpcs.len(), 2, "moto's default VPC and one more");

    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let e = st
        .drift
        .iter()
        .find(|d| d.field == format!("vpcFlowLogs.{extra}.exists"))
        .unwrap();
    assert_eq!(
        (e.region.as_str(), e.controls.clone()),
        (
            "us-east-1",
            vec!["EC2.6".to_string(), "CIS 3.9".to_string()]
        )
    );

    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    // One CreateFlowLogs per region, covering every VPC there.
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    assert_eq!(stats.count("CreateFlowLogs"), 2);
    let logs = flow_logs(&us).await;
    assert_eq!(
        logs,
        us_vpcs
            .iter()
            .map(|v| (v.clone(), "REJECT".to_string(), true))
            .collect::<Vec<_>>()
    );
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(second
        .outcomes
        .iter()
        .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created));
    // Per region: DescribeVpcs, DescribeFlowLogs by VPC, DescribeFlowLogs by owner tag (GetCallerIdentity is
    // remembered by the session from the first pass).
    assert_eq!(stats.reads(), 2 * 3, "{:?}", stats.snapshot());

    // A VPC created later is covered by the next pass, with exactly one create.
    let later = new_vpc(&us, "10.20.0.0/16", None).await;
    stats.reset();
    let r = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(
        drift(&r)
            .into_iter()
            .map(|d| (d.0, d.1))
            .collect::<Vec<_>>(),
        vec![(
            "us-east-1".to_string(),
            format!("vpcFlowLogs.{later}.exists")
        )]
    );
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    assert_eq!(stats.count("CreateFlowLogs"), 1);
    assert_eq!(flow_logs(&us).await.len(), 3);
}

#[tokio::test]
async fn flow_log_drift_is_reported_then_replaced_and_foreign_flow_logs_are_never_deleted() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({"vpcTags": {"flow-logs": "on"}, "maxAggregationInterval": 60}));
    let us = ec2(&moto, "us-east-1").await;
    let selected = new_vpc(&us, "10.1.0.0/16", Some(("flow-logs", "on"))).await;
    let foreign_vpc = new_vpc(&us, "10.2.0.0/16", Some(("flow-logs", "on"))).await;
    let _unselected = new_vpc(&us, "10.3.0.0/16", None).await;
    // Someone else already logs the second VPC to the same group, with other settings.
    let foreign = us
        .create_flow_logs()
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .resource_ids(&foreign_vpc)
        .traffic_type(aws_sdk_ec2::types::TrafficType::Accept)
        .log_group_name("/org/vpc-flow")
        .deliver_logs_permission_arn(FLOW_ROLE)
        .send()
        .await
        .unwrap()
        .flow_log_ids()[0]
        .clone();

    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let us_outcome = r.outcomes.iter().find(|o| o.region == "us-east-1").unwrap();
    // The selected VPC got its flow log; the foreign one is adopted, its drift stays and the reason is named.
    assert_eq!(us_outcome.ownership, Ownership::Adopted);
    assert_eq!(us_outcome.state, ComponentState::Error);
    let err = us_outcome.error.as_ref().unwrap();
    assert_eq!(err.category.as_str(), "InvalidInput");
    assert!(err.message.contains(&foreign), "{err}");
    let mut fields: Vec<String> = us_outcome.drift.iter().map(|d| d.field.clone()).collect();
    fields.sort();
    let mut want = vec![
        format!("vpcFlowLogs.{foreign_vpc}.maxAggregationInterval"),
        format!("vpcFlowLogs.{foreign_vpc}.trafficType"),
        format!("vpcFlowLogs.{selected}.exists"),
    ];
    want.sort();
    assert_eq!(fields, want);
    let mut both = vec![
        (selected.clone(), "ALL".to_string(), true),
        (foreign_vpc.clone(), "ACCEPT".to_string(), false),
    ];
    both.sort();
    assert_eq!(flow_logs(&us).await, both);
    // The unselected VPC and eu-west-1 (no tagged VPC) have none of ours.
    assert!(flow_logs(&ec2(&moto, "eu-west-1").await).await.is_empty());
    let prev = components(&r);

    // Out of band: our flow log is replaced by hand with one that logs only accepted traffic (tags kept).
    let mine = flow_log_of(&us, &selected).await;
    us.delete_flow_logs()
        .flow_log_ids(&mine)
        .send()
        .await
        .unwrap();
    us.create_flow_logs()
        .resource_type(aws_sdk_ec2::types::FlowLogsResourceType::Vpc)
        .resource_ids(&selected)
        .traffic_type(aws_sdk_ec2::types::TrafficType::Accept)
        .log_group_name("/org/vpc-flow")
        .deliver_logs_permission_arn(FLOW_ROLE)
        .max_aggregation_interval(60)
        .tag_specifications(
            aws_sdk_ec2::types::TagSpecification::builder()
                .resource_type(aws_sdk_ec2::types::ResourceType::VpcFlowLog)
                .set_tags(Some(
                    owner()
                        .tags()
                        .into_iter()
                        .map(|(k, v)| aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
                        .collect(),
                ))
                .build(),
        )
        .send()
        .await
        .unwrap();

    // Without the foreign VPC in the selection, only our drift remains.
    let mut s2 = s.clone();
    us.delete_tags()
        .resources(&foreign_vpc)
        .tags(aws_sdk_ec2::types::Tag::builder().key("flow-logs").build())
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass(&factory, &s2, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![(
            "us-east-1".to_string(),
            format!("vpcFlowLogs.{selected}.trafficType"),
            json!("ALL"),
            json!("ACCEPT"),
            DriftAction::Reported
        )]
    );
    stats.reset();
    let fixed = pass(&factory, &s2, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["EC2:CreateFlowLogs", "EC2:DeleteFlowLogs"]
    );
    assert_eq!(flow_logs(&us).await, both);

    // A VPC leaving the selection loses our flow log; the foreign flow log stays.
    s2.vpc_flow_logs.as_mut().unwrap().vpc_tags =
        std::collections::BTreeMap::from([("flow-logs".to_string(), "none".to_string())]);
    stats.reset();
    let r = pass(&factory, &s2, DriftPolicy::Correct, &prev).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    assert_eq!(sorted_writes(&stats), vec!["EC2:DeleteFlowLogs"]);
    assert_eq!(
        flow_logs(&us).await,
        vec![(foreign_vpc.clone(), "ACCEPT".to_string(), false)]
    );

    // Deletion removes only ours (none left), never the foreign one.
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(flow_logs(&us).await.len(), 1);
}

#[tokio::test]
async fn deletion_removes_the_flow_logs_this_baseline_created() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = flow_spec(json!({}));
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    let prev = components(&r);
    let mut retain = s.clone();
    retain.deletion_policy = DeletionPolicy::Retain;
    stats.reset();
    delete(&factory, &retain, &prev).await;
    assert_eq!((stats.reads(), stats.writes()), (0, 0));
    let report = delete(&factory, &s, &prev).await;
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        report
            .actions
            .iter()
            .filter(|a| a.starts_with("deleted 1 VPC flow log(s)"))
            .count(),
        2,
        "{:?}",
        report.actions
    );
    for region in ["us-east-1", "eu-west-1"] {
        assert!(flow_logs(&ec2(&moto, region).await).await.is_empty());
    }
}

#[tokio::test]
async fn flow_logs_to_an_s3_bucket_converge_and_a_deleted_one_is_recreated() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&moto.sdk_config("us-east-1").await)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket("org-flow-logs")
        .send()
        .await
        .unwrap();
    let s = baseline(json!({
        "regions": ["us-east-1"],
        "deletionPolicy": "Delete",
        // Without a folder: moto 5.2.5 looks the whole `bucket/folder` up as a bucket name and refuses it.
        "vpcFlowLogs": {"s3": {"bucketArn": "arn:aws:s3:::org-flow-logs"}, "trafficType": "ALL"}
    }));
    let us = ec2(&moto, "us-east-1").await;
    let vpcs = vpc_ids(&us).await;

    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    let described = us.describe_flow_logs().send().await.unwrap();
    let logs = described.flow_logs();
    assert_eq!(logs.len(), vpcs.len());
    for f in logs {
        assert_eq!(
            f.log_destination_type().map(|t| t.as_str()),
            Some("s3"),
            "{f:?}"
        );
        assert_eq!(f.log_destination(), Some("arn:aws:s3:::org-flow-logs"));
        assert_eq!(f.traffic_type().map(|t| t.as_str()), Some("ALL"));
    }

    // In sync: no writes.
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(drift(&second).is_empty(), "{:?}", drift(&second));

    // Someone deletes the flow log of one VPC: reported with its controls, then recreated with one create.
    let victim = logs[0].clone();
    us.delete_flow_logs()
        .flow_log_ids(victim.flow_log_id().unwrap())
        .send()
        .await
        .unwrap();
    let vpc = victim.resource_id().unwrap().to_string();
    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let d = st
        .drift
        .iter()
        .find(|d| d.field == format!("vpcFlowLogs.{vpc}.exists"))
        .unwrap_or_else(|| panic!("{:?}", st.drift));
    assert_eq!(d.controls, vec!["EC2.6".to_string(), "CIS 3.9".to_string()]);
    stats.reset();
    pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(sorted_writes(&stats), vec!["EC2:CreateFlowLogs"]);
    assert_eq!(stats.count("CreateFlowLogs"), 1);
    assert_eq!(
        us.describe_flow_logs()
            .send()
            .await
            .unwrap()
            .flow_logs()
            .len(),
        vpcs.len()
    );
}
