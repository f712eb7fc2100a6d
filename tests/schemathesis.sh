#!/usr/bin/env bash
# API fuzzing: schemathesis against the OpenAPI document of the local server.
#
# Builds ticedu-local, starts it on a free loopback port with a fresh data dir,
# registers a learner and logs in a learner and a staff member with every role
# through the API, then runs `st run` twice with a bounded number of examples:
# every operation with the learner's bearer token, and the staff operations
# with the staff token. It fails on any 5xx answer, any answer that does not
# match the document (status body schema, content type, headers), or a panic
# in the server's log. Schemathesis lives in its own virtualenv, away from the
# global Python packages moto needs.
#
# SCHEMATHESIS_EXAMPLES (default 100) bounds the examples per operation;
# SCHEMATHESIS_SEED replays a run (each run prints its seed).
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/ticedu/target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
venv="$HOME/.cache/ticedu/schemathesis-venv"
version="4.32.5"
examples="${SCHEMATHESIS_EXAMPLES:-100}"

if ! "$venv/bin/st" --version 2>/dev/null | grep -q "version $version\$"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi
python="$venv/bin/python"
# `--install`: only the virtualenv (the test command installs it while the workspace builds).
[ "${1:-}" = "--install" ] && exit 0

# Built with every target of the workspace, as `cargo test --workspace` resolves
# features: `-p ticedu-local` alone resolves them differently and made the test
# command compile about 90 crates twice.
cargo build --locked --workspace --all-targets

work="$(mktemp -d)"
server=""
stop() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap stop EXIT

port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
mkdir -p "$work/site"
# Only the API is fuzzed: an empty site folder spares building the site.
TICEDU_ADDR="127.0.0.1:$port" TICEDU_DATA_DIR="$work/data" TICEDU_SITE_DIR="$work/site" \
  RUST_LOG="${RUST_LOG:-warn}" "$CARGO_TARGET_DIR/debug/ticedu-local" >"$work/server.log" 2>&1 &
server=$!

for _ in $(seq 1 120); do
  if "$python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" \
    "$base/api/openapi.json" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server" 2>/dev/null; then
    cat "$work/server.log"
    echo "schemathesis: the local server did not start" >&2
    exit 1
  fi
  sleep 0.5
done

# A learner (the ID number gets its GB 11643 check character) and a staff
# member holding every role: the development administrator logs in, enrols an
# authenticator (the code computed here, RFC 6238) and creates them; they enrol
# in turn. Both tokens are taken before schemathesis starts, since its login
# attempts trip the login throttle.
read -r learner_token staff_token < <("$python" - "$base" <<'PY'
import base64, hashlib, hmac, json, struct, sys, time, urllib.request

base = sys.argv[1]

def post(path, body, token=None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(base + path, data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=30) as answer:
        return json.load(answer)

def totp(secret):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    digest = hmac.new(key, struct.pack(">Q", int(time.time()) // 30), hashlib.sha1).digest()
    offset = digest[-1] & 15
    return "%06d" % ((struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1000000)

def staff_session(name, password):
    enrolment = post("/api/staff/login", {"name": name, "password": password})
    return post("/api/staff/login/enrolment", {"code": totp(enrolment["secret"])}, enrolment["enrolment_token"])

weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
first = "11010519900408678"
id_number = first + "10X98765432"[sum(int(d) * w for d, w in zip(first, weights)) % 11]
password = "学习使我快乐2023"
registered = post("/api/accounts/register", {
    "name": "钟检",
    "id_number": id_number,
    "kind": {"category": "new", "learning_started_on": "2024-03-01"},
    "phone": "13800138000",
    "password": password,
})
learner = post("/api/accounts/login", {"username": registered["username"], "password": password})
admin = staff_session("admin", "staff-demo-2023")
post("/api/staff/accounts", {
    "name": "schemathesis",
    "display_name": "schemathesis",
    "roles": ["operator", "finance", "administrator"],
    "password": "schemathesis-2026",
}, admin["access_token"])
staff = staff_session("schemathesis", "schemathesis-2026")
print(learner["access_token"], staff["access_token"])
PY
)

seed=()
[ -n "${SCHEMATHESIS_SEED:-}" ] && seed=(--seed "$SCHEMATHESIS_SEED")
run() {
  local token="$1"
  shift
  # From the temporary folder, so nothing schemathesis writes lands in the clone.
  (cd "$work" && "$venv/bin/st" run "$base/api/openapi.json" \
    --checks not_a_server_error,response_schema_conformance,content_type_conformance,response_headers_conformance \
    --header "Authorization: Bearer $token" \
    --max-examples "$examples" \
    --request-timeout 20 \
    --generation-database none \
    --no-color \
    "${seed[@]}" "$@")
}

status=0
echo "schemathesis: every operation, as a learner"
# Log-out really ends the session: fuzzed first, it would leave every later
# operation of the pass answering 401. It goes last, on its own.
run "$learner_token" --exclude-path /api/accounts/logout || status=1
echo "schemathesis: staff operations, as staff"
run "$staff_token" --include-path-regex '^/api/staff/' || status=1
echo "schemathesis: log-out, as the learner, last"
run "$learner_token" --include-path /api/accounts/logout || status=1

if grep -q "panicked" "$work/server.log"; then
  grep -B2 -A10 "panicked" "$work/server.log"
  echo "schemathesis: the server panicked" >&2
  status=1
fi
exit "$status"
