#!/bin/sh
# Installs every Debian package the project builds with, runs with and tests with.
# Idempotent; run as root (or with sudo available).  Used by the README's commands and CI.
set -e
SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi

BUILD_PKGS="build-essential pkg-config libpg-query-dev postgresql-server-dev-15 libprotobuf-c-dev libsqlite3-dev libpcre2-dev libssl-dev unixodbc-dev"
RUN_PKGS="postgresql-client"
TEST_PKGS="postgresql python3-psycopg python3-pytest python3-psycopg2 python3-asyncpg python3-sqlalchemy python3-django \
  tmux openssl libpq-dev odbc-postgresql libsqliteodbc unixodbc libpostgresql-jdbc-java default-jdk-headless \
  golang-go golang-github-jackc-pgx-v4-dev pgbouncer valgrind clang libclang-rt-14-dev procps"

case "$1" in
    --build) PKGS="$BUILD_PKGS $RUN_PKGS" ;;
    *)       PKGS="$BUILD_PKGS $RUN_PKGS $TEST_PKGS" ;;
esac

# Node.js: the machines come with a recent node and npm outside Debian's packaging, which
# conflict with Debian's nodejs/npm; install Debian's only when there is no node at all.
if [ "$1" != "--build" ] && ! command -v node >/dev/null 2>&1; then
    PKGS="$PKGS nodejs npm"
fi

missing=""
for p in $PKGS; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    $SUDO apt-get update
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y --no-install-recommends $missing
fi

# npm packages the client tests use, each directory pinned by its package-lock.json or its
# own package.json: node-postgres and pg-cursor (tests/integration/drivers/node), pg and
# pg-copy-streams (tests/integration/node), pg and pgvector's helper
# (tests/integration/node_vector, for tests/integration/test_vector_clients.py).
if [ "$1" != "--build" ] && command -v npm >/dev/null 2>&1; then
    (cd "$(dirname "$0")/../tests/integration/drivers/node" && npm ci --no-audit --no-fund --silent)
    (cd "$(dirname "$0")/../tests/integration/node" && npm install --no-audit --no-fund --silent)
    dir="$(dirname "$0")/../tests/integration/node_vector"
    [ -d "$dir/node_modules/pgvector" ] || (cd "$dir" && npm install --no-audit --no-fund --silent)
fi
