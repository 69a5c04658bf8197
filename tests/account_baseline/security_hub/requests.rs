//! AWS Security Hub passes on aws-smithy-mocks with AWS's documented response shapes (the real SDK still
//! serialises the requests): enabling, standards and controls drift under Report and Correct, unprocessed batch
//! entries, classified errors, and the finding aggregator's ownership rules. The same passes run against moto in
//! `lifecycle`.

use crate::support::calls::sorted_writes;
use crate::support::objects::prod_baseline;
use aws_baseline_operator::api::account_baseline::SecurityHubSpec;
use aws_baseline_operator::api::common::{
    ComponentState, DriftAction, OperatorDisabledControl, Ownership,
};
use aws_baseline_operator::aws::{CallStats, ErrorCategory};
use aws_baseline_operator::engine::baseline::security_hub::{
    aggregator_with, reconcile_with, AggregatorTarget, Target,
};
use aws_baseline_operator::engine::ComponentOutcome;
use aws_sdk_securityhub::operation::batch_disable_standards::BatchDisableStandardsOutput;
use aws_sdk_securityhub::operation::batch_enable_standards::BatchEnableStandardsOutput;
use aws_sdk_securityhub::operation::batch_get_standards_control_associations::BatchGetStandardsControlAssociationsOutput;
use aws_sdk_securityhub::operation::batch_update_standards_control_associations::BatchUpdateStandardsControlAssociationsOutput;
use aws_sdk_securityhub::operation::create_finding_aggregator::CreateFindingAggregatorOutput;
use aws_sdk_securityhub::operation::delete_finding_aggregator::DeleteFindingAggregatorOutput;
use aws_sdk_securityhub::operation::describe_hub::DescribeHubOutput;
use aws_sdk_securityhub::operation::enable_security_hub::EnableSecurityHubOutput;
use aws_sdk_securityhub::operation::get_enabled_standards::GetEnabledStandardsOutput;
use aws_sdk_securityhub::operation::get_finding_aggregator::GetFindingAggregatorOutput;
use aws_sdk_securityhub::operation::list_finding_aggregators::ListFindingAggregatorsOutput;
use aws_sdk_securityhub::operation::update_finding_aggregator::UpdateFindingAggregatorOutput;
use aws_sdk_securityhub::operation::update_security_hub_configuration::UpdateSecurityHubConfigurationOutput;
use aws_sdk_securityhub::types::{
    AssociationStatus, ControlFindingGenerator, FindingAggregator,
    StandardsControlAssociationDetail, StandardsControlAssociationId,
    StandardsControlAssociationUpdate, StandardsControlsUpdatable, StandardsStatus,
    StandardsSubscription, UnprocessedErrorCode, UnprocessedStandardsControlAssociation,
    UnprocessedStandardsControlAssociationUpdate,
};
use aws_sdk_securityhub::Client as Hub;
use aws_smithy_mocks::{mock, mock_client, Rule, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::json;

const REGION: &str = "us-east-1";

const ACCOUNT: &str = "123456789012";

const FSBP: &str =
    "arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0";
const CIS14: &str =
    "arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0";
const PCI: &str = "arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1";

const REASON: &str = "root hardware MFA is covered by the break-glass procedure";

fn spec() -> SecurityHubSpec {
    serde_json::from_value(json!({
        "standards": [
            "aws-foundational-security-best-practices/1.0.0",
            "cis-aws-foundations-benchmark/1.4.0"
        ],
        "disabledControls": [{"controlId": "IAM.6", "reason": REASON}],
        "autoEnableControls": false
    }))
    .unwrap()
}

async fn run(client: &Hub, s: &SecurityHubSpec, may_write: bool) -> ComponentOutcome {
    run_recorded(client, s, may_write, &[]).await
}

async fn run_recorded(
    client: &Hub,
    s: &SecurityHubSpec,
    may_write: bool,
    recorded: &[OperatorDisabledControl],
) -> ComponentOutcome {
    let o = prod_baseline();
    let t = Target {
        owner: &o,
        account_id: ACCOUNT,
        region: REGION,
        may_write,
        previous: None,
        recorded,
    };
    reconcile_with(client, &t, s).await
}

fn error(status: u16, code: &'static str, message: &'static str) -> HttpResponse {
    let mut r = HttpResponse::new(
        StatusCode::try_from(status).unwrap(),
        SdkBody::from(format!(r#"{{"Code":"{code}","Message":"{message}"}}"#)),
    );
    r.headers_mut().insert("x-amzn-errortype", code);
    r
}

/// DescribeHub of an account that never enabled Security Hub (AWS: HTTP 401 InvalidAccessException).
fn not_subscribed() -> Rule {
    mock!(Hub::describe_hub).then_http_response(|| {
        error(
            401,
            "InvalidAccessException",
            "Account 123456789012 is not subscribed to AWS Security Hub",
        )
    })
}

fn hub(auto_enable: bool) -> Rule {
    mock!(Hub::describe_hub).then_output(move || {
        DescribeHubOutput::builder()
            .hub_arn(format!(
                "arn:aws:securityhub:{REGION}:{ACCOUNT}:hub/default"
            ))
            .subscribed_at("2026-01-01T00:00:00.000Z")
            .auto_enable_controls(auto_enable)
            .control_finding_generator(ControlFindingGenerator::SecurityControl)
            .build()
    })
}

fn subscription(standards_arn: &str) -> StandardsSubscription {
    let path = standards_arn.rsplit_once(":standards/").unwrap().1;
    StandardsSubscription::builder()
        .standards_arn(standards_arn)
        .standards_subscription_arn(format!(
            "arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/{path}"
        ))
        .standards_status(StandardsStatus::Ready)
        .build()
}

fn enabled_standards(arns: &'static [&'static str]) -> Rule {
    mock!(Hub::get_enabled_standards).then_output(move || {
        GetEnabledStandardsOutput::builder()
            .set_standards_subscriptions(Some(arns.iter().map(|a| subscription(a)).collect()))
            .build()
    })
}

fn association(
    control: &str,
    standard: &str,
    status: AssociationStatus,
) -> StandardsControlAssociationDetail {
    StandardsControlAssociationDetail::builder()
        .standards_arn(standard)
        .security_control_id(control)
        .security_control_arn(format!(
            "arn:aws:securityhub:{REGION}:{ACCOUNT}:security-control/{control}"
        ))
        .association_status(status)
        .build()
}

/// Every write, answered (so an unexpected one is caught by the call counter, not by a mock error).
fn writes() -> Vec<Rule> {
    vec![
        mock!(Hub::enable_security_hub).then_output(|| EnableSecurityHubOutput::builder().build()),
        mock!(Hub::update_security_hub_configuration)
            .then_output(|| UpdateSecurityHubConfigurationOutput::builder().build()),
        mock!(Hub::batch_enable_standards)
            .then_output(|| BatchEnableStandardsOutput::builder().build()),
        mock!(Hub::batch_disable_standards)
            .then_output(|| BatchDisableStandardsOutput::builder().build()),
        mock!(Hub::batch_update_standards_control_associations)
            .then_output(|| BatchUpdateStandardsControlAssociationsOutput::builder().build()),
        mock!(Hub::create_finding_aggregator).then_output(|| {
            CreateFindingAggregatorOutput::builder()
                .finding_aggregator_arn(format!(
                    "arn:aws:securityhub:{REGION}:{ACCOUNT}:finding-aggregator/new"
                ))
                .build()
        }),
        mock!(Hub::update_finding_aggregator)
            .then_output(|| UpdateFindingAggregatorOutput::builder().build()),
        mock!(Hub::delete_finding_aggregator)
            .then_output(|| DeleteFindingAggregatorOutput::builder().build()),
    ]
}

fn client(rules: &[&Rule], stats: &CallStats) -> Hub {
    mock_client!(aws_sdk_securityhub, RuleMode::MatchAny, rules, |c| c
        .interceptor(stats.interceptor()))
}

#[tokio::test]
async fn enabling_sends_the_spec_explicitly_and_subscribes_the_declared_standards() {
    let stats = CallStats::default();
    let enable = mock!(Hub::enable_security_hub)
        .match_requests(|r| {
            // AWS takes a missing EnableDefaultStandards as true: it is always sent.
            r.enable_default_standards() == Some(false)
                // Not declared: not sent (AWS's default applies; members of an organization can't set it).
                && r.control_finding_generator().is_none()
                && r.tags()
                    .and_then(|t| t.get("awsbaseline.io/owner-uid"))
                    .is_some()
        })
        .then_output(|| EnableSecurityHubOutput::builder().build());
    let standards = mock!(Hub::batch_enable_standards)
        .match_requests(|r| {
            let arns: Vec<&str> = r
                .standards_subscription_requests()
                .iter()
                .filter_map(|s| s.standards_arn())
                .collect();
            arns == [FSBP, CIS14]
        })
        .then_output(|| BatchEnableStandardsOutput::builder().build());
    let configure = mock!(Hub::update_security_hub_configuration)
        .match_requests(|r| r.auto_enable_controls() == Some(false))
        .then_output(|| UpdateSecurityHubConfigurationOutput::builder().build());
    // Right after BatchEnableStandards AWS is still preparing the standards' controls (PENDING,
    // NOT_READY_FOR_UPDATES): their associations are not read, the controls wait for the next pass.
    let preparing = mock!(Hub::get_enabled_standards).then_output(|| {
        GetEnabledStandardsOutput::builder()
            .set_standards_subscriptions(Some(
                [FSBP, CIS14]
                    .iter()
                    .map(|a| {
                        let mut s = subscription(a);
                        s.standards_status = Some(StandardsStatus::Pending);
                        s.standards_controls_updatable =
                            Some(StandardsControlsUpdatable::NotReadyForUpdates);
                        s
                    })
                    .collect(),
            ))
            .build()
    });
    let off = not_subscribed();
    let c = client(&[&off, &enable, &standards, &configure, &preparing], &stats);

    let report = run(&c, &spec(), false).await;
    assert_eq!(report.state, ComponentState::Drifted);
    assert_eq!(report.drift.len(), 1, "{:?}", report.drift);
    assert_eq!(report.drift[0].field, "securityHub.enabled");
    assert_eq!(stats.writes(), 0);

    let o = run(&c, &spec(), true).await;
    assert_eq!(o.state, ComponentState::Created, "{:?}", o.message);
    assert_eq!(o.ownership, Ownership::Created);
    assert_eq!(
        o.id.as_deref(),
        Some("arn:aws:securityhub:us-east-1:123456789012:hub/default")
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:BatchEnableStandards",
            "SecurityHub:EnableSecurityHub",
            "SecurityHub:UpdateSecurityHubConfiguration"
        ]
    );
    // DescribeHub twice, then one GetEnabledStandards after subscribing; no association was read.
    assert_eq!(stats.reads(), 3);
    assert_eq!(stats.count("BatchGetStandardsControlAssociations"), 0);
}

#[tokio::test]
async fn standards_and_controls_drift_is_reported_then_corrected_with_one_call_each() {
    let stats = CallStats::default();
    let on = hub(true);
    let standards = enabled_standards(&[FSBP, PCI]);
    // Only FSBP is declared and subscribed: its IAM.6 association is read (PCI is about to be disabled).
    let assoc = mock!(Hub::batch_get_standards_control_associations)
        .match_requests(|r| {
            let ids: Vec<(Option<&str>, Option<&str>)> = r
                .standards_control_association_ids()
                .iter()
                .map(|i| (i.security_control_id(), i.standards_arn()))
                .collect();
            ids == [(Some("IAM.6"), Some(FSBP))]
        })
        .then_output(|| {
            BatchGetStandardsControlAssociationsOutput::builder()
                .standards_control_association_details(association(
                    "IAM.6",
                    FSBP,
                    AssociationStatus::Enabled,
                ))
                .build()
        });
    let disable_pci = mock!(Hub::batch_disable_standards)
        .match_requests(|r| {
            r.standards_subscription_arns()
                == [format!(
                    "arn:aws:securityhub:{REGION}:{ACCOUNT}:subscription/pci-dss/v/3.2.1"
                )]
        })
        .then_output(|| BatchDisableStandardsOutput::builder().build());
    let disable_control = mock!(Hub::batch_update_standards_control_associations)
        .match_requests(|r| {
            let u = r.standards_control_association_updates();
            u.len() == 1
                && u[0].security_control_id() == Some("IAM.6")
                && u[0].association_status() == Some(&AssociationStatus::Disabled)
                && u[0].updated_reason() == Some(REASON)
        })
        .then_output(|| BatchUpdateStandardsControlAssociationsOutput::builder().build());
    let w = writes();
    let mut rules: Vec<&Rule> = vec![&on, &standards, &assoc, &disable_pci, &disable_control];
    rules.extend(w.iter());
    let c = client(&rules, &stats);

    let report = run(&c, &spec(), false).await;
    let fields: Vec<&str> = report.drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "securityHub.autoEnableControls",
            "securityHub.disabledControls.IAM.6.aws-foundational-security-best-practices/1.0.0",
            "securityHub.standards.cis-aws-foundations-benchmark/1.4.0",
            "securityHub.standards.pci-dss/3.2.1",
        ]
    );
    assert_eq!(
        report.drift[1].desired,
        json!({"status": "DISABLED", "reason": REASON})
    );
    assert_eq!(
        (report.state, report.action),
        (ComponentState::Drifted, DriftAction::Reported)
    );
    assert_eq!(stats.writes(), 0);
    // Three reads per region: DescribeHub, GetEnabledStandards, one BatchGetStandardsControlAssociations.
    assert_eq!(stats.reads(), 3);

    let o = run(&c, &spec(), true).await;
    assert_eq!(o.state, ComponentState::Corrected, "{:?}", o.message);
    // Adopted: Security Hub was on before the operator.
    assert_eq!(o.ownership, Ownership::Adopted);
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:BatchDisableStandards",
            "SecurityHub:BatchEnableStandards",
            "SecurityHub:BatchUpdateStandardsControlAssociations",
            "SecurityHub:UpdateSecurityHubConfiguration"
        ]
    );
    for op in [
        "BatchDisableStandards",
        "BatchEnableStandards",
        "BatchUpdateStandardsControlAssociations",
        "UpdateSecurityHubConfiguration",
    ] {
        assert_eq!(stats.count(op), 1, "{op}");
    }
}

