"""boto3 with customer-provided keys (SSE-C, SSECustomerKey): put and get
of a small object, a multipart upload through the transfer manager, ranged
reads, head_object's echo of the key's algorithm and MD5, a copy from one
customer key to another, and the refusals S3 answers for a missing or
wrong key and a mismatched key MD5.

Usage: boto3_ssec.py ENDPOINT BUCKET
The server must accept SSE-C over the endpoint (HTTPS, or plain HTTP with
--allow-insecure-sse-c). Credentials come from AWS_ACCESS_KEY_ID /
AWS_SECRET_ACCESS_KEY.
"""

import base64
import hashlib
import io
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"[boto3-ssec] FAIL: {what}", file=sys.stderr)
        return
    print(f"[boto3-ssec] ok: {what}")


def error_of(call):
    """Runs call and returns (HTTP status, error code), or (0, "") when it
    succeeded."""
    try:
        call()
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    return 0, ""


def main():
    endpoint, bucket = sys.argv[1:3]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    key, other = os.urandom(32), os.urandom(32)
    ssec = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": key}
    ssec_other = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": other}
    key_md5 = base64.b64encode(hashlib.md5(key).digest()).decode()

    s3.create_bucket(Bucket=bucket)
    status, code = error_of(lambda: s3.put_object(Bucket=bucket, Key="blocked", Body=b"x", **ssec))
    check((status, code) == (403, "AccessDenied"), f"a new bucket blocks SSE-C ({status} {code})")
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={"Rules": [{
            "ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"},
            "BlockedEncryptionTypes": {"EncryptionType": ["NONE"]},
        }]},
    )

    body = os.urandom(200_000)
    put = s3.put_object(Bucket=bucket, Key="small", Body=body, **ssec)
    check(put.get("SSECustomerAlgorithm") == "AES256" and put.get("SSECustomerKeyMD5") == key_md5,
          "put_object echoes the customer algorithm and key MD5")
    check("ServerSideEncryption" not in put, "put_object does not report SSE-S3 for an SSE-C object")
    check(put["ETag"].strip('"') != hashlib.md5(body).hexdigest(), "the ETag is not the MD5 of the plaintext")
    got = s3.get_object(Bucket=bucket, Key="small", **ssec)
    check(got["Body"].read() == body, "get_object with the key returns what was stored")
    check(got.get("SSECustomerKeyMD5") == key_md5, "get_object echoes the key MD5")
    rng = s3.get_object(Bucket=bucket, Key="small", Range="bytes=65530-131080", **ssec)["Body"].read()
    check(rng == body[65530:131081], "a range across package boundaries decrypts")
    head = s3.head_object(Bucket=bucket, Key="small", **ssec)
    check(head["ContentLength"] == len(body) and head.get("SSECustomerAlgorithm") == "AES256",
          "head_object with the key")

    status, code = error_of(lambda: s3.get_object(Bucket=bucket, Key="small"))
    check((status, code) == (400, "InvalidRequest"), f"get_object without the key is 400 InvalidRequest ({status} {code})")
    status, code = error_of(lambda: s3.get_object(Bucket=bucket, Key="small", **ssec_other))
    check((status, code) == (403, "AccessDenied"), f"get_object with another key is 403 AccessDenied ({status} {code})")
    status, _ = error_of(lambda: s3.head_object(Bucket=bucket, Key="small"))
    check(status == 400, f"head_object without the key is 400 ({status})")
    # With SSECustomerKeyMD5 given, botocore sends the key as given:
    # base64 already.
    bad_md5 = {"SSECustomerAlgorithm": "AES256", "SSECustomerKey": base64.b64encode(key).decode(),
               "SSECustomerKeyMD5": base64.b64encode(hashlib.md5(other).digest()).decode()}
    status, code = error_of(lambda: s3.put_object(Bucket=bucket, Key="bad", Body=b"x", **bad_md5))
    check((status, code) == (400, "InvalidArgument"), f"a key MD5 that does not match is 400 InvalidArgument ({status} {code})")

    big = os.urandom(11 * 1024 * 1024 + 7)
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    s3.upload_fileobj(io.BytesIO(big), bucket, "multipart", ExtraArgs=ssec, Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="multipart", **ssec)
    check(head["ETag"].strip('"').endswith("-3"), f"11 MiB upload used 3 parts (ETag {head['ETag']})")
    out = io.BytesIO()
    s3.download_fileobj(bucket, "multipart", out, ExtraArgs=ssec, Config=cfg)
    check(out.getvalue() == big, "multipart SSE-C object round trip through the transfer manager")

    s3.copy_object(Bucket=bucket, Key="copy", CopySource={"Bucket": bucket, "Key": "small"},
                   CopySourceSSECustomerAlgorithm="AES256", CopySourceSSECustomerKey=key, **ssec_other)
    got = s3.get_object(Bucket=bucket, Key="copy", **ssec_other)["Body"].read()
    check(got == body, "copy_object from one customer key to another")
    status, code = error_of(lambda: s3.copy_object(Bucket=bucket, Key="copy2", CopySource={"Bucket": bucket, "Key": "small"}))
    check((status, code) == (400, "InvalidRequest"), f"copy_object of an SSE-C source without its key ({status} {code})")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
