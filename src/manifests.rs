//! Reading AwsAccount / AccountBaseline / PatchSchedule manifests from files and directories (multi-document YAML).

use crate::api::{AccountBaseline, AwsAccount, AwsOrganization, MonitoringPolicy, PatchSchedule};
use std::path::{Path, PathBuf};

/// How every YAML this crate reads is parsed (manifests, EKS add-on configuration values; the tests too):
/// serde-saphyr, kube's YAML crate, with its default budget against alias bombs, set to read untyped values the way
/// serde_yaml 0.9 did — YAML 1.2 booleans only (`yes`/`on` stay strings), `0755` and `1_000` stay strings, a
/// repeated key is an error (as with serde_yaml, and as the API server's strict field validation refuses it: a
/// manifest whose `regions:` appears twice must not silently mean the second), `.inf`/`.nan` become JSON null —
/// and one-line errors
/// (`... at line L, column C`).
pub fn yaml_options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        leading_zero_numbers_as_strings: true,
        underscored_numbers_as_strings: true,
        duplicate_keys: serde_saphyr::DuplicateKeyPolicy::Error,
        non_finite_float_policy: serde_saphyr::NonFiniteFloatPolicy::PassThrough,
        with_snippet: false,
    }
}

/// One YAML document, read with [`yaml_options`].
pub fn from_yaml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, serde_saphyr::Error> {
    serde_saphyr::from_str_with_options(text, yaml_options())
}

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
    /// A kustomization directory: its objects are what `kustomize build` renders, not its files.
    #[error("{path} is a kustomization: pipe what it renders instead, e.g. `kustomize build {path} | aws-baseline-operator check -f -`")]
    Kustomization {
        /// The directory.
        path: PathBuf,
    },
    /// The same object twice.
    #[error("{kind} {name} is declared twice ({first} and {second})")]
    Duplicate {
        /// Kind.
        kind: String,
        /// `namespace/name` or `name`.
        name: String,
        /// Where it was first found.
        first: String,
        /// Where it was found again.
        second: String,
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
    /// AwsOrganization objects (checked on load; `iam-policy` grants their Organizations reads; `plan`, `apply`
    /// and `check` do not discover accounts).
    pub organizations: Vec<AwsOrganization>,
    /// PatchSchedule objects (namespace `default` when the file gives none).
    pub schedules: Vec<PatchSchedule>,
    /// MonitoringPolicy objects (namespace `default` when the file gives none).
    pub monitoring: Vec<MonitoringPolicy>,
    /// Documents of other kinds that were skipped (file, kind).
    pub skipped: Vec<(PathBuf, String)>,
}

/// The files a kustomization lists, when it does nothing but list local files (then reading them is what
/// `kustomize build` renders). Anything else — patches, generators, a namespace, remote or directory resources —
/// is refused with the hint to pipe `kustomize build`.
fn plain_kustomization(dir: &Path, file: &Path) -> Result<Vec<PathBuf>, ManifestError> {
    let refuse = || ManifestError::Kustomization {
        path: dir.to_path_buf(),
    };
    let text = std::fs::read_to_string(file).map_err(|source| ManifestError::Io {
        path: file.to_path_buf(),
        source,
    })?;
    let doc: serde_json::Value = from_yaml(&text).map_err(|_| refuse())?;
    let keys_ok = doc.as_object().is_some_and(|o| {
        o.keys()
            .all(|k| matches!(k.as_str(), "apiVersion" | "kind" | "resources"))
    });
    let resources = doc["resources"].as_array().cloned().unwrap_or_default();
    if !keys_ok {
        return Err(refuse());
    }
    resources
        .iter()
        .map(|r| {
            let r = r.as_str().ok_or_else(refuse)?;
            let p = dir.join(r);
            if r.contains("://") || !p.is_file() {
                return Err(refuse());
            }
            Ok(p)
        })
        .collect()
}

/// `-f -`: standard input.
const STDIN: &str = "-";

