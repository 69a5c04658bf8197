//! The `cloudTrail` section of an AccountBaseline: the trail, its delivery and its event selectors.

use super::yes;
use kube::KubeSchema;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A CloudTrail trail, managed in the home region.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailSpec {
    /// Trail name. A trail with this name that the operator did not create is adopted, never duplicated.
    #[schemars(regex(pattern = r"^[A-Za-z0-9][A-Za-z0-9._-]{2,127}$"))]
    pub name: String,
    /// Record events in every region (CloudTrail.1, CIS 3.1).
    #[serde(default = "yes")]
    pub multi_region: bool,
    /// Include events from global services such as IAM.
    #[serde(default = "yes")]
    pub include_global_service_events: bool,
    /// Write digest files so log integrity can be validated (CloudTrail.4, CIS 3.2).
    #[serde(default = "yes")]
    pub log_file_validation: bool,
    /// Where log files are delivered.
    pub s3: CloudTrailBucket,
    /// KMS key (ID, ARN or alias) that encrypts log files (CloudTrail.2, CIS 3.7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
    /// Also deliver events to CloudWatch Logs (CloudTrail.5, CIS 3.4).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud_watch_logs: Option<CloudWatchLogsDelivery>,
    /// Which management events are recorded. Defaults to all read and write events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_events: Option<ManagementEvents>,
    /// Data events recorded through advanced event selectors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(length(max = 10))]
    pub data_events: Vec<DataEventSelector>,
    /// CloudTrail Insights types to enable; an empty list turns Insights off.
    #[serde(default)]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub insights: Vec<InsightType>,
    /// Whether the trail is logging.
    #[serde(default = "yes")]
    pub logging: bool,
    /// An organization trail (`IsOrganizationTrail`): it logs every account of the organization into this trail's
    /// bucket. Only the organization's management account (or CloudTrail's delegated administrator) may set it, so
    /// declare it in the baseline of that account, usually next to its `organization` section; the trail is managed
    /// exactly as any other (drift, ownership, deletion). With `s3.createBucket` the bucket policy also lets this
    /// trail write the member accounts' logs (`AWSLogs/*`, only from this trail's ARN).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub is_organization_trail: bool,
}

/// S3 delivery of a trail.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct CloudTrailBucket {
    /// Bucket name.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$"))]
    pub bucket_name: String,
    /// Key prefix for log files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 200))]
    pub key_prefix: Option<String>,
    /// Create the bucket when missing, with default encryption, versioning, Block Public Access and the bucket
    /// policy CloudTrail needs. The bucket is never deleted by the operator: audit logs outlive the baseline.
    #[serde(default)]
    pub create_bucket: bool,
}

/// CloudWatch Logs delivery of a trail (CloudTrail.5, CIS 3.4): the group the CIS metric filters watch
/// (MonitoringPolicy `cisAwsFoundations.logGroupName`).
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("has(self.roleArn) != (has(self.createRole) && self.createRole)").message("set exactly one of roleArn or createRole: true"))]
#[x_kube(validation = Rule::new("has(self.logGroupArn) != has(self.logGroupName)").message("set exactly one of logGroupArn or logGroupName"))]
pub struct CloudWatchLogsDelivery {
    /// Log group ARN as CloudTrail expects it, ending in `:*`; in the trail's home region. Exactly one of
    /// `logGroupArn` and `logGroupName`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:logs:[a-z0-9-]+:[0-9]{12}:log-group:[^:]+:\*$"))]
    pub log_group_arn: String,
    /// The log group by name, in the baselined account and the trail's home region: what a baseline over many
    /// accounts (`accountSelector`) declares, since each account's group has its own ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[.\-_/#A-Za-z0-9]{1,512}$"))]
    pub log_group_name: Option<String>,
    /// IAM role CloudTrail assumes to write to the log group (one you manage). Exactly one of `roleArn` and
    /// `createRole`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$"))]
    pub role_arn: Option<String>,
    /// The operator creates and owns the role: `awsbaseline-cloudtrail-logs-<hash of this baseline>`, trusting
    /// `cloudtrail.amazonaws.com` for this account and trail only (`aws:SourceAccount`, `aws:SourceArn`), with
    /// an inline policy allowing `logs:CreateLogStream` and `logs:PutLogEvents` on this log group's CloudTrail
    /// streams and nothing else. Drift on either policy is corrected; the role is deleted with the baseline
    /// under `deletionPolicy: Delete` when its tags prove the operator created it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub create_role: bool,
    /// Create the log group when missing (tagged with the owner) and keep its retention and KMS key. The group is
    /// never deleted by the operator: audit events outlive the baseline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub create_log_group: Option<TrailLogGroup>,
}

impl CloudTrailSpec {
    /// The spec as it applies to `account`, whose trail lives in `home`: a log group given by name gets its ARN
    /// there.
    pub fn for_account(&self, account: &str, home: &str) -> Self {
        let mut s = self.clone();
        if let Some(cw) = s
            .cloud_watch_logs
            .as_mut()
            .filter(|c| c.log_group_arn.is_empty())
        {
            if let Some(name) = &cw.log_group_name {
                cw.log_group_arn = format!(
                    "arn:{}:logs:{home}:{account}:log-group:{name}:*",
                    crate::aws::partition(home)
                );
            }
        }
        s
    }
}

