//! AwsOrganization on the real control plane (issue 18): an organization of 3 OUs and 12 member accounts in moto,
//! read through a management AwsAccount that assumes a role (so every member role is assumed through it). The
//! operator binary generates the AwsOrganization's AwsAccounts by server-side apply under the chart's RBAC; an
//! AccountBaseline selecting one OU's label converges in each of its accounts, and one selecting the whole
//! organization in all 12; an account moved to another OU is relabelled and reported, one moved out of every
//! rule is marked, and an account created in the OU is baselined on the next sync, with no manifest change.
//!
//! The Prod baseline also declares a trail delivering to CloudWatch Logs with the operator's own delivery role and
//! log group (`createRole`, `createLogGroup`, the group by name so each account gets its own), and a security
//! team's MonitoringPolicy selects the same accounts with the CIS metric filters and alarms on that group: the new
//! account converges from nothing (no role, group or trail made by hand) and a root login delivered into its
//! trail's group puts its CIS alarm in ALARM.

use super::*;
use crate::organization::Fixture;
use aws_baseline_operator::api::AwsAccount;
use std::collections::BTreeMap;

const ORG: &str = "org-e2e";
const MGMT: &str = "org-e2e-mgmt";
const SYNC: &str = "30s";
const CONVERGE: Duration = Duration::from_secs(300);
/// A sync interval plus a pass, with room for a loaded 2-core machine.
const NEXT_SYNC: Duration = Duration::from_secs(150);
/// Namespace of the security team's MonitoringPolicy, which the Prod accounts allow.
const SECURITY: &str = "org-e2e-security";
/// The trail's group in every Prod account.
const TRAIL_GROUP: &str = "/aws/cloudtrail/org-e2e";
/// The central audit bucket (in the management account; moto lets every account's trail write to it).
const AUDIT_BUCKET: &str = "org-e2e-audit-logs";

/// A root console login, as CloudTrail delivers it into `account`'s trail group, and the state of the
/// rootAccountUsage CIS alarm after it (before, it must not be in ALARM).
async fn root_login_alarm(
    factory: &aws_baseline_operator::aws::AwsFactory,
    account: &Value,
) -> String {
    let spec: AwsAccount = serde_json::from_value(account.clone()).unwrap();
    let id = spec.spec.account_id.clone();
    let session = factory.session(&spec.spec, "us-east-1").await.unwrap();
    let logs = session.logs("us-east-1");
    let cw = session.cloudwatch("us-east-1");
    let root_alarm = || async {
        cw.describe_alarms()
            .send()
            .await
            .unwrap()
            .metric_alarms()
            .iter()
            .find(|a| {
                a.alarm_name()
                    .is_some_and(|n| n.ends_with(".cis.rootAccountUsage"))
            })
            .and_then(|a| a.state_value().map(|s| s.as_str().to_string()))
            .expect("the rootAccountUsage alarm")
    };
    assert_ne!(root_alarm().await, "ALARM");
    support::deliver_root_login(&logs, TRAIL_GROUP, &id, "us-east-1").await;
    root_alarm().await
}

/// The AwsAccounts the organization generated, by account ID.
async fn generated(client: &Client) -> BTreeMap<String, Value> {
    let api: Api<DynamicObject> = Api::all_with(
        client.clone(),
        &resource("awsbaseline.io/v1alpha1", "AwsAccount"),
    );
    api.list(&ListParams::default().labels(&format!("awsbaseline.io/organization={ORG}")))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|o| {
            let mut v = serde_json::to_value(o).unwrap();
            v["apiVersion"] = json!("awsbaseline.io/v1alpha1");
            v["kind"] = json!("AwsAccount");
            (v["spec"]["accountId"].as_str().unwrap().to_string(), v)
        })
        .collect()
}

