//! The committed CRDs are what the binary generates, are structural, documented, and their CEL rules work.

use aws_baseline_operator::api::{crds_yaml, AccountBaseline, AwsAccount};
use serde_json::{json, Value};

#[test]
fn committed_crds_are_up_to_date() {
    let committed = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/crds/awsbaseline.io.yaml"
    ))
    .unwrap();
    let generated = crds_yaml().unwrap();
    assert!(
        committed == generated,
        "crds/ is stale: run `cargo run -q -- crd > crds/awsbaseline.io.yaml` and commit the result"
    );
}

/// Walk a schema and collect violations of the structural-schema rules a kube-apiserver enforces, plus our own
/// documentation rule.
fn check(path: &str, s: &Value, errors: &mut Vec<String>) {
    let obj = s.as_object().unwrap();
    for banned in [
        "$ref",
        "anyOf",
        "oneOf",
        "allOf",
        "not",
        "definitions",
        "$schema",
    ] {
        if obj.contains_key(banned) {
            errors.push(format!("{path}: has {banned}"));
        }
    }
    let preserve = obj.get("x-kubernetes-preserve-unknown-fields") == Some(&Value::Bool(true));
    let int_or_string = obj.get("x-kubernetes-int-or-string") == Some(&Value::Bool(true));
    if !obj.contains_key("type") && !preserve && !int_or_string {
        errors.push(format!("{path}: no type"));
    }
    if obj.contains_key("properties") && obj.contains_key("additionalProperties") {
        errors.push(format!(
            "{path}: properties and additionalProperties together"
        ));
    }
    if let Some(props) = obj.get("properties").and_then(Value::as_object) {
        for (name, p) in props {
            let child = format!("{path}.{name}");
            let exempt =
                ["apiVersion", "kind", "metadata"].contains(&name.as_str()) && path.is_empty();
            if !exempt
                && p.get("description")
                    .and_then(Value::as_str)
                    .is_none_or(str::is_empty)
            {
                errors.push(format!("{child}: no description"));
            }
            check(&child, p, errors);
        }
    }
    if let Some(items) = obj.get("items") {
        check(&format!("{path}[]"), items, errors);
    }
    if let Some(ap) = obj.get("additionalProperties").filter(|v| v.is_object()) {
        check(&format!("{path}{{}}"), ap, errors);
    }
}

#[test]
fn schemas_are_structural_and_documented() {
    for crd in [
        serde_json::to_value(<AwsAccount as kube::CustomResourceExt>::crd()).unwrap(),
        serde_json::to_value(<AccountBaseline as kube::CustomResourceExt>::crd()).unwrap(),
    ] {
        let version = &crd["spec"]["versions"][0];
        let schema = &version["schema"]["openAPIV3Schema"];
        let mut errors = Vec::new();
        check("", schema, &mut errors);
        assert!(
            errors.is_empty(),
            "{}: {errors:#?}",
            crd["metadata"]["name"]
        );
        assert_eq!(version["subresources"]["status"], json!({}));
        assert_eq!(crd["spec"]["names"]["categories"], json!(["awsbaseline"]));
        assert_eq!(crd["spec"]["scope"], "Cluster");
    }
}

#[test]
fn printer_columns_and_short_names() {
    let ab = serde_json::to_value(<AccountBaseline as kube::CustomResourceExt>::crd()).unwrap();
    let cols: Vec<&str> = ab["spec"]["versions"][0]["additionalPrinterColumns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    for want in ["Ready", "Drifted", "Regions", "Age"] {
        assert!(cols.contains(&want), "{cols:?}");
    }
    assert_eq!(ab["spec"]["names"]["shortNames"], json!(["ab"]));
    let acct = serde_json::to_value(<AwsAccount as kube::CustomResourceExt>::crd()).unwrap();
    assert_eq!(acct["spec"]["names"]["shortNames"], json!(["awsacct"]));
}

