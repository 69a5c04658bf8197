//! The Kubernetes permissions the operator uses, as one table.
//!
//! `aws-baseline-operator rbac` prints it; the chart test (`tests/helm/check_chart.py`) renders the chart with
//! Helm's engine and requires its ClusterRole / Role to grant exactly these rules; the fake-API-server tests
//! (`tests/platform/controller.rs`, `tests/platform/leader_election.rs`) map every request the code really sends to its RBAC
//! attributes with [`request_attributes`] and fail when the table does not allow it.

use serde_json::{json, Value};

/// Where a permission is granted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// ClusterRole (cluster-scoped kinds, or namespaced kinds watched in every namespace).
    Cluster,
    /// Role in the release namespace (the leader-election Lease).
    ReleaseNamespace,
}

/// One RBAC rule: verbs on one resource (or subresource, `kind/status`).
#[derive(Clone, Copy, Debug)]
pub struct Permission {
    /// API group ("" for the core group).
    pub group: &'static str,
    /// Resource, with `/subresource` where it applies.
    pub resource: &'static str,
    /// Verbs.
    pub verbs: &'static [&'static str],
    /// ClusterRole or release-namespace Role.
    pub scope: Scope,
    /// What in the code needs it.
    pub why: &'static str,
}

const GROUP: &str = "awsbaseline.io";

/// Every permission the operator needs, nothing more.
pub const PERMISSIONS: &[Permission] = &[
    Permission {
        group: GROUP,
        resource: "accountbaselines",
        verbs: &["list", "watch", "patch"],
        scope: Scope::Cluster,
        why: "controller watch; finalizer added/removed with a JSON patch (kube-runtime finalizer helper)",
    },
    Permission {
        group: GROUP,
        resource: "accountbaselines/status",
        verbs: &["patch"],
        scope: Scope::Cluster,
        why: "status written by server-side apply",
    },
    Permission {
        group: GROUP,
        resource: "accountbaselines/finalizers",
        verbs: &["update"],
        scope: Scope::Cluster,
        why: "setting a finalizer on clusters that enforce finalizer permissions (OwnerReferencesPermissionEnforcement, OpenShift)",
    },
    Permission {
        group: GROUP,
        resource: "awsaccounts",
        verbs: &["get", "list", "watch", "create", "patch"],
        scope: Scope::Cluster,
        why: "controller watch; an accountRef resolved with GET, an accountSelector with LIST; the finalizer of an account with changeEvents added/removed with a patch; an AwsOrganization's member AwsAccounts written by server-side apply (a PATCH that creates an object is also authorized as create)",
    },
    Permission {
        group: GROUP,
        resource: "awsaccounts/status",
        verbs: &["patch"],
        scope: Scope::Cluster,
        why: "verified caller identity written by server-side apply",
    },
    Permission {
        group: GROUP,
        resource: "awsaccounts/finalizers",
        verbs: &["update"],
        scope: Scope::Cluster,
        why: "setting a finalizer on clusters that enforce finalizer permissions (OwnerReferencesPermissionEnforcement, OpenShift)",
    },
    Permission {
        group: GROUP,
        resource: "awsorganizations",
        verbs: &["list", "watch"],
        scope: Scope::Cluster,
        why: "controller watch (no finalizer: deleting an AwsOrganization leaves its AwsAccounts)",
    },
    Permission {
        group: GROUP,
        resource: "awsorganizations/status",
        verbs: &["patch"],
        scope: Scope::Cluster,
        why: "status written by server-side apply",
    },
    Permission {
        group: GROUP,
        resource: "patchschedules",
        verbs: &["list", "watch", "patch"],
        scope: Scope::Cluster,
        why: "controller watch in every namespace; finalizer added/removed with a JSON patch",
    },
    Permission {
        group: GROUP,
        resource: "patchschedules/status",
        verbs: &["patch"],
        scope: Scope::Cluster,
        why: "status written by server-side apply",
    },
    Permission {
        group: GROUP,
        resource: "patchschedules/finalizers",
        verbs: &["update"],
        scope: Scope::Cluster,
        why: "setting a finalizer on clusters that enforce finalizer permissions (OwnerReferencesPermissionEnforcement, OpenShift)",
    },
    Permission {
        group: GROUP,
        resource: "monitoringpolicies",
        verbs: &["list", "watch", "patch"],
        scope: Scope::Cluster,
        why: "controller watch in every namespace; finalizer added/removed with a JSON patch",
    },
    Permission {
        group: GROUP,
        resource: "monitoringpolicies/status",
        verbs: &["patch"],
        scope: Scope::Cluster,
        why: "status written by server-side apply",
    },
    Permission {
        group: GROUP,
        resource: "monitoringpolicies/finalizers",
        verbs: &["update"],
        scope: Scope::Cluster,
        why: "setting a finalizer on clusters that enforce finalizer permissions (OwnerReferencesPermissionEnforcement, OpenShift)",
    },
    Permission {
        group: "events.k8s.io",
        resource: "events",
        verbs: &["create", "patch"],
        scope: Scope::Cluster,
        why: "kube-runtime Recorder: creates an Event, merge-patches it as a series when it repeats; events of cluster-scoped objects go to `default`",
    },
    Permission {
        group: "",
        resource: "namespaces",
        verbs: &["get"],
        scope: Scope::Cluster,
        why: "tenancy: an AwsAccount admitting namespaces by label needs the object's Namespace labels",
    },
    Permission {
        group: "coordination.k8s.io",
        resource: "leases",
        verbs: &["get", "create", "update"],
        scope: Scope::ReleaseNamespace,
        why: "leader election (src/leader.rs): read, create when absent, replace with its resourceVersion",
    },
];

