#!/usr/bin/env bash
# End-to-end test of HTTPS: `coffer tls init` makes a local CA and a server
# certificate, coffer serves them with --require-tls and a plain-HTTP health
# listener, and the aws CLI (--ca-bundle), boto3 (verify=), rclone
# (--ca-cert), s3cmd (ca_certs_file) and curl (--cacert) work over HTTPS;
# the aws CLI turns on MFA Delete with the root's own virtual MFA device
# (x-amz-mfa is HTTPS-only); then the certificate is renewed on disk and
# picked up without a restart.
# Kept short: a representative subset of each client's script.
set -euo pipefail
# shellcheck source=e2e/lib.sh
. "$(dirname "$0")/lib.sh"

T=$E2E_TMP/tls
step "coffer tls init"
"$COFFER_BIN" tls init --dir "$T" --name localhost --ip 127.0.0.1
check_eq "$(stat -c %a "$T/key.pem")" 600 "key.pem is private"
export E2E_CACERT=$T/ca.pem
health_port=$(e2e_free_port)
coffer_start --tls-cert "$T/cert.pem" --tls-key "$T/key.pem" --require-tls --health-address "127.0.0.1:$health_port"
HEALTH=http://127.0.0.1:$health_port
cc() { curl -fsS --cacert "$E2E_CACERT" "$@"; }

step "curl: HTTPS with the CA, plain HTTP refused, health listener"
check_eq "$(cc "$COFFER_ENDPOINT/health/live")" ok "health over HTTPS"
check_eq "$(curl -sS -o /dev/null -w '%{http_version}' --cacert "$E2E_CACERT" "$COFFER_ENDPOINT/health/live")" 2 "curl negotiates HTTP/2 by ALPN"
expect_fail "curl without the CA" curl -fsS "$COFFER_ENDPOINT/health/live"
expect_fail "TLS 1.1" curl -fsS --cacert "$E2E_CACERT" --tlsv1.1 --tls-max 1.1 "$COFFER_ENDPOINT/health/live"
check_contains "$(curl -sS "http://$COFFER_ADDRESS/" || true)" "HTTPS server" "plain HTTP on the TLS port is told to use HTTPS"
check_eq "$(curl -fsS "$HEALTH/health/ready")" ok "readiness on the plain health listener"
check_contains "$(curl -fsS "$HEALTH/metrics")" "coffer_tls_certificate_expiry_timestamp_seconds" "expiry gauge on /metrics"
check_eq "$(curl -sS -o /dev/null -w '%{http_code}' "$HEALTH/bucket/key")" 404 "the health listener serves no S3"

export AWS_ACCESS_KEY_ID=$E2E_ACCESS_KEY AWS_SECRET_ACCESS_KEY=$E2E_SECRET_KEY
export AWS_DEFAULT_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true AWS_PAGER=
export AWS_SHARED_CREDENTIALS_FILE=$E2E_TMP/aws-credentials-unused AWS_CONFIG_FILE=$E2E_TMP/aws-config
printf '[default]\nregion = us-east-1\ns3 =\n    addressing_style = path\n' >"$AWS_CONFIG_FILE"
a() { aws --endpoint-url "$COFFER_ENDPOINT" --ca-bundle "$E2E_CACERT" "$@"; }
W=$E2E_TMP/work
mkdir -p "$W"

if command -v aws >/dev/null; then
	step "aws CLI over HTTPS: mb, cp, multipart, streaming from stdin, ls, rm"
	B=e2e-tls-awscli
	a s3 mb "s3://$B" >/dev/null
	printf 'hello over TLS\n' >"$W/small.txt"
	head -c $((10 * 1024 * 1024 + 7)) /dev/urandom >"$W/large.bin"
	a s3 cp --only-show-errors "$W/small.txt" "s3://$B/small.txt"
	a s3 cp --only-show-errors "$W/large.bin" "s3://$B/large.bin"
	check_contains "$(a s3api head-object --bucket "$B" --key large.bin --query ETag --output text)" "-" "10 MiB upload was multipart"
	head -c $((3 * 1024 * 1024)) /dev/urandom | tee "$W/stream.want" | a s3 cp --only-show-errors - "s3://$B/stream.bin"
	a s3 cp --only-show-errors "s3://$B/large.bin" "$W/large.back"
	a s3 cp --only-show-errors "s3://$B/stream.bin" "$W/stream.back"
	check_same_file "$W/large.bin" "$W/large.back" "multipart round trip"
	check_same_file "$W/stream.want" "$W/stream.back" "stdin streaming round trip"
	check_eq "$(a s3 ls "s3://$B/" | wc -l)" 3 "ls lists three objects"
	expect_fail "aws without the CA bundle" env AWS_MAX_ATTEMPTS=1 aws --endpoint-url "$COFFER_ENDPOINT" s3 ls
	expect_fail "aws over plain HTTP to the TLS port" env AWS_MAX_ATTEMPTS=1 aws --endpoint-url "http://$COFFER_ADDRESS" s3 ls
	a s3 rm --only-show-errors --recursive "s3://$B"
	a s3 rb "s3://$B" >/dev/null
