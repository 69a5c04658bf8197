//! Organization-level settings (the `organization` section, and `cloudTrail.isOrganizationTrail`) against moto with
//! the `tests/moto_ext` organization extension: an organization created in moto with a security account as the
//! delegated administrator. The management account's baseline names the administrators and owns the organization
//! trail; the administrator's baseline (reached through AssumeRole, which moto maps to the role's account) sets
//! auto-enable for members and the organization Config aggregator. Convergence, zero-write second passes,
//! out-of-band drift reported with control IDs and corrected, Report mode, another administrator never replaced,
//! auto-enable refused outside the administrator's account, deletion by ownership.

use super::*;
use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use support::objects::condition;

/// Create the organization (moto's default account is its management account) and a member account for security.
async fn organization(moto: &Moto) -> String {
    let org = aws_sdk_organizations::Client::new(&moto.sdk_config("us-east-1").await);
    org.create_organization()
        .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
        .send()
        .await
        .unwrap();
    member(&org, "security").await
}

async fn member(org: &aws_sdk_organizations::Client, name: &str) -> String {
    org.create_account()
        .account_name(name)
        .email(format!("{name}@example.com"))
        .send()
        .await
        .unwrap()
        .create_account_status()
        .unwrap()
        .account_id()
        .unwrap()
        .to_string()
}

/// SDK configuration acting as `account` (STS AssumeRole; moto maps the returned keys to the role's account).
async fn as_account(moto: &Moto, account: &str, region: &str) -> aws_config::SdkConfig {
    let sts = aws_sdk_sts::Client::new(&moto.sdk_config(region).await);
    let c = sts
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/test"))
        .role_session_name("out-of-band")
        .send()
        .await
        .unwrap();
    let c = c.credentials().unwrap();
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .endpoint_url(&moto.endpoint)
        .region(aws_config::Region::new(region.to_string()))
        .credentials_provider(
            aws_credential_types::provider::SharedCredentialsProvider::new(
                aws_credential_types::Credentials::new(
                    c.access_key_id(),
                    c.secret_access_key(),
                    Some(c.session_token().to_string()),
                    None,
                    "test",
                ),
            ),
        )
        .load()
        .await
}

fn admin_account(id: &str) -> AwsAccountSpec {
    serde_json::from_value(json!({
        "accountId": id,
        "regions": ["us-east-1"],
        "assumeRole": {"roleArn": format!("arn:aws:iam::{id}:role/baseline")}
    }))
    .unwrap()
}

async fn pass_as(
    factory: &AwsFactory,
    acct: &AwsAccountSpec,
    spec: &AccountBaselineSpec,
    mode: DriftPolicy,
    previous: &[ComponentStatus],
) -> PassReport {
    let input = BaselineInput {
        spec,
        account: acct,
        owner: owner(),
        previous,
        mode,
    };
    run(factory, &input).await
}

fn management_spec(admin: &str) -> AccountBaselineSpec {
    baseline(json!({
        "deletionPolicy": "Delete",
        "cloudTrail": {"name": "org-trail", "s3": {"bucketName": "org-trail-logs", "createBucket": true},
            "isOrganizationTrail": true},
        "organization": {"delegatedAdministrators": {
            "guardDuty": admin, "securityHub": admin, "config": admin, "inspector": admin, "accessAnalyzer": admin}}
    }))
}

/// The controls of the drift entry for `field` in `region`.
fn controls_of(r: &PassReport, region: &str, field: &str) -> Vec<String> {
    let st = common_status(None, r, Some(1), &t("2026-01-01T00:00:00Z"));
    st.drift
        .iter()
        .find(|e| e.field == field && e.region == region)
        .unwrap_or_else(|| panic!("no drift {field} in {region}: {:#?}", st.drift))
        .controls
        .clone()
}

