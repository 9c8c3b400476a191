#!/usr/bin/env bash
# Runs the committed examples' contract tests against the lowest versions the generated
# pyproject allows (fastapi, pydantic, uvicorn, python-multipart, openapi-schema-validator).
# Run by hand: bash bench/minimum_versions.sh   (creates a throwaway venv in /tmp)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TMPDIR:-/tmp}/contractgen-minimum-versions"
rm -rf "$venv"
python3 -m venv "$venv"
pins="$venv/pins.txt"
printf '%s\n' fastapi==0.115.0 pydantic==2.7.0 uvicorn==0.30.0 python-multipart==0.0.9 \
  openapi-schema-validator==0.9.0 > "$pins"
"$venv/bin/pip" install --quiet -c "$pins" -r "$pins" httpx pytest 'schemathesis>=4.32'
"$venv/bin/pip" list 2>/dev/null | grep -iE '^(fastapi|pydantic|uvicorn|python-multipart|openapi-schema-validator|starlette) '
for example in petstore showcase; do
  (cd "examples/$example" && PYTHONPATH=src LOG_LEVEL=WARNING "$venv/bin/python" -m pytest -q -p no:cacheprovider -W ignore tests/contract | tail -1)
done
