"""boto3 against coffer: the answers a Python client decodes, checked as AWS gives them.

Covers the listing encoding (boto3 asks for encoding-type=url and decodes the
keys itself), the version id a PUT reports in unversioned, enabled and
suspended buckets, conditional deletes, GetObjectAttributes, bucket tagging
and a CORS preflight.

Usage: boto3_parity.py ENDPOINT BUCKET_PREFIX
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import base64
import sys
import urllib.request
import zlib

import boto3
import botocore
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []


def check(cond, what):
    """Records a check; a failure is reported and the script goes on."""
    if not cond:
        FAILURES.append(what)
        print(f"[parity] FAIL: {what}", file=sys.stderr)
        return
    print(f"[parity] ok: {what}")


def error_of(fn, **kwargs):
    """Calls fn and returns (HTTP status, error code) of the ClientError it raises."""
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    return 200, None


def has_param(client, op, name):
    """Tells whether this botocore's model knows an input parameter."""
    return name in client.meta.service_model.operation_model(op).input_shape.members


def with_headers(client, op, headers):
    """Sends extra headers on the next calls of op: how a botocore whose model
    predates a parameter still sends it (Debian's botocore is from 2023)."""

    def add(request, **kwargs):
        for k, v in headers.items():
            request.headers[k] = v

    client.meta.events.register(f"before-sign.s3.{op}", add)
    return lambda: client.meta.events.unregister(f"before-sign.s3.{op}", add)


def listing_encoding(s3, bucket):
    keys = ["dir a/space key", "plus+key", "percent%41key", "unicode-ü-日本", "tab\tkey", "amp&<gt>"]
    for k in keys:
        s3.put_object(Bucket=bucket, Key=k, Body=b"x")
    got = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket)["Contents"]]
    check(sorted(got) == sorted(keys), f"ListObjectsV2 keys decode to what was stored ({got})")
    got = [o["Key"] for o in s3.list_objects(Bucket=bucket)["Contents"]]
    check(sorted(got) == sorted(keys), "ListObjects (v1) keys decode to what was stored")
    got = [v["Key"] for v in s3.list_object_versions(Bucket=bucket).get("Versions", [])]
    check(sorted(got) == sorted(keys), "ListObjectVersions keys decode to what was stored")
    r = s3.list_objects_v2(Bucket=bucket, Delimiter=" ", Prefix="dir a/")
    check(r.get("Prefix") == "dir a/", f"ListObjectsV2 echoes a prefix with a space decoded ({r.get('Prefix')!r})")
    prefixes = [p["Prefix"] for p in r.get("CommonPrefixes", [])]
    check(prefixes == ["dir a/space "], f"common prefix cut at a space delimiter ({prefixes})")
    up = s3.create_multipart_upload(Bucket=bucket, Key="upload with space+plus")
    got = [u["Key"] for u in s3.list_multipart_uploads(Bucket=bucket).get("Uploads", [])]
    check("upload with space+plus" in got, f"ListMultipartUploads keys decode ({got})")
    s3.abort_multipart_upload(Bucket=bucket, Key="upload with space+plus", UploadId=up["UploadId"])
    for k in keys:
        s3.delete_object(Bucket=bucket, Key=k)