#[tokio::test]
async fn management_account_names_the_delegated_administrators_and_owns_the_organization_trail() {
    let moto = Moto::start();
    let admin = organization(&moto).await;
    let (factory, stats) = moto.factory().await;
    let s = management_spec(&admin);

    // Report: every declared administrator and trusted access is drift with its controls, nothing is written.
    let report = pass(&factory, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let fields = fields(&report);
    for f in [
        "organizationServiceAccess.guardDuty",
        "organizationServiceAccess.accessAnalyzer",
        "delegatedAdministrators.config",
        "delegatedAdministrators.accessAnalyzer",
        "delegatedAdministrators.guardDuty",
    ] {
        assert!(
            fields.contains(&("us-east-1".to_string(), f.to_string())),
            "{f}: {fields:#?}"
        );
    }
    // Organizations-registered administrators are global: only in the home region.
    assert!(fields.contains(&(
        "eu-west-1".into(),
        "delegatedAdministrators.inspector".into()
    )));
    assert!(!fields.contains(&("eu-west-1".into(), "delegatedAdministrators.config".into())));
    assert_eq!(
        controls_of(&report, "us-east-1", "delegatedAdministrators.guardDuty"),
        vec!["GuardDuty.1"]
    );
    assert_eq!(
        controls_of(
            &report,
            "us-east-1",
            "organizationServiceAccess.accessAnalyzer"
        ),
        vec!["IAM.28", "CIS 1.20"]
    );

    // Correct: trusted access, then each service's administrator, and the organization trail.
    stats.reset();
    let first = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    let writes = sorted_writes(&stats);
    for w in [
        "Organizations:EnableAWSServiceAccess",
        "Organizations:RegisterDelegatedAdministrator",
        "GuardDuty:EnableOrganizationAdminAccount",
        "SecurityHub:EnableOrganizationAdminAccount",
        "Inspector2:EnableDelegatedAdminAccount",
        "CloudTrail:CreateTrail",
    ] {
        assert!(writes.contains(&w.to_string()), "{w}: {writes:?}");
    }
    assert_eq!(stats.count("EnableAWSServiceAccess"), 5);
    assert_eq!(stats.count("RegisterDelegatedAdministrator"), 2);
    // GuardDuty in both regions, Security Hub once or twice: moto keeps Security Hub's administrator per organization,
    // not per region, so the region that comes second may already see it.
    let enabled = stats.count("EnableOrganizationAdminAccount");
    assert!((3..=4).contains(&enabled), "{:?}", stats.snapshot());
    assert_eq!(stats.count("EnableDelegatedAdminAccount"), 2);
    let org = aws_sdk_organizations::Client::new(&moto.sdk_config("us-east-1").await);
    for principal in ["config.amazonaws.com", "access-analyzer.amazonaws.com"] {
        let out = org
            .list_delegated_administrators()
            .service_principal(principal)
            .send()
            .await
            .unwrap();
        assert_eq!(out.delegated_administrators()[0].id(), Some(admin.as_str()));
    }
    for region in ["us-east-1", "eu-west-1"] {
        let gd = aws_sdk_guardduty::Client::new(&moto.sdk_config(region).await);
        let out = gd.list_organization_admin_accounts().send().await.unwrap();
        assert_eq!(
            out.admin_accounts()[0].admin_account_id(),
            Some(admin.as_str())
        );
    }
    let ct = aws_sdk_cloudtrail::Client::new(&moto.sdk_config("us-east-1").await);
    let trail = ct
        .describe_trails()
        .trail_name_list("org-trail")
        .send()
        .await
        .unwrap();
    assert_eq!(trail.trail_list()[0].is_organization_trail(), Some(true));
    // Nothing was there before: created (the race above may let a region adopt Security Hub's administrator).
    for o in &first.outcomes {
        let expected: &[Ownership] = if o.component == "delegatedAdministrators" {
            &[Ownership::Created, Ownership::Adopted]
        } else {
            &[Ownership::Created]
        };
        assert!(expected.contains(&o.ownership), "{o:#?}");
    }

    // In sync: zero writes.
    let prev = components(&first);
    stats.reset();
    let second = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync),
        "{:#?}",
        second.outcomes
    );
    println!(
        "organization in-sync pass (2 regions, 5 administrators, trail): {} reads {:?}",
        stats.reads(),
        stats.snapshot()
    );

    // Out of band: Config's administrator deregistered, Security Hub's trusted access disabled, the trail made a
    // single-account trail.
    org.deregister_delegated_administrator()
        .account_id(&admin)
        .service_principal("config.amazonaws.com")
        .send()
        .await
        .unwrap();
    org.disable_aws_service_access()
        .service_principal("securityhub.amazonaws.com")
        .send()
        .await
        .unwrap();
    ct.update_trail()
        .name("org-trail")
        .is_organization_trail(false)
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
                "us-east-1".to_string(),
                "cloudTrail.isOrganizationTrail".to_string(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
            (
                "us-east-1".to_string(),
                "delegatedAdministrators.config".to_string(),
                json!(admin),
                Value::Null,
                DriftAction::Reported
            ),
            (
                "us-east-1".to_string(),
                "organizationServiceAccess.securityHub".to_string(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
        ]
    );
    assert_eq!(
        controls_of(&report, "us-east-1", "delegatedAdministrators.config"),
        vec!["Config.1"]
    );
    assert_eq!(
        controls_of(
            &report,
            "us-east-1",
            "organizationServiceAccess.securityHub"
        ),
        vec!["SecurityHub.1"]
    );
    assert_eq!(
        controls_of(&report, "us-east-1", "cloudTrail.isOrganizationTrail"),
        vec!["CloudTrail.1", "CIS 3.1"]
    );

    // Correct: exactly the writes that remove it.
    stats.reset();
    let fixed = pass(&factory, &s, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "CloudTrail:UpdateTrail",
            "Organizations:EnableAWSServiceAccess",
            "Organizations:RegisterDelegatedAdministrator"
        ]
    );
    assert_eq!(stats.writes(), 3);
    stats.reset();
    pass(&factory, &s, DriftPolicy::Correct, &components(&fixed)).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());

    // Deletion (Delete): the trail this baseline created goes; administrators and trusted access stay.
    let mut s = s;
    let report = retain_then_delete(&factory, &stats, &mut s, &components(&fixed)).await;
    assert!(
        report
            .actions
            .iter()
            .any(|a| a.contains("kept delegated administrators")),
        "{:?}",
        report.actions
    );
    assert_eq!(stats.count("DeleteTrail"), 1);
    assert_eq!(
        sorted_writes(&stats),
        vec!["CloudTrail:DeleteTrail"],
        "{:?}",
        stats.snapshot()
    );
    let out = org
        .list_delegated_administrators()
        .service_principal("config.amazonaws.com")
        .send()
        .await
        .unwrap();
    assert_eq!(out.delegated_administrators().len(), 1);
}

