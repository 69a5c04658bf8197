//! The `accessLogs` section of an AccountBaseline: S3 server access logging and load balancer access logs.

use kube::KubeSchema;
use serde::{Deserialize, Serialize};

/// Access logs for declared S3 buckets and load balancers, delivered into log buckets whose bucket policy lets the
/// logging services write. The buckets and load balancers must exist: the operator turns their logging on, it
/// never creates them (a missing one is a component error). A log bucket that does not exist is created like the
/// trail's (tagged, versioned, SSE-S3 encrypted, private; never deleted); one that exists is adopted, and the
/// delivery statements are merged into its policy, keeping everyone else's. Logging the operator turned on is
/// turned off again when the object is deleted under `deletionPolicy: Delete` (status records which it turned on);
/// logging that was on before is left as it is.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("size(self.buckets) + size(self.loadBalancers) >= 1").message("declare at least one bucket or load balancer"))]
pub struct AccessLogsSpec {
    /// S3 server access logging (Security Hub S3.9). The source and the log bucket must be in the same region
    /// and account.
    #[serde(default)]
    #[schemars(length(max = 100))]
    #[schemars(extend("x-kubernetes-list-type" = "map", "x-kubernetes-list-map-keys" = ["name"]))]
    pub buckets: Vec<BucketAccessLogs>,
    /// Application (and Network) Load Balancer access logs (Security Hub ELB.5), through Elastic Load Balancing v2
    /// attributes; Classic Load Balancers are not covered. The log bucket must be in the load balancer's region.
    #[serde(default)]
    #[schemars(length(max = 100))]
    pub load_balancers: Vec<LoadBalancerAccessLogs>,
}

/// Server access logging of one S3 bucket.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.name != self.targetBucket").message("a bucket must not log into itself (each log delivery would be logged again)"))]
pub struct BucketAccessLogs {
    /// The bucket whose requests are logged (must exist).
    #[schemars(
        length(min = 3, max = 63),
        regex(pattern = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
    )]
    pub name: String,
    /// The log bucket the access logs go to.
    #[schemars(
        length(min = 3, max = 63),
        regex(pattern = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
    )]
    pub target_bucket: String,
    /// Key prefix of the log objects, e.g. `s3/app-data/` (empty: the bucket's root).
    #[serde(default)]
    #[schemars(length(max = 512))]
    pub target_prefix: String,
    /// The region of both buckets; defaults to the home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))]
    pub region: Option<String>,
}

/// Access logs of one Elastic Load Balancing v2 load balancer. Exactly one of `arn` and `name`.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.arn) != has(self.name)").message("set exactly one of arn or name"))]
#[x_kube(validation = Rule::new("!has(self.arn) || !has(self.region)").message("region comes from the arn"))]
#[x_kube(validation = Rule::new("!self.prefix.contains('AWSLogs') && !self.prefix.startsWith('/') && !self.prefix.endsWith('/')").message("prefix must not contain AWSLogs nor start or end with /"))]
pub struct LoadBalancerAccessLogs {
    /// The load balancer's ARN (its region is the ARN's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(
        pattern = r"^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:[0-9]{12}:loadbalancer/.+$"
    ))]
    pub arn: Option<String>,
    /// The load balancer's name, in `region`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 32))]
    pub name: Option<String>,
    /// The region of a load balancer given by name; defaults to the home region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$"))]
    pub region: Option<String>,
    /// The log bucket (in the load balancer's region).
    #[schemars(
        length(min = 3, max = 63),
        regex(pattern = r"^[a-z0-9][a-z0-9.-]*[a-z0-9]$")
    )]
    pub bucket: String,
    /// Key prefix, e.g. `alb/checkout` (no leading or trailing `/`, no `AWSLogs`; empty: none).
    #[serde(default)]
    #[schemars(length(max = 256))]
    pub prefix: String,
}
