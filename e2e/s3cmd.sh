#!/usr/bin/env bash
# End-to-end test with s3cmd, once signing with SigV4 and once with SigV2:
# mb, put of a small and a multipart file, sync of a nested tree, ls, get and
# compare, info, cp, del, rb.
set -euo pipefail
# shellcheck source=e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v s3cmd >/dev/null || fail "s3cmd is not installed"
say "$(s3cmd --version 2>&1)"

coffer_start

W=$E2E_TMP/work
mkdir -p "$W"
make_tree "$W/tree"
nfiles=$(find "$W/tree" -type f | wc -l)
head -c $((23 * 1024 * 1024 + 99)) /dev/urandom >"$W/large.bin"
printf 'hello from s3cmd\n' >"$W/small.txt"

run_with_signature() {
	local v2=$1 B=e2e-s3cmd-$2 cfg=$E2E_TMP/s3cmd-$2.cfg
	# host_bucket without %(bucket)s keeps every request path-style.
	cat >"$cfg" <<CFG
[default]
access_key = $E2E_ACCESS_KEY
secret_key = $E2E_SECRET_KEY
host_base = $COFFER_ADDRESS
host_bucket = $COFFER_ADDRESS
bucket_location = us-east-1
use_https = False
signature_v2 = $v2
check_ssl_certificate = False
guess_mime_type = True
CFG
	s() { s3cmd -c "$cfg" --no-progress "$@"; }

	step "[$2] mb and ls"
	s mb "s3://$B"
	check_contains "$(s ls)" "s3://$B" "bucket listed after mb"

	step "[$2] put and get a small file"
	s put "$W/small.txt" "s3://$B/small.txt"
	s get --force "s3://$B/small.txt" "$W/small.$2"
	check_same_file "$W/small.txt" "$W/small.$2" "small file round trip"
	check_contains "$(s info "s3://$B/small.txt")" "17" "info shows the size"

	step "[$2] signurl (SigV2 presigned URL) fetched with curl"
	url=$(s signurl "s3://$B/small.txt" +300)
	check_contains "$url" "Signature=" "signurl gives a SigV2 query-signed URL"
	curl -fsS -o "$W/signed.$2" "$url"
	check_same_file "$W/small.txt" "$W/signed.$2" "curl of the signurl URL"
	check_eq "$(curl -s -o /dev/null -w '%{http_code}' "${url/small.txt/nope.txt}")" 403 "a signed URL used for another key is refused"

	step "[$2] multipart put of 23 MiB in 5 MiB chunks"
	s put --multipart-chunk-size-mb=5 "$W/large.bin" "s3://$B/large/large.bin"
	check_eq "$(s3_etag "$B" large/large.bin | cut -d- -f2)" 5 "ETag names five parts"
	s get --force "s3://$B/large/large.bin" "$W/large.$2"
	check_same_file "$W/large.bin" "$W/large.$2" "multipart round trip"
	rm -f "$W/large.$2"

	step "[$2] sync a nested tree up and down"
	s sync "$W/tree/" "s3://$B/tree/" >/dev/null
	check_eq "$(s ls --recursive "s3://$B/tree/" | wc -l)" "$nfiles" "ls --recursive counts every synced file"
	top=$(s ls "s3://$B/tree/")
	check_contains "$top" "DIR  s3://$B/tree/docs/" "ls shows docs/ as a directory"
	check_contains "$top" "s3://$B/tree/hello.txt" "ls shows top-level files"
	s sync "s3://$B/tree/" "$W/tree.$2/" >/dev/null
	check_same_tree "$W/tree" "$W/tree.$2" "tree synced down equals the tree synced up"

	step "[$2] cp, del, and rb"
	s cp "s3://$B/small.txt" "s3://$B/copy/small.txt"
	s get --force "s3://$B/copy/small.txt" "$W/copy.$2"
	check_same_file "$W/small.txt" "$W/copy.$2" "server-side copy"
	s del "s3://$B/small.txt"
	check_not_contains "$(s ls "s3://$B/")" "s3://$B/small.txt" "deleted object gone from ls"
	expect_fail "get of a deleted object" s get --force "s3://$B/small.txt" "$W/gone.$2"
	expect_fail "rb of a non-empty bucket" s rb "s3://$B"
	s del --recursive --force "s3://$B/"
	s rb "s3://$B"
	check_not_contains "$(s ls)" "s3://$B" "bucket gone after rb"
}

run_with_signature False v4
run_with_signature True v2
