"""boto3's KMS and S3 clients with coffer's KMS: keys, aliases, encryption
contexts, data keys, rotation (scheduled and on demand), key policies,
scheduled deletion, and SSE-KMS objects through S3 (single PUT, bucket
keys, bucket default encryption, copy, multipart) under every key state:
enabled, disabled, pending deletion, enabled again.

Usage: boto3_kms.py ENDPOINT BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and must
be an account root's.
"""

import json
import os
import sys
import time
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"[boto3-kms] FAIL: {what}", file=sys.stderr)
        return
    print(f"[boto3-kms] ok: {what}")


def cache_syncs(url):
    with urllib.request.urlopen(url + "/metrics", timeout=5) as r:
        for line in r.read().decode().splitlines():
            if line.startswith("coffer_cache_syncs_total "):
                return float(line.split()[1])
    raise RuntimeError(f"no coffer_cache_syncs_total at {url}")


def caches_synced():
    """On several nodes (E2E_NODE_URLS, space-separated), waits until every
    node completed two cache syncs, as e2e_caches_synced in lib.sh does: a
    bucket's access state changed through one node reaches the others at
    their next sync. On one node it returns at once."""
    urls = os.environ.get("E2E_NODE_URLS", "").split()
    if len(urls) < 2:
        return
    want = {u: cache_syncs(u) + 2 for u in urls}
    deadline = time.monotonic() + 10
    while want and time.monotonic() < deadline:
        want = {u: n for u, n in want.items() if cache_syncs(u) < n}
        time.sleep(0.05)
    check(not want, f"every node synced its caches within 10 s (late: {sorted(want)})")


def error_code(call):
    try:
        call()
    except ClientError as e:
        return e.response["Error"]["Code"]
    return ""


def kms_checks(kms, alias):
    key = kms.create_key(Description="boto3 e2e")["KeyMetadata"]
    key_id, arn = key["KeyId"], key["Arn"]
    check(key["KeyState"] == "Enabled" and key["KeySpec"] == "SYMMETRIC_DEFAULT"
          and key["KeyUsage"] == "ENCRYPT_DECRYPT", "create_key makes an enabled symmetric key")
    check(arn.startswith("arn:aws:kms:us-east-1:") and arn.endswith(":key/" + key_id), f"the key's ARN names it ({arn})")
    kms.create_alias(AliasName=alias, TargetKeyId=key_id)
    check(kms.describe_key(KeyId=alias)["KeyMetadata"]["KeyId"] == key_id, "describe_key by alias")

    ctx = {"purpose": "e2e", "team": "green"}
    blob = kms.encrypt(KeyId=alias, Plaintext=b"boto3 secret", EncryptionContext=ctx)["CiphertextBlob"]
    out = kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)
    check(out["Plaintext"] == b"boto3 secret" and out["KeyId"] == arn, "decrypt without a KeyId, with the same context")
    check(error_code(lambda: kms.decrypt(CiphertextBlob=blob, EncryptionContext={"purpose": "e2e"}))
          == "InvalidCiphertextException", "another context is InvalidCiphertextException")

    dk = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=ctx)
    check(len(dk["Plaintext"]) == 32, "generate_data_key gives a 256-bit key")
    check(kms.decrypt(CiphertextBlob=dk["CiphertextBlob"], EncryptionContext=ctx)["Plaintext"] == dk["Plaintext"],
          "the data key's ciphertext decrypts to it")

    kms.enable_key_rotation(KeyId=key_id, RotationPeriodInDays=365)
    st = kms.get_key_rotation_status(KeyId=key_id)
    check(st["KeyRotationEnabled"] and st["RotationPeriodInDays"] == 365, "rotation enabled every 365 days")
    kms.rotate_key_on_demand(KeyId=key_id)
    rotations = kms.list_key_rotations(KeyId=key_id)["Rotations"]
    check(len(rotations) == 1 and rotations[0]["RotationType"] == "ON_DEMAND", "the on-demand rotation is listed")
    check(kms.decrypt(CiphertextBlob=blob, EncryptionContext=ctx)["Plaintext"] == b"boto3 secret",
          "a ciphertext made before the rotation still decrypts")

    default = kms.get_key_policy(KeyId=key_id, PolicyName="default")["Policy"]
    deny = json.loads(default)
    deny["Statement"].append({"Sid": "NoEncrypt", "Effect": "Deny", "Principal": {"AWS": "*"},
                              "Action": "kms:Encrypt", "Resource": "*"})
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=json.dumps(deny))
    check(error_code(lambda: kms.encrypt(KeyId=key_id, Plaintext=b"x")) == "AccessDeniedException",
          "a key policy's deny refuses encrypt, even to the root user")
    kms.put_key_policy(KeyId=key_id, PolicyName="default", Policy=default)
    check(kms.encrypt(KeyId=key_id, Plaintext=b"x")["KeyId"] == arn, "the default policy back, encrypt works")
    return key_id, arn


