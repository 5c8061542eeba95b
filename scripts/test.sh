#!/usr/bin/env bash
# The one test command for coffer: formatting, vet, the unit and integration
# suites under the race detector, then the real binary driven by the aws CLI,
# rclone and s3cmd, then the kill -9 crash test.
#
#   ./scripts/test.sh                 everything
#   ./scripts/test.sh unit awscli     only the named stages
#
# Stages: deps fmt lint vet unit build awscli rclone s3cmd tls crash.
# tls runs the clients over HTTPS with a CA from `coffer tls init` (e2e/tls.sh).
# COFFER_SOAK=1 adds a long crash soak (many more kill -9 rounds).
# Missing tools (gcc for -race, curl, aws, boto3, rclone, s3cmd) are installed with
# apt-get on Debian-like systems; nothing is downloaded from anywhere else.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

ALL_STAGES=(deps fmt lint vet unit build awscli rclone s3cmd tls crash)
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

LOG_DIR=$(mktemp -d "${TMPDIR:-/tmp}/coffer-test.XXXXXX")
SUMMARY=()
FAILED=0
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
	"$@" || rc=$?
	local took=$((SECONDS - t))
	if ((rc == 0)); then
		SUMMARY+=("$(printf 'PASS  %-8s %4ds' "$name" "$took")")
	else
		SUMMARY+=("$(printf 'FAIL  %-8s %4ds  (exit %d)' "$name" "$took" "$rc")")
		FAILED=1
	fi
	return 0
}

skip_stage() {
	SUMMARY+=("$(printf 'SKIP  %-8s        (%s)' "$1" "$2")")
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
	fi
	if wanted rclone || wanted tls; then command -v rclone >/dev/null || pkgs+=(rclone); fi
	if wanted s3cmd || wanted tls; then command -v s3cmd >/dev/null || pkgs+=(s3cmd); fi
	if wanted tls; then command -v openssl >/dev/null || pkgs+=(openssl); fi
	if ((${#pkgs[@]} > 0)); then
		apt_install "${pkgs[@]}" || return 1
	fi
	echo "gcc:    $(command -v gcc || echo missing)"
	echo "curl:   $(command -v curl || echo missing)"
	echo "shellcheck: $(shellcheck --version 2>/dev/null | sed -n 's/^version: //p' || echo missing)"
	echo "aws:    $(aws --version 2>&1 | head -1 || echo missing)"
	echo "rclone: $(rclone version 2>/dev/null | head -1 || echo missing)"
	echo "s3cmd:  $(s3cmd --version 2>&1 || echo missing)"
	if command -v python3 >/dev/null && python3 -c 'import boto3' 2>/dev/null; then
		echo "boto3:  $(python3 -c 'import boto3; print(boto3.__version__)')"
	else
		echo "boto3:  not installed (the awscli stage will skip its boto3 checks)"
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

# --- go test ----------------------------------------------------------------

unit() {
	local log=$LOG_DIR/go-test.log rc=0
	# CGO is needed by -race even where the default would turn it off.
	CGO_ENABLED=1 go test -race -count=1 -timeout 25m ./... 2>&1 | tee "$log" || rc=$?
	echo
	echo "go test: $(grep -c '^ok' "$log" || true) packages ok, $(grep -c '^FAIL' "$log" || true) FAIL lines, $(grep -c 'no test files' "$log" || true) without tests"
	if ((rc != 0)); then
		echo "failing tests and packages:"
		grep -E '^(--- FAIL|FAIL|panic:)' "$log" | head -50 || true
	fi
	return "$rc"
}

# --- binary and end-to-end --------------------------------------------------

build() {
	mkdir -p bin
	go build -o bin/coffer ./cmd/coffer && go build -o bin/crash ./e2e/crash && ls -l bin/coffer bin/crash
}

e2e() {
	COFFER_BIN=$ROOT/bin/coffer bash "$ROOT/e2e/$1.sh"
}

crash() {
	local rounds=3 timeout=2m
	if [[ "${COFFER_SOAK:-}" == 1 ]]; then
		rounds=25 timeout=20m
	fi
	"$ROOT/bin/crash" -binary "$ROOT/bin/coffer" -rounds "$rounds" -timeout "$timeout"
}

wanted deps && stage deps deps
wanted fmt && stage fmt fmt_check
wanted lint && stage lint lint
wanted vet && stage vet vet
wanted unit && stage unit unit
BUILT=0
if wanted build || wanted awscli || wanted rclone || wanted s3cmd || wanted tls || wanted crash; then
	stage build build
	[[ -x bin/coffer && -x bin/crash && "${SUMMARY[-1]}" == PASS* ]] && BUILT=1
fi
for s in awscli rclone s3cmd tls; do
	wanted "$s" || continue
	if ((BUILT)); then stage "$s" e2e "$s"; else skip_stage "$s" "no binary: build failed"; fi
done
if wanted crash; then
	if ((BUILT)); then stage crash crash; else skip_stage crash "no binary: build failed"; fi
fi

banner "summary ($((SECONDS - T0))s total, logs in $LOG_DIR)"
printf '%s\n' "${SUMMARY[@]}"
if ((FAILED)); then
	echo "RESULT: FAIL"
	exit 1
fi
echo "RESULT: PASS"
rm -rf "$LOG_DIR"
