"""Browser-style POST uploads (PostObject) signed with SigV4 and SigV2 policies.

Standard library only, so it runs wherever python3 does. Builds the policy
document and form the way a web page would, posts it, and checks the answers
S3 documents: 201 with a PostResponse for a good form, and refusals for a
tampered signature, a key outside the policy and a body over the policy's
content-length-range.

Usage: post_policy.py ENDPOINT BUCKET FILE
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY; the object
keys written are post/v4/<name> and post/v2/<name>.
"""

import base64
import datetime
import hashlib
import hmac
import json
import os
import sys
import urllib.error
import urllib.request
import uuid

FAILURES = []


def check(cond, what):
    if cond:
        print(f"[post] ok: {what}")
    else:
        FAILURES.append(what)
        print(f"[post] FAIL: {what}", file=sys.stderr)


def _hmac(key, msg):
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def v4_fields(policy_conditions, access, secret, now):
    date = now.strftime("%Y%m%d")
    amz_date = now.strftime("%Y%m%dT%H%M%SZ")
    credential = f"{access}/{date}/us-east-1/s3/aws4_request"
    policy = base64.b64encode(json.dumps(policy_doc(now, policy_conditions, [
        {"x-amz-algorithm": "AWS4-HMAC-SHA256"},
        {"x-amz-credential": credential},
        {"x-amz-date": amz_date},
    ])).encode()).decode()
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), date), "us-east-1"), "s3"), "aws4_request")
    return {
        "x-amz-algorithm": "AWS4-HMAC-SHA256",
        "x-amz-credential": credential,
        "x-amz-date": amz_date,
        "policy": policy,
        "x-amz-signature": hmac.new(key, policy.encode(), hashlib.sha256).hexdigest(),
    }


def v2_fields(policy_conditions, access, secret, now):
    policy = base64.b64encode(json.dumps(policy_doc(now, policy_conditions, [])).encode()).decode()
    sig = base64.b64encode(hmac.new(secret.encode(), policy.encode(), hashlib.sha1).digest()).decode()
    return {"AWSAccessKeyId": access, "policy": policy, "signature": sig}


def policy_doc(now, conditions, signing_conditions):
    """A policy document; conditions None leaves the conditions list out."""
    if conditions is None:
        return {"expiration": expiry(now)}
    return {"expiration": expiry(now), "conditions": conditions + signing_conditions}


def expiry(now):
    return (now + datetime.timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def post(url, fields, filename, content):
    """POSTs a multipart/form-data form with the file last, as S3 requires."""
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    req = urllib.request.Request(url, data=b"".join(parts), method="POST")
    req.add_header("Content-Type", f"multipart/form-data; boundary={boundary}")
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status, resp.read().decode(errors="replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode(errors="replace")


def run(version, make_fields, url, bucket, name, content, access, secret):
    now = datetime.datetime.now(datetime.timezone.utc)
    prefix = f"post/{version}/"
    conditions = [
        {"bucket": bucket},
        ["starts-with", "$key", prefix],
        ["content-length-range", 0, len(content)],
        {"success_action_status": "201"},
    ]

    fields = {"key": prefix + "${filename}", "success_action_status": "201"}
    fields.update(make_fields(conditions, access, secret, now))
    status, body = post(url, fields, name, content)
    check(status == 201, f"{version}: POST with a valid policy answers 201 (got {status}: {body[:200]})")
    check(f"<Key>{prefix}{name}</Key>" in body, f"{version}: PostResponse names the key with ${{filename}} expanded")

    bad = dict(fields)
    sig = "x-amz-signature" if "x-amz-signature" in bad else "signature"
    bad[sig] = ("0" if bad[sig][0] != "0" else "1") + bad[sig][1:]
    status, body = post(url, bad, name, content)
    check(status == 403 and "SignatureDoesNotMatch" in body, f"{version}: a tampered signature is SignatureDoesNotMatch (got {status})")

    outside = dict(fields)
    outside["key"] = "elsewhere/" + name
    status, body = post(url, outside, name, content)
    check(status == 403 and "AccessDenied" in body, f"{version}: a key outside the policy is AccessDenied (got {status})")

    status, body = post(url, fields, name, content + b"!")
    check(status == 400 and "EntityTooLarge" in body, f"{version}: a body over content-length-range is EntityTooLarge (got {status})")

    # The key conditions see the key with ${filename} expanded.
    exact = [c for c in conditions if c != ["starts-with", "$key", prefix]] + [["eq", "$key", prefix + name]]
    fields = {"key": prefix + "${filename}", "success_action_status": "201"}
    fields.update(make_fields(exact, access, secret, now))
    status, body = post(url, fields, name, content)
    check(status == 201, f"{version}: an eq condition on $key holds for the expanded ${{filename}} (got {status}: {body[:200]})")

    # A policy must carry a conditions list; without one it is malformed.
    fields = {"key": prefix + name}
    fields.update(make_fields(None, access, secret, now))
    status, body = post(url, fields, name, content)
    check(status == 400 and "InvalidPolicyDocument" in body and "Policy missing conditions" in body,
          f"{version}: a policy without conditions is InvalidPolicyDocument (got {status}: {body[:200]})")


def main():
    endpoint, bucket, path = sys.argv[1:4]
    access, secret = os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"]
    with open(path, "rb") as f:
        content = f.read()
    name = os.path.basename(path)
    url = f"{endpoint}/{bucket}"
    run("v4", v4_fields, url, bucket, name, content, access, secret)
    run("v2", v2_fields, url, bucket, name, content, access, secret)
    if FAILURES:
        print(f"[post] {len(FAILURES)} checks failed", file=sys.stderr)
        sys.exit(1)
    print("[post] PASS")


if __name__ == "__main__":
    main()
