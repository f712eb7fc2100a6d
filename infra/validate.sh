#!/usr/bin/env bash
# Validates infra/template.yaml and infra/edge.yaml offline: cfn-lint (no errors, no warnings)
# and checkov (no failed check; every skip is in the template with a
# reason). The test command runs this; tests/it/infra.rs checks the rest
# (routes = OpenAPI document, least-privilege IAM, table = table.rs).
#
# cfn-lint and checkov go into their own virtualenv, because checkov pins
# boto3/botocore versions that would clash with moto and awscli.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${TICEDU_INFRA_VENV:-$HOME/.cache/ticedu/infra-venv}"
if [ ! -x "$VENV/bin/checkov" ] || [ ! -x "$VENV/bin/cfn-lint" ]; then
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    'cfn-lint>=1.20,<2' 'checkov>=3.2,<4'
fi

# tests/it/infra.rs reads the template with PyYAML through the python3 on PATH.
if ! python3 -c 'import yaml' 2>/dev/null; then
  python3 -m pip install --quiet --disable-pip-version-check 'PyYAML>=6'
fi

# template.yaml: the regional stack; edge.yaml: what must live in us-east-1
# (the CloudFront web ACL and the CloudFront alarm).
for template in infra/template.yaml infra/edge.yaml; do
  echo "cfn-lint $template"
  "$VENV/bin/cfn-lint" "$template"

  echo "checkov -f $template"
  "$VENV/bin/checkov" -f "$template" --framework cloudformation \
    --skip-download --compact --quiet
done
