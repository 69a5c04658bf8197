//! Prometheus metrics (prometheus-client). Labels are kinds, categories, services and operations: never object
//! names.

use crate::aws::counter::{CallKey, CallObserver};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::collections::HashMap;
use std::sync::Mutex;

/// `kind` label.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct KindLabel {
    /// Custom resource kind.
    pub kind: String,
}

/// `kind` + `category` labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct ErrorLabels {
    /// Custom resource kind.
    pub kind: String,
    /// Fixed error category (AccessDenied, Throttled, AccountMismatch, ...).
    pub category: String,
}

/// AWS call labels.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct AwsCallLabels {
    /// Service.
    pub service: String,
    /// Operation.
    pub operation: String,
    /// success / error.
    pub outcome: String,
}

/// `outcome` label of change events.
#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct OutcomeLabel {
    /// What became of the event: `matched`, `unowned`, `own`, `failedCall`, `invalid`.
    pub outcome: String,
}

/// Every metric the operator exports.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    reconciles: Family<KindLabel, Counter>,
    errors: Family<ErrorLabels, Counter>,
    duration: Family<KindLabel, Histogram>,
    drifted: Family<KindLabel, Gauge>,
    aws_calls: Family<AwsCallLabels, Counter>,
    leader: Gauge,
    change_events: Family<OutcomeLabel, Counter>,
    event_to_corrected: Histogram,
    drift_by_object: Mutex<HashMap<(String, String), i64>>,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("awsbaseline");
        let reconciles = Family::<KindLabel, Counter>::default();
        let errors = Family::<ErrorLabels, Counter>::default();
        let duration = Family::<KindLabel, Histogram>::new_with_constructor(|| {
            // A first pass with hundreds of paced alarm writes, or Security Hub at one request per second, takes
            // minutes: buckets up to 30 min so those passes do not all land in +Inf.
            Histogram::new([
                0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
            ])
        });
        let drifted = Family::<KindLabel, Gauge>::default();
        let aws_calls = Family::<AwsCallLabels, Counter>::default();
        registry.register("reconciles", "Reconcile passes by kind", reconciles.clone());
        registry.register(
            "reconcile_errors",
            "Failed reconcile passes by kind and error category",
            errors.clone(),
        );
        registry.register(
            "reconcile_duration_seconds",
            "Reconcile pass duration by kind",
            duration.clone(),
        );
        registry.register(
            "drifted_settings",
            "Settings currently differing from the spec, by kind",
            drifted.clone(),
        );
        registry.register(
            "aws_calls",
            "AWS API calls by service, operation and outcome",
            aws_calls.clone(),
        );
        let leader = Gauge::default();
        registry.register(
            "leader",
            "1 while this replica holds the leader-election Lease and reconciles, 0 while it stands by",
            leader.clone(),
        );
        let change_events = Family::<OutcomeLabel, Counter>::default();
        registry.register(
            "change_events",
            "Change events received from the queue, by outcome (matched, unowned, own, failedCall, invalid)",
            change_events.clone(),
        );
        let event_to_corrected = Histogram::new([
            0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0,
        ]);
        registry.register(
            "change_event_correction_seconds",
            "Time from a change in AWS (its CloudTrail eventTime) to the end of the pass that corrected it",
            event_to_corrected.clone(),
        );
        Self {
            registry,
            reconciles,
            errors,
            duration,
            drifted,
            aws_calls,
            leader,
            change_events,
            event_to_corrected,
            drift_by_object: Mutex::default(),
        }
    }
}

impl Metrics {
    /// Count one change event by what became of it.
    pub fn change_event(&self, outcome: &str) {
        self.change_events
            .get_or_create(&OutcomeLabel {
                outcome: outcome.into(),
            })
            .inc();
    }

    /// Record the time from a change in AWS to the end of the pass that corrected it.
    pub fn corrected_after_event(&self, seconds: f64) {
        self.event_to_corrected.observe(seconds);
    }

    /// Count one pass and its duration.
    pub fn reconciled(&self, kind: &str, seconds: f64) {
        let l = KindLabel { kind: kind.into() };
        self.reconciles.get_or_create(&l).inc();
        self.duration.get_or_create(&l).observe(seconds);
    }

    /// Count a failed pass.
    pub fn failed(&self, kind: &str, category: &str) {
        self.errors
            .get_or_create(&ErrorLabels {
                kind: kind.into(),
                category: category.into(),
            })
            .inc();
    }

    /// Record how many settings of one object drift; the gauge is the sum over objects (object keys stay
    /// internal, never labels). `None` forgets the object (deleted).
    pub fn set_drift(&self, kind: &str, uid: &str, count: Option<i64>) {
        let mut map = self.drift_by_object.lock().expect("metrics lock poisoned");
        match count {
            Some(c) => map.insert((kind.to_string(), uid.to_string()), c),
            None => map.remove(&(kind.to_string(), uid.to_string())),
        };
        let total: i64 = map
            .iter()
            .filter(|((k, _), _)| k == kind)
            .map(|(_, v)| *v)
            .sum();
        self.drifted
            .get_or_create(&KindLabel { kind: kind.into() })
            .set(total);
    }

    /// Whether this replica leads (reconciles).
    pub fn set_leader(&self, leading: bool) {
        self.leader.set(i64::from(leading));
    }

    /// OpenMetrics text.
    pub fn encode(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}

impl CallObserver for Metrics {
    fn observe(&self, key: &CallKey) {
        self.aws_calls
            .get_or_create(&AwsCallLabels {
                service: key.service.clone(),
                operation: key.operation.clone(),
                outcome: key.outcome.to_string(),
            })
            .inc();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exports_without_object_names() {
        let m = Metrics::default();
        m.reconciled("AccountBaseline", 0.2);
        m.failed("AccountBaseline", "AccessDenied");
        m.set_drift("AccountBaseline", "uid-1", Some(3));
        m.set_drift("AccountBaseline", "uid-2", Some(2));
        m.set_drift("AccountBaseline", "uid-1", None);
        m.observe(&CallKey {
            service: "CloudTrail".into(),
            operation: "DescribeTrails".into(),
            outcome: "success",
        });
        m.set_leader(true);
        let text = m.encode();
        assert!(text.contains("awsbaseline_leader 1"), "{text}");
        assert!(
            text.contains("awsbaseline_reconciles_total{kind=\"AccountBaseline\"} 1"),
            "{text}"
        );
        assert!(text.contains("awsbaseline_reconcile_errors_total{kind=\"AccountBaseline\",category=\"AccessDenied\"} 1"));
        assert!(text.contains("awsbaseline_drifted_settings{kind=\"AccountBaseline\"} 2"));
        assert!(text.contains("operation=\"DescribeTrails\""));
        assert!(!text.contains("uid-"));
    }
}
