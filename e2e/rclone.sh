#!/usr/bin/env bash
# End-to-end test with rclone: an S3 remote configured only through the
# environment, mkdir, copy and sync of a nested tree, a 200 MiB upload split
# into 5 MiB multipart chunks, check, lsf, delete and purge.
set -euo pipefail
# shellcheck source=e2e/lib.sh
. "$(dirname "$0")/lib.sh"

command -v rclone >/dev/null || fail "rclone is not installed"
say "$(rclone version 2>&1 | head -1)"

coffer_start

export RCLONE_CONFIG=$E2E_TMP/rclone.conf
: >"$RCLONE_CONFIG"
export RCLONE_CONFIG_COFFER_TYPE=s3
export RCLONE_CONFIG_COFFER_PROVIDER=Other
export RCLONE_CONFIG_COFFER_ENDPOINT=$COFFER_ENDPOINT
export RCLONE_CONFIG_COFFER_ACCESS_KEY_ID=$E2E_ACCESS_KEY
export RCLONE_CONFIG_COFFER_SECRET_ACCESS_KEY=$E2E_SECRET_KEY
export RCLONE_CONFIG_COFFER_REGION=us-east-1
export RCLONE_CONFIG_COFFER_FORCE_PATH_STYLE=true

r() { rclone --retries 1 --low-level-retries 1 "$@"; }

B=e2e-rclone
W=$E2E_TMP/work
mkdir -p "$W"

step "mkdir and lsd"
r mkdir "coffer:$B"
check_contains "$(r lsd coffer:)" "$B" "bucket listed after mkdir"

step "copy a nested tree"
make_tree "$W/tree"
nfiles=$(find "$W/tree" -type f | wc -l)
r copy "$W/tree" "coffer:$B/tree"
check_eq "$(r lsf -R --files-only "coffer:$B/tree" | wc -l)" "$nfiles" "lsf -R lists every copied file"
r check "$W/tree" "coffer:$B/tree"
E2E_CHECKS=$((E2E_CHECKS + 1))
top=$(r lsf "coffer:$B/tree")
check_contains "$top" "docs/" "lsf shows docs/"
check_contains "$top" "with space/" "lsf shows 'with space/'"
check_contains "$top" "empty.txt" "lsf shows the empty file"
check_eq "$(r lsf --files-only --format s "coffer:$B/tree/empty.txt")" 0 "empty file has size 0"

step "sync a changed tree (adds, changes, deletes)"
rm "$W/tree/docs/doc-3.txt" "$W/tree/with space/inner dir/file 2 (copy).dat"
head -c 5000 /dev/urandom >"$W/tree/docs/doc-4.txt"
printf 'new file\n' >"$W/tree/docs/notes/added later.md"
r sync "$W/tree" "coffer:$B/tree"
r check "$W/tree" "coffer:$B/tree"
E2E_CHECKS=$((E2E_CHECKS + 1))
listing=$(r lsf -R "coffer:$B/tree")
check_not_contains "$listing" "docs/doc-3.txt" "sync removed a deleted file"
check_contains "$listing" "docs/notes/added later.md" "sync added a new file"
r copy "coffer:$B/tree" "$W/tree.back"
check_same_tree "$W/tree" "$W/tree.back" "tree copied down equals the local tree"

step "200 MiB file uploaded in 5 MiB chunks (multipart)"
# Mostly zeros with random 1 MiB islands: cheap to make, still a distinct
# byte pattern in every chunk position that matters.
truncate -s $((200 * 1024 * 1024)) "$W/large.bin"
for off in 0 7 33 64 99 150 199; do
	dd if=/dev/urandom of="$W/large.bin" bs=1M count=1 seek="$off" conv=notrunc status=none
done
r copy --s3-chunk-size 5M --s3-upload-cutoff 5M --s3-upload-concurrency 4 "$W/large.bin" "coffer:$B/large/"
check_eq "$(r lsf --format s "coffer:$B/large/large.bin")" $((200 * 1024 * 1024)) "200 MiB object size"
check_eq "$(s3_etag "$B" large/large.bin | cut -d- -f2)" 40 "ETag names forty 5 MiB parts"
r check "$W" "coffer:$B/large/" --include /large.bin
E2E_CHECKS=$((E2E_CHECKS + 1))
check_eq "$(r md5sum "coffer:$B/large/large.bin" | cut -d' ' -f1)" "$(md5sum <"$W/large.bin" | cut -d' ' -f1)" "rclone md5sum of the multipart object"
r copy "coffer:$B/large/large.bin" "$W/down/"
check_same_file "$W/large.bin" "$W/down/large.bin" "200 MiB round trip"
rm -f "$W/large.bin" "$W/down/large.bin"

step "server-side copy and moveto"
r copyto "coffer:$B/tree/hello.txt" "coffer:$B/copied/hello.txt"
check_eq "$(r cat "coffer:$B/copied/hello.txt")" "hello coffer" "server-side copy content"
r moveto "coffer:$B/copied/hello.txt" "coffer:$B/moved/hello.txt"
check_not_contains "$(r lsf -R "coffer:$B")" "copied/hello.txt" "moveto removed the source"
check_eq "$(r cat "coffer:$B/moved/hello.txt")" "hello coffer" "moved content"

step "delete and purge"
r delete "coffer:$B/tree/docs"
check_eq "$(r lsf -R --files-only "coffer:$B/tree/docs" | wc -l)" 0 "delete removed every file under docs/"
check_contains "$(r lsf "coffer:$B/tree")" "img/" "delete left other prefixes alone"
r purge "coffer:$B"
check_not_contains "$(r lsd coffer:)" "$B" "purge removed the bucket"