#[tokio::test]
async fn another_delegated_administrator_is_reported_never_replaced() {
    let moto = Moto::start();
    let admin = organization(&moto).await;
    let org = aws_sdk_organizations::Client::new(&moto.sdk_config("us-east-1").await);
    let other = member(&org, "legacy-security").await;
    // Someone made another account GuardDuty's administrator in eu-west-1.
    aws_sdk_guardduty::Client::new(&moto.sdk_config("eu-west-1").await)
        .enable_organization_admin_account()
        .admin_account_id(&other)
        .send()
        .await
        .unwrap();
    let (factory, stats) = moto.factory().await;
    let s = baseline(json!({"organization": {"delegatedAdministrators": {"guardDuty": admin}}}));
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    // us-east-1 gets its administrator; eu-west-1 keeps the other one and fails naming it.
    assert_eq!(
        stats.count("EnableOrganizationAdminAccount"),
        1,
        "{:?}",
        stats.snapshot()
    );
    let eu = r
        .outcomes
        .iter()
        .find(|o| o.component == "delegatedAdministrators" && o.region == "eu-west-1")
        .unwrap();
    assert_eq!(eu.state, ComponentState::Error);
    let msg = eu.message.clone().unwrap();
    assert!(
        msg.contains(&other) && msg.contains("does not replace"),
        "{msg}"
    );
    assert_eq!(
        drift(&r)
            .into_iter()
            .filter(|d| d.0 == "eu-west-1")
            .map(|d| (d.1, d.3))
            .collect::<Vec<_>>(),
        vec![(
            "delegatedAdministrators.guardDuty".to_string(),
            json!(other)
        )]
    );
    let st = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
    assert_eq!(condition(&st.conditions, "Ready").status, "False");
}

fn admin_spec() -> AccountBaselineSpec {
    serde_json::from_value(json!({
        "accountRef": {"name": "security"},
        "deletionPolicy": "Delete",
        "guardDuty": {},
        "organization": {
            "autoEnable": {"guardDuty": "ALL", "securityHub": true, "inspector": {"ec2": true, "ecr": true}},
            "configAggregator": {"name": "organization", "roleArn": "arn:aws:iam::123456789012:role/config-aggregator"}
        }
    }))
    .unwrap()
}

