//! AWS calls per managed alarm per drift check, for a MonitoringPolicy with 10, 100 and 1,000 alarms, against
//! moto: counted, not timed (issue target: at most 0.05 calls per alarm at 1,000).
//!
//!     cargo bench --bench alarms            (or --profile dev: the counts do not depend on optimisation)
//!
//! An in-sync pass reads all of a policy's alarms with DescribeAlarms by name prefix. AWS returns at most 100
//! alarms per page; moto 5.2.5 ignores MaxRecords and returns them all in one page, so the table shows both the
//! calls counted against moto and the calls AWS would take (the DescribeAlarms pages replaced by ceil(n/100)).

#[path = "../tests/support/mod.rs"]
mod support;

use aws_baseline_operator::api::common::{DriftPolicy, Owner};
use aws_baseline_operator::api::MonitoringPolicySpec;
use aws_baseline_operator::aws::cloudwatch::PAGE;
use aws_baseline_operator::engine::monitoring::{run, MonitoringInput};
use aws_baseline_operator::engine::status::monitoring_status;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::Time;
use serde_json::json;
use std::collections::BTreeMap;
use std::time::Duration;

#[tokio::main]
async fn main() {
    println!(
        "{:>7} {:>13} {:>14} {:>15} {:>16} {:>15} {:>16}",
        "alarms",
        "create calls",
        "in-sync calls",
        "in-sync writes",
        "calls/alarm moto",
        "calls/alarm AWS",
        "DescribeAlarms"
    );
    for n in [10usize, 100, 1000] {
        let moto = support::Moto::start();
        let (factory, stats) = moto.factory().await;
        let alarms: Vec<_> = (0..n)
            .map(|i| {
                json!({"name": format!("cpu-{i:04}"), "namespace": "AWS/EC2", "metricName": "CPUUtilization",
                    "dimensions": {"InstanceId": format!("i-{i:017x}")}, "statistic": "Average", "period": 300,
                    "evaluationPeriods": 2, "threshold": 90.0, "comparisonOperator": "GreaterThanThreshold"})
            })
            .collect();
        let spec: MonitoringPolicySpec = serde_json::from_value(json!({
            "accountRef": {"name": "bench"}, "regions": ["us-east-1"], "alarms": alarms
        }))
        .unwrap();
        let mut acct = support::account(&[]);
        acct.allowed_namespaces =
            Some(aws_baseline_operator::api::aws_account::AllowedNamespaces {
                names: vec!["bench".into()],
                selector: None,
            });
        let labels = BTreeMap::new();
        let input = |previous| MonitoringInput {
            spec: &spec,
            account: &acct,
            owner: Owner {
                kind: "MonitoringPolicy".into(),
                name: "bench/alarms".into(),
                uid: "bench-uid".into(),
            },
            namespace: "bench",
            name: "alarms",
            namespace_labels: &labels,
            previous,
            mode: DriftPolicy::Correct,
            // moto has no rate limit; the operator paces PutMetricAlarm at 350 ms against AWS.
            alarm_write_interval: Duration::ZERO,
            shared_reads: None,
        };
        let now = Time(jiff::Timestamp::now());
        let created = run(&factory, &input(None)).await;
        assert!(created.pass.error_category().is_none());
        let create_calls = stats.reads() + stats.writes();
        let status = monitoring_status(None, &created, None, &now);
        stats.reset();
        let again = run(&factory, &input(Some(&status))).await;
        assert!(again.pass.error_category().is_none());
        let calls = stats.reads() + stats.writes();
        let describe = stats.count("DescribeAlarms");
        let aws_calls = calls - describe + n.div_ceil(PAGE) as u64;
        println!(
            "{n:>7} {create_calls:>13} {calls:>14} {:>15} {:>16.4} {:>15.4} {describe:>16}",
            stats.writes(),
            calls as f64 / n as f64,
            aws_calls as f64 / n as f64,
        );
    }
}
