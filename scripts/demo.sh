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
    stop_control_plane 2>/dev/null || true
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
expect 0 "apply" "$BIN" apply --auto-approve -f "$EXAMPLES"

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
    Filters=[{"Key": "Name", "Values": ["payments.prod-weekly-install"]}]
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
expect 0 "apply" "$BIN" apply --auto-approve -f "$EXAMPLES"

header "Step 7: check (expect 0: in sync again)"
expect 0 "check" "$BIN" check -f "$EXAMPLES"

# ---------------------------------------------------------------------------------------------------------------
# Part 2: the operator's main job. A local control plane (etcd + kube-apiserver, the binaries the tests use:
# $KUBEBUILDER_ASSETS, else ../shared/k8s and the etcd-bin-vendored-linux-amd64 crate), the chart installed by
# Helm's engine, the operator binary running under the chart's ServiceAccount, `kubectl apply -k examples/`.
# ---------------------------------------------------------------------------------------------------------------
controller_demo() {
    local k8s="$ROOT/../shared/k8s" apiserver="" etcd=""
    if [ -n "${KUBEBUILDER_ASSETS:-}" ] && [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ]; then
        apiserver="$KUBEBUILDER_ASSETS/kube-apiserver"
        [ -x "$KUBEBUILDER_ASSETS/etcd" ] && etcd="$KUBEBUILDER_ASSETS/etcd"
    elif ls "$k8s"/kube-apiserver-*-linux-amd64.xz >/dev/null 2>&1; then
        local packed want
        packed="$(ls "$k8s"/kube-apiserver-*-linux-amd64.xz | head -n 1)"
        want="$(grep '(unpacked)' "$k8s/SHA256SUMS" | cut -d' ' -f1)"
        apiserver="$ROOT/target/k8s/$(basename "$packed" .xz)" # where the tests unpack it too
        if [ "$(sha256sum "$apiserver" 2>/dev/null | cut -d' ' -f1)" != "$want" ]; then
            mkdir -p "$ROOT/target/k8s"
            xz -dc "$packed" >"$apiserver.partial"
            [ "$(sha256sum "$apiserver.partial" | cut -d' ' -f1)" = "$want" ] || { echo "sha256 mismatch for $packed" >&2; return 1; }
            chmod +x "$apiserver.partial" && mv "$apiserver.partial" "$apiserver"
        fi
    fi
    if [ -z "$etcd" ]; then
        cargo fetch -q
        etcd="$(cargo metadata --format-version 1 | "$PY" -c 'import json, os, sys
pkgs = json.load(sys.stdin)["packages"]
print(next(os.path.join(os.path.dirname(p["manifest_path"]), "bin", "etcd") for p in pkgs if p["name"] == "etcd-bin-vendored-linux-amd64"))')"
    fi
    if [ -z "$apiserver" ] || [ ! -x "$etcd" ] || ! command -v kubectl >/dev/null; then
        echo "No local control plane: set KUBEBUILDER_ASSETS to a folder with etcd and kube-apiserver (or keep"
        echo "../shared/k8s beside this repository) and install kubectl to see the controller part."
        return 0
    fi
    if ! "$PY" -c 'import helm_sdkpy' 2>/dev/null; then
        "$VENV/bin/pip" install -q --ignore-requires-python -r "$ROOT/tests/requirements-helm.txt"
    fi
    CP="$(mktemp -d "${TMPDIR:-/tmp}/demo-cp.XXXXXX")"
    local ports api
    ports="$("$PY" -c 'import socket
ss = [socket.socket() for _ in range(4)]
for s in ss: s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in ss))')"
    set -- $ports
    api="https://127.0.0.1:$3"
    METRICS="127.0.0.1:$4"
    openssl genrsa -out "$CP/sa.key" 2048 2>/dev/null
    openssl rsa -in "$CP/sa.key" -pubout -out "$CP/sa.pub" 2>/dev/null
    local admin_token op_token
    admin_token="admin-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
    op_token="op-$("$PY" -c 'import secrets; print(secrets.token_hex(16))')"
    printf '%s,admin,admin-uid,"system:masters"\n%s,system:serviceaccount:aws-baseline:aws-baseline-operator,op-uid,"system:serviceaccounts,system:serviceaccounts:aws-baseline"\n' \
        "$admin_token" "$op_token" >"$CP/tokens.csv"
    "$etcd" --data-dir "$CP/etcd" --unsafe-no-fsync \
        --listen-client-urls "http://127.0.0.1:$1" --advertise-client-urls "http://127.0.0.1:$1" \
        --listen-peer-urls "http://127.0.0.1:$2" --initial-advertise-peer-urls "http://127.0.0.1:$2" \
        --initial-cluster "default=http://127.0.0.1:$2" >"$CP/etcd.log" 2>&1 &
    ETCD_PID=$!
    "$apiserver" --etcd-servers "http://127.0.0.1:$1" --bind-address 127.0.0.1 --advertise-address 127.0.0.1 \
        --secure-port "$3" --cert-dir "$CP/certs" --service-account-key-file "$CP/sa.pub" \
        --service-account-signing-key-file "$CP/sa.key" --service-account-issuer https://kubernetes.default.svc \
        --token-auth-file "$CP/tokens.csv" --authorization-mode RBAC --service-cluster-ip-range 10.96.0.0/16 \
        >"$CP/kube-apiserver.log" 2>&1 &
    API_PID=$!
    for user in admin op; do
        local t="$admin_token" ns=default
        [ "$user" = op ] && t="$op_token" && ns=aws-baseline
        cat >"$CP/$user.kubeconfig" <<KC
