//! Saved plans: `plan --out FILE` stores the manifests and the AWS state the plan saw; `apply FILE` applies exactly
//! those manifests, and refuses when a fresh read-only pass sees AWS differently (Terraform's "saved plan is
//! stale"). What is compared is everything a pass observes per object: each component's state, ownership and AWS
//! identifier, and each drifted field with its desired and actual value. Timestamps are not compared.

use crate::cli::Evaluated;
use crate::manifests::Manifests;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// `kind` of a plan file.
pub const KIND: &str = "AwsBaselinePlan";
/// Version of the plan file format; a plan of another version is refused.
pub const FORMAT_VERSION: u32 = 1;

/// A plan file.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SavedPlan {
    /// Always [`KIND`].
    pub kind: String,
    /// [`FORMAT_VERSION`] when written.
    pub format_version: u32,
    /// Version of the binary that made the plan: another version may evaluate the same manifests differently, so
    /// its plans are refused (as Terraform refuses plans of another version).
    pub operator_version: String,
    /// When the plan was made (RFC 3339).
    pub created_at: String,
    /// The awsbaseline.io objects the plan evaluated.
    pub manifests: Vec<serde_json::Value>,
    /// What the plan saw, per object.
    pub planned: Vec<Planned>,
}

/// What the plan saw for one object.
#[derive(Debug, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Planned {
    /// Kind.
    pub kind: String,
    /// Name (`namespace/name` for namespaced kinds).
    pub name: String,
    /// Settings `apply` would change (or report, under driftPolicy Report).
    pub remaining_drift: usize,
    /// Components and drift as observed, without timestamps.
    pub observed: serde_json::Value,
}

/// Plan file errors.
#[derive(Debug, thiserror::Error)]
pub enum PlanFileError {
    /// Cannot read or write.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: String,
        /// Cause.
        source: std::io::Error,
    },
    /// Not a plan, or a plan this binary does not apply.
    #[error("{path}: {message}")]
    Invalid {
        /// File.
        path: String,
        /// Why.
        message: String,
    },
}

/// The comparable part of one result: components and drift, without timestamps.
fn observed(r: &Evaluated) -> serde_json::Value {
    let drift: Vec<serde_json::Value> = r
        .common
        .drift
        .iter()
        .map(|d| {
            serde_json::json!({
                "component": d.component,
                "region": d.region,
                "account": d.account,
                "field": d.field,
                "desired": d.desired,
                "actual": d.actual,
            })
        })
        .collect();
    serde_json::json!({
        "components": r.common.components,
        "drift": drift,
    })
}

impl SavedPlan {
    /// The plan of `results`, evaluated from `m`.
    pub fn new(m: &Manifests, results: &[Evaluated]) -> Self {
        Self {
            kind: KIND.into(),
            format_version: FORMAT_VERSION,
            operator_version: env!("CARGO_PKG_VERSION").into(),
            created_at: jiff::Timestamp::now().to_string(),
            manifests: m.objects(),
            planned: results
                .iter()
                .map(|r| Planned {
                    kind: r.kind.into(),
                    name: r.name.clone(),
                    remaining_drift: r.remaining_drift,
                    observed: observed(r),
                })
                .collect(),
        }
    }

    /// Write the plan, readable by the owner only (manifests may carry external IDs and account details).
    pub fn write(&self, path: &Path) -> Result<(), PlanFileError> {
        use std::io::Write;
        let io = |source| PlanFileError::Io {
            path: path.display().to_string(),
            source,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut f = options.open(path).map_err(io)?;
        let body = serde_json::to_string_pretty(self).expect("a plan serializes");
        f.write_all(body.as_bytes()).map_err(io)?;
        f.write_all(b"\n").map_err(io)
    }

    /// Read a plan written by [`SavedPlan::write`] of this version.
    pub fn read(path: &Path) -> Result<Self, PlanFileError> {
        let p = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| PlanFileError::Io {
            path: p.clone(),
            source,
        })?;
        let invalid = |message: String| PlanFileError::Invalid {
            path: p.clone(),
            message,
        };
        let value: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| invalid(format!("not a plan written by `plan --out` ({e})")))?;
        if value["kind"] != KIND {
            return Err(invalid(format!(
                "not a plan written by `plan --out` (kind is not {KIND})"
            )));
        }
        if value["formatVersion"] != FORMAT_VERSION {
            return Err(invalid(format!(
                "plan format {} is not {FORMAT_VERSION}; run plan again with this binary",
                value["formatVersion"]
            )));
        }
        let plan: Self = serde_json::from_value(value).map_err(|e| invalid(e.to_string()))?;
        if plan.operator_version != env!("CARGO_PKG_VERSION") {
            return Err(invalid(format!(
                "the plan was made by aws-baseline-operator {}, this is {}; run plan again with this binary",
                plan.operator_version,
                env!("CARGO_PKG_VERSION")
            )));
        }
        Ok(plan)
    }

    /// The saved manifests, checked again as on load.
    pub fn manifests(&self) -> Result<Manifests, crate::manifests::ManifestError> {
        Manifests::from_objects(self.manifests.clone(), Path::new("saved plan"))
    }

    /// What differs between the plan and a fresh read-only pass over the same manifests, one line per object
    /// (empty: AWS looks as it did).
    pub fn changes_since(&self, now: &[Evaluated]) -> Vec<String> {
        let mut changes = Vec::new();
        for p in &self.planned {
            let Some(r) = now.iter().find(|r| r.kind == p.kind && r.name == p.name) else {
                changes.push(format!("{} {}: not evaluated now", p.kind, p.name));
                continue;
            };
            if r.failed {
                changes.push(format!(
                    "{} {}: the pass fails now ({})",
                    p.kind,
                    p.name,
                    crate::api::common::find_condition(&r.common.conditions, "Synced")
                        .map(|c| c.message.as_str())
                        .unwrap_or("error")
                ));
                continue;
            }
            let seen = observed(r);
            if seen != p.observed {
                changes.push(format!(
                    "{} {}: {}",
                    p.kind,
                    p.name,
                    describe(&p.observed, &seen)
                ));
            }
        }
        changes
    }
}

