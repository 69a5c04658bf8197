//! Reading the AWS calls a test made back from the factory's [`CallStats`] interceptor, so a test can assert
//! exactly which writes a pass sent ("second pass: no writes", "drift: exactly these three").

use aws_baseline_operator::aws::CallStats;

/// The mutating operations called, as `Service:Operation`, sorted (one entry per operation, however often it
/// was called).
pub fn sorted_writes(stats: &CallStats) -> Vec<String> {
    let mut w = stats.write_operations();
    w.sort();
    w
}

/// The mutating operations called, without the service (`PutMetricAlarm`), sorted.
pub fn sorted_write_operations(stats: &CallStats) -> Vec<String> {
    let mut w: Vec<String> = stats
        .write_operations()
        .iter()
        .map(|w| w.rsplit(':').next().unwrap_or_default().to_string())
        .collect();
    w.sort();
    w
}