#[tokio::test]
async fn controls_not_in_a_standard_are_skipped_and_an_unprocessed_update_is_an_error() {
    let stats = CallStats::default();
    let on = hub(false);
    let standards = enabled_standards(&[FSBP, CIS14]);
    let assoc = mock!(Hub::batch_get_standards_control_associations).then_output(|| {
        BatchGetStandardsControlAssociationsOutput::builder()
            .standards_control_association_details(association(
                "IAM.6",
                CIS14,
                AssociationStatus::Enabled,
            ))
            // IAM.6 is not part of FSBP in this account: AWS says NOT_FOUND, which is not drift.
            .unprocessed_associations(
                UnprocessedStandardsControlAssociation::builder()
                    .standards_control_association_id(
                        StandardsControlAssociationId::builder()
                            .security_control_id("IAM.6")
                            .standards_arn(FSBP)
                            .build(),
                    )
                    .error_code(UnprocessedErrorCode::NotFound)
                    .error_reason("control not in standard")
                    .build(),
            )
            .build()
    });
    let refused = mock!(Hub::batch_update_standards_control_associations).then_output(|| {
        BatchUpdateStandardsControlAssociationsOutput::builder()
            .unprocessed_association_updates(
                UnprocessedStandardsControlAssociationUpdate::builder()
                    .standards_control_association_update(
                        StandardsControlAssociationUpdate::builder()
                            .security_control_id("IAM.6")
                            .standards_arn(CIS14)
                            .association_status(AssociationStatus::Disabled)
                            .updated_reason(REASON)
                            .build(),
                    )
                    .error_code(UnprocessedErrorCode::InvalidInput)
                    .error_reason("Control IAM.6 can't be disabled in this standard")
                    .build(),
            )
            .build()
    });
    let c = client(&[&on, &standards, &assoc, &refused], &stats);
    let o = run(&c, &spec(), true).await;
    let fields: Vec<&str> = o.drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        vec!["securityHub.disabledControls.IAM.6.cis-aws-foundations-benchmark/1.4.0"]
    );
    assert_eq!(o.state, ComponentState::Error);
    let err = o.error.unwrap();
    assert_eq!(
        (err.category, err.code.as_deref()),
        (ErrorCategory::InvalidInput, Some("INVALID_INPUT"))
    );
    assert!(err.message.contains("IAM.6 in arn:aws:securityhub:us-east-1::standards/cis-aws-foundations-benchmark/v/1.4.0"), "{err}");
}

