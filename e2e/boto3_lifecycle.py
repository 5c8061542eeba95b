"""boto3 with lifecycle rules on a server whose lifecycle day lasts two
seconds (coffer server --lifecycle-day 2s): put, get and delete of a
bucket lifecycle configuration, S3's refusal of an invalid one, the
x-amz-expiration header on put and head, and the engine acting: an
expired object disappears from an unversioned bucket, and an expired
current version is hidden behind a delete marker in a versioned one.

Usage: boto3_lifecycle.py ENDPOINT BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []
# One lifecycle day is 2 s: a 1-day rule acts within 2 days plus the
# rounding to the next day boundary plus a pass interval, under 7 s.
DEADLINE = 30


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"[boto3-lifecycle] FAIL: {what}", file=sys.stderr)
        return
    print(f"[boto3-lifecycle] ok: {what}")


def error_of(call):
    try:
        call()
    except ClientError as e:
        return e.response["ResponseMetadata"]["HTTPStatusCode"], e.response["Error"]["Code"]
    return 0, ""


def wait_for(what, cond):
    start = time.monotonic()
    while time.monotonic() - start < DEADLINE:
        if cond():
            check(True, f"{what} (after {time.monotonic() - start:.1f}s)")
            return
        time.sleep(0.25)
    check(False, f"{what} within {DEADLINE}s")


def rule(rule_id, prefix, **actions):
    return dict(ID=rule_id, Status="Enabled", Filter={"Prefix": prefix}, **actions)


def main():
    endpoint, bucket = sys.argv[1:3]
    s3 = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}),
    )
    s3.create_bucket(Bucket=bucket)
    status, code = error_of(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    check((status, code) == (404, "NoSuchLifecycleConfiguration"), f"no configuration yet ({status} {code})")

    rules = [
        rule("tmp-rule", "tmp/", Expiration={"Days": 1}),
        rule("uploads", "", AbortIncompleteMultipartUpload={"DaysAfterInitiation": 3}),
    ]
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules})
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    check([r["ID"] for r in got] == ["tmp-rule", "uploads"], "get returns the rules put")
    check(got[0].get("Expiration") == {"Days": 1}, f"expiration kept ({got[0].get('Expiration')})")

    status, code = error_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": [rule("bad", "x/", Expiration={"Days": 1, "ExpiredObjectDeleteMarker": True})]}))
    check((status, code) == (400, "MalformedXML"), f"Days with ExpiredObjectDeleteMarker refused ({status} {code})")

    put = s3.put_object(Bucket=bucket, Key="tmp/short-lived", Body=b"x")
    check('rule-id="tmp-rule"' in put.get("Expiration", ""), f"put answers x-amz-expiration ({put.get('Expiration')})")
    head = s3.head_object(Bucket=bucket, Key="tmp/short-lived")
    check(head.get("Expiration") == put.get("Expiration"), "head answers the same expiration")
    s3.put_object(Bucket=bucket, Key="keep/long-lived", Body=b"y")
    mpu = s3.create_multipart_upload(Bucket=bucket, Key="big")
    check(mpu.get("AbortRuleId") == "uploads", f"create-multipart-upload names the abort rule ({mpu.get('AbortRuleId')})")

    def keys():
        return [o["Key"] for o in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]

    wait_for("the expired object is deleted", lambda: "tmp/short-lived" not in keys())
    check(keys() == ["keep/long-lived"], f"objects outside the rule's prefix stay ({keys()})")
    wait_for("the expired upload is aborted",
             lambda: not s3.list_multipart_uploads(Bucket=bucket).get("Uploads"))

    versioned = bucket + "-versioned"
    s3.create_bucket(Bucket=versioned)
    s3.put_bucket_versioning(Bucket=versioned, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_lifecycle_configuration(Bucket=versioned, LifecycleConfiguration={"Rules": [rule("all", "", Expiration={"Days": 1})]})
    s3.put_object(Bucket=versioned, Key="doc", Body=b"v1")

    def markers():
        return s3.list_object_versions(Bucket=versioned).get("DeleteMarkers", [])

    wait_for("an expired current version gets a delete marker", lambda: len(markers()) == 1)
    versions = s3.list_object_versions(Bucket=versioned).get("Versions", [])
    check(len(versions) == 1 and not versions[0]["IsLatest"], "the expired version stays as a noncurrent version")

    s3.delete_bucket_lifecycle(Bucket=bucket)
    status, code = error_of(lambda: s3.get_bucket_lifecycle_configuration(Bucket=bucket))
    check((status, code) == (404, "NoSuchLifecycleConfiguration"), f"deleted ({status} {code})")

    if FAILURES:
        print(f"[boto3-lifecycle] {len(FAILURES)} failure(s)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