fn baseline(spec: Value) -> AccountBaseline {
    serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AccountBaseline", "metadata": {"name": "b"}, "spec": spec})).unwrap()
}

/// What the CLI refuses of a spec: its CEL rules, then its list keys (unique names), as the API server would.
fn cel_error(spec: Value) -> Option<String> {
    let b = baseline(spec);
    b.validate_cel().err().map(|e| e.to_string()).or_else(|| {
        aws_baseline_operator::api::validate_list_keys::<AccountBaseline>(
            &serde_json::to_value(&b).unwrap(),
        )
        .err()
    })
}

#[test]
fn cel_rules_accept_good_specs_and_reject_bad_ones() {
    let ok = json!({"accountRef": {"name": "a"}, "passwordPolicy": {"minimumPasswordLength": 14, "hardExpiry": true, "maxPasswordAge": 90},
        "guardDuty": {"features": {"runtimeMonitoring": true, "eksAddonManagement": true}},
        "ebsEncryptionByDefault": {"enabled": true, "kmsKeyId": "alias/ebs"},
        "cloudTrail": {"name": "trail", "s3": {"bucketName": "logs-bucket"}, "dataEvents": [{"resourceType": "S3Object", "arnPrefixes": ["arn:aws:s3:::data/"]}]}});
    assert_eq!(cel_error(ok), None);

    let cases = [
        (
            json!({"accountRef": {"name": "a"}}),
            "declare at least one baseline section",
        ),
        (
            json!({"accountRef": {"name": "a"}, "passwordPolicy": {"hardExpiry": true}}),
            "hardExpiry requires maxPasswordAge",
        ),
        (
            json!({"accountRef": {"name": "a"}, "guardDuty": {"features": {"eksAddonManagement": true}}}),
            "eksAddonManagement requires runtimeMonitoring",
        ),
        (
            json!({"accountRef": {"name": "a"}, "ebsEncryptionByDefault": {"enabled": false, "kmsKeyId": "k"}}),
            "kmsKeyId needs enabled",
        ),
        (
            json!({"accountRef": {"name": "a"}, "driftCheckInterval": "10s", "rootAccount": {}}),
            "at least 30s",
        ),
        (
            json!({"accountRef": {"name": "a"}, "cloudTrail": {"name": "trail", "s3": {"bucketName": "logs-bucket"}, "dataEvents": [{"resourceType": "LambdaFunction", "arnPrefixes": ["arn:aws:s3:::x"]}]}}),
            "LambdaFunction arnPrefixes",
        ),
    ];
    for (spec, want) in cases {
        let err = cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{spec}: {err}");
    }
}

#[test]
fn trusted_advisor_and_access_logs_cel_rules() {
    let ok = json!({"accountRef": {"name": "a"},
    "trustedAdvisor": {"checks": [{"name": "rootAccountMfa"}, {"checkId": "Pfx0RwqBli"}], "maxResultAge": "24h"},
    "accessLogs": {
        "buckets": [{"name": "app-data", "targetBucket": "logs", "targetPrefix": "s3/"}],
        "loadBalancers": [
            {"name": "checkout", "bucket": "logs", "prefix": "alb/checkout"},
            {"arn": "arn:aws:elasticloadbalancing:eu-west-1:111111111111:loadbalancer/app/api/50dc6c495c0c9188", "bucket": "logs-eu"}
        ]}});
    assert_eq!(cel_error(ok), None);
    // Either section alone is a baseline.
    assert_eq!(
        cel_error(
            json!({"accountRef": {"name": "a"}, "trustedAdvisor": {"checks": [{"name": "serviceLimits"}]}})
        ),
        None
    );
    let logs = |v: Value| json!({"accountRef": {"name": "a"}, "accessLogs": v});
    let cases = [
        (
            json!({"accountRef": {"name": "a"}, "trustedAdvisor": {"checks": [{"name": "rootAccountMfa", "checkId": "7DAFEmoDos"}]}}),
            "set exactly one of name or checkId",
        ),
        (
            logs(json!({})),
            "declare at least one bucket or load balancer",
        ),
        (
            logs(json!({"buckets": [{"name": "logs", "targetBucket": "logs"}]})),
            "must not log into itself",
        ),
        (
            logs(json!({"loadBalancers": [{"bucket": "logs"}]})),
            "set exactly one of arn or name",
        ),
        (
            logs(
                json!({"loadBalancers": [{"name": "lb", "bucket": "logs", "prefix": "x/AWSLogs"}]}),
            ),
            "prefix must not contain AWSLogs",
        ),
        (
            logs(json!({"loadBalancers": [{"name": "lb", "bucket": "logs", "prefix": "alb/"}]})),
            "nor start or end with /",
        ),
        (
            logs(
                json!({"buckets": [{"name": "a", "targetBucket": "logs"}, {"name": "a", "targetBucket": "other"}]}),
            ),
            r#"Duplicate value: {"name":"a"}"#,
        ),
    ];
    for (spec, want) in cases {
        let err = cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{spec}: {err}");
    }
}