impl CloudWatchLogsDelivery {
    /// The log group name inside [`Self::log_group_arn`].
    pub fn log_group_name(&self) -> &str {
        self.log_group_arn
            .split(":log-group:")
            .nth(1)
            .map(|rest| rest.trim_end_matches(":*"))
            .unwrap_or_default()
    }

    /// The region inside [`Self::log_group_arn`].
    pub fn log_group_region(&self) -> &str {
        self.log_group_arn.split(':').nth(3).unwrap_or_default()
    }
}

/// The trail's log group, created by the operator.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct TrailLogGroup {
    /// Days events are kept (one of the values CloudWatch Logs accepts); unset keeps them forever.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[x_kube(validation = Rule::new("self in [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653]").message("retentionInDays must be a value CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, ... 3653)"))]
    pub retention_in_days: Option<i32>,
    /// KMS key ARN encrypting the group (its key policy must allow `logs.<region>.amazonaws.com`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(min = 1, max = 2048))]
    pub kms_key_id: Option<String>,
}

/// Management event recording.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
pub struct ManagementEvents {
    /// Record management events at all.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// Read, write or both.
    #[serde(default)]
    pub read_write_type: ReadWriteType,
    /// Event sources to leave out, e.g. `kms.amazonaws.com` or `rdsdata.amazonaws.com`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[schemars(extend("x-kubernetes-list-type" = "set"))]
    pub exclude_event_sources: Vec<EventSourceExclusion>,
}

/// Event sources CloudTrail lets a trail exclude from management events.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum EventSourceExclusion {
    /// AWS KMS events.
    #[serde(rename = "kms.amazonaws.com")]
    Kms,
    /// RDS Data API events.
    #[serde(rename = "rdsdata.amazonaws.com")]
    RdsData,
}

impl EventSourceExclusion {
    /// The event source as CloudTrail writes it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Kms => "kms.amazonaws.com",
            Self::RdsData => "rdsdata.amazonaws.com",
        }
    }
}

/// Which events of a kind are recorded.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ReadWriteType {
    /// Read and write events.
    #[default]
    All,
    /// Only read events.
    ReadOnly,
    /// Only write events.
    WriteOnly,
}

/// A data event selector.
#[derive(KubeSchema, Deserialize, Serialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "camelCase")]
#[x_kube(validation = Rule::new("self.resourceType != 'S3Object' || self.arnPrefixes.all(p, p.startsWith('arn:aws:s3:::'))").message("S3Object arnPrefixes must start with arn:aws:s3:::"))]
#[x_kube(validation = Rule::new("self.resourceType != 'LambdaFunction' || self.arnPrefixes.all(p, p.startsWith('arn:aws:lambda:'))").message("LambdaFunction arnPrefixes must start with arn:aws:lambda:"))]
pub struct DataEventSelector {
    /// Resource type whose data events are recorded.
    pub resource_type: DataResourceType,
    /// Limit to resources whose ARN starts with one of these; empty records every resource of the type.
    #[serde(default)]
    #[schemars(length(max = 50))]
    #[schemars(inner(length(min = 1, max = 2048)))]
    pub arn_prefixes: Vec<String>,
    /// Read, write or both.
    #[serde(default)]
    pub read_write_type: ReadWriteType,
}

/// Resource types with data events.
#[derive(JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum DataResourceType {
    /// S3 object-level API activity (`AWS::S3::Object`).
    S3Object,
    /// Lambda function invocations (`AWS::Lambda::Function`).
    LambdaFunction,
}

impl DataResourceType {
    /// The CloudTrail `resources.type` value.
    pub fn as_aws(&self) -> &'static str {
        match self {
            Self::S3Object => "AWS::S3::Object",
            Self::LambdaFunction => "AWS::Lambda::Function",
        }
    }
}

/// CloudTrail Insights types.
#[derive(
    JsonSchema, Deserialize, Serialize, Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord,
)]
pub enum InsightType {
    /// Unusual write API call volume.
    ApiCallRateInsight,
    /// Unusual API error rates.
    ApiErrorRateInsight,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trail(cw: &str) -> CloudTrailSpec {
        crate::manifests::from_yaml(&format!(
            "name: t\ns3: {{bucketName: b}}\ncloudWatchLogs: {cw}\n"
        ))
        .unwrap()
    }

    #[test]
    fn a_group_by_name_gets_the_account_and_home_region_of_each_pass() {
        let by_name = trail("{logGroupName: /aws/cloudtrail/org, createRole: true}");
        for (account, home, arn) in [
            (
                "111122223333",
                "eu-west-1",
                "arn:aws:logs:eu-west-1:111122223333:log-group:/aws/cloudtrail/org:*",
            ),
            (
                "444455556666",
                "cn-north-1",
                "arn:aws-cn:logs:cn-north-1:444455556666:log-group:/aws/cloudtrail/org:*",
            ),
        ] {
            let cw = by_name.for_account(account, home).cloud_watch_logs.unwrap();
            assert_eq!(cw.log_group_arn, arn);
            assert_eq!(cw.log_group_name(), "/aws/cloudtrail/org");
            assert_eq!(cw.log_group_region(), home);
        }
        // A declared ARN is used as written.
        let by_arn = trail(
            r#"{logGroupArn: "arn:aws:logs:us-east-1:999999999999:log-group:/g:*", createRole: true}"#,
        );
        assert_eq!(by_arn.for_account("111122223333", "eu-west-1"), by_arn);
    }
}
