"""Adds the EKS add-on and Pod Identity association operations moto 5.2.5 lacks (its URL map has no add-on path, so
every one of them is HTTP 404).

EKS is a REST-JSON service: :func:`apply` adds the add-on and association paths to ``moto.eks.urls.url_paths``
(read when moto creates the service's app, at its first EKS request) and the handlers to
``moto.eks.responses.EKSResponse``, whose ``dispatch`` finds the operation in botocore's model from the method and
path. **All state lives on moto's own objects**: a cluster's add-ons and Pod Identity associations are extra
attributes of moto's ``Cluster`` in ``eks_backends[account][region].clusters``, so they go with their cluster, are
scoped per account and Region, and ``POST /moto-api/reset`` clears them. Errors are moto's EKS exceptions
(``ResourceNotFoundException`` 404, ``ResourceInUseException`` 409, ``InvalidParameterException`` 400).

Shapes follow the Amazon EKS API Reference, one page per operation:
https://docs.aws.amazon.com/eks/latest/APIReference/API_<Operation>.html

- CreateAddon: the cluster must exist, the add-on must not (``ResourceInUseException``); ``addonVersion`` must be a
  version of :data:`CATALOG` compatible with the cluster's Kubernetes version (default: the catalog's default for
  it); ``configurationValues`` must be a JSON object (EKS also takes YAML; the operator sends JSON);
  ``podIdentityAssociations`` create one association each, in the add-on's namespace, owned by the add-on. The add-on
  is ``ACTIVE`` at once: nothing is installed in the emulator, so ``CREATING`` is never observed.
- DescribeAddon, ListAddons.
- UpdateAddon: members left out keep their value; ``podIdentityAssociations`` replaces the add-on's associations
  (an empty list removes them), as the API reference describes; returns an ``AddonUpdate`` that is already
  ``Successful``.
- DeleteAddon: removes the add-on and the associations it owns (``preserve`` only concerns the cluster's
  Kubernetes objects, of which there are none); returns the add-on as ``DELETING``.
- DescribeAddonVersions: the static :data:`CATALOG` (newest version first, as EKS lists them), filtered by
  ``addonName`` and ``kubernetesVersion``.
- DescribePodIdentityAssociation, ListPodIdentityAssociations (the model sends the cluster as the path label
  ``name``, not ``clusterName``), DeletePodIdentityAssociation (an association an
  add-on owns can't be deleted on its own: ``InvalidRequestException``).

Not modelled: the add-on's Kubernetes objects, ``health`` issues, ``resolveConflicts`` (nothing can conflict),
``marketplaceInformation``, CreatePodIdentityAssociation / UpdatePodIdentityAssociation (the operator only reads the
associations its add-on owns).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from moto.core.responses import ActionResult
from moto.core.utils import utcnow
from moto.eks import responses as eks_responses
from moto.eks import urls as eks_urls
from moto.eks.exceptions import (
    InvalidParameterException,
    InvalidRequestException,
    ResourceInUseException,
    ResourceNotFoundException,
)

import extlib

Response = eks_responses.EKSResponse

URL_PATHS = [
    "{0}/clusters/(?P<name>[^/]+)/addons$",
    "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)$",
    "{0}/clusters/(?P<name>[^/]+)/addons/(?P<addonName>[^/]+)/update$",
    "{0}/addons/supported-versions$",
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$",
    "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$",
]

# The add-ons the emulator offers: name -> (namespace, [(version, [compatible Kubernetes versions], default for)]),
# newest first. A subset of what DescribeAddonVersions lists for amazon-cloudwatch-observability; enough for a
# declared version, an upgrade and "latest for this cluster".
CATALOG: dict[str, tuple[str, list[tuple[str, list[str], list[str]]]]] = {
    "amazon-cloudwatch-observability": (
        "amazon-cloudwatch",
        [
            ("v4.1.0-eksbuild.1", ["1.29", "1.30", "1.31", "1.32", "1.33"], ["1.29", "1.30", "1.31", "1.32", "1.33"]),
            ("v3.6.0-eksbuild.2", ["1.27", "1.28", "1.29", "1.30", "1.31"], ["1.27", "1.28"]),
            ("v2.6.0-eksbuild.1", ["1.23", "1.24", "1.25", "1.26", "1.27", "1.28"], ["1.23", "1.24", "1.25", "1.26"]),
        ],
    ),
}


def _error(cls: type, message: str, **names: Any) -> Exception:
    fields = {"clusterName": None, "nodegroupName": None, "fargateProfileName": None, "addonName": None}
    fields.update(names)
    return cls(message=message, **fields)  # type: ignore[no-any-return]


def _cluster(backend: Any, name: str) -> Any:
    cluster = backend.clusters.get(name)
    if cluster is None:
        raise _error(ResourceNotFoundException, f"No cluster found for name: {name}.", clusterName=name)
    return cluster


def _addons(cluster: Any) -> dict[str, dict[str, Any]]:
    return extlib.attached(cluster, "_ext_addons", dict)


def _associations(cluster: Any) -> dict[str, dict[str, Any]]:
    return extlib.attached(cluster, "_ext_pod_identity_associations", dict)


def _addon(cluster: Any, name: str) -> dict[str, Any]:
    addon = _addons(cluster).get(name)
    if addon is None:
        raise _error(
            ResourceNotFoundException,
            f"No addon: {name} found in cluster: {cluster.name}",
            clusterName=cluster.name,
            addonName=name,
        )
    return addon


def _version(name: str, version: Any, k8s: str) -> str:
    entry = CATALOG.get(name)
    if entry is None:
        raise _error(InvalidParameterException, f"Addon {name} specified is not supported", addonName=name)
    versions = entry[1]
    if version is None:
        chosen = next((v for v, _, defaults in versions if k8s in defaults), None)
        if chosen is None:
            raise _error(
                InvalidParameterException, f"Addon {name} has no version for Kubernetes {k8s}", addonName=name
            )
        return chosen
    for v, compatible, _ in versions:
        if v == version:
            if k8s not in compatible:
                raise _error(
                    InvalidParameterException,
                    f"Addon version {version} is not compatible with Kubernetes {k8s}",
                    addonName=name,
                )
            return v
    raise _error(InvalidParameterException, f"Addon version specified is not supported: {version}", addonName=name)


def _configuration(values: Any) -> str | None:
    if values is None:
        return None
    if not isinstance(values, str):
        raise _error(InvalidParameterException, "configurationValues must be a string")
    if values.strip():
        try:
            parsed = json.loads(values)
        except ValueError:
            raise _error(InvalidParameterException, "configurationValues is not valid JSON") from None
        if not isinstance(parsed, dict):
            raise _error(InvalidParameterException, "configurationValues must be a JSON object")
    return values


def _associate(backend: Any, cluster: Any, addon: dict[str, Any], requested: list[dict[str, Any]]) -> list[str]:
    """Replace the add-on's Pod Identity associations with ``requested``; their ARNs."""
    owned = _associations(cluster)
    for aid in [a for a, v in owned.items() if v["ownerArn"] == addon["addonArn"]]:
        del owned[aid]
    namespace = CATALOG[addon["addonName"]][0]
    arns = []
    for req in requested:
        if not req.get("serviceAccount") or not req.get("roleArn"):
            raise _error(InvalidParameterException, "podIdentityAssociations need serviceAccount and roleArn")
        aid = "a-" + uuid.uuid4().hex[:17]
        arn = f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:podidentityassociation/{cluster.name}/{aid}"
        now = utcnow()
        owned[aid] = {
            "clusterName": cluster.name,
            "namespace": namespace,
            "serviceAccount": req["serviceAccount"],
            "roleArn": req["roleArn"],
            "associationArn": arn,
            "associationId": aid,
            "tags": {},
            "createdAt": now,
            "modifiedAt": now,
            "ownerArn": addon["addonArn"],
        }
        arns.append(arn)
    return arns


