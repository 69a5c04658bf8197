//! Amazon Inspector (the `inspector` section): against moto, convergence, drift reported then corrected with
//! exactly the needed writes, adoption of an Inspector enabled before (kept on deletion); with aws-smithy-mocks,
//! per-account failures moto cannot produce.

use super::*;
use aws_baseline_operator::aws::ErrorCategory;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

async fn inspector_status(moto: &Moto, region: &str) -> Value {
    let c = aws_sdk_inspector2::Client::new(&moto.sdk_config(region).await);
    let out = c
        .batch_get_account_status()
        .account_ids(ACCOUNT)
        .send()
        .await
        .unwrap();
    let Some(a) = out.accounts().first() else {
        return json!({});
    };
    let r = a.resource_state().unwrap();
    let s =
        |x: Option<&aws_sdk_inspector2::types::State>| x.map(|s| s.status().as_str().to_string());
    json!({"EC2": s(r.ec2()), "ECR": s(r.ecr()), "LAMBDA": s(r.lambda()), "LAMBDA_CODE": s(r.lambda_code())})
}

fn inspector_spec() -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "inspector": {"scanTypes": {"ec2": true, "ecr": true, "lambda": true, "lambdaCode": false}}
    }))
}

#[tokio::test]
async fn inspector_converges_then_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = inspector_spec();

    // Report first: nothing enabled yet, every enabled scan type is drift, nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let d = drift(&report);
    assert_eq!(d.len(), 6, "{d:#?}");
    assert!(d.contains(&(
        "eu-west-1".into(),
        "inspector.scanTypes.ECR".into(),
        json!("ENABLED"),
        json!("DISABLED"),
        DriftAction::Reported
    )));
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:00:00Z"));
    let entry = st
        .drift
        .iter()
        .find(|e| e.field == "inspector.scanTypes.LAMBDA" && e.region == "us-east-1")
        .unwrap();
    assert_eq!(entry.controls, vec!["Inspector.4"]);
    assert!(report
        .outcomes
        .iter()
        .all(|o| o.ownership == Ownership::None));

    // Correct: one Enable per region with the three scan types.
    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Inspector2:Enable"],
        "{:?}",
        stats.snapshot()
    );
    assert_eq!(stats.count("Enable"), 2);
    for o in &first.outcomes {
        assert_eq!(
            (o.state, o.ownership, o.id.as_deref()),
            (ComponentState::Corrected, Ownership::Created, Some(ACCOUNT))
        );
    }
    for region in ["us-east-1", "eu-west-1"] {
        assert_eq!(
            inspector_status(&moto, region).await,
            json!({"EC2": "ENABLED", "ECR": "ENABLED", "LAMBDA": "ENABLED", "LAMBDA_CODE": "DISABLED"}),
            "{region}"
        );
    }

    // In sync: zero writes, one read per region.
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(stats.count("BatchGetAccountStatus"), 2);
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync && o.ownership == Ownership::Created),
        "{:#?}",
        second.outcomes
    );
    println!(
        "inspector in-sync pass (2 regions): {} reads {:?}",
        stats.reads(),
        stats.snapshot()
    );
}

