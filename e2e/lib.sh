# shellcheck shell=bash
# Shared helpers for the end-to-end scripts: start a coffer binary on a free
# loopback port with a throw-away data directory and known root keys, wait
# until it is ready, stop it on exit, and report checks.
#
# Source it from a script that runs under `set -euo pipefail`:
#
#   . "$(dirname "$0")/lib.sh"
#   coffer_start            # sets COFFER_ENDPOINT, E2E_TMP, E2E_ACCESS_KEY, E2E_SECRET_KEY
#   step "upload"; ...; check_eq "$got" "$want" "what"
#
# COFFER_BIN selects the binary (default: bin/coffer in the repository).
# coffer_start passes its arguments on to `coffer server`; with E2E_CACERT set
# (a CA bundle file) the endpoint is https:// and curl trusts that CA.
#
# E2E_NODES=N (N > 1) runs the same script against a cluster of N nodes
# behind a round-robin load balancer, as README "Running several nodes"
# describes: coffer_start then starts a throw-away PostgreSQL (initdb in a
# temporary directory, a free loopback port, its socket beside its data; as
# root it runs as the "postgres" user), generates one master key file, and
# starts N nodes with the same --meta, --blob-dir, --master-key-file and
# root keys, each with its own data directory ($E2E_TMP/data for the first,
# $E2E_TMP/data.2 … for the others, all in E2E_DATA_DIRS) and port, plus
# the caller's flags. The balancer (e2e/lb; LB_BIN, default bin/lb, else
# built into $E2E_TMP) sends each request to the next node, and
# COFFER_ENDPOINT and COFFER_ADDRESS name it. Every node logs to $E2E_LOG.
# The exit stops the balancer, the nodes and PostgreSQL. It needs
# PostgreSQL's server binaries (COFFER_PG_BIN, /usr/lib/postgresql/N/bin,
# or initdb on the PATH). After a change to identities or to a bucket's
# access state, e2e_caches_synced waits until every node has seen it.

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_DIR/.." && pwd)
E2E_NAME=$(basename "${0%.sh}")
COFFER_BIN=${COFFER_BIN:-$E2E_REPO/bin/coffer}
E2E_ACCESS_KEY=E2EROOTACCESSKEY0001
E2E_SECRET_KEY=e2e-root-secret-key-00000000000000000001
E2E_CHECKS=0
E2E_SKIPS=0
E2E_FAILURES=()
E2E_NODES=${E2E_NODES:-1}
E2E_PIDS=()
E2E_ADDRS=()
E2E_DATA_DIRS=()
E2E_LB_PID=
E2E_PG_PID=
E2E_PG_DIR=
E2E_CURRENT_STEP=
E2E_TMP=$(mktemp -d "${TMPDIR:-/tmp}/coffer-e2e-$E2E_NAME.XXXXXX")
E2E_LOG=$E2E_TMP/server.log
E2E_CACERT=${E2E_CACERT:-}

# Client settings from the caller's environment (a CA bundle, a profile, an
# endpoint) would change what the clients send; the scripts set their own.
while read -r v; do unset "$v"; done < <(compgen -e | grep -E '^(AWS_|RCLONE_|BOTO_)' || true)

# say prints a line tagged with the script name.
say() { printf '[%s] %s\n' "$E2E_NAME" "$*"; }

# step names what the script is about to do; a failure reports the last step.
step() {
	E2E_CURRENT_STEP=$*
	say "-- $*"
}

# fail reports a failure that stops the script (setup, a missing tool).
fail() {
	say "FAIL: $*" >&2
	exit 1
}

# check_failed records a failed check and lets the script go on, so that one
# run reports every broken behaviour; the script still exits non-zero.
check_failed() {
	E2E_FAILURES+=("[$E2E_CURRENT_STEP] $*")
	say "FAIL: $*" >&2
}

# skip records a check that could not run, with the reason.
skip() {
	E2E_SKIPS=$((E2E_SKIPS + 1))
	say "SKIPPED: $*"
}