else
	skip "the aws CLI is not installed"
fi

step "MFA Delete: the root's own virtual MFA device, put-bucket-versioning --mfa, delete-object --mfa"
if command -v aws >/dev/null && command -v python3 >/dev/null; then
	B=e2e-tls-mfa-delete
	a s3 mb "s3://$B" >/dev/null
	a iam create-virtual-mfa-device --virtual-mfa-device-name root-device \
		--outfile "$W/root.seed" --bootstrap-method Base32StringSeed >/dev/null
	# RFC 6238 TOTP (HMAC-SHA1, 30-second steps, 6 digits) of the seed at
	# time step $1.
	root_totp() {
		python3 - "$W/root.seed" "$1" <<'PY'
import base64, hashlib, hmac, struct, sys
seed = base64.b32decode(open(sys.argv[1]).read().strip())
d = hmac.new(seed, struct.pack(">Q", int(sys.argv[2])), hashlib.sha1).digest()
o = d[-1] & 15
print("%06d" % ((struct.unpack(">I", d[o:o + 4])[0] & 0x7FFFFFFF) % 1000000))
PY
	}
	now_step() { python3 -c 'import time; print(int(time.time()) // 30)'; }
	serial=arn:aws:iam::000000000000:mfa/root-device
	# Enabled with the codes of steps E-1 and E, the device accepts each
	# later step's code once: E+1 now, E+2 once the clock is past step E.
	E=$(now_step)
	a iam enable-mfa-device --user-name root --serial-number "$serial" \
		--authentication-code1 "$(root_totp $((E - 1)))" --authentication-code2 "$(root_totp "$E")"
	check_eq "$(a iam list-mfa-devices --user-name root --query 'MFADevices[0].SerialNumber' --output text)" "$serial" \
		"the root's device is enabled (--user-name root)"
	expect_fail "put-bucket-versioning MFADelete=Enabled without --mfa" \
		a s3api put-bucket-versioning --bucket "$B" --versioning-configuration Status=Enabled,MFADelete=Enabled
	check_contains "$(cat "$E2E_TMP/expect_fail.out")" "Mfa Authentication must be used for this request" "enabling MFA Delete needs a code"
	code=$(root_totp $((E + 1)))
	a s3api put-bucket-versioning --bucket "$B" --versioning-configuration Status=Enabled,MFADelete=Enabled --mfa "$serial $code"
	check_eq "$(a s3api get-bucket-versioning --bucket "$B" --query '[Status,MFADelete]' --output text)" "Enabled	Enabled" \
		"get-bucket-versioning shows MFADelete Enabled"
	printf 'v1\n' >"$W/mfa.txt"
	vid=$(a s3api put-object --bucket "$B" --key k --body "$W/mfa.txt" --query VersionId --output text)
	a s3api delete-object --bucket "$B" --key k >/dev/null
	check_eq "$(a s3api list-object-versions --bucket "$B" --query 'length(DeleteMarkers)' --output text)" 1 \
		"a plain delete adds a delete marker without a code"
	expect_fail "delete-object --version-id without --mfa" a s3api delete-object --bucket "$B" --key k --version-id "$vid"
	check_contains "$(cat "$E2E_TMP/expect_fail.out")" "Mfa Authentication must be used for this request" "version deletes need a code"
	expect_fail "delete-object --version-id reusing a code" \
		a s3api delete-object --bucket "$B" --key k --version-id "$vid" --mfa "$serial $code"
	check_contains "$(cat "$E2E_TMP/expect_fail.out")" "AccessDenied" "a used code is refused"
	# TOTP gives one code per 30-second step: wait for the next step. If a
	# step boundary passed between E and the enable call, the server took
	# the device to be one step behind it, and accepts E+2's code only from
	# step E+2 on: then the first try is refused and the step waited for.
	while [[ "$(now_step)" == "$E" ]]; do sleep 1; done
	if ! a s3api delete-object --bucket "$B" --key k --version-id "$vid" --mfa "$serial $(root_totp $((E + 2)))" >/dev/null 2>&1; then
		while (("$(now_step)" < E + 2)); do sleep 1; done
		a s3api delete-object --bucket "$B" --key k --version-id "$vid" --mfa "$serial $(root_totp $((E + 2)))" >/dev/null
	fi
	check_not_contains "$(a s3api list-object-versions --bucket "$B" --output text)" "$vid" \
		"the version is gone after delete-object --mfa"
