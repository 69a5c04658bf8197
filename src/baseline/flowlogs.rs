//! VPC flow log rules: every selected VPC delivers flow logs to the declared destination.
//!
//! A flow log cannot be modified, so a drifted one this baseline created (proven by its tags) is replaced: deleted
//! and created again. A drifted one it did not create is never deleted; the drift stays and the component reports
//! why. Flow logs this baseline created that no longer match (the VPC left the selection, the destination
//! changed) are deleted.

use crate::api::account_baseline::VpcFlowLogsSpec;
use crate::api::common::Owner;
use crate::aws::flowlogs::{FlowLogConfig, FlowLogState};
use crate::aws::operation::VPC_FLOW_LOGS_PRINCIPAL;
use crate::diff::{FieldDrift, Fields};
use crate::engine::role::{self, OwnedRole};
use serde_json::json;
use std::collections::BTreeMap;

/// Component name.
pub const COMPONENT: &str = "vpcFlowLogs";

/// Component name of the delivery role the operator creates (`cloudWatchLogs.createRole`).
pub const ROLE_COMPONENT: &str = "vpcFlowLogsRole";

/// The CloudWatch Logs delivery role the operator creates (`cloudWatchLogs.createRole`): trusted by VPC Flow Logs for
/// this account's flow logs only, allowed what the Amazon VPC user guide's "IAM role for publishing flow logs to
/// CloudWatch Logs" grants (https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-iam-role.html), limited to the
/// declared log group (flow logs are regional: the group of that name in any region).
pub fn delivery_role(
    spec: &VpcFlowLogsSpec,
    account: &str,
    partition: &str,
    owner: &Owner,
) -> Option<OwnedRole> {
    let cw = spec.cloud_watch_logs.as_ref().filter(|c| c.create_role)?;
    let group = format!(
        "arn:{partition}:logs:*:{account}:log-group:{}",
        cw.log_group_name
    );
    Some(OwnedRole {
        component: ROLE_COMPONENT,
        name: role::role_name("flow-logs", owner),
        description: format!(
            "VPC flow logs delivery to CloudWatch Logs group {} (aws-baseline-operator)",
            cw.log_group_name
        ),
        trust: role::trust_policy(
            VPC_FLOW_LOGS_PRINCIPAL,
            account,
            Some(&format!("arn:{partition}:ec2:*:{account}:vpc-flow-log/*")),
        ),
        policy: json!({
            "Version": "2012-10-17",
            "Statement": [
                {"Sid": "DeliverFlowLogs", "Effect": "Allow",
                 "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                 "Resource": [group.clone(), format!("{group}:*")]},
                {"Sid": "FindTheLogGroup", "Effect": "Allow", "Action": ["logs:DescribeLogGroups"],
                 "Resource": format!("arn:{partition}:logs:*:{account}:log-group:*")},
            ]
        }),
    })
}

/// The spec with the delivery role the operator creates filled in as `deliverLogsPermissionArn`.
pub fn resolved(
    spec: &VpcFlowLogsSpec,
    account: &str,
    partition: &str,
    owner: &Owner,
) -> VpcFlowLogsSpec {
    let mut out = spec.clone();
    if let Some(r) = delivery_role(spec, account, partition, owner) {
        if let Some(cw) = out.cloud_watch_logs.as_mut() {
            cw.deliver_logs_permission_arn = Some(role::role_arn(partition, account, &r.name));
        }
    }
    out
}

/// What new flow logs deliver where.
pub fn config(spec: &VpcFlowLogsSpec) -> FlowLogConfig {
    FlowLogConfig {
        cloud_watch_logs: spec.cloud_watch_logs.as_ref().map(|c| {
            (
                c.log_group_name.clone(),
                c.deliver_logs_permission_arn.clone().unwrap_or_default(),
            )
        }),
        s3_bucket_arn: spec.s3.as_ref().map(|s| s.bucket_arn.clone()),
        traffic_type: spec.traffic_type.as_str().to_string(),
        log_format: spec.log_format.clone(),
        max_aggregation_interval: spec.max_aggregation_interval,
    }
}

/// True when a flow log delivers to the declared destination.
pub fn same_destination(spec: &VpcFlowLogsSpec, f: &FlowLogState) -> bool {
    match (&spec.cloud_watch_logs, &spec.s3) {
        (Some(c), _) => {
            f.destination_type == "cloud-watch-logs"
                && f.log_group_name.as_deref() == Some(c.log_group_name.as_str())
        }
        (None, Some(s)) => {
            f.destination_type == "s3"
                && f.destination.as_deref().map(|d| d.trim_end_matches('/'))
                    == Some(s.bucket_arn.trim_end_matches('/'))
        }
        (None, None) => false,
    }
}

/// The flow log standing for one VPC: (flow log ID, created by this owner).
pub type Chosen = Option<(String, bool)>;

/// Desired and observed fields of one region, the flow log chosen for each VPC and the stale ones to delete.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Assessment {
    /// Desired fields.
    pub desired: Fields,
    /// Observed fields.
    pub observed: Fields,
    /// VPC -> the flow log delivering to the declared destination (this owner's preferred).
    pub chosen: BTreeMap<String, Chosen>,
    /// This owner's flow logs that match no selected VPC and destination.
    pub stale: Vec<String>,
}

