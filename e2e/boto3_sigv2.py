"""boto3 against coffer signing with Signature Version 2 (HmacV1Auth).

botocore's Config(signature_version="s3") signs "/bucket/" as the resource of
a bucket-level request whatever it sends on the wire ("/bucket" path-style,
"/" on the bucket's host virtual-hosted), so bucket operations are where a
server's canonical resource goes wrong first. The script runs CreateBucket,
ListObjects, bucket sub-resources (versioning, location, uploads),
an object round trip with ?tagging and DeleteBucket, path-style and virtual-hosted
(the server runs with COFFER_DOMAIN=localhost, and the script resolves
every *.localhost name to 127.0.0.1 itself), and checks on the wire that every
request really carried an "AWS key:signature" Authorization header.

Usage: boto3_sigv2.py ENDPOINT BUCKET
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import socket
import sys
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

FAILURES = []

_getaddrinfo = socket.getaddrinfo


def _loopback_localhost(host, *args, **kwargs):
    """Resolves BUCKET.localhost to loopback, as RFC 6761 asks of resolvers."""
    if isinstance(host, str) and host.endswith(".localhost"):
        host = "127.0.0.1"
    return _getaddrinfo(host, *args, **kwargs)


socket.getaddrinfo = _loopback_localhost


def check(cond, what):
    """Records a check; a failure is reported and the script goes on."""
    if cond:
        print(f"[boto3-sigv2] ok: {what}")
    else:
        print(f"[boto3-sigv2] FAIL: {what}", file=sys.stderr)
        FAILURES.append(what)


class Wire:
    """Records the Authorization scheme and path of every request sent."""

    def __init__(self):
        self.sent = []

    def before_send(self, request, **kwargs):
        auth = request.headers.get("Authorization", b"")
        if isinstance(auth, bytes):
            auth = auth.decode()
        self.sent.append((auth.split(" ", 1)[0], urlsplit(request.url).path))


def run(endpoint, bucket, style):
    wire = Wire()
    c = boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        config=Config(signature_version="s3", s3={"addressing_style": style}),
    )
    c.meta.events.register("before-send.s3", wire.before_send)
    b = f"{bucket}-{style}"
    try:
        c.create_bucket(Bucket=b)
        check(True, f"[{style}] CreateBucket")
        listed = c.list_objects(Bucket=b)
        check(listed.get("KeyCount", len(listed.get("Contents", []))) == 0, f"[{style}] ListObjects of the new bucket is empty")
        c.put_bucket_versioning(Bucket=b, VersioningConfiguration={"Status": "Enabled"})
        got = c.get_bucket_versioning(Bucket=b).get("Status")
        check(got == "Enabled", f"[{style}] ?versioning round trip ({got})")
        loc = c.get_bucket_location(Bucket=b)
        check("LocationConstraint" in loc, f"[{style}] ?location answered")
        up = c.list_multipart_uploads(Bucket=b)
        check(not up.get("Uploads"), f"[{style}] ?uploads lists none")
        c.put_object(Bucket=b, Key="dir/a b+c.txt", Body=b"sigv2")
        body = c.get_object(Bucket=b, Key="dir/a b+c.txt")["Body"].read()
        check(body == b"sigv2", f"[{style}] object round trip")
        c.put_object_tagging(Bucket=b, Key="dir/a b+c.txt", Tagging={"TagSet": [{"Key": "k", "Value": "v"}]})
        tags = c.get_object_tagging(Bucket=b, Key="dir/a b+c.txt")["TagSet"]
        check(tags == [{"Key": "k", "Value": "v"}], f"[{style}] object ?tagging round trip")
        keys = [o["Key"] for o in c.list_objects(Bucket=b, Prefix="dir/").get("Contents", [])]
        check(keys == ["dir/a b+c.txt"], f"[{style}] ListObjects with a prefix")
        for v in c.list_object_versions(Bucket=b).get("Versions", []):
            c.delete_object(Bucket=b, Key=v["Key"], VersionId=v["VersionId"])
        c.delete_bucket(Bucket=b)
        check(True, f"[{style}] DeleteBucket")
    except ClientError as e:
        check(False, f"[{style}] {e.operation_name}: {e.response['Error'].get('Code')}")
    schemes = {s for s, _ in wire.sent}
    check(schemes == {"AWS"}, f"[{style}] every request signed with SigV2 ({sorted(schemes)})")
    if style == "path":
        check(("AWS", "/" + b) in wire.sent, f"[{style}] a bucket request was sent as /{b}, no trailing slash")
    else:
        check(("AWS", "/") in wire.sent, f"[{style}] a bucket request was sent as / on the bucket's host")


def main():
    endpoint, bucket = sys.argv[1], sys.argv[2]
    run(endpoint, bucket, "path")
    host = urlsplit(endpoint)
    vhost_endpoint = f"{host.scheme}://localhost:{host.port}"
    run(vhost_endpoint, bucket, "virtual")
    if FAILURES:
        print(f"[boto3-sigv2] {len(FAILURES)} checks failed", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
