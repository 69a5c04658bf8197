"""A fault-injecting HTTP proxy between the AWS SDK and moto, for tests only (loopback, stdlib only).

Every request is forwarded to the upstream (moto) unless a rule matches it. Rules are set by the test:

    PUT  /__faults__/rules    JSON list of rules (replaces the current ones)
    GET  /__faults__/counts   JSON {operation: requests seen}, including faulted ones
    GET  /__faults__/faulted  JSON {operation: requests answered by a rule}

A rule: {"operation": "AssumeRole",            exact operation name (see `operation`), optional
         "contains": "ExternalId=wrong",      substring of the raw request body, optional
         "times": 3,                           how many requests it answers; absent = all
         "status": 403, "body": "...", "headers": {...}   the answer ("body_hex": "a2..." for a binary body), or
         "stall": 30,                          hold the connection this many seconds, then close it unanswered
         "forward": true}                      with "stall": forward the request first (AWS did it), then stall:
                                              the caller never learns the outcome (a crash after the call)

Usage: proxy.py --upstream http://127.0.0.1:PORT [--port 0]; prints "listening PORT" once it accepts requests.
"""

import argparse
import http.client
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOCK = threading.Lock()
RULES = []
COUNTS = {}
FAULTED = {}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate"}


def operation(method, path, headers, body):
    """The API operation of a request: X-Amz-Target (JSON), Action= (query), /operation/X (RPC v2), else
    METHOD path."""
    target = headers.get("X-Amz-Target")
    if target:
        return target.rsplit(".", 1)[-1]
    if "/operation/" in path:
        return path.split("/operation/", 1)[1].split("?", 1)[0].strip("/")
    query = urllib.parse.urlsplit(path).query
    for source in (query, body.decode("latin-1")):
        action = urllib.parse.parse_qs(source).get("Action")
        if action:
            return action[0]
    return f"{method} {urllib.parse.urlsplit(path).path}"


def matching_rule(op, body):
    text = body.decode("latin-1")
    with LOCK:
        for rule in RULES:
            if rule.get("operation") not in (None, op):
                continue
            if "contains" in rule and rule["contains"] not in text:
                continue
            if rule.get("times") is not None:
                if rule["times"] <= 0:
                    continue
                rule["times"] -= 1
            FAULTED[op] = FAULTED.get(op, 0) + 1
            return dict(rule)
    return None


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    upstream = None

    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=None):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def control(self, body):
        global RULES
        if self.command == "PUT" and self.path == "/__faults__/rules":
            with LOCK:
                RULES = json.loads(body or b"[]")
            return self.reply(200, "{}")
        if self.command == "GET" and self.path in ("/__faults__/counts", "/__faults__/faulted"):
            with LOCK:
                data = dict(COUNTS if self.path.endswith("counts") else FAULTED)
            return self.reply(200, json.dumps(data), {"Content-Type": "application/json"})
        return self.reply(404, "unknown control path")

    def handle_any(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if self.path.startswith("/__faults__/"):
            return self.control(body)
        op = operation(self.command, self.path, self.headers, body)
        with LOCK:
            COUNTS[op] = COUNTS.get(op, 0) + 1
        rule = matching_rule(op, body)
        if rule is not None:
            if rule.get("forward"):
                self.forward(body)
                time.sleep(float(rule.get("stall", 0)))
                self.close_connection = True
                return
            if "stall" in rule:
                time.sleep(float(rule["stall"]))
                self.close_connection = True
                return
            body = bytes.fromhex(rule["body_hex"]) if "body_hex" in rule else rule.get("body", "")
            return self.reply(int(rule.get("status", 500)), body, rule.get("headers"))
        self.forward(body, reply=True)

    def forward(self, body, reply=False):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=60)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            conn.request(self.command, self.path, body=body, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
            headers = {k: v for k, v in resp.getheaders()
                       if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"}
            if not reply:
                return
            if self.command == "HEAD":
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in HOP_BY_HOP:
                        self.send_header(k, v)
                self.end_headers()
                return
            self.reply(resp.status, data, headers)
        finally:
            conn.close()

    do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = handle_any


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--upstream", required=True)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    Handler.upstream = urllib.parse.urlsplit(args.upstream)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    server.daemon_threads = True
    print(f"listening {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
