//! AccountBaseline rules: spec -> desired fields, AWS state -> observed fields, drift -> planned writes.
//! Everything here is pure; the engine does the I/O.

pub mod access_analyzer;
pub mod budgets;
pub mod cloudtrail;
pub mod config;
pub mod controls;
pub mod flowlogs;
pub mod guardduty;
pub mod hardening;
pub mod inspector;
pub mod security_hub;
pub mod session_manager;

/// Every component name an AccountBaseline can have (status, drift entries and the controls table use these).
pub const COMPONENTS: &[&str] = &[
    cloudtrail::COMPONENT,
    cloudtrail::BUCKET_COMPONENT,
    guardduty::COMPONENT,
    hardening::PASSWORD_POLICY,
    hardening::S3_BPA,
    hardening::EBS,
    hardening::ROOT,
    inspector::COMPONENT,
    config::COMPONENT,
    config::RULES_COMPONENT,
    config::BUCKET_COMPONENT,
    flowlogs::COMPONENT,
    access_analyzer::COMPONENT,
    session_manager::COMPONENT,
    security_hub::COMPONENT,
    security_hub::AGGREGATOR_COMPONENT,
    budgets::COMPONENT,
];
