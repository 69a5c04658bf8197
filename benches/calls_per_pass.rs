//! AWS calls per AccountBaseline pass against moto, by number of regions: counted, not timed.
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
use aws_baseline_operator::engine::status::baseline_status;
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
        let doc: serde_yaml::Value = serde_yaml::from_str(&example).unwrap();
        let mut spec: AccountBaselineSpec = serde_yaml::from_value(doc["spec"].clone()).unwrap();
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
            baseline_status(None, &created, None, &Time(jiff::Timestamp::now())).components;
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
    println!(
        "peak RSS of this process: {} KiB",
        peak_rss_kib().unwrap_or(0)
    );
}
