//! Elastic Load Balancing v2: find a load balancer and read or set its access-log attributes.

use crate::aws::error::{not_found_as_none, AwsError, AwsResultExt};
use crate::aws::operation::{act, read, write, Operation, MOTO};
use aws_sdk_elasticloadbalancingv2::types::LoadBalancerAttribute;
use aws_sdk_elasticloadbalancingv2::Client;

const SVC: &str = "elasticloadbalancingv2";

/// Attribute keys of the access logs (Application and Network Load Balancers).
const ENABLED: &str = "access_logs.s3.enabled";
const BUCKET: &str = "access_logs.s3.bucket";
const PREFIX: &str = "access_logs.s3.prefix";

/// A load balancer as DescribeLoadBalancers reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadBalancer {
    /// ARN.
    pub arn: String,
    /// Name.
    pub name: String,
}

/// A load balancer's access-log attributes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccessLogs {
    /// `access_logs.s3.enabled` is `true`.
    pub enabled: bool,
    /// `access_logs.s3.bucket` (empty when never set).
    pub bucket: String,
    /// `access_logs.s3.prefix`.
    pub prefix: String,
}

/// DescribeLoadBalancers by ARN or by name; `None` when it does not exist.
pub async fn find(
    client: &Client,
    arn: Option<&str>,
    name: Option<&str>,
) -> Result<Option<LoadBalancer>, AwsError> {
    let mut req = client.describe_load_balancers();
    if let Some(a) = arn {
        req = req.load_balancer_arns(a);
    }
    if let Some(n) = name {
        req = req.names(n);
    }
    let out = not_found_as_none(
        req.send().await.aws(SVC, "DescribeLoadBalancers"),
        &["LoadBalancerNotFound"],
    )?;
    Ok(out.and_then(|o| {
        o.load_balancers().first().map(|lb| LoadBalancer {
            arn: lb.load_balancer_arn().unwrap_or_default().to_string(),
            name: lb.load_balancer_name().unwrap_or_default().to_string(),
        })
    }))
}

/// DescribeLoadBalancerAttributes: the access-log attributes.
pub async fn access_logs(client: &Client, arn: &str) -> Result<AccessLogs, AwsError> {
    let out = client
        .describe_load_balancer_attributes()
        .load_balancer_arn(arn)
        .send()
        .await
        .aws(SVC, "DescribeLoadBalancerAttributes")?;
    let get = |key: &str| {
        out.attributes()
            .iter()
            .find(|a| a.key() == Some(key))
            .and_then(|a| a.value())
            .unwrap_or_default()
            .to_string()
    };
    Ok(AccessLogs {
        enabled: get(ENABLED) == "true",
        bucket: get(BUCKET),
        prefix: get(PREFIX),
    })
}

/// ModifyLoadBalancerAttributes: access logs on into `bucket`/`prefix`, or off (bucket and prefix left as they are).
pub async fn set_access_logs(
    client: &Client,
    arn: &str,
    on: Option<(&str, &str)>,
) -> Result<(), AwsError> {
    let attr = |k: &str, v: &str| LoadBalancerAttribute::builder().key(k).value(v).build();
    let mut req = client
        .modify_load_balancer_attributes()
        .load_balancer_arn(arn)
        .attributes(attr(ENABLED, if on.is_some() { "true" } else { "false" }));
    if let Some((bucket, prefix)) = on {
        req = req
            .attributes(attr(BUCKET, bucket))
            .attributes(attr(PREFIX, prefix));
    }
    req.send().await.aws(SVC, "ModifyLoadBalancerAttributes")?;
    Ok(())
}

/// The AWS operations this module calls: the IAM permissions each needs, the spec sections whose
/// reconciliation calls it, and the test that exercises it (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    // Access logs of declared load balancers (never created or deleted by the operator).
    read(
        SVC,
        "DescribeLoadBalancerAttributes",
        MOTO,
        &[act("elasticloadbalancing:DescribeLoadBalancerAttributes")],
        &["AccountBaseline.accessLogs.loadBalancers"],
    ),
    read(
        SVC,
        "DescribeLoadBalancers",
        MOTO,
        &[act("elasticloadbalancing:DescribeLoadBalancers")],
        &["AccountBaseline.accessLogs.loadBalancers"],
    ),
    write(
        SVC,
        "ModifyLoadBalancerAttributes",
        MOTO,
        &[act("elasticloadbalancing:ModifyLoadBalancerAttributes")],
        &[
            "AccountBaseline.accessLogs.loadBalancers#correct",
            "AccountBaseline.accessLogs.loadBalancers#delete",
        ],
    ),
];

/// How CloudTrail records the writes that change what this module manages (see [`crate::change_events`]).
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("elasticloadbalancing.amazonaws.com");
