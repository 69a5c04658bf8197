//! The fleet around inventory: Resource Data Syncs to S3, the Default Host Management Configuration service
//! setting, and which instances Systems Manager manages (DescribeInstanceInformation).

use super::{build_err, gone, SVC};
use crate::aws::error::{AwsError, AwsResultExt};
use crate::aws::operation::{act, pass_role, read, write, Operation, MOTO_EXT, SSM_PRINCIPAL};
use aws_sdk_ssm::types::{
    InstanceInformationStringFilter, ResourceDataSyncS3Destination, ResourceDataSyncS3Format,
};
use aws_sdk_ssm::Client;
use serde::Serialize;

/// The service setting of the Default Host Management Configuration.
pub const DHMC_SETTING: &str = "/ssm/managed-instance/default-ec2-instance-management-role";

/// The sync type of a sync to S3 (CreateResourceDataSync leaves `SyncType` out for it; AWS reports it so).
pub const SYNC_TO_DESTINATION: &str = "SyncToDestination";

/// A Resource Data Sync to S3.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DataSyncConfig {
    /// Sync name.
    pub name: String,
    /// Destination bucket.
    pub bucket_name: String,
    /// Key prefix.
    pub prefix: Option<String>,
    /// Bucket region.
    pub bucket_region: String,
    /// KMS key ARN.
    pub kms_key_arn: Option<String>,
}

/// ListResourceDataSync (type `SyncToDestination`): every sync to S3 of the region.
pub async fn data_syncs(client: &Client) -> Result<Vec<DataSyncConfig>, AwsError> {
    let mut out = Vec::new();
    let mut token: Option<String> = None;
    loop {
        let page = client
            .list_resource_data_sync()
            .sync_type(SYNC_TO_DESTINATION)
            .set_next_token(token.take())
            .send()
            .await
            .aws(SVC, "ListResourceDataSync")?;
        out.extend(page.resource_data_sync_items().iter().filter_map(|i| {
            let d = i.s3_destination()?;
            Some(DataSyncConfig {
                name: i.sync_name().unwrap_or_default().to_string(),
                bucket_name: d.bucket_name().to_string(),
                prefix: d.prefix().map(str::to_string),
                bucket_region: d.region().to_string(),
                kms_key_arn: d.awskms_key_arn().map(str::to_string),
            })
        }));
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => break,
        }
    }
    Ok(out)
}

/// CreateResourceDataSync to S3 (`JsonSerDe`, the only format).
pub async fn create_data_sync(client: &Client, cfg: &DataSyncConfig) -> Result<(), AwsError> {
    let dest = ResourceDataSyncS3Destination::builder()
        .bucket_name(&cfg.bucket_name)
        .set_prefix(cfg.prefix.clone())
        .sync_format(ResourceDataSyncS3Format::JsonSerde)
        .region(&cfg.bucket_region)
        .set_awskms_key_arn(cfg.kms_key_arn.clone())
        .build()
        .map_err(|e| build_err("CreateResourceDataSync", e))?;
    client
        .create_resource_data_sync()
        .sync_name(&cfg.name)
        .s3_destination(dest)
        .send()
        .await
        .aws(SVC, "CreateResourceDataSync")?;
    Ok(())
}

/// DeleteResourceDataSync; an already missing sync is done.
pub async fn delete_data_sync(client: &Client, name: &str) -> Result<(), AwsError> {
    let r = client
        .delete_resource_data_sync()
        .sync_name(name)
        .sync_type(SYNC_TO_DESTINATION)
        .send()
        .await
        .aws(SVC, "DeleteResourceDataSync");
    match r {
        Err(e) if e.has_code("ResourceDataSyncNotFoundException") => Ok(()),
        r => gone(r),
    }
}

/// A service setting: its value and whether it was changed from the AWS default (`Status` `Customized`).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ServiceSetting {
    /// `SettingValue`.
    pub value: String,
    /// `Status` is `Customized` (else `Default` or `PendingUpdate`).
    pub customized: bool,
}

