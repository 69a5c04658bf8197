//! The AWS operations the service modules in `src/aws/` call, found in their source, for the tests that check the
//! operations tables (`tests/aws_operations.rs`, `tests/iam_policy.rs`) against the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The row declarations of a module (`pub const OPERATIONS: &[Operation] = &[` … `];`): they name operations
/// without calling them, so the scan skips them.
fn without_rows(text: &str) -> String {
    const START: &str = "pub const OPERATIONS: &[Operation] = &[";
    match text.find(START) {
        Some(a) => {
            let end = text[a..]
                .find("\n];")
                .map_or(text.len(), |e| a + e + "\n];".len());
            format!("{}{}", &text[..a], &text[end..])
        }
        None => text.to_string(),
    }
}

/// The service a file declares (`const SVC: &str = "ssm";`).
fn service_of(text: &str) -> Option<String> {
    text.split("const SVC: &str = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string)
}

/// (service, operation) pairs one module's source calls, found by their classification site
/// (`.classify((SVC, "Op"))`, `aws("sts", "Op")`). `svc` is the service of a file that declares none itself (a
/// file of a service split into a directory uses the `SVC` of the directory's `mod.rs`).
pub fn called_in(text: &str, svc: Option<String>) -> BTreeSet<(String, String)> {
    let text = without_rows(text);
    let svc = service_of(&text).or(svc);
    let mut out = BTreeSet::new();
    for (marker, service) in [
        ("(SVC, \"", svc.clone()),
        ("aws(\"sts\", \"", Some("sts".to_string())),
    ] {
        let Some(service) = service else { continue };
        for chunk in text.split(marker).skip(1) {
            let op = chunk.split('"').next().unwrap();
            if op.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && !op.contains(' ') {
                out.insert((service.clone(), op.to_string()));
            }
        }
    }
    // Codes passed to not_found_as_none are error codes, not operations.
    out.retain(|(_, op)| {
        !op.ends_with("Exception") && !op.starts_with("NoSuch") && !op.ends_with("NotFoundError")
    });
    out
}

/// Per file of `src/aws/` (its path under `src/aws/` without `.rs`: `cloudtrail`, or `ssm/window` for a service
/// split into a directory, as `aws::MODULES` names it), the (service, operation) pairs it calls; files calling none
/// are left out.
pub fn called_per_module() -> BTreeMap<String, BTreeSet<(String, String)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut out = BTreeMap::new();
    scan(&dir, "", None, &mut out);
    out
}

/// The `.rs` files of `dir` (named `prefix` + stem) and of its subdirectories; `svc` is the directory's service.
fn scan(
    dir: &Path,
    prefix: &str,
    svc: Option<String>,
    out: &mut BTreeMap<String, BTreeSet<(String, String)>>,
) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().to_string();
        if path.is_dir() {
            let svc = std::fs::read_to_string(path.join("mod.rs"))
                .ok()
                .and_then(|t| service_of(&t));
            scan(&path, &format!("{prefix}{stem}/"), svc, out);
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let ops = called_in(&std::fs::read_to_string(&path).unwrap(), svc.clone());
        if !ops.is_empty() {
            out.insert(format!("{prefix}{stem}"), ops);
        }
    }
}

/// Every (service, operation) pair the service modules call.
pub fn called() -> BTreeSet<(String, String)> {
    called_per_module().into_values().flatten().collect()
}