/// The RBAC attributes of one API request, as the API server derives them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestAttributes {
    /// API group ("" for core).
    pub group: String,
    /// Resource, `resource/subresource` for a subresource.
    pub resource: String,
    /// get, list, watch, create, update, patch, delete or deletecollection.
    pub verb: String,
    /// Namespace of a namespaced request.
    pub namespace: Option<String>,
}

/// RBAC attributes of a request (`method`, URI `path`, raw `query`), following the API server's RequestInfo
/// rules; `None` for non-resource URLs (discovery, /version).
pub fn request_attributes(
    method: &str,
    path: &str,
    query: Option<&str>,
) -> Option<RequestAttributes> {
    let parts: Vec<&str> = path.trim_matches('/').split('/').collect();
    let (group, rest) = match parts.as_slice() {
        ["api", _version, rest @ ..] => ("", rest),
        ["apis", group, _version, rest @ ..] => (*group, rest),
        _ => return None,
    };
    if rest.is_empty() {
        return None;
    }
    let (namespace, rest) = match rest {
        // `namespaces/NAME/status|finalize` are subresources of a Namespace, anything else is a namespaced kind.
        ["namespaces", ns, tail @ ..]
            if !tail.is_empty() && !matches!(tail[0], "status" | "finalize") =>
        {
            (Some(ns.to_string()), tail)
        }
        _ => (None, rest),
    };
    let (resource, name) = match rest {
        [resource] => (resource.to_string(), None),
        [resource, name] => (resource.to_string(), Some(*name)),
        [resource, name, sub] => (format!("{resource}/{sub}"), Some(*name)),
        _ => return None,
    };
    let watch = query
        .unwrap_or_default()
        .split('&')
        .any(|kv| kv == "watch=true" || kv == "watch=1");
    let verb = match (method, name.is_some()) {
        ("GET" | "HEAD", _) if watch => "watch",
        ("GET" | "HEAD", true) => "get",
        ("GET" | "HEAD", false) => "list",
        ("POST", _) => "create",
        ("PUT", _) => "update",
        ("PATCH", _) => "patch",
        ("DELETE", true) => "delete",
        ("DELETE", false) => "deletecollection",
        _ => return None,
    };
    Some(RequestAttributes {
        group: group.to_string(),
        resource,
        verb: verb.to_string(),
        namespace,
    })
}

/// Whether the table allows a request; `release_namespace` is where the Role applies.
pub fn allows(request: &RequestAttributes, release_namespace: &str) -> bool {
    PERMISSIONS.iter().any(|p| {
        p.group == request.group
            && p.resource == request.resource
            && p.verbs.contains(&request.verb.as_str())
            && match p.scope {
                Scope::Cluster => true,
                Scope::ReleaseNamespace => request.namespace.as_deref() == Some(release_namespace),
            }
    })
}

