//! `spec.healthChecks` and `spec.canaries`: what the user sees first — Route 53 health checks (with a CloudWatch
//! alarm on their status) and CloudWatch Synthetics canaries.

use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How a Route 53 health check probes its endpoint.
#[derive(Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, JsonSchema)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HealthCheckType {
    /// HTTP request; healthy on a 2xx or 3xx status.
    Http,
    /// HTTPS request; healthy on a 2xx or 3xx status.
    Https,
    /// HTTP request whose first 5,120 bytes of body must contain `searchString`.
    HttpStrMatch,
    /// HTTPS request whose first 5,120 bytes of body must contain `searchString`.
    HttpsStrMatch,
    /// TCP connection.
    Tcp,
}

impl HealthCheckType {
    /// The Route 53 value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Http => "HTTP",
            Self::Https => "HTTPS",
            Self::HttpStrMatch => "HTTP_STR_MATCH",
            Self::HttpsStrMatch => "HTTPS_STR_MATCH",
            Self::Tcp => "TCP",
        }
    }

    /// The port Route 53 uses when none is given (TCP has none).
    pub fn default_port(&self) -> Option<i32> {
        match self {
            Self::Http | Self::HttpStrMatch => Some(80),
            Self::Https | Self::HttpsStrMatch => Some(443),
            Self::Tcp => None,
        }
    }
}

/// Route 53 health checker regions (`HealthCheckRegion`).
#[derive(
    Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, JsonSchema,
)]
pub enum HealthCheckRegion {
    /// US East (N. Virginia).
    #[serde(rename = "us-east-1")]
    UsEast1,
    /// US West (N. California).
    #[serde(rename = "us-west-1")]
    UsWest1,
    /// US West (Oregon).
    #[serde(rename = "us-west-2")]
    UsWest2,
    /// Europe (Ireland).
    #[serde(rename = "eu-west-1")]
    EuWest1,
    /// Asia Pacific (Singapore).
    #[serde(rename = "ap-southeast-1")]
    ApSoutheast1,
    /// Asia Pacific (Sydney).
    #[serde(rename = "ap-southeast-2")]
    ApSoutheast2,
    /// Asia Pacific (Tokyo).
    #[serde(rename = "ap-northeast-1")]
    ApNortheast1,
    /// South America (São Paulo).
    #[serde(rename = "sa-east-1")]
    SaEast1,
}

impl HealthCheckRegion {
    /// The Route 53 value.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::UsEast1 => "us-east-1",
            Self::UsWest1 => "us-west-1",
            Self::UsWest2 => "us-west-2",
            Self::EuWest1 => "eu-west-1",
            Self::ApSoutheast1 => "ap-southeast-1",
            Self::ApSoutheast2 => "ap-southeast-2",
            Self::ApNortheast1 => "ap-northeast-1",
            Self::SaEast1 => "sa-east-1",
        }
    }
}

/// The CloudWatch alarm on a health check's status.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckAlarmSpec {
    /// Declared topic the alarm notifies (and, with `notifyOk`, the recovery).
    #[schemars(length(min = 1, max = 256))]
    pub topic: String,
    /// Consecutive one-minute periods the check must be unhealthy before the alarm fires (default 1).
    #[serde(default = "one")]
    #[schemars(range(min = 1, max = 60))]
    pub evaluation_periods: i32,
    /// Also notify the topic when the check is healthy again.
    #[serde(default)]
    pub notify_ok: bool,
}

fn one() -> i32 {
    1
}

