//! Access logs: S3 server access logging of declared buckets and access logs of declared load balancers, and the
//! bucket-policy statements that let the logging services write into the log buckets.
//!
//! Sources: Amazon S3 User Guide, "Enabling Amazon S3 server access logging" (grant `logging.s3.amazonaws.com`
//! `s3:PutObject` on the destination, conditioned on the source bucket and account; destination in the same region
//! and account); Elastic Load Balancing User Guide for Application Load Balancers, "Enable access logs" (step 2,
//! the bucket policy: the regional Elastic Load Balancing account for regions available before August 2022, the
//! `logdelivery.elasticloadbalancing.amazonaws.com` service principal for the others; objects under
//! `bucket[/prefix]/AWSLogs/<account>/`).

use crate::api::account_baseline::{AccessLogsSpec, BucketAccessLogs, LoadBalancerAccessLogs};
use crate::diff::Fields;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Server access logging of the declared buckets (per region).
pub const S3_COMPONENT: &str = "s3AccessLogs";
/// Access logs of the declared load balancers (per region).
pub const ELB_COMPONENT: &str = "elbAccessLogs";
/// The log buckets and their delivery statements (per region).
pub const BUCKET_COMPONENT: &str = "accessLogBucket";
/// The policy field of a log bucket (`accessLogBucket.<bucket>.deliveryPolicy`).
pub const POLICY_FIELD: &str = "deliveryPolicy";

/// The region of a bucket entry.
pub fn bucket_region<'a>(b: &'a BucketAccessLogs, home: &'a str) -> &'a str {
    b.region.as_deref().unwrap_or(home)
}

/// The region of a load balancer entry (its ARN's, else `region`, else home).
pub fn lb_region<'a>(lb: &'a LoadBalancerAccessLogs, home: &'a str) -> &'a str {
    lb.arn
        .as_deref()
        .and_then(|a| a.split(':').nth(3))
        .or(lb.region.as_deref())
        .unwrap_or(home)
}

/// The name of a load balancer entry (`arn:...:loadbalancer/app/<name>/<id>` for an ARN).
pub fn lb_name(lb: &LoadBalancerAccessLogs) -> &str {
    match (&lb.name, &lb.arn) {
        (Some(n), _) => n,
        (None, Some(a)) => a.rsplit('/').nth(1).unwrap_or(a),
        (None, None) => "",
    }
}

/// The regions the entries live in, sorted.
pub fn regions(spec: &AccessLogsSpec, home: &str) -> Vec<String> {
    let mut r: Vec<String> = spec
        .buckets
        .iter()
        .map(|b| bucket_region(b, home).to_string())
        .chain(
            spec.load_balancers
                .iter()
                .map(|l| lb_region(l, home).to_string()),
        )
        .collect();
    r.sort();
    r.dedup();
    r
}

/// The log buckets of `region` with the statements each needs (S3 server access logging of its sources, load
/// balancer delivery of its prefixes, TLS-only access), by bucket name.
pub fn log_buckets(
    spec: &AccessLogsSpec,
    home: &str,
    region: &str,
    account: &str,
) -> BTreeMap<String, Vec<Value>> {
    let partition = crate::aws::partition(region);
    let mut out: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for b in spec
        .buckets
        .iter()
        .filter(|b| bucket_region(b, home) == region)
    {
        out.entry(b.target_bucket.clone())
            .or_default()
            .push(s3_statement(partition, account, b));
    }
    for lb in spec
        .load_balancers
        .iter()
        .filter(|l| lb_region(l, home) == region)
    {
        let st = elb_statement(partition, account, region, &lb.bucket, &lb.prefix);
        let v = out.entry(lb.bucket.clone()).or_default();
        if !v.iter().any(|o| o.get("Sid") == st.get("Sid")) {
            v.push(st);
        }
    }
    for (bucket, v) in out.iter_mut() {
        v.push(crate::baseline::cloudtrail::deny_insecure_transport(
            partition, bucket,
        ));
    }
    out
}

