#!/usr/bin/env bash
# Regenerate the initial revision (0001) from the current metadata (middleware.store.tables).
# Use while the schema is still being built, before the first release; after that, add new revisions with
#   MIDDLEWARE_DATABASE_URL=sqlite:///tmp/db.sqlite alembic -c alembic.ini upgrade head
#   MIDDLEWARE_DATABASE_URL=sqlite:///tmp/db.sqlite alembic -c alembic.ini revision --autogenerate -m "what changed"
set -euo pipefail
cd "$(dirname "$0")/.."
python="${PYTHON:-.venv/bin/python}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
rm -f migrations/versions/0001_*.py
MIDDLEWARE_DATABASE_URL="sqlite:///$scratch/empty.db" "$python" -m alembic -c alembic.ini \
  revision --autogenerate --rev-id 0001 -m "initial schema"
"$python" -m ruff format -q migrations/versions/ 2>/dev/null || true
"$python" -m ruff check -q --fix migrations/versions/ 2>/dev/null || true
echo "regenerated: $(ls migrations/versions/0001_*.py)"