/// The rules of one scope as Kubernetes PolicyRules, one per resource.
pub fn policy_rules(scope: Scope) -> Vec<Value> {
    PERMISSIONS
        .iter()
        .filter(|p| p.scope == scope)
        .map(|p| json!({"apiGroups": [p.group], "resources": [p.resource], "verbs": p.verbs}))
        .collect()
}

/// `{"clusterRole": [rules], "releaseNamespaceRole": [rules]}`, what `aws-baseline-operator rbac` prints.
pub fn rules_document() -> Value {
    json!({
        "clusterRole": policy_rules(Scope::Cluster),
        "releaseNamespaceRole": policy_rules(Scope::ReleaseNamespace),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(
        method: &str,
        path: &str,
        query: Option<&str>,
    ) -> (String, String, String, Option<String>) {
        let a = request_attributes(method, path, query).unwrap();
        (a.group, a.resource, a.verb, a.namespace)
    }

    #[test]
    fn request_info_like_the_api_server() {
        assert_eq!(
            attrs(
                "GET",
                "/apis/awsbaseline.io/v1alpha1/accountbaselines",
                Some("watch=true&resourceVersion=1")
            ),
            (
                "awsbaseline.io".into(),
                "accountbaselines".into(),
                "watch".into(),
                None
            )
        );
        assert_eq!(
            attrs("GET", "/apis/awsbaseline.io/v1alpha1/awsaccounts", None).2,
            "list"
        );
        assert_eq!(
            attrs(
                "PATCH",
                "/apis/awsbaseline.io/v1alpha1/namespaces/payments/patchschedules/p/status",
                Some("fieldManager=x")
            ),
            (
                "awsbaseline.io".into(),
                "patchschedules/status".into(),
                "patch".into(),
                Some("payments".into())
            )
        );
        assert_eq!(
            attrs("GET", "/api/v1/namespaces/payments", None),
            ("".into(), "namespaces".into(), "get".into(), None)
        );
        assert_eq!(
            attrs(
                "PUT",
                "/apis/coordination.k8s.io/v1/namespaces/ops/leases/l",
                None
            ),
            (
                "coordination.k8s.io".into(),
                "leases".into(),
                "update".into(),
                Some("ops".into())
            )
        );
        assert_eq!(
            attrs("DELETE", "/api/v1/namespaces/a/pods", None).2,
            "deletecollection"
        );
        assert!(request_attributes("GET", "/version", None).is_none());
        assert!(request_attributes("GET", "/apis", None).is_none());
    }

    #[test]
    fn allows_only_the_table() {
        let ok = request_attributes(
            "PATCH",
            "/apis/awsbaseline.io/v1alpha1/accountbaselines/prod",
            None,
        )
        .unwrap();
        assert!(allows(&ok, "ops"));
        let delete = request_attributes(
            "DELETE",
            "/apis/awsbaseline.io/v1alpha1/accountbaselines/prod",
            None,
        )
        .unwrap();
        assert!(!allows(&delete, "ops"));
        let lease = request_attributes(
            "PUT",
            "/apis/coordination.k8s.io/v1/namespaces/ops/leases/l",
            None,
        )
        .unwrap();
        assert!(allows(&lease, "ops"));
        assert!(
            !allows(&lease, "other"),
            "the Lease Role is bound in the release namespace only"
        );
    }

    #[test]
    fn table_is_well_formed() {
        let mut seen = std::collections::BTreeSet::new();
        for p in PERMISSIONS {
            assert!(
                seen.insert((p.group, p.resource)),
                "{} listed twice",
                p.resource
            );
            assert!(
                !p.verbs.is_empty() && !p.verbs.contains(&"*"),
                "{}",
                p.resource
            );
            assert!(
                !p.resource.contains('*') && !p.why.is_empty(),
                "{}",
                p.resource
            );
        }
        let doc = rules_document();
        assert_eq!(doc["releaseNamespaceRole"].as_array().unwrap().len(), 1);
    }
}