/// Compare the selected VPCs' flow logs (`logs`, by resource ID) and this owner's (`ours`, by tag) with the spec.
pub fn assess(
    spec: &VpcFlowLogsSpec,
    vpcs: &[String],
    logs: &[FlowLogState],
    ours: &[FlowLogState],
    owns: impl Fn(&FlowLogState) -> bool,
) -> Assessment {
    let c = COMPONENT;
    let mut a = Assessment::default();
    let mut used = Vec::new();
    for vpc in vpcs {
        let p = format!("{c}.{vpc}");
        a.desired.insert(format!("{p}.exists"), json!(true));
        a.desired.insert(
            format!("{p}.trafficType"),
            json!(spec.traffic_type.as_str()),
        );
        a.desired.insert(
            format!("{p}.maxAggregationInterval"),
            json!(spec.max_aggregation_interval),
        );
        if let Some(fmt) = &spec.log_format {
            a.desired.insert(format!("{p}.logFormat"), json!(fmt));
        }
        if let Some(cw) = &spec.cloud_watch_logs {
            a.desired.insert(
                format!("{p}.deliverLogsPermissionArn"),
                json!(cw.deliver_logs_permission_arn),
            );
        }
        let mut matching: Vec<&FlowLogState> = logs
            .iter()
            .filter(|f| &f.resource_id == vpc && same_destination(spec, f))
            .collect();
        matching.sort_by_key(|f| (!owns(f), f.id.clone()));
        let Some(f) = matching.first() else {
            a.observed.insert(format!("{p}.exists"), json!(false));
            a.chosen.insert(vpc.clone(), None);
            continue;
        };
        used.push(f.id.clone());
        a.chosen.insert(vpc.clone(), Some((f.id.clone(), owns(f))));
        a.observed.insert(format!("{p}.exists"), json!(true));
        a.observed
            .insert(format!("{p}.trafficType"), json!(f.traffic_type));
        a.observed.insert(
            format!("{p}.maxAggregationInterval"),
            json!(f.max_aggregation_interval),
        );
        a.observed
            .insert(format!("{p}.logFormat"), json!(f.log_format));
        a.observed.insert(
            format!("{p}.deliverLogsPermissionArn"),
            json!(f.deliver_logs_permission_arn),
        );
    }
    for f in ours {
        if !used.contains(&f.id) && !a.stale.contains(&f.id) {
            a.stale.push(f.id.clone());
            a.desired
                .insert(format!("{c}.{}.exists", f.id), json!(false));
            a.observed
                .insert(format!("{c}.{}.exists", f.id), json!(true));
        }
    }
    a
}

/// The writes that remove the drift.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plan {
    /// DeleteFlowLogs (this owner's only): replaced and stale flow logs.
    pub delete: Vec<String>,
    /// CreateFlowLogs for these VPCs (one call).
    pub create: Vec<String>,
    /// Drifted flow logs the operator did not create: (VPC, flow log ID), left as they are.
    pub blocked: Vec<(String, String)>,
}

