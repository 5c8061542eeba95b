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
# (the server's peak RSS during: 10,000 idle connections held open, 1,000
# concurrent 4 KiB PUTs, 64 concurrent 64 MiB PUTs, and 64 concurrent PUTs of
# BENCH_MEMORY_SIZE, default 5 GiB, streamed from a generator), sse (4 KiB
# and 1 MiB PUT and GET with SSE-KMS under the account's aws/s3 key, without
# and with S3 Bucket Keys, beside the same workloads with no encryption
# header, which coffer stores SSE-S3 by default; see BENCH_SSE).
#
# The lifecycle group (run only when named) measures 4 KiB PUT and GET at
# concurrency 16 with the lifecycle engine idle and then busy, in the same
# run on the same local coffer: the coffer restarts with --lifecycle-day 1s,
# BENCH_LIFECYCLE_BUSY tiny objects (default 1,000,000) are written to a
# bucket of their own in parallel, PUT and GET are measured (idle: no rules),
# then an Expiration rule of one day goes on that bucket, every object is
# due at once, and PUT and GET are measured again while the engine expires
# them (busy). Each workload's report carries the objects the engine
# expired during it (lifecycle_expired); the summary flags a busy workload
# during which the engine expired nothing. With too few objects the engine
# finishes before the busy workloads end: the count shows it.
# The figure for docs/performance.md, on a quiet machine:
#
#   BENCH_LIFECYCLE_BUSY=1000000 BENCH_DURATION=10s ./scripts/bench.sh lifecycle
#
# and a quick check that it works (about a minute):
#
#   BENCH_LIFECYCLE_BUSY=20000 BENCH_DURATION=3s ./scripts/bench.sh lifecycle
#
# The large memory workload writes 64 x BENCH_MEMORY_SIZE to the data disk
# (320 GiB at the default) and removes it afterwards. When the disk under
# BENCH_DATA_PARENT has less than twice that free, the size is lowered to the
# largest power of two that fits in half the free space, and the script says
# so; set BENCH_MEMORY_SIZE to choose it. When the memory group runs, the
# local coffers start with --max-connections 12000, so that they keep the
# 10,000 idle connections (the default is a third of the open file limit).
#
# The small group can also be measured as an IAM user beside the root user,
# on the same server, each workload as root and then as the user, and the
# summary compares them:
#
#   BENCH_IAM_USER=1 BENCH_ROUNDS=3 ./scripts/bench.sh small
#
# The user's inline policy is scripts/bench-iam-policy.json: five statements
# with conditions (aws:SourceIp, s3:prefix, aws:CurrentTime, s3:x-amz-acl,
# aws:SecureTransport), all of which the benchmark's requests pass. For the
# local coffer the script makes the user itself, as the root user, through
# the running server's IAM API (`coffer bench user`: CreateUser,
# PutUserPolicy, CreateAccessKey). For another endpoint, make the user there
# (with `coffer bench user --endpoint URL --policy
# scripts/bench-iam-policy.json`, or `aws iam create-user`, `put-user-policy`
# and `create-access-key`) and pass its keys.
#
# Each workload can also be measured over HTTPS beside plain HTTP, in the
# same run: a second local coffer serves a certificate from `coffer tls init`
# (the client trusts only that CA), every workload runs over HTTP and then
# over HTTPS (labels ending in -https), and the summary compares them:
#
#   BENCH_TLS=1 ./scripts/bench.sh small
#
# Encryption at rest (on by default) can be measured against plaintext in
# the same way: a second local coffer runs with --encrypt-at-rest=false,
# every workload runs on the encrypting server and then on the plaintext
# one (labels ending in -plain), and the summary compares them:
#
#   BENCH_PLAINTEXT=1 ./scripts/bench.sh small large
#
# and coffer with its metadata in PostgreSQL against the embedded store, in
# the same run (a throwaway PostgreSQL on loopback, started here):
#
#   BENCH_META=postgres ./scripts/bench.sh small list
#
# and a cluster of several coffers on that one PostgreSQL and one blob
# directory, the load generator spreading its clients over the nodes
# (`coffer bench --also-endpoint`), beside the embedded store; with several
# node counts, each workload runs on 1, 2 and 3 nodes in turn (labels ending
# in -postgres-1n, -2n, -3n) and the summary compares them:
#
#   BENCH_META=postgres BENCH_NODES="1 2 3" ./scripts/bench.sh small
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
#   BENCH_DURATION    measured window per workload (default 10s); for the
#                     idle workload, how long the connections are held
#   BENCH_MEMORY_SIZE object size of the memory group's large PUTs (default
#                     5GiB, lowered to fit the disk; see above)
#   BENCH_IDLE_CONNECTIONS
#                     idle connections the memory group holds (default 10000)
#   BENCH_WARMUP      discarded warm-up per small workload (default 2s)
#   BENCH_RESULTS     directory for the JSON reports (default a new temp dir)
#   BENCH_DATA_PARENT where the local coffer's data directory is made
#                     (default $TMPDIR or /tmp; keep it on the disk under test)
#   BENCH_LIFECYCLE_BUSY
#                     objects the lifecycle group expires while it measures
#                     (default 1000000; local coffer only)
#   BENCH_IAM_USER    1 to run the small group as root and as an IAM user
#   BENCH_USER_ACCESS_KEY, BENCH_USER_SECRET_KEY
#                     the IAM user's keys (required with BENCH_ENDPOINT and
#                     BENCH_IAM_USER; the local coffer's user is made here)
#   BENCH_ROUNDS      times the small group runs, interleaved, for medians
#                     (default 1)
#   BENCH_TLS         1 to measure each workload over HTTPS too (not together
#                     with BENCH_IAM_USER)
#   BENCH_PLAINTEXT   1 to measure each workload on a plaintext coffer too
#                     (local coffer only; not with BENCH_TLS or BENCH_IAM_USER)
#   BENCH_META        postgres to measure each workload on a coffer whose
#                     metadata is in PostgreSQL too (local coffer only; not
#                     with BENCH_TLS, BENCH_IAM_USER or BENCH_PLAINTEXT);
#                     needs PostgreSQL's server binaries (Debian: postgresql)
#   BENCH_NODES       with BENCH_META=postgres: how many coffer nodes share
#                     the PostgreSQL and the blob directory, 1 to 9, or
#                     several counts ("1 2 3"), each workload then running on
#                     each count in turn (default 1). The nodes share the
#                     first one's master key file and the root key pair; the
#                     workload's --concurrency is the total over the nodes
#   BENCH_SSE         the sse group's variants, separated by spaces or commas
#                     (default "none kms kms-bucket-key"): none sends no
#                     encryption header, kms sends aws:kms with
#                     bucket-key-enabled false, kms-bucket-key aws:kms with
#                     bucket-key-enabled true
#   BENCH_TLS_ENDPOINT, BENCH_CA_BUNDLE, BENCH_TLS_PID
#                     with BENCH_ENDPOINT and BENCH_TLS: the https endpoint to
#                     measure beside it, the CA file that signed its
#                     certificate (default: the system's CAs) and its process
#
# Each workload's report is written as JSON to BENCH_RESULTS/NAME-WORKLOAD.json
# and a summary table is printed at the end, with the load average sampled
# just before each workload and, for the memory group, the server's RSS at
# the start of each workload (rss0MiB) and its peak (rssMiB).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ALL_GROUPS=(small large list sse memory)
# Groups that run only when named.
EXTRA_GROUPS=(lifecycle)
if (($# > 0)); then
	GROUPS_WANTED=("$@")
else
	GROUPS_WANTED=("${ALL_GROUPS[@]}")
fi
for g in "${GROUPS_WANTED[@]}"; do
	[[ " ${ALL_GROUPS[*]} ${EXTRA_GROUPS[*]} " == *" $g "* ]] || {
		echo "unknown group '$g'; groups: ${ALL_GROUPS[*]} ${EXTRA_GROUPS[*]}" >&2
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

IAM_USER=${BENCH_IAM_USER:-}
[[ -z $IAM_USER || $IAM_USER == 0 || $IAM_USER == 1 ]] || {
	echo "BENCH_IAM_USER must be 0 or 1" >&2
	exit 2
}
[[ $IAM_USER == 0 ]] && IAM_USER=""
TLS=${BENCH_TLS:-}
[[ -z $TLS || $TLS == 0 || $TLS == 1 ]] || {
	echo "BENCH_TLS must be 0 or 1" >&2
	exit 2
}
[[ $TLS == 0 ]] && TLS=""
if [[ -n $TLS && -n $IAM_USER ]]; then
	echo "BENCH_TLS and BENCH_IAM_USER cannot be combined; run them separately" >&2
	exit 2
fi
PLAIN=${BENCH_PLAINTEXT:-}
[[ -z $PLAIN || $PLAIN == 0 || $PLAIN == 1 ]] || {
	echo "BENCH_PLAINTEXT must be 0 or 1" >&2
	exit 2
}
[[ $PLAIN == 0 ]] && PLAIN=""
if [[ -n $PLAIN && (-n $TLS || -n $IAM_USER || -n ${BENCH_ENDPOINT:-}) ]]; then
	echo "BENCH_PLAINTEXT measures two local coffers; it cannot be combined with BENCH_TLS, BENCH_IAM_USER or BENCH_ENDPOINT" >&2
	exit 2
fi
PG=${BENCH_META:-}
[[ -z $PG || $PG == postgres ]] || {
	echo "BENCH_META must be empty or postgres" >&2
	exit 2
}
if [[ -n $PG && (-n $TLS || -n $IAM_USER || -n $PLAIN || -n ${BENCH_ENDPOINT:-}) ]]; then
	echo "BENCH_META measures two local coffers; it cannot be combined with BENCH_TLS, BENCH_IAM_USER, BENCH_PLAINTEXT or BENCH_ENDPOINT" >&2
	exit 2
fi
read -r -a NODES <<<"${BENCH_NODES:-1}"
MAX_NODES=0
for n in "${NODES[@]}"; do
	[[ $n =~ ^[1-9]$ ]] || {
		echo "BENCH_NODES must list node counts from 1 to 9, e.g. \"1 2 3\"" >&2
		exit 2
	}
	((n > MAX_NODES)) && MAX_NODES=$n
done
((${#NODES[@]} > 0)) || NODES=(1) MAX_NODES=1
if [[ ${NODES[*]} != 1 && -z $PG ]]; then
	echo "BENCH_NODES needs BENCH_META=postgres: the nodes share a PostgreSQL" >&2
	exit 2
fi
SSE_VARIANTS=()
SSE_LIST=${BENCH_SSE:-}
for v in ${SSE_LIST//,/ }; do
	case $v in
	none | kms | kms-bucket-key) SSE_VARIANTS+=("$v") ;;
	*)
		echo "BENCH_SSE: unknown variant '$v'; variants: none kms kms-bucket-key" >&2
		exit 2
		;;
	esac
done
((${#SSE_VARIANTS[@]} > 0)) || SSE_VARIANTS=(none kms kms-bucket-key)
ROUNDS=${BENCH_ROUNDS:-1}
[[ $ROUNDS =~ ^[1-9][0-9]*$ ]] || {
	echo "BENCH_ROUNDS must be a positive integer" >&2
	exit 2
}

echo "building bin/coffer" >&2
go build -o bin/coffer ./cmd/coffer
COFFER="$ROOT/bin/coffer"

SERVER_PID=""
# Flags of every local coffer: limits only, which change nothing for the
# other groups.
SERVER_FLAGS=()
if wanted memory; then
	SERVER_FLAGS=(--max-connections 12000)
fi
# Flags of the local coffer only (the lifecycle group's day).
LOCAL_FLAGS=()
DATA_DIR=""
TLS_SERVER_PID=""
TLS_DATA_DIR=""
PLAIN_SERVER_PID=""
PLAIN_DATA_DIR=""
PG_SERVER_PID=""
# PG_SERVER_PIDS and PG_ENDPOINTS list every node on the PostgreSQL; the
# first is PG_SERVER_PID and PG_ENDPOINT.
PG_SERVER_PIDS=()
PG_ENDPOINTS=()
PG_DATA_DIR=""
PGDB_PID=""
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
	local p
	for p in "$SERVER_PID" "$TLS_SERVER_PID" "$PLAIN_SERVER_PID" "${PG_SERVER_PIDS[@]}" "$PGDB_PID"; do
		[[ -n $p ]] || continue
		kill "$p" 2>/dev/null || true
		wait "$p" 2>/dev/null || true
	done
	for p in "$DATA_DIR" "$TLS_DATA_DIR" "$PLAIN_DATA_DIR" "$PG_DATA_DIR"; do
		[[ -z $p ]] || rm -rf "$p"
	done
}
trap cleanup EXIT

# start_coffer starts bin/coffer on a free port (with a new temporary data
# directory the first time) and waits until /health/ready answers 200, or
# gives up after about 30 seconds.
start_coffer() {
	if [[ -z $DATA_DIR ]]; then
		DATA_DIR=$(mktemp -d "${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}}/coffer-bench-data.XXXXXX")
	fi
	export COFFER_ROOT_ACCESS_KEY=benchaccesskey
	export COFFER_ROOT_SECRET_KEY=benchsecretkey0123456789
	local log="$RESULTS/coffer-server.log"
	# The log exists before the server starts: the child opens it for
	# the redirection only once it runs, and the loop below reads it.
	: >"$log"
	"$COFFER" server --address 127.0.0.1:0 --data "$DATA_DIR/data" "${SERVER_FLAGS[@]}" ${LOCAL_FLAGS[@]+"${LOCAL_FLAGS[@]}"} >"$log" 2>&1 &
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

# start_coffer_tls starts a second local coffer, on its own data directory,
# serving HTTPS with a certificate from `coffer tls init`, and waits until
# /health/ready answers over HTTPS.
start_coffer_tls() {
	TLS_DATA_DIR=$(mktemp -d "${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}}/coffer-bench-tls.XXXXXX")
	"$COFFER" tls init --dir "$TLS_DATA_DIR/tls" --name localhost --ip 127.0.0.1 >/dev/null
	CA_BUNDLE=$TLS_DATA_DIR/tls/ca.pem
	local log="$RESULTS/coffer-server-tls.log" addr="" i
	: >"$log"
	"$COFFER" server --address 127.0.0.1:0 --data "$TLS_DATA_DIR/data" \
		--tls-cert "$TLS_DATA_DIR/tls/cert.pem" --tls-key "$TLS_DATA_DIR/tls/key.pem" "${SERVER_FLAGS[@]}" >"$log" 2>&1 &
	TLS_SERVER_PID=$!
	for ((i = 0; i < 300; i++)); do
		kill -0 "$TLS_SERVER_PID" 2>/dev/null || {
			echo "the HTTPS coffer exited before becoming ready; its log:" >&2
			cat "$log" >&2
			exit 1
		}
		if [[ -z $addr ]]; then
			addr=$(sed -n 's/.*msg="coffer started".* address=\([^ ]*\).*/\1/p' "$log" | head -n1)
		fi
		if [[ -n $addr ]] && curl -fsS -o /dev/null --cacert "$CA_BUNDLE" "https://$addr/health/ready" 2>/dev/null; then
			TLS_ENDPOINT="https://$addr"
			TLS_PID=$TLS_SERVER_PID
			return
		fi
		sleep 0.1
	done
	echo "the HTTPS coffer did not become ready in 30s; its log:" >&2
	cat "$log" >&2
	exit 1
}

# start_postgres initialises and starts a throwaway PostgreSQL on a free
# loopback port, with fsync on (as the postgres user when run as root,
# since PostgreSQL refuses root), and sets PG_URL.
start_postgres() {
	local bin
	bin=$(compgen -G '/usr/lib/postgresql/*/bin' | sort -V | tail -n1)
	[[ -n $bin && -x $bin/initdb ]] || bin=$(dirname "$(command -v initdb 2>/dev/null || echo /nonexistent/initdb)")
	[[ -x $bin/initdb ]] || {
		echo "BENCH_META=postgres needs PostgreSQL's server binaries (apt-get install postgresql)" >&2
		exit 1
	}
	PG_DATA_DIR=$(mktemp -d "${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}}/coffer-bench-pg.XXXXXX")
	local as=() port
	if ((EUID == 0)); then
		chown postgres: "$PG_DATA_DIR"
		as=(runuser -u postgres --)
	fi
	"${as[@]}" "$bin/initdb" -D "$PG_DATA_DIR/db" -U coffer -A trust -E UTF8 --locale=C -N >"$RESULTS/postgres-initdb.log" 2>&1 || {
		cat "$RESULTS/postgres-initdb.log" >&2
		exit 1
	}
	port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	"${as[@]}" "$bin/postgres" -D "$PG_DATA_DIR/db" -p "$port" -k "$PG_DATA_DIR" -c listen_addresses=127.0.0.1 \
		-c fsync=on -c synchronous_commit=on -c max_connections=200 >"$RESULTS/postgres.log" 2>&1 &
	PGDB_PID=$!
	PG_URL="postgres://coffer@127.0.0.1:$port/postgres?sslmode=disable"
	local i
	for ((i = 0; i < 300; i++)); do
		if "$bin/pg_isready" -q -h 127.0.0.1 -p "$port"; then
			return
		fi
		kill -0 "$PGDB_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "PostgreSQL did not start; its log:" >&2
	cat "$RESULTS/postgres.log" >&2
	exit 1
}

# start_coffer_pg starts MAX_NODES more local coffers with their metadata
# in the PostgreSQL of start_postgres and their objects in one blob
# directory, each on its own data directory, as README "Running several
# nodes" describes: the first makes the master key file, the others read
# it. It waits until each answers /health/ready.
start_coffer_pg() {
	start_postgres
	local k
	for ((k = 1; k <= MAX_NODES; k++)); do
		start_pg_node "$k"
	done
	PG_SERVER_PID=${PG_SERVER_PIDS[0]}
	PG_ENDPOINT=${PG_ENDPOINTS[0]}
}

# start_pg_node K starts node K of start_coffer_pg and waits until it is
# ready.
start_pg_node() {
	local k=$1 log="$RESULTS/coffer-server-postgres.log" addr="" i pid key=()
	((k == 1)) || {
		log="$RESULTS/coffer-server-postgres-$k.log"
		key=(--master-key-file "$PG_DATA_DIR/data/master.key")
	}
	: >"$log"
	"$COFFER" server --address 127.0.0.1:0 --data "$PG_DATA_DIR/data${k#1}" --blob-dir "$PG_DATA_DIR/blobs" \
		--meta "$PG_URL" "${key[@]}" >"$log" 2>&1 &
	pid=$!
	PG_SERVER_PIDS+=("$pid")
	for ((i = 0; i < 300; i++)); do
		kill -0 "$pid" 2>/dev/null || {
			echo "PostgreSQL coffer node $k exited before becoming ready; its log:" >&2
			cat "$log" >&2
			exit 1
		}
		if [[ -z $addr ]]; then
			addr=$(sed -n 's/.*msg="coffer started".* address=\([^ ]*\).*/\1/p' "$log" | head -n1)
		fi
		if [[ -n $addr ]] && curl -fsS -o /dev/null "http://$addr/health/ready" 2>/dev/null; then
			PG_ENDPOINTS+=("http://$addr")
			return
		fi
		sleep 0.1
	done
	echo "PostgreSQL coffer node $k did not become ready in 30s; its log:" >&2
	cat "$log" >&2
	exit 1
}

# start_coffer_plain starts a second local coffer, on its own data
# directory, that stores new objects in plaintext (--encrypt-at-rest=false),
# and waits until /health/ready answers.
start_coffer_plain() {
	PLAIN_DATA_DIR=$(mktemp -d "${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}}/coffer-bench-plain.XXXXXX")
	local log="$RESULTS/coffer-server-plain.log" addr="" i
	: >"$log"
	"$COFFER" server --address 127.0.0.1:0 --data "$PLAIN_DATA_DIR/data" --encrypt-at-rest=false "${SERVER_FLAGS[@]}" >"$log" 2>&1 &
	PLAIN_SERVER_PID=$!
	for ((i = 0; i < 300; i++)); do
		kill -0 "$PLAIN_SERVER_PID" 2>/dev/null || {
			echo "the plaintext coffer exited before becoming ready; its log:" >&2
			cat "$log" >&2
			exit 1
		}
		if [[ -z $addr ]]; then
			addr=$(sed -n 's/.*msg="coffer started".* address=\([^ ]*\).*/\1/p' "$log" | head -n1)
		fi
		if [[ -n $addr ]] && curl -fsS -o /dev/null "http://$addr/health/ready" 2>/dev/null; then
			PLAIN_ENDPOINT="http://$addr"
			return
		fi
		sleep 0.1
	done
	echo "the plaintext coffer did not become ready in 30s; its log:" >&2
	cat "$log" >&2
	exit 1
}

# stop_coffer stops the local coffer gracefully and waits for it to exit.
stop_coffer() {
	kill "$SERVER_PID"
	wait "$SERVER_PID" || true
	SERVER_PID=""
}

# add_bench_user creates the IAM user of scripts/bench-iam-policy.json
# through the local coffer's IAM API, as its root user.
add_bench_user() {
	echo "creating the IAM user bench (scripts/bench-iam-policy.json) through IAM" >&2
	local keys
	keys=$(AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY \
		"$COFFER" bench user --endpoint "$ENDPOINT" --policy "$ROOT/scripts/bench-iam-policy.json")
	read -r USER_ACCESS_KEY USER_SECRET_KEY <<<"$keys"
}

USER_ACCESS_KEY=""
USER_SECRET_KEY=""
TLS_ENDPOINT=""
TLS_PID=""
CA_BUNDLE=""
PLAIN_ENDPOINT=""
PG_ENDPOINT=""
PG_URL=""
if [[ -n ${BENCH_ENDPOINT:-} ]]; then
	if [[ -n $TLS ]]; then
		TLS_ENDPOINT=${BENCH_TLS_ENDPOINT:?BENCH_TLS_ENDPOINT is required with BENCH_ENDPOINT and BENCH_TLS}
		CA_BUNDLE=${BENCH_CA_BUNDLE:-}
		TLS_PID=${BENCH_TLS_PID:-}
	fi
	ENDPOINT=$BENCH_ENDPOINT
	ACCESS_KEY=${BENCH_ACCESS_KEY:?BENCH_ACCESS_KEY is required with BENCH_ENDPOINT}
	SECRET_KEY=${BENCH_SECRET_KEY:?BENCH_SECRET_KEY is required with BENCH_ENDPOINT}
	PID=${BENCH_PID:-}
	NAME=${BENCH_NAME:-endpoint}
	if [[ -n $IAM_USER ]]; then
		USER_ACCESS_KEY=${BENCH_USER_ACCESS_KEY:?BENCH_USER_ACCESS_KEY is required with BENCH_ENDPOINT and BENCH_IAM_USER}
		USER_SECRET_KEY=${BENCH_USER_SECRET_KEY:?BENCH_USER_SECRET_KEY is required with BENCH_ENDPOINT and BENCH_IAM_USER}
	fi
else
	# The server runs with its default settings (info log level with one
	# access-log record per request, fsync before acknowledging), as
	# peers are measured with theirs.
	NAME=${BENCH_NAME:-coffer}
	start_coffer
	if [[ -n $IAM_USER ]]; then
		add_bench_user
	fi
	if [[ -n $TLS ]]; then
		start_coffer_tls
	fi
	if [[ -n $PLAIN ]]; then
		start_coffer_plain
	fi
	if [[ -n $PG ]]; then
		start_coffer_pg
	fi
fi

FAILED=0
LABELS=()
# AS is the identity run uses: root, or iam for the IAM user.
AS=root

# run LABEL ARGS... runs one `coffer bench` workload as $AS and keeps its
# JSON report in $RESULTS/$NAME-LABEL.json, with the load average and the
# identity beside it. With SCHEME=https it measures the HTTPS endpoint;
# with WITH_PID=1 it samples the measured server's memory.
run() {
	local label=$1
	shift
	local out="$RESULTS/$NAME-$label.json"
	LABELS+=("$label")
	local endpoint=$ENDPOINT pid=$PID extra=()
	if [[ ${SCHEME:-http} == https ]]; then
		endpoint=$TLS_ENDPOINT pid=$TLS_PID
		[[ -z $CA_BUNDLE ]] || extra+=(--ca-bundle "$CA_BUNDLE")
	elif [[ ${SCHEME:-http} == plain ]]; then
		endpoint=$PLAIN_ENDPOINT pid=$PLAIN_SERVER_PID
	elif [[ ${SCHEME:-http} == postgres ]]; then
		endpoint=$PG_ENDPOINT pid=$PG_SERVER_PID
		local k
		for ((k = 1; k < ${PG_NODES:-1}; k++)); do
			extra+=(--also-endpoint "${PG_ENDPOINTS[k]}")
		done
	fi
	[[ -z ${WITH_PID:-} ]] || extra+=(--server-pid "$pid")
	local load ak=$ACCESS_KEY sk=$SECRET_KEY
	if [[ $AS == iam ]]; then
		ak=$USER_ACCESS_KEY
		sk=$USER_SECRET_KEY
	fi
	load=$(cut -d' ' -f1-3 /proc/loadavg)
	echo "== $NAME $label as $AS (load $load)" >&2
	if ! AWS_ACCESS_KEY_ID=$ak AWS_SECRET_ACCESS_KEY=$sk \
		"$COFFER" bench --endpoint "$endpoint" --json "${extra[@]}" "$@" >"$out.tmp"; then
		echo "   $label reported failures (see $out)" >&2
		FAILED=1
	fi
	jq --arg la "$load" --arg wl "$label" --arg nm "$NAME" --arg who "$AS" \
		'. + {label: $wl, target: $nm, loadavg: $la, identity: $who}' "$out.tmp" >"$out" || {
		echo "   $label produced no report" >&2
		FAILED=1
	}
	rm -f "$out.tmp"
}

# run_both LABEL ARGS... runs a workload over HTTP and, with BENCH_TLS, then
# over HTTPS as LABEL-https, so that both meet the same machine state.
run_both() {
	local label=$1
	shift
	SCHEME=http run "$label" "$@"
	if [[ -n $TLS ]]; then
		SCHEME=https run "$label-https" "$@"
	fi
	if [[ -n $PLAIN ]]; then
		SCHEME=plain run "$label-plain" "$@"
	fi
	if [[ -n $PG ]]; then
		local n
		for n in "${NODES[@]}"; do
			PG_NODES=$n SCHEME=postgres run "$label-$(pg_label "$n")" "$@"
		done
	fi
}

# pg_label N names the PostgreSQL runs on N nodes: postgres, or postgres-Nn
# when BENCH_NODES names other counts than 1.
pg_label() {
	if [[ ${NODES[*]} == 1 ]]; then
		echo postgres
	else
		echo "postgres-$1n"
	fi
}

# small_workload WORKLOAD C SUFFIX [IDENTITIES...] runs one small workload
# at concurrency C as each identity in turn (default root), so that with
# BENCH_IAM_USER root and the user see the same server and machine state.
small_workload() {
	local w=$1 c=$2 suffix=$3 as objects=()
	shift 3
	(($# > 0)) || set -- root
	[[ $w == put ]] || objects=(--objects 1000)
	for as in "$@"; do
		AS=$as
		run_both "$w-4KiB-c$c$suffix${IAM_USER:+-$as}" --workload "$w" --size 4KiB --concurrency "$c" \
			--duration "$DURATION" --warmup "$WARMUP" "${objects[@]}"
	done
	AS=root
}

# memory_size prints the memory group's large object size:
# BENCH_MEMORY_SIZE, or 5GiB when 64 of them fit in half the free space of
# the data disk, else the largest power of two of MiB that does (at least
# 64MiB).
memory_size() {
	if [[ -n ${BENCH_MEMORY_SIZE:-} ]]; then
		echo "$BENCH_MEMORY_SIZE"
		return
	fi
	local dir=${BENCH_DATA_PARENT:-${TMPDIR:-/tmp}} free_mib fit=5120
	free_mib=$(($(df -Pk "$dir" | awk 'NR == 2 {print $4}') / 1024))
	while ((fit > 64 && 64 * fit * 2 > free_mib)); do
		fit=$((fit / 2))
	done
	if ((fit == 5120)); then
		echo 5GiB
		return
	fi
	echo "== memory: 64 x 5 GiB does not fit in half of the $((free_mib / 1024)) GiB free under $dir; using ${fit}MiB (set BENCH_MEMORY_SIZE to choose)" >&2
	echo "${fit}MiB"
}

# memory_group runs the memory workloads, sampling the server's RSS in
# each. The local coffer is restarted (same data directory) before each:
# the Go runtime returns freed memory to the system lazily, so what one
# workload left would raise the next one's peak. A server named by
# BENCH_ENDPOINT, and the HTTPS and plaintext twins, are not restarted; the
# workloads run lightest first for them.
memory_group() {
	local size idle=${BENCH_IDLE_CONNECTIONS:-10000}
	size=$(memory_size)
	fresh_coffer
	WITH_PID=1 run_both "memory-idle-c$idle" --workload idle --concurrency "$idle" --duration "$DURATION"
	fresh_coffer
	WITH_PID=1 run_both memory-put-4KiB-c1000 --workload put --size 4KiB --concurrency 1000 --count 20000
	fresh_coffer
	WITH_PID=1 run_both memory-put-64MiB-c64 --workload put --size 64MiB --concurrency 64 --count 64
	fresh_coffer
	WITH_PID=1 run_both "memory-put-$size-c64" --workload put --size "$size" --concurrency 64 --count 64
}

# fresh_coffer restarts the local coffer, if this run started one.
fresh_coffer() {
	[[ -z ${BENCH_ENDPOINT:-} ]] || return 0
	stop_coffer
	start_coffer
}

# s3 METHOD PATH [BODY-FILE] sends one signed S3 request to the local
# coffer as root with curl; a body is sent with its Content-MD5, which
# PutBucketLifecycleConfiguration requires. curl signs the payload hash it
# is given but does not compute one, and signs a subresource only when
# written with its "=" (?lifecycle=).
s3() {
	local args=(-fsS -o /dev/null --aws-sigv4 "aws:amz:us-east-1:s3" --user "$ACCESS_KEY:$SECRET_KEY"
		-H "x-amz-content-sha256: UNSIGNED-PAYLOAD" -X "$1")
	if [[ -n ${3:-} ]]; then
		args+=(--data-binary "@$3" -H "Content-MD5: $(openssl dgst -md5 -binary "$3" | base64)")
	fi
	curl "${args[@]}" "$ENDPOINT$2"
}

# metric NAME prints the local coffer's unlabelled metric NAME.
metric() {
	curl -fsS "$ENDPOINT/metrics" | awk -v n="$1" '$1 == n {v = $2} END {print v}'
}

# lifecycle_run LABEL ARGS... runs a workload like run, and adds to its
# report how many objects the lifecycle engine expired meanwhile
# (lifecycle_expired) and in all so far (lifecycle_expired_total).
lifecycle_run() {
	local label=$1 before after
	shift
	before=$(metric coffer_lifecycle_objects_expired_total)
	run "$label" "$@"
	after=$(metric coffer_lifecycle_objects_expired_total)
	awk -v a="$after" -v b="$before" -v l="$label" \
		'BEGIN {printf "   the lifecycle engine expired %d objects during %s (%d in all)\n", a - b, l, a}' >&2
	local f="$RESULTS/$NAME-$label.json"
	[[ -e $f ]] || return 0
	jq --argjson a "$(awk -v a="$after" 'BEGIN {printf "%d", a}')" --argjson e "$(awk -v a="$after" -v b="$before" 'BEGIN {printf "%d", a - b}')" \
		'. + {lifecycle_expired: $e, lifecycle_expired_total: $a}' "$f" >"$f.tmp" && mv "$f.tmp" "$f"
}

# lifecycle_group measures 4 KiB PUT and GET with the lifecycle engine
# idle and busy expiring BENCH_LIFECYCLE_BUSY objects (see the header).
lifecycle_group() {
	local n=${BENCH_LIFECYCLE_BUSY:-1000000} bucket=bench-lifecycle t0 t1 w
	[[ $n =~ ^[1-9][0-9]*$ ]] || {
		echo "BENCH_LIFECYCLE_BUSY must be a positive integer" >&2
		exit 2
	}
	if [[ -n ${BENCH_ENDPOINT:-} ]]; then
		echo "== $NAME lifecycle skipped: it restarts the local coffer with --lifecycle-day" >&2
		return 0
	fi
	stop_coffer
	LOCAL_FLAGS=(--lifecycle-day 1s)
	start_coffer
	s3 PUT "/$bucket"
	echo "== preloading $n objects of 1 byte into $bucket" >&2
	t0=$(date +%s.%N)
	AWS_ACCESS_KEY_ID=$ACCESS_KEY AWS_SECRET_ACCESS_KEY=$SECRET_KEY "$COFFER" bench --endpoint "$ENDPOINT" \
		--bucket "$bucket" --keep --workload put --size 1B --concurrency 64 --count "$n" --json >"$RESULTS/$NAME-lifecycle-preload.json"
	t1=$(date +%s.%N)
	PRELOAD_SECONDS=$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')
	echo "   preloaded $n objects in ${PRELOAD_SECONDS}s" >&2
	for w in put get; do
		lifecycle_run "lc-idle-$w-4KiB-c16" --workload "$w" --size 4KiB --concurrency 16 \
			--duration "$DURATION" --warmup "$WARMUP" --objects 1000
	done
	local rule="$RESULTS/lifecycle-rule.xml"
	cat >"$rule" <<'XML'
<LifecycleConfiguration><Rule><ID>bench-expire</ID><Filter><Prefix></Prefix></Filter><Status>Enabled</Status><Expiration><Days>1</Days></Expiration></Rule></LifecycleConfiguration>
XML
	s3 PUT "/$bucket?lifecycle=" "$rule"
	# The engine starts on its next pass (a tenth of the day).
	local i
	for ((i = 0; i < 100; i++)); do
		[[ $(metric coffer_lifecycle_objects_expired_total) == 0 ]] || break
		sleep 0.1
	done
	for w in put get; do
		lifecycle_run "lc-busy-$w-4KiB-c16" --workload "$w" --size 4KiB --concurrency 16 \
			--duration "$DURATION" --warmup "$WARMUP" --objects 1000
	done
	LIFECYCLE_DONE=$(metric coffer_lifecycle_objects_expired_total)
	# The groups after this one meet a coffer with the normal day and the
	# engine idle again.
	s3 DELETE "/$bucket?lifecycle="
	stop_coffer
	LOCAL_FLAGS=()
	start_coffer
}

PRELOAD_SECONDS=""
SMALL_BASES=()
if wanted small; then
	for c in 16 64; do
		for w in put get head; do
			SMALL_BASES+=("$w-4KiB-c$c")
		done
	done
	for ((r = 1; r <= ROUNDS; r++)); do
		suffix=""
		((ROUNDS == 1)) || suffix="-r$r"
		# Which identity goes first alternates by round, so that neither
		# always meets the state the other left.
		order=(root)
		if [[ -n $IAM_USER ]]; then
			order=(root iam)
			((r % 2)) || order=(iam root)
		fi
		for c in 16 64; do
			for w in put get head; do
				small_workload "$w" "$c" "$suffix" "${order[@]}"
			done
		done
	done
fi
if wanted large; then
	run_both put-64MiB-c4 --workload put --size 64MiB --concurrency 4 --duration "$DURATION"
	run_both get-64MiB-c4 --workload get --size 64MiB --concurrency 4 --duration "$DURATION" --objects 8
fi
if wanted list; then
	run_both list-10k --workload list --objects 10000 --max-keys 1000 --concurrency 1 --duration "$DURATION"
fi
if wanted sse; then
	for size in 4KiB 1MiB; do
		c=16
		[[ $size == 1MiB ]] && c=4
		for w in put get; do
			objects=()
			[[ $w == get ]] && objects=(--objects 200)
			for v in "${SSE_VARIANTS[@]}"; do
				sse=()
				case $v in
				kms) sse=(--sse aws:kms) ;;
				kms-bucket-key) sse=(--sse aws:kms --bucket-key) ;;
				esac
				run_both "sse-$v-$w-$size-c$c" --workload "$w" --size "$size" --concurrency "$c" \
					--duration "$DURATION" --warmup "$WARMUP" "${objects[@]}" "${sse[@]}"
			done
		done
	done
fi
if wanted lifecycle; then
	lifecycle_group
fi
if wanted memory; then
	if [[ -n $PID && ( -z $TLS || -n $TLS_PID ) ]]; then
		memory_group
	else
		echo "== $NAME memory skipped: no BENCH_PID to sample" >&2
	fi
fi

echo
echo "results in $RESULTS"
printf '%-8s %-32s %10s %9s %9s %9s %9s %8s %9s %9s  %s\n' \
	target workload ops/s MiB/s p50ms p99ms maxms errors rss0MiB rssMiB load
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
		(if .server_memory then (.server_memory.start_rss_mib // 0 | floor) else "-" end),
		(if .server_memory then (.server_memory.peak_rss_mib | floor) else "-" end),
		.loadavg] | @tsv' "$f" |
		awk -F'\t' '{printf "%-8s %-32s %10s %9s %9s %9s %9s %8s %9s %9s  %s\n", $1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11}'
done

# median prints the median of its numeric arguments.
median() {
	printf '%s\n' "$@" | sort -g | awk '{v[NR] = $1} END {
		if (NR == 0) exit
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ops_of IDENTITY BASE prints the ops/s of every round of BASE run as
# IDENTITY.
ops_of() {
	local f
	for f in "$RESULTS/$NAME-$2"{,-r*}-"$1".json; do
		[[ -e $f ]] && jq -r '.operations[0].ops_per_sec' "$f"
	done
}

if [[ -n $IAM_USER && ${#SMALL_BASES[@]} -gt 0 ]]; then
	echo
	echo "IAM user (five-statement policy) vs root, same server, median of $ROUNDS round(s):"
	printf '%-22s %12s %12s %8s\n' workload "root ops/s" "user ops/s" user/root
	for base in "${SMALL_BASES[@]}"; do
		mapfile -t root_ops < <(ops_of root "$base")
		mapfile -t user_ops < <(ops_of iam "$base")
		((${#root_ops[@]} > 0 && ${#user_ops[@]} > 0)) || continue
		r=$(median "${root_ops[@]}")
		u=$(median "${user_ops[@]}")
		awk -v b="$base" -v r="$r" -v u="$u" 'BEGIN {printf "%-22s %12.0f %12.0f %8.3f\n", b, r, u, (r > 0 ? u / r : 0)}'
	done
fi

if wanted sse; then
	echo
	echo "Server-side encryption, same server, against no encryption header (SSE-S3, coffer's default):"
	printf '%-32s %12s %12s %8s %10s %10s\n' workload "none ops/s" "ops/s" ratio "none p99" "p99"
	for label in "${LABELS[@]}"; do
		[[ $label == sse-* && $label != sse-none-* && $label != *-https && $label != *-plain && $label != *-postgres ]] || continue
		base=${label#sse-kms-bucket-key-}
		base=${base#sse-kms-}
		n="$RESULTS/$NAME-sse-none-$base.json" e="$RESULTS/$NAME-$label.json"
		[[ -e $n && -e $e ]] || continue
		jq -rn --slurpfile n "$n" --slurpfile e "$e" --arg l "$label" \
			'[$l, $n[0].operations[0].ops_per_sec, $e[0].operations[0].ops_per_sec,
			  $n[0].operations[0].latency_ms.p99, $e[0].operations[0].latency_ms.p99] | @tsv' |
			awk -F'\t' '{printf "%-32s %12.0f %12.0f %8.3f %10.2f %10.2f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4, $5}'
	done
fi
if [[ -n $TLS ]]; then
	echo
	echo "HTTPS vs HTTP, same workloads interleaved (ratio > 1: HTTPS faster):"
	printf '%-26s %12s %12s %8s %10s %10s\n' workload "http ops/s" "https ops/s" ratio "http MiB/s" "https MiB/s"
	for label in "${LABELS[@]}"; do
		[[ $label == *-https ]] && continue
		h="$RESULTS/$NAME-$label.json" s="$RESULTS/$NAME-$label-https.json"
		[[ -e $h && -e $s ]] || continue
		jq -rn --slurpfile h "$h" --slurpfile s "$s" --arg l "$label" \
			'[$l, $h[0].operations[0].ops_per_sec, $s[0].operations[0].ops_per_sec,
			  $h[0].operations[0].mib_per_sec, $s[0].operations[0].mib_per_sec] | @tsv' |
			awk -F'\t' '{printf "%-26s %12.0f %12.0f %8.3f %10.1f %10.1f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4, $5}'
	done
fi
if [[ -n $PLAIN ]]; then
	echo
	echo "Encrypted at rest vs plaintext, same workloads interleaved (ratio < 1: encryption slower):"
	printf '%-26s %12s %12s %8s %10s %10s\n' workload "plain ops/s" "enc ops/s" enc/plain "plain MiB/s" "enc MiB/s"
	for label in "${LABELS[@]}"; do
		[[ $label == *-plain ]] && continue
		e="$RESULTS/$NAME-$label.json" p="$RESULTS/$NAME-$label-plain.json"
		[[ -e $e && -e $p ]] || continue
		jq -rn --slurpfile e "$e" --slurpfile p "$p" --arg l "$label" \
			'[$l, $p[0].operations[0].ops_per_sec, $e[0].operations[0].ops_per_sec,
			  $p[0].operations[0].mib_per_sec, $e[0].operations[0].mib_per_sec] | @tsv' |
			awk -F'\t' '{printf "%-26s %12.0f %12.0f %8.3f %10.1f %10.1f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4, $5}'
	done
fi
if [[ -n $PG ]]; then
	echo
	echo "Metadata in PostgreSQL vs embedded, same workloads interleaved (ratio < 1: PostgreSQL slower):"
	printf '%-26s %12s %12s %8s %10s %10s\n' workload "pebble ops/s" "pg ops/s" pg/pebble "pebble p99" "pg p99"
	for label in "${LABELS[@]}"; do
		[[ $label == *-postgres* ]] && continue
		e="$RESULTS/$NAME-$label.json" p="$RESULTS/$NAME-$label-$(pg_label "${NODES[0]}").json"
		[[ -e $e && -e $p ]] || continue
		jq -rn --slurpfile e "$e" --slurpfile p "$p" --arg l "$label" \
			'[$l, $e[0].operations[0].ops_per_sec, $p[0].operations[0].ops_per_sec,
			  $e[0].operations[0].latency_ms.p99, $p[0].operations[0].latency_ms.p99] | @tsv' |
			awk -F'\t' '{printf "%-26s %12.0f %12.0f %8.3f %10.2f %10.2f\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4, $5}'
	done
fi
if [[ -n $PG && ${NODES[*]} != 1 ]]; then
	echo
	echo "Nodes on one PostgreSQL and one blob directory, clients spread over them (ops/s; ratio to the first count):"
	printf '%-26s' workload
	for n in "${NODES[@]}"; do printf ' %10s' "${n}n ops/s"; done
	for n in "${NODES[@]:1}"; do printf ' %8s' "${n}n/${NODES[0]}n"; done
	echo
	for label in "${LABELS[@]}"; do
		[[ $label == *-postgres* ]] && continue
		ops=()
		for n in "${NODES[@]}"; do
			f="$RESULTS/$NAME-$label-postgres-${n}n.json"
			if [[ -e $f ]]; then ops+=("$(jq -r '.operations[0].ops_per_sec' "$f")"); else ops+=(0); fi
		done
		printf '%-26s' "$label"
		for o in "${ops[@]}"; do printf ' %10.0f' "$o"; done
		for o in "${ops[@]:1}"; do awk -v o="$o" -v b="${ops[0]}" 'BEGIN {printf " %8.3f", (b > 0 ? o / b : 0)}'; done
		echo
	done
fi
if [[ -n $PRELOAD_SECONDS ]]; then
	echo
	echo "Lifecycle engine busy vs idle (${BENCH_LIFECYCLE_BUSY:-1000000} expiring objects preloaded in ${PRELOAD_SECONDS}s; expired when the last busy workload ended: ${LIFECYCLE_DONE:-?}):"
	printf '%-12s %12s %12s %8s %10s %10s %10s\n' workload "idle ops/s" "busy ops/s" busy/idle "idle p99" "busy p99" expired
	for w in put get; do
		i="$RESULTS/$NAME-lc-idle-$w-4KiB-c16.json" b="$RESULTS/$NAME-lc-busy-$w-4KiB-c16.json"
		[[ -e $i && -e $b ]] || continue
		jq -rn --slurpfile i "$i" --slurpfile b "$b" --arg l "$w-4KiB-c16" \
			'[$l, $i[0].operations[0].ops_per_sec, $b[0].operations[0].ops_per_sec,
			  $i[0].operations[0].latency_ms.p99, $b[0].operations[0].latency_ms.p99, $b[0].lifecycle_expired] | @tsv' |
			awk -F'\t' '{printf "%-12s %12.0f %12.0f %8.3f %10.2f %10.2f %10d%s\n", $1, $2, $3, ($2 > 0 ? $3 / $2 : 0), $4, $5, $6,
				($6 > 0 ? "" : "  (engine not busy: nothing expired in the window)")}'
	done
fi
exit "$FAILED"
