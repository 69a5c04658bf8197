//! `aws::ssm` against AWS's documented Systems Manager responses, with aws-smithy-mocks.
//!
//! Every response is an HTTP response (200 with an awsJson1.1 body, or 400 with an awsJson error body)
//! modelled on the response syntax and examples of the AWS Systems Manager API Reference, so the real SDK
//! deserialiser runs; requests are checked on the SDK input the real serialiser gets.
//!
//! One module per kind of SSM object: maintenance windows (window, targets, tasks), patch baselines, associations,
//! compliance reads (executions, patch states); the shared IDs and response builders are below.

mod associations;
mod compliance;
mod maintenance_windows;
mod patch_baselines;

use aws_baseline_operator::aws::ssm::{
    self, AssociationConfig, BaselineConfig, RuleConfig, TargetConfig, TaskConfig, TaskKind,
    WindowConfig,
};
use aws_baseline_operator::aws::ErrorCategory;
use aws_sdk_ssm::config::retry::RetryConfig;
use aws_sdk_ssm::types::{PatchFilterGroup, Target};
use aws_sdk_ssm::Client as Ssm;
use aws_smithy_mocks::{mock, mock_client, RuleMode};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use std::collections::{BTreeMap, HashMap};

const WINDOW: &str = "mw-0c50858d01EXAMPLE";

const TASK: &str = "0d36e6b4-3a4f-411e-adcb-3558eEXAMPLE";

const WINDOW_TARGET: &str = "e32eecb2-646c-4f4b-8ed1-205fbEXAMPLE";

const ROLE: &str = "arn:aws:iam::111122223333:role/MaintenanceWindowTaskRole";

const BASELINE: &str = "pb-0c10e65780EXAMPLE";

const ASSOCIATION: &str = "8dfe3659-4309-493a-8755-0123456789ab";

/// HTTP 200 with a JSON body, as the service sends for awsJson1.1.
fn ok(body: &'static str) -> HttpResponse {
    HttpResponse::new(StatusCode::try_from(200).unwrap(), SdkBody::from(body))
}

/// An awsJson1.1 error: HTTP 400 with `__type` and `Message`.
fn aws_error(code: &str, message: &str) -> HttpResponse {
    let body = format!(r#"{{"__type":"{code}","Message":"{message}"}}"#);
    HttpResponse::new(StatusCode::try_from(400).unwrap(), SdkBody::from(body))
}

fn entries(t: &[Target]) -> Vec<(String, Vec<String>)> {
    t.iter()
        .map(|t| (t.key().unwrap_or_default().to_string(), t.values().to_vec()))
        .collect()
}

fn filters(g: Option<&PatchFilterGroup>) -> Vec<(String, Vec<String>)> {
    g.map(|g| {
        g.patch_filters()
            .iter()
            .map(|f| (f.key().as_str().to_string(), f.values().to_vec()))
            .collect()
    })
    .unwrap_or_default()
}

fn entry(k: &str, v: &[&str]) -> (String, Vec<String>) {
    (k.to_string(), v.iter().map(|s| s.to_string()).collect())
}

fn params(kv: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
    kv.iter().map(|(k, v)| entry(k, v)).collect()
}

fn hash(kv: &[(&str, &[&str])]) -> HashMap<String, Vec<String>> {
    kv.iter().map(|(k, v)| entry(k, v)).collect()
}

fn ts(secs: i64, millis: i64) -> jiff::Timestamp {
    jiff::Timestamp::from_millisecond(secs * 1000 + millis).unwrap()
}

/// Epoch-seconds timestamps travel as JSON numbers and are parsed through an f64, so fractions may come back a
/// few hundred nanoseconds off: compare to the millisecond.
fn assert_near(got: Option<jiff::Timestamp>, want: jiff::Timestamp) {
    let got = got.expect("timestamp");
    let diff = (got.as_nanosecond() - want.as_nanosecond()).abs();
    assert!(diff < 1_000_000, "{got} != {want}");
}
