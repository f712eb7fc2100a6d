#!/usr/bin/env bash
# Keys for a deployment, made locally with openssl (and argon2 for the first
# administrator). One Secrets Manager secret per key, each read only by the
# functions that use it (infra/README.md, "Secrets"):
#
#   origin               TICEDU_ORIGIN_SECRET               every function, CloudFront
#   account-key          TICEDU_ACCOUNT_KEY_SECRET          accounts, admin  (PERMANENT)
#   token-signing        TICEDU_TOKEN_SIGNING_KEY/_KID      accounts, admin
#   certificate-signing  TICEDU_CERT_SIGNING_KEY/_KID       certificates
#   media-key            TICEDU_MEDIA_KEY                   learning
#   bootstrap-admin      TICEDU_BOOTSTRAP_ADMIN             admin (first log-in only)
#
#   bash infra/keys.sh create ticedu/prod      # creates the secrets that do not exist; never touches one that does
#   bash infra/keys.sh new NAME > NAME.json    # one new secret's JSON (refused for account-key: use create)
#   bash infra/keys.sh token-public-keys token-signing.json [CURRENT]  # → TokenPublicKeys (public)
#   bash infra/keys.sh jwks certificate-signing.json > jwks.json       # current and retired certificate keys (public)
#   bash infra/keys.sh media-public-key media-key.json                 # → MediaPublicKeyPem (public)
#   bash infra/keys.sh rotate-token-key > next.json                    # a new token key (rotation)
#   bash infra/keys.sh rotate-certificate-key certificate-signing.json > next.json  # keeps the old public key (rotation)
#   bash infra/keys.sh new-media-key media-key.json > next.json        # a new media key (rotation)
#   bash infra/keys.sh new-origin-secret origin.json > next.json       # a new origin header value (rotation)
#
# ADMIN="name:password" is needed by `new bootstrap-admin` (and by `create`
# for the bootstrap-admin secret; without it that secret is skipped).
# A secret's JSON holds private keys: create or put it, then shred the file.
# Staff are never added here: the first administrator creates every other
# account in the console (/staff/).
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

# Each secret's JSON on stdout: the key made here, never read from anywhere.
new_secret() {
  local kid_suffix
  kid_suffix=$(date -u +%Y%m%d)
  case "$1" in
    origin)
      NEW_ORIGIN_SECRET=$(origin_secret) python3 -c 'import json, os; print(json.dumps({"TICEDU_ORIGIN_SECRET": os.environ["NEW_ORIGIN_SECRET"]}, indent=2))'
      ;;
    account-key)
      NEW_ACCOUNT_KEY=$(openssl rand 32 | b64) python3 -c 'import json, os; print(json.dumps({"TICEDU_ACCOUNT_KEY_SECRET": os.environ["NEW_ACCOUNT_KEY"]}, indent=2))'
      ;;
    token-signing)
      NEW_KEY=$(openssl genpkey -algorithm ed25519) KID="token-$kid_suffix" python3 -c 'import json, os; print(json.dumps({"TICEDU_TOKEN_SIGNING_KEY": os.environ["NEW_KEY"] + "\n", "TICEDU_TOKEN_SIGNING_KID": os.environ["KID"]}, indent=2))'
      ;;
    certificate-signing)
      NEW_KEY=$(openssl genpkey -algorithm ed25519) KID="cert-$kid_suffix" python3 -c 'import json, os; print(json.dumps({"TICEDU_CERT_SIGNING_KEY": os.environ["NEW_KEY"] + "\n", "TICEDU_CERT_SIGNING_KID": os.environ["KID"]}, indent=2))'
      ;;
    media-key)
      NEW_KEY=$(new_media_key) python3 -c 'import json, os; print(json.dumps({"TICEDU_MEDIA_KEY": os.environ["NEW_KEY"] + "\n"}, indent=2))'
      ;;
    bootstrap-admin)
      [ -n "${ADMIN:-}" ] || { echo "bootstrap-admin needs ADMIN=name:password" >&2; return 1; }
      command -v argon2 >/dev/null || { echo "ADMIN needs the argon2 command (apt-get install argon2)" >&2; return 1; }
      local name password salt hash
      name=${ADMIN%%:*}
      password=${ADMIN#*:}
      salt=$(openssl rand 16 | b64 | tr -d '=+/' | cut -c1-16)
      # argon2id, m=19456 KiB, t=2, p=1: the parameters ticedu-api's Password::hash uses.
      hash=$(printf '%s' "$password" | argon2 "$salt" -id -k 19456 -t 2 -p 1 -e)
      ADMIN_ENTRY="$name:$hash" python3 -c 'import json, os; print(json.dumps({"TICEDU_BOOTSTRAP_ADMIN": os.environ["ADMIN_ENTRY"]}, indent=2))'
      ;;
    *)
      echo "unknown secret $1 (origin, account-key, token-signing, certificate-signing, media-key, bootstrap-admin)" >&2
      return 2
      ;;
  esac
}

# The raw Ed25519 public key of the PKCS#8 PEM on stdin, standard base64.
raw_public_key() { openssl pkey -pubout -outform DER | tail -c 32 | b64; }

