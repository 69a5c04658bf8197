//! AwsOrganization's sync against moto's Organizations and STS: the organization is read (paginated, the OU tree
//! walked from the root), the rules select by OU path / ID, account IDs and tags, the generated AwsAccounts reach
//! their member accounts through the management account's role, and moved, suspended and departed accounts are
//! marked, never dropped. `fixture` builds organizations for these tests, `tests/aws_operations.rs` and the
//! cluster test (`platform::cluster::organization`).

use crate::support::{self, Moto};
use aws_baseline_operator::api::aws_account::AwsAccountSpec;
use aws_baseline_operator::api::aws_organization::AwsOrganizationSpec;
use aws_baseline_operator::api::AwsAccount;
use aws_baseline_operator::aws::AwsFactory;
use aws_baseline_operator::engine::organization::{
    observe, plan, ACCOUNT_ID_LABEL, MEMBERSHIP_LABEL, OU_LABEL,
};
use aws_sdk_organizations::types::Tag;
use serde_json::json;
use std::collections::BTreeMap;

/// An organization created in moto by its management account (moto's default account, [`support::ACCOUNT`]).
pub struct Fixture {
    /// The organizations client of the management account.
    pub client: aws_sdk_organizations::Client,
    /// The root's ID.
    pub root: String,
    /// OU IDs by path (`/Workloads/Prod`).
    pub units: BTreeMap<String, String>,
    /// Member account IDs by the path of the OU they were created in.
    pub accounts: BTreeMap<String, Vec<String>>,
}

impl Fixture {
    /// Create the organization, the OUs of `paths` (parents before children) and `per_unit` accounts in each OU
    /// (account `i` of an OU is tagged `index=i`).
    pub async fn create(moto: &Moto, paths: &[&str], per_unit: usize) -> Fixture {
        let config = moto.sdk_config("us-east-1").await;
        let client = aws_sdk_organizations::Client::new(&config);
        client
            .create_organization()
            .feature_set(aws_sdk_organizations::types::OrganizationFeatureSet::All)
            .send()
            .await
            .unwrap();
        let root = client.list_roots().send().await.unwrap().roots()[0]
            .id()
            .unwrap()
            .to_string();
        let mut f = Fixture {
            client,
            root,
            units: BTreeMap::new(),
            accounts: BTreeMap::new(),
        };
        for p in paths {
            let (parent, name) = p.rsplit_once('/').unwrap();
            let parent_id = if parent.is_empty() {
                f.root.clone()
            } else {
                f.units[parent].clone()
            };
            let ou = f
                .client
                .create_organizational_unit()
                .parent_id(parent_id)
                .name(name)
                .send()
                .await
                .unwrap();
            f.units.insert(
                p.to_string(),
                ou.organizational_unit().unwrap().id().unwrap().to_string(),
            );
        }
        for p in paths {
            for i in 0..per_unit {
                let name = format!("{}-{i}", p.trim_start_matches('/').replace('/', "-"));
                f.add(p, &name, &[("index", &i.to_string())]).await;
            }
        }
        f
    }

    /// Create an account (moto makes its OrganizationAccountAccessRole) and move it into the OU at `path`.
    pub async fn add(&mut self, path: &str, name: &str, tags: &[(&str, &str)]) -> String {
        let out = self
            .client
            .create_account()
            .account_name(name)
            .email(format!("{name}@example.com"))
            .set_tags(Some(
                tags.iter()
                    .map(|(k, v)| Tag::builder().key(*k).value(*v).build().unwrap())
                    .collect(),
            ))
            .send()
            .await
            .unwrap();
        let id = out
            .create_account_status()
            .unwrap()
            .account_id()
            .unwrap()
            .to_string();
        self.move_to(&id, &self.root, &self.units[path]).await;
        self.accounts
            .entry(path.to_string())
            .or_default()
            .push(id.clone());
        id
    }

    /// Move an account from the unit `from` to the unit `to` (IDs: `units[path]` or `root`).
    pub async fn move_to(&self, id: &str, from: &str, to: &str) {
        self.client
            .move_account()
            .account_id(id)
            .source_parent_id(from)
            .destination_parent_id(to)
            .send()
            .await
            .unwrap();
    }
}

