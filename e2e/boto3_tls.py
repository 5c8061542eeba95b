"""boto3 against coffer over HTTPS, trusting only the CA that
`coffer tls init` made (verify=CA): put, get, a multipart upload through the
transfer manager, a listing, and the aws-chunked checksum trailer that
botocore uses over TLS.

Usage: boto3_tls.py ENDPOINT CA_BUNDLE BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import io
import os
import sys

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

FAILURES = []


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"[boto3-tls] FAIL: {what}", file=sys.stderr)
        return
    print(f"[boto3-tls] ok: {what}")


def main():
    endpoint, ca, bucket = sys.argv[1:4]
    check(endpoint.startswith("https://"), f"endpoint {endpoint} is HTTPS")
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        verify=ca,
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    sent = []
    s3.meta.events.register(
        "before-send.s3.*",
        lambda request, **kw: sent.append(request.headers.get("x-amz-content-sha256")),
    )
    s3.create_bucket(Bucket=bucket)
    body = os.urandom(100_000)
    s3.put_object(Bucket=bucket, Key="small", Body=body, ChecksumAlgorithm="CRC32")
    check(
        any(v and b"TRAILER" in (v if isinstance(v, bytes) else v.encode()) for v in sent),
        "PutObject over TLS sent an aws-chunked checksum trailer",
    )
    got = s3.get_object(Bucket=bucket, Key="small")["Body"].read()
    check(got == body, "get_object returns what put_object stored")

    big = os.urandom(12 * 1024 * 1024 + 3)
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024)
    s3.upload_fileobj(io.BytesIO(big), bucket, "multipart", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="multipart")
    check(head["ETag"].strip('"').endswith("-3"), f"12 MiB upload used 3 parts (ETag {head['ETag']})")
    out = io.BytesIO()
    s3.download_fileobj(bucket, "multipart", out, Config=cfg)
    check(out.getvalue() == big, "multipart object round trip")
    keys = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    check(keys == ["multipart", "small"], f"list_objects_v2 lists both keys ({keys})")

    untrusted = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1",
                             config=Config(retries={"max_attempts": 1}))
    try:
        untrusted.list_buckets()
        check(False, "a client without the CA bundle is refused by certificate verification")
    except Exception as e:  # botocore raises SSLError wrapped in its own types
        check("SSL" in type(e).__name__ or "certificate" in str(e).lower(),
              f"a client without the CA bundle fails verification ({type(e).__name__})")
    return 1 if FAILURES else 0


if __name__ == "__main__":
    sys.exit(main())