/// FNV-1a, so statement IDs stay the same across versions and builds.
fn fnv(s: &str) -> u32 {
    s.bytes().fold(0x811c_9dc5, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

/// `Sid`s hold letters and digits only; the hash keeps two names that differ in `-`/`.` apart.
fn sid(prefix: &str, name: &str) -> String {
    let alnum: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{prefix}{alnum}{:08x}", fnv(name))
}

/// The S3 logging service may put objects under the source's prefix, for that source bucket and account only.
/// One statement per source, with a single `Resource` string (moto 5.2.5 checks the target's policy for exactly
/// `arn:<partition>:s3:::<target>/<prefix>*` before it accepts PutBucketLogging).
pub fn s3_statement(partition: &str, account: &str, b: &BucketAccessLogs) -> Value {
    json!({
        "Sid": sid("S3ServerAccessLogs", &b.name),
        "Effect": "Allow",
        "Principal": {"Service": "logging.s3.amazonaws.com"},
        "Action": "s3:PutObject",
        "Resource": format!("arn:{partition}:s3:::{}/{}*", b.target_bucket, b.target_prefix),
        "Condition": {
            "ArnLike": {"aws:SourceArn": format!("arn:{partition}:s3:::{}", b.name)},
            "StringEquals": {"aws:SourceAccount": account}
        }
    })
}

/// Elastic Load Balancing's account in the regions available before August 2022; the others use the
/// `logdelivery.elasticloadbalancing.amazonaws.com` service principal.
const ELB_ACCOUNTS: &[(&str, &str)] = &[
    ("us-east-1", "127311923021"),
    ("us-east-2", "033677994240"),
    ("us-west-1", "027434742980"),
    ("us-west-2", "797873946194"),
    ("af-south-1", "098369216593"),
    ("ap-east-1", "754344448648"),
    ("ap-southeast-3", "589379963580"),
    ("ap-south-1", "718504428378"),
    ("ap-northeast-3", "383597477331"),
    ("ap-northeast-2", "600734575887"),
    ("ap-southeast-1", "114774131450"),
    ("ap-southeast-2", "783225319266"),
    ("ap-northeast-1", "582318560864"),
    ("ca-central-1", "985666609251"),
    ("eu-central-1", "054676820928"),
    ("eu-west-1", "156460612806"),
    ("eu-west-2", "652711504416"),
    ("eu-south-1", "635631232127"),
    ("eu-west-3", "009996457667"),
    ("eu-north-1", "897822967062"),
    ("me-south-1", "076674570225"),
    ("sa-east-1", "507241528517"),
    ("us-gov-west-1", "048591011584"),
    ("us-gov-east-1", "190560391635"),
    ("cn-north-1", "638102146993"),
    ("cn-northwest-1", "037604701340"),
];

/// Load balancer log delivery may put objects under `bucket[/prefix]/AWSLogs/<account>/`.
pub fn elb_statement(
    partition: &str,
    account: &str,
    region: &str,
    bucket: &str,
    prefix: &str,
) -> Value {
    let principal = match ELB_ACCOUNTS.iter().find(|(r, _)| *r == region) {
        Some((_, elb)) => json!({"AWS": format!("arn:{partition}:iam::{elb}:root")}),
        None => json!({"Service": "logdelivery.elasticloadbalancing.amazonaws.com"}),
    };
    let path = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}/")
    };
    json!({
        "Sid": sid("ElbAccessLogs", if prefix.is_empty() { "/" } else { prefix }),
        "Effect": "Allow",
        "Principal": principal,
        "Action": "s3:PutObject",
        "Resource": format!("arn:{partition}:s3:::{bucket}/{path}AWSLogs/{account}/*")
    })
}

