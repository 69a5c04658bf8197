//! One CloudTrail management event as EventBridge delivers it to SQS.
//!
//! The SQS message body is the EventBridge event envelope (`version`, `id`, `detail-type`, `source`, `account`,
//! `time`, `region`, `resources`, `detail`), whose `detail` is the CloudTrail record ("AWS service events delivered
//! via AWS CloudTrail", https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-service-event-cloudtrail.html;
//! record fields: "CloudTrail record contents for management, data, and network activity events",
//! https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html).

use serde_json::Value;

/// Keys whose string values name a resource, searched at any depth of `requestParameters` (and of
/// `responseElements` of create/register calls, which return the new ID). From the services' CloudTrail examples
/// and API references: CloudTrail `name`/`trailName`/`trailARN`; GuardDuty `detectorId`; CloudWatch
/// `alarmName(s)`, `dashboardName(s)`; Logs `logGroupName`, `logGroupIdentifier`, `filterName`,
/// `queryDefinitionId`; SNS `topicArn`, `subscriptionArn`; EventBridge `name`/`rule`/`ruleName`; SSM `windowId`,
/// `windowTargetId`, `windowTaskId`, `baselineId`, `associationId`, document `name`, tag `resourceId`;
/// Security Hub `standardsSubscriptionArns`, `findingAggregatorArn`; Config `configurationRecorderName`,
/// `deliveryChannelName`, `configRuleName`; Access Analyzer `analyzerName`; Budgets `budgetName`; ECS `cluster`;
/// EKS `clusterName`; EC2 flow logs `flowLogId(s)`; S3 `bucketName`; Route 53 `healthCheckId`; tagging
/// `resourceArn` (Synthetics canaries are the top-level `name`).
/// Keys compare case-insensitively: CloudTrail records a service's request as its API spells it (Security Hub's
/// REST bodies are PascalCase, `StandardsSubscriptionArns`; EC2's `FlowLogId`). Keys naming things the operator keeps no ID of (a control ARN, an instance) are left out on purpose: an event
/// naming only such things is treated as account-level and goes to every owner of its sections.
const ID_KEYS: &[&str] = &[
    "trailName",
    "trailARN",
    "detectorId",
    "alarmName",
    "alarmNames",
    "dashboardName",
    "dashboardNames",
    "logGroupName",
    "logGroupIdentifier",
    "filterName",
    "queryDefinitionId",
    "topicArn",
    "subscriptionArn",
    "rule",
    "ruleName",
    "windowId",
    "windowTargetId",
    "windowTaskId",
    "baselineId",
    "associationId",
    "resourceId",
    "standardsSubscriptionArns",
    "standardsSubscriptionArn",
    "findingAggregatorArn",
    "configurationRecorderName",
    "deliveryChannelName",
    "configRuleName",
    "analyzerName",
    "budgetName",
    "cluster",
    "clusterName",
    "flowLogId",
    "flowLogIds",
    "bucketName",
    "healthCheckId",
    "resourceArn",
];

/// `name` names the resource only at the top of `requestParameters` / `responseElements` (a trail, a rule, a
/// document); deeper it is anything (a metric dimension's name), so it is read there only.
const TOP_LEVEL_ID_KEYS: &[&str] = &["name"];

/// A CloudTrail management event received from the change-event queue.
#[derive(Clone, Debug, PartialEq)]
pub struct ChangeEvent {
    /// EventBridge event ID (`id`).
    pub id: String,
    /// Account the call changed: `detail.recipientAccountId`, else the envelope's `account`.
    pub account: String,
    /// Region of the call: `detail.awsRegion`, else the envelope's `region`.
    pub region: String,
    /// `detail.eventSource` (`cloudtrail.amazonaws.com`).
    pub source: String,
    /// `detail.eventName` (`StopLogging`).
    pub name: String,
    /// `detail.eventTime`, else the envelope's `time`.
    pub time: Option<jiff::Timestamp>,
    /// `detail.userIdentity.arn`: who made the call.
    pub caller_arn: Option<String>,
    /// Resource names and IDs the call names (see [`ID_KEYS`]), sorted, deduplicated; empty for an account-level
    /// call (password policy, EBS encryption by default, account Block Public Access).
    pub identifiers: Vec<String>,
    /// `detail.errorCode` is present: the call failed and changed nothing.
    pub failed: bool,
}

