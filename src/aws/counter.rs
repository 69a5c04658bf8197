//! Counts every AWS operation per service, operation and outcome, through an SDK interceptor attached to
//! every client. Tests assert "second pass: 0 writes" with it; `/metrics` exports it.

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextMut, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// One counted call.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallKey {
    /// Service, e.g. `CloudTrail` (as the SDK names it).
    pub service: String,
    /// Operation, e.g. `DescribeTrails`.
    pub operation: String,
    /// `success` or `error`.
    pub outcome: &'static str,
}

/// Something that wants to hear about every call (the Prometheus registry).
pub trait CallObserver: Send + Sync + std::fmt::Debug {
    /// Called once per operation execution (after retries).
    fn observe(&self, key: &CallKey);
}

/// Shared call tally.
#[derive(Clone, Debug, Default)]
pub struct CallStats {
    counts: Arc<Mutex<BTreeMap<CallKey, u64>>>,
    observer: Option<Arc<dyn CallObserver>>,
}

/// True for operations that change AWS. Everything else (Get/Describe/List/Head/Lookup) is a read.
pub fn is_mutating(operation: &str) -> bool {
    // `BatchGet*` (Inspector2 BatchGetAccountStatus, ...) reads several items at once.
    const READ_PREFIXES: [&str; 6] = ["Get", "Describe", "List", "Head", "Lookup", "BatchGet"];
    // AssumeRole mints credentials; it changes nothing in the account.
    operation != "AssumeRole" && !READ_PREFIXES.iter().any(|p| operation.starts_with(p))
}

impl CallStats {
    /// A tally that also notifies `observer`.
    pub fn with_observer(observer: Arc<dyn CallObserver>) -> Self {
        Self {
            counts: Arc::default(),
            observer: Some(observer),
        }
    }

    fn record(&self, key: CallKey) {
        if let Some(o) = &self.observer {
            o.observe(&key);
        }
        *self
            .counts
            .lock()
            .expect("call counter poisoned")
            .entry(key)
            .or_default() += 1;
    }

    /// Everything counted so far.
    pub fn snapshot(&self) -> BTreeMap<CallKey, u64> {
        self.counts.lock().expect("call counter poisoned").clone()
    }

    /// Forget everything counted so far.
    pub fn reset(&self) {
        self.counts.lock().expect("call counter poisoned").clear();
    }

    /// Total calls that change AWS.
    pub fn writes(&self) -> u64 {
        self.snapshot()
            .iter()
            .filter(|(k, _)| is_mutating(&k.operation))
            .map(|(_, n)| n)
            .sum()
    }

    /// Total read calls.
    pub fn reads(&self) -> u64 {
        self.snapshot()
            .iter()
            .filter(|(k, _)| !is_mutating(&k.operation))
            .map(|(_, n)| n)
            .sum()
    }

    /// Names of the mutating operations called, e.g. `["CloudTrail:StartLogging"]`.
    pub fn write_operations(&self) -> Vec<String> {
        self.snapshot()
            .iter()
            .filter(|(k, _)| is_mutating(&k.operation))
            .map(|(k, _)| format!("{}:{}", k.service, k.operation))
            .collect()
    }

    /// How many times one operation was called.
    pub fn count(&self, operation: &str) -> u64 {
        self.snapshot()
            .iter()
            .filter(|(k, _)| k.operation == operation)
            .map(|(_, n)| n)
            .sum()
    }

    /// The interceptor to attach to a client.
    pub fn interceptor(&self) -> CallCounter {
        CallCounter {
            stats: self.clone(),
        }
    }
}

/// SDK interceptor feeding [`CallStats`].
#[derive(Clone, Debug)]
pub struct CallCounter {
    stats: CallStats,
}

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "CallCounter"
    }

    fn read_after_execution(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _rc: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let (service, operation) = cfg
            .load::<Metadata>()
            .map(|m| (m.service().to_string(), m.name().to_string()))
            .unwrap_or_else(|| ("unknown".into(), "unknown".into()));
        let outcome = match context.output_or_error() {
            Some(Ok(_)) => "success",
            _ => "error",
        };
        self.stats.record(CallKey {
            service,
            operation,
            outcome,
        });
        Ok(())
    }
}

/// Emulator support for S3 Control: the SDK prefixes the endpoint host with the account ID
/// (`123456789012.s3-control...`), which cannot resolve for a loopback endpoint override. Only attached when an
/// endpoint override is configured; the account still travels in the `x-amz-account-id` header.
#[derive(Clone, Debug)]
pub struct StripAccountHostPrefix {
    /// Host (and port) of the override, e.g. `127.0.0.1:5000`.
    pub authority: String,
}

impl Intercept for StripAccountHostPrefix {
    fn name(&self) -> &'static str {
        "StripAccountHostPrefix"
    }

    fn modify_before_transmit(
        &self,
        context: &mut BeforeTransmitInterceptorContextMut<'_>,
        _rc: &RuntimeComponents,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let req = context.request_mut();
        let uri = req.uri().to_string();
        if let Some((scheme, rest)) = uri.split_once("://") {
            if let Some(pos) = rest.find(&self.authority) {
                if pos > 0 {
                    let fixed = format!("{scheme}://{}", &rest[pos..]);
                    req.set_uri(fixed)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_writes_are_told_apart() {
        assert!(!is_mutating("AssumeRole"));
        for op in [
            "GetTrailStatus",
            "DescribeTrails",
            "ListDetectors",
            "HeadBucket",
            "GetEbsEncryptionByDefault",
            "BatchGetAccountStatus",
        ] {
            assert!(!is_mutating(op), "{op}");
        }
        for op in [
            "CreateTrail",
            "StartLogging",
            "UpdateDetector",
            "PutPublicAccessBlock",
            "EnableEbsEncryptionByDefault",
        ] {
            assert!(is_mutating(op), "{op}");
        }
    }

    #[test]
    fn tally_counts_by_operation() {
        let stats = CallStats::default();
        stats.record(CallKey {
            service: "CloudTrail".into(),
            operation: "DescribeTrails".into(),
            outcome: "success",
        });
        stats.record(CallKey {
            service: "CloudTrail".into(),
            operation: "StartLogging".into(),
            outcome: "success",
        });
        stats.record(CallKey {
            service: "CloudTrail".into(),
            operation: "StartLogging".into(),
            outcome: "error",
        });
        assert_eq!(stats.reads(), 1);
        assert_eq!(stats.writes(), 2);
        assert_eq!(stats.count("StartLogging"), 2);
        stats.reset();
        assert_eq!(stats.writes(), 0);
    }
}