/// Plan the writes for `drift`.
pub fn plan(a: &Assessment, drift: &[FieldDrift]) -> Plan {
    let mut p = Plan::default();
    let prefix = format!("{COMPONENT}.");
    for d in drift {
        let Some((key, _)) = d
            .field
            .strip_prefix(&prefix)
            .and_then(|r| r.split_once('.'))
        else {
            continue;
        };
        if a.stale.iter().any(|s| s == key) {
            if !p.delete.iter().any(|x| x == key) {
                p.delete.push(key.to_string());
            }
            continue;
        }
        if p.create.iter().any(|v| v == key) || p.blocked.iter().any(|(v, _)| v == key) {
            continue;
        }
        match a.chosen.get(key) {
            Some(None) => p.create.push(key.to_string()),
            Some(Some((id, true))) => {
                p.delete.push(id.clone());
                p.create.push(key.to_string());
            }
            Some(Some((id, false))) => p.blocked.push((key.to_string(), id.clone())),
            None => {}
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff_resources;

    fn spec(v: serde_json::Value) -> VpcFlowLogsSpec {
        serde_json::from_value(v).unwrap()
    }

    fn log(id: &str, vpc: &str, group: &str, traffic: &str, owner: &str) -> FlowLogState {
        FlowLogState {
            id: id.into(),
            resource_id: vpc.into(),
            traffic_type: traffic.into(),
            destination_type: "cloud-watch-logs".into(),
            log_group_name: Some(group.into()),
            deliver_logs_permission_arn: Some("arn:aws:iam::1:role/fl".into()),
            max_aggregation_interval: Some(600),
            tags: BTreeMap::from([("owner".to_string(), owner.to_string())]),
            ..Default::default()
        }
    }

    fn cw_spec() -> VpcFlowLogsSpec {
        spec(
            json!({"cloudWatchLogs": {"logGroupName": "/vpc/flow", "deliverLogsPermissionArn": "arn:aws:iam::1:role/fl"}}),
        )
    }

    fn ours(f: &FlowLogState) -> bool {
        f.tags.get("owner").map(String::as_str) == Some("me")
    }

    #[test]
    fn a_vpc_without_flow_logs_is_one_drift_and_one_create() {
        let s = cw_spec();
        let vpcs = vec!["vpc-1".to_string(), "vpc-2".to_string()];
        let logs = vec![log("fl-1", "vpc-1", "/vpc/flow", "ALL", "me")];
        let a = assess(&s, &vpcs, &logs, &logs, ours);
        let d = diff_resources(&a.desired, &a.observed);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].field, "vpcFlowLogs.vpc-2.exists");
        assert_eq!(
            plan(&a, &d),
            Plan {
                create: vec!["vpc-2".into()],
                ..Default::default()
            }
        );
    }

    #[test]
    fn a_drifted_own_flow_log_is_replaced_a_foreign_one_is_blocked() {
        let s = spec(
            json!({"cloudWatchLogs": {"logGroupName": "/vpc/flow", "deliverLogsPermissionArn": "arn:aws:iam::1:role/fl"}, "trafficType": "REJECT"}),
        );
        let vpcs = vec!["vpc-1".to_string(), "vpc-2".to_string()];
        let logs = vec![
            log("fl-1", "vpc-1", "/vpc/flow", "ALL", "me"),
            log("fl-2", "vpc-2", "/vpc/flow", "ACCEPT", "someone"),
            // Another destination: not this baseline's concern.
            log("fl-3", "vpc-2", "/other", "ALL", "someone"),
        ];
        let a = assess(&s, &vpcs, &logs, &logs[..1], ours);
        let d = diff_resources(&a.desired, &a.observed);
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            vec![
                "vpcFlowLogs.vpc-1.trafficType",
                "vpcFlowLogs.vpc-2.trafficType"
            ]
        );
        assert_eq!(
            plan(&a, &d),
            Plan {
                delete: vec!["fl-1".into()],
                create: vec!["vpc-1".into()],
                blocked: vec![("vpc-2".into(), "fl-2".into())],
            }
        );
    }

    #[test]
    fn own_flow_logs_of_unselected_vpcs_are_deleted() {
        let s = cw_spec();
        let mine = vec![
            log("fl-1", "vpc-1", "/vpc/flow", "ALL", "me"),
            log("fl-9", "vpc-gone", "/vpc/flow", "ALL", "me"),
        ];
        let a = assess(&s, &["vpc-1".to_string()], &mine[..1], &mine, ours);
        let d = diff_resources(&a.desired, &a.observed);
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "vpcFlowLogs.fl-9.exists");
        assert_eq!(
            plan(&a, &d),
            Plan {
                delete: vec!["fl-9".into()],
                ..Default::default()
            }
        );
    }

    #[test]
    fn s3_destinations_compare_by_bucket_arn() {
        let s = spec(json!({"s3": {"bucketArn": "arn:aws:s3:::flow-logs/vpc"}}));
        let f = FlowLogState {
            destination_type: "s3".into(),
            destination: Some("arn:aws:s3:::flow-logs/vpc/".into()),
            ..Default::default()
        };
        assert!(same_destination(&s, &f));
        assert!(!same_destination(&cw_spec(), &f));
    }
}
