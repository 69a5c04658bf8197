//! One realistic event per managed service, shaped after the services' CloudTrail log examples as EventBridge
//! delivers them ("AWS API Call via CloudTrail" envelopes, `samples/*.json`): parsed, mapped to sections, matched by
//! the generated patterns, and given to their owners.

use super::*;
use serde_json::Value;
use std::collections::BTreeSet;

const ACCOUNT: &str = "111122223333";

/// (file, expected eventSource, eventName, identifiers, sections that must be among the event's, owners).
type Sample = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
    &'static [&'static str],
    &'static [usize],
);

const SAMPLES: &[Sample] = &[
    (
        include_str!("samples/cloudtrail_stop_logging.json"),
        "cloudtrail.amazonaws.com",
        "StopLogging",
        &["arn:aws:cloudtrail:eu-west-1:111122223333:trail/awsbaseline-org"],
        &["AccountBaseline.cloudTrail"],
        &[0],
    ),
    (
        include_str!("samples/guardduty_update_detector.json"),
        "guardduty.amazonaws.com",
        "UpdateDetector",
        &["12abc34d567e8fa901bc2d34e56789f0"],
        &["AccountBaseline.guardDuty"],
        &[0],
    ),
    (
        include_str!("samples/iam_delete_account_password_policy.json"),
        "iam.amazonaws.com",
        "DeleteAccountPasswordPolicy",
        &[],
        &["AccountBaseline.passwordPolicy"],
        &[0],
    ),
    (
        include_str!("samples/s3control_put_account_public_access_block.json"),
        "s3.amazonaws.com",
        "PutAccountPublicAccessBlock",
        &[],
        &["AccountBaseline.s3BlockPublicAccess"],
        &[0],
    ),
    (
        include_str!("samples/ec2_disable_ebs_encryption_by_default.json"),
        "ec2.amazonaws.com",
        "DisableEbsEncryptionByDefault",
        &[],
        &["AccountBaseline.ebsEncryptionByDefault"],
        &[0],
    ),
    (
        include_str!("samples/monitoring_put_metric_alarm.json"),
        "monitoring.amazonaws.com",
        "PutMetricAlarm",
        &["awsbaseline.team-a.ops.root-usage"],
        &["MonitoringPolicy.alarms"],
        &[1],
    ),
    (
        include_str!("samples/logs_put_retention_policy.json"),
        "logs.amazonaws.com",
        "PutRetentionPolicy",
        &["/team-a/app"],
        &["MonitoringPolicy.logGroups"],
        &[1],
    ),
    (
        include_str!("samples/sns_set_topic_attributes.json"),
        "sns.amazonaws.com",
        "SetTopicAttributes",
        &["arn:aws:sns:eu-west-1:111122223333:awsbaseline-0123456789-alerts"],
        &["MonitoringPolicy.topics"],
        &[1],
    ),
    (
        include_str!("samples/events_disable_rule.json"),
        "events.amazonaws.com",
        "DisableRule",
        &["awsbaseline-0123456789-guardduty-findings"],
        &["MonitoringPolicy.findingRoutes", "MonitoringPolicy.scheduledActions"],
        &[1],
    ),
    (
        include_str!("samples/ssm_update_maintenance_window.json"),
        "ssm.amazonaws.com",
        "UpdateMaintenanceWindow",
        &["mw-0c50858d01EXAMPLE"],
        &["PatchSchedule"],
        &[2],
    ),
    (
        include_str!("samples/securityhub_batch_disable_standards.json"),
        "securityhub.amazonaws.com",
        "BatchDisableStandards",
        &["arn:aws:securityhub:eu-west-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.4.0"],
        &["AccountBaseline.securityHub"],
        &[0],
    ),
    (
        include_str!("samples/config_stop_configuration_recorder.json"),
        "config.amazonaws.com",
        "StopConfigurationRecorder",
        &["default"],
        &["AccountBaseline.config"],
        &[0],
    ),
];

