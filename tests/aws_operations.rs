//! The operations table in docs/aws-operations.md matches the code, and every operation marked `moto` is
//! really called against moto by one scenario (create, drift, correct, delete), as counted by the interceptor.

mod support;

use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{DeletionPolicy, DriftPolicy, Owner};
use aws_baseline_operator::engine::baseline::{cleanup, run, BaselineInput};
use aws_baseline_operator::engine::status::baseline_status;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use std::collections::BTreeSet;
use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// (service, operation) pairs the service modules call, found by their classification site.
fn ops_in_code() -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("src/aws")).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let svc = text
            .split("const SVC: &str = \"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .map(str::to_string);
        for (marker, service) in [
            ("(SVC, \"", svc.clone()),
            ("aws(\"sts\", \"", Some("sts".to_string())),
        ] {
            let Some(service) = service else { continue };
            for chunk in text.split(marker).skip(1) {
                let op = chunk.split('"').next().unwrap();
                if op.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !op.contains(' ') {
                    out.insert((service.clone(), op.to_string()));
                }
            }
        }
    }
    // Codes passed to not_found_as_none are error codes, not operations.
    out.retain(|(_, op)| {
        !op.ends_with("Exception") && !op.starts_with("NoSuch") && !op.ends_with("NotFoundError")
    });
    out
}

fn table() -> Vec<(String, String, String)> {
    let md = std::fs::read_to_string(root().join("docs/aws-operations.md")).unwrap();
    md.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| service") && !l.starts_with("|---"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            (
                cells[0].to_string(),
                cells[1].to_string(),
                cells[3].to_string(),
            )
        })
        .collect()
}

#[test]
fn table_matches_the_code() {
    let code = ops_in_code();
    let listed: BTreeSet<(String, String)> = table().into_iter().map(|(s, o, _)| (s, o)).collect();
    let missing: Vec<_> = code.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&code).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "add to docs/aws-operations.md: {missing:?}; remove: {stale:?}"
    );
    for (_, op, where_) in table() {
        let file = where_
            .split(": ")
            .nth(1)
            .unwrap_or_else(|| panic!("{op}: bad 'exercised by' cell {where_}"));
        let text = std::fs::read_to_string(root().join(file))
            .unwrap_or_else(|_| panic!("{op}: {file} missing"));
        if where_.starts_with("mock") {
            let snake: String = op
                .chars()
                .flat_map(|c| {
                    if c.is_ascii_uppercase() {
                        vec!['_', c.to_ascii_lowercase()]
                    } else {
                        vec![c]
                    }
                })
                .collect();
            assert!(
                text.contains(snake.trim_start_matches('_')),
                "{op} not mocked in {file}"
            );
        }
    }
}

#[tokio::test]
async fn every_moto_row_is_called_against_moto() {
    let moto = support::Moto::start();
    let (factory, stats) = moto.factory().await;
    let acct = support::account(&["us-east-1"]);
    let owner = Owner {
        kind: "AccountBaseline".into(),
        name: "ops".into(),
        uid: "ops-uid".into(),
    };
    let mut spec: AccountBaselineSpec = serde_json::from_value(json!({
        "accountRef": {"name": "a"},
        "deletionPolicy": "Delete",
        "cloudTrail": {"name": "ops-trail", "s3": {"bucketName": "ops-trail-logs", "createBucket": true}, "insights": ["ApiCallRateInsight"]},
        "guardDuty": {"features": {"s3DataEvents": true}},
        "passwordPolicy": {"minimumPasswordLength": 14},
        "s3BlockPublicAccess": {},
        "ebsEncryptionByDefault": {},
        "rootAccount": {}
    }))
    .unwrap();
    let now = Time("2026-01-01T00:00:00Z".parse().unwrap());
    let pass = |spec: AccountBaselineSpec, previous: Vec<_>| {
        let (factory, acct, owner) = (&factory, &acct, owner.clone());
        async move {
            let input = BaselineInput {
                spec: &spec,
                account: acct,
                owner,
                previous: &previous,
                mode: DriftPolicy::Correct,
            };
            run(factory, &input).await
        }
    };
    let created = pass(spec.clone(), vec![]).await;
    assert!(
        created.error_category().is_none(),
        "{:#?}",
        created.outcomes
    );
    let previous = baseline_status(None, &created, None, &now).components;
    // Spec changes drive the remaining writes: stop logging, config update.
    let mut changed = spec.clone();
    changed.cloud_trail.as_mut().unwrap().logging = false;
    changed.cloud_trail.as_mut().unwrap().log_file_validation = false;
    changed
        .guard_duty
        .as_mut()
        .unwrap()
        .finding_publishing_frequency =
        aws_baseline_operator::api::account_baseline::FindingPublishingFrequency::OneHour;
    let r = pass(changed, previous.clone()).await;
    assert!(r.error_category().is_none(), "{:#?}", r.outcomes);
    spec.deletion_policy = DeletionPolicy::Delete;
    let input = BaselineInput {
        spec: &spec,
        account: &acct,
        owner: owner.clone(),
        previous: &previous,
        mode: DriftPolicy::Correct,
    };
    let report = cleanup(&factory, &input).await.unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);

    // Any outcome counts as "called": moto's GetBucketVersioning reply fails the SDK's XML parser and is read
    // through the documented compatibility path in src/aws/s3.rs.
    let called: BTreeSet<String> = stats
        .snapshot()
        .keys()
        .map(|k| k.operation.clone())
        .collect();
    let not_called: Vec<String> = table()
        .into_iter()
        .filter(|(_, _, w)| w.starts_with("moto"))
        .map(|(_, op, _)| op)
        .filter(|op| !called.contains(op))
        .collect();
    assert!(
        not_called.is_empty(),
        "table says moto exercises these, but the scenario never called them: {not_called:?}"
    );
}
