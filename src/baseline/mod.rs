//! AccountBaseline rules: spec -> desired fields, AWS state -> observed fields, drift -> planned writes.
//! Everything here is pure; the engine does the I/O.

pub mod access_analyzer;
pub mod access_logs;
pub mod backup;
pub mod budgets;
pub mod cloudtrail;
pub mod config;
pub mod controls;
pub mod flowlogs;
pub mod guardduty;
pub mod hardening;
pub mod inspector;
pub mod organization;
pub mod security_hub;
pub mod session_manager;
pub mod ssm_inventory;
pub mod trusted_advisor;