#[tokio::test]
async fn inspector_out_of_band_drift_is_reported_then_corrected_with_exactly_the_needed_writes() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let s = inspector_spec();
    let created = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let prev = components(&created);

    // Someone turns ECR scanning off and Lambda code scanning on in eu-west-1.
    let eu = aws_sdk_inspector2::Client::new(&moto.sdk_config("eu-west-1").await);
    eu.disable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ecr)
        .send()
        .await
        .unwrap();
    eu.enable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::LambdaCode)
        .send()
        .await
        .unwrap();

    stats.reset();
    let report = pass(&factory, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![
            (
                "eu-west-1".to_string(),
                "inspector.scanTypes.ECR".to_string(),
                json!("ENABLED"),
                json!("DISABLED"),
                DriftAction::Reported
            ),
            (
                "eu-west-1".to_string(),
                "inspector.scanTypes.LAMBDA_CODE".to_string(),
                json!("DISABLED"),
                json!("ENABLED"),
                DriftAction::Reported
            ),
        ]
    );
    let st = common_status(None, &report, Some(1), &t("2026-01-01T00:05:00Z"));
    let controls: Vec<(&str, Vec<String>)> = st
        .drift
        .iter()
        .map(|d| (d.field.as_str(), d.controls.clone()))
        .collect();
    assert_eq!(
        controls,
        vec![
            ("inspector.scanTypes.ECR", vec!["Inspector.2".to_string()]),
            (
                "inspector.scanTypes.LAMBDA_CODE",
                vec!["Inspector.3".to_string()]
            )
        ]
    );
    let eu_status = st
        .components
        .iter()
        .find(|c| c.region == "eu-west-1")
        .unwrap();
    assert_eq!(
        (eu_status.state, eu_status.drifted_fields),
        (ComponentState::Drifted, 2)
    );
    assert_eq!(
        st.components
            .iter()
            .find(|c| c.region == "us-east-1")
            .unwrap()
            .state,
        ComponentState::InSync
    );

    stats.reset();
    let corrected = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(corrected.remaining_drift(), 0);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Inspector2:Disable", "Inspector2:Enable"]
    );
    assert_eq!((stats.count("Enable"), stats.count("Disable")), (1, 1));
    assert_eq!(
        inspector_status(&moto, "eu-west-1").await,
        json!({"EC2": "ENABLED", "ECR": "ENABLED", "LAMBDA": "ENABLED", "LAMBDA_CODE": "DISABLED"})
    );
    stats.reset();
    pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn inspector_enabled_before_is_adopted_and_kept_on_deletion() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    // eu-west-1 already scans EC2 before the operator.
    aws_sdk_inspector2::Client::new(&moto.sdk_config("eu-west-1").await)
        .enable()
        .account_ids(ACCOUNT)
        .resource_types(aws_sdk_inspector2::types::ResourceScanType::Ec2)
        .send()
        .await
        .unwrap();
    let mut s = inspector_spec();
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    let own: Vec<(&str, Ownership)> = r
        .outcomes
        .iter()
        .map(|o| (o.region.as_str(), o.ownership))
        .collect();
    assert_eq!(
        own,
        vec![
            ("us-east-1", Ownership::Created),
            ("eu-west-1", Ownership::Adopted)
        ]
    );
    let prev = components(&r);

    // Retain: nothing is read or written. Delete: the region the operator turned on is turned off again; the
    // adopted one is kept.
    let report = retain_then_delete(&factory, &stats, &mut s, &prev).await;
    assert_eq!(stats.count("Disable"), 1, "{:?}", stats.snapshot());
    assert!(
        report
            .actions
            .iter()
            .any(|a| a == "disabled Amazon Inspector EC2, ECR, LAMBDA scanning in us-east-1"),
        "{:?}",
        report.actions
    );
    assert!(report
        .actions
        .iter()
        .any(|a| a.contains("kept Amazon Inspector in eu-west-1")));
    assert_eq!(
        inspector_status(&moto, "us-east-1").await["EC2"],
        json!("DISABLED")
    );
    assert_eq!(
        inspector_status(&moto, "eu-west-1").await["ECR"],
        json!("ENABLED")
    );
}

#[tokio::test]
async fn inspector_failed_accounts_are_classified() {
    use aws_baseline_operator::aws::inspector2;
    use aws_sdk_inspector2::operation::batch_get_account_status::BatchGetAccountStatusOutput;
    use aws_sdk_inspector2::operation::enable::EnableOutput;
    use aws_sdk_inspector2::types::{ErrorCode, FailedAccount};
    use aws_sdk_inspector2::Client as Inspector;

    let status = mock!(Inspector::batch_get_account_status).then_output(|| {
        BatchGetAccountStatusOutput::builder()
            .set_accounts(Some(vec![]))
            .failed_accounts(
                FailedAccount::builder()
                    .account_id("123456789012")
                    .error_code(ErrorCode::AccessDenied)
                    .error_message("not authorized")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let enable = mock!(Inspector::enable).then_output(|| {
        EnableOutput::builder()
            .set_accounts(Some(vec![]))
            .failed_accounts(
                FailedAccount::builder()
                    .account_id("123456789012")
                    .error_code(ErrorCode::EnableInProgress)
                    .error_message("enable in progress")
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap()
    });
    let c = mock_client!(aws_sdk_inspector2, RuleMode::MatchAny, &[&status, &enable]);
    let err = inspector2::status(&c, "123456789012").await.unwrap_err();
    assert_eq!(
        (err.category, err.code.as_deref()),
        (ErrorCategory::AccessDenied, Some("ACCESS_DENIED"))
    );
    let err = inspector2::enable(&c, "123456789012", &["EC2".into()])
        .await
        .unwrap_err();
    assert_eq!(err.category, ErrorCategory::Transient);
    assert!(err.category.is_retryable());
}
