#!/usr/bin/env bash
# Three haneul nodes on this machine, sharing one PostgreSQL database, behind nginx:
#   DATABASE_URL=postgres://haneul:secret@127.0.0.1:5432/haneul examples/cluster-nginx/run.sh
# The gateway answers on http://127.0.0.1:3000 and the control API on http://127.0.0.1:3001, as
# one node would. Ctrl-C stops everything.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database, e.g. postgres://haneul:secret@127.0.0.1:5432/haneul}"
work="${HANEUL_EXAMPLE_DIR:-$root/.haneul/cluster-nginx}"
mkdir -p "$work/nginx"/{client,proxy,fastcgi,uwsgi,scgi}
# As root, nginx's workers run as nobody: they must be able to write their scratch directories.
chmod -R a+rwx "$work/nginx"

# Every node must accept the same key: configure one, or let the first node generate it (it is
# kept in the database and printed once, by that node).
pids=()
cleanup() {
  trap - INT TERM EXIT
  kill "${pids[@]}" 2>/dev/null || true
  wait
}
trap cleanup INT TERM EXIT

for i in 1 2 3; do
  node "$root/bin/haneul.js" server --store "$DATABASE_URL" --data "$work/node$i" \
    --gateway-port "310$i" --api-port "320$i" --advertise "127.0.0.1:310$i" &
  pids+=("$!")
  sleep 1 # the first node migrates the database (the others would wait for its lock anyway)
done
nginx -p "$work/nginx" -c "$here/nginx.conf" -e "$work/nginx/error.log" &
pids+=("$!")

echo "cluster-nginx: gateway http://127.0.0.1:3000, control API http://127.0.0.1:3001"
echo "cluster-nginx: node $root/bin/haneul.js nodes --url http://127.0.0.1:3000"
wait