#[test]
fn budget_cel_rules_accept_good_budgets_and_reject_bad_ones() {
    let with = |budgets: Value| json!({"accountRef": {"name": "a"}, "budgets": budgets});
    let alert =
        |t: f64| json!({"type": "ACTUAL", "threshold": t, "emails": ["finops@example.com"]});
    // A budgets section alone is a baseline; RI budgets need no limit.
    assert_eq!(cel_error(with(json!([]))), None);
    assert_eq!(
        cel_error(with(json!([
            {"name": "monthly", "budgetType": "COST", "limit": {"amount": "1000", "unit": "USD"},
             "notifications": [alert(80.0), alert(100.0),
                {"type": "FORECASTED", "threshold": 100, "snsTopicArns": ["arn:aws:sns:us-east-1:123456789012:t"]}]},
            {"name": "ri", "budgetType": "RI_UTILIZATION", "timeUnit": "QUARTERLY"}
        ]))),
        None
    );
    let cases = [
        (
            json!([{"name": "a", "budgetType": "COST", "limit": {"amount": "1", "unit": "USD"}},
                   {"name": "a", "budgetType": "USAGE", "limit": {"amount": "1", "unit": "Hrs"}}]),
            r#"spec.budgets[1]: Duplicate value: {"name":"a"}"#,
        ),
        (
            json!([{"name": "a", "budgetType": "USAGE"}]),
            "COST and USAGE budgets need a limit",
        ),
        (
            json!([{"name": "a", "budgetType": "COST", "limit": {"amount": "1", "unit": "USD"},
                    "notifications": [{"type": "ACTUAL", "threshold": 80}]}]),
            "at least one subscriber",
        ),
        (
            json!([{"name": "a", "budgetType": "COST", "limit": {"amount": "1", "unit": "USD"},
                    "notifications": [alert(80.0), alert(80.0)]}]),
            "notifications must differ",
        ),
        (
            json!([{"name": "a", "budgetType": "COST", "limit": {"amount": "1", "unit": "USD"},
                    "notifications": [alert(2000000.0)]}]),
            "PERCENTAGE threshold can be at most 1000000",
        ),
    ];
    for (budgets, want) in cases {
        let spec = with(budgets);
        let err = cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{spec}: {err}");
    }
}

