//! aws-baseline-operator: keeps AWS accounts in their declared operational baseline.
pub mod api;
pub mod aws;
pub mod baseline;
pub mod change_events;
pub mod cli;
pub mod controller;
pub mod diff;
pub mod engine;
pub mod http;
pub mod iam_policy;
pub mod leader;
pub mod manifests;
pub mod metrics;
pub mod monitoring;
pub mod names;
pub mod patching;
pub mod planfile;
pub mod progress;
pub mod rbac;

/// Install aws-lc-rs as the process-wide rustls crypto provider, before any TLS client is built (kube's and the
/// AWS SDK's). It is the only provider compiled in (Cargo.toml), so rustls would also pick it by itself; installing
/// it explicitly keeps `run` from panicking at its first connection should a dependency ever enable a second one.
/// A second call (or a provider installed earlier) leaves the installed one in place.
pub fn install_crypto_provider() {
    let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
}