apiVersion: v1
kind: Config
current-context: demo
clusters: [{name: demo, cluster: {server: "$api", certificate-authority: "$CP/certs/apiserver.crt"}}]
users: [{name: $user, user: {token: "$t"}}]
contexts: [{name: demo, context: {cluster: demo, user: $user, namespace: $ns}}]
KC
    done
    export KUBECONFIG="$CP/admin.kubeconfig"
    local up=0
    for _ in $(seq 1 120); do # 120 x 0.5 s
        if [ -f "$CP/certs/apiserver.crt" ] && [ "$(kubectl get --raw /readyz 2>/dev/null)" = ok ]; then up=1; break; fi
        sleep 0.5
    done
    [ "$up" -eq 1 ] || { echo "kube-apiserver not ready in 60 s; log:" >&2; tail -20 "$CP/kube-apiserver.log" >&2; return 1; }
    echo "kube-apiserver $("$apiserver" --version | cut -d' ' -f2) pid $API_PID on $api, etcd pid $ETCD_PID"

    header "Part 2, step 1: helm install the chart (CRDs, ServiceAccount, RBAC) into the local control plane"
    "$PY" "$ROOT/tests/helm/install.py" "$KUBECONFIG" aws-baseline aws-baseline-operator 2>&1 | grep -v 'Warning: unrecognized format'
    kubectl get crd | grep -E 'NAME|awsbaseline'

    header "Part 2, step 2: run the operator binary as the chart's ServiceAccount (no pod: this control plane has no nodes)"
    curl -s -o /dev/null -X POST "$AWS_ENDPOINT_URL/moto-api/reset" # an empty account again
    KUBECONFIG="$CP/op.kubeconfig" POD_NAMESPACE=aws-baseline POD_NAME=aws-baseline-operator-demo METRICS_ADDR="$METRICS" \
        RUST_LOG=info,kube=warn,aws_config=warn,aws_smithy_runtime=warn "$BIN" run >"$CP/operator.log" 2>&1 &
    OP_PID=$!
    for _ in $(seq 1 60); do curl -sf "http://$METRICS/readyz" >/dev/null && break; sleep 0.5; done
    echo "operator pid $OP_PID: $(curl -s "http://$METRICS/readyz")"

    header "Part 2, step 3: kubectl apply --server-side -k examples/ and wait until every object is Ready"
    kubectl apply --server-side -k examples/
    expect 0 "every object Ready" kubectl wait --for=condition=Ready --all -A --timeout=300s \
        awsaccounts,accountbaselines,monitoringpolicies,patchschedules
    kubectl get awsbaseline -A

    header "Part 2, step 4: a drift made behind the operator's back shows in kubectl describe (driftPolicy Report)"
    kubectl patch accountbaseline sandbox-baseline --type merge -p '{"spec": {"driftPolicy": "Report", "driftCheckInterval": "30s"}}'
    "$PY" -c 'import boto3, os; boto3.client("cloudtrail", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).stop_logging(Name="org-audit-trail"); print("cloudtrail: stopped logging on org-audit-trail")'
    expect 0 "Drifted=True within two drift checks" kubectl wait --for=condition=Drifted accountbaseline/sandbox-baseline --timeout=120s
    kubectl describe accountbaseline sandbox-baseline | sed -n '/^Status:/,$p' | grep -B2 -A12 'Drift:' | head -26

    header "Part 2, step 5: back to driftPolicy Correct: the operator starts the trail again"
    kubectl patch accountbaseline sandbox-baseline --type merge -p '{"spec": {"driftPolicy": "Correct"}}'
    expect 0 "Drifted=False" kubectl wait --for=condition=Drifted=False accountbaseline/sandbox-baseline --timeout=120s
    kubectl get accountbaseline sandbox-baseline
    kubectl get events -n default --field-selector involvedObject.name=sandbox-baseline -o custom-columns=REASON:.reason,MESSAGE:.message | tail -n 3 | cut -c1-160
    "$PY" -c 'import boto3, os; print("cloudtrail: IsLogging =", boto3.client("cloudtrail", endpoint_url=os.environ["AWS_ENDPOINT_URL"]).get_trail_status(Name="org-audit-trail")["IsLogging"])'
}

stop_control_plane() {
    for pid in ${OP_PID:-} ${API_PID:-} ${ETCD_PID:-}; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    [ -n "${CP:-}" ] && rm -rf "$CP"
}

header "Part 2: the controller on a local Kubernetes control plane"
controller_demo || FAILURES=$((FAILURES + 1))
stop_control_plane

header "Result"
if [ "$FAILURES" -ne 0 ]; then
    echo "$FAILURES step(s) exited with an unexpected code" >&2
    exit 1
fi
echo "all steps exited as expected"