#[test]
fn backup_cel_rules_accept_good_specs_and_reject_bad_ones() {
    let with = |backup: Value| json!({"accountRef": {"name": "a"}, "backup": backup});
    let rule =
        |vault: &str| json!({"name": "r", "targetVault": vault, "schedule": "cron(0 5 ? * * *)"});
    // A backup section alone is a baseline.
    assert_eq!(cel_error(with(json!({}))), None);
    assert_eq!(
        cel_error(with(json!({
            "vaults": [{"name": "central", "lock": {"minRetentionDays": 7, "maxRetentionDays": 7, "changeableForDays": 3}}],
            "plans": [{"name": "daily", "rules": [{"name": "r", "targetVault": "central", "schedule": "cron(0 5 ? * * *)",
                "lifecycle": {"moveToColdStorageAfterDays": 30, "deleteAfterDays": 120}}],
                "selections": [{"name": "s", "iamRoleArn": "arn:aws:iam::123456789012:role/b", "tags": [{"key": "a", "value": "b"}]}]}],
            "jobFailureNotifications": {"topic": "ops"}
        }))),
        None
    );
    let cases = [
        (
            json!({"vaults": [{"name": "v1"}, {"name": "v1"}]}),
            r#"spec.backup.vaults[1]: Duplicate value: {"name":"v1"}"#,
        ),
        (
            json!({"plans": [{"name": "p", "rules": [rule("v1"), rule("v1")]}]}),
            r#"spec.backup.plans[0].rules[1]: Duplicate value: {"name":"r"}"#,
        ),
        (
            json!({"vaults": [{"name": "v1", "lock": {"minRetentionDays": 30, "maxRetentionDays": 7}}]}),
            "maxRetentionDays must be at least minRetentionDays",
        ),
        (
            json!({"vaults": [{"name": "v1"}], "plans": [{"name": "p", "rules": [{"name": "r", "targetVault": "v1",
                "schedule": "cron(0 5 ? * * *)", "lifecycle": {"moveToColdStorageAfterDays": 30, "deleteAfterDays": 60}}]}]}),
            "deleteAfterDays must be at least 90 days after moveToColdStorageAfterDays",
        ),
        (
            json!({"vaults": [{"name": "v1"}], "plans": [{"name": "p", "rules": [{"name": "r", "targetVault": "v1",
                "schedule": "cron(0 5 ? * * *)", "startWindowMinutes": 600, "completionWindowMinutes": 120}]}]}),
            "completionWindowMinutes must be at least startWindowMinutes",
        ),
    ];
    for (backup, want) in cases {
        let spec = with(backup);
        let err = cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{spec}: {err}");
    }
}

#[test]
fn aws_account_role_must_be_in_the_declared_account() {
    let acct = |role: &str| -> AwsAccount {
        serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount", "metadata": {"name": "a"},
            "spec": {"accountId": "123456789012", "assumeRole": {"roleArn": role}}}))
        .unwrap()
    };
    assert!(acct("arn:aws:iam::123456789012:role/baseline")
        .validate_cel()
        .is_ok());
    let err = acct("arn:aws:iam::999999999999:role/baseline")
        .validate_cel()
        .unwrap_err()
        .to_string();
    assert!(err.contains("declared accountId"), "{err}");
}

#[test]
fn aws_organization_cel_rules() {
    let org = |spec: Value| -> aws_baseline_operator::api::AwsOrganization {
        serde_json::from_value(
            json!({"apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsOrganization",
            "metadata": {"name": "acme"}, "spec": spec}),
        )
        .unwrap()
    };
    let ok = org(json!({"accountRef": {"name": "m"}, "syncInterval": "10m",
        "members": [{"organizationalUnits": ["/Workloads/Prod", "ou-ab12-cd34ef56"]}, {"accountIds": ["123456789012"]},
                    {"tags": {"team": "pay"}}]}));
    assert!(ok.validate_cel().is_ok(), "{:?}", ok.validate_cel());
    let err = org(json!({"accountRef": {"name": "m"}, "members": [{"labels": {"env": "prod"}}]}))
        .validate_cel()
        .unwrap_err()
        .to_string();
    assert!(err.contains("selects by at least one of"), "{err}");
    let err = org(json!({"accountRef": {"name": "m"}, "syncInterval": "10s",
        "members": [{"accountIds": ["123456789012"]}]}))
    .validate_cel()
    .unwrap_err()
    .to_string();
    assert!(err.contains("syncInterval must be at least 30s"), "{err}");
}