/// Desired fields of the declared buckets of a region. Logging found off is one drift (`enabled`), not three.
pub fn s3_desired(
    entries: &[&BucketAccessLogs],
    actual: &BTreeMap<String, Option<(String, String)>>,
) -> Fields {
    let mut f = Fields::new();
    for b in entries {
        let p = format!("{S3_COMPONENT}.{}", b.name);
        f.insert(format!("{p}.enabled"), json!(true));
        if actual.get(&b.name).is_some_and(Option::is_some) {
            f.insert(format!("{p}.targetBucket"), json!(b.target_bucket));
            f.insert(format!("{p}.targetPrefix"), json!(b.target_prefix));
        }
    }
    f
}

/// Observed fields of the declared buckets: `(target bucket, prefix)` or `None` (logging off).
pub fn s3_observed(actual: &BTreeMap<String, Option<(String, String)>>) -> Fields {
    let mut f = Fields::new();
    for (name, l) in actual {
        let p = format!("{S3_COMPONENT}.{name}");
        f.insert(format!("{p}.enabled"), json!(l.is_some()));
        if let Some((t, prefix)) = l {
            f.insert(format!("{p}.targetBucket"), json!(t));
            f.insert(format!("{p}.targetPrefix"), json!(prefix));
        }
    }
    f
}

/// Observed access logs of one load balancer: `(enabled, bucket, prefix)`.
pub type LbLogs = (bool, String, String);

/// Desired fields of the declared load balancers of a region, by name.
pub fn elb_desired(
    entries: &[&LoadBalancerAccessLogs],
    actual: &BTreeMap<String, LbLogs>,
) -> Fields {
    let mut f = Fields::new();
    for lb in entries {
        let name = lb_name(lb);
        let p = format!("{ELB_COMPONENT}.{name}");
        f.insert(format!("{p}.enabled"), json!(true));
        if actual.get(name).is_some_and(|a| a.0) {
            f.insert(format!("{p}.bucket"), json!(lb.bucket));
            f.insert(format!("{p}.prefix"), json!(lb.prefix));
        }
    }
    f
}

/// Observed fields of the declared load balancers, by name.
pub fn elb_observed(actual: &BTreeMap<String, LbLogs>) -> Fields {
    let mut f = Fields::new();
    for (name, (on, bucket, prefix)) in actual {
        let p = format!("{ELB_COMPONENT}.{name}");
        f.insert(format!("{p}.enabled"), json!(on));
        if *on {
            f.insert(format!("{p}.bucket"), json!(bucket));
            f.insert(format!("{p}.prefix"), json!(prefix));
        }
    }
    f
}