def put_sse_kms(s3, bucket, key, body, **kw):
    return s3.put_object(Bucket=bucket, Key=key, Body=body, ServerSideEncryption="aws:kms", **kw)


def s3_checks(s3, kms, bucket, alias, key_id, arn):
    s3.create_bucket(Bucket=bucket)
    r = put_sse_kms(s3, bucket, "one", b"one body", SSEKMSKeyId=alias,
                    SSEKMSEncryptionContext="eyJhcHAiOiJlMmUifQ==")  # {"app":"e2e"}
    check(r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == arn,
          "put_object with aws:kms and an alias answers the key's ARN")
    g = s3.get_object(Bucket=bucket, Key="one")
    check(g["Body"].read() == b"one body" and g["SSEKMSKeyId"] == arn, "get_object reads it back, naming the key")

    r = put_sse_kms(s3, bucket, "bucket-key", b"bk body", SSEKMSKeyId=key_id, BucketKeyEnabled=True)
    check(r.get("BucketKeyEnabled") is True, "put_object with BucketKeyEnabled answers it")
    h = s3.head_object(Bucket=bucket, Key="bucket-key")
    check(h.get("BucketKeyEnabled") is True and h["ServerSideEncryption"] == "aws:kms", "head_object reports the bucket key")

    s3.put_bucket_encryption(Bucket=bucket, ServerSideEncryptionConfiguration={"Rules": [{
        "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": arn},
        "BucketKeyEnabled": True}]})
    caches_synced()
    r = s3.put_object(Bucket=bucket, Key="default", Body=b"default body")
    check(r["ServerSideEncryption"] == "aws:kms" and r["SSEKMSKeyId"] == arn and r.get("BucketKeyEnabled") is True,
          "a plain put_object takes the bucket's aws:kms default with a bucket key")
    c = s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "one"},
                       ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    check(c["ServerSideEncryption"] == "aws:kms", "copy_object to aws:kms")
    check(s3.get_object(Bucket=bucket, Key="copy")["Body"].read() == b"one body", "the copy reads back")

    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ServerSideEncryption="aws:kms", SSEKMSKeyId=key_id)
    check(up["ServerSideEncryption"] == "aws:kms" and up["SSEKMSKeyId"] == arn, "create_multipart_upload with aws:kms")
    part1, part2 = b"a" * (5 << 20), b"b" * 1000
    parts = []
    for n, body in ((1, part1), (2, part2)):
        p = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=n, Body=body)
        check(p["ServerSideEncryption"] == "aws:kms", f"upload_part {n} answers aws:kms")
        parts.append({"PartNumber": n, "ETag": p["ETag"]})
    s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"], MultipartUpload={"Parts": parts})
    check(s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == part1 + part2, "the multipart SSE-KMS object reads back")

    kms.disable_key(KeyId=key_id)
    check(error_code(lambda: s3.get_object(Bucket=bucket, Key="one")) == "KMS.DisabledException",
          "get_object under a disabled key is KMS.DisabledException")
    # Without a bucket key every write asks KMS; with one (as the bucket
    # default now gives), S3 may use a bucket-level key it already holds
    # for a while, as AWS does, so the key-state checks use objects and
    # writes without one.
    check(error_code(lambda: put_sse_kms(s3, bucket, "new", b"x", SSEKMSKeyId=key_id, BucketKeyEnabled=False))
          == "KMS.DisabledException", "put_object under a disabled key is KMS.DisabledException")
    kms.enable_key(KeyId=key_id)
    check(s3.get_object(Bucket=bucket, Key="one")["Body"].read() == b"one body", "enabling the key restores reads")

    st = kms.schedule_key_deletion(KeyId=key_id, PendingWindowInDays=7)
    check(st["KeyState"] == "PendingDeletion", "schedule_key_deletion: PendingDeletion")
    check(error_code(lambda: s3.get_object(Bucket=bucket, Key="one")) == "KMS.KMSInvalidStateException",
          "get_object under a key pending deletion is KMS.KMSInvalidStateException")
    kms.cancel_key_deletion(KeyId=key_id)
    check(kms.describe_key(KeyId=key_id)["KeyMetadata"]["KeyState"] == "Disabled", "a cancelled deletion leaves the key disabled")
    kms.enable_key(KeyId=key_id)
    check(s3.get_object(Bucket=bucket, Key="mp")["Body"].read() == part1 + part2, "reads work again once enabled")

    for o in s3.list_objects_v2(Bucket=bucket).get("Contents", []):
        s3.delete_object(Bucket=bucket, Key=o["Key"])
    s3.delete_bucket(Bucket=bucket)


def main():
    endpoint, bucket = sys.argv[1:3]
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
    alias = "alias/" + bucket
    key_id, arn = kms_checks(kms, alias)
    s3_checks(s3, kms, bucket, alias, key_id, arn)
    kms.delete_alias(AliasName=alias)
    if FAILURES:
        print(f"[boto3-kms] {len(FAILURES)} failures", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