/// The management account, reached through a role of its own (so the members are reached through it).
fn management(role: bool) -> AwsAccountSpec {
    serde_json::from_value(json!({
        "accountId": support::ACCOUNT,
        "regions": ["us-east-1"],
        "assumeRole": role.then(|| json!({"roleArn": format!("arn:aws:iam::{}:role/baseline-hub", support::ACCOUNT)}))
    }))
    .unwrap()
}

fn org_spec(v: serde_json::Value) -> AwsOrganizationSpec {
    serde_json::from_value(v).unwrap()
}

fn labels(a: &AwsAccount) -> &BTreeMap<String, String> {
    a.metadata.labels.as_ref().unwrap()
}

#[tokio::test]
async fn rules_select_by_ou_id_and_tags_and_members_are_reached_through_the_management_role() {
    let moto = Moto::start();
    let mut f = Fixture::create(&moto, &["/Workloads", "/Workloads/Prod", "/Sandbox"], 2).await;
    let tagged = f
        .add("/Sandbox", "sandbox-pay", &[("team", "payments")])
        .await;
    let (factory, stats) = moto.factory().await;
    let reference = management(true);
    let spec = org_spec(json!({
        "accountRef": {"name": "mgmt"},
        "members": [
            {"organizationalUnits": ["/Workloads"], "labels": {"env": "prod"}},
            {"organizationalUnits": [f.units["/Sandbox"]], "tags": {"team": "payments"}, "labels": {"env": "sandbox"},
             "roleName": "OrganizationAccountAccessRole", "externalId": "sandbox-ext"}
        ],
        "exclude": {"accountIds": [f.accounts["/Workloads"][1]]}
    }));
    let session = factory.session(&reference, "us-east-1").await.unwrap();
    let snapshot = observe(&session, &spec).await.unwrap();
    // 3 OUs + the root: one OU list and one account list per unit; tags of every account (a rule selects by tags).
    let units = 4;
    assert_eq!(stats.count("DescribeOrganization"), 1);
    assert_eq!(stats.count("ListRoots"), 1);
    assert_eq!(stats.count("ListOrganizationalUnitsForParent"), units);
    assert_eq!(stats.count("ListAccountsForParent"), units);
    assert_eq!(
        stats.count("ListTagsForResource"),
        snapshot.members.len() as u64
    );
    assert_eq!(stats.writes(), 0, "Organizations is only read");
    // The management account and the 7 created.
    assert_eq!(snapshot.members.len(), 8);
    assert_eq!(
        snapshot.organization.management_account_id,
        support::ACCOUNT
    );

    let p = plan(
        "org",
        &spec,
        &reference,
        &snapshot,
        &[],
        "2026-01-01T00:00:00Z",
    );
    let mut selected: Vec<(String, String)> = p
        .apply
        .iter()
        .map(|a| (a.spec.account_id.clone(), labels(a)["env"].clone()))
        .collect();
    selected.sort();
    let mut expected = vec![
        (f.accounts["/Workloads"][0].clone(), "prod".to_string()),
        (f.accounts["/Workloads/Prod"][0].clone(), "prod".into()),
        (f.accounts["/Workloads/Prod"][1].clone(), "prod".into()),
        (tagged.clone(), "sandbox".into()),
    ];
    expected.sort();
    assert_eq!(
        selected, expected,
        "a child OU is in its parent; excluded and untagged accounts are not"
    );
    assert_eq!(p.counts.selected, 4);
    assert_eq!(
        p.counts.unselected, 4,
        "the management account, the excluded one, two untagged"
    );

    // Each generated AwsAccount reaches its member account: the hub role first, then the member's role.
    for a in &p.apply {
        let hop = &a.spec.assume_role.as_ref().unwrap().via[0];
        assert_eq!(
            hop.role_arn,
            format!("arn:aws:iam::{}:role/baseline-hub", support::ACCOUNT)
        );
        let s = factory.session(&a.spec, "us-east-1").await.unwrap();
        let (caller, _) = s.fresh_caller_identity("us-east-1").await.unwrap();
        assert_eq!(caller, a.spec.account_id);
    }
    let sandbox = p
        .apply
        .iter()
        .find(|a| a.spec.account_id == tagged)
        .unwrap();
    assert_eq!(
        sandbox
            .spec
            .assume_role
            .as_ref()
            .unwrap()
            .external_id
            .as_deref(),
        Some("sandbox-ext")
    );
    assert_eq!(labels(sandbox)[OU_LABEL], f.units["/Sandbox"]);
}