# check_eq GOT WANT WHAT fails unless GOT equals WANT.
check_eq() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	[[ "$1" == "$2" ]] || check_failed "$3: got '$1', want '$2'"
}

# check_contains HAYSTACK NEEDLE WHAT fails unless HAYSTACK contains NEEDLE.
check_contains() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	[[ "$1" == *"$2"* ]] || check_failed "$3: '$2' not found in: $1"
}

# check_not_contains HAYSTACK NEEDLE WHAT fails if HAYSTACK contains NEEDLE.
check_not_contains() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	[[ "$1" != *"$2"* ]] || check_failed "$3: '$2' unexpectedly found in: $1"
}

# check_same_file A B WHAT fails unless files A and B have the same bytes.
check_same_file() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	local a b
	a=$(sha256sum <"$1" | cut -d' ' -f1)
	b=$(sha256sum <"$2" | cut -d' ' -f1)
	[[ "$a" == "$b" ]] || check_failed "$3: $1 (sha256 $a) differs from $2 (sha256 $b)"
}

# check_same_tree A B WHAT fails unless directories A and B hold the same
# relative paths with the same bytes.
check_same_tree() {
	E2E_CHECKS=$((E2E_CHECKS + 1))
	local ma mb
	ma=$(cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
	mb=$(cd "$2" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum)
	[[ "$ma" == "$mb" ]] || check_failed "$3: trees differ:
$(diff <(echo "$ma") <(echo "$mb") | head -40 || true)"
}

# expect_fail WHAT CMD... runs CMD and fails the script if CMD succeeds.
expect_fail() {
	local what=$1
	shift
	E2E_CHECKS=$((E2E_CHECKS + 1))
	if "$@" >"$E2E_TMP/expect_fail.out" 2>&1; then
		check_failed "$what: command succeeded but should have failed: $*"
	fi
}

# make_tree DIR fills DIR with a nested tree of ~50 files of varied sizes,
# including an empty file and names with spaces and non-ASCII characters.
make_tree() {
	local d=$1 i
	mkdir -p "$d/docs/notes" "$d/img/2024/summer" "$d/with space/inner dir" "$d/ünïcødé/日本" "$d/empty-dir-sibling"
	: >"$d/empty.txt"
	printf 'hello coffer\n' >"$d/hello.txt"
	head -c 1 /dev/urandom >"$d/one-byte.bin"
	for i in $(seq 1 12); do head -c $((i * 997)) /dev/urandom >"$d/docs/doc-$i.txt"; done
	for i in $(seq 1 8); do head -c $((i * 4096)) /dev/urandom >"$d/docs/notes/note $i.md"; done
	for i in $(seq 1 10); do head -c $((i * 37 * 1024)) /dev/urandom >"$d/img/2024/summer/photo_$i.jpg"; done
	for i in $(seq 1 6); do head -c $((i * 311)) /dev/urandom >"$d/with space/inner dir/file $i (copy).dat"; done
	for i in $(seq 1 5); do head -c $((i * 1500)) /dev/urandom >"$d/ünïcødé/日本/ファイル-$i.txt"; done
	printf 'sibling\n' >"$d/empty-dir-sibling/a+b=c&d.txt"
	head -c $((3 * 1024 * 1024 + 17)) /dev/urandom >"$d/img/big-3MiB.raw"
	head -c $((9 * 1024 * 1024 + 5)) /dev/urandom >"$d/img/bigger-9MiB.raw"
}

# s3_etag BUCKET KEY prints the object's ETag (without quotes), asked with a
# SigV4-signed HEAD from curl, independently of the client under test.
s3_etag() {
	curl -fsS -I ${E2E_CACERT:+--cacert "$E2E_CACERT"} --aws-sigv4 "aws:amz:us-east-1:s3" --user "$E2E_ACCESS_KEY:$E2E_SECRET_KEY" \
		-H "x-amz-content-sha256: UNSIGNED-PAYLOAD" "$COFFER_ENDPOINT/$1/$2" | tr -d '\r' | sed -n 's/^[Ee][Tt][Aa][Gg]: *"\{0,1\}\([^"]*\)"\{0,1\}$/\1/p'
}

# coffer_start [SERVER-FLAGS...] starts the server, or with E2E_NODES > 1 the
# cluster behind the balancer, and waits for /health/ready.
coffer_start() {
	[[ -x "$COFFER_BIN" ]] || fail "no coffer binary at $COFFER_BIN (build it with: go build -o bin/coffer ./cmd/coffer)"
	[[ "$E2E_NODES" =~ ^[1-9][0-9]*$ ]] || fail "E2E_NODES must be a positive number, not '$E2E_NODES'"
	if ((E2E_NODES > 1)); then
		e2e_start_cluster "$@"
		return
	fi
	E2E_DATA_DIRS=("$E2E_TMP/data")
	e2e_launch_node 1 "$E2E_TMP/data" "$@"
	e2e_await_node 1 "$E2E_TMP/data" "$@"
	COFFER_ADDRESS=${E2E_ADDRS[1]}
	COFFER_ENDPOINT=$(e2e_url "$COFFER_ADDRESS")
	export COFFER_ENDPOINT COFFER_ADDRESS
}

# e2e_url ADDRESS prints the endpoint URL of a host:port.
e2e_url() {
	if [[ -n "$E2E_CACERT" ]]; then echo "https://$1"; else echo "http://$1"; fi
}

# e2e_launch_node N DATA-DIR [SERVER-FLAGS...] starts node N with the root
# keys on a free loopback port, without waiting for it: E2E_ADDRS[N] is its
# address, E2E_PIDS[N] its process.
e2e_launch_node() {
	local n=$1 data=$2
	shift 2
	E2E_ADDRS[n]=127.0.0.1:$(e2e_free_port)
	say "starting $COFFER_BIN on ${E2E_ADDRS[n]} (data $data)"
	COFFER_ROOT_ACCESS_KEY=$E2E_ACCESS_KEY COFFER_ROOT_SECRET_KEY=$E2E_SECRET_KEY \
		"$COFFER_BIN" server --address "${E2E_ADDRS[n]}" --data "$data" "$@" >>"$E2E_LOG" 2>&1 &
	E2E_PIDS[n]=$!
}

# e2e_await_node N DATA-DIR [SERVER-FLAGS...] waits until node N is ready.
# A node that exited first (its port was taken meanwhile) is started again
# on another port, up to five times in all.
e2e_await_node() {
	local n=$1 attempt
	for attempt in 1 2 3 4 5; do
		if e2e_wait_ready 30 "$(e2e_url "${E2E_ADDRS[n]}")" "${E2E_PIDS[n]}"; then
			say "coffer ready at $(e2e_url "${E2E_ADDRS[n]}") (pid ${E2E_PIDS[n]})"
			return 0
		fi
		if kill -0 "${E2E_PIDS[n]}" 2>/dev/null; then
			# A Go process prints every goroutine's stack on SIGQUIT (and
			# exits): the server log then shows where the start hung.
			kill -QUIT "${E2E_PIDS[n]}" 2>/dev/null || true
			sleep 1
			fail "coffer did not become ready within 30s (goroutine stacks in its log)"
		fi
		wait "${E2E_PIDS[n]}" 2>/dev/null || true
		unset "E2E_PIDS[$n]"
		((attempt == 5)) || e2e_launch_node "$@"
	done
	fail "coffer exited before becoming ready on 5 ports"
}

# e2e_wait_ready SECONDS URL PID polls URL/health/ready until it answers 200,
# the process PID exits, or SECONDS pass.
e2e_wait_ready() {
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		if curl -fsS -o /dev/null --max-time 1 ${E2E_CACERT:+--cacert "$E2E_CACERT"} "$2/health/ready" 2>/dev/null; then
			return 0
		fi
		kill -0 "$3" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# e2e_start_cluster [SERVER-FLAGS...] starts PostgreSQL, E2E_NODES nodes on
# it and the balancer in front of them (see the top of this file).
e2e_start_cluster() {
	e2e_pg_start
	local meta="postgres://coffer@127.0.0.1:$E2E_PG_PORT/postgres?sslmode=disable"
	# One key file for every node, as on a shared file system.
	"$COFFER_BIN" master-key generate --out "$E2E_TMP/master.key" >/dev/null || fail "master-key generate"
	mkdir -p "$E2E_TMP/blobs"
	local i backends=() shared=(--meta "$meta" --blob-dir "$E2E_TMP/blobs" --master-key-file "$E2E_TMP/master.key")
	E2E_DATA_DIRS=("$E2E_TMP/data")
	for ((i = 2; i <= E2E_NODES; i++)); do E2E_DATA_DIRS+=("$E2E_TMP/data.$i"); done
	# The nodes start at once, as README allows: they migrate the schema
	# and bootstrap the root keys concurrently.
	for ((i = 1; i <= E2E_NODES; i++)); do
		e2e_launch_node "$i" "${E2E_DATA_DIRS[i - 1]}" "${shared[@]}" "$@"
	done
	for ((i = 1; i <= E2E_NODES; i++)); do
		e2e_await_node "$i" "${E2E_DATA_DIRS[i - 1]}" "${shared[@]}" "$@"
		backends+=("$(e2e_url "${E2E_ADDRS[i]}")")
	done
	e2e_lb_start "${backends[@]}"
	COFFER_ENDPOINT=$(e2e_url "$COFFER_ADDRESS")
	export COFFER_ENDPOINT COFFER_ADDRESS
	say "$E2E_NODES nodes behind the balancer at $COFFER_ENDPOINT"
}

# e2e_caches_synced waits, on a cluster, until every node has seen the
# changes made so far to identities (users, keys, policies, roles) and to
# buckets' access state (policies, Block Public Access, Object Ownership).
# A node sees its own changes at once and another node's after its next
# cache sync (README "Running several nodes": within
# --cache-sync-interval), as AWS, too, propagates IAM and bucket policy
# changes eventually; a script calls this after such a change and before a
# check that depends on it. Each node counts its completed syncs in
# coffer_cache_syncs_total; the second sync that ends after this call
# began after it, so it read every change committed before the call. It
# fails after 10 seconds, ten times the default interval. On one node it
# returns at once.
e2e_caches_synced() {
	((E2E_NODES > 1)) || return 0
	local t0=$SECONDS i n want=()
	for i in "${!E2E_ADDRS[@]}"; do
		n=$(e2e_cache_syncs "${E2E_ADDRS[i]}") || fail "no coffer_cache_syncs_total from node $i"
		want[i]=$((n + 2))
	done
	while ((SECONDS - t0 < 10)); do
		for i in "${!want[@]}"; do
			n=$(e2e_cache_syncs "${E2E_ADDRS[i]}") || fail "no coffer_cache_syncs_total from node $i"
			((n < want[i])) || unset "want[$i]"
		done
		((${#want[@]} > 0)) || return 0
		sleep 0.05
	done
	fail "nodes ${!want[*]} did not complete two cache syncs within 10s"
}

# e2e_cache_syncs ADDRESS prints the node's coffer_cache_syncs_total.
e2e_cache_syncs() {
	local n
	n=$(curl -fsS --max-time 5 ${E2E_CACERT:+--cacert "$E2E_CACERT"} "$(e2e_url "$1")/metrics" |
		awk '$1 == "coffer_cache_syncs_total" { printf "%d", $2 }')
	[[ -n "$n" ]] && echo "$n"
}

# e2e_lb_start BACKEND... starts the balancer on a free loopback port and
# sets COFFER_ADDRESS to it.
e2e_lb_start() {
	local bin=${LB_BIN:-$E2E_REPO/bin/lb} i
	if [[ ! -x "$bin" ]]; then
		bin=$E2E_TMP/lb
		say "building the balancer into $bin"
		(cd "$E2E_REPO" && go build -o "$bin" ./e2e/lb) || fail "cannot build e2e/lb (set LB_BIN or build bin/lb)"
	fi
	"$bin" -listen 127.0.0.1:0 -addr-file "$E2E_TMP/lb.addr" "$@" >>"$E2E_LOG" 2>&1 &
	E2E_LB_PID=$!
	for ((i = 0; i < 100; i++)); do
		[[ -s "$E2E_TMP/lb.addr" ]] && break
		kill -0 "$E2E_LB_PID" 2>/dev/null || fail "the balancer exited"
		sleep 0.1
	done
	[[ -s "$E2E_TMP/lb.addr" ]] || fail "the balancer did not start within 10s"
	COFFER_ADDRESS=$(<"$E2E_TMP/lb.addr")
}

# e2e_pg_bin prints the directory of PostgreSQL's server binaries, found
# as internal/meta/postgres/pgtest finds them, or fails.
e2e_pg_bin() {
	local d
	if [[ -n "${COFFER_PG_BIN:-}" ]]; then
		echo "$COFFER_PG_BIN"
		return
	fi
	for d in $(compgen -G '/usr/lib/postgresql/*/bin' | sort -t/ -k4,4 -rn); do
		if [[ -x "$d/initdb" && -x "$d/postgres" ]]; then
			echo "$d"
			return
		fi
	done
	d=$(command -v initdb) || return 1
	d=$(dirname "$d")
	[[ -x "$d/postgres" ]] || return 1
	echo "$d"
}

# e2e_pg_start initialises and starts a throw-away PostgreSQL on a free
# loopback port (the settings of pgtest) and sets E2E_PG_PORT.
e2e_pg_start() {
	local bin attempt i as=()
	bin=$(e2e_pg_bin) || fail "no PostgreSQL server binaries (initdb, postgres); install the postgresql package"
	if ((EUID == 0)); then
		# PostgreSQL refuses to run as root; its user must reach the
		# directory, which $TMPDIR below a home directory may not allow.
		id postgres >/dev/null 2>&1 || fail "running as root and there is no postgres user to run PostgreSQL as"
		E2E_PG_DIR=$(mktemp -d /tmp/coffer-e2e-pg.XXXXXX)
		chown postgres: "$E2E_PG_DIR"
		as=(setpriv --reuid=postgres --regid=postgres --clear-groups --reset-env)
	else
		E2E_PG_DIR=$E2E_TMP/pg
		mkdir -p "$E2E_PG_DIR"
	fi
	# -N: the cluster is thrown away afterwards; the server runs with fsync on.
	"${as[@]}" "$bin/initdb" -D "$E2E_PG_DIR/data" -U coffer -A trust -E UTF8 --locale=C -N >"$E2E_TMP/initdb.log" 2>&1 ||
		fail "initdb failed: $(tail -5 "$E2E_TMP/initdb.log")"
	for attempt in 1 2 3; do
		E2E_PG_PORT=$(e2e_free_port)
		say "starting PostgreSQL ($bin) on 127.0.0.1:$E2E_PG_PORT (attempt $attempt, data $E2E_PG_DIR)"
		"${as[@]}" "$bin/postgres" -D "$E2E_PG_DIR/data" -p "$E2E_PG_PORT" -k "$E2E_PG_DIR" \
			-c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on \
			-c max_connections=200 -c shared_buffers=32MB -c max_pred_locks_per_transaction=256 \
			>"$E2E_TMP/postgres.log" 2>&1 &
		E2E_PG_PID=$!
		for ((i = 0; i < 300; i++)); do
			kill -0 "$E2E_PG_PID" 2>/dev/null || break
			if grep -q 'ready to accept connections' "$E2E_TMP/postgres.log"; then
				say "PostgreSQL ready (pid $E2E_PG_PID)"
				return 0
			fi
			sleep 0.1
		done
		kill -0 "$E2E_PG_PID" 2>/dev/null && fail "PostgreSQL did not start within 30s: $(tail -5 "$E2E_TMP/postgres.log")"
		wait "$E2E_PG_PID" 2>/dev/null || true
		E2E_PG_PID=
	done
	fail "PostgreSQL did not start: $(tail -5 "$E2E_TMP/postgres.log")"
}

# e2e_free_port prints a loopback TCP port that nothing listens on now.
e2e_free_port() {
	local port
	while :; do
		port=$((20000 + RANDOM % 40000))
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
			echo "$port"
			return
		fi
	done
}

# coffer_stop stops the balancer, then every node (SIGTERM, then SIGKILL
# after 15 seconds), then PostgreSQL.
coffer_stop() {
	if [[ -n "$E2E_LB_PID" ]]; then
		e2e_stop_pid "$E2E_LB_PID" balancer 5
		E2E_LB_PID=
		# The balancer says how it spread the requests over the nodes.
		say "$(grep -h -o 'requests per backend: .*' "$E2E_LOG" | tail -1)"
	fi
	local pid
	# All nodes stop at once; a second SIGTERM would end one without its
	# graceful shutdown.
	for pid in "${E2E_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
	for pid in "${E2E_PIDS[@]}"; do e2e_stop_pid "$pid" coffer 15 none; done
	E2E_PIDS=()
	if [[ -n "$E2E_PG_PID" ]]; then
		# SIGINT: PostgreSQL's fast shutdown.
		e2e_stop_pid "$E2E_PG_PID" PostgreSQL 30 INT
		E2E_PG_PID=
	fi
	if [[ -n "$E2E_PG_DIR" && "$E2E_PG_DIR" != "$E2E_TMP"/* ]]; then
		rm -rf "$E2E_PG_DIR"
		E2E_PG_DIR=
	fi
}

# e2e_stop_pid PID NAME SECONDS [SIGNAL] sends SIGNAL (default TERM; "none"
# for one already sent) to PID, waits up to SECONDS for it to exit and
# kills it after that.
e2e_stop_pid() {
	local pid=$1 name=$2 i
	[[ -n "$pid" ]] || return 0
	[[ "${4:-}" == none ]] || kill -"${4:-TERM}" "$pid" 2>/dev/null || true
	for ((i = 0; i < $3 * 10; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "$name (pid $pid) did not stop within $3s; killing it"
		kill -KILL "$pid" 2>/dev/null || true
	fi
	wait "$pid" 2>/dev/null || true
}

e2e_on_exit() {
	local rc=$?
	set +e
	coffer_stop
	if ((rc != 0)); then
		say "STOPPED (exit $rc) in step: ${E2E_CURRENT_STEP:-setup}" >&2
	fi
	if ((${#E2E_FAILURES[@]} > 0)); then
		say "${#E2E_FAILURES[@]} of $E2E_CHECKS checks failed:" >&2
		printf '  %s\n' "${E2E_FAILURES[@]}" >&2
		((rc != 0)) || rc=1
	fi
	if ((rc != 0)); then
		say "FAIL" >&2
		if [[ -s "$E2E_LOG" ]]; then
			say "last 80 lines of the server log ($E2E_LOG):" >&2
			tail -n 80 "$E2E_LOG" | sed 's/^/  | /' >&2
		fi
		say "work dir kept at $E2E_TMP" >&2
	else
		say "PASS: $E2E_CHECKS checks, $E2E_SKIPS skipped"
		rm -rf "$E2E_TMP"
	fi
	exit "$rc"
}
trap e2e_on_exit EXIT
# An interrupted run still stops what it started (PostgreSQL included).
trap 'exit 130' INT
trap 'exit 143' TERM
set -E
trap 'say "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
