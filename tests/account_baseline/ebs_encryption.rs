//! The EBS default KMS key (moto lacks GetEbsDefaultKmsKeyId / ModifyEbsDefaultKmsKeyId) through aws-smithy-mocks:
//! read and modified, an invalid key is InvalidInput.

use crate::support::mocks::{ec2_error, KMS_KEY};
use aws_baseline_operator::aws::{ec2, ErrorCategory};
use aws_sdk_ec2::operation::get_ebs_default_kms_key_id::GetEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::operation::modify_ebs_default_kms_key_id::ModifyEbsDefaultKmsKeyIdOutput;
use aws_sdk_ec2::Client as Ec2;
use aws_smithy_mocks::{mock, mock_client, RuleMode};

#[tokio::test]
async fn ebs_default_kms_key_is_read_and_modified() {
    let get = mock!(Ec2::get_ebs_default_kms_key_id).then_output(|| {
        GetEbsDefaultKmsKeyIdOutput::builder()
            .kms_key_id(KMS_KEY)
            .build()
    });
    let modify = mock!(Ec2::modify_ebs_default_kms_key_id)
        .match_requests(|r| r.kms_key_id() == Some("alias/ebs-default"))
        .then_output(|| {
            ModifyEbsDefaultKmsKeyIdOutput::builder()
                .kms_key_id("alias/ebs-default")
                .build()
        });
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&get, &modify]);
    assert_eq!(
        ec2::default_kms_key(&client).await.unwrap().as_deref(),
        Some(KMS_KEY)
    );
    ec2::set_default_kms_key(&client, "alias/ebs-default")
        .await
        .unwrap();
    assert_eq!((get.num_calls(), modify.num_calls()), (1, 1));
}

#[tokio::test]
async fn invalid_key_is_invalid_input() {
    let bad = mock!(Ec2::modify_ebs_default_kms_key_id)
        .then_http_response(|| ec2_error(400, "InvalidParameterValue", "Invalid KMS key"));
    let client = mock_client!(aws_sdk_ec2, RuleMode::MatchAny, &[&bad]);
    let err = ec2::set_default_kms_key(&client, "nope").await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::InvalidInput);
    assert!(!err.category.is_retryable());
}