#[tokio::test]
async fn recorded_controls_are_enabled_without_a_reason_and_one_aws_refuses_stays_recorded() {
    let stats = CallStats::default();
    let on = hub(false);
    let standards = enabled_standards(&[FSBP, CIS14]);
    let recorded = vec![
        OperatorDisabledControl {
            control_id: "CloudTrail.2".into(),
            standards_arn: FSBP.into(),
            reason: "ours".into(),
        },
        OperatorDisabledControl {
            control_id: "IAM.4".into(),
            standards_arn: CIS14.into(),
            reason: "ours".into(),
        },
    ];
    // One read of exactly the recorded pairs (nothing is declared).
    let assoc = mock!(Hub::batch_get_standards_control_associations)
        .match_requests(|r| {
            let ids: Vec<(&str, &str)> = r
                .standards_control_association_ids()
                .iter()
                .map(|i| {
                    (
                        i.security_control_id().unwrap_or_default(),
                        i.standards_arn().unwrap_or_default(),
                    )
                })
                .collect();
            ids == vec![("CloudTrail.2", FSBP), ("IAM.4", CIS14)]
        })
        .then_output(|| {
            let mut ct2 = association("CloudTrail.2", FSBP, AssociationStatus::Disabled);
            ct2.updated_reason = Some("ours".into());
            let mut iam4 = association("IAM.4", CIS14, AssociationStatus::Disabled);
            iam4.updated_reason = Some("ours".into());
            BatchGetStandardsControlAssociationsOutput::builder()
                .standards_control_association_details(ct2)
                .standards_control_association_details(iam4)
                .build()
        });
    // ENABLED without UpdatedReason (optional when enabling); AWS refuses IAM.4.
    let update = mock!(Hub::batch_update_standards_control_associations)
        .match_requests(|r| {
            r.standards_control_association_updates().len() == 2
                && r.standards_control_association_updates().iter().all(|u| {
                    u.association_status() == Some(&AssociationStatus::Enabled)
                        && u.updated_reason().is_none()
                })
        })
        .then_output(|| {
            BatchUpdateStandardsControlAssociationsOutput::builder()
                .unprocessed_association_updates(
                    UnprocessedStandardsControlAssociationUpdate::builder()
                        .standards_control_association_update(
                            StandardsControlAssociationUpdate::builder()
                                .security_control_id("IAM.4")
                                .standards_arn(CIS14)
                                .association_status(AssociationStatus::Enabled)
                                .build(),
                        )
                        .error_code(UnprocessedErrorCode::LimitExceeded)
                        .error_reason("Rate exceeded")
                        .build(),
                )
                .build()
        });
    let c = client(&[&on, &standards, &assoc, &update], &stats);
    let mut s = spec();
    s.disabled_controls.clear();
    s.auto_enable_controls = false;
    let o = run_recorded(&c, &s, true, &recorded).await;
    let fields: Vec<&str> = o.drift.iter().map(|d| d.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "securityHub.disabledControls.CloudTrail.2.aws-foundational-security-best-practices/1.0.0",
            "securityHub.disabledControls.IAM.4.cis-aws-foundations-benchmark/1.4.0",
        ]
    );
    assert_eq!(stats.count("BatchUpdateStandardsControlAssociations"), 1);
    assert_eq!(o.state, ComponentState::Error);
    assert_eq!(o.error.unwrap().category, ErrorCategory::Throttled);
    // CloudTrail.2 was enabled again; IAM.4 is still the operator's and is retried next pass.
    assert_eq!(o.operator_disabled_controls, vec![recorded[1].clone()]);
}

