#!/usr/bin/env python3
"""Self-test of the IAM Access Analyzer extension (``accessanalyzer_ext.py``, a service moto 5.2.5 lacks): analyzers,
archive rules and tags, driven with boto3 against ``server.py`` on a free loopback port.

    .venv/bin/python tests/moto_ext/test_accessanalyzer_ext.py
"""

from __future__ import annotations

import unittest

from botocore.exceptions import ClientError

import harness
from harness import reset_moto

client = harness.client_factory("accessanalyzer")
RULE = {"isPublic": {"eq": ["false"]}}


def setUpModule() -> None:
    harness.setUp()


def tearDownModule() -> None:
    harness.tearDown()


class AnalyzersTest(unittest.TestCase):
    def setUp(self) -> None:
        reset_moto()
        self.aa = client()

    def code(self, e: ClientError) -> str:
        return e.response["Error"]["Code"]

    def test_create_get_list_with_inline_rules_tags_and_type_filter(self) -> None:
        arn = self.aa.create_analyzer(analyzerName="external", type="ACCOUNT", tags={"team": "sec"},
                                      archiveRules=[{"ruleName": "private", "filter": RULE}])["arn"]
        self.assertEqual(arn, "arn:aws:access-analyzer:us-east-1:123456789012:analyzer/external")
        self.aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
        a = self.aa.get_analyzer(analyzerName="external")["analyzer"]
        self.assertEqual((a["status"], a["type"], a["tags"]), ("ACTIVE", "ACCOUNT", {"team": "sec"}))
        self.assertNotIn("configuration", a)
        unused = self.aa.get_analyzer(analyzerName="unused")["analyzer"]
        self.assertEqual(unused["configuration"], {"unusedAccess": {"unusedAccessAge": 90}})
        self.assertEqual([x["name"] for x in self.aa.list_analyzers()["analyzers"]], ["external", "unused"])
        self.assertEqual([x["name"] for x in self.aa.list_analyzers(type="ACCOUNT_UNUSED_ACCESS")["analyzers"]],
                         ["unused"])
        rules = self.aa.list_archive_rules(analyzerName="external")["archiveRules"]
        self.assertEqual([(r["ruleName"], r["filter"]) for r in rules], [("private", RULE)])
        self.assertEqual(client(region="eu-west-1").list_analyzers()["analyzers"], [], "scoped per region")

    def test_create_refuses_taken_names_bad_types_and_misplaced_configuration(self) -> None:
        self.aa.create_analyzer(analyzerName="a", type="ACCOUNT")
        cases = [
            ({"analyzerName": "a", "type": "ACCOUNT"}, "ConflictException"),
            ({"analyzerName": "b", "type": "ACCOUNT", "configuration": {"unusedAccess": {"unusedAccessAge": 30}}},
             "ValidationException"),
            ({"analyzerName": "c", "type": "ACCOUNT_UNUSED_ACCESS",
              "configuration": {"unusedAccess": {"unusedAccessAge": 0}}}, "ValidationException"),
            ({"analyzerName": "9bad", "type": "ACCOUNT"}, "ValidationException"),
            ({"analyzerName": "d", "type": "ACCOUNT", "archiveRules": [{"ruleName": "r", "filter": {"x": {}}}]},
             "ValidationException"),
        ]
        for kwargs, code in cases:
            with self.subTest(kwargs=kwargs), self.assertRaises(ClientError) as e:
                client(validate=False).create_analyzer(**kwargs)
            self.assertEqual(self.code(e.exception), code)
        self.assertEqual([x["name"] for x in self.aa.list_analyzers()["analyzers"]], ["a"])

    def test_update_analyzer_only_for_unused_access(self) -> None:
        self.aa.create_analyzer(analyzerName="unused", type="ACCOUNT_UNUSED_ACCESS")
        out = self.aa.update_analyzer(analyzerName="unused", configuration={"unusedAccess": {"unusedAccessAge": 30}})
        self.assertEqual(out["configuration"], {"unusedAccess": {"unusedAccessAge": 30}})
        self.aa.create_analyzer(analyzerName="external", type="ACCOUNT")
        with self.assertRaises(ClientError) as e:
            self.aa.update_analyzer(analyzerName="external", configuration={"unusedAccess": {"unusedAccessAge": 30}})
        self.assertEqual(self.code(e.exception), "ValidationException")
        with self.assertRaises(ClientError) as e:
            self.aa.update_analyzer(analyzerName="none", configuration={"unusedAccess": {"unusedAccessAge": 30}})
        self.assertEqual(self.code(e.exception), "ResourceNotFoundException")

    def test_archive_rules_create_get_update_delete(self) -> None:
        self.aa.create_analyzer(analyzerName="external", type="ACCOUNT")
        self.aa.create_archive_rule(analyzerName="external", ruleName="private", filter=RULE)
        with self.assertRaises(ClientError) as e:
            self.aa.create_archive_rule(analyzerName="external", ruleName="private", filter=RULE)
        self.assertEqual(self.code(e.exception), "ConflictException")
        wider = {"resourceType": {"eq": ["AWS::S3::Bucket"]}, "principal.AWS": {"neq": ["111111111111"]}}
        self.aa.update_archive_rule(analyzerName="external", ruleName="private", filter=wider)
        self.assertEqual(self.aa.get_archive_rule(analyzerName="external", ruleName="private")["archiveRule"]["filter"],
                         wider)
        self.aa.delete_archive_rule(analyzerName="external", ruleName="private")
        for call in (
            lambda: self.aa.get_archive_rule(analyzerName="external", ruleName="private"),
            lambda: self.aa.delete_archive_rule(analyzerName="external", ruleName="private"),
            lambda: self.aa.update_archive_rule(analyzerName="external", ruleName="private", filter=RULE),
            lambda: self.aa.create_archive_rule(analyzerName="none", ruleName="r", filter=RULE),
        ):
            with self.assertRaises(ClientError) as e:
                call()
            self.assertEqual(self.code(e.exception), "ResourceNotFoundException")

    def test_tags_and_delete(self) -> None:
        arn = self.aa.create_analyzer(analyzerName="external", type="ACCOUNT", tags={"a": "1"},
                                      archiveRules=[{"ruleName": "private", "filter": RULE}])["arn"]
        self.aa.tag_resource(resourceArn=arn, tags={"b": "2"})
        self.aa.untag_resource(resourceArn=arn, tagKeys=["a"])
        self.assertEqual(self.aa.list_tags_for_resource(resourceArn=arn)["tags"], {"b": "2"})
        self.aa.delete_analyzer(analyzerName="external")
        self.assertEqual(self.aa.list_analyzers()["analyzers"], [])
        with self.assertRaises(ClientError) as e:
            self.aa.delete_analyzer(analyzerName="external")
        self.assertEqual(self.code(e.exception), "ResourceNotFoundException")
        with self.assertRaises(ClientError) as e:
            self.aa.list_tags_for_resource(resourceArn=arn)
        self.assertEqual(self.code(e.exception), "ResourceNotFoundException")
        # A new analyzer of the same name starts without the old rules.
        self.aa.create_analyzer(analyzerName="external", type="ACCOUNT")
        self.assertEqual(self.aa.list_archive_rules(analyzerName="external")["archiveRules"], [])

    def test_list_pages(self) -> None:
        for i in range(5):
            self.aa.create_analyzer(analyzerName=f"a{i}", type="ACCOUNT")
        names, token = [], None
        while True:
            out = self.aa.list_analyzers(maxResults=2, **({"nextToken": token} if token else {}))
            names += [a["name"] for a in out["analyzers"]]
            token = out.get("nextToken")
            if not token:
                break
        self.assertEqual(names, [f"a{i}" for i in range(5)])


if __name__ == "__main__":
    unittest.main()