/// `/metrics`' Organizations calls by operation.
fn organizations_calls(op: &Operator) -> BTreeMap<String, u64> {
    let (_, body) = op.get("/metrics").expect("scrape /metrics");
    let mut out = BTreeMap::new();
    for line in body.lines().filter(|l| {
        l.starts_with("awsbaseline_aws_calls_total{")
            && l.to_lowercase().contains("service=\"organizations\"")
    }) {
        let operation = line
            .split("operation=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        let n = line.rsplit(' ').next().unwrap().parse::<f64>().unwrap() as u64;
        *out.entry(operation.to_string()).or_default() += n;
    }
    out
}

/// The baseline converged in exactly `n` accounts.
async fn in_sync(client: &Client, baseline: &Value, n: u64) -> Result<Value, String> {
    let o = converged(client, baseline).await?;
    let rollup = &o["status"]["accounts"];
    if rollup["selected"] == n && rollup["inSync"] == n {
        Ok(o)
    } else {
        Err(format!("{rollup}"))
    }
}

/// The password policy's minimum length in an account, reached as its generated AwsAccount says.
async fn password_length(
    factory: &aws_baseline_operator::aws::AwsFactory,
    account: &Value,
) -> Option<i32> {
    let spec: AwsAccount = serde_json::from_value(account.clone()).unwrap();
    let session = factory.session(&spec.spec, "us-east-1").await.unwrap();
    aws_baseline_operator::aws::iam::get_password_policy(&session.iam("us-east-1"))
        .await
        .unwrap()
        .and_then(|p| p.minimum_password_length)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn organization_discovery_and_baselines_on_a_real_control_plane() {
    let _alone = OPERATOR_BINARY.lock().await;
    let plane = installed();
    let admin = plane.admin().await;
    let moto = Moto::start();
    let mut f = Fixture::create(&moto, &["/Prod", "/Dev", "/Sandbox"], 4).await;
    let (factory, _) = moto.factory().await;
    let hub = format!("arn:aws:iam::{}:role/baseline-hub", support::ACCOUNT);
    let mgmt = custom(
        "AwsAccount",
        None,
        MGMT,
        json!({"accountId": support::ACCOUNT, "regions": ["us-east-1"], "assumeRole": {"roleArn": hub}}),
    );
    let org = custom(
        "AwsOrganization",
        None,
        ORG,
        json!({"accountRef": {"name": MGMT}, "syncInterval": SYNC,
        "defaults": {"regions": ["us-east-1"]},
        "members": [
            {"organizationalUnits": ["/Prod"], "labels": {"env": "prod"}, "allowedNamespaces": {"names": [SECURITY]}},
            {"organizationalUnits": ["/Dev"], "labels": {"env": "dev"}},
            {"organizationalUnits": [f.units["/Sandbox"]], "labels": {"env": "sandbox"}}
        ]}),
    );
    let prod = custom(
        "AccountBaseline",
        None,
        "org-e2e-prod",
        json!({"accountSelector": {"matchLabels": {"awsbaseline.io/organization": ORG, "env": "prod"}},
        "deletionPolicy": "Retain", "passwordPolicy": {"minimumPasswordLength": 16},
        "cloudTrail": {"name": "org-e2e-trail", "s3": {"bucketName": AUDIT_BUCKET},
            "cloudWatchLogs": {"logGroupName": TRAIL_GROUP, "createRole": true,
                "createLogGroup": {"retentionInDays": 365}}}}),
    );
    let cis = custom(
        "MonitoringPolicy",
        Some(SECURITY),
        "org-e2e-cis",
        json!({"accountSelector": {"matchLabels": {"awsbaseline.io/organization": ORG, "env": "prod"}},
        "regions": ["us-east-1"], "deletionPolicy": "Retain", "topics": [{"name": "cis-alarms"}],
        "cisAwsFoundations": {"logGroupName": TRAIL_GROUP, "topic": "cis-alarms"}}),
    );
    namespaces(&admin, &[SECURITY]).await;
    aws_sdk_s3::Client::new(&moto.sdk_config("us-east-1").await)
        .create_bucket()
        .bucket(AUDIT_BUCKET)
        .send()
        .await
        .unwrap();
    let everyone = custom(
        "AccountBaseline",
        None,
        "org-e2e-all",
        json!({"accountSelector": {"matchLabels": {"awsbaseline.io/organization": ORG, "awsbaseline.io/membership": "Active"}},
        "deletionPolicy": "Retain", "ebsEncryptionByDefault": {}}),
    );
    let operator = Operator::start(plane, &moto, "organization");
    operator.ready_as("leader").await;
    let started = Instant::now();
    for o in [&mgmt, &org, &prod, &everyone, &cis] {
        apply(&admin, o, false).await.unwrap();
    }

    // The 12 member accounts get their AwsAccounts (the management account, at the root, is in no rule).
    let accounts = eventually("12 generated AwsAccounts", CONVERGE, || async {
        let g = generated(&admin).await;
        (g.len() == 12)
            .then_some(g.clone())
            .ok_or(format!("{}", g.len()))
    })
    .await;
    let discovered = started.elapsed();
    for (path, env) in [("/Prod", "prod"), ("/Dev", "dev"), ("/Sandbox", "sandbox")] {
        for id in &f.accounts[path] {
            let a = &accounts[id];
            let labels = &a["metadata"]["labels"];
            assert_eq!(labels["env"], env, "{a}");
            assert_eq!(labels["awsbaseline.io/account-id"], id.as_str());
            assert_eq!(labels["awsbaseline.io/ou-id"], f.units[path].as_str());
            assert_eq!(a["metadata"]["name"], format!("{ORG}-{id}"));
            assert_eq!(
                a["spec"]["assumeRole"]["roleArn"],
                format!("arn:aws:iam::{id}:role/OrganizationAccountAccessRole")
            );
            assert_eq!(a["spec"]["assumeRole"]["via"][0]["roleArn"], hub.as_str());
            assert!(
                a["metadata"]["ownerReferences"].is_null(),
                "no cascade from the AwsOrganization"
            );
        }
    }
    let status = eventually("AwsOrganization Ready", CONVERGE, || async {
        let o = get(&admin, &org).await?;
        match condition(&o, "Ready") {
            Some(c) if c["status"] == "True" => Ok(o["status"].clone()),
            _ => Err(format!("{}", o["status"])),
        }
    })
    .await;
    assert_eq!(
        status["counts"],
        json!({"members": 13, "selected": 12, "suspended": 0, "left": 0, "unselected": 1})
    );
    assert_eq!(status["managementAccountId"], support::ACCOUNT);

    // One OU's baseline converges in each of its 4 accounts, the organization-wide one in all 12.
    eventually("the Prod baseline in its 4 accounts", CONVERGE, || {
        in_sync(&admin, &prod, 4)
    })
    .await;
    eventually("the organization baseline in 12 accounts", CONVERGE, || {
        in_sync(&admin, &everyone, 12)
    })
    .await;
    let converged_after = started.elapsed();
    let (writes, calls) = operator.aws_calls();
    let org_calls = organizations_calls(&operator);
    println!(
        "organization of 12 accounts: AwsAccounts after {:.1}s, both baselines converged after {:.1}s; \
         {calls} AWS calls ({writes} writes); Organizations calls {org_calls:?}",
        discovered.as_secs_f64(),
        converged_after.as_secs_f64()
    );
    for id in &f.accounts["/Prod"] {
        assert_eq!(
            password_length(&factory, &accounts[id]).await,
            Some(16),
            "{id}"
        );
    }
    for id in &f.accounts["/Dev"] {
        assert_eq!(
            password_length(&factory, &accounts[id]).await,
            None,
            "{id}: not in Prod"
        );
    }

    // Out of band: a Prod account moves to Dev; a Dev account moves to the root, where no rule selects it.
    let moved = f.accounts["/Prod"][0].clone();
    let out = f.accounts["/Dev"][1].clone();
    f.move_to(&moved, &f.units["/Prod"], &f.units["/Dev"]).await;
    f.move_to(&out, &f.units["/Dev"], &f.root).await;
    eventually("the move relabelled and reported", NEXT_SYNC, || async {
        let g = generated(&admin).await;
        let o = get(&admin, &org).await?;
        let units = o["status"]["organizationalUnits"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let prod_count = units
            .iter()
            .find(|u| u["path"] == "/Prod")
            .map(|u| u["accounts"].clone());
        let marked = o["status"]["marked"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        let relabelled = g[&moved]["metadata"]["labels"]["env"] == "dev"
            && g[&moved]["metadata"]["labels"]["awsbaseline.io/ou-id"] == f.units["/Dev"].as_str();
        let left_rules = g[&out]["metadata"]["labels"]["awsbaseline.io/membership"] == "Unselected"
            && g[&out]["metadata"]["labels"]["env"].is_null();
        let reported = prod_count == Some(json!(3))
            && marked
                .iter()
                .any(|m| m["accountId"] == out.as_str() && m["membership"] == "Unselected");
        (relabelled && left_rules && reported)
            .then_some(())
            .ok_or(format!("{}\n{}", o["status"], g[&out]["metadata"]))
    })
    .await;
    let notes = events(&admin, "default", ORG).await;
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("AccountMoved:") && n.contains(&moved)),
        "{notes:?}"
    );
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("AccountMarked:") && n.contains(&out)),
        "{notes:?}"
    );
    // The marked AwsAccount is kept (spec intact), just no longer selected.
    let kept = &generated(&admin).await[&out];
    assert!(
        kept["metadata"]["annotations"]["awsbaseline.io/membership-changed"]
            .as_str()
            .is_some_and(|a| a.contains("no longer matches"))
    );
    assert_eq!(kept["spec"]["accountId"], out.as_str());
    eventually("the Prod baseline down to 3 accounts", CONVERGE, || {
        in_sync(&admin, &prod, 3)
    })
    .await;
    eventually("the organization baseline down to 11", CONVERGE, || {
        in_sync(&admin, &everyone, 11)
    })
    .await;

    // A new account in Prod: its AwsAccount appears on the next sync and the Prod baseline covers it.
    let new = f.add("/Prod", "prod-new", &[]).await;
    let created = Instant::now();
    eventually("the new account's AwsAccount", NEXT_SYNC, || async {
        let g = generated(&admin).await;
        match g.get(&new) {
            Some(a) if a["metadata"]["labels"]["env"] == "prod" => Ok(()),
            other => Err(format!("{other:?}")),
        }
    })
    .await;
    eventually("the Prod baseline in 4 accounts again", CONVERGE, || {
        in_sync(&admin, &prod, 4)
    })
    .await;
    eventually("the CIS policy in the 4 Prod accounts", CONVERGE, || {
        in_sync(&admin, &cis, 4)
    })
    .await;
    let new_account = generated(&admin).await[&new].clone();
    assert_eq!(password_length(&factory, &new_account).await, Some(16));
    println!(
        "new account baselined (trail, delivery role, log group, CIS filters and alarms) {:.1}s after \
         CreateAccount (syncInterval {SYNC})",
        created.elapsed().as_secs_f64()
    );
    // Its trail delivers to its own group with the role the operator created there, and the CIS alarm fires.
    let session = factory
        .session(
            &serde_json::from_value::<AwsAccount>(new_account.clone())
                .unwrap()
                .spec,
            "us-east-1",
        )
        .await
        .unwrap();
    let trail = session
        .cloudtrail("us-east-1")
        .get_trail()
        .name("org-e2e-trail")
        .send()
        .await
        .unwrap();
    let trail = trail.trail().unwrap();
    assert_eq!(
        trail.cloud_watch_logs_log_group_arn(),
        Some(format!("arn:aws:logs:us-east-1:{new}:log-group:{TRAIL_GROUP}:*").as_str())
    );
    assert!(
        trail
            .cloud_watch_logs_role_arn()
            .is_some_and(|r| r.starts_with(&format!(
                "arn:aws:iam::{new}:role/awsbaseline-cloudtrail-logs-"
            ))),
        "{trail:?}"
    );
    assert_eq!(root_login_alarm(&factory, &new_account).await, "ALARM");

    // Cleanup: the baselines (Retain), then the AwsOrganization, which leaves its AwsAccounts; then those.
    for b in [&prod, &everyone, &cis] {
        delete(&admin, b).await;
    }
    for b in [&prod, &everyone, &cis] {
        eventually("baseline deleted", CONVERGE, || gone(&admin, b)).await;
    }
    delete(&admin, &org).await;
    eventually("AwsOrganization deleted", CONVERGE, || gone(&admin, &org)).await;
    let left = generated(&admin).await;
    assert_eq!(
        left.len(),
        13,
        "deleting the AwsOrganization deletes no AwsAccount"
    );
    for a in left.values() {
        delete(&admin, a).await;
    }
    delete(&admin, &mgmt).await;
    for a in left.values().chain([&mgmt]) {
        eventually("AwsAccount deleted", CONVERGE, || gone(&admin, a)).await;
    }
    drop(operator);
}
