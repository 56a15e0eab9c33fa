#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432 and that the role and database
# `cordee` (password `cordee`, allowed to create the test database) exist, whatever the
# local authentication set-up. Idempotent.
set -euo pipefail

if ! command -v pg_lsclusters >/dev/null 2>&1; then
  echo "Installing PostgreSQL…"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi

psql_admin() {
  if id postgres >/dev/null 2>&1; then
    runuser -u postgres -- psql -v ON_ERROR_STOP=1 -qtAX "$@"
  else
    psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qtAX "$@"
  fi
}

if [ "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname='cordee'")" != "1" ]; then
  psql_admin -c "CREATE ROLE cordee LOGIN PASSWORD 'cordee' CREATEDB"
else
  psql_admin -c "ALTER ROLE cordee LOGIN PASSWORD 'cordee' CREATEDB"
fi
if [ "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname='cordee'")" != "1" ]; then
  psql_admin -c "CREATE DATABASE cordee OWNER cordee"
fi
# Password authentication over TCP must work for the role; check it.
PGPASSWORD=cordee psql -h 127.0.0.1 -U cordee -d cordee -qtAX -c "SELECT 1" >/dev/null
