//! Patch compliance: targeted instances that have not reported are counted (moto with the SSM extension).
//! The SSM reads behind it (executions, patch states, missing critical patches) are tested on AWS's documented
//! responses in `ssm_api::compliance`.

use super::*;

#[tokio::test]
async fn compliance_counts_targeted_instances_that_have_not_reported() {
    let moto = Moto::start();
    let (factory, _stats) = moto.factory().await;
    let (account, schedules) = examples();
    let ec2 = aws_sdk_ec2::Client::new(&moto.sdk_config(REGION).await);
    let image = ec2
        .describe_images()
        .owners("amazon")
        .send()
        .await
        .unwrap()
        .images()[0]
        .image_id()
        .unwrap()
        .to_string();
    let tag = |k: &str, v: &str| {
        aws_sdk_ec2::types::TagSpecification::builder()
            .resource_type(aws_sdk_ec2::types::ResourceType::Instance)
            .tags(aws_sdk_ec2::types::Tag::builder().key(k).value(v).build())
            .build()
    };
    for (k, v) in [
        ("Patch Group", "prod"),
        ("Patch Group", "prod"),
        ("env", "dev"),
    ] {
        ec2.run_instances()
            .image_id(&image)
            .min_count(1)
            .max_count(1)
            .tag_specifications(tag(k, v))
            .send()
            .await
            .unwrap();
    }
    let p = &schedules[0];
    let r = pass(&factory, &account, p, &p.spec, None).await;
    assert!(r.pass.error_category().is_none(), "{:#?}", r.pass.outcomes);
    let c = &r.compliance[0];
    assert_eq!(c.region, REGION);
    // Two instances carry `Patch Group=prod`; none has reported a patch state yet.
    assert_eq!((c.targeted_instances, c.not_reported), (2, 2));
    assert_eq!((c.compliant, c.non_compliant), (0, 0));
}