fn set(v: &[&str]) -> BTreeSet<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn strings(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

/// 0: an AccountBaseline of the account; 1: a MonitoringPolicy team-a/ops; 2: a PatchSchedule; 3: the same
/// AccountBaseline sections in another account; 4: another MonitoringPolicy (team-b/web) of the account.
fn candidates() -> Vec<Candidate> {
    let baseline = set(&[
        "AccountBaseline",
        "AccountBaseline.cloudTrail",
        "AccountBaseline.guardDuty",
        "AccountBaseline.passwordPolicy",
        "AccountBaseline.s3BlockPublicAccess",
        "AccountBaseline.ebsEncryptionByDefault",
        "AccountBaseline.securityHub",
        "AccountBaseline.config",
    ]);
    let monitoring = set(&[
        "MonitoringPolicy",
        "MonitoringPolicy.alarms",
        "MonitoringPolicy.logGroups",
        "MonitoringPolicy.topics",
        "MonitoringPolicy.findingRoutes",
    ]);
    vec![
        Candidate {
            account: ACCOUNT.into(),
            regions: strings(&["eu-west-1", "eu-central-1"]),
            uses: baseline.clone(),
            ids: strings(&[
                "arn:aws:cloudtrail:eu-west-1:111122223333:trail/awsbaseline-org",
                "12abc34d567e8fa901bc2d34e56789f0",
                "arn:aws:securityhub:eu-west-1:111122223333:subscription/cis-aws-foundations-benchmark/v/1.4.0",
                "default",
            ]),
            prefixes: vec![],
        },
        Candidate {
            account: ACCOUNT.into(),
            regions: strings(&["eu-west-1"]),
            uses: monitoring.clone(),
            ids: strings(&["/team-a/app"]),
            prefixes: vec![
                crate::monitoring::prefix("team-a", "ops"),
                "awsbaseline-0123456789-".into(),
            ],
        },
        Candidate {
            account: ACCOUNT.into(),
            regions: strings(&["eu-west-1"]),
            uses: set(&["PatchSchedule", "PatchSchedule.baseline"]),
            ids: strings(&["mw-0c50858d01EXAMPLE", "pb-0123456789EXAMPLE"]),
            prefixes: vec![],
        },
        Candidate {
            account: "444455556666".into(),
            regions: strings(&["eu-west-1", "us-east-1"]),
            uses: baseline,
            ids: strings(&[
                "arn:aws:cloudtrail:eu-west-1:444455556666:trail/awsbaseline-org",
                "default",
            ]),
            prefixes: vec![],
        },
        Candidate {
            account: ACCOUNT.into(),
            regions: strings(&["eu-west-1"]),
            uses: monitoring,
            ids: strings(&["/team-b/web"]),
            prefixes: vec![
                crate::monitoring::prefix("team-b", "web"),
                "awsbaseline-9999999999-".into(),
            ],
        },
    ]
}

/// The subset of EventBridge pattern matching `patterns()` emits: every key of the pattern must be in the event;
/// a list of strings matches an event string equal to one of them; an object matches field by field.
fn matches(pattern: &Value, event: &Value) -> bool {
    match pattern {
        Value::Object(p) => p
            .iter()
            .all(|(k, pv)| event.get(k).is_some_and(|ev| matches(pv, ev))),
        Value::Array(values) => match event {
            Value::Array(a) => a.iter().any(|e| values.contains(e)),
            e => values.contains(e),
        },
        _ => false,
    }
}

fn parse(body: &str) -> ChangeEvent {
    ChangeEvent::parse(body).unwrap_or_else(|e| panic!("{e}: {body}"))
}

#[test]
fn every_sample_parses_with_its_identifiers() {
    for (body, source, name, ids, _, _) in SAMPLES {
        let e = parse(body);
        assert_eq!((e.source.as_str(), e.name.as_str()), (*source, *name));
        assert_eq!(e.identifiers, strings(ids), "{name}");
        assert_eq!(e.account, ACCOUNT);
        assert!(!e.failed, "{name}");
        assert_eq!(
            e.caller_arn.as_deref(),
            Some("arn:aws:sts::111122223333:assumed-role/Admin/alice")
        );
        assert_eq!(e.time, Some("2026-03-01T10:00:00Z".parse().unwrap()));
        assert!(!e.id.is_empty());
    }
}

#[test]
fn every_sample_maps_to_its_sections() {
    for (body, _, name, _, secs, _) in SAMPLES {
        let e = parse(body);
        let got = sections(&e.source, &e.name);
        for s in *secs {
            assert!(got.contains(s), "{name}: {s} not in {got:?}");
        }
    }
}

#[test]
fn exactly_one_generated_pattern_matches_each_sample() {
    let patterns: Vec<Value> = patterns()
        .iter()
        .map(|p| serde_json::from_str(p).unwrap())
        .collect();
    for (body, _, name, _, _, _) in SAMPLES {
        let v: Value = serde_json::from_str(body).unwrap();
        let n = patterns.iter().filter(|p| matches(p, &v)).count();
        assert_eq!(n, 1, "{name} matched by {n} patterns");
    }
    // A read of a watched service is not delivered.
    let mut read: Value = serde_json::from_str(SAMPLES[0].0).unwrap();
    read["detail"]["eventName"] = "DescribeTrails".into();
    assert!(!patterns.iter().any(|p| matches(p, &read)));
}

#[test]
fn each_sample_goes_to_its_owner_only() {
    let c = candidates();
    for (body, _, name, _, _, owned_by) in SAMPLES {
        assert_eq!(owners(&parse(body), &c), owned_by.to_vec(), "{name}");
    }
}

#[test]
fn nobody_owns_an_unowned_resource_another_account_or_a_failed_call() {
    let c = candidates();
    // A resource nobody owns: an alarm outside every prefix, a window of nobody.
    let mut alarm = parse(SAMPLES[5].0);
    alarm.identifiers = strings(&["someone-elses-alarm"]);
    assert!(owners(&alarm, &c).is_empty());
    let window: Value = serde_json::from_str(
        &SAMPLES[9]
            .0
            .replace("mw-0c50858d01EXAMPLE", "mw-0aaaaaaaaaOTHER"),
    )
    .unwrap();
    assert!(owners(&parse(&window.to_string()), &c).is_empty());
    // Another account (both the envelope and the record say so).
    for (body, _, name, _, _, _) in SAMPLES {
        let other = body.replace(ACCOUNT, "999999999999");
        assert!(owners(&parse(&other), &c).is_empty(), "{name}");
    }
    // A failed call (errorCode present) changed nothing.
    for (body, _, name, _, _, _) in SAMPLES {
        let mut v: Value = serde_json::from_str(body).unwrap();
        v["detail"]["errorCode"] = "AccessDenied".into();
        v["detail"]["errorMessage"] = "User is not authorized".into();
        let e = parse(&v.to_string());
        assert!(e.failed);
        assert!(owners(&e, &c).is_empty(), "{name}");
    }
}

#[test]
fn another_region_is_owned_only_for_account_wide_events() {
    let c = candidates();
    for (body, source, name, _, _, owned_by) in SAMPLES {
        let mut v: Value = serde_json::from_str(body).unwrap();
        v["region"] = "ap-south-1".into();
        v["detail"]["awsRegion"] = "ap-south-1".into();
        let got = owners(&parse(&v.to_string()), &c);
        if is_account_wide(source, name) {
            assert_eq!(got, owned_by.to_vec(), "{name}");
        } else {
            assert!(got.is_empty(), "{name}: {got:?}");
        }
    }
    // The password policy event comes from us-east-1, which the baseline does not list: still its owner.
    assert!(!c[0].regions.contains(&"us-east-1".to_string()));
    assert!(is_global("iam.amazonaws.com"));
}

#[test]
fn a_candidate_without_the_section_does_not_own() {
    let mut c = candidates();
    c[0].uses.remove("AccountBaseline.cloudTrail");
    assert!(owners(&parse(SAMPLES[0].0), &c).is_empty());
}
