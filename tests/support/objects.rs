//! The Kubernetes side of an engine pass without a cluster: the owner a pass acts for, the examples loaded from
//! `examples/`, the namespace labels, and the conditions of a computed status.

use aws_baseline_operator::api::common::Owner;
use aws_baseline_operator::manifests::{self, Manifests};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{Condition, ObjectMeta};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// An owner (the custom resource a pass acts for); its uid is what ownership tags prove.
pub fn owner(kind: &str, name: &str, uid: &str) -> Owner {
    Owner {
        kind: kind.into(),
        name: name.into(),
        uid: uid.into(),
    }
}

/// The AccountBaseline `prod` (uid `prod-uid`) that the single-section tests act for.
pub fn prod_baseline() -> Owner {
    owner("AccountBaseline", "prod", "prod-uid")
}

/// The owner of a namespaced object loaded from a manifest: `namespace/name`, uid `uid-<name>`.
pub fn namespaced_owner(kind: &str, meta: &ObjectMeta) -> Owner {
    let ns = meta.namespace.clone().unwrap();
    let name = meta.name.clone().unwrap();
    owner(kind, &format!("{ns}/{name}"), &format!("uid-{name}"))
}

/// The labels of a namespace that has none (what the engine gets for tenancy checks by label).
pub static NO_LABELS: BTreeMap<String, String> = BTreeMap::new();

/// Load files of `examples/` (paths relative to it) as the CLI would.
pub fn load_examples(files: &[&str]) -> Manifests {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples");
    manifests::load(&files.iter().map(|f| root.join(f)).collect::<Vec<_>>()).unwrap()
}

/// The condition of `type_` (`Ready`, `Synced`, `Drifted`), which must be there.
pub fn condition<'a>(conditions: &'a [Condition], type_: &str) -> &'a Condition {
    conditions
        .iter()
        .find(|c| c.type_ == type_)
        .unwrap_or_else(|| panic!("no {type_} condition in {conditions:#?}"))
}