fn str_at<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The strings a key's value holds: a string; each string of a list; EC2's `{"content": ...}` / `{"item": ...}`
/// wrappers (EC2 records its Query API parameters that way).
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) if !s.is_empty() => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => {
            for k in ["content", "item"] {
                if let Some(x) = o.get(k) {
                    strings(x, out);
                }
            }
        }
        _ => {}
    }
}

fn collect(v: &Value, top: bool, out: &mut Vec<String>) {
    match v {
        Value::Object(o) => {
            for (k, x) in o {
                let is = |keys: &[&str]| keys.iter().any(|x| x.eq_ignore_ascii_case(k));
                if is(ID_KEYS) || (top && is(TOP_LEVEL_ID_KEYS)) {
                    strings(x, out);
                } else {
                    collect(x, false, out);
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| collect(x, false, out)),
        _ => {}
    }
}

/// Calls whose `responseElements` name what they created (`CreateMaintenanceWindow` returns the `windowId`).
fn creates(name: &str) -> bool {
    ["Create", "Register", "Put", "Enable"]
        .iter()
        .any(|p| name.starts_with(p))
}

impl ChangeEvent {
    /// Read an SQS message body holding an EventBridge "AWS API Call via CloudTrail" event.
    pub fn parse(body: &str) -> Result<Self, String> {
        let v: Value = serde_json::from_str(body).map_err(|e| format!("not a JSON event: {e}"))?;
        match str_at(&v, "detail-type") {
            Some(super::pattern::DETAIL_TYPE) => {}
            other => return Err(format!("detail-type {other:?} is not an API call")),
        }
        let d = v
            .get("detail")
            .filter(|d| d.is_object())
            .ok_or("no detail")?;
        let field = |outer: &str, inner: &str| -> Result<String, String> {
            str_at(d, inner)
                .or_else(|| str_at(&v, outer))
                .map(str::to_string)
                .ok_or_else(|| format!("no {inner} / {outer}"))
        };
        let source = str_at(d, "eventSource").ok_or("no detail.eventSource")?;
        let name = str_at(d, "eventName").ok_or("no detail.eventName")?;
        let mut identifiers = Vec::new();
        if let Some(p) = d.get("requestParameters") {
            collect(p, true, &mut identifiers);
        }
        if creates(name) {
            if let Some(r) = d.get("responseElements") {
                collect(r, true, &mut identifiers);
            }
        }
        identifiers.sort();
        identifiers.dedup();
        Ok(Self {
            id: str_at(&v, "id").ok_or("no id")?.to_string(),
            account: field("account", "recipientAccountId")?,
            region: field("region", "awsRegion")?,
            source: source.to_string(),
            name: name.to_string(),
            time: str_at(d, "eventTime")
                .or_else(|| str_at(&v, "time"))
                .and_then(|t| t.parse().ok()),
            caller_arn: d
                .get("userIdentity")
                .and_then(|u| str_at(u, "arn"))
                .map(str::to_string),
            identifiers,
            failed: d.get("errorCode").is_some_and(|c| !c.is_null()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_what_is_not_an_api_call() {
        assert!(ChangeEvent::parse("nope").is_err());
        assert!(
            ChangeEvent::parse(r#"{"id":"1","detail-type":"Scheduled Event","detail":{}}"#)
                .is_err()
        );
        assert!(ChangeEvent::parse(
            r#"{"id":"1","account":"1","region":"r","detail-type":"AWS API Call via CloudTrail","detail":{"eventName":"X"}}"#
        )
        .is_err());
    }

    #[test]
    fn detail_account_and_region_win_over_the_envelope() {
        let e = ChangeEvent::parse(
            r#"{"id":"1","account":"111111111111","region":"eu-west-1","time":"2026-01-02T03:04:05Z",
                "detail-type":"AWS API Call via CloudTrail",
                "detail":{"eventSource":"logs.amazonaws.com","eventName":"PutRetentionPolicy",
                          "recipientAccountId":"222222222222","awsRegion":"eu-central-1",
                          "requestParameters":{"logGroupName":"/app/x","retentionInDays":1,
                                               "nested":{"name":"not an id"}}}}"#,
        )
        .unwrap();
        assert_eq!(e.account, "222222222222");
        assert_eq!(e.region, "eu-central-1");
        assert_eq!(e.identifiers, vec!["/app/x"]);
        assert_eq!(e.time, Some("2026-01-02T03:04:05Z".parse().unwrap()));
        assert!(!e.failed && e.caller_arn.is_none());
    }
}