#[tokio::test]
async fn moved_closed_and_new_accounts_are_reported_on_the_next_sync() {
    let moto = Moto::start();
    let mut f = Fixture::create(&moto, &["/Prod", "/Dev", "/Sandbox"], 2).await;
    let (factory, stats) = moto.factory().await;
    let reference = management(false);
    let spec = org_spec(json!({
        "accountRef": {"name": "mgmt"},
        "members": [
            {"organizationalUnits": ["/Prod"], "labels": {"env": "prod"}},
            {"organizationalUnits": ["/Dev"], "labels": {"env": "dev"}}
        ]
    }));
    let session = factory.session(&reference, "us-east-1").await.unwrap();
    let first = plan(
        "org",
        &spec,
        &reference,
        &observe(&session, &spec).await.unwrap(),
        &[],
        "t0",
    );
    assert_eq!(first.apply.len(), 4);
    assert_eq!(
        stats.count("ListTagsForResource"),
        0,
        "no rule selects by tags"
    );
    let existing = first.apply.clone();

    // Out of band: a Prod account moves to Dev, another to Sandbox, a Dev account is closed, a Prod one created.
    let prod = f.accounts["/Prod"].clone();
    let dev = f.accounts["/Dev"].clone();
    f.move_to(&prod[0], &f.units["/Prod"], &f.units["/Dev"])
        .await;
    f.move_to(&prod[1], &f.units["/Prod"], &f.units["/Sandbox"])
        .await;
    f.client
        .close_account()
        .account_id(&dev[1])
        .send()
        .await
        .unwrap();
    let new = f.add("/Prod", "prod-new", &[]).await;

    let p = plan(
        "org",
        &spec,
        &reference,
        &observe(&session, &spec).await.unwrap(),
        &existing,
        "t1",
    );
    let by_id = |id: &str| p.apply.iter().find(|a| a.spec.account_id == id);
    assert_eq!(
        labels(by_id(&prod[0]).unwrap())["env"],
        "dev",
        "moved to Dev: the Dev rule's labels"
    );
    let moved_out = by_id(&prod[1]).unwrap();
    assert_eq!(labels(moved_out)[MEMBERSHIP_LABEL], "Unselected");
    assert!(!labels(moved_out).contains_key("env"));
    assert_eq!(
        labels(by_id(&dev[1]).unwrap())[MEMBERSHIP_LABEL],
        "Suspended"
    );
    assert_eq!(labels(by_id(&new).unwrap())[ACCOUNT_ID_LABEL], new);
    assert_eq!(p.created, std::slice::from_ref(&new));
    assert!(by_id(&dev[0]).is_none(), "unchanged: not written again");
    let marked: Vec<(&str, &str)> = p
        .marked
        .iter()
        .map(|m| (m.account_id.as_str(), m.membership.as_str()))
        .collect();
    let mut expected = vec![
        (prod[1].as_str(), "Unselected"),
        (dev[1].as_str(), "Suspended"),
    ];
    expected.sort();
    assert_eq!(marked, expected);
    assert_eq!(p.counts.suspended, 1);
}

/// The operations `tests/aws_operations.rs` requires this module to call, against moto (a small organization).
pub async fn organizations_scenario(moto: &Moto, factory: &AwsFactory) {
    let f = Fixture::create(moto, &["/Scenario"], 1).await;
    let spec = org_spec(json!({"accountRef": {"name": "mgmt"},
        "members": [{"organizationalUnits": ["/Scenario"], "tags": {"index": "0"}}]}));
    let session = factory
        .session(&management(false), "us-east-1")
        .await
        .unwrap();
    let snapshot = observe(&session, &spec).await.unwrap();
    let ids: Vec<&str> = snapshot.members.iter().map(|m| m.id.as_str()).collect();
    assert!(ids.contains(&f.accounts["/Scenario"][0].as_str()));
}
