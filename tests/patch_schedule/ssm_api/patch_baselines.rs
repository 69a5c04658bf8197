//! Patch baselines: read (full and minimal responses), updated in full, emptied lists sent empty; throttling on
//! GetPatchBaseline is Throttled.

use super::*;

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
// (ApprovalRules.PatchRules[].PatchFilterGroup/ComplianceLevel/ApproveAfterDays/EnableNonSecurity, GlobalFilters,
// PatchGroups, RejectedPatchesAction, Sources).
const GET_BASELINE: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "ComplianceLevel": "CRITICAL",
                "EnableNonSecurity": false,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "CLASSIFICATION", "Values": [ "Security" ] },
                        { "Key": "SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            },
            {
                "ApproveUntilDate": "2024-12-31",
                "ComplianceLevel": "MEDIUM",
                "EnableNonSecurity": true,
                "PatchFilterGroup": {
                    "PatchFilters": [ { "Key": "CLASSIFICATION", "Values": [ "Bugfix" ] } ]
                }
            }
        ]
    },
    "ApprovedPatches": [ "kernel-livepatch-5.10.*" ],
    "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": true,
    "AvailableSecurityUpdatesComplianceStatus": "NON_COMPLIANT",
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "Description": "Amazon Linux 2 production baseline",
    "GlobalFilters": {
        "PatchFilters": [ { "Key": "PRODUCT", "Values": [ "AmazonLinux2" ] } ]
    },
    "ModifiedDate": 1562362327.128,
    "Name": "prod-al2",
    "OperatingSystem": "AMAZON_LINUX_2",
    "PatchGroups": [ "prod-web", "prod-api" ],
    "RejectedPatches": [ "openssl-1.0.2k-19.amzn2.0.1" ],
    "RejectedPatchesAction": "BLOCK",
    "Sources": [
        {
            "Configuration": "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1",
            "Name": "my-repo",
            "Products": [ "AmazonLinux2" ]
        }
    ]
}"#;

fn baseline_config() -> BaselineConfig {
    BaselineConfig {
        name: "prod-al2".into(),
        description: Some("Amazon Linux 2 production baseline".into()),
        operating_system: "AMAZON_LINUX_2".into(),
        global_filters: vec![entry("PRODUCT", &["AmazonLinux2"])],
        approval_rules: vec![
            RuleConfig {
                filters: vec![
                    entry("CLASSIFICATION", &["Security"]),
                    entry("SEVERITY", &["Critical", "Important"]),
                ],
                approve_after_days: Some(7),
                approve_until_date: None,
                compliance_level: "CRITICAL".into(),
                enable_non_security: false,
            },
            RuleConfig {
                filters: vec![entry("CLASSIFICATION", &["Bugfix"])],
                approve_after_days: None,
                approve_until_date: Some("2024-12-31".into()),
                compliance_level: "MEDIUM".into(),
                enable_non_security: true,
            },
        ],
        approved_patches: vec!["kernel-livepatch-5.10.*".into()],
        approved_patches_compliance_level: "HIGH".into(),
        approved_patches_enable_non_security: true,
        rejected_patches: vec!["openssl-1.0.2k-19.amzn2.0.1".into()],
        rejected_patches_action: "BLOCK".into(),
        sources: vec![(
            "my-repo".into(),
            vec!["AmazonLinux2".into()],
            "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1"
                .into(),
        )],
    }
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
#[tokio::test]
async fn get_baseline_reads_the_documented_response() {
    let get = mock!(Ssm::get_patch_baseline)
        .match_requests(|r| r.baseline_id() == Some(BASELINE))
        .then_http_response(|| ok(GET_BASELINE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let b = ssm::get_baseline(&client, BASELINE).await.unwrap().unwrap();
    assert_eq!(b.id, BASELINE);
    assert_eq!(b.config, baseline_config());
    assert_eq!(b.patch_groups, ["prod-web", "prod-api"]);
}

// Response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
// (the Windows example shape, without ComplianceLevel, EnableNonSecurity, ApprovedPatchesComplianceLevel,
// RejectedPatchesAction, PatchGroups or Sources).
const GET_BASELINE_MINIMAL: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "PRODUCT", "Values": [ "WindowsServer2016" ] },
                        { "Key": "CLASSIFICATION", "Values": [ "CriticalUpdates", "SecurityUpdates" ] },
                        { "Key": "MSRC_SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            }
        ]
    },
    "ApprovedPatches": [],
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "GlobalFilters": { "PatchFilters": [] },
    "ModifiedDate": 1562362327.128,
    "Name": "Windows-Server-2016",
    "OperatingSystem": "WINDOWS",
    "RejectedPatches": []
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_GetPatchBaseline.html
#[tokio::test]
async fn get_baseline_defaults_absent_fields() {
    let get = mock!(Ssm::get_patch_baseline).then_http_response(|| ok(GET_BASELINE_MINIMAL));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&get]);
    let b = ssm::get_baseline(&client, BASELINE).await.unwrap().unwrap();
    assert_eq!(
        b.config,
        BaselineConfig {
            name: "Windows-Server-2016".into(),
            description: None,
            operating_system: "WINDOWS".into(),
            global_filters: vec![],
            approval_rules: vec![RuleConfig {
                filters: vec![
                    entry("PRODUCT", &["WindowsServer2016"]),
                    entry("CLASSIFICATION", &["CriticalUpdates", "SecurityUpdates"]),
                    entry("MSRC_SEVERITY", &["Critical", "Important"]),
                ],
                approve_after_days: Some(7),
                approve_until_date: None,
                compliance_level: "UNSPECIFIED".into(),
                enable_non_security: false,
            }],
            approved_patches: vec![],
            approved_patches_compliance_level: "UNSPECIFIED".into(),
            approved_patches_enable_non_security: false,
            rejected_patches: vec![],
            rejected_patches_action: "ALLOW_AS_DEPENDENCY".into(),
            sources: vec![],
        }
    );
    assert!(b.patch_groups.is_empty());
}

