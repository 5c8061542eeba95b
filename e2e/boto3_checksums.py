"""boto3 against coffer with flexible checksums, header and trailer forms.

Since January 2025 boto3 computes a CRC32 for every PutObject/UploadPart by
default. Over HTTPS it sends that checksum in an aws-chunked trailer with
x-amz-content-sha256: STREAMING-UNSIGNED-PAYLOAD-TRAILER; over plain HTTP it
sends it as a header instead. The e2e server speaks plain HTTP, so this script
also asks botocore (through its public before-call event) for the trailer
form, and checks on the wire, through before-send, that the trailer form was
really used.

Usage: boto3_checksums.py ENDPOINT BUCKET WORKDIR
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import base64
import hashlib
import io
import os
import sys
import time
import zlib

import boto3
import botocore
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"

# botocore 1.36 (January 2025) started sending a CRC32 with every upload by
# default. Older releases (Debian 12 ships 1.29) send one only when asked, so
# the script asks explicitly there and checks the same wire behaviour.
DEFAULT_CHECKSUMS = "request_checksum_calculation" in Config.OPTION_DEFAULTS
CRC32 = {} if DEFAULT_CHECKSUMS else {"ChecksumAlgorithm": "CRC32"}


def crc32_b64(data):
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def sha256_b64(data):
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


FAILURES = []


def check(cond, what):
    """Records a check; a failure is reported and the script goes on."""
    if not cond:
        FAILURES.append(what)
        print(f"[boto3] FAIL: {what}", file=sys.stderr)
        return
    print(f"[boto3] ok: {what}")


class Wire:
    """Records the payload-hash header of each PutObject/UploadPart sent."""

    def __init__(self):
        self.sent = []

    def before_send(self, request, **kwargs):
        h = request.headers
        self.sent.append(
            {
                "sha256": _text(h.get("x-amz-content-sha256")),
                "trailer": _text(h.get("x-amz-trailer")),
            }
        )


def _text(v):
    return v.decode() if isinstance(v, bytes) else v


def force_trailer(params, **kwargs):
    algo = params.get("context", {}).get("checksum", {}).get("request_algorithm")
    if isinstance(algo, dict):
        algo["in"] = "trailer"


def client(endpoint, trailer, wire):
    c = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    if trailer:
        for op in ("PutObject", "UploadPart"):
            c.meta.events.register(f"before-call.s3.{op}", force_trailer)
    for op in ("PutObject", "UploadPart"):
        c.meta.events.register(f"before-send.s3.{op}", wire.before_send)
    return c


def main():
    endpoint, bucket, workdir = sys.argv[1:4]
    print(f"[boto3] boto3 {boto3.__version__}, botocore {botocore.__version__}")
    if not DEFAULT_CHECKSUMS:
        print("[boto3] this botocore sends checksums only when asked; asking for CRC32 explicitly")

    wire = Wire()
    plain = client(endpoint, trailer=False, wire=wire)
    chunked = client(endpoint, trailer=True, wire=wire)

    # CRC32 in a header: what boto3 does over plain HTTP.
    data = os.urandom(200_000)
    plain.put_object(Bucket=bucket, Key="boto3/header.bin", Body=data, **CRC32)
    check(wire.sent[-1]["trailer"] is None, "a put over plain http sends its CRC32 as a header")
    got = plain.get_object(Bucket=bucket, Key="boto3/header.bin", ChecksumMode="ENABLED")
    check(got["Body"].read() == data, "header-checksum object reads back byte for byte")
    check(got.get("ChecksumCRC32") == crc32_b64(data), "GetObject returns the stored CRC32")

    # CRC32 in a trailer: what boto3 does over HTTPS.
    data = os.urandom(300_000)
    chunked.put_object(Bucket=bucket, Key="boto3/trailer-crc32.bin", Body=data, **CRC32)
    check(wire.sent[-1]["sha256"] == TRAILER, f"put sent x-amz-content-sha256: {TRAILER}")
    check(wire.sent[-1]["trailer"] == "x-amz-checksum-crc32", "put announced an x-amz-checksum-crc32 trailer")
    got = plain.get_object(Bucket=bucket, Key="boto3/trailer-crc32.bin", ChecksumMode="ENABLED")
    check(got["Body"].read() == data, "CRC32-trailer object reads back byte for byte")
    check(got.get("ChecksumCRC32") == crc32_b64(data), "GetObject returns the CRC32 sent in the trailer")

    # SHA-256 in the trailer, over a body spanning several chunks.
    data = os.urandom(3 * 1024 * 1024 + 11)
    chunked.put_object(Bucket=bucket, Key="boto3/trailer-sha256.bin", Body=data, ChecksumAlgorithm="SHA256")
    check(wire.sent[-1]["trailer"] == "x-amz-checksum-sha256", "put announced an x-amz-checksum-sha256 trailer")
    head = plain.head_object(Bucket=bucket, Key="boto3/trailer-sha256.bin", ChecksumMode="ENABLED")
    check(head.get("ChecksumSHA256") == sha256_b64(data), "HeadObject returns the SHA-256 sent in the trailer")
    got = plain.get_object(Bucket=bucket, Key="boto3/trailer-sha256.bin")
    check(got["Body"].read() == data, "SHA256-trailer object reads back byte for byte")

    # Empty body in trailer form.
    chunked.put_object(Bucket=bucket, Key="boto3/trailer-empty", Body=b"", **CRC32)
    got = plain.get_object(Bucket=bucket, Key="boto3/trailer-empty")
    check(got["Body"].read() == b"" and got["ContentLength"] == 0, "empty trailer-form object")

    # Multipart through the transfer manager, every part in trailer form.
    path = os.path.join(workdir, "boto3-multipart.bin")
    with open(path, "wb") as f:
        f.write(os.urandom(17 * 1024 * 1024))
    before = len(wire.sent)
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
    chunked.upload_file(path, bucket, "boto3/multipart.bin", Config=cfg, ExtraArgs=dict(CRC32))
    parts = wire.sent[before:]
    check(len(parts) == 4, f"upload_file sent 4 parts (sent {len(parts)})")
    check(all(p["sha256"] == TRAILER for p in parts), "every part used the trailer form")
    back = path + ".back"
    plain.download_file(bucket, "boto3/multipart.bin", back)
    with open(path, "rb") as a, open(back, "rb") as b:
        check(a.read() == b.read(), "17 MiB multipart object reads back byte for byte")

    # botocore sends every file-like body with Expect: 100-continue. When the
    # server answers an empty one without an interim 100 Continue, botocore
    # keeps that early status on the pooled connection and misreads the next
    # response on it, which then stalls until the read timeout. S3 answers
    # 100 Continue here.
    quick = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1},
            read_timeout=10,
            max_pool_connections=1,
        ),
    )
    quick.put_object(Bucket=bucket, Key="boto3/expect-empty", Body=io.BytesIO(b""))
    started = time.monotonic()
    quick.put_object(Bucket=bucket, Key="boto3/expect-next", Body=io.BytesIO(b"next body"))
    took = time.monotonic() - started
    check(
        took < 5,
        f"a PUT after an empty Expect: 100-continue PUT on the same connection answers promptly (took {took:.1f}s)",
    )

    # A checksum that does not match the body is refused and stores nothing.
    try:
        plain.put_object(Bucket=bucket, Key="boto3/bad.bin", Body=b"some bytes", ChecksumCRC32=crc32_b64(b"other bytes"))
        check(False, "a put with a wrong CRC32 is refused")
    except ClientError as e:
        code = e.response["Error"]["Code"]
        check(code == "BadDigest", f"a put with a wrong CRC32 is refused with BadDigest (got {code})")
    try:
        plain.head_object(Bucket=bucket, Key="boto3/bad.bin")
        check(False, "a refused put stores nothing")
    except ClientError as e:
        check(e.response["Error"]["Code"] in ("404", "NoSuchKey"), "a refused put stores nothing")

    for key in ("expect-empty", "expect-next", "header.bin", "trailer-crc32.bin", "trailer-sha256.bin", "trailer-empty", "multipart.bin"):
        plain.delete_object(Bucket=bucket, Key="boto3/" + key)
    if FAILURES:
        print(f"[boto3] {len(FAILURES)} checks failed", file=sys.stderr)
        sys.exit(1)
    print("[boto3] PASS")


if __name__ == "__main__":
    main()