/// A short description of how two observations differ: drifted fields that appeared, went away or changed value,
/// else component states.
fn describe(then: &serde_json::Value, now: &serde_json::Value) -> String {
    let key = |d: &serde_json::Value| {
        format!(
            "{} in {}{}",
            d["field"].as_str().unwrap_or_default(),
            d["region"].as_str().unwrap_or_default(),
            d["account"]
                .as_str()
                .map(|a| format!(" ({a})"))
                .unwrap_or_default()
        )
    };
    let list = |v: &serde_json::Value| v["drift"].as_array().cloned().unwrap_or_default();
    let (before, after) = (list(then), list(now));
    let mut parts = Vec::new();
    for d in &after {
        match before.iter().find(|b| key(b) == key(d)) {
            None => parts.push(format!("{} now differs", key(d))),
            Some(b) if b != d => parts.push(format!(
                "{} is now {} (planned with {})",
                key(d),
                d["actual"],
                b["actual"]
            )),
            Some(_) => {}
        }
    }
    for b in &before {
        if !after.iter().any(|d| key(d) == key(b)) {
            parts.push(format!("{} no longer differs", key(b)));
        }
    }
    if parts.is_empty() {
        parts.push("components changed (state, ownership or AWS identifier)".into());
    }
    const SHOWN: usize = 5;
    if parts.len() > SHOWN {
        let more = parts.len() - SHOWN;
        parts.truncate(SHOWN);
        parts.push(format!("and {more} more"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn describes_what_changed() {
        let then = json!({"components": [], "drift": [
            {"component": "cloudTrail", "region": "us-east-1", "account": null, "field": "cloudTrail.logging", "desired": "true", "actual": "false"},
            {"component": "guardDuty", "region": "us-east-1", "account": null, "field": "guardDuty.enable", "desired": "true", "actual": "false"},
        ]});
        let now = json!({"components": [], "drift": [
            {"component": "cloudTrail", "region": "us-east-1", "account": null, "field": "cloudTrail.logging", "desired": "true", "actual": "null"},
            {"component": "ebs", "region": "eu-west-1", "account": "123456789012", "field": "ebs.enabled", "desired": "true", "actual": "false"},
        ]});
        assert_eq!(
            describe(&then, &now),
            "cloudTrail.logging in us-east-1 is now \"null\" (planned with \"false\"); \
             ebs.enabled in eu-west-1 (123456789012) now differs; guardDuty.enable in us-east-1 no longer differs"
        );
        let comps = json!({"components": [{"component": "x"}], "drift": []});
        assert_eq!(
            describe(&json!({"components": [], "drift": []}), &comps),
            "components changed (state, ownership or AWS identifier)"
        );
    }

    #[test]
    fn refuses_what_it_did_not_write() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        for (body, want) in [
            ("not json", "not a plan written by `plan --out`"),
            ("{\"kind\": \"Other\"}", "kind is not AwsBaselinePlan"),
            (
                "{\"kind\": \"AwsBaselinePlan\", \"formatVersion\": 9}",
                "plan format 9 is not 1",
            ),
            (
                "{\"kind\": \"AwsBaselinePlan\", \"formatVersion\": 1, \"operatorVersion\": \"0.0.0-old\", \"createdAt\": \"x\", \"manifests\": [], \"planned\": []}",
                "made by aws-baseline-operator 0.0.0-old",
            ),
        ] {
            std::fs::write(&path, body).unwrap();
            let e = SavedPlan::read(&path).unwrap_err().to_string();
            assert!(e.contains(want), "{body}: {e}");
        }
    }

    #[test]
    fn round_trips_and_is_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plan.json");
        let account: serde_json::Value = json!({
            "apiVersion": "awsbaseline.io/v1alpha1", "kind": "AwsAccount",
            "metadata": {"name": "a"}, "spec": {"accountId": "123456789012", "regions": ["us-east-1"]}
        });
        let m = Manifests::from_objects(vec![account], Path::new("t")).unwrap();
        let plan = SavedPlan::new(&m, &[]);
        plan.write(&path).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let back = SavedPlan::read(&path).unwrap();
        assert_eq!(back.manifests().unwrap().accounts.len(), 1);
        assert!(back.changes_since(&[]).is_empty());
    }
}