// Request and response syntax: https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
const UPDATE_BASELINE_RESPONSE: &str = r#"{
    "ApprovalRules": {
        "PatchRules": [
            {
                "ApproveAfterDays": 7,
                "ComplianceLevel": "CRITICAL",
                "EnableNonSecurity": false,
                "PatchFilterGroup": {
                    "PatchFilters": [
                        { "Key": "CLASSIFICATION", "Values": [ "Security" ] },
                        { "Key": "SEVERITY", "Values": [ "Critical", "Important" ] }
                    ]
                }
            },
            {
                "ApproveUntilDate": "2024-12-31",
                "ComplianceLevel": "MEDIUM",
                "EnableNonSecurity": true,
                "PatchFilterGroup": {
                    "PatchFilters": [ { "Key": "CLASSIFICATION", "Values": [ "Bugfix" ] } ]
                }
            }
        ]
    },
    "ApprovedPatches": [ "kernel-livepatch-5.10.*" ],
    "ApprovedPatchesComplianceLevel": "HIGH",
    "ApprovedPatchesEnableNonSecurity": true,
    "BaselineId": "pb-0c10e65780EXAMPLE",
    "CreatedDate": 1562362327.128,
    "Description": "Amazon Linux 2 production baseline",
    "GlobalFilters": {
        "PatchFilters": [ { "Key": "PRODUCT", "Values": [ "AmazonLinux2" ] } ]
    },
    "ModifiedDate": 1562449127.314,
    "Name": "prod-al2",
    "OperatingSystem": "AMAZON_LINUX_2",
    "RejectedPatches": [ "openssl-1.0.2k-19.amzn2.0.1" ],
    "RejectedPatchesAction": "BLOCK",
    "Sources": [
        {
            "Configuration": "[main]\nname=MyCustomRepository\nbaseurl=https://my-custom-repository\nenabled=1",
            "Name": "my-repo",
            "Products": [ "AmazonLinux2" ]
        }
    ]
}"#;

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
#[tokio::test]
async fn update_baseline_replaces_the_whole_baseline() {
    let update = mock!(Ssm::update_patch_baseline)
        .match_requests(|r| {
            let want = baseline_config();
            assert_eq!(r.baseline_id(), Some(BASELINE));
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.name(), Some("prod-al2"));
            assert_eq!(r.description(), Some("Amazon Linux 2 production baseline"));
            assert_eq!(filters(r.global_filters()), want.global_filters);
            let rules = r.approval_rules().expect("ApprovalRules").patch_rules();
            assert_eq!(rules.len(), 2);
            for (got, want) in rules.iter().zip(&want.approval_rules) {
                assert_eq!(filters(got.patch_filter_group()), want.filters);
                assert_eq!(got.approve_after_days(), want.approve_after_days);
                assert_eq!(got.approve_until_date(), want.approve_until_date.as_deref());
                assert_eq!(
                    got.compliance_level().map(|c| c.as_str()),
                    Some(want.compliance_level.as_str())
                );
                assert_eq!(got.enable_non_security(), Some(want.enable_non_security));
            }
            assert_eq!(r.approved_patches(), ["kernel-livepatch-5.10.*"]);
            assert_eq!(
                r.approved_patches_compliance_level().map(|c| c.as_str()),
                Some("HIGH")
            );
            assert_eq!(r.approved_patches_enable_non_security(), Some(true));
            assert_eq!(r.rejected_patches(), ["openssl-1.0.2k-19.amzn2.0.1"]);
            assert_eq!(
                r.rejected_patches_action().map(|a| a.as_str()),
                Some("BLOCK")
            );
            let sources: Vec<_> = r
                .sources()
                .iter()
                .map(|s| {
                    (
                        s.name().to_string(),
                        s.products().to_vec(),
                        s.configuration().to_string(),
                    )
                })
                .collect();
            assert_eq!(sources, want.sources);
            true
        })
        .then_http_response(|| ok(UPDATE_BASELINE_RESPONSE));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    ssm::update_baseline(&client, BASELINE, &baseline_config())
        .await
        .unwrap();
    assert_eq!(update.num_calls(), 1);
}

