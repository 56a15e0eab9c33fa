#!/usr/bin/env bash
# Shows that the migrations which moved models between apps (tenancy, funnel) keep every row:
# builds the demo with the code of a commit from before the move, records each table's row
# count and checksum, migrates that database with the current code, and compares.
# Usage: scripts/check-move-migrations.sh [COMMIT] [sqlite|postgres]  (default 3330682 sqlite)
set -euo pipefail
commit=${1:-3330682}
engine=${2:-sqlite}
here=$(cd "$(dirname "$0")/.." && pwd)
python="$here/.venv/bin/python"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$here" worktree add -q --detach "$work/before" "$commit"
trap 'git -C "$here" worktree remove --force "$work/before"; rm -rf "$work"' EXIT
export DEBUG=1 CORDEE_VAR_DIR="$work/var" DJANGO_SETTINGS_MODULE=cordee.config.settings
mkdir -p "$CORDEE_VAR_DIR"
if [ "$engine" = postgres ]; then
  db="cordee_movecheck_$$"
  bash "$here/scripts/postgres-bootstrap.sh"
  PGPASSWORD=cordee psql -h 127.0.0.1 -U cordee -d cordee -qc "CREATE DATABASE $db"
  trap 'PGPASSWORD=cordee psql -h 127.0.0.1 -U cordee -d cordee -qc "DROP DATABASE IF EXISTS $db"; git -C "$here" worktree remove --force "$work/before"; rm -rf "$work"' EXIT
  export DATABASE_URL="postgres://cordee:cordee@127.0.0.1:5432/$db"
fi
echo "Building the demo with $commit ($engine)…"
(cd "$work/before" && PYTHONPATH="$work/before" "$python" -m cordee migrate -v0 \
  && PYTHONPATH="$work/before" "$python" -m cordee demo --size small >/dev/null)
(cd "$work/before" && PYTHONPATH="$work/before" "$python" "$here/scripts/table_checksums.py") > "$work/before.json"
echo "Migrating it with the current code…"
(cd "$here" && "$python" -m cordee migrate -v1)
(cd "$here" && "$python" scripts/table_checksums.py) > "$work/after.json"
"$python" "$here/scripts/table_checksums.py" --compare "$work/before.json" "$work/after.json"
