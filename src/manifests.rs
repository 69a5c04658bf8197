//! Reading AwsAccount / AccountBaseline / PatchSchedule manifests from files and directories (multi-document YAML).

use crate::api::{AccountBaseline, AwsAccount, MonitoringPolicy, PatchSchedule};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Errors reading manifests; each names the file.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// File could not be read.
    #[error("{path}: {source}")]
    Io {
        /// File.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// YAML or schema error.
    #[error("{path}: document {index}: {message}")]
    Invalid {
        /// File.
        path: PathBuf,
        /// 1-based document index.
        index: usize,
        /// What is wrong.
        message: String,
    },
}

/// Everything found in the given paths.
#[derive(Debug, Default)]
pub struct Manifests {
    /// AwsAccount objects.
    pub accounts: Vec<AwsAccount>,
    /// AccountBaseline objects.
    pub baselines: Vec<AccountBaseline>,
    /// PatchSchedule objects (namespace `default` when the file gives none).
    pub schedules: Vec<PatchSchedule>,
    /// MonitoringPolicy objects (namespace `default` when the file gives none).
    pub monitoring: Vec<MonitoringPolicy>,
    /// Documents of other kinds that were skipped (file, kind).
    pub skipped: Vec<(PathBuf, String)>,
}

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), ManifestError> {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|source| ManifestError::Io {
                path: path.to_path_buf(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        entries.sort();
        for e in entries {
            if e.is_dir() || e.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                collect(&e, out)?;
            }
        }
    } else {
        out.push(path.to_path_buf());
    }
    Ok(())
}

/// Deserialize one object and check it as the API server would: its CEL rules and its list keys
/// ([`crate::api::validate_list_keys`]). The message names the kind and object.
fn checked<K>(value: serde_json::Value) -> Result<K, String>
where
    K: kube::CustomResourceExt
        + kube::Resource<DynamicType = ()>
        + serde::de::DeserializeOwned
        + serde::Serialize,
{
    let object: K = serde_json::from_value(value.clone()).map_err(|e| e.to_string())?;
    let name = format!(
        "{} {}",
        K::kind(&()),
        object.meta().name.clone().unwrap_or_default()
    );
    kube::core::cel::validate_cel(&object).map_err(|e| format!("{name}: {e}"))?;
    crate::api::validate_list_keys::<K>(&value).map_err(|e| format!("{name}: {e}"))?;
    Ok(object)
}

/// Load every manifest under `paths`. Each object is checked against its CEL rules, as the API server would.
pub fn load(paths: &[PathBuf]) -> Result<Manifests, ManifestError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut m = Manifests::default();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(|source| ManifestError::Io {
            path: path.clone(),
            source,
        })?;
        for (i, doc) in serde_yaml::Deserializer::from_str(&text).enumerate() {
            let invalid = |message: String| ManifestError::Invalid {
                path: path.clone(),
                index: i + 1,
                message,
            };
            let value = serde_json::Value::deserialize(doc).map_err(|e| invalid(e.to_string()))?;
            if value.is_null() {
                continue;
            }
            let kind = value
                .get("kind")
                .and_then(|k| k.as_str())
                .unwrap_or_default()
                .to_string();
            let api_version = value
                .get("apiVersion")
                .and_then(|k| k.as_str())
                .unwrap_or_default();
            if api_version != "awsbaseline.io/v1alpha1" {
                m.skipped.push((path.clone(), kind));
                continue;
            }
            match kind.as_str() {
                "AwsAccount" => m.accounts.push(checked(value).map_err(invalid)?),
                "AccountBaseline" => m.baselines.push(checked(value).map_err(invalid)?),
                "PatchSchedule" => {
                    let mut p: PatchSchedule = checked(value).map_err(invalid)?;
                    p.metadata.namespace.get_or_insert_with(|| "default".into());
                    m.schedules.push(p);
                }
                "MonitoringPolicy" => {
                    let mut p: MonitoringPolicy = checked(value).map_err(invalid)?;
                    p.metadata.namespace.get_or_insert_with(|| "default".into());
                    m.monitoring.push(p);
                }
                _ => m.skipped.push((path.clone(), kind)),
            }
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn write(dir: &Path, name: &str, body: &str) {
        std::fs::File::create(dir.join(name))
            .unwrap()
            .write_all(body.as_bytes())
            .unwrap();
    }

    #[test]
    fn reads_multi_document_files_in_directories() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.yaml",
            "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: a}\nspec: {accountId: '123456789012', regions: [us-east-1]}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n",
        );
        write(
            dir.path(),
            "b.yml",
            "apiVersion: awsbaseline.io/v1alpha1\nkind: AccountBaseline\nmetadata: {name: b}\nspec: {accountRef: {name: a}, passwordPolicy: {minimumPasswordLength: 14}}\n",
        );
        write(dir.path(), "notes.txt", "ignored");
        let m = load(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(
            (m.accounts.len(), m.baselines.len(), m.skipped.len()),
            (1, 1, 1)
        );
        assert_eq!(m.baselines[0].spec.drift_check_interval, None);
    }

    #[test]
    fn cel_rules_reject_bad_input_with_a_clear_message() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "bad.yaml",
            "apiVersion: awsbaseline.io/v1alpha1\nkind: AccountBaseline\nmetadata: {name: b}\nspec: {accountRef: {name: a}, passwordPolicy: {hardExpiry: true}}\n",
        );
        let err = load(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(err.contains("hardExpiry requires maxPasswordAge"), "{err}");
    }
}
