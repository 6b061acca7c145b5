#!/usr/bin/env sh
# Build the documentation as CI does: every warning is an error (-W), all of them are
# reported before failing (--keep-going), and nitpicky mode (-n) fails on references
# to API names that do not exist. Needs the docs extra: pip install '.[docs]'.
#
#   docs/build.sh                  # HTML in docs/_build/html
#   PYTHON=.venv/bin/python docs/build.sh
set -eu
cd "$(dirname "$0")/.."
exec "${PYTHON:-python3}" -m sphinx -W --keep-going -n -b html -d docs/_build/doctrees docs docs/_build/html "$@"