fn schedule_cel_error(spec: Value) -> Option<String> {
    let p: aws_baseline_operator::api::PatchSchedule =
        serde_json::from_value(json!({"apiVersion": "awsbaseline.io/v1alpha1",
        "kind": "PatchSchedule", "metadata": {"name": "p", "namespace": "payments"}, "spec": spec}))
        .unwrap();
    p.validate_cel().err().map(|e| e.to_string()).or_else(|| {
        aws_baseline_operator::api::validate_list_keys::<aws_baseline_operator::api::PatchSchedule>(
            &serde_json::to_value(&p).unwrap(),
        )
        .err()
    })
}

#[test]
fn patch_schedule_cel_rules_accept_good_specs_and_reject_bad_ones() {
    let good = || {
        json!({"accountRef": {"name": "a"},
            "window": {"schedule": "cron(0 2 ? * SUN *)", "timezone": "Europe/Berlin", "duration": 4, "cutoff": 1},
            "targets": [{"name": "prod", "tags": [{"key": "Patch Group", "values": ["prod"]}]}],
            "patching": {"operation": "Install"},
            "baseline": {"operatingSystem": "AMAZON_LINUX_2023", "patchGroups": ["prod"],
                "approvalRules": [{"patchFilters": [{"key": "CLASSIFICATION", "values": ["Security"]}], "approveAfterDays": 7}]}})
    };
    assert_eq!(schedule_cel_error(good()), None);
    let step = |name: &str| json!({"name": name, "taskType": "Automation", "documentName": "AWS-CreateSnapshot"});
    let mutate = |f: &dyn Fn(&mut Value)| {
        let mut v = good();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, &str)> = vec![
        (
            mutate(&|v| v["window"]["cutoff"] = json!(4)),
            "cutoff must be less than duration",
        ),
        (
            mutate(&|v| {
                v["window"]["schedule"] = json!("rate(7 days)");
                v["window"]["scheduleOffset"] = json!(2);
            }),
            "scheduleOffset is only allowed with a cron schedule",
        ),
        (
            mutate(&|v| v["targets"][0]["instanceIds"] = json!(["i-0123456789abcdef0"])),
            "exactly one of tags, resourceGroup or instanceIds",
        ),
        (
            mutate(&|v| {
                let t = v["targets"][0].clone();
                v["targets"].as_array_mut().unwrap().push(t);
            }),
            r#"spec.targets[1]: Duplicate value: {"name":"#,
        ),
        (
            mutate(&|v| {
                v["baseline"]["approvalRules"][0]["approveUntilDate"] = json!("2026-12-31")
            }),
            "exactly one of approveAfterDays or approveUntilDate",
        ),
        (
            mutate(&|v| v["preSteps"] = json!([step("patch")])),
            "'patch' is the patch task's name",
        ),
        (
            mutate(&|v| {
                v["preSteps"] = Value::Array((0..10).map(|i| step(&format!("pre-{i}"))).collect());
                v["postSteps"] =
                    Value::Array((0..10).map(|i| step(&format!("post-{i}"))).collect());
            }),
            "at most 20 tasks",
        ),
        (
            mutate(&|v| {
                v["preSteps"] = Value::Array((0..10).map(|i| step(&format!("pre-{i}"))).collect());
                v["tasks"] = Value::Array((0..10).map(|i| step(&format!("task-{i}"))).collect());
            }),
            "at most 20 tasks",
        ),
        (
            mutate(&|v| {
                v.as_object_mut().unwrap().remove("patching");
            }),
            "declare patching, tasks or steps",
        ),
    ];
    for (spec, want) in cases {
        let err = schedule_cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{want}: {err}");
    }
}

