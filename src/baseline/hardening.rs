//! Account hardening: IAM password policy, account S3 Block Public Access, EBS encryption by default, root user.

use crate::api::account_baseline::{
    EbsEncryptionSpec, PasswordPolicySpec, RootAccountSpec, S3BlockPublicAccessSpec,
};
use crate::aws::iam::{PasswordPolicyState, RootState};
use crate::aws::s3control::BlockPublicAccess;
use crate::diff::{FieldDrift, Fields};
use serde_json::json;

/// Component names.
pub const PASSWORD_POLICY: &str = "passwordPolicy";
/// Account-level S3 Block Public Access.
pub const S3_BPA: &str = "s3BlockPublicAccess";
/// EBS encryption by default.
pub const EBS: &str = "ebsEncryptionByDefault";
/// Root user (detect-only).
pub const ROOT: &str = "rootAccount";

/// Desired password policy fields: only the declared ones.
pub fn password_desired(spec: &PasswordPolicySpec) -> Fields {
    let c = PASSWORD_POLICY;
    let mut f = Fields::from([(format!("{c}.exists"), json!(true))]);
    let mut put = |name: &str, v: Option<serde_json::Value>| {
        if let Some(v) = v {
            f.insert(format!("{c}.{name}"), v);
        }
    };
    put(
        "minimumPasswordLength",
        spec.minimum_password_length.map(|v| json!(v)),
    );
    put("requireSymbols", spec.require_symbols.map(|v| json!(v)));
    put("requireNumbers", spec.require_numbers.map(|v| json!(v)));
    put(
        "requireUppercaseCharacters",
        spec.require_uppercase_characters.map(|v| json!(v)),
    );
    put(
        "requireLowercaseCharacters",
        spec.require_lowercase_characters.map(|v| json!(v)),
    );
    put(
        "allowUsersToChangePassword",
        spec.allow_users_to_change_password.map(|v| json!(v)),
    );
    put("maxPasswordAge", spec.max_password_age.map(|v| json!(v)));
    put(
        "passwordReusePrevention",
        spec.password_reuse_prevention.map(|v| json!(v)),
    );
    put("hardExpiry", spec.hard_expiry.map(|v| json!(v)));
    f
}

/// Observed password policy fields.
pub fn password_observed(state: Option<&PasswordPolicyState>) -> Fields {
    let c = PASSWORD_POLICY;
    let Some(p) = state else {
        return Fields::from([(format!("{c}.exists"), json!(false))]);
    };
    Fields::from([
        (format!("{c}.exists"), json!(true)),
        (
            format!("{c}.minimumPasswordLength"),
            json!(p.minimum_password_length),
        ),
        (format!("{c}.requireSymbols"), json!(p.require_symbols)),
        (format!("{c}.requireNumbers"), json!(p.require_numbers)),
        (
            format!("{c}.requireUppercaseCharacters"),
            json!(p.require_uppercase_characters),
        ),
        (
            format!("{c}.requireLowercaseCharacters"),
            json!(p.require_lowercase_characters),
        ),
        (
            format!("{c}.allowUsersToChangePassword"),
            json!(p.allow_users_to_change_password),
        ),
        (format!("{c}.maxPasswordAge"), json!(p.max_password_age)),
        (
            format!("{c}.passwordReusePrevention"),
            json!(p.password_reuse_prevention),
        ),
        (format!("{c}.hardExpiry"), json!(p.hard_expiry)),
    ])
}

