#!/usr/bin/env bash
# Prints the path of a Python that can run the local ClickHouse (local/chdb_http_server.py):
# $CLICKSTREAM_PYTHON if set; else python3 if it already has the pinned chdb-core; else the
# project's own virtual environment .venv-local/, created and filled from local/requirements.txt
# on first use (progress on stderr; about a minute, a ~200 MB download).
#   python="$(local/python.sh)"
set -euo pipefail
cd "$(dirname "$0")/.."
pinned="$(sed -n 's/^chdb-core==//p' local/requirements.txt)"
has_pinned() {
    "$1" -c "import chdb, sys; sys.exit(0 if chdb.__version__ == '$pinned' else 1)" 2> /dev/null
}
if [[ -n "${CLICKSTREAM_PYTHON:-}" ]]; then
    echo "$CLICKSTREAM_PYTHON"
    exit 0
fi
if has_pinned python3; then
    command -v python3
    exit 0
fi
venv=.venv-local
if ! has_pinned "$venv/bin/python"; then
    command -v python3 > /dev/null || { echo "local: python3 is required" >&2; exit 2; }
    echo "local: setting up the local ClickHouse engine (chdb-core $pinned) in $venv/ ..." >&2
    if ! python3 -m venv "$venv" >&2; then
        echo "local: python3 -m venv failed (on Debian/Ubuntu: apt-get install python3-venv)," \
             "or install it yourself: pip install -r local/requirements.txt" >&2
        exit 2
    fi
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r local/requirements.txt >&2
    has_pinned "$venv/bin/python" || { echo "local: chdb-core $pinned did not install into $venv/" >&2; exit 2; }
    echo "local: done" >&2
fi
echo "$PWD/$venv/bin/python"