#[tokio::test]
async fn delegated_administrator_sets_auto_enable_and_the_organization_aggregator() {
    let moto = Moto::start();
    let admin = organization(&moto).await;
    let (factory, stats) = moto.factory().await;
    // The management account names the administrator first.
    let m = pass(
        &factory,
        &baseline(
            json!({"regions": ["us-east-1"], "organization": {"delegatedAdministrators": {
            "guardDuty": admin, "securityHub": admin, "inspector": admin, "config": admin}}}),
        ),
        DriftPolicy::Correct,
        &[],
    )
    .await;
    assert!(m.error_category().is_none(), "{:#?}", m.outcomes);
    let acct = admin_account(&admin);
    let s = admin_spec();

    // Report: no aggregator is drift (no control checks an aggregator); nothing is written, not even the detector,
    // so GuardDuty's auto-enable cannot be read yet and the component fails asking for the detector.
    stats.reset();
    let report = pass_as(&factory, &acct, &s, DriftPolicy::Report, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(report.account_id.as_deref(), Some(admin.as_str()));
    assert!(controls_of(&report, "us-east-1", "configAggregator.exists").is_empty());
    let auto = report
        .outcomes
        .iter()
        .find(|o| o.component == "organizationAutoEnable")
        .unwrap();
    assert_eq!(auto.state, ComponentState::Error);
    assert!(
        auto.message
            .as_deref()
            .unwrap()
            .contains("declare guardDuty in this baseline"),
        "{auto:#?}"
    );

    // Correct: the detector (guardDuty section) first, then the organization configuration of each service.
    stats.reset();
    let first = pass_as(&factory, &acct, &s, DriftPolicy::Correct, &[]).await;
    assert!(first.error_category().is_none(), "{:#?}", first.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "Config Service:PutConfigurationAggregator",
            "GuardDuty:CreateDetector",
            "GuardDuty:UpdateOrganizationConfiguration",
            "Inspector2:UpdateOrganizationConfiguration",
            "SecurityHub:UpdateOrganizationConfiguration",
        ]
    );
    assert_eq!(stats.writes(), 5);
    let cfg = as_account(&moto, &admin, "us-east-1").await;
    let gd = aws_sdk_guardduty::Client::new(&cfg);
    let detector = gd.list_detectors().send().await.unwrap().detector_ids()[0].clone();
    let conf = gd
        .describe_organization_configuration()
        .detector_id(&detector)
        .send()
        .await
        .unwrap();
    assert_eq!(
        conf.auto_enable_organization_members().map(|m| m.as_str()),
        Some("ALL")
    );
    let ins = aws_sdk_inspector2::Client::new(&cfg)
        .describe_organization_configuration()
        .send()
        .await
        .unwrap();
    let a = ins.auto_enable().unwrap();
    assert!(a.ec2() && a.ecr() && a.lambda() != Some(true));
    let config = aws_sdk_config::Client::new(&cfg);
    let agg = config
        .describe_configuration_aggregators()
        .configuration_aggregator_names("organization")
        .send()
        .await
        .unwrap();
    let source = agg.configuration_aggregators()[0]
        .organization_aggregation_source()
        .unwrap();
    assert!(source.all_aws_regions());
    let agg_outcome = first
        .outcomes
        .iter()
        .find(|o| o.component == "configAggregator")
        .unwrap();
    assert_eq!(
        (agg_outcome.state, agg_outcome.ownership),
        (ComponentState::Created, Ownership::Created)
    );

    // In sync: zero writes.
    let prev = components(&first);
    stats.reset();
    let second = pass_as(&factory, &acct, &s, DriftPolicy::Correct, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(
        second
            .outcomes
            .iter()
            .all(|o| o.state == ComponentState::InSync),
        "{:#?}",
        second.outcomes
    );

    // Out of band: GuardDuty auto-enable turned off, Security Hub's too.
    gd.update_organization_configuration()
        .detector_id(&detector)
        .auto_enable_organization_members(aws_sdk_guardduty::types::AutoEnableMembers::None)
        .send()
        .await
        .unwrap();
    aws_sdk_securityhub::Client::new(&cfg)
        .update_organization_configuration()
        .auto_enable(false)
        .send()
        .await
        .unwrap();
    aws_sdk_inspector2::Client::new(&cfg)
        .update_organization_configuration()
        .auto_enable(
            aws_sdk_inspector2::types::AutoEnable::builder()
                .ec2(true)
                .ecr(false)
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    stats.reset();
    let report = pass_as(&factory, &acct, &s, DriftPolicy::Report, &prev).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert_eq!(
        drift(&report),
        vec![
            (
                "us-east-1".to_string(),
                "organizationAutoEnable.guardDuty".to_string(),
                json!("ALL"),
                json!("NONE"),
                DriftAction::Reported
            ),
            (
                "us-east-1".to_string(),
                "organizationAutoEnable.inspector.ECR".to_string(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
            (
                "us-east-1".to_string(),
                "organizationAutoEnable.securityHub".to_string(),
                json!(true),
                json!(false),
                DriftAction::Reported
            ),
        ]
    );
    assert_eq!(
        controls_of(&report, "us-east-1", "organizationAutoEnable.inspector.ECR"),
        vec!["Inspector.2"]
    );
    assert_eq!(
        controls_of(&report, "us-east-1", "organizationAutoEnable.guardDuty"),
        vec!["GuardDuty.1"]
    );
    stats.reset();
    let fixed = pass_as(&factory, &acct, &s, DriftPolicy::Correct, &prev).await;
    assert!(fixed.error_category().is_none(), "{:#?}", fixed.outcomes);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "GuardDuty:UpdateOrganizationConfiguration",
            "Inspector2:UpdateOrganizationConfiguration",
            "SecurityHub:UpdateOrganizationConfiguration"
        ]
    );
    assert_eq!(stats.writes(), 3);

    // Deletion (Delete): the aggregator this baseline created goes; auto-enable stays.
    let mut s = s;
    s.guard_duty = None;
    let input_prev = components(&fixed);
    s.deletion_policy = DeletionPolicy::Delete;
    stats.reset();
    let input = BaselineInput {
        spec: &s,
        account: &acct,
        owner: owner(),
        previous: &input_prev,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(
        sorted_writes(&stats),
        vec!["Config Service:DeleteConfigurationAggregator"]
    );
    assert!(
        report
            .actions
            .iter()
            .any(|a| a.contains("kept organization auto-enable")),
        "{:?}",
        report.actions
    );
}

#[tokio::test]
async fn auto_enable_outside_the_delegated_administrator_fails_naming_it() {
    let moto = Moto::start();
    organization(&moto).await;
    let (factory, stats) = moto.factory().await;
    // The management account is not Security Hub's administrator (none is named).
    let s = baseline(
        json!({"regions": ["us-east-1"], "organization": {"autoEnable": {"securityHub": true}}}),
    );
    let r = pass(&factory, &s, DriftPolicy::Correct, &[]).await;
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let o = &r.outcomes[0];
    assert_eq!(
        (o.component, o.state),
        ("organizationAutoEnable", ComponentState::Error)
    );
    let msg = o.message.clone().unwrap();
    assert!(
        msg.contains("only accepted in securityHub's delegated administrator account")
            && msg.contains(ACCOUNT),
        "{msg}"
    );
    let st = common_status(None, &r, Some(1), &t("2026-01-01T00:00:00Z"));
    let ready = condition(&st.conditions, "Ready");
    assert_eq!(ready.status, "False");
    assert!(
        ready.message.contains("delegated administrator"),
        "{}",
        ready.message
    );
}

/// examples/organization/organization.yaml, loaded and checked as the CLI does, applied to an organization in moto
/// (the security account's ID replaced by the member account moto created): both baselines converge, then a second
/// pass of each writes nothing.
#[tokio::test]
async fn the_organization_example_converges() {
    let moto = Moto::start();
    let admin = organization(&moto).await;
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples/organization/organization.yaml");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("333333333333", &admin);
    let dir = std::env::temp_dir().join(format!("orgset-example-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("organization.yaml");
    std::fs::write(&file, text).unwrap();
    let m = aws_baseline_operator::manifests::load(&[file]).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!((m.accounts.len(), m.baselines.len()), (2, 2));
    let (factory, stats) = moto.factory().await;
    // Management first: the security account must be the administrator before it sets auto-enable.
    for b in &m.baselines {
        let name = b.metadata.name.clone().unwrap();
        let account_name = &b.spec.account_ref.as_ref().unwrap().name;
        let acct = &m
            .accounts
            .iter()
            .find(|a| a.metadata.name.as_deref() == Some(account_name))
            .unwrap()
            .spec;
        let first = pass_as(&factory, acct, &b.spec, DriftPolicy::Correct, &[]).await;
        assert!(
            first.error_category().is_none(),
            "{name}: {:#?}",
            first.outcomes
        );
        stats.reset();
        let second = pass_as(
            &factory,
            acct,
            &b.spec,
            DriftPolicy::Correct,
            &components(&first),
        )
        .await;
        assert_eq!(stats.writes(), 0, "{name}: {:?}", stats.write_operations());
        assert!(
            second
                .outcomes
                .iter()
                .all(|o| o.state == ComponentState::InSync),
            "{name}: {:#?}",
            second.outcomes
        );
    }
}