/// GetServiceSetting; a setting never changed reads as its default (`None` when AWS answers
/// `ServiceSettingNotFound`).
pub async fn service_setting(
    client: &Client,
    setting_id: &str,
) -> Result<Option<ServiceSetting>, AwsError> {
    let r = client
        .get_service_setting()
        .setting_id(setting_id)
        .send()
        .await
        .aws(SVC, "GetServiceSetting");
    let out = match r {
        Ok(o) => o,
        Err(e) if e.has_code("ServiceSettingNotFound") => return Ok(None),
        Err(e) => return Err(e),
    };
    Ok(out.service_setting().map(|s| ServiceSetting {
        value: s.setting_value().unwrap_or_default().to_string(),
        customized: s.status() == Some("Customized"),
    }))
}

/// UpdateServiceSetting.
pub async fn update_service_setting(
    client: &Client,
    setting_id: &str,
    value: &str,
) -> Result<(), AwsError> {
    client
        .update_service_setting()
        .setting_id(setting_id)
        .setting_value(value)
        .send()
        .await
        .aws(SVC, "UpdateServiceSetting")?;
    Ok(())
}

/// ResetServiceSetting: back to the AWS default.
pub async fn reset_service_setting(client: &Client, setting_id: &str) -> Result<(), AwsError> {
    client
        .reset_service_setting()
        .setting_id(setting_id)
        .send()
        .await
        .aws(SVC, "ResetServiceSetting")?;
    Ok(())
}

/// DescribeInstanceInformation (resource type `EC2Instance`): IDs of the EC2 instances Systems Manager manages.
pub async fn managed_ec2_instances(client: &Client) -> Result<Vec<String>, AwsError> {
    let filter = InstanceInformationStringFilter::builder()
        .key("ResourceType")
        .values("EC2Instance")
        .build()
        .map_err(|e| build_err("DescribeInstanceInformation", e))?;
    let mut out = Vec::new();
    let mut pages = client
        .describe_instance_information()
        .filters(filter)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.aws(SVC, "DescribeInstanceInformation")?;
        out.extend(
            page.instance_information_list()
                .iter()
                .filter_map(|i| i.instance_id().map(str::to_string)),
        );
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// The AWS operations this file calls (see [`crate::aws::operation`]).
pub const OPERATIONS: &[Operation] = &[
    write(
        SVC,
        "CreateResourceDataSync",
        MOTO_EXT,
        &[act("ssm:CreateResourceDataSync")],
        &["AccountBaseline.ssmInventory.resourceDataSync#correct"],
    ),
    write(
        SVC,
        "DeleteResourceDataSync",
        MOTO_EXT,
        &[act("ssm:DeleteResourceDataSync")],
        // A changed sync is deleted and created again (S3 syncs cannot be updated), and on deletion.
        &[
            "AccountBaseline.ssmInventory.resourceDataSync#correct",
            "AccountBaseline.ssmInventory.resourceDataSync#delete",
        ],
    ),
    read(
        SVC,
        "DescribeInstanceInformation",
        MOTO_EXT,
        &[act("ssm:DescribeInstanceInformation")],
        &["AccountBaseline.ssmInventory"],
    ),
    read(
        SVC,
        "GetServiceSetting",
        MOTO_EXT,
        &[act("ssm:GetServiceSetting")],
        &["AccountBaseline.ssmInventory.defaultHostManagement"],
    ),
    read(
        SVC,
        "ListResourceDataSync",
        MOTO_EXT,
        &[act("ssm:ListResourceDataSync")],
        &["AccountBaseline.ssmInventory.resourceDataSync"],
    ),
    write(
        SVC,
        "ResetServiceSetting",
        MOTO_EXT,
        &[act("ssm:ResetServiceSetting")],
        &["AccountBaseline.ssmInventory.defaultHostManagement#delete"],
    ),
    write(
        SVC,
        "UpdateServiceSetting",
        MOTO_EXT,
        &[
            act("ssm:UpdateServiceSetting"),
            pass_role(
                SSM_PRINCIPAL,
                &["AccountBaseline.ssmInventory.defaultHostManagement#correct"],
            ),
        ],
        &["AccountBaseline.ssmInventory.defaultHostManagement#correct"],
    ),
];

/// How CloudTrail records this module's writes: `eventSource` ssm.amazonaws.com (EventBridge events reference,
/// https://docs.aws.amazon.com/eventbridge/latest/ref/events-ref-ssm.html), each under its operation name.
pub const EVENTS: crate::aws::operation::Events =
    crate::aws::operation::Events::source("ssm.amazonaws.com");