// https://docs.aws.amazon.com/systems-manager/latest/APIReference/API_UpdatePatchBaseline.html
#[tokio::test]
async fn update_baseline_without_rules_or_lists_sends_them_empty() {
    let update = mock!(Ssm::update_patch_baseline)
        .match_requests(|r| {
            assert_eq!(r.replace(), Some(true));
            assert_eq!(r.description(), None);
            assert!(filters(r.global_filters()).is_empty());
            assert!(r
                .approval_rules()
                .expect("ApprovalRules sent, empty")
                .patch_rules()
                .is_empty());
            assert!(r.approved_patches().is_empty() && r.rejected_patches().is_empty());
            assert!(r.sources().is_empty());
            assert_eq!(
                r.rejected_patches_action().map(|a| a.as_str()),
                Some("ALLOW_AS_DEPENDENCY")
            );
            true
        })
        .then_http_response(|| ok(GET_BASELINE_MINIMAL));
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&update]);
    let cfg = BaselineConfig {
        name: "Windows-Server-2016".into(),
        operating_system: "WINDOWS".into(),
        approved_patches_compliance_level: "UNSPECIFIED".into(),
        rejected_patches_action: "ALLOW_AS_DEPENDENCY".into(),
        ..Default::default()
    };
    ssm::update_baseline(&client, BASELINE, &cfg).await.unwrap();
    assert_eq!(update.num_calls(), 1);
}

// Common errors: https://docs.aws.amazon.com/systems-manager/latest/APIReference/CommonErrors.html
// (ThrottlingException, HTTP 400: "The request was denied due to request throttling.").
#[tokio::test]
async fn throttling_on_get_patch_baseline_is_classified_throttled() {
    let throttled = mock!(Ssm::get_patch_baseline).then_http_response(|| {
        aws_error(
            "ThrottlingException",
            "The request was denied due to request throttling.",
        )
    });
    let client = mock_client!(aws_sdk_ssm, RuleMode::MatchAny, &[&throttled], |c| c
        .retry_config(RetryConfig::disabled()));
    let err = ssm::get_baseline(&client, BASELINE).await.unwrap_err();
    assert_eq!(err.category, ErrorCategory::Throttled);
    assert!(err.category.is_retryable());
    assert_eq!(err.code.as_deref(), Some("ThrottlingException"));
    assert_eq!(err.operation, "GetPatchBaseline");
    assert_eq!(throttled.num_calls(), 1);
}