/// The resources (bucket names, load balancer keys) whose fields drifted.
pub fn drifted(component: &str, drift: &[crate::diff::FieldDrift]) -> Vec<String> {
    let mut out: Vec<String> = drift
        .iter()
        .filter_map(|d| {
            d.field
                .strip_prefix(&format!("{component}."))
                .and_then(|rest| rest.rsplit_once('.'))
                .map(|(name, _)| name.to_string())
        })
        .collect();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    fn spec() -> AccessLogsSpec {
        serde_json::from_value(json!({
            "buckets": [
                {"name": "app-data", "targetBucket": "logs-use1", "targetPrefix": "s3/app-data/"},
                {"name": "reports", "targetBucket": "logs-euw1", "targetPrefix": "", "region": "eu-west-1"}
            ],
            "loadBalancers": [
                {"name": "checkout", "bucket": "logs-use1", "prefix": "alb/checkout"},
                {"arn": "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api/50dc6c495c0c9188", "bucket": "logs-euw1", "prefix": ""},
                {"arn": "arn:aws:elasticloadbalancing:ap-southeast-5:111111111111:loadbalancer/app/new/50dc6c495c0c9188", "bucket": "logs-new", "prefix": "x"}
            ]
        }))
        .unwrap()
    }

    #[test]
    fn entries_live_in_their_region() {
        let s = spec();
        assert_eq!(
            regions(&s, "us-east-1"),
            vec!["ap-southeast-5", "eu-west-1", "us-east-1"]
        );
        assert_eq!(lb_name(&s.load_balancers[1]), "api");
        assert_eq!(lb_region(&s.load_balancers[1], "us-east-1"), "eu-west-1");
    }

    #[test]
    fn log_bucket_statements_grant_each_delivery_and_deny_plain_http() {
        let s = spec();
        let b = log_buckets(&s, "us-east-1", "us-east-1", "111111111111");
        let st = &b["logs-use1"];
        assert_eq!(st.len(), 3, "{st:?}");
        assert_eq!(st[0]["Principal"]["Service"], "logging.s3.amazonaws.com");
        assert_eq!(st[0]["Resource"], "arn:aws:s3:::logs-use1/s3/app-data/*");
        assert_eq!(
            st[0]["Condition"]["ArnLike"]["aws:SourceArn"],
            "arn:aws:s3:::app-data"
        );
        // us-east-1 predates August 2022: its Elastic Load Balancing account.
        assert_eq!(st[1]["Principal"]["AWS"], "arn:aws:iam::127311923021:root");
        assert_eq!(
            st[1]["Resource"],
            "arn:aws:s3:::logs-use1/alb/checkout/AWSLogs/111111111111/*"
        );
        assert_eq!(st[2]["Sid"], "DenyInsecureTransport");
        // Statement IDs are letters and digits, and stable.
        let sid = st[0]["Sid"].as_str().unwrap();
        assert!(sid.chars().all(|c| c.is_ascii_alphanumeric()), "{sid}");
        assert_eq!(
            sid,
            s3_statement("aws", "111111111111", &s.buckets[0])["Sid"]
        );
        // No prefix: straight under AWSLogs.
        let eu = log_buckets(&s, "us-east-1", "eu-west-1", "111111111111");
        assert_eq!(
            eu["logs-euw1"][1]["Resource"],
            "arn:aws:s3:::logs-euw1/AWSLogs/111111111111/*"
        );
        // A region opened later: the service principal.
        let new = log_buckets(&s, "us-east-1", "ap-southeast-5", "111111111111");
        assert_eq!(
            new["logs-new"][0]["Principal"]["Service"],
            "logdelivery.elasticloadbalancing.amazonaws.com"
        );
    }

    #[test]
    fn logging_off_is_one_drift_and_a_wrong_target_is_field_level() {
        let s = spec();
        let entries: Vec<&BucketAccessLogs> = s.buckets.iter().take(1).collect();
        let off = BTreeMap::from([("app-data".to_string(), None)]);
        let d = diff(
            S3_COMPONENT,
            &s3_desired(&entries, &off),
            &s3_observed(&off),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "s3AccessLogs.app-data.enabled");
        assert_eq!(
            crate::baseline::controls::controls_for(&d[0].field),
            vec!["S3.9"]
        );
        let elsewhere = BTreeMap::from([(
            "app-data".to_string(),
            Some(("other".to_string(), "s3/app-data/".to_string())),
        )]);
        let d = diff(
            S3_COMPONENT,
            &s3_desired(&entries, &elsewhere),
            &s3_observed(&elsewhere),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "s3AccessLogs.app-data.targetBucket");
        assert_eq!(drifted(S3_COMPONENT, &d), vec!["app-data"]);
    }

    #[test]
    fn load_balancer_fields() {
        let s = spec();
        let entries: Vec<&LoadBalancerAccessLogs> = s.load_balancers.iter().take(1).collect();
        let off = BTreeMap::from([(
            "checkout".to_string(),
            (false, String::new(), String::new()),
        )]);
        let d = diff(
            ELB_COMPONENT,
            &elb_desired(&entries, &off),
            &elb_observed(&off),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "elbAccessLogs.checkout.enabled");
        assert_eq!(
            crate::baseline::controls::controls_for(&d[0].field),
            vec!["ELB.5"]
        );
        let on = BTreeMap::from([(
            "checkout".to_string(),
            (true, "logs-use1".to_string(), "alb/checkout".to_string()),
        )]);
        assert!(diff(
            ELB_COMPONENT,
            &elb_desired(&entries, &on),
            &elb_observed(&on)
        )
        .is_empty());
    }
}