#[tokio::test]
async fn access_denied_is_classified_and_nothing_is_written() {
    let stats = CallStats::default();
    let denied = mock!(Hub::describe_hub).then_http_response(|| {
        error(
            403,
            "AccessDeniedException",
            "User is not authorized to perform: securityhub:DescribeHub",
        )
    });
    let c = client(&[&denied], &stats);
    let o = run(&c, &spec(), true).await;
    assert_eq!(o.state, ComponentState::Error);
    let err = o.error.unwrap();
    assert_eq!(err.category, ErrorCategory::AccessDenied);
    assert!(
        err.to_string()
            .starts_with("securityhub:DescribeHub failed (AccessDenied"),
        "{err}"
    );
    assert_eq!(stats.writes(), 0);
}

fn aggregators(region: &'static str, mode: &'static str) -> (Rule, Rule) {
    let arn = format!("arn:aws:securityhub:{region}:{ACCOUNT}:finding-aggregator/abc");
    let a = arn.clone();
    (
        mock!(Hub::list_finding_aggregators).then_output(move || {
            ListFindingAggregatorsOutput::builder()
                .finding_aggregators(
                    FindingAggregator::builder()
                        .finding_aggregator_arn(&a)
                        .build(),
                )
                .build()
        }),
        mock!(Hub::get_finding_aggregator)
            .match_requests(move |r| r.finding_aggregator_arn() == Some(arn.as_str()))
            .then_output(move || {
                GetFindingAggregatorOutput::builder()
                    .finding_aggregator_arn(format!(
                        "arn:aws:securityhub:{region}:{ACCOUNT}:finding-aggregator/abc"
                    ))
                    .finding_aggregation_region(region)
                    .region_linking_mode(mode)
                    .build()
            }),
    )
}

