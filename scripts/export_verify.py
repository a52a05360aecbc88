#!/usr/bin/env python3
"""A second, independent implementation of Candor's export format (docs/export-format.md): it
verifies and opens an export Candor made, with the `cryptography` package from PyPI and nothing of
Candor's. A body receiving an export may run this instead of Candor.

    export_verify.py verify FILE --signer DEPT.pub
        checks the Ed25519 signature and every part's SHA-256 without any private key; prints
        "OK ..." (exit 0) or "FAILED at REGION: reason" (exit 1)
    export_verify.py open FILE --key RECIPIENT.key --out DIR [--signer DEPT.pub]
        verifies, then decrypts every part into DIR: contents.json, files/<part>-<name>, index.html
"""
import argparse
import hashlib
import html
import json
import os
import struct
import sys

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"CANDOR-EXPORT-1\n"
SIGNATURE_LABEL = b"candor/export/v1/signature"
TRAILER = 32 + 64


class Failure(Exception):
    def __init__(self, region, reason):
        super().__init__(f"{region}: {reason}")
        self.region = region


def read_public_key(path):
    lines = [l.strip() for l in open(path, encoding="utf-8") if l.strip() and not l.strip().startswith("#")]
    try:
        raw = bytes.fromhex(lines[0]) if len(lines) == 1 else b""
    except ValueError:
        raw = b""
    if len(raw) != 32:
        sys.exit(f"{path} is not a public key file (64 hex digits)")
    return raw


def read_recipient_key(path):
    lines = [l.strip() for l in open(path, encoding="utf-8")]
    if len(lines) < 2 or lines[0] != "CANDOR EXPORT RECIPIENT PRIVATE KEY v1":
        sys.exit(f"{path} is not a Candor export recipient key file")
    return X25519PrivateKey.from_private_bytes(bytes.fromhex(lines[1]))


def verify(data, signer_raw):
    """Returns (manifest, [part bytes]); raises Failure naming the region."""
    if len(data) < 20 + TRAILER:
        raise Failure("preamble", "too short for a Candor export")
    if data[:16] != MAGIC:
        raise Failure("preamble", "not a Candor export (magic)")
    (length,) = struct.unpack(">I", data[16:20])
    trailer = len(data) - TRAILER
    if 20 + length > trailer:
        raise Failure("preamble", "the manifest length runs past the end of the file")
    manifest_bytes = data[20:20 + length]
    stored, signature = data[trailer:trailer + 32], data[trailer + 32:]
    try:
        Ed25519PublicKey.from_public_bytes(signer_raw).verify(signature, SIGNATURE_LABEL + data[:20] + stored)
        signed = True
    except InvalidSignature:
        signed = False
    same = hashlib.sha256(manifest_bytes).digest() == stored
    try:
        manifest = json.loads(manifest_bytes)
        fits = 20 + length + sum(p["length"] for p in manifest["parts"]) == trailer
    except (ValueError, KeyError, TypeError):
        manifest, fits = None, False
    if signed and not same:
        raise Failure("manifest", "changed after signing")
    if not signed and same:
        raise Failure("signature", "does not verify with the signer's public key")
    if not signed:
        raise Failure("trailer" if fits else "preamble", "the signed digest or the manifest length was changed")
    if manifest.get("format") != "candor-export" or manifest.get("version") != 1:
        raise Failure("manifest", "not a version 1 Candor export manifest")
    if manifest["signer"] != signer_raw.hex():
        raise Failure("manifest", "names another signer")
    parts, offset = [], 20 + length
    for index, part in enumerate(manifest["parts"]):
        blob = data[offset:offset + part["length"]]
        if len(blob) != part["length"] or offset + part["length"] > trailer:
            raise Failure("parts", f"the file ends before part {index}")
        if hashlib.sha256(blob).hexdigest() != part["sha256"]:
            raise Failure(f"part {index} ({part['name']})", "SHA-256 differs from the signed manifest")
        parts.append(blob)
        offset += part["length"]
    if offset != trailer:
        raise Failure("parts", "bytes the manifest does not list")
    return manifest, parts


