#!/usr/bin/env bash
# See it work: apply the examples/ baseline and patch schedules to a local AWS emulator (moto), inject drift
# out-of-band with boto3,
# watch `check` find it and `apply` correct it. No cluster, no AWS account.
#
# Doubles as a smoke test: exits non-zero when any step's exit code differs from the expected one.
# `check` exit codes: 0 = in sync, 2 = drift found.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

VENV="$ROOT/.venv"
PY="$VENV/bin/python"
BIN="$ROOT/target/debug/aws-baseline-operator"
EXAMPLES="examples/"

header() {
    printf '\n==== %s ====\n' "$*"
}

FAILURES=0

# expect RC DESCRIPTION CMD...: run CMD without letting `set -e` stop the script, print its exit code and
# count a failure when it is not RC.
expect() {
    local want="$1" what="$2"
    shift 2
    local rc=0
    "$@" || rc=$?
    if [ "$rc" -eq "$want" ]; then
        printf -- '---> %s: exit %d (expected %d) OK\n' "$what" "$rc" "$want"
    else
        printf -- '---> %s: exit %d (expected %d) UNEXPECTED\n' "$what" "$rc" "$want"
        FAILURES=$((FAILURES + 1))
    fi
}

header "Setup: Python venv with moto"
if [ ! -x "$VENV/bin/moto_server" ]; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install -q -r "$ROOT/tests/requirements.txt"
fi
echo "moto $("$PY" -c 'import moto; print(moto.__version__)') in $VENV"

header "Setup: build"
cargo build -q
echo "binary: $BIN"

header "Setup: start moto on a free loopback port"
PORT="$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
MOTO_LOG="$(mktemp "${TMPDIR:-/tmp}/demo-moto.XXXXXX")"
MOTO_PID=""

cleanup() {
    if [ -n "$MOTO_PID" ] && kill -0 "$MOTO_PID" 2>/dev/null; then
        kill "$MOTO_PID" 2>/dev/null || true
        wait "$MOTO_PID" 2>/dev/null || true
    fi
    rm -f "$MOTO_LOG"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# moto's server with the SSM, Security Hub and Budgets operations moto lacks (tests/moto_ext/README.md); same CLI as
# moto_server.
"$PY" "$ROOT/tests/moto_ext/server.py" -H 127.0.0.1 -p "$PORT" >"$MOTO_LOG" 2>&1 &
MOTO_PID=$!

ready=0
for _ in $(seq 1 60); do # 60 x 0.5 s = 30 s
    if ! kill -0 "$MOTO_PID" 2>/dev/null; then
        echo "moto (tests/moto_ext/server.py) exited early; its log:" >&2
        cat "$MOTO_LOG" >&2
        exit 1
    fi
    if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/moto-api/"; then
        ready=1
        break
    fi
    sleep 0.5
done
if [ "$ready" -ne 1 ]; then
    echo "moto (tests/moto_ext/server.py) did not answer on 127.0.0.1:$PORT within 30 s; its log:" >&2
    cat "$MOTO_LOG" >&2
    exit 1
fi
echo "moto (with tests/moto_ext) pid $MOTO_PID on http://127.0.0.1:$PORT"

# Dummy credentials: moto accepts any key pair, and every SDK client (the operator's and boto3's) is pointed at
# the emulator through AWS_ENDPOINT_URL, so nothing can reach a real AWS account. Clear anything that could mix
# real credentials in.
unset AWS_PROFILE AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI AWS_CONTAINER_AUTHORIZATION_TOKEN
export AWS_ENDPOINT_URL="http://127.0.0.1:$PORT"
export AWS_ACCESS_KEY_ID=testing
export AWS_SECRET_ACCESS_KEY=testing
export AWS_REGION=us-east-1
export AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true

header "Step 1: check on an empty account (expect 2: nothing exists yet)"
expect 2 "check" "$BIN" check -f "$EXAMPLES"

header "Step 2: apply (creates the trail, bucket, detectors, password policy, BPA, EBS encryption, and the
maintenance windows, patch tasks, patch baseline and inventory association of the PatchSchedules; in the two
accounts of examples/baselines/, reached through their roles, a CIS-ready baseline with Inspector, AWS Config,
VPC flow logs, Security Hub and Session Manager, and a minimal one)"
expect 0 "apply" "$BIN" apply -f "$EXAMPLES"