/// The policy to write: the current one (or AWS's defaults) with every declared field applied, so settings
/// the spec leaves out are preserved rather than reset by UpdateAccountPasswordPolicy's full replace.
pub fn password_merged(
    spec: &PasswordPolicySpec,
    current: Option<&PasswordPolicyState>,
) -> PasswordPolicyState {
    let mut p = current.cloned().unwrap_or(PasswordPolicyState {
        minimum_password_length: Some(8),
        allow_users_to_change_password: true,
        ..Default::default()
    });
    if let Some(v) = spec.minimum_password_length {
        p.minimum_password_length = Some(v);
    }
    p.require_symbols = spec.require_symbols.unwrap_or(p.require_symbols);
    p.require_numbers = spec.require_numbers.unwrap_or(p.require_numbers);
    p.require_uppercase_characters = spec
        .require_uppercase_characters
        .unwrap_or(p.require_uppercase_characters);
    p.require_lowercase_characters = spec
        .require_lowercase_characters
        .unwrap_or(p.require_lowercase_characters);
    p.allow_users_to_change_password = spec
        .allow_users_to_change_password
        .unwrap_or(p.allow_users_to_change_password);
    if spec.max_password_age.is_some() {
        p.max_password_age = spec.max_password_age;
    }
    if spec.password_reuse_prevention.is_some() {
        p.password_reuse_prevention = spec.password_reuse_prevention;
    }
    p.hard_expiry = spec.hard_expiry.unwrap_or(p.hard_expiry);
    p
}

/// Desired account BPA.
pub fn bpa_config(spec: &S3BlockPublicAccessSpec) -> BlockPublicAccess {
    BlockPublicAccess {
        block_public_acls: spec.block_public_acls,
        ignore_public_acls: spec.ignore_public_acls,
        block_public_policy: spec.block_public_policy,
        restrict_public_buckets: spec.restrict_public_buckets,
    }
}

fn bpa_fields(b: &BlockPublicAccess) -> Fields {
    let c = S3_BPA;
    Fields::from([
        (format!("{c}.blockPublicAcls"), json!(b.block_public_acls)),
        (format!("{c}.ignorePublicAcls"), json!(b.ignore_public_acls)),
        (
            format!("{c}.blockPublicPolicy"),
            json!(b.block_public_policy),
        ),
        (
            format!("{c}.restrictPublicBuckets"),
            json!(b.restrict_public_buckets),
        ),
    ])
}

/// Desired BPA fields.
pub fn bpa_desired(spec: &S3BlockPublicAccessSpec) -> Fields {
    bpa_fields(&bpa_config(spec))
}

/// Observed BPA fields (no configuration = every flag off).
pub fn bpa_observed(state: Option<&BlockPublicAccess>) -> Fields {
    bpa_fields(&state.copied().unwrap_or_default())
}

/// Desired EBS fields.
pub fn ebs_desired(spec: &EbsEncryptionSpec) -> Fields {
    let mut f = Fields::from([(format!("{EBS}.enabled"), json!(spec.enabled))]);
    if let Some(k) = &spec.kms_key_id {
        f.insert(format!("{EBS}.kmsKeyId"), json!(k));
    }
    f
}

/// Observed EBS fields; the key is only present when it was read (the spec manages it).
pub fn ebs_observed(enabled: bool, key: Option<&str>, spec: &EbsEncryptionSpec) -> Fields {
    let mut f = Fields::from([(format!("{EBS}.enabled"), json!(enabled))]);
    if let Some(declared) = &spec.kms_key_id {
        let same = key.is_some_and(|k| {
            k == declared
                || k.ends_with(&format!("/{declared}"))
                || k.ends_with(&format!(":{declared}"))
        });
        f.insert(
            format!("{EBS}.kmsKeyId"),
            if same { json!(declared) } else { json!(key) },
        );
    }
    f
}

/// One write that corrects EBS encryption by default.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EbsWrite {
    /// Turn encryption by default on or off.
    SetEncryption(bool),
    /// Set the default KMS key.
    SetKmsKey(String),
}

/// The writes that correct `drift`: the setting when it differs, the declared key when its field drifted.
pub fn ebs_plan(spec: &EbsEncryptionSpec, enabled: bool, drift: &[FieldDrift]) -> Vec<EbsWrite> {
    let mut writes = Vec::new();
    if enabled != spec.enabled {
        writes.push(EbsWrite::SetEncryption(spec.enabled));
    }
    if let Some(k) = &spec.kms_key_id {
        let key_field = format!("{EBS}.kmsKeyId");
        if drift.iter().any(|d| d.field == key_field) {
            writes.push(EbsWrite::SetKmsKey(k.clone()));
        }
    }
    writes
}