async fn run_aggregator(client: &Hub, created: Option<&str>, may_write: bool) -> ComponentOutcome {
    let t = AggregatorTarget {
        region: REGION,
        may_write,
        created,
    };
    let spec =
        serde_json::from_value(json!({"region": REGION, "linkingMode": "ALL_REGIONS"})).unwrap();
    aggregator_with(client, |_| client.clone(), &t, &spec).await
}

fn agg_arn(region: &str) -> String {
    format!("arn:aws:securityhub:{region}:{ACCOUNT}:finding-aggregator/abc")
}

#[tokio::test]
async fn an_aggregator_is_updated_in_place_and_one_elsewhere_is_moved_only_when_its_recorded_arn_is_ours(
) {
    // Same region, other linking mode: one UpdateFindingAggregator; the recorded ARN keeps it ours.
    let stats = CallStats::default();
    let (list, get) = aggregators(REGION, "NO_REGIONS");
    let w = writes();
    let mut rules: Vec<&Rule> = vec![&list, &get];
    rules.extend(w.iter());
    let here = agg_arn(REGION);
    let o = run_aggregator(&client(&rules, &stats), Some(&here), true).await;
    assert_eq!(
        (o.state, o.ownership),
        (ComponentState::Corrected, Ownership::Created)
    );
    assert_eq!(o.drift[0].field, "securityHubAggregator.linkingMode");
    assert_eq!(
        sorted_writes(&stats),
        vec!["SecurityHub:UpdateFindingAggregator"]
    );

    // Someone else's aggregator in the declared region is updated (adopted), never recorded as ours.
    let stats = CallStats::default();
    let o = run_aggregator(&client(&rules, &stats), None, true).await;
    assert_eq!(o.ownership, Ownership::Adopted);

    // In another region and not created by this baseline: never deleted, a clear error, no write. The same when
    // this baseline created an aggregator once but the one there now has another ARN (replaced out of band).
    let (list, get) = aggregators("eu-west-1", "ALL_REGIONS");
    let mut rules: Vec<&Rule> = vec![&list, &get];
    rules.extend(w.iter());
    let replaced = "arn:aws:securityhub:us-east-1:123456789012:finding-aggregator/old".to_string();
    for created in [None, Some(replaced.as_str())] {
        let stats = CallStats::default();
        let o = run_aggregator(&client(&rules, &stats), created, true).await;
        assert_eq!(
            (o.state, o.ownership),
            (ComponentState::Error, Ownership::Adopted)
        );
        assert_eq!(o.drift[0].field, "securityHubAggregator.region");
        assert!(o.message.unwrap().contains("did not create"));
        assert_eq!(stats.writes(), 0);
    }

    // Its recorded ARN: deleted in its own region, created in the declared one.
    let stats = CallStats::default();
    let c = client(&rules, &stats);
    let asked = std::sync::Mutex::new(Vec::new());
    let t = AggregatorTarget {
        region: REGION,
        may_write: true,
        created: Some(&agg_arn("eu-west-1")),
    };
    let spec = serde_json::from_value(json!({"region": REGION})).unwrap();
    let o = aggregator_with(
        &c,
        |r| {
            asked.lock().unwrap().push(r.to_string());
            c.clone()
        },
        &t,
        &spec,
    )
    .await;
    assert_eq!(
        (o.state, o.ownership),
        (ComponentState::Created, Ownership::Created),
        "{:?}",
        o.message
    );
    assert_eq!(
        sorted_writes(&stats),
        vec![
            "SecurityHub:CreateFindingAggregator",
            "SecurityHub:DeleteFindingAggregator"
        ]
    );
    // GetFindingAggregator and DeleteFindingAggregator went to the aggregator's own region.
    assert_eq!(*asked.lock().unwrap(), vec!["eu-west-1", "eu-west-1"]);
    assert_eq!(
        o.id.as_deref(),
        Some("arn:aws:securityhub:us-east-1:123456789012:finding-aggregator/new")
    );
}

#[tokio::test]
async fn a_hub_enabled_before_a_later_write_fails_stays_owned_by_the_operator() {
    let stats = CallStats::default();
    let off = not_subscribed();
    let enable =
        mock!(Hub::enable_security_hub).then_output(|| EnableSecurityHubOutput::builder().build());
    let configure = mock!(Hub::update_security_hub_configuration)
        .then_output(|| UpdateSecurityHubConfigurationOutput::builder().build());
    let throttled = mock!(Hub::batch_enable_standards)
        .then_http_response(|| error(429, "LimitExceededException", "Rate exceeded"));
    let c = client(&[&off, &enable, &configure, &throttled], &stats);
    let o = run(&c, &spec(), true).await;
    assert_eq!(o.state, ComponentState::Error);
    assert_eq!(o.error.as_ref().unwrap().category, ErrorCategory::Throttled);
    // EnableSecurityHub succeeded: the hub is recorded as the operator's, so `Delete` will turn it off again.
    assert_eq!(o.ownership, Ownership::Created);
    assert_eq!(
        o.id.as_deref(),
        Some("arn:aws:securityhub:us-east-1:123456789012:hub/default")
    );
}