header "Step 3: check (expect 0: in sync)"
expect 0 "check" "$BIN" check -f "$EXAMPLES"

header "Step 4: drift out-of-band with boto3"
expect 0 "inject drift" "$PY" - <<'PY'
import os

import boto3

endpoint = os.environ["AWS_ENDPOINT_URL"]

cloudtrail = boto3.client("cloudtrail", region_name="us-east-1", endpoint_url=endpoint)
cloudtrail.stop_logging(Name="org-audit-trail")
print("cloudtrail (us-east-1): stopped logging on org-audit-trail")

guardduty = boto3.client("guardduty", region_name="eu-west-1", endpoint_url=endpoint)
detectors = guardduty.list_detectors()["DetectorIds"]
if len(detectors) != 1:
    raise SystemExit(f"expected one GuardDuty detector in eu-west-1, found {detectors}")
guardduty.update_detector(DetectorId=detectors[0], FindingPublishingFrequency="ONE_HOUR")
print(f"guardduty (eu-west-1): detector {detectors[0]} findingPublishingFrequency -> ONE_HOUR")

# Like AWS, this replaces the whole policy: every field left out falls back to its default, so more than the
# length drifts.
iam = boto3.client("iam", region_name="us-east-1", endpoint_url=endpoint)
iam.update_account_password_policy(MinimumPasswordLength=6)
print("iam: account password policy replaced with MinimumPasswordLength=6")

ssm = boto3.client("ssm", region_name="eu-west-1", endpoint_url=endpoint)
windows = ssm.describe_maintenance_windows(
    Filters=[{"Key": "Name", "Values": ["payments-prod-weekly-install"]}]
)["WindowIdentities"]
if len(windows) != 1:
    raise SystemExit(f"expected one production maintenance window, found {windows}")
ssm.update_maintenance_window(WindowId=windows[0]["WindowId"], Duration=2, Cutoff=0)
print(f"ssm (eu-west-1): window {windows[0]['WindowId']} duration 4h -> 2h, cutoff 1h -> 0h")

logs = boto3.client("logs", region_name="us-east-1", endpoint_url=endpoint)
logs.delete_metric_filter(
    logGroupName="/aws/cloudtrail/org-audit-trail",
    filterName="awsbaseline.payments.cis-monitoring.cis.rootAccountUsage",
)
print("logs (us-east-1): deleted the CIS root-account-usage metric filter (CloudWatch.1, CIS 4.3)")

# The CIS-ready example's account, through its role as the operator reaches it.
sts = boto3.client("sts", region_name="us-east-1", endpoint_url=endpoint)
creds = sts.assume_role(
    RoleArn="arn:aws:iam::111111111111:role/baseline-operator", RoleSessionName="demo-drift"
)["Credentials"]
hub = boto3.client(
    "securityhub",
    region_name="eu-west-1",
    endpoint_url=endpoint,
    aws_access_key_id=creds["AccessKeyId"],
    aws_secret_access_key=creds["SecretAccessKey"],
    aws_session_token=creds["SessionToken"],
)
hub.batch_enable_standards(
    StandardsSubscriptionRequests=[{"StandardsArn": "arn:aws:securityhub:eu-west-1::standards/pci-dss/v/3.2.1"}]
)
print("securityhub (account 111111111111, eu-west-1): subscribed PCI DSS v3.2.1, which cis-ready does not list")
PY

header "Step 5: check (expect 2: drift found)"
expect 2 "check" "$BIN" check -f "$EXAMPLES"

header "Step 6: apply (corrects the drift)"
expect 0 "apply" "$BIN" apply -f "$EXAMPLES"

header "Step 7: check (expect 0: in sync again)"
expect 0 "check" "$BIN" check -f "$EXAMPLES"

header "Result"
if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES step(s) exited with an unexpected code" >&2
    exit 1
fi
echo "all steps exited as expected"
