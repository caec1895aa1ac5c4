#!/usr/bin/env bash
# Refresh the translation catalogs after changing visible strings:
#   extract msgids from hospitaldesk/ into locales/hospitaldesk.pot, merge into vi/en .po files.
# Then translate the new entries in locales/vi/LC_MESSAGES/hospitaldesk.po (tests fail on empty ones).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
.venv/bin/pybabel extract -F pyproject.toml -k _ -k N_ -k ngettext:1,2 -k pgettext:1c,2 -k NP_:1c,2 --no-location --sort-output \
  --project HospitalDesk --copyright-holder "HospitalDesk" -o locales/hospitaldesk.pot . >/dev/null 2>&1
for lang in vi en; do
  po=locales/$lang/LC_MESSAGES/hospitaldesk.po
  if [ -f "$po" ]; then
    .venv/bin/pybabel update -D hospitaldesk -i locales/hospitaldesk.pot -d locales -l "$lang" --no-fuzzy-matching --ignore-obsolete >/dev/null 2>&1
  else
    .venv/bin/pybabel init -D hospitaldesk -i locales/hospitaldesk.pot -d locales -l "$lang" >/dev/null 2>&1
  fi
done
.venv/bin/python scripts/fill_en_catalog.py locales/en/LC_MESSAGES/hospitaldesk.po
grep -c '^msgid' locales/hospitaldesk.pot | xargs echo "msgids:"