/// Desired root fields.
pub fn root_desired(spec: &RootAccountSpec) -> Fields {
    let mut f = Fields::new();
    if spec.require_mfa {
        f.insert(format!("{ROOT}.mfaEnabled"), json!(true));
    }
    if spec.forbid_access_keys {
        f.insert(format!("{ROOT}.accessKeysPresent"), json!(false));
    }
    f
}

/// Observed root fields.
pub fn root_observed(state: &RootState) -> Fields {
    Fields::from([
        (format!("{ROOT}.mfaEnabled"), json!(state.mfa_enabled)),
        (
            format!("{ROOT}.accessKeysPresent"),
            json!(state.access_keys_present),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::diff;

    #[test]
    fn password_merge_preserves_undeclared_settings() {
        let spec = PasswordPolicySpec {
            minimum_password_length: Some(14),
            password_reuse_prevention: Some(24),
            ..Default::default()
        };
        let current = PasswordPolicyState {
            minimum_password_length: Some(8),
            require_symbols: true,
            max_password_age: Some(90),
            ..Default::default()
        };
        let merged = password_merged(&spec, Some(&current));
        assert_eq!(merged.minimum_password_length, Some(14));
        assert_eq!(merged.password_reuse_prevention, Some(24));
        assert!(merged.require_symbols);
        assert_eq!(merged.max_password_age, Some(90));
        let d = diff(
            PASSWORD_POLICY,
            &password_desired(&spec),
            &password_observed(Some(&merged)),
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn loosened_password_policy_is_field_level_drift() {
        let spec = PasswordPolicySpec {
            minimum_password_length: Some(14),
            require_symbols: Some(true),
            ..Default::default()
        };
        let current = PasswordPolicyState {
            minimum_password_length: Some(6),
            require_symbols: true,
            ..Default::default()
        };
        let d = diff(
            PASSWORD_POLICY,
            &password_desired(&spec),
            &password_observed(Some(&current)),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(
            (d[0].field.as_str(), &d[0].desired, &d[0].actual),
            (
                "passwordPolicy.minimumPasswordLength",
                &json!(14),
                &json!(6)
            )
        );
    }

    #[test]
    fn missing_bpa_reads_as_all_off() {
        let spec = S3BlockPublicAccessSpec {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: true,
            restrict_public_buckets: true,
        };
        assert_eq!(
            diff(S3_BPA, &bpa_desired(&spec), &bpa_observed(None)).len(),
            4
        );
    }

    #[test]
    fn root_expectations() {
        let spec = RootAccountSpec {
            require_mfa: true,
            forbid_access_keys: true,
        };
        let d = diff(
            ROOT,
            &root_desired(&spec),
            &root_observed(&RootState {
                mfa_enabled: false,
                access_keys_present: false,
            }),
        );
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].field, "rootAccount.mfaEnabled");
    }

    #[test]
    fn ebs_key_spelling_is_normalised() {
        let spec = EbsEncryptionSpec {
            enabled: true,
            kms_key_id: Some("alias/ebs".into()),
        };
        let obs = ebs_observed(
            true,
            Some("arn:aws:kms:us-east-1:123456789012:alias/ebs"),
            &spec,
        );
        assert!(diff(EBS, &ebs_desired(&spec), &obs).is_empty());
    }

    #[test]
    fn ebs_plan_sets_what_drifted() {
        let spec = EbsEncryptionSpec {
            enabled: true,
            kms_key_id: Some("alias/ebs".into()),
        };
        let drift = diff(EBS, &ebs_desired(&spec), &ebs_observed(false, None, &spec));
        assert_eq!(
            ebs_plan(&spec, false, &drift),
            vec![
                EbsWrite::SetEncryption(true),
                EbsWrite::SetKmsKey("alias/ebs".into())
            ]
        );
        let drift = diff(
            EBS,
            &ebs_desired(&spec),
            &ebs_observed(true, Some("alias/other"), &spec),
        );
        assert_eq!(
            ebs_plan(&spec, true, &drift),
            vec![EbsWrite::SetKmsKey("alias/ebs".into())]
        );
    }
}
