//! CloudWatch Synthetics canaries (`spec.canaries`), pure: the derived AWS name (canary names are lowercase and
//! short), the zip the script is shipped in, the fields compared (`canaries.<name>.<field>`) and the request sent.
//!
//! GetCanary/DescribeCanaries do not return the code, only its handler and the Lambda layer it became: the script
//! is compared through a hash of it (and the handler) the operator writes as the tag [`SCRIPT_TAG`] whenever it
//! sends the code, so a change in the spec is drift; a script changed outside the operator is not seen.

use crate::api::monitoring_policy::CanarySpec;
use crate::aws::synthetics::{Canary, CanaryRequest};
use crate::diff::{diff_resources, FieldDrift, Fields};
use serde_json::json;

/// Component of the canaries.
pub const CANARIES: &str = "canaries";
/// Tag holding the hash of the script and handler the operator last sent.
pub const SCRIPT_TAG: &str = "awsbaseline.io/script-hash";
/// Synthetics' longest canary name.
pub const MAX_NAME: usize = 21;

/// The AWS name of a declared canary: up to 8 characters of its name, `-` and 12 hex digits of a hash of
/// `namespace/policy/name`: lowercase, at most 21 characters, the same on every pass and distinct per policy.
pub fn aws_name(namespace: &str, policy: &str, name: &str) -> String {
    let h = crate::names::stable_hash(&format!("{namespace}/{policy}/{name}")) >> 16;
    let head: String = name
        .chars()
        .filter(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
        .take(8)
        .collect();
    let head = head.trim_end_matches('-');
    if head.is_empty() {
        format!("cw-{h:012x}")
    } else {
        format!("{head}-{h:012x}")
    }
}

/// Hash of the script and handler, as written in [`SCRIPT_TAG`].
pub fn script_hash(c: &CanarySpec) -> String {
    format!(
        "{:016x}",
        crate::names::stable_hash(&format!("{}\n{}", c.handler, c.script))
    )
}

/// Path of the script inside the zip: Synthetics loads `nodejs/node_modules/<file>.js` for Node.js runtimes and
/// `python/<file>.py` for Python ones, `<file>` being the handler's part before the dot.
pub fn script_path(c: &CanarySpec) -> String {
    let file = c.handler.split('.').next().unwrap_or("canary");
    if c.runtime_version.starts_with("syn-python") {
        format!("python/{file}.py")
    } else {
        format!("nodejs/node_modules/{file}.js")
    }
}

/// The location without its `s3://` scheme or a trailing `/` (Synthetics returns it without the scheme).
fn location(l: &str) -> String {
    l.trim_start_matches("s3://")
        .trim_end_matches('/')
        .to_string()
}

/// Drift of one declared canary (`observed`: what Synthetics has; `None` makes the single drift
/// `canaries.<name>.exists`). `running` compares the state: `RUNNING` (or `STARTING`) against the other states.
pub fn drift(c: &CanarySpec, observed: Option<&Canary>) -> Vec<FieldDrift> {
    let p = format!("canaries.{}", c.name);
    let mut want = Fields::new();
    want.insert(format!("{p}.exists"), json!(true));
    want.insert(format!("{p}.runtimeVersion"), json!(c.runtime_version));
    want.insert(format!("{p}.handler"), json!(c.handler));
    want.insert(format!("{p}.script"), json!(script_hash(c)));
    want.insert(format!("{p}.schedule"), json!(c.schedule));
    want.insert(
        format!("{p}.artifactS3Location"),
        json!(location(&c.artifact_s3_location)),
    );
    want.insert(format!("{p}.executionRoleArn"), json!(c.execution_role_arn));
    want.insert(
        format!("{p}.successRetentionPeriod"),
        json!(c.success_retention_period),
    );
    want.insert(
        format!("{p}.failureRetentionPeriod"),
        json!(c.failure_retention_period),
    );
    want.insert(format!("{p}.running"), json!(c.running));
    let mut have = Fields::new();
    if let Some(o) = observed {
        have.insert(format!("{p}.exists"), json!(true));
        have.insert(format!("{p}.runtimeVersion"), json!(o.runtime_version));
        have.insert(format!("{p}.handler"), json!(o.handler));
        let hash = o.tags.iter().find(|(k, _)| k == SCRIPT_TAG).map(|(_, v)| v);
        have.insert(format!("{p}.script"), json!(hash));
        have.insert(format!("{p}.schedule"), json!(o.schedule));
        have.insert(
            format!("{p}.artifactS3Location"),
            json!(o.artifact_s3_location.as_deref().map(location)),
        );
        have.insert(format!("{p}.executionRoleArn"), json!(o.execution_role_arn));
        have.insert(
            format!("{p}.successRetentionPeriod"),
            json!(o.success_retention_period),
        );
        have.insert(
            format!("{p}.failureRetentionPeriod"),
            json!(o.failure_retention_period),
        );
        have.insert(
            format!("{p}.running"),
            json!(matches!(o.state.as_str(), "RUNNING" | "STARTING")),
        );
    }
    diff_resources(&want, &have)
}

/// True when the drift needs an UpdateCanary (anything but existence and the running state).
pub fn needs_update(drift: &[FieldDrift]) -> bool {
    drift
        .iter()
        .any(|d| !d.field.ends_with(".running") && !d.field.ends_with(".exists"))
}

/// True when the drift includes the script (the hash tag is written after the code).
pub fn script_drifted(drift: &[FieldDrift]) -> bool {
    drift.iter().any(|d| d.field.ends_with(".script"))
}

/// Drift of a canary this policy created that the spec no longer declares.
pub fn removed(name: &str) -> FieldDrift {
    super::removed(&format!("canaries.{name}"))
}

/// What CreateCanary / UpdateCanary send.
pub fn request(c: &CanarySpec, aws_name: &str) -> CanaryRequest {
    CanaryRequest {
        name: aws_name.to_string(),
        zip: zip(&script_path(c), c.script.as_bytes()),
        handler: c.handler.clone(),
        schedule: c.schedule.clone(),
        artifact_s3_location: c.artifact_s3_location.clone(),
        execution_role_arn: c.execution_role_arn.clone(),
        runtime_version: c.runtime_version.clone(),
        success_retention_period: c.success_retention_period,
        failure_retention_period: c.failure_retention_period,
    }
}

/// CRC-32 (IEEE 802.3, as zip uses).
fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip archive holding one file, stored (no compression), dated 1980-01-01 00:00 so the same script always
/// gives the same bytes (APPNOTE.TXT 4.3: local file header, data, central directory header, end record).
pub fn zip(path: &str, data: &[u8]) -> Vec<u8> {
    let crc = crc32(data);
    let size = u32::try_from(data.len()).unwrap_or(u32::MAX);
    let name = path.as_bytes();
    let name_len = u16::try_from(name.len()).unwrap_or(u16::MAX);
    // DOS time 00:00:00, date 1980-01-01.
    let (time, date) = (0u16, 0x21u16);
    let mut out = Vec::with_capacity(data.len() + 2 * name.len() + 100);
    // Local file header.
    out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
    for v in [20u16, 0, 0, time, date] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&name_len.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out.extend_from_slice(name);
    out.extend_from_slice(data);
    let central = u32::try_from(out.len()).unwrap_or(u32::MAX);
    // Central directory header.
    out.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
    // Made by Unix (3) zip 2.0, so the external attributes carry the file mode.
    for v in [0x0314u16, 20, 0, 0, time, date] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [crc, size, size] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    for v in [name_len, 0, 0, 0, 0] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
    out.extend_from_slice(&0u32.to_le_bytes());
    out.extend_from_slice(name);
    let central_size = u32::try_from(out.len()).unwrap_or(u32::MAX) - central;
    // End of central directory record.
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    for v in [0u16, 0, 1, 1] {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out.extend_from_slice(&central_size.to_le_bytes());
    out.extend_from_slice(&central.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(v: serde_json::Value) -> CanarySpec {
        serde_json::from_value(v).unwrap()
    }

    fn canary() -> CanarySpec {
        spec(
            json!({"name": "checkout-api", "runtimeVersion": "syn-nodejs-puppeteer-9.1",
            "script": "exports.handler = async () => {};", "handler": "apiCanary.handler",
            "schedule": "rate(5 minutes)", "artifactS3Location": "s3://shop-canaries/checkout",
            "executionRoleArn": "arn:aws:iam::123456789012:role/canary"}),
        )
    }

    fn observed(c: &CanarySpec) -> Canary {
        Canary {
            name: aws_name("shop", "app", &c.name),
            handler: Some(c.handler.clone()),
            schedule: Some(c.schedule.clone()),
            artifact_s3_location: Some("shop-canaries/checkout".into()),
            execution_role_arn: Some(c.execution_role_arn.clone()),
            runtime_version: Some(c.runtime_version.clone()),
            success_retention_period: Some(31),
            failure_retention_period: Some(31),
            state: "RUNNING".into(),
            tags: vec![(SCRIPT_TAG.into(), script_hash(c))],
        }
    }

    #[test]
    fn aws_names_are_short_lowercase_stable_and_distinct() {
        let n = aws_name("payments", "checkout", "checkout-api");
        assert!(n.len() <= MAX_NAME, "{n}");
        assert!(n.starts_with("checkout-"), "{n}");
        assert!(n
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        assert_eq!(n, aws_name("payments", "checkout", "checkout-api"));
        assert_ne!(n, aws_name("payments", "checkout2", "checkout-api"));
        assert!(aws_name("a", "b", "--").starts_with("cw-"));
        assert_eq!(
            aws_name("a", "b", "abcdefg-xyz").len(),
            "abcdefg-".len() - 1 + 13
        );
    }

    #[test]
    fn a_matching_canary_has_no_drift_and_each_field_drifts_alone() {
        let c = canary();
        assert!(drift(&c, Some(&observed(&c))).is_empty());
        assert_eq!(drift(&c, None)[0].field, "canaries.checkout-api.exists");
        let mut o = observed(&c);
        o.schedule = Some("rate(1 hour)".into());
        o.state = "STOPPED".into();
        o.tags.clear();
        let d = drift(&c, Some(&o));
        let fields: Vec<&str> = d.iter().map(|d| d.field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "canaries.checkout-api.running",
                "canaries.checkout-api.schedule",
                "canaries.checkout-api.script"
            ]
        );
        assert!(needs_update(&d) && script_drifted(&d));
        let running_only: Vec<FieldDrift> = d.into_iter().take(1).collect();
        assert!(!needs_update(&running_only));
    }

    #[test]
    fn the_script_is_zipped_where_the_runtime_loads_it() {
        let c = canary();
        assert_eq!(script_path(&c), "nodejs/node_modules/apiCanary.js");
        let mut py = c.clone();
        py.runtime_version = "syn-python-selenium-5.1".into();
        py.handler = "heartbeat.handler".into();
        assert_eq!(script_path(&py), "python/heartbeat.py");
        let z = zip("nodejs/node_modules/apiCanary.js", c.script.as_bytes());
        assert_eq!(&z[..4], b"PK\x03\x04");
        assert_eq!(
            z,
            zip("nodejs/node_modules/apiCanary.js", c.script.as_bytes())
        );
        let eocd = &z[z.len() - 22..];
        assert_eq!(&eocd[..4], b"PK\x05\x06");
        // CRC-32 check value of "123456789".
        assert_eq!(crc32(b"123456789"), 0xcbf4_3926);
        let r = request(&c, "checkout-0123456789ab");
        assert_eq!(r.zip, z);
    }
}
