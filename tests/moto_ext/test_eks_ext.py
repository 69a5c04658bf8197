#!/usr/bin/env python3
"""Self-test of the EKS add-on extension (``eks_ext.py``): add-ons, add-on versions and the Pod Identity associations
an add-on owns, driven with boto3 against ``server.py`` on a free loopback port.

    .venv/bin/python tests/moto_ext/test_eks_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("eks")
ADDON = "amazon-cloudwatch-observability"
ROLE = "arn:aws:iam::123456789012:role/cw"


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class AddonsTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.eks = client()
        self.eks.create_cluster(name="shop", version="1.31", roleArn="arn:aws:iam::123456789012:role/eks",
                                resourcesVpcConfig={})

    def create(self, **kwargs: object) -> dict:
        return self.eks.create_addon(clusterName="shop", addonName=ADDON, **kwargs)["addon"]

    def code(self, e: ClientError) -> str:
        return e.response["Error"]["Code"]

    def test_versions_newest_first_filtered_by_kubernetes_version(self) -> None:
        out = self.eks.describe_addon_versions(addonName=ADDON, kubernetesVersion="1.31")["addons"]
        self.assertEqual(len(out), 1)
        versions = [v["addonVersion"] for v in out[0]["addonVersions"]]
        self.assertEqual(versions, ["v4.1.0-eksbuild.1", "v3.6.0-eksbuild.2"])
        old = self.eks.describe_addon_versions(addonName=ADDON, kubernetesVersion="1.24")["addons"][0]
        self.assertEqual([v["addonVersion"] for v in old["addonVersions"]], ["v2.6.0-eksbuild.1"])
        self.assertEqual(self.eks.describe_addon_versions(addonName="other")["addons"], [])

    def test_create_describe_list_with_default_version_tags_and_association(self) -> None:
        a = self.create(configurationValues='{"containerLogs": {"enabled": true}}', tags={"team": "web"},
                        podIdentityAssociations=[{"serviceAccount": "cloudwatch-agent", "roleArn": ROLE}])
        self.assertEqual((a["status"], a["addonVersion"]), ("ACTIVE", "v4.1.0-eksbuild.1"))
        got = self.eks.describe_addon(clusterName="shop", addonName=ADDON)["addon"]
        self.assertEqual(got["tags"], {"team": "web"})
        self.assertEqual(got["configurationValues"], '{"containerLogs": {"enabled": true}}')
        self.assertEqual(self.eks.list_addons(clusterName="shop")["addons"], [ADDON])
        aid = got["podIdentityAssociations"][0].rsplit("/", 1)[1]
        assoc = self.eks.describe_pod_identity_association(clusterName="shop", associationId=aid)["association"]
        self.assertEqual((assoc["namespace"], assoc["serviceAccount"], assoc["roleArn"]),
                         ("amazon-cloudwatch", "cloudwatch-agent", ROLE))
        self.assertEqual(assoc["ownerArn"], got["addonArn"])
        listed = self.eks.list_pod_identity_associations(clusterName="shop")["associations"]
        self.assertEqual([x["associationId"] for x in listed], [aid])
        with self.assertRaises(ClientError) as e:
            self.eks.delete_pod_identity_association(clusterName="shop", associationId=aid)
        self.assertEqual(self.code(e.exception), "InvalidRequestException")

    def test_create_refuses_duplicates_unknown_clusters_and_incompatible_versions(self) -> None:
        self.create()
        cases = [
            ({"clusterName": "shop"}, "ResourceInUseException"),
            ({"clusterName": "nope"}, "ResourceNotFoundException"),
        ]
        for kwargs, code in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                self.eks.create_addon(addonName=ADDON, **kwargs)
            self.assertEqual(self.code(e.exception), code)
        self.eks.delete_addon(clusterName="shop", addonName=ADDON)
        for kwargs in ({"addonVersion": "v2.6.0-eksbuild.1"}, {"addonVersion": "v9"}, {"configurationValues": "{"}):
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                self.create(**kwargs)
            self.assertEqual(self.code(e.exception), "InvalidParameterException")

    def test_update_changes_only_what_is_sent_and_replaces_associations(self) -> None:
        self.create(configurationValues='{"a": 1}', podIdentityAssociations=[
            {"serviceAccount": "cloudwatch-agent", "roleArn": ROLE}])
        first = self.eks.describe_addon(clusterName="shop", addonName=ADDON)["addon"]["podIdentityAssociations"]
        update = self.eks.update_addon(clusterName="shop", addonName=ADDON, addonVersion="v3.6.0-eksbuild.2",
                                       resolveConflicts="OVERWRITE")["update"]
        self.assertEqual((update["status"], update["type"]), ("Successful", "AddonUpdate"))
        a = self.eks.describe_addon(clusterName="shop", addonName=ADDON)["addon"]
        self.assertEqual((a["addonVersion"], a["configurationValues"]), ("v3.6.0-eksbuild.2", '{"a": 1}'))
        self.assertEqual(a["podIdentityAssociations"], first)
        self.eks.update_addon(clusterName="shop", addonName=ADDON, podIdentityAssociations=[
            {"serviceAccount": "cloudwatch-agent", "roleArn": ROLE + "2"}])
        a = self.eks.describe_addon(clusterName="shop", addonName=ADDON)["addon"]
        self.assertNotEqual(a["podIdentityAssociations"], first)
        listed = self.eks.list_pod_identity_associations(clusterName="shop")["associations"]
        self.assertEqual(len(listed), 1, "the old association is replaced")
        self.eks.update_addon(clusterName="shop", addonName=ADDON, podIdentityAssociations=[])
        self.assertEqual(self.eks.list_pod_identity_associations(clusterName="shop")["associations"], [])

    def test_delete_removes_the_addon_and_its_associations(self) -> None:
        self.create(podIdentityAssociations=[{"serviceAccount": "cloudwatch-agent", "roleArn": ROLE}])
        out = self.eks.delete_addon(clusterName="shop", addonName=ADDON)["addon"]
        self.assertEqual(out["status"], "DELETING")
        for call in (
            lambda: self.eks.describe_addon(clusterName="shop", addonName=ADDON),
            lambda: self.eks.delete_addon(clusterName="shop", addonName=ADDON),
            lambda: self.eks.update_addon(clusterName="shop", addonName=ADDON, addonVersion="v4.1.0-eksbuild.1"),
        ):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(self.code(e.exception), "ResourceNotFoundException")
        self.assertEqual(self.eks.list_pod_identity_associations(clusterName="shop")["associations"], [])


if __name__ == "__main__":
    unittest.main()