def version_ids(s3, prefix):
    cases = [("unversioned", None), ("enabled", "Enabled"), ("suspended", "Suspended")]
    for name, status in cases:
        b = f"{prefix}-ver-{name}"
        s3.create_bucket(Bucket=b)
        if status == "Suspended":
            s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        if status:
            s3.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": status})
        r = s3.put_object(Bucket=b, Key="k", Body=b"data")
        vid = r.get("VersionId")
        if status == "Enabled":
            check(vid not in (None, "null"), f"PUT in a versioning-{name} bucket reports its version id ({vid})")
        else:
            check(vid is None, f"PUT in a {name} bucket reports no version id (got {vid!r})")
        r = s3.copy_object(Bucket=b, Key="k2", CopySource={"Bucket": b, "Key": "k"})
        vid = r.get("VersionId")
        if status == "Enabled":
            check(vid not in (None, "null"), f"CopyObject in a versioning-{name} bucket reports its version id")
        else:
            check(vid is None, f"CopyObject in a {name} bucket reports no version id (got {vid!r})")
        up = s3.create_multipart_upload(Bucket=b, Key="mp")
        part = s3.upload_part(Bucket=b, Key="mp", UploadId=up["UploadId"], PartNumber=1, Body=b"part")
        r = s3.complete_multipart_upload(
            Bucket=b,
            Key="mp",
            UploadId=up["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]},
        )
        vid = r.get("VersionId")
        if status == "Enabled":
            check(vid not in (None, "null"), f"CompleteMultipartUpload in a versioning-{name} bucket reports its version id")
        else:
            check(vid is None, f"CompleteMultipartUpload in a {name} bucket reports no version id (got {vid!r})")
        versions = s3.list_object_versions(Bucket=b).get("Versions", [])
        for v in versions:
            s3.delete_object(Bucket=b, Key=v["Key"], VersionId=v["VersionId"])
        s3.delete_bucket(Bucket=b)


def conditional_deletes(s3, bucket):
    etag = s3.put_object(Bucket=bucket, Key="cond", Body=b"conditional")["ETag"]
    wrong = '"00000000000000000000000000000000"'
    if has_param(s3, "DeleteObject", "IfMatch"):
        status, code = error_of(s3.delete_object, Bucket=bucket, Key="cond", IfMatch=wrong)
    else:
        undo = with_headers(s3, "DeleteObject", {"If-Match": wrong})
        status, code = error_of(s3.delete_object, Bucket=bucket, Key="cond")
        undo()
    check((status, code) == (412, "PreconditionFailed"), f"DeleteObject If-Match a stale ETag is 412 PreconditionFailed ({status} {code})")
    check(s3.head_object(Bucket=bucket, Key="cond")["ETag"] == etag, "a refused conditional delete keeps the object")
    if has_param(s3, "DeleteObject", "IfMatch"):
        s3.delete_object(Bucket=bucket, Key="cond", IfMatch=etag)
    else:
        undo = with_headers(s3, "DeleteObject", {"If-Match": etag})
        s3.delete_object(Bucket=bucket, Key="cond")
        undo()
    status, _ = error_of(s3.head_object, Bucket=bucket, Key="cond")
    check(status == 404, "DeleteObject If-Match the current ETag deletes it")

    if "ETag" in s3.meta.service_model.shape_for("ObjectIdentifier").members:
        a = s3.put_object(Bucket=bucket, Key="batch-a", Body=b"a")["ETag"]
        s3.put_object(Bucket=bucket, Key="batch-b", Body=b"b")
        r = s3.delete_objects(
            Bucket=bucket,
            Delete={"Objects": [{"Key": "batch-a", "ETag": a}, {"Key": "batch-b", "ETag": wrong}]},
        )
        deleted = [d["Key"] for d in r.get("Deleted", [])]
        errors = {e["Key"]: e["Code"] for e in r.get("Errors", [])}
        check(deleted == ["batch-a"], f"DeleteObjects deletes the object whose ETag matches ({deleted})")
        check(errors == {"batch-b": "PreconditionFailed"}, f"DeleteObjects reports PreconditionFailed for a stale ETag ({errors})")
        s3.delete_object(Bucket=bucket, Key="batch-b")
    else:
        print(f"[parity] this botocore ({botocore.__version__}) has no per-object ETag in DeleteObjects; skipped that check")


def object_attributes(s3, bucket):
    part = b"p" * (5 * 1024 * 1024)
    last = b"last part"
    up = s3.create_multipart_upload(Bucket=bucket, Key="attrs", ChecksumAlgorithm="CRC32")
    etags = []
    for n, body in ((1, part), (2, last)):
        crc = base64.b64encode(zlib.crc32(body).to_bytes(4, "big")).decode()
        r = s3.upload_part(Bucket=bucket, Key="attrs", UploadId=up["UploadId"], PartNumber=n, Body=body, ChecksumCRC32=crc)
        etags.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumCRC32": crc})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="attrs", UploadId=up["UploadId"], MultipartUpload={"Parts": etags})
    r = s3.get_object_attributes(
        Bucket=bucket,
        Key="attrs",
        ObjectAttributes=["ETag", "Checksum", "ObjectParts", "StorageClass", "ObjectSize"],
    )
    check(r.get("ObjectSize") == len(part) + len(last), f"GetObjectAttributes ObjectSize ({r.get('ObjectSize')})")
    check(r.get("ETag") == done["ETag"].strip('"'), f"GetObjectAttributes ETag is the unquoted ETag ({r.get('ETag')})")
    check(r.get("StorageClass") == "STANDARD", f"GetObjectAttributes StorageClass ({r.get('StorageClass')})")
    parts = r.get("ObjectParts", {})
    check(parts.get("TotalPartsCount") == 2, f"GetObjectAttributes TotalPartsCount ({parts.get('TotalPartsCount')})")
    got = [(p.get("PartNumber"), p.get("Size"), p.get("ChecksumCRC32")) for p in parts.get("Parts", [])]
    want = [(e["PartNumber"], n, e["ChecksumCRC32"]) for e, n in zip(etags, (len(part), len(last)))]
    check(got == want, f"GetObjectAttributes lists each part with its size and CRC32 ({got})")
    check("ChecksumCRC32" in r.get("Checksum", {}), f"GetObjectAttributes reports the object's checksum ({r.get('Checksum')})")
    r = s3.get_object_attributes(Bucket=bucket, Key="attrs", ObjectAttributes=["ObjectParts"], MaxParts=1)
    parts = r.get("ObjectParts", {})
    check(parts.get("IsTruncated") is True and len(parts.get("Parts", [])) == 1, "GetObjectAttributes pages parts with MaxParts")
    s3.delete_object(Bucket=bucket, Key="attrs")


def bucket_tagging(s3, bucket):
    status, code = error_of(s3.get_bucket_tagging, Bucket=bucket)
    check((status, code) == (404, "NoSuchTagSet"), f"GetBucketTagging of an untagged bucket is 404 NoSuchTagSet ({status} {code})")
    tags = [{"Key": "classification", "Value": "confidential"}, {"Key": "team", "Value": "storage"}]
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": tags})
    got = s3.get_bucket_tagging(Bucket=bucket)["TagSet"]
    check(sorted(got, key=lambda t: t["Key"]) == tags, f"GetBucketTagging returns the tags put ({got})")
    status, code = error_of(s3.put_bucket_tagging, Bucket=bucket, Tagging={"TagSet": [{"Key": "aws:x", "Value": "y"}]})
    check((status, code) == (400, "InvalidTag"), f"a tag key with the aws: prefix is 400 InvalidTag ({status} {code})")
    s3.delete_bucket_tagging(Bucket=bucket)
    status, code = error_of(s3.get_bucket_tagging, Bucket=bucket)
    check(code == "NoSuchTagSet", "DeleteBucketTagging removes the tag set")


def cors(s3, endpoint, bucket):
    s3.put_bucket_cors(
        Bucket=bucket,
        CORSConfiguration={
            "CORSRules": [
                {
                    "AllowedOrigins": ["https://*.example.com"],
                    "AllowedMethods": ["PUT", "GET"],
                    "AllowedHeaders": ["*"],
                    "ExposeHeaders": ["ETag"],
                    "MaxAgeSeconds": 600,
                }
            ]
        },
    )
    rules = s3.get_bucket_cors(Bucket=bucket)["CORSRules"]
    check(len(rules) == 1 and rules[0]["AllowedMethods"] == ["PUT", "GET"], f"GetBucketCors returns the rules ({rules})")

    def preflight(origin, method):
        req = urllib.request.Request(
            f"{endpoint}/{bucket}/upload.bin",
            method="OPTIONS",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": method,
                "Access-Control-Request-Headers": "content-type, x-amz-meta-a",
            },
        )
        try:
            with urllib.request.urlopen(req) as resp:
                return resp.status, resp.headers
        except urllib.error.HTTPError as e:
            return e.code, e.headers

    status, h = preflight("https://app.example.com", "PUT")
    check(status == 200, f"a preflight that matches a rule is 200 ({status})")
    check(h.get("Access-Control-Allow-Origin") == "https://app.example.com", f"preflight echoes the origin ({h.get('Access-Control-Allow-Origin')})")
    check("PUT" in (h.get("Access-Control-Allow-Methods") or ""), f"preflight allows PUT ({h.get('Access-Control-Allow-Methods')})")
    check(h.get("Access-Control-Max-Age") == "600", f"preflight carries the rule's max age ({h.get('Access-Control-Max-Age')})")
    status, _ = preflight("https://evil.test", "PUT")
    check(status == 403, f"a preflight from an origin no rule allows is 403 ({status})")
    status, _ = preflight("https://app.example.com", "DELETE")
    check(status == 403, f"a preflight for a method no rule allows is 403 ({status})")
    s3.delete_bucket_cors(Bucket=bucket)
    status, code = error_of(s3.get_bucket_cors, Bucket=bucket)
    check((status, code) == (404, "NoSuchCORSConfiguration"), f"GetBucketCors after delete is 404 NoSuchCORSConfiguration ({status} {code})")


def main():
    endpoint, prefix = sys.argv[1:3]
    print(f"[parity] boto3 {boto3.__version__}, botocore {botocore.__version__}")
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    bucket = f"{prefix}-parity"
    s3.create_bucket(Bucket=bucket)
    listing_encoding(s3, bucket)
    version_ids(s3, prefix)
    conditional_deletes(s3, bucket)
    object_attributes(s3, bucket)
    bucket_tagging(s3, bucket)
    cors(s3, endpoint, bucket)
    s3.delete_bucket(Bucket=bucket)
    if FAILURES:
        print(f"[parity] {len(FAILURES)} checks failed", file=sys.stderr)
        sys.exit(1)
    print("[parity] PASS")


if __name__ == "__main__":
    main()