else
	skip "the aws CLI or python3 is not installed"
fi

step "boto3 with verify=ca.pem"
if command -v python3 >/dev/null && python3 -c 'import boto3' 2>/dev/null; then
	python3 "$E2E_DIR/boto3_tls.py" "$COFFER_ENDPOINT" "$E2E_CACERT" e2e-tls-boto3 || check_failed "boto3_tls.py reported failures"
	E2E_CHECKS=$((E2E_CHECKS + 1))
else
	skip "boto3 is not installed for python3"
fi

step "rclone over HTTPS with --ca-cert"
if command -v rclone >/dev/null; then
	export RCLONE_CONFIG=$E2E_TMP/rclone.conf
	: >"$RCLONE_CONFIG"
	export RCLONE_CONFIG_COFFER_TYPE=s3 RCLONE_CONFIG_COFFER_PROVIDER=Other RCLONE_CONFIG_COFFER_ENDPOINT=$COFFER_ENDPOINT
	export RCLONE_CONFIG_COFFER_ACCESS_KEY_ID=$E2E_ACCESS_KEY RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY=$E2E_SECRET_KEY
	export RCLONE_CONFIG_COFFER_REGION=us-east-1 RCLONE_CONFIG_COFFER_FORCE_PATH_STYLE=true
	r() { rclone --ca-cert "$E2E_CACERT" --retries 1 --low-level-retries 1 "$@"; }
	make_tree "$W/tree"
	r mkdir coffer:e2e-tls-rclone
	r copy "$W/tree" coffer:e2e-tls-rclone/tree
	r check "$W/tree" coffer:e2e-tls-rclone/tree
	E2E_CHECKS=$((E2E_CHECKS + 1))
	r purge coffer:e2e-tls-rclone
else
	skip "rclone is not installed"
fi

step "s3cmd over HTTPS with ca_certs_file"
if command -v s3cmd >/dev/null; then
	cat >"$E2E_TMP/s3cmd.cfg" <<CFG
[default]
access_key = $E2E_ACCESS_KEY
secret_key = $E2E_SECRET_KEY
host_base = $COFFER_ADDRESS
host_bucket = $COFFER_ADDRESS
bucket_location = us-east-1
use_https = True
ca_certs_file = $E2E_CACERT
check_ssl_certificate = True
check_ssl_hostname = True
CFG
	s() { s3cmd -c "$E2E_TMP/s3cmd.cfg" --no-progress "$@"; }
	head -c $((16 * 1024 * 1024 + 5)) /dev/urandom >"$W/s3cmd.bin"
	s mb s3://e2e-tls-s3cmd >/dev/null
	s put "$W/s3cmd.bin" s3://e2e-tls-s3cmd/s3cmd.bin >/dev/null
	s get --force s3://e2e-tls-s3cmd/s3cmd.bin "$W/s3cmd.back" >/dev/null
	check_same_file "$W/s3cmd.bin" "$W/s3cmd.back" "s3cmd multipart round trip"
	check_contains "$(s ls s3://e2e-tls-s3cmd)" "s3cmd.bin" "s3cmd ls"
	s del s3://e2e-tls-s3cmd/s3cmd.bin >/dev/null
	s rb s3://e2e-tls-s3cmd >/dev/null
else
	skip "s3cmd is not installed"
fi

step "renew the certificate on disk; the server picks it up without a restart"
old=$(openssl x509 -noout -serial -in "$T/cert.pem" 2>/dev/null || true)
"$COFFER_BIN" tls init --dir "$T" --name localhost --ip 127.0.0.1 >/dev/null
reloaded=
for _ in $(seq 1 100); do
	if [[ "$(curl -fsS "$HEALTH/metrics")" == *'coffer_tls_certificate_reloads_total{result="success"} 1'* ]]; then
		reloaded=1
		break
	fi
	sleep 0.1
done
check_eq "$reloaded" 1 "the reload counter shows one successful reload within 10s"
check_eq "$(cc "$COFFER_ENDPOINT/health/live")" ok "HTTPS with the same CA after the renewal"
if command -v openssl >/dev/null; then
	new=$(openssl s_client -connect "$COFFER_ADDRESS" -CAfile "$E2E_CACERT" </dev/null 2>/dev/null | openssl x509 -noout -serial)
	check_eq "$new" "$(openssl x509 -noout -serial -in "$T/cert.pem")" "new handshakes are served the renewed certificate"
	check_not_contains "$new" "$old" "the served serial changed"
fi
if command -v aws >/dev/null; then
	check_eq "$(a s3 ls >/dev/null && echo ok)" ok "aws CLI still works after the renewal"
fi
