#!/usr/bin/env python3
"""Self-test of the CloudWatch Logs extension (``logs_ext.py``): log group KMS keys and Logs Insights query
definitions, driven with boto3 against ``server.py`` on a free loopback port.

    .venv/bin/python tests/moto_ext/test_logs_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("logs")


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class KmsKeyTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.logs = client()
        self.logs.create_log_group(logGroupName="/app")
        self.key = client("kms").create_key()["KeyMetadata"]["Arn"]

    def key_of(self) -> str | None:
        return self.logs.describe_log_groups(logGroupNamePrefix="/app")["logGroups"][0].get("kmsKeyId")

    def test_associate_then_disassociate(self) -> None:
        self.logs.associate_kms_key(logGroupName="/app", kmsKeyId=self.key)
        self.assertEqual(self.key_of(), self.key)
        self.logs.disassociate_kms_key(logGroupName="/app")
        self.assertIsNone(self.key_of())

    def test_by_resource_identifier(self) -> None:
        arn = self.logs.describe_log_groups()["logGroups"][0]["logGroupArn"]
        self.logs.associate_kms_key(resourceIdentifier=arn, kmsKeyId=self.key)
        self.assertEqual(self.key_of(), self.key)

    def test_unknown_group_key_or_region_is_refused(self) -> None:
        cases = [
            ({"logGroupName": "/nope", "kmsKeyId": self.key}, "ResourceNotFoundException"),
            ({"logGroupName": "/app", "kmsKeyId": self.key.rsplit("/", 1)[0] + "/missing"}, "InvalidParameterException"),
            ({"logGroupName": "/app", "kmsKeyId": "alias/aws/logs"}, "InvalidParameterException"),
            ({"logGroupName": "/app", "kmsKeyId": self.key.replace("us-east-1", "eu-west-1")}, "InvalidParameterException"),
        ]
        for kwargs, code in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                self.logs.associate_kms_key(**kwargs)
            self.assertEqual(e.exception.response["Error"]["Code"], code)
        self.assertIsNone(self.key_of())

    def test_a_disabled_key_is_refused(self) -> None:
        client("kms").disable_key(KeyId=self.key.rsplit("/", 1)[1])
        with self.assertRaises(ClientError) as e:
            self.logs.associate_kms_key(logGroupName="/app", kmsKeyId=self.key)
        self.assertEqual(e.exception.response["Error"]["Code"], "InvalidParameterException")


class QueryDefinitionsTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.logs = client()

    def test_put_describe_update_delete(self) -> None:
        qid = self.logs.put_query_definition(name="team/errors", queryString="fields @message",
                                             logGroupNames=["/b", "/a"])["queryDefinitionId"]
        self.logs.put_query_definition(name="other/x", queryString="stats count(*)")
        found = self.logs.describe_query_definitions(queryDefinitionNamePrefix="team/")["queryDefinitions"]
        self.assertEqual(len(found), 1)
        d = found[0]
        self.assertEqual((d["queryDefinitionId"], d["name"], d["queryString"]), (qid, "team/errors", "fields @message"))
        self.assertEqual(d["logGroupNames"], ["/b", "/a"])
        self.assertEqual(d["queryLanguage"], "CWLI")
        self.assertIn("lastModified", d)
        # An update replaces every member ("no current values are retained").
        same = self.logs.put_query_definition(name="team/errors2", queryDefinitionId=qid,
                                              queryString="stats count(*)")["queryDefinitionId"]
        self.assertEqual(same, qid)
        d = self.logs.describe_query_definitions(queryDefinitionNamePrefix="team/")["queryDefinitions"][0]
        self.assertEqual((d["name"], d["queryString"], d["logGroupNames"]), ("team/errors2", "stats count(*)", []))
        self.assertTrue(self.logs.delete_query_definition(queryDefinitionId=qid)["success"])
        self.assertEqual(self.logs.describe_query_definitions(queryDefinitionNamePrefix="team/")["queryDefinitions"], [])
        with self.assertRaises(ClientError) as e:
            self.logs.delete_query_definition(queryDefinitionId=qid)
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_updating_an_unknown_definition_is_not_found(self) -> None:
        with self.assertRaises(ClientError) as e:
            self.logs.put_query_definition(name="q", queryDefinitionId="nope", queryString="fields @message")
        self.assertEqual(e.exception.response["Error"]["Code"], "ResourceNotFoundException")

    def test_pages_and_language_filter(self) -> None:
        for i in range(5):
            self.logs.put_query_definition(name=f"p/{i}", queryString="fields @message")
        self.logs.put_query_definition(name="p/sql", queryString="SELECT 1", queryLanguage="SQL")
        names, token = [], None
        while True:
            kwargs = {"queryDefinitionNamePrefix": "p/", "maxResults": 2, "queryLanguage": "CWLI"}
            if token:
                kwargs["nextToken"] = token
            out = self.logs.describe_query_definitions(**kwargs)
            names += [d["name"] for d in out["queryDefinitions"]]
            token = out.get("nextToken")
            if not token:
                break
        self.assertEqual(names, [f"p/{i}" for i in range(5)])

    def test_scoped_per_region(self) -> None:
        self.logs.put_query_definition(name="q", queryString="fields @message")
        self.assertEqual(client(region="eu-west-1").describe_query_definitions()["queryDefinitions"], [])


if __name__ == "__main__":
    unittest.main()
