//! Progress of a long pass for a person at a terminal: `plan`, `apply` and `check` print a line on standard error
//! as each account/region/component finishes (a first pass with hundreds of alarms, or Security Hub at one request
//! per second, takes minutes). The engines emit `tracing` events with target [`TARGET`] at DEBUG; the CLI renders
//! them with [`TerminalProgress`] only when standard error is a terminal, so CI logs and `run` stay quiet.

use crate::engine::ComponentOutcome;
use std::fmt::Write as _;
use std::time::Instant;
use tracing::field::{Field, Visit};
use tracing_subscriber::layer::Context;

/// `tracing` target of progress events.
pub const TARGET: &str = "awsbaseline::progress";

/// One event per component outcome of a finished region (or the account-wide part).
pub fn finished(account: &str, outcomes: &[ComponentOutcome]) {
    for o in outcomes {
        tracing::debug!(
            target: TARGET,
            account,
            region = %o.region,
            component = o.component,
            state = ?o.state,
            drift = o.drift.len(),
        );
    }
}

/// A step inside a slow component (`detail` says what), e.g. the Nth paced alarm write of a region.
pub fn step(account: &str, region: &str, detail: &str) {
    tracing::debug!(target: TARGET, account, region, detail);
}

/// Renders progress events as lines on standard error, each with the time since the command started.
pub struct TerminalProgress {
    started: Instant,
}

impl TerminalProgress {
    /// Start the clock.
    pub fn new() -> Self {
        Self {
            started: Instant::now(),
        }
    }

    /// The line for one event's fields (`None` for events that are not progress).
    pub fn line(&self, fields: &Fields) -> Option<String> {
        let mut s = format!("[{:>6.1}s]", self.started.elapsed().as_secs_f64());
        let _ = write!(s, " {}", fields.account.as_deref()?);
        if let Some(r) = &fields.region {
            let _ = write!(s, " {r}");
        }
        if let Some(c) = &fields.component {
            let _ = write!(s, " {c}");
        }
        if let Some(st) = &fields.state {
            let _ = write!(s, ": {st}");
            if fields.drift > 0 {
                let _ = write!(s, ", {} drifted setting(s)", fields.drift);
            }
        }
        if let Some(d) = &fields.detail {
            let _ = write!(s, ": {d}");
        }
        Some(s)
    }
}

impl Default for TerminalProgress {
    fn default() -> Self {
        Self::new()
    }
}

/// The fields of a progress event.
#[derive(Default, Debug)]
pub struct Fields {
    account: Option<String>,
    region: Option<String>,
    component: Option<String>,
    state: Option<String>,
    detail: Option<String>,
    drift: u64,
}

impl Visit for Fields {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        let v = format!("{value:?}");
        let v = v.trim_matches('"').to_string();
        match field.name() {
            "account" => self.account = Some(v),
            "region" => self.region = Some(v),
            "component" => self.component = Some(v),
            "state" => self.state = Some(v),
            "detail" => self.detail = Some(v),
            _ => {}
        }
    }

    fn record_str(&mut self, field: &Field, value: &str) {
        self.record_debug(field, &format_args!("{value}"));
    }

    fn record_u64(&mut self, field: &Field, value: u64) {
        if field.name() == "drift" {
            self.drift = value;
        }
    }
}

impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for TerminalProgress {
    fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
        if event.metadata().target() != TARGET {
            return;
        }
        let mut fields = Fields::default();
        event.record(&mut fields);
        if let Some(line) = self.line(&fields) {
            eprintln!("{line}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};
    use tracing_subscriber::layer::SubscriberExt;

    /// Collects the rendered lines instead of printing them.
    struct Capture(TerminalProgress, Arc<Mutex<Vec<String>>>);

    impl<S: tracing::Subscriber> tracing_subscriber::Layer<S> for Capture {
        fn on_event(&self, event: &tracing::Event<'_>, _ctx: Context<'_, S>) {
            if event.metadata().target() != TARGET {
                return;
            }
            let mut fields = Fields::default();
            event.record(&mut fields);
            self.1.lock().unwrap().extend(self.0.line(&fields));
        }
    }

    #[test]
    fn one_line_per_component_and_step() {
        let lines = Arc::new(Mutex::new(Vec::new()));
        let subscriber =
            tracing_subscriber::registry().with(Capture(TerminalProgress::new(), lines.clone()));
        tracing::subscriber::with_default(subscriber, || {
            let mut o = crate::engine::ComponentOutcome {
                component: "guardDuty",
                region: "eu-west-1".into(),
                state: crate::api::common::ComponentState::Drifted,
                ownership: crate::api::common::Ownership::Created,
                id: None,
                drift: vec![],
                action: crate::api::common::DriftAction::Reported,
                error: None,
                message: None,
                operator_disabled_controls: Vec::new(),
                operator_enabled: Vec::new(),
            };
            o.drift.push(crate::diff::FieldDrift {
                field: "guardDuty.enable".into(),
                desired: true.into(),
                actual: false.into(),
            });
            finished("123456789012", &[o]);
            step("123456789012", "us-east-1", "20 alarm writes");
            tracing::info!("not progress");
        });
        let lines = lines.lock().unwrap();
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(
            lines[0].ends_with("123456789012 eu-west-1 guardDuty: Drifted, 1 drifted setting(s)"),
            "{}",
            lines[0]
        );
        assert!(
            lines[1].ends_with("123456789012 us-east-1: 20 alarm writes"),
            "{}",
            lines[1]
        );
    }
}
