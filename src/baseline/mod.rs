//! AccountBaseline rules: spec -> desired fields, AWS state -> observed fields, drift -> planned writes.
//! Everything here is pure; the engine does the I/O.

pub mod cloudtrail;
pub mod controls;
pub mod guardduty;
pub mod hardening;

/// Every component name an AccountBaseline can have (status, drift entries and the controls table use these).
pub const COMPONENTS: &[&str] = &[
    cloudtrail::COMPONENT,
    cloudtrail::BUCKET_COMPONENT,
    guardduty::COMPONENT,
    hardening::PASSWORD_POLICY,
    hardening::S3_BPA,
    hardening::EBS,
    hardening::ROOT,
];
