//! AWS calls per AccountBaseline and per PatchSchedule pass against moto, by number of regions: counted, not
//! timed.
//!
//!     cargo bench --bench calls_per_pass            (or --profile dev: the counts do not depend on optimisation)
//!
//! Prints, for 1, 2 and 4 regions: calls of the creating pass, reads and writes of an in-sync pass, reads per
//! region, and the operator process's peak RSS.

#[path = "../tests/support/mod.rs"]
mod support;

use aws_baseline_operator::api::account_baseline::AccountBaselineSpec;
use aws_baseline_operator::api::common::{DriftPolicy, Owner};
use aws_baseline_operator::engine::baseline::{run, BaselineInput};
use aws_baseline_operator::engine::status::common_status;
use aws_baseline_operator::manifests::from_yaml;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

#[tokio::main]
async fn main() {
    let all = ["us-east-1", "eu-west-1", "eu-central-1", "ap-southeast-2"];
    println!(
        "{:<8} {:>14} {:>14} {:>15} {:>16}",
        "regions", "create calls", "in-sync reads", "in-sync writes", "reads per region"
    );
    for n in [1usize, 2, 4] {
        let moto = support::Moto::start();
        let (factory, stats) = moto.factory().await;
        let example = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/examples/account-baseline.yaml"
        ))
        .unwrap();
        let doc: serde_json::Value = from_yaml(&example).unwrap();
        let mut spec: AccountBaselineSpec = serde_json::from_value(doc["spec"].clone()).unwrap();
        spec.regions = all[..n].iter().map(|r| r.to_string()).collect();
        let acct = support::account(&[]);
        let owner = Owner {
            kind: "AccountBaseline".into(),
            name: "bench".into(),
            uid: "bench-uid".into(),
        };
        let input = BaselineInput {
            spec: &spec,
            account: &acct,
            owner: owner.clone(),
            previous: &[],
            mode: DriftPolicy::Correct,
        };
        let created = run(&factory, &input).await;
        assert!(
            created.error_category().is_none(),
            "{:#?}",
            created.outcomes
        );
        let create_calls = stats.reads() + stats.writes();
        let previous =
            common_status(None, &created, None, &Time(jiff::Timestamp::now())).components;
        stats.reset();
        let input = BaselineInput {
            spec: &spec,
            account: &acct,
            owner,
            previous: &previous,
            mode: DriftPolicy::Correct,
        };
        let again = run(&factory, &input).await;
        assert_eq!(again.remaining_drift(), 0);
        let (reads, writes) = (stats.reads(), stats.writes());
        println!(
            "{n:<8} {create_calls:>14} {reads:>14} {writes:>15} {:>16.1}",
            reads as f64 / n as f64
        );
    }
    patch_schedules(&all).await;
    println!(
        "peak RSS of this process: {} KiB",
        peak_rss_kib().unwrap_or(0)
    );
}

/// The production PatchSchedule example (window, 1 target, 3 tasks, baseline, inventory): calls of the creating
/// pass and of an in-sync pass that knows the IDs from status, and which reads the in-sync pass makes.
async fn patch_schedules(all: &[&str]) {
    use aws_baseline_operator::engine::patch::{run, PatchInput};
    use aws_baseline_operator::engine::status::patch_schedule_status;
    use aws_baseline_operator::manifests;

    println!("\nPatchSchedule payments/prod-weekly-install");
    println!(
        "{:<8} {:>14} {:>14} {:>15} {:>16}",
        "regions", "create calls", "in-sync reads", "in-sync writes", "reads per region"
    );
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let m = manifests::load(&[
        root.join("aws-account.yaml"),
        root.join("patch-schedule-production.yaml"),
    ])
    .unwrap();
    let labels = std::collections::BTreeMap::new();
    let mut breakdown = String::new();
    for n in [1usize, 2, 4] {
        let moto = support::Moto::start();
        let (factory, stats) = moto.factory().await;
        let p = &m.schedules[0];
        let mut spec = p.spec.clone();
        spec.regions = all[..n].iter().map(|r| r.to_string()).collect();
        let input = |previous| PatchInput {
            spec: &spec,
            account: &m.accounts[0].spec,
            owner: Owner {
                kind: "PatchSchedule".into(),
                name: "payments/prod-weekly-install".into(),
                uid: "bench-uid".into(),
            },
            namespace: "payments",
            name: "prod-weekly-install",
            namespace_labels: &labels,
            previous,
            mode: DriftPolicy::Correct,
            now: jiff::Timestamp::now(),
        };
        let created = run(&factory, &input(None)).await;
        assert!(
            created.pass.error_category().is_none(),
            "{:#?}",
            created.pass.outcomes
        );
        let create_calls = stats.reads() + stats.writes();
        let status = patch_schedule_status(None, &created, None, &Time(jiff::Timestamp::now()));
        stats.reset();
        let again = run(&factory, &input(Some(&status))).await;
        assert_eq!(again.pass.remaining_drift(), 0);
        let (reads, writes) = (stats.reads(), stats.writes());
        println!(
            "{n:<8} {create_calls:>14} {reads:>14} {writes:>15} {:>16.1}",
            reads as f64 / n as f64
        );
        if n == 1 {
            breakdown = stats
                .snapshot()
                .iter()
                .map(|(k, v)| format!("{}:{} x{v}", k.service, k.operation))
                .collect::<Vec<_>>()
                .join(", ");
        }
    }
    println!("in-sync reads, 1 region: {breakdown}");
}