# A JSON field of a secret's file.
field() { python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1])).get(sys.argv[2], ""))' "$1" "$2"; }

case "${1:-}" in
  create)
    prefix=${2:?usage: keys.sh create ticedu/prod}
    names="origin account-key token-signing certificate-signing media-key"
    [ -n "${ADMIN:-}" ] && names="$names bootstrap-admin"
    for name in $names; do
      if arn=$(aws secretsmanager describe-secret --secret-id "$prefix/$name" --query ARN --output text 2>/dev/null); then
        # Never overwritten: above all the account key, which derives every
        # account's storage keys (a new one would orphan them all).
        echo "kept    $prefix/$name  $arn"
      else
        arn=$(new_secret "$name" | aws secretsmanager create-secret --name "$prefix/$name" \
          --secret-string file:///dev/stdin --query ARN --output text)
        echo "created $prefix/$name  $arn"
      fi
    done
    ;;
  new)
    name=${2:?usage: keys.sh new NAME}
    if [ "$name" = account-key ]; then
      echo "the account key is permanent: keys.sh create makes it once, if the secret does not exist" >&2
      exit 1
    fi
    new_secret "$name"
    ;;
  platform-secret)
    echo "platform-secret is retired: each key has its own secret now, and the account key is never made twice." >&2
    echo "  bash infra/keys.sh create ticedu/prod   # adds only the secrets that are missing (infra/README.md, \"Secrets\")" >&2
    exit 1
    ;;
  token-public-keys)
    # The signing key's public key first, then those of CURRENT (the
    # deployed TokenPublicKeys) under other key ids: the old key's tokens
    # stay valid until they expire; drop it from the list after that.
    file=${2:?usage: keys.sh token-public-keys token-signing.json [CURRENT]}
    kid=$(field "$file" TICEDU_TOKEN_SIGNING_KID)
    public=$(field "$file" TICEDU_TOKEN_SIGNING_KEY | raw_public_key)
    list="$kid:$public"
    IFS=',' read -ra current <<<"${3:-}"
    for entry in "${current[@]}"; do
      [ -n "$entry" ] && [ "${entry%%:*}" != "$kid" ] && list="$list,$entry"
    done
    echo "$list"
    ;;
  rotate-token-key)
    new_secret token-signing
    ;;
  rotate-certificate-key)
    # The old key's public half joins TICEDU_CERT_RETIRED_PUBLIC_KEYS: the
    # JWKS keeps it, so certificates already printed still verify offline.
    file=${2:?usage: keys.sh rotate-certificate-key certificate-signing.json}
    old_kid=$(field "$file" TICEDU_CERT_SIGNING_KID)
    old_public=$(field "$file" TICEDU_CERT_SIGNING_KEY | raw_public_key)
    new_json=$(new_secret certificate-signing)
    NEW_JSON=$new_json OLD="$old_kid:$old_public" python3 - "$file" <<'EOF2'
import json, os, sys
old = json.load(open(sys.argv[1]))
new = json.loads(os.environ["NEW_JSON"])
if new["TICEDU_CERT_SIGNING_KID"] == old["TICEDU_CERT_SIGNING_KID"]:
    sys.exit("the new key id equals the current one: rotate on another day")
retired = [e for e in old.get("TICEDU_CERT_RETIRED_PUBLIC_KEYS", "").split(",") if e]
new["TICEDU_CERT_RETIRED_PUBLIC_KEYS"] = ",".join(retired + [os.environ["OLD"]])
json.dump(new, sys.stdout, indent=2)
print()
EOF2
    ;;
  jwks)
    file=${2:?usage: keys.sh jwks certificate-signing.json}
    public=$(field "$file" TICEDU_CERT_SIGNING_KEY | raw_public_key)
    PUBLIC=$public python3 - "$file" <<'EOF2'
import base64, json, os, sys
secret = json.load(open(sys.argv[1]))
def jwk(kid, raw_b64):
    x = base64.urlsafe_b64encode(base64.b64decode(raw_b64)).rstrip(b"=").decode()
    return {"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": x}
keys = [jwk(secret["TICEDU_CERT_SIGNING_KID"], os.environ["PUBLIC"])]
for entry in filter(None, secret.get("TICEDU_CERT_RETIRED_PUBLIC_KEYS", "").split(",")):
    kid, raw = entry.strip().split(":", 1)
    keys.append(jwk(kid, raw))
json.dump({"keys": keys}, sys.stdout)
print()
EOF2
    ;;
  media-public-key)
    file=${2:?usage: keys.sh media-public-key media-key.json}
    python3 -c 'import json, sys; sys.stdout.write(json.load(open(sys.argv[1]))["TICEDU_MEDIA_KEY"])' "$file" |
      media_parameter
    ;;
  new-media-key)
    file=${2:?usage: keys.sh new-media-key media-key.json}
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
    file=${2:?usage: keys.sh new-origin-secret origin.json}
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
    sed -n '2,28p' "$0" >&2
    exit 2
    ;;
esac