class ResponseExtension:
    """Handlers set on ``moto.eks.responses.EKSResponse`` (``self`` is moto's response object)."""

    def create_addon(self: Any) -> ActionResult:
        backend = self.eks_backend
        cluster = _cluster(backend, self._get_param("name"))
        name = self._get_param("addonName")
        if name in _addons(cluster):
            raise _error(
                ResourceInUseException,
                f"Addon already exists with name: {name} on cluster: {cluster.name}",
                clusterName=cluster.name,
                addonName=name,
            )
        version = _version(name, self._get_param("addonVersion"), cluster.version)
        now = utcnow()
        addon: dict[str, Any] = {
            "addonName": name,
            "clusterName": cluster.name,
            "status": "ACTIVE",
            "addonVersion": version,
            "health": {"issues": []},
            "addonArn": f"arn:{backend.partition}:eks:{backend.region_name}:{backend.account_id}:addon/"
            f"{cluster.name}/{name}/{uuid.uuid4()}",
            "createdAt": now,
            "modifiedAt": now,
            "tags": dict(self._get_param("tags") or {}),
            "publisher": "eks",
            "owner": "aws",
            "podIdentityAssociations": [],
        }
        config = _configuration(self._get_param("configurationValues"))
        if config is not None:
            addon["configurationValues"] = config
        if self._get_param("serviceAccountRoleArn"):
            addon["serviceAccountRoleArn"] = self._get_param("serviceAccountRoleArn")
        addon["podIdentityAssociations"] = _associate(
            backend, cluster, addon, self._get_param("podIdentityAssociations") or []
        )
        _addons(cluster)[name] = addon
        return ActionResult({"addon": addon})

    def describe_addon(self: Any) -> ActionResult:
        cluster = _cluster(self.eks_backend, self._get_param("name"))
        return ActionResult({"addon": _addon(cluster, self._get_param("addonName"))})

    def list_addons(self: Any) -> ActionResult:
        cluster = _cluster(self.eks_backend, self._get_param("name"))
        names = sorted(_addons(cluster))
        shown, token = extlib.page(
            names,
            int(self._get_param("maxResults") or 100),
            self._get_param("nextToken"),
            lambda: _error(InvalidParameterException, "The nextToken is invalid."),
        )
        return ActionResult({"addons": shown, "nextToken": token})

    def update_addon(self: Any) -> ActionResult:
        backend = self.eks_backend
        cluster = _cluster(backend, self._get_param("name"))
        addon = _addon(cluster, self._get_param("addonName"))
        params = []
        if self._get_param("addonVersion") is not None:
            addon["addonVersion"] = _version(addon["addonName"], self._get_param("addonVersion"), cluster.version)
            params.append({"type": "AddonVersion", "value": addon["addonVersion"]})
        if self._get_param("configurationValues") is not None:
            config = _configuration(self._get_param("configurationValues"))
            addon["configurationValues"] = config
            params.append({"type": "ConfigurationValues", "value": config})
        if self._get_param("serviceAccountRoleArn") is not None:
            role = self._get_param("serviceAccountRoleArn")
            if role:
                addon["serviceAccountRoleArn"] = role
            else:
                addon.pop("serviceAccountRoleArn", None)
            params.append({"type": "ServiceAccountRoleArn", "value": role})
        if self._get_param("podIdentityAssociations") is not None:
            addon["podIdentityAssociations"] = _associate(
                backend, cluster, addon, self._get_param("podIdentityAssociations")
            )
            params.append({"type": "PodIdentityAssociations", "value": json.dumps(addon["podIdentityAssociations"])})
        addon["modifiedAt"] = utcnow()
        update = {
            "id": str(uuid.uuid4()),
            "status": "Successful",
            "type": "AddonUpdate",
            "params": params,
            "createdAt": addon["modifiedAt"],
            "errors": [],
        }
        return ActionResult({"update": update})

    def delete_addon(self: Any) -> ActionResult:
        backend = self.eks_backend
        cluster = _cluster(backend, self._get_param("name"))
        addon = _addon(cluster, self._get_param("addonName"))
        _associate(backend, cluster, addon, [])
        del _addons(cluster)[addon["addonName"]]
        return ActionResult({"addon": {**addon, "status": "DELETING", "podIdentityAssociations": []}})

    def describe_addon_versions(self: Any) -> ActionResult:
        name = self._get_param("addonName")
        k8s = self._get_param("kubernetesVersion")
        out = []
        for addon_name, (_, versions) in sorted(CATALOG.items()):
            if name and addon_name != name:
                continue
            listed = [
                {
                    "addonVersion": v,
                    "architecture": ["amd64", "arm64"],
                    "compatibilities": [
                        {"clusterVersion": c, "platformVersions": ["*"], "defaultVersion": c in defaults}
                        for c in compatible
                    ],
                    "requiresConfiguration": False,
                    "requiresIamPermissions": True,
                }
                for v, compatible, defaults in versions
                if not k8s or k8s in compatible
            ]
            if listed:
                out.append({
                    "addonName": addon_name,
                    "type": "observability",
                    "addonVersions": listed,
                    "publisher": "eks",
                    "owner": "aws",
                })
        return ActionResult({"addons": out})

    def describe_pod_identity_association(self: Any) -> ActionResult:
        cluster = _cluster(self.eks_backend, self._get_param("clusterName") or self._get_param("name"))
        association = _associations(cluster).get(self._get_param("associationId"))
        if association is None:
            raise _error(ResourceNotFoundException, "Association not found", clusterName=cluster.name)
        return ActionResult({"association": association})

    def list_pod_identity_associations(self: Any) -> ActionResult:
        cluster = _cluster(self.eks_backend, self._get_param("clusterName") or self._get_param("name"))
        rows = [
            {k: a[k] for k in ("clusterName", "namespace", "serviceAccount", "associationArn", "associationId", "ownerArn")}
            for _, a in sorted(_associations(cluster).items())
            if (not self._get_param("namespace") or a["namespace"] == self._get_param("namespace"))
            and (not self._get_param("serviceAccount") or a["serviceAccount"] == self._get_param("serviceAccount"))
        ]
        shown, token = extlib.page(
            rows,
            int(self._get_param("maxResults") or 100),
            self._get_param("nextToken"),
            lambda: _error(InvalidParameterException, "The nextToken is invalid."),
        )
        return ActionResult({"associations": shown, "nextToken": token})

    def delete_pod_identity_association(self: Any) -> ActionResult:
        cluster = _cluster(self.eks_backend, self._get_param("clusterName") or self._get_param("name"))
        associations = _associations(cluster)
        association = associations.get(self._get_param("associationId"))
        if association is None:
            raise _error(ResourceNotFoundException, "Association not found", clusterName=cluster.name)
        if association.get("ownerArn"):
            raise _error(
                InvalidRequestException,
                f"Association is owned by {association['ownerArn']}; update or delete the add-on instead",
                clusterName=cluster.name,
            )
        del associations[association["associationId"]]
        return ActionResult({"association": association})


ADDED_OPERATIONS: list[str] = []
FIXED_OPERATIONS: list[str] = []
_ORIGINAL: dict[str, Any] = {}


@extlib.once
def apply() -> None:
    """Patch moto's EKS URL map and response class. Idempotent; call before the server serves its first EKS request
    (the URL map is read when moto creates the service's app)."""
    for path in URL_PATHS:
        eks_urls.url_paths.setdefault(path, Response.dispatch)
    added, replaced = extlib.install(Response, ResponseExtension, "Response", _ORIGINAL)
    extlib.record_operations(ADDED_OPERATIONS, FIXED_OPERATIONS, added, replaced)