#[test]
fn organization_cel_rules() {
    let org = |v: Value| json!({"accountRef": {"name": "a"}, "organization": v});
    // The section alone is a baseline.
    assert_eq!(
        cel_error(org(
            json!({"delegatedAdministrators": {"guardDuty": "111111111111"}})
        )),
        None
    );
    assert_eq!(
        cel_error(org(json!({"autoEnable": {"inspector": {"ec2": true}},
            "configAggregator": {"name": "org", "roleArn": "arn:aws:iam::111111111111:role/agg"}}))),
        None
    );
    let cases = [
        (
            org(json!({})),
            "declare delegatedAdministrators, autoEnable or configAggregator",
        ),
        (
            org(json!({"delegatedAdministrators": {}})),
            "declare at least one service",
        ),
        (
            org(json!({"autoEnable": {}})),
            "declare at least one service",
        ),
        (
            org(json!({"autoEnable": {"inspector": {}}})),
            "declare at least one scan type",
        ),
    ];
    for (spec, want) in cases {
        let err = cel_error(spec.clone()).unwrap_or_else(|| panic!("accepted {spec}"));
        assert!(err.contains(want), "{want}: {err}");
    }
}

/// `createRole` is the alternative to a role ARN: exactly one for the trail's CloudWatch Logs delivery, at most one
/// for AWS Config's recorder (none: the service-linked role) and the patch task (none: Systems Manager's).
#[test]
fn create_role_cel_rules() {
    let group = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/cloudtrail/t:*";
    let role = "arn:aws:iam::123456789012:role/t";
    let trail = |cw: Value| json!({"accountRef": {"name": "a"}, "cloudTrail": {"name": "trail", "s3": {"bucketName": "logs-bucket"}, "cloudWatchLogs": cw}});
    assert_eq!(
        cel_error(trail(json!({"logGroupArn": group, "roleArn": role}))),
        None
    );
    assert_eq!(
        cel_error(trail(json!({"logGroupArn": group, "createRole": true,
            "createLogGroup": {"retentionInDays": 365}}))),
        None
    );
    for bad in [
        json!({"logGroupArn": group}),
        json!({"logGroupArn": group, "createRole": false}),
        json!({"logGroupArn": group, "roleArn": role, "createRole": true}),
    ] {
        let err = cel_error(trail(bad.clone())).unwrap_or_else(|| panic!("accepted {bad}"));
        assert!(
            err.contains("exactly one of roleArn or createRole"),
            "{err}"
        );
    }
    let err = cel_error(trail(json!({"logGroupArn": group, "createRole": true,
        "createLogGroup": {"retentionInDays": 42}})))
    .expect("retention 42 accepted");
    assert!(err.contains("retentionInDays must be a value"), "{err}");

    let config = |recorder: Value| json!({"accountRef": {"name": "a"}, "config": {"recorder": recorder, "deliveryChannel": {"s3BucketName": "cfg-bucket"}}});
    assert_eq!(cel_error(config(json!({"createRole": true}))), None);
    let err =
        cel_error(config(json!({"createRole": true, "roleArn": role}))).expect("both accepted");
    assert!(err.contains("set roleArn or createRole"), "{err}");

    let schedule = |patching: Value| {
        json!({"accountRef": {"name": "a"},
            "window": {"schedule": "cron(0 2 ? * SUN *)", "duration": 4, "cutoff": 1},
            "targets": [{"name": "prod", "tags": [{"key": "Patch Group", "values": ["prod"]}]}],
            "patching": patching})
    };
    assert_eq!(
        schedule_cel_error(schedule(json!({"operation": "Scan", "createRole": true}))),
        None
    );
    let err = schedule_cel_error(schedule(
        json!({"operation": "Scan", "createRole": true, "serviceRoleArn": role}),
    ))
    .expect("both accepted");
    assert!(err.contains("set serviceRoleArn or createRole"), "{err}");
}
