"""Client-side encryption interoperability: an independent implementation of
the AWS S3 Encryption Client's v2 message format (AES-256-GCM content with a
12-byte IV and the 16-byte tag appended, the data key from KMS
GenerateDataKey wrapped "kms+context", the envelope in x-amz-meta-*
metadata or in an instruction file KEY.instruction), written here with
python3-cryptography's AESGCM and boto3's S3 and KMS clients, checked
against `coffer cse`:

  (a) an object written by `coffer cse put` is read here, byte for byte;
  (b) an object written here (envelope as metadata, and again as an
      instruction file) is read by `coffer cse get`, byte for byte;
  (c) one flipped byte of stored ciphertext makes both refuse.

Usage: cse_interop.py COFFER_BIN ENDPOINT BUCKET KMS_KEY WORKDIR
Credentials come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY.
"""

import base64
import json
import os
import subprocess
import sys

import boto3
from botocore.config import Config
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FAILURES = []
CEK_ALG = "AES/GCM/NoPadding"


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print(f"[cse-interop] FAIL: {what}", file=sys.stderr)
        return
    print(f"[cse-interop] ok: {what}")


def encrypt_put(s3, kms, bucket, key, key_id, plain, instruction_file=False):
    """Writes plain as a v2 object, as the AWS encryption clients do."""
    context = {"aws:x-amz-cek-alg": CEK_ALG, "written-by": "python"}
    dk = kms.generate_data_key(KeyId=key_id, KeySpec="AES_256", EncryptionContext=context)
    iv = os.urandom(12)
    body = AESGCM(dk["Plaintext"]).encrypt(iv, plain, None)
    envelope = {
        "x-amz-key-v2": base64.b64encode(dk["CiphertextBlob"]).decode(),
        "x-amz-iv": base64.b64encode(iv).decode(),
        "x-amz-cek-alg": CEK_ALG,
        "x-amz-tag-len": "128",
        "x-amz-wrap-alg": "kms+context",
        "x-amz-matdesc": json.dumps(context, separators=(",", ":")),
        "x-amz-unencrypted-content-length": str(len(plain)),
    }
    if instruction_file:
        s3.put_object(Bucket=bucket, Key=key, Body=body)
        inst = dict(envelope, **{"x-amz-tag-len": 128})
        s3.put_object(Bucket=bucket, Key=key + ".instruction", Body=json.dumps(inst).encode(),
                      Metadata={"x-amz-crypto-instr-file": ""})
    else:
        s3.put_object(Bucket=bucket, Key=key, Body=body, Metadata=envelope)


def get_decrypt(s3, kms, bucket, key):
    """Reads a v2 object whose envelope is in its metadata; raises on any
    deviation from the format or a failed authentication."""
    obj = s3.get_object(Bucket=bucket, Key=key)
    meta = {k.lower(): v for k, v in obj["Metadata"].items()}
    body = obj["Body"].read()
    if meta.get("x-amz-wrap-alg") != "kms+context" or meta.get("x-amz-cek-alg") != CEK_ALG:
        raise ValueError(f"unexpected algorithms in {meta}")
    if meta.get("x-amz-tag-len") != "128":
        raise ValueError("x-amz-tag-len is not 128")
    context = json.loads(meta["x-amz-matdesc"])
    if context.get("aws:x-amz-cek-alg") != CEK_ALG:
        raise ValueError("the encryption context does not bind the content algorithm")
    iv = base64.b64decode(meta["x-amz-iv"], validate=True)
    if len(iv) != 12:
        raise ValueError("the IV is not 12 bytes")
    wrapped = base64.b64decode(meta["x-amz-key-v2"], validate=True)
    key_bytes = kms.decrypt(CiphertextBlob=wrapped, EncryptionContext=context)["Plaintext"]
    plain = AESGCM(key_bytes).decrypt(iv, body, None)
    if meta.get("x-amz-unencrypted-content-length") != str(len(plain)):
        raise ValueError("x-amz-unencrypted-content-length does not match")
    return plain, context


def coffer_cse(coffer, endpoint, *args):
    return subprocess.run([coffer, "cse", *args, "--endpoint", endpoint], capture_output=True)


def tamper(s3, bucket, key):
    """Flips one byte in the middle of the stored ciphertext, keeping the
    envelope."""
    obj = s3.get_object(Bucket=bucket, Key=key)
    body = bytearray(obj["Body"].read())
    body[len(body) // 2] ^= 0x01
    s3.put_object(Bucket=bucket, Key=key, Body=bytes(body), Metadata=obj["Metadata"])


def main():
    coffer, endpoint, bucket, key_id, work = sys.argv[1:6]
    cfg = Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1})
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
    kms = boto3.client("kms", endpoint_url=endpoint, region_name="us-east-1", config=cfg)
    s3.create_bucket(Bucket=bucket)
    plain = os.urandom(1 << 20) + b"tail"
    src = os.path.join(work, "cse-plain.bin")
    with open(src, "wb") as f:
        f.write(plain)

    # (a) coffer writes, Python reads.
    r = coffer_cse(coffer, endpoint, "put", "--key-id", key_id, "--context", "written-by=coffer", src, f"s3://{bucket}/by-coffer")
    check(r.returncode == 0, f"coffer cse put ({r.stderr.decode().strip()})")
    try:
        got, context = get_decrypt(s3, kms, bucket, "by-coffer")
        check(got == plain, "Python decrypts coffer's object byte for byte")
        check(context == {"aws:x-amz-cek-alg": CEK_ALG, "written-by": "coffer"}, f"coffer's x-amz-matdesc is the KMS encryption context ({context})")
    except Exception as e:  # noqa: BLE001 - any failure is the finding
        check(False, f"Python reads coffer's object ({e!r})")
    raw = s3.get_object(Bucket=bucket, Key="by-coffer")["Body"].read()
    check(len(raw) == len(plain) + 16 and plain[:64] not in raw, "the server holds ciphertext plus a 16-byte tag")

    # (b) Python writes, coffer reads: envelope as metadata, then as an
    # instruction file.
    for key, inst in (("by-python", False), ("by-python-instr", True)):
        encrypt_put(s3, kms, bucket, key, key_id, plain, instruction_file=inst)
        out = os.path.join(work, f"cse-{key}.out")
        r = coffer_cse(coffer, endpoint, "get", f"s3://{bucket}/{key}", out)
        ok = r.returncode == 0 and open(out, "rb").read() == plain
        check(ok, f"coffer cse get decrypts Python's object byte for byte ({key}; {r.stderr.decode().strip()})")

    # (c) one flipped byte: both refuse, and coffer writes no output.
    tamper(s3, bucket, "by-coffer")
    try:
        get_decrypt(s3, kms, bucket, "by-coffer")
        check(False, "Python refuses coffer's object with a flipped byte")
    except InvalidTag:
        check(True, "Python refuses coffer's object with a flipped byte (InvalidTag)")
    tamper(s3, bucket, "by-python")
    out = os.path.join(work, "cse-tampered.out")
    r = coffer_cse(coffer, endpoint, "get", f"s3://{bucket}/by-python", out)
    check(r.returncode == 1 and b"failed authentication" in r.stderr and not os.path.exists(out),
          f"coffer cse get refuses Python's object with a flipped byte ({r.stderr.decode().strip()})")

    for key in ("by-coffer", "by-python", "by-python-instr", "by-python-instr.instruction"):
        s3.delete_object(Bucket=bucket, Key=key)
    s3.delete_bucket(Bucket=bucket)
    if FAILURES:
        print(f"[cse-interop] {len(FAILURES)} failure(s)", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
