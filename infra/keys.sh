#!/usr/bin/env bash
# Keys for a deployment, made locally with openssl (and argon2 for staff):
#
#   bash infra/keys.sh platform-secret > platform.json   # new keys → the platform secret's JSON
#   bash infra/keys.sh jwks platform.json > jwks.json    # its public certificate key → /.well-known/jwks.json
#   bash infra/keys.sh media-public-key platform.json    # its media key's public half → MediaPublicKeyPem
#   bash infra/keys.sh new-media-key platform.json > next.json  # the same secret with a new media key (rotation)
#   bash infra/keys.sh new-origin-secret platform.json > next.json  # a new CloudFront origin header value (rotation)
#
# ADMIN="name:password" bash infra/keys.sh platform-secret
# also fills TICEDU_BOOTSTRAP_ADMIN, the first administrator, with an
# argon2id hash (Debian package `argon2`). Every other staff account is
# created by an administrator in the console (/staff/).
# The JSON holds private keys: create the secret from it, then delete it
# (infra/README.md, "Secrets").
set -euo pipefail

b64() { openssl base64 -A; }

# The value CloudFront sends in x-ticedu-origin to the API (ticedu_api::origin):
# 32 random bytes, base64url without padding (43 characters, header-safe).
origin_secret() { openssl rand 32 | b64 | tr '+/' '-_' | tr -d '='; }

# CloudFront signed URLs are RSA-SHA1 over the policy; CloudFront takes RSA
# keys of 2048 bits. PKCS#8 PEM (BEGIN PRIVATE KEY) is what the learning
# function parses.
new_media_key() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null; }

# The template's MediaPublicKeyPem form: the public key PEM's base64 lines
# joined by commas, one token that sam's --parameter-overrides and
# samconfig.toml carry intact (they split on spaces and lose newlines);
# the template puts the PEM back together.
media_parameter() { openssl pkey -pubout | grep -v -- '-----' | paste -sd, -; }

case "${1:-}" in
  platform-secret)
    kid_suffix=$(date -u +%Y%m)
    jwt_secret=$(openssl rand 32 | b64)
    account_secret=$(openssl rand 32 | b64)
    signing_key=$(openssl genpkey -algorithm ed25519)
    # Passed in the environment, not argv, where ps would show it.
    NEW_MEDIA_KEY=$(new_media_key)
    NEW_ORIGIN_SECRET=$(origin_secret)
    export NEW_MEDIA_KEY NEW_ORIGIN_SECRET
    admin=""
    if [ -n "${ADMIN:-}" ]; then
      command -v argon2 >/dev/null || { echo "ADMIN needs the argon2 command (apt-get install argon2)" >&2; exit 1; }
      name=${ADMIN%%:*}
      password=${ADMIN#*:}
      salt=$(openssl rand 16 | b64 | tr -d '=+/' | cut -c1-16)
      # argon2id, m=19456 KiB, t=2, p=1: the parameters ticedu-api's Password::hash uses.
      hash=$(printf '%s' "$password" | argon2 "$salt" -id -k 19456 -t 2 -p 1 -e)
      admin="$name:$hash"
    fi
    python3 - "$kid_suffix" "$jwt_secret" "$account_secret" "$signing_key" "$admin" <<'EOF'
import json, os, sys
suffix, jwt, account, signing, admin = sys.argv[1:]
media = os.environ["NEW_MEDIA_KEY"]
secret = {
    "TICEDU_JWT_KEYS": f"jwt-{suffix}:{jwt}",
    "TICEDU_JWT_ACTIVE_KID": f"jwt-{suffix}",
    "TICEDU_ACCOUNT_KEY_SECRET": account,
    "TICEDU_CERT_SIGNING_KEY": signing + "\n",
    "TICEDU_CERT_SIGNING_KID": f"cert-{suffix}",
    "TICEDU_MEDIA_KEY": media + "\n",
    "TICEDU_ORIGIN_SECRET": os.environ["NEW_ORIGIN_SECRET"],
}
if admin:
    secret["TICEDU_BOOTSTRAP_ADMIN"] = admin
json.dump(secret, sys.stdout, indent=2)
print()
EOF
    ;;
  jwks)
    file=${2:?usage: keys.sh jwks platform.json}
    python3 - "$file" <<'EOF'
import base64, json, subprocess, sys
secret = json.load(open(sys.argv[1]))
der = subprocess.run(
    ["openssl", "pkey", "-pubout", "-outform", "DER"],
    input=secret["TICEDU_CERT_SIGNING_KEY"].encode(), capture_output=True, check=True,
).stdout
x = base64.urlsafe_b64encode(der[-32:]).rstrip(b"=").decode()
jwk = {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig",
       "kid": secret["TICEDU_CERT_SIGNING_KID"], "x": x}
json.dump({"keys": [jwk]}, sys.stdout)
print()
EOF
    ;;
  media-public-key)
    file=${2:?usage: keys.sh media-public-key platform.json}
    python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["TICEDU_MEDIA_KEY"])' "$file" |
      media_parameter
    ;;
  new-media-key)
    file=${2:?usage: keys.sh new-media-key platform.json}
    NEW_MEDIA_KEY=$(new_media_key) python3 - "$file" <<'EOF'
import json, os, sys
secret = json.load(open(sys.argv[1]))
secret["TICEDU_MEDIA_KEY"] = os.environ["NEW_MEDIA_KEY"] + "\n"
json.dump(secret, sys.stdout, indent=2)
print()
EOF
    ;;
  new-origin-secret)
    # The old value stays accepted as TICEDU_ORIGIN_SECRET_PREVIOUS until
    # CloudFront sends the new one (infra/README.md, "Rotating the origin secret").
    file=${2:?usage: keys.sh new-origin-secret platform.json}
    NEW_ORIGIN_SECRET=$(origin_secret) python3 - "$file" <<'EOF'
import json, os, sys
secret = json.load(open(sys.argv[1]))
if "TICEDU_ORIGIN_SECRET" in secret:
    secret["TICEDU_ORIGIN_SECRET_PREVIOUS"] = secret["TICEDU_ORIGIN_SECRET"]
secret["TICEDU_ORIGIN_SECRET"] = os.environ["NEW_ORIGIN_SECRET"]
json.dump(secret, sys.stdout, indent=2)
print()
EOF
    ;;
  *)
    sed -n '2,15p' "$0" >&2
    exit 2
    ;;
esac
