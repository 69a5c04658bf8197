//! MonitoringPolicy `cloudWatchAgent` against moto's server (Parameter Store is moto's own; State Manager
//! associations come from `tests/moto_ext/ssm_ext.py`): the configuration parameter and the install and configure
//! associations converge, a second pass writes nothing, out-of-band edits (parameter value, a deleted association,
//! a changed schedule) are reported under Report and corrected under Correct, an adopted parameter is kept on
//! deletion while what the policy created is deleted, and removing the section deletes what it created. Failed
//! instance runs (reported with UpdateAssociationStatus, served by the extension) show in status without drift;
//! the compliance read is also checked on AWS's documented ListAssociations response with aws-smithy-mocks.

use super::{drift_fields, no_errors, status};
use crate::support;
use crate::support::calls::sorted_write_operations;
use crate::support::objects::NO_LABELS;
use aws_baseline_operator::api::aws_account::{AllowedNamespaces, AwsAccountSpec};
use aws_baseline_operator::api::common::{
    ComponentState, DeletionPolicy, DriftAction, DriftPolicy, Ownership,
};
use aws_baseline_operator::api::{MonitoringPolicySpec, MonitoringPolicyStatus};
use aws_baseline_operator::aws::{ssm, AwsFactory, CallStats};
use aws_baseline_operator::engine::monitoring::{cleanup, run, MonitoringInput, MonitoringReport};
use aws_baseline_operator::engine::status::status_changed;
use aws_sdk_ssm::types::{
    AssociationFilter, AssociationFilterKey, ParameterType, ResourceTypeForTagging, Tag,
};
use aws_sdk_ssm::Client as Ssm;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use serde_json::{json, Value};
use std::time::Duration;
use support::Moto;

const REGION: &str = "us-east-1";
const PARAMETER: &str = "AmazonCloudWatch-awsbaseline.shop.fleet";

fn account() -> AwsAccountSpec {
    let mut a = support::account(&[REGION]);
    a.allowed_namespaces = Some(AllowedNamespaces {
        names: vec!["shop".into()],
        selector: None,
    });
    a
}

fn spec(extra: Value) -> MonitoringPolicySpec {
    let mut v = json!({
        "accountRef": {"name": "a"},
        "cloudWatchAgent": {
            "config": {
                "metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}},
                "agent": {"metrics_collection_interval": 60}
            },
            "targets": [{"key": "team", "values": ["checkout"]}]
        }
    });
    for (k, x) in extra.as_object().unwrap() {
        v["cloudWatchAgent"][k] = x.clone();
    }
    serde_json::from_value(v).unwrap()
}

fn input<'a>(
    account: &'a AwsAccountSpec,
    spec: &'a MonitoringPolicySpec,
    previous: Option<&'a MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringInput<'a> {
    MonitoringInput {
        spec,
        account,
        owner: support::objects::owner("MonitoringPolicy", "shop/fleet", "uid-fleet"),
        namespace: "shop",
        name: "fleet",
        namespace_labels: &NO_LABELS,
        previous,
        mode,
        alarm_write_interval: Duration::ZERO,
        shared_reads: None,
    }
}

async fn pass(
    f: &AwsFactory,
    account: &AwsAccountSpec,
    spec: &MonitoringPolicySpec,
    previous: Option<&MonitoringPolicyStatus>,
    mode: DriftPolicy,
) -> MonitoringReport {
    run(f, &input(account, spec, previous, mode)).await
}

async fn client(moto: &Moto) -> aws_sdk_ssm::Client {
    aws_sdk_ssm::Client::new(&moto.sdk_config(REGION).await)
}

