#!/usr/bin/env bash
# The standard coffer benchmark suite, run with `coffer bench` through the S3
# API. By default it builds bin/coffer, starts a coffer of its own on a free
# port with a temporary data directory, measures it, and stops it at exit.
#
#   ./scripts/bench.sh                    the whole suite against a local coffer
#   ./scripts/bench.sh small list         only the named workload groups
#
# Groups: small (4 KiB put/get/head at concurrency 16 and 64), large (64 MiB
# put/get at concurrency 4), list (10,000 keys, pages of 1,000), memory
# (64 concurrent 64 MiB PUTs while sampling the server's RSS).
#
# Any other S3 endpoint, already running, is measured with the same settings
# by naming it; nothing is started, built for it or downloaded:
#
#   BENCH_ENDPOINT=http://127.0.0.1:9100 BENCH_ACCESS_KEY=... \
#   BENCH_SECRET_KEY=... BENCH_PID=$(pidof minio) BENCH_NAME=minio \
#   ./scripts/bench.sh
#
# Environment:
#   BENCH_ENDPOINT    endpoint to measure instead of a local coffer
#   BENCH_ACCESS_KEY  access key (local coffer: a fixed bench key)
#   BENCH_SECRET_KEY  secret key (local coffer: a fixed bench secret)
#   BENCH_PID         server process id, sampled for RSS (local coffer: its pid);
#                     without it the memory group is skipped
#   BENCH_NAME        label for the results (default coffer, or "endpoint")
#   BENCH_DURATION    measured window per workload (default 10s)
#   BENCH_WARMUP      discarded warm-up per small workload (default 2s)
#   BENCH_RESULTS     directory for the JSON reports (default a new temp dir)
#   BENCH_DATA_PARENT where the local coffer's data directory is made
#                     (default $TMPDIR or /tmp; keep it on the disk under test)
#
# Each workload's report is written as JSON to BENCH_RESULTS/NAME-WORKLOAD.json
# and a summary table is printed at the end, with the load average sampled
# just before each workload.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ALL_GROUPS=(small large list memory)
if (($# > 0)); then
	GROUPS_WANTED=("$@")
else
	GROUPS_WANTED=("${ALL_GROUPS[@]}")
fi
for g in "${GROUPS_WANTED[@]}"; do
	[[ " ${ALL_GROUPS[*]} " == *" $g "* ]] || {
		echo "unknown group '$g'; groups: ${ALL_GROUPS[*]}" >&2
		exit 2
	}
done
wanted() { [[ " ${GROUPS_WANTED[*]} " == *" $1 "* ]]; }

command -v jq >/dev/null || {
	echo "bench.sh needs jq to summarise the JSON reports" >&2
	exit 2
}

DURATION=${BENCH_DURATION:-10s}
WARMUP=${BENCH_WARMUP:-2s}
RESULTS=${BENCH_RESULTS:-$(mktemp -d "${TMPDIR:-/tmp}/coffer-bench.XXXXXX")}
mkdir -p "$RESULTS"

echo "building bin/coffer" >&2
go build -o bin/coffer ./cmd/coffer
COFFER="$ROOT/bin/coffer"

SERVER_PID=""
DATA_DIR=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	if [[ -n $SERVER_PID ]]; then
		kill "$SERVER_PID" 2>/dev/null || true
		wait "$SERVER_PID" 2>/dev/null || true
	fi
	if [[ -n $DATA_DIR ]]; then
		rm -rf "$DATA_DIR"
	fi
}
trap cleanup EXIT

# start_coffer starts bin/coffer on a free port and waits until
# /health/ready answers 200, or gives up after about 30 seconds.
start_coffer() {
	DATA_DIR=$(mktemp -d "${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}}/coffer-bench-data.XXXXXX")
	export COFFER_ROOT_ACCESS_KEY=benchaccesskey
	export COFFER_ROOT_SECRET_KEY=benchsecretkey0123456789
	local log="$RESULTS/coffer-server.log"
	"$COFFER" server --address 127.0.0.1:0 --data "$DATA_DIR/data" >"$log" 2>&1 &
	SERVER_PID=$!
	local addr="" i
	for ((i = 0; i < 300; i++)); do
		kill -0 "$SERVER_PID" 2>/dev/null || {
			echo "coffer exited before becoming ready; its log:" >&2
			cat "$log" >&2
			exit 1
		}
		if [[ -z $addr ]]; then
			addr=$(sed -n 's/.*msg="coffer started".* address=\([^ ]*\).*/\1/p' "$log" | head -n1)
		fi
		if [[ -n $addr ]] && curl -fsS -o /dev/null "http://$addr/health/ready" 2>/dev/null; then
			ENDPOINT="http://$addr"
			ACCESS_KEY=$COFFER_ROOT_ACCESS_KEY
			SECRET_KEY=$COFFER_ROOT_SECRET_KEY
			PID=$SERVER_PID
			return
		fi
		sleep 0.1
	done
	echo "coffer did not become ready in 30s; its log:" >&2
	cat "$log" >&2
	exit 1
}

if [[ -n ${BENCH_ENDPOINT:-} ]]; then
	ENDPOINT=$BENCH_ENDPOINT
	ACCESS_KEY=${BENCH_ACCESS_KEY:?BENCH_ACCESS_KEY is required with BENCH_ENDPOINT}
	SECRET_KEY=${BENCH_SECRET_KEY:?BENCH_SECRET_KEY is required with BENCH_ENDPOINT}
	PID=${BENCH_PID:-}
	NAME=${BENCH_NAME:-endpoint}
else
	# The server runs with its default settings (info log level with one
	# access-log record per request, fsync before acknowledging), as
	# peers are measured with theirs.
	NAME=${BENCH_NAME:-coffer}
	start_coffer
fi

export AWS_ACCESS_KEY_ID=$ACCESS_KEY
export AWS_SECRET_ACCESS_KEY=$SECRET_KEY

FAILED=0
LABELS=()

# run LABEL ARGS... runs one `coffer bench` workload and keeps its JSON report
# in $RESULTS/$NAME-LABEL.json, with the load average beside it.
run() {
	local label=$1
	shift
	local out="$RESULTS/$NAME-$label.json"
	LABELS+=("$label")
	local load
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "== $NAME $label (load $load)" >&2
	if ! "$COFFER" bench --endpoint "$ENDPOINT" --json "$@" >"$out.tmp"; then
		echo "   $label reported failures (see $out)" >&2
		FAILED=1
	fi
	jq --arg la "$load" --arg wl "$label" --arg nm "$NAME" \
		'. + {label: $wl, target: $nm, loadavg: $la}' "$out.tmp" >"$out" || {
		echo "   $label produced no report" >&2
		FAILED=1
	}
	rm -f "$out.tmp"
}

if wanted small; then
	for c in 16 64; do
		run "put-4KiB-c$c" --workload put --size 4KiB --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP"
		run "get-4KiB-c$c" --workload get --size 4KiB --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" --objects 1000
		run "head-4KiB-c$c" --workload head --size 4KiB --concurrency "$c" --duration "$DURATION" --warmup "$WARMUP" --objects 1000
	done
fi
if wanted large; then
	run put-64MiB-c4 --workload put --size 64MiB --concurrency 4 --duration "$DURATION"
	run get-64MiB-c4 --workload get --size 64MiB --concurrency 4 --duration "$DURATION" --objects 8
fi
if wanted list; then
	run list-10k --workload list --objects 10000 --max-keys 1000 --concurrency 1 --duration "$DURATION"
fi
if wanted memory; then
	if [[ -n $PID ]]; then
		run memory-put-64MiB-c64 --workload put --size 64MiB --concurrency 64 --count 64 --server-pid "$PID"
	else
		echo "== $NAME memory skipped: no BENCH_PID to sample" >&2
	fi
fi

echo
echo "results in $RESULTS"
printf '%-8s %-22s %10s %9s %9s %9s %9s %8s %9s  %s\n' \
	target workload ops/s MiB/s p50ms p99ms maxms errors rssMiB load
for label in "${LABELS[@]}"; do
	f="$RESULTS/$NAME-$label.json"
	[[ -e $f ]] || continue
	jq -r '[.target, .label,
		(.operations[0].ops_per_sec | floor),
		((.operations[0].mib_per_sec * 10 | floor) / 10),
		((.operations[0].latency_ms.p50 * 100 | floor) / 100),
		((.operations[0].latency_ms.p99 * 100 | floor) / 100),
		((.operations[0].latency_ms.max * 100 | floor) / 100),
		([.operations[].errors[]] | add // 0),
		(if .server_memory then (.server_memory.peak_rss_mib | floor) else "-" end),
		.loadavg] | @tsv' "$f" |
		awk -F'\t' '{printf "%-8s %-22s %10s %9s %9s %9s %9s %8s %9s  %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10}'
done
exit "$FAILED"
