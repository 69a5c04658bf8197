//! Event-driven drift (issue 15): which CloudTrail management events can change what the operator manages, the
//! EventBridge patterns that deliver exactly those, how a delivered event is read, and which objects own it.
//!
//! - [`pattern`]: the watched (`eventSource`, `eventName`) pairs and the spec sections each affects, derived from
//!   the operation table ([`crate::aws::MODULES`]: every Write row plus each module's `EVENTS.foreign_writes`), so
//!   the list cannot drift from the code; the EventBridge event patterns built from them.
//! - [`event`]: an SQS message body (an EventBridge "AWS API Call via CloudTrail" envelope) into a [`ChangeEvent`].
//! - [`owners`]: the pure rule picking the objects a [`ChangeEvent`] may have drifted.
//!
//! All three are pure: the rule, queue and reconcile triggering live with the controller.

pub mod event;
pub mod owners;
pub mod pattern;

pub use event::ChangeEvent;
pub use owners::{owners, Candidate};
pub use pattern::{is_account_wide, is_global, patterns, sections, watched, Watched};

#[cfg(test)]
mod samples;