/// (association name, ID) of every association of `document`.
async fn associations(c: &aws_sdk_ssm::Client, document: &str) -> Vec<(String, String)> {
    let f = AssociationFilter::builder()
        .key(AssociationFilterKey::Name)
        .value(document)
        .build()
        .unwrap();
    c.list_associations()
        .association_filter_list(f)
        .send()
        .await
        .unwrap()
        .associations()
        .iter()
        .map(|a| {
            (
                a.association_name().unwrap_or_default().to_string(),
                a.association_id().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn states(r: &MonitoringReport) -> Vec<(&'static str, ComponentState, Ownership)> {
    r.pass
        .outcomes
        .iter()
        .map(|o| (o.component, o.state, o.ownership))
        .collect()
}

/// A pass already in sync: no error, no drift, no write; the pass after it leaves status unchanged.
async fn steady(
    f: &AwsFactory,
    stats: &CallStats,
    account: &AwsAccountSpec,
    spec: &MonitoringPolicySpec,
    st: &MonitoringPolicyStatus,
) {
    stats.reset();
    let r = pass(f, account, spec, Some(st), DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(drift_fields(&r), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    // From then on the status a controller writes stays the same (the compliance message is stable).
    let next = status(Some(st), &r);
    let again = pass(f, account, spec, Some(&next), DriftPolicy::Correct).await;
    assert!(!status_changed(Some(&next), &status(Some(&next), &again)));
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
}

#[tokio::test]
async fn converges_then_a_second_pass_writes_nothing() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    let s = spec(json!({}));
    let r = pass(&factory, &account, &s, None, DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(
        states(&r),
        [
            (
                "cloudWatchAgentConfig",
                ComponentState::Created,
                Ownership::Created
            ),
            (
                "cloudWatchAgentAssociations",
                ComponentState::Created,
                Ownership::Created
            ),
        ]
    );
    assert_eq!(
        sorted_write_operations(&stats),
        ["CreateAssociation", "PutParameter"]
    );
    let c = client(&moto).await;
    // Stored canonical: sorted keys, no whitespace; tagged with the owner.
    let p = c.get_parameter().name(PARAMETER).send().await.unwrap();
    assert_eq!(
        p.parameter().unwrap().value(),
        Some(
            r#"{"agent":{"metrics_collection_interval":60},"metrics":{"metrics_collected":{"mem":{"measurement":["mem_used_percent"]}}}}"#
        )
    );
    let tags = ssm::tags(&c, ResourceTypeForTagging::Parameter, PARAMETER)
        .await
        .unwrap();
    assert_eq!(
        tags.get("awsbaseline.io/owner-uid").map(String::as_str),
        Some("uid-fleet")
    );
    let install = associations(&c, "AWS-ConfigureAWSPackage").await;
    let configure = associations(&c, "AmazonCloudWatch-ManageAgent").await;
    assert_eq!(install.len(), 1);
    assert!(
        install[0].0.ends_with("cloudwatch-agent-install"),
        "{install:?}"
    );
    assert_eq!(configure.len(), 1);
    let d = c
        .describe_association()
        .association_id(&configure[0].1)
        .send()
        .await
        .unwrap();
    let d = d.association_description().unwrap();
    assert_eq!(d.schedule_expression(), Some("rate(30 days)"));
    assert_eq!(
        d.parameters().unwrap()["optionalConfigurationLocation"],
        [PARAMETER]
    );
    assert_eq!(d.targets()[0].key(), Some("tag:team"));
    // Status: the parameter and both associations with their overview (Pending: nothing runs in the emulator).
    let st = status(None, &r);
    let res = st.resources[0].cloud_watch_agent.as_ref().unwrap();
    assert_eq!(res.parameter_name, PARAMETER);
    let roles: Vec<(&str, &str, Option<&str>)> = res
        .associations
        .iter()
        .map(|a| {
            (
                a.role.as_str(),
                a.association_id.as_str(),
                a.status.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            ("install", install[0].1.as_str(), Some("Pending")),
            ("configure", configure[0].1.as_str(), Some("Pending")),
        ]
    );
    let line = st
        .common
        .components
        .iter()
        .find(|c| c.component == "cloudWatchAgentAssociations")
        .unwrap();
    assert_eq!(
        line.message.as_deref(),
        Some("install: Pending; configure: Pending")
    );
    steady(&factory, &stats, &account, &s, &st).await;
    // A spec listing the same document in another key order is the same configuration.
    let reordered = spec(json!({"config": {
        "agent": {"metrics_collection_interval": 60},
        "metrics": {"metrics_collected": {"mem": {"measurement": ["mem_used_percent"]}}}
    }}));
    steady(&factory, &stats, &account, &reordered, &st).await;
}

#[tokio::test]
async fn out_of_band_drift_is_reported_then_corrected() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    let s = spec(json!({}));
    let r = pass(&factory, &account, &s, None, DriftPolicy::Correct).await;
    no_errors(&r);
    let st = status(None, &r);
    let c = client(&moto).await;
    // Someone edits the parameter, deletes the install association and changes the configure schedule.
    c.put_parameter()
        .name(PARAMETER)
        .value(r#"{"agent": {"metrics_collection_interval": 1}}"#)
        .overwrite(true)
        .send()
        .await
        .unwrap();
    let install = associations(&c, "AWS-ConfigureAWSPackage").await;
    c.delete_association()
        .association_id(&install[0].1)
        .send()
        .await
        .unwrap();
    let configure = associations(&c, "AmazonCloudWatch-ManageAgent").await;
    let d = c
        .describe_association()
        .association_id(&configure[0].1)
        .send()
        .await
        .unwrap();
    let d = d.association_description().unwrap();
    c.update_association()
        .association_id(&configure[0].1)
        .name("AmazonCloudWatch-ManageAgent")
        .set_targets(Some(d.targets().to_vec()))
        .set_parameters(d.parameters().cloned())
        .schedule_expression("rate(1 day)")
        .send()
        .await
        .unwrap();
    let expected = [
        "cloudWatchAgent.associations.configure.schedule",
        "cloudWatchAgent.associations.install.exists",
        "cloudWatchAgent.parameter.value",
    ];
    // Report: reported, nothing written.
    stats.reset();
    let r = pass(&factory, &account, &s, Some(&st), DriftPolicy::Report).await;
    no_errors(&r);
    assert_eq!(drift_fields(&r), expected);
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    assert!(r
        .pass
        .outcomes
        .iter()
        .all(|o| o.action == DriftAction::Reported));
    let reported = status(Some(&st), &r);
    assert!(reported
        .common
        .drift
        .iter()
        .all(|d| d.action == DriftAction::Reported));
    // Correct: one write per drifted resource, then in sync again.
    stats.reset();
    let r = pass(&factory, &account, &s, Some(&st), DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(drift_fields(&r), expected);
    assert_eq!(
        sorted_write_operations(&stats),
        ["CreateAssociation", "PutParameter", "UpdateAssociation"]
    );
    let st = status(Some(&st), &r);
    let p = c.get_parameter().name(PARAMETER).send().await.unwrap();
    assert!(p
        .parameter()
        .unwrap()
        .value()
        .unwrap()
        .contains(r#""metrics_collection_interval":60"#));
    // The overwrite kept the creation's ownership tags.
    let tags = ssm::tags(&c, ResourceTypeForTagging::Parameter, PARAMETER)
        .await
        .unwrap();
    assert_eq!(
        tags.get("awsbaseline.io/owner-uid").map(String::as_str),
        Some("uid-fleet")
    );
    steady(&factory, &stats, &account, &s, &st).await;
}

#[tokio::test]
async fn deletion_and_removal_follow_ownership() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    let c = client(&moto).await;
    // A parameter someone else made under the declared name: adopted (its value managed), never deleted.
    c.put_parameter()
        .name("AmazonCloudWatch-linux")
        .value("{}")
        .r#type(ParameterType::String)
        .tags(Tag::builder().key("team").value("infra").build().unwrap())
        .send()
        .await
        .unwrap();
    let mut s = spec(json!({"parameterName": "AmazonCloudWatch-linux"}));
    s.deletion_policy = DeletionPolicy::Delete;
    let r = pass(&factory, &account, &s, None, DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(
        states(&r),
        [
            (
                "cloudWatchAgentConfig",
                ComponentState::Corrected,
                Ownership::Adopted
            ),
            (
                "cloudWatchAgentAssociations",
                ComponentState::Created,
                Ownership::Created
            ),
        ]
    );
    let st = status(None, &r);
    steady(&factory, &stats, &account, &s, &st).await;
    let report = cleanup(
        &factory,
        &input(&account, &s, Some(&st), DriftPolicy::Correct),
    )
    .await
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert!(associations(&c, "AWS-ConfigureAWSPackage").await.is_empty());
    assert!(associations(&c, "AmazonCloudWatch-ManageAgent")
        .await
        .is_empty());
    assert!(c
        .get_parameter()
        .name("AmazonCloudWatch-linux")
        .send()
        .await
        .is_ok());
    assert!(
        report
            .actions
            .iter()
            .any(|a| a.starts_with("kept parameter AmazonCloudWatch-linux")),
        "{:?}",
        report.actions
    );

    // A policy that created its parameter, then drops installPackage and, later, the whole section.
    let s = spec(json!({}));
    let r = pass(&factory, &account, &s, None, DriftPolicy::Correct).await;
    no_errors(&r);
    let st = status(None, &r);
    let no_install = spec(json!({"installPackage": false}));
    stats.reset();
    let r = pass(
        &factory,
        &account,
        &no_install,
        Some(&st),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert_eq!(
        drift_fields(&r),
        ["cloudWatchAgent.associations.install.exists"]
    );
    assert_eq!(sorted_write_operations(&stats), ["DeleteAssociation"]);
    assert!(associations(&c, "AWS-ConfigureAWSPackage").await.is_empty());
    let st = status(Some(&st), &r);
    steady(&factory, &stats, &account, &no_install, &st).await;
    // The section removed (another section keeps the policy valid): Report reports, Correct deletes.
    let mut without: MonitoringPolicySpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "logGroups": [{"name": "/shop/app", "retentionInDays": 14}]
    }))
    .unwrap();
    without.deletion_policy = DeletionPolicy::Delete;
    stats.reset();
    let r = pass(&factory, &account, &without, Some(&st), DriftPolicy::Report).await;
    no_errors(&r);
    let agent_drift: Vec<String> = drift_fields(&r)
        .into_iter()
        .filter(|f| f.starts_with("cloudWatchAgent."))
        .collect();
    assert_eq!(
        agent_drift,
        [
            "cloudWatchAgent.associations.configure.exists",
            "cloudWatchAgent.parameter.exists",
        ]
    );
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let reported = status(Some(&st), &r);
    assert!(reported.resources[0].cloud_watch_agent.is_some());
    let r = pass(
        &factory,
        &account,
        &without,
        Some(&reported),
        DriftPolicy::Correct,
    )
    .await;
    no_errors(&r);
    assert!(associations(&c, "AmazonCloudWatch-ManageAgent")
        .await
        .is_empty());
    assert!(c.get_parameter().name(PARAMETER).send().await.is_err());
    let st = status(Some(&reported), &r);
    assert!(st.resources[0].cloud_watch_agent.is_none());
}

/// Instances report their runs (the SSM Agent's UpdateAssociationStatus, sent here in its place): a failed run shows
/// in status — the association's counts and a degraded message — without drift or writes, and the message stays
/// the same while the instances do; once every run succeeds the message says so.
#[tokio::test]
async fn failed_instance_runs_are_visible_in_status_without_drift() {
    let moto = Moto::start();
    let (factory, stats) = moto.factory().await;
    let account = account();
    let s = spec(json!({}));
    let r = pass(&factory, &account, &s, None, DriftPolicy::Correct).await;
    no_errors(&r);
    let st = status(None, &r);
    let c = client(&moto).await;
    let report = |instance: &'static str, state: &'static str| {
        let c = c.clone();
        async move {
            c.update_association_status()
                .name("AmazonCloudWatch-ManageAgent")
                .instance_id(instance)
                .association_status(
                    aws_sdk_ssm::types::AssociationStatus::builder()
                        .date(aws_smithy_types::DateTime::from_secs(1_767_225_600))
                        .name(state.into())
                        .message(state)
                        .build()
                        .unwrap(),
                )
                .send()
                .await
                .unwrap();
        }
    };
    report("i-0000000000000000a", "Success").await;
    report("i-0000000000000000b", "Failed").await;
    report("i-0000000000000000c", "Success").await;
    stats.reset();
    let r = pass(&factory, &account, &s, Some(&st), DriftPolicy::Correct).await;
    no_errors(&r);
    assert_eq!(drift_fields(&r), Vec::<String>::new());
    assert_eq!(stats.writes(), 0, "{:?}", stats.write_operations());
    let st = status(Some(&st), &r);
    let configure = &st.resources[0]
        .cloud_watch_agent
        .as_ref()
        .unwrap()
        .associations[1];
    assert_eq!(configure.role, "configure");
    assert_eq!(configure.status.as_deref(), Some("Failed"));
    assert_eq!(
        configure
            .instances
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        [("Failed", 1), ("Success", 2)]
    );
    let message = |st: &MonitoringPolicyStatus| {
        st.common
            .components
            .iter()
            .find(|c| c.component == "cloudWatchAgentAssociations")
            .and_then(|c| c.message.clone())
            .unwrap()
    };
    assert_eq!(
        message(&st),
        "Degraded: 1 instance run(s) failed, not compliant (SSM.3); install: Pending; configure: Failed (Failed 1, Success 2)"
    );
    // Ready is about declared state, which holds.
    let ready = st
        .common
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready")
        .unwrap();
    assert_eq!(ready.status, "True");
    steady(&factory, &stats, &account, &s, &st).await;
    report("i-0000000000000000b", "Success").await;
    let r = pass(&factory, &account, &s, Some(&st), DriftPolicy::Correct).await;
    let st = status(Some(&st), &r);
    assert_eq!(
        message(&st),
        "install: Pending; configure: Success (Success 3)"
    );
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_ListAssociations.html
// (Association.Overview is an AssociationOverview: Status, DetailedStatus, AssociationStatusAggregatedCount).
const LIST_WITH_OVERVIEW: &str = r#"{
    "Associations": [
        {
            "AssociationId": "8dfe3659-4309-493a-8755-0123456789ab",
            "AssociationName": "awsbaseline-0123456789-cloudwatch-agent-configure",
            "AssociationVersion": "3",
            "Name": "AmazonCloudWatch-ManageAgent",
            "ScheduleExpression": "rate(30 days)",
            "Targets": [{"Key": "tag:team", "Values": ["checkout"]}],
            "Overview": {
                "Status": "Failed",
                "DetailedStatus": "Failed",
                "AssociationStatusAggregatedCount": {"Failed": 2, "Success": 10}
            }
        }
    ]
}"#;

/// Compliance comes with ListAssociations: a failed association's instance counts read into the overview, and
/// the component's message calls it degraded (no extra call per instance).
#[tokio::test]
async fn association_compliance_is_read_from_the_list_overview() {
    let list = mock!(Ssm::list_associations)
        .match_requests(|r| {
            r.association_filter_list()[0].value() == "AmazonCloudWatch-ManageAgent"
        })
        .then_http_response(|| {
            aws_smithy_runtime_api::client::orchestrator::HttpResponse::new(
                aws_smithy_runtime_api::http::StatusCode::try_from(200).unwrap(),
                aws_smithy_types::body::SdkBody::from(LIST_WITH_OVERVIEW),
            )
        });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&list]);
    let have = ssm::associations(&client, "AmazonCloudWatch-ManageAgent")
        .await
        .unwrap();
    assert_eq!(list.num_calls(), 1);
    let o = &have[0].overview;
    assert_eq!(
        (o.status.as_str(), o.detailed_status.as_str()),
        ("Failed", "Failed")
    );
    assert_eq!(
        o.instances
            .iter()
            .map(|(k, v)| (k.as_str(), *v))
            .collect::<Vec<_>>(),
        [("Failed", 2), ("Success", 10)]
    );
    let line = aws_baseline_operator::monitoring::cloudwatch_agent::association_status(
        "configure",
        &have[0].id,
        o,
    );
    assert_eq!(
        aws_baseline_operator::monitoring::cloudwatch_agent::compliance_message(&[line]).unwrap(),
        "Degraded: 2 instance run(s) failed, not compliant (SSM.3); configure: Failed (Failed 2, Success 10)"
    );
}