def vault_open(key, sealed, ad):
    """Candor's AES-256-GCM format: 0x01 | nonce(12) | ciphertext | tag(16), AAD = 0x01 | ad."""
    if sealed[0] != 1:
        raise ValueError("unknown AES-GCM format version")
    return AESGCM(key).decrypt(sealed[1:13], sealed[13:], b"\x01" + ad)


def open_content_key(box, private, context):
    """Candor's sealed box: 0x01 | ephemeral X25519 public (32) | nonce | ciphertext | tag."""
    if box[0] != 1:
        raise ValueError("unknown sealed box version")
    ephemeral = box[1:33]
    shared = private.exchange(X25519PublicKey.from_public_bytes(ephemeral))
    mine = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=ephemeral + mine,
               info=b"candor/sealed-box/v1" + context).derive(shared)
    return vault_open(key, b"\x01" + box[33:], ephemeral)


def open_export(data, private, signer_raw):
    if signer_raw is None:
        (length,) = struct.unpack(">I", data[16:20])
        signer_raw = bytes.fromhex(json.loads(data[20:20 + length])["signer"])
    manifest, blobs = verify(data, signer_raw)
    mine = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    if manifest["recipient"] != mine.hex():
        raise SystemExit("this export is sealed for another recipient key")
    export_id = manifest["export_id"]
    content_key = open_content_key(bytes.fromhex(manifest["content_key_box"]), private,
                                   f"candor/export/v1|{export_id}".encode())
    return manifest, {p["name"]: vault_open(content_key, blob, f"candor/export/v1|{export_id}|{p['name']}".encode())
                      for p, blob in zip(manifest["parts"], blobs)}


def write_out(manifest, parts, out):
    os.makedirs(os.path.join(out, "files"), mode=0o700)
    contents = json.loads(parts["contents"])
    with open(os.path.join(out, "contents.json"), "wb") as f:
        f.write(parts["contents"])
    items = []
    for file in contents["files"]:
        safe = file["name"].replace("/", "_").replace("\\", "_").lstrip(".") or "file"
        local = f"{file['part']}-{safe}"
        with open(os.path.join(out, "files", local), "wb") as f:
            f.write(parts[file["part"]])
        items.append(f'<li><a href="files/{html.escape(local)}">{html.escape(file["name"])}</a></li>')
    pieces = "".join(f"<h3>{html.escape(p['kind'])} {html.escape(p['day'])}</h3><pre>{html.escape(p['text'])}</pre>"
                     for p in contents["pieces"])
    page = (f"<!doctype html><meta charset=utf-8><title>{html.escape(contents['register_number'])}</title>"
            f"<p>机密</p><h1>{html.escape(contents['register_number'])}</h1><p>signer {manifest['signer']}</p>"
            f"{pieces}<ul>{''.join(items)}</ul><p>{len(contents['audit'])} audit entries in contents.json</p>")
    with open(os.path.join(out, "index.html"), "w", encoding="utf-8") as f:
        f.write(page)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["verify", "open"])
    parser.add_argument("file")
    parser.add_argument("--signer")
    parser.add_argument("--key")
    parser.add_argument("--out")
    args = parser.parse_args()
    data = open(args.file, "rb").read()
    signer = read_public_key(args.signer) if args.signer else None
    try:
        if args.command == "verify":
            if signer is None:
                parser.error("verify needs --signer DEPT.pub")
            manifest, _ = verify(data, signer)
            print(f"OK: {len(manifest['parts'])} parts, signed by {manifest['signer']}, "
                  f"file SHA-256 {hashlib.sha256(data).hexdigest()}")
        else:
            if not args.key or not args.out:
                parser.error("open needs --key RECIPIENT.key --out DIR")
            manifest, parts = open_export(data, read_recipient_key(args.key), signer)
            write_out(manifest, parts, args.out)
            print(f"OK: opened {len(parts)} parts into {args.out}")
    except Failure as failure:
        print(f"FAILED at {failure}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
