#!/usr/bin/env bash
# Fleet scale on a real control plane (benches/fleet.rs): builds the operator in release mode, then runs the harness,
# which starts etcd + kube-apiserver, installs the chart, runs the operator binary under the chart's RBAC against
# moto, and prints one table for the sizes given (alarms; default 100, 1000 and 10000). About 25 minutes for the
# three sizes on 2 cores, after the release build. Needs what `.ci/run` installs (.venv with moto and helm-sdkpy).
#
#     scripts/fleet-scale.sh [--sizes 100,1000,10000] [--interval 60] [--concurrency N]
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
[ -x .venv/bin/python ] || { echo "run .ci/run first (it creates .venv with moto and helm-sdkpy)" >&2; exit 1; }
cargo build --release --bin aws-baseline-operator
exec cargo bench --profile dev --bench fleet -- "$@"