/// A Route 53 health check (global; its ID is kept in status) probing an endpoint from several regions, with an
/// optional CloudWatch alarm (`awsbaseline.<namespace>.<policy>.healthCheck.<name>` in us-east-1, where Route 53
/// publishes `AWS/Route53 HealthCheckStatus`) that notifies a declared topic.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[x_kube(validation = Rule::new("has(self.fqdn) || has(self.ipAddress)").message("a health check needs fqdn or ipAddress"))]
#[x_kube(validation = Rule::new("(self.type == 'HTTP_STR_MATCH' || self.type == 'HTTPS_STR_MATCH') == has(self.searchString)").message("searchString is required for HTTP_STR_MATCH and HTTPS_STR_MATCH health checks, and only for them"))]
#[x_kube(validation = Rule::new("self.type != 'TCP' || has(self.port)").message("a TCP health check needs a port"))]
#[x_kube(validation = Rule::new("self.type != 'TCP' || !has(self.resourcePath)").message("resourcePath applies to HTTP(S) health checks"))]
#[serde(rename_all = "camelCase")]
pub struct HealthCheckSpec {
    /// Name within the policy (the health check's `Name` tag is `awsbaseline.<namespace>.<policy>.<name>`).
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}$"), length(max = 64))]
    pub name: String,
    /// `HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `HTTPS_STR_MATCH` or `TCP`. Route 53 cannot change it: a change
    /// replaces the health check (new ID, the alarm follows).
    #[serde(rename = "type")]
    pub type_: HealthCheckType,
    /// Domain name to probe (also sent as `Host` header and SNI).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub fqdn: Option<String>,
    /// IPv4 or IPv6 address to probe (instead of resolving `fqdn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 2, max = 45))]
    pub ip_address: Option<String>,
    /// Port (default 80 for HTTP, 443 for HTTPS; required for TCP).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(range(min = 1, max = 65535))]
    pub port: Option<i32>,
    /// Path requested, e.g. `/healthz`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub resource_path: Option<String>,
    /// String the response body must contain (`*_STR_MATCH` types only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 255))]
    pub search_string: Option<String>,
    /// Seconds between two checks from one checker: 10 (fast, billed extra) or 30 (default). Route 53 cannot
    /// change it: a change replaces the health check.
    #[serde(default = "thirty")]
    #[x_kube(validation = Rule::new("self == 10 || self == 30").message("requestInterval is 10 or 30"))]
    pub request_interval: i32,
    /// Consecutive failed checks before the endpoint is unhealthy (1-10, default 3).
    #[serde(default = "three")]
    #[schemars(range(min = 1, max = 10))]
    pub failure_threshold: i32,
    /// Checker regions (at least 3, as Route 53 requires); all of them when unset.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(min = 3, max = 8))]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub regions: Vec<HealthCheckRegion>,
    /// The CloudWatch alarm on the check's status.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alarm: Option<HealthCheckAlarmSpec>,
}

fn thirty() -> i32 {
    30
}

fn three() -> i32 {
    3
}

fn days() -> i32 {
    31
}

fn yes() -> bool {
    true
}

/// A CloudWatch Synthetics canary running a declared script on a schedule (a heartbeat or API check). Its AWS name
/// is derived (canary names are short: lowercase, at most 21 characters) and kept in status; tags prove ownership.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CanarySpec {
    /// Name within the policy.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]{0,62}$"), length(max = 63))]
    pub name: String,
    /// Synthetics runtime, e.g. `syn-nodejs-puppeteer-9.1` or `syn-python-selenium-5.1`.
    #[schemars(regex(pattern = r"^syn-[a-z0-9.-]{1,60}$"))]
    pub runtime_version: String,
    /// The script (inline source of the handler's file). It is zipped as `nodejs/node_modules/<file>.js`
    /// (Node.js runtimes) or `python/<file>.py` (Python runtimes), `<file>` being the handler's part before the
    /// dot.
    #[schemars(length(min = 1, max = 1048576))]
    pub script: String,
    /// Entry point `<file>.<function>`, e.g. `apiCanary.handler`.
    #[serde(default = "handler")]
    #[schemars(regex(pattern = r"^[A-Za-z0-9_-]{1,64}\.[A-Za-z0-9_]{1,64}$"))]
    pub handler: String,
    /// `rate(5 minutes)`, `rate(0 minute)` (run once) or `cron(...)`.
    #[schemars(regex(pattern = r"^(cron|rate)\(.+\)$"), length(max = 256))]
    pub schedule: String,
    /// Where run artifacts go: `s3://bucket/prefix`.
    #[schemars(regex(pattern = r"^s3://[a-z0-9.-]{3,63}(/.*)?$"), length(max = 1024))]
    pub artifact_s3_location: String,
    /// Role the canary runs as (trusting `lambda.amazonaws.com`); must be among the AwsAccount's `passableRoles`.
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub execution_role_arn: String,
    /// Days successful runs are kept (1-455, default 31).
    #[serde(default = "days")]
    #[schemars(range(min = 1, max = 455))]
    pub success_retention_period: i32,
    /// Days failed runs are kept (1-455, default 31).
    #[serde(default = "days")]
    #[schemars(range(min = 1, max = 455))]
    pub failure_retention_period: i32,
    /// Whether the canary runs (started) or is stopped.
    #[serde(default = "yes")]
    pub running: bool,
}

fn handler() -> String {
    "canary.handler".into()
}
