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

/// (service, operation) pairs one module's source calls, found by their classification site
/// (`.classify((SVC, "Op"))`, `aws("sts", "Op")`).
pub fn called_in(text: &str) -> BTreeSet<(String, String)> {
    let text = without_rows(text);
    let svc = text
        .split("const SVC: &str = \"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .map(str::to_string);
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

/// Per module of `src/aws/` (file stem), the (service, operation) pairs it calls; modules calling none are left
/// out.
pub fn called_per_module() -> BTreeMap<String, BTreeSet<(String, String)>> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/aws");
    let mut out = BTreeMap::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "rs") {
            continue;
        }
        let ops = called_in(&std::fs::read_to_string(&path).unwrap());
        if !ops.is_empty() {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            out.insert(stem, ops);
        }
    }
    out
}

/// Every (service, operation) pair the service modules call.
pub fn called() -> BTreeSet<(String, String)> {
    called_per_module().into_values().flatten().collect()
}