fn collect(path: &Path, out: &mut Vec<PathBuf>) -> Result<(), ManifestError> {
    if path.is_dir() {
        if let Some(k) = ["kustomization.yaml", "kustomization.yml", "Kustomization"]
            .iter()
            .map(|k| path.join(k))
            .find(|k| k.is_file())
        {
            out.extend(plain_kustomization(path, &k)?);
            return Ok(());
        }
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

/// Where each object was first declared, to refuse the same object twice.
type Seen = std::collections::BTreeMap<(String, String), String>;

impl Manifests {
    /// Add one parsed document (document `index` of `path`): objects of other API groups are skipped, ours are
    /// checked as the API server would and must be unique.
    fn add(
        &mut self,
        value: serde_json::Value,
        path: &Path,
        index: usize,
        seen: &mut Seen,
    ) -> Result<(), ManifestError> {
        let invalid = |message: String| ManifestError::Invalid {
            path: path.to_path_buf(),
            index,
            message,
        };
        if value.is_null() {
            return Ok(());
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
            self.skipped.push((path.to_path_buf(), kind));
            return Ok(());
        }
        let meta = &value["metadata"];
        let name = match (meta["namespace"].as_str(), meta["name"].as_str()) {
            _ if matches!(
                kind.as_str(),
                "AwsAccount" | "AccountBaseline" | "AwsOrganization"
            ) =>
            {
                meta["name"].as_str().unwrap_or_default().to_string()
            }
            (ns, name) => format!("{}/{}", ns.unwrap_or("default"), name.unwrap_or_default()),
        };
        let here = format!("{} document {index}", path.display());
        if let Some(first) = seen.insert((kind.clone(), name.clone()), here.clone()) {
            return Err(ManifestError::Duplicate {
                kind,
                name,
                first,
                second: here,
            });
        }
        match kind.as_str() {
            "AwsAccount" => self.accounts.push(checked(value).map_err(invalid)?),
            "AccountBaseline" => self.baselines.push(checked(value).map_err(invalid)?),
            "AwsOrganization" => self.organizations.push(checked(value).map_err(invalid)?),
            "PatchSchedule" => {
                let mut p: PatchSchedule = checked(value).map_err(invalid)?;
                p.metadata.namespace.get_or_insert_with(|| "default".into());
                self.schedules.push(p);
            }
            "MonitoringPolicy" => {
                let mut p: MonitoringPolicy = checked(value).map_err(invalid)?;
                p.metadata.namespace.get_or_insert_with(|| "default".into());
                self.monitoring.push(p);
            }
            _ => self.skipped.push((path.to_path_buf(), kind)),
        }
        Ok(())
    }

    /// Every awsbaseline.io object, as JSON (what a saved plan stores).
    pub fn objects(&self) -> Vec<serde_json::Value> {
        fn json<T: serde::Serialize>(
            objects: &[T],
        ) -> impl Iterator<Item = serde_json::Value> + '_ {
            objects.iter().filter_map(|o| serde_json::to_value(o).ok())
        }
        json(&self.accounts)
            .chain(json(&self.baselines))
            .chain(json(&self.schedules))
            .chain(json(&self.monitoring))
            .collect()
    }

    /// Objects stored by [`Manifests::objects`] (`origin` names them in errors), checked again as on load.
    pub fn from_objects(
        objects: Vec<serde_json::Value>,
        origin: &Path,
    ) -> Result<Self, ManifestError> {
        let mut m = Self::default();
        let mut seen = Seen::default();
        for (i, value) in objects.into_iter().enumerate() {
            m.add(value, origin, i + 1, &mut seen)?;
        }
        Ok(m)
    }
}

/// Load every manifest under `paths` (`-` is standard input). Each object is checked against its CEL rules, as
/// the API server would; the same object twice is an error, and so is a kustomization directory (its files are
/// not what it renders).
pub fn load(paths: &[PathBuf]) -> Result<Manifests, ManifestError> {
    let mut files = Vec::new();
    for p in paths {
        collect(p, &mut files)?;
    }
    let mut m = Manifests::default();
    let mut seen = Seen::default();
    for path in files {
        let text = if path.as_os_str() == STDIN {
            std::io::read_to_string(std::io::stdin())
        } else {
            std::fs::read_to_string(&path)
        }
        .map_err(|source| ManifestError::Io {
            path: path.clone(),
            source,
        })?;
        // Documents are counted from 1, empty ones (a bare `---`, only comments) not counted.
        let mut bytes = text.as_bytes();
        let docs =
            serde_saphyr::read_with_options::<_, serde_json::Value>(&mut bytes, yaml_options());
        for (i, doc) in docs.enumerate() {
            let invalid = |message: String| ManifestError::Invalid {
                path: path.clone(),
                index: i + 1,
                message,
            };
            let value = doc.map_err(|e| invalid(e.to_string()))?;
            m.add(value, &path, i + 1, &mut seen)?;
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
    fn a_repeated_key_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "a.yaml",
            "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: a}\nspec:\n  accountId: '123456789012'\n  regions: [us-east-1]\n  regions: [eu-west-1]\n",
        );
        let e = load(&[dir.path().join("a.yaml")]).unwrap_err().to_string();
        assert!(e.contains("a.yaml") && e.contains("regions"), "{e}");
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

#[cfg(test)]
mod input_tests {
    use super::*;

    #[test]
    fn kustomizations_and_duplicates_are_refused_with_a_hint() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("a.yaml"),
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: x}\n",
        )
        .unwrap();
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            "resources: [a.yaml]\nnamePrefix: prod-\n",
        )
        .unwrap();
        let err = load(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(
            err.contains("is a kustomization") && err.contains("kustomize build"),
            "{err}"
        );
        // A kustomization that only lists local files is read as those files.
        std::fs::write(
            dir.path().join("kustomization.yaml"),
            "resources: [a.yaml]\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("unlisted.yaml"), "not: [valid").unwrap();
        let m = load(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(m.skipped.len(), 1, "only the listed file was read");

        let dir = tempfile::tempdir().unwrap();
        let account = "apiVersion: awsbaseline.io/v1alpha1\nkind: AwsAccount\nmetadata: {name: a}\nspec: {accountId: '123456789012', regions: [us-east-1]}\n";
        std::fs::write(dir.path().join("one.yaml"), account).unwrap();
        std::fs::write(dir.path().join("two.yaml"), account).unwrap();
        let err = load(&[dir.path().to_path_buf()]).unwrap_err().to_string();
        assert!(err.contains("AwsAccount a is declared twice"), "{err}");
    }
}
