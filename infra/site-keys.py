#!/usr/bin/env python3
"""Writes the site's keys to the distribution's key-value store (SiteKeys),
so that its DirectoryIndexFunction serves /404.html for a page that does
not exist: every file under site/public as the URL path a browser asks for
(percent-encoded as browsers send it), and /.well-known/jwks.json. New keys
are put before old ones are deleted; values are unused ("1").

    python3 infra/site-keys.py <SiteKeysArn> site/public

Needs the AWS CLI (cloudfront-keyvaluestore) with the stack's credentials.
"""
import json
import os
import subprocess
import sys
import urllib.parse

BATCH = 50  # keys per UpdateKeys request


def aws(*args):
    out = subprocess.run(["aws", "cloudfront-keyvaluestore", *args, "--output", "json"],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out) if out.strip() else {}


def wanted(root):
    keys = {"/.well-known/jwks.json"}
    for folder, _, files in os.walk(root):
        for name in files:
            path = os.path.relpath(os.path.join(folder, name), root).replace(os.sep, "/")
            keys.add("/" + urllib.parse.quote(path, safe="/-_.~"))
    return keys


def main():
    arn, root = sys.argv[1], sys.argv[2]
    want = wanted(root)
    have = {item["Key"] for item in aws("list-keys", "--kvs-arn", arn).get("Items", [])}
    etag = aws("describe-key-value-store", "--kvs-arn", arn)["ETag"]
    puts = sorted(want - have)
    deletes = sorted(have - want)
    for start in range(0, len(puts), BATCH):
        batch = [{"Key": key, "Value": "1"} for key in puts[start:start + BATCH]]
        etag = aws("update-keys", "--kvs-arn", arn, "--if-match", etag,
                   "--puts", json.dumps(batch))["ETag"]
    for start in range(0, len(deletes), BATCH):
        batch = [{"Key": key} for key in deletes[start:start + BATCH]]
        etag = aws("update-keys", "--kvs-arn", arn, "--if-match", etag,
                   "--deletes", json.dumps(batch))["ETag"]
    print(f"site keys: {len(want)} ({len(puts)} added, {len(deletes)} removed)")


if __name__ == "__main__":
    main()
