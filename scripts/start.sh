#!/usr/bin/env bash
# Start HospitalDesk on the default database (your user data folder) with the demo data.
# First run: creates .venv and installs the packages. Extra arguments go to the app (e.g. --lang en).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
.venv/bin/python -m hospitaldesk demo
exec .venv/bin/python -m hospitaldesk "$@"
