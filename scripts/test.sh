#!/usr/bin/env bash
# The one test command for coffer: formatting, vet, the unit and integration
# suites under the race detector, then the real binary driven by the aws CLI,
# rclone and s3cmd, then the kill -9 crash test.
#
#   ./scripts/test.sh                 everything
#   ./scripts/test.sh unit awscli     only the named stages
#
# Stages: deps fmt lint vet packaging unit build awscli rclone s3cmd tls cluster crash.
# packaging checks the systemd unit and the Dockerfile in packaging/.
# tls runs the clients over HTTPS with a CA from `coffer tls init` (e2e/tls.sh).
# cluster runs the rclone and s3cmd scripts against three nodes sharing one
# PostgreSQL and one blob directory behind a round-robin balancer (e2e/lb);
# without PostgreSQL's server binaries it is skipped with a message, except
# under CI=true, where that fails.
# COFFER_SOAK=1 makes the crash stage a soak of 1,000 kill -9 rounds.
# Missing tools (gcc for -race, curl, aws, boto3, rclone, s3cmd, shellcheck) are
# installed with apt-get on Debian-like systems (as root, or through sudo);
# gotestsum, which shows the unit stage's progress, is installed with
# `go install` at a pinned version into ~/.cache/coffer-tools. Nothing is
# downloaded from anywhere else. Logs stay in the folder the summary names.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ALL_STAGES=(deps fmt lint vet packaging unit build awscli rclone s3cmd tls cluster crash)
if (($# > 0)); then
	STAGES=("$@")
else
	STAGES=("${ALL_STAGES[@]}")
fi
for s in "${STAGES[@]}"; do
	[[ " ${ALL_STAGES[*]} " == *" $s "* ]] || {
		echo "unknown stage '$s'; stages: ${ALL_STAGES[*]}" >&2
		exit 2
	}
done
wanted() { [[ " ${STAGES[*]} " == *" $1 "* ]]; }

# Logs are kept, pass or fail, in the folder the summary names.
LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffer-test.XXXXXX")
GOTESTSUM_VERSION=v1.13.0
GOTESTSUM=${XDG_CACHE_HOME:-$HOME/.cache}/coffer-tools/gotestsum-$GOTESTSUM_VERSION/gotestsum
SUMMARY=()
FAILED=0
FAILED_STAGES=()
T0=$SECONDS

banner() { printf '\n==== %s ====\n' "$*"; }

# stage NAME CMD... runs CMD as one stage, recording its result and time.
# Stages keep running after a failure so one run shows every problem. CMD
# runs where errexit does not apply, so stage functions return their status
# explicitly.
stage() {
	local name=$1 t=$SECONDS rc=0
	shift
	banner "$name"
	# The stage runs in this shell (not a pipeline's subshell) so that what
	# it sets stays set; a copy of its output is kept for the summary.
	"$@" > >(tee "$LOG_DIR/stage-$name.log") 2>&1 || rc=$?
	wait $! 2>/dev/null || true
	local took=$((SECONDS - t))
	if ((rc == 0)); then
		SUMMARY+=("$(printf 'PASS  %-9s %4ds' "$name" "$took")")
	else
		SUMMARY+=("$(printf 'FAIL  %-9s %4ds  (exit %d)' "$name" "$took" "$rc")")
		FAILED_STAGES+=("$name")
		FAILED=1
	fi
	return 0
}

skip_stage() {
	SUMMARY+=("$(printf 'SKIP  %-9s        (%s)' "$1" "$2")")
	FAILED=1
	banner "$1: SKIPPED: $2"
}

# --- deps -------------------------------------------------------------------

apt_install() {
	local sudo=
	if ((EUID != 0)); then
		command -v sudo >/dev/null || {
			echo "need root or sudo to apt-get install: $*" >&2
			return 1
		}
		sudo=sudo
	fi
	command -v apt-get >/dev/null || {
		echo "missing $* and no apt-get here; install them and rerun" >&2
		return 1
	}
	echo "apt-get install $*"
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q || return 1
	$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" || return 1
}

# have_postgres reports whether PostgreSQL's server binaries are installed
# where pgtest looks for them.
have_postgres() {
	[[ -n "${COFFER_PG_BIN:-}" ]] || compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || command -v initdb >/dev/null
}

deps() {
	command -v go >/dev/null || {
		echo "go is not on PATH" >&2
		return 1
	}
	go version
	local pkgs=()
	# The race detector needs cgo, so a C toolchain.
	command -v gcc >/dev/null || pkgs+=(gcc libc6-dev)
	command -v curl >/dev/null || pkgs+=(curl ca-certificates)
	if wanted lint; then command -v shellcheck >/dev/null || pkgs+=(shellcheck); fi
	if wanted awscli || wanted tls; then
		command -v aws >/dev/null || pkgs+=(awscli)
		# boto3 drives the aws-chunked trailer checks in e2e/awscli.sh.
		{ command -v python3 >/dev/null && python3 -c 'import boto3' 2>/dev/null; } || pkgs+=(python3-boto3)
		# python3-cryptography's AES-GCM is the independent implementation
		# of the S3 Encryption Client format in e2e/cse_interop.py.
		{ command -v python3 >/dev/null && python3 -c 'import cryptography.hazmat.primitives.ciphers.aead' 2>/dev/null; } ||
			pkgs+=(python3-cryptography)
	fi
	if wanted rclone || wanted tls || wanted cluster; then command -v rclone >/dev/null || pkgs+=(rclone); fi
	if wanted s3cmd || wanted tls || wanted cluster; then command -v s3cmd >/dev/null || pkgs+=(s3cmd); fi
	if wanted tls; then command -v openssl >/dev/null || pkgs+=(openssl); fi
	# The PostgreSQL metadata store's tests start a throwaway server of
	# their own (internal/meta/postgres/pgtest), and so does the cluster
	# stage (e2e/lib.sh); they need its binaries.
	if { wanted unit || wanted cluster; } && ! have_postgres; then pkgs+=(postgresql); fi
	if ((${#pkgs[@]} > 0)); then
		apt_install "${pkgs[@]}" || return 1
	fi
	# e2e/cse_awsgo (the AWS SDK for Go v1's encryption client against
	# s3crypto) is a module of its own; awscli.sh builds it from the
	# module cache only.
	if wanted awscli; then
		(cd e2e/cse_awsgo && go mod download) ||
			echo "e2e/cse_awsgo's modules could not be downloaded; the awscli stage will skip that check"
	fi
	if wanted unit && [[ ! -x $GOTESTSUM ]]; then
		echo "go install gotest.tools/gotestsum@$GOTESTSUM_VERSION"
		GOBIN=$(dirname "$GOTESTSUM") GOFLAGS=-mod=mod go install "gotest.tools/gotestsum@$GOTESTSUM_VERSION" ||
			echo "gotestsum could not be installed; the unit stage prints plain go test progress instead"
	fi
	echo "gotestsum: $("$GOTESTSUM" --version 2>/dev/null || echo missing)"
	echo "gcc:    $(command -v gcc || echo missing)"
	echo "curl:   $(command -v curl || echo missing)"
	echo "shellcheck: $(shellcheck --version 2>/dev/null | sed -n 's/^version: //p' || echo missing)"
	echo "aws:    $(aws --version 2>&1 | head -1 || echo missing)"
	echo "rclone: $(rclone version 2>/dev/null | head -1 || echo missing)"
	echo "s3cmd:  $(s3cmd --version 2>&1 || echo missing)"
	echo "postgres: $(compgen -G '/usr/lib/postgresql/*/bin/postgres' | tail -1 || echo missing)"
	if command -v python3 >/dev/null && python3 -c 'import boto3' 2>/dev/null; then
		echo "boto3:  $(python3 -c 'import boto3; print(boto3.__version__)')"
	else
		echo "boto3:  not installed (the awscli stage will skip its boto3 checks)"
	fi
	if command -v python3 >/dev/null && python3 -c 'import cryptography' 2>/dev/null; then
		echo "python3-cryptography: $(python3 -c 'import cryptography; print(cryptography.__version__)')"
	else
		echo "python3-cryptography: not installed (the awscli stage will skip its client-side encryption interoperability checks)"
	fi
}

# --- static checks ----------------------------------------------------------

fmt_check() {
	local files
	files=$(find . -name '*.go' -not -path './.git/*' -not -path '*/testdata/*' -print0 | xargs -0 -r gofmt -l)
	if [[ -n "$files" ]]; then
		echo "these files are not gofmt'd (run: gofmt -w <file>):"
		echo "$files"
		return 1
	fi
	echo "gofmt: ok"
}

# lint checks the shell scripts (warnings and errors; style notes are left
# to review).
lint() {
	shellcheck -x --severity=warning scripts/*.sh e2e/*.sh .ci/run && echo "shellcheck: ok"
}

vet() {
	go vet ./... && echo "go vet: ok"
}

# --- packaging --------------------------------------------------------------

# packaging verifies the systemd unit with systemd-analyze (its binary
# path pointed at one that exists here; any warning fails) and lints the
# Dockerfile with hadolint. Either is skipped, with a message, where its
# tool is missing. cmd/coffer's TestPackaging checks what they mean.
packaging() {
	local rc=0 dir
	if command -v systemd-analyze >/dev/null; then
		dir=$(mktemp -d "$LOG_DIR/unit.XXXXXX")
		sed "s|/usr/local/bin/coffer|$(command -v true)|" packaging/coffer.service >"$dir/coffer.service"
		local out
		out=$(systemd-analyze verify "$dir/coffer.service" 2>&1) || rc=1
		if [[ -n "$out" ]]; then
			echo "$out"
			rc=1
		fi
		((rc == 0)) && echo "systemd-analyze verify packaging/coffer.service: ok"
	else
		echo "SKIP systemd unit check: systemd-analyze is not installed"
	fi
	if command -v hadolint >/dev/null; then
		hadolint packaging/Dockerfile && echo "hadolint packaging/Dockerfile: ok" || rc=1
	else
		echo "SKIP Dockerfile lint: hadolint is not installed (no Debian package)"
	fi
	return "$rc"
}

# --- go test ----------------------------------------------------------------

unit() {
	local json=$LOG_DIR/go-test.json log=$LOG_DIR/go-test.log rc=0
	# COFFER_UNIT_PKGS narrows the run (e.g. ./internal/config/...).
	# shellcheck disable=SC2206 # the package list is split on purpose
	local args=(-race -count=1 -timeout 25m ${COFFER_UNIT_PKGS:-./...})
	echo "go test ${args[*]}: one line per package as it finishes; a full run takes several minutes on 2 cores"
	# CGO is needed by -race even where the default would turn it off.
	if [[ -x $GOTESTSUM ]]; then
		CGO_ENABLED=1 "$GOTESTSUM" --format pkgname --jsonfile "$json" -- "${args[@]}" 2>&1 | tee "$log" || rc=$?
	else
		CGO_ENABLED=1 go test -json "${args[@]}" 2>&1 | tee "$json" | progress | tee "$log" || rc=$?
	fi
	echo
	echo "go test: $(pkg_events pass | wc -l) packages ok, $(pkg_events fail | wc -l) failed, $(pkg_events skip | wc -l) without tests"
	pkg_events '(pass|fail)' | sed -E 's/.*"Package":"([^"]*)".*"Elapsed":([0-9.]+).*/\2 \1/' | sort -rn | head -8 |
		awk '{ printf "  %7.1fs  %s\n", $1, $2 }' >"$LOG_DIR/slowest.txt"
	echo "slowest packages:"
	cat "$LOG_DIR/slowest.txt"
	if ((rc != 0)); then
		echo "failing tests and packages (full output: $log, events: $json):"
		grep -E '^(--- FAIL|FAIL|panic:)|^ *(✖|FAIL) ' "$log" | head -50 || true
	fi
	return "$rc"
}

# pkg_events ACTION prints the package-level go test -json events (those
# without a Test) whose Action matches the regular expression ACTION.
pkg_events() {
	grep -E '"Action":"'"$1"'"' "$LOG_DIR/go-test.json" | grep -v '"Test":' || true
}

# progress turns go test -json into one line per finished package, and
# passes through the output of failing tests, where gotestsum is missing.
progress() {
	sed -nE \
		-e 's/.*"Action":"(pass|fail|skip)","Package":"([^"]*)","Elapsed":([0-9.]+).*/\1  \2 (\3s)/p' \
		-e '/"Test":/!b' -e 's/.*"Action":"output".*"Output":"(--- FAIL.*|panic:.*)\\n"}$/\1/p'
}

# --- binary and end-to-end --------------------------------------------------

build() {
	mkdir -p bin
	go build -o bin/coffer ./cmd/coffer && go build -o bin/crash ./e2e/crash && go build -o bin/lb ./e2e/lb &&
		ls -l bin/coffer bin/crash bin/lb
}

e2e() {
	COFFER_BIN=$ROOT/bin/coffer bash "$ROOT/e2e/$1.sh"
}

# cluster runs client scripts with E2E_NODES=3 (e2e/lib.sh): three nodes
# on one PostgreSQL and one blob directory behind bin/lb, so that
# consecutive requests of one client land on different nodes. The aws CLI
# script is left out: alone it takes longer than this stage's budget.
cluster() {
	local rc=0 s
	for s in rclone s3cmd; do
		E2E_NODES=3 LB_BIN=$ROOT/bin/lb COFFER_BIN=$ROOT/bin/coffer bash "$ROOT/e2e/$s.sh" || rc=1
	done
	return "$rc"
}

# crash runs the kill -9 driver (e2e/crash): each round mixes PUTs, multipart
# uploads, CopyObject and deletes in one bucket with version PUTs, deletes by
# version id and delete markers in a versioned one, on keys unique to the
# round where it matters, then kills the server and checks every acknowledged
# operation after the restart. 3 rounds by default; COFFER_SOAK=1 runs
# 1,000 with kills 0.3 s to 3 s into each round's load (more, and earlier,
# kill points per hour). COFFER_CRASH_ROUNDS overrides the count either way;
# COFFER_SOAK_STOP_AFTER (a Go duration) time-boxes a soak: no round starts
# after it, and the driver prints how many ran.
crash() {
	local args=(-rounds "${COFFER_CRASH_ROUNDS:-3}")
	if [[ "${COFFER_SOAK:-}" == 1 ]]; then
		args=(-rounds "${COFFER_CRASH_ROUNDS:-1000}" -kill-min 300ms -kill-max 3s
			-stop-after "${COFFER_SOAK_STOP_AFTER:-0}")
	fi
	"$ROOT/bin/crash" -binary "$ROOT/bin/coffer" "${args[@]}"
}

wanted deps && stage deps deps
wanted fmt && stage fmt fmt_check
wanted lint && stage lint lint
wanted vet && stage vet vet
wanted packaging && stage packaging packaging
wanted unit && stage unit unit
BUILT=0
if wanted build || wanted awscli || wanted rclone || wanted s3cmd || wanted tls || wanted cluster || wanted crash; then
	stage build build
	[[ -x bin/coffer && -x bin/crash && -x bin/lb && "${SUMMARY[-1]}" == PASS* ]] && BUILT=1
fi
for s in awscli rclone s3cmd tls; do
	wanted "$s" || continue
	if ((BUILT)); then stage "$s" e2e "$s"; else skip_stage "$s" "no binary: build failed"; fi
done
if wanted cluster; then
	if ((!BUILT)); then
		skip_stage cluster "no binary: build failed"
	elif have_postgres; then
		stage cluster cluster
	elif [[ "${CI:-}" == true ]]; then
		skip_stage cluster "no PostgreSQL server binaries (initdb, postgres); CI must run it: install postgresql"
	else
		# Not a failure: the deps stage could not install PostgreSQL here.
		SUMMARY+=("$(printf 'SKIP  %-9s        (%s)' cluster "no PostgreSQL server binaries (initdb, postgres); install postgresql to run it")")
		banner "cluster: SKIPPED: no PostgreSQL server binaries (initdb, postgres); install postgresql to run it"
	fi
fi
if wanted crash; then
	if ((BUILT)); then stage crash crash; else skip_stage crash "no binary: build failed"; fi
fi

banner "summary ($((SECONDS - T0))s total, logs in $LOG_DIR)"
printf '%s\n' "${SUMMARY[@]}"
if [[ -s $LOG_DIR/slowest.txt ]]; then
	echo "slowest Go packages:"
	cat "$LOG_DIR/slowest.txt"
fi
# The end of each failed stage's output is repeated here, so that a log
# cut to its last lines still says why.
for s in "${FAILED_STAGES[@]}"; do
	echo "--- last lines of $s (full: $LOG_DIR/stage-$s.log) ---"
	tail -n 40 "$LOG_DIR/stage-$s.log"
done
if ((FAILED)); then
	echo "RESULT: FAIL"
	exit 1
fi
echo "RESULT: PASS"
