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

E2E_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
E2E_REPO=$(cd "$E2E_DIR/.." && pwd)
E2E_NAME=$(basename "${0%.sh}")
COFFER_BIN=${COFFER_BIN:-$E2E_REPO/bin/coffer}
E2E_ACCESS_KEY=E2EROOTACCESSKEY0001
E2E_SECRET_KEY=e2e-root-secret-key-00000000000000000001
E2E_CHECKS=0
E2E_SKIPS=0
E2E_FAILURES=()
E2E_PID=
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

# coffer_start [SERVER-FLAGS...] starts the server and waits for
# /health/ready. It picks a free loopback port, retrying on a new port if the
# server cannot bind.
coffer_start() {
	[[ -x "$COFFER_BIN" ]] || fail "no coffer binary at $COFFER_BIN (build it with: go build -o bin/coffer ./cmd/coffer)"
	local attempt port
	for attempt in 1 2 3 4 5; do
		port=$(e2e_free_port)
		COFFER_ADDRESS=127.0.0.1:$port
		COFFER_ENDPOINT=http://$COFFER_ADDRESS
		[[ -z "$E2E_CACERT" ]] || COFFER_ENDPOINT=https://$COFFER_ADDRESS
		say "starting $COFFER_BIN on $COFFER_ADDRESS (attempt $attempt, data $E2E_TMP/data)"
		COFFER_ROOT_ACCESS_KEY=$E2E_ACCESS_KEY COFFER_ROOT_SECRET_KEY=$E2E_SECRET_KEY \
			"$COFFER_BIN" server --address "$COFFER_ADDRESS" --data "$E2E_TMP/data" "$@" >>"$E2E_LOG" 2>&1 &
		E2E_PID=$!
		if e2e_wait_ready 30; then
			say "coffer ready at $COFFER_ENDPOINT (pid $E2E_PID)"
			export COFFER_ENDPOINT COFFER_ADDRESS
			return 0
		fi
		if kill -0 "$E2E_PID" 2>/dev/null; then
			fail "coffer did not become ready within 30s"
		fi
		wait "$E2E_PID" 2>/dev/null || true
		E2E_PID=
	done
	fail "coffer exited before becoming ready on 5 ports"
}

# e2e_wait_ready SECONDS polls /health/ready until it answers 200, the server
# process exits, or SECONDS pass.
e2e_wait_ready() {
	local deadline=$((SECONDS + $1))
	while ((SECONDS < deadline)); do
		if curl -fsS -o /dev/null --max-time 1 ${E2E_CACERT:+--cacert "$E2E_CACERT"} "$COFFER_ENDPOINT/health/ready" 2>/dev/null; then
			return 0
		fi
		kill -0 "$E2E_PID" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
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

# coffer_stop stops the server: SIGTERM, then SIGKILL after 15 seconds.
coffer_stop() {
	[[ -n "$E2E_PID" ]] || return 0
	local pid=$E2E_PID i
	E2E_PID=
	kill -TERM "$pid" 2>/dev/null || return 0
	for ((i = 0; i < 150; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		say "coffer (pid $pid) did not stop within 15s of SIGTERM; killing it"
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
set -E
trap 'say "command failed (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR
