#!/usr/bin/env bash
# A sweep on a BullMQ queue with 1, 2 and 4 local worker processes against the local sweep on 1 and 2
# threads (benchmarks/README.md, "A sweep on a queue"). Needs redis-server; starts its own on a free port.
set -euo pipefail
cd "$(dirname "$0")/.."
export SEARCHSIM_CACHE=off
PORT=${PORT:-16390}
GRID=(sweep scenarios/mm1.json --set service.meanMs=5,8,10,12 --qps 40 --seeds 4 --queries 200000 --json -)
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "/tmp/searchsim-bench-redis-$PORT.pid" >/dev/null
# Shut it down and wait, so a second run of this script finds the port free.
trap 'redis-cli -p "$PORT" shutdown nosave >/dev/null 2>&1 || true' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$PORT" ping >/dev/null || { echo "redis-server did not start on 127.0.0.1:$PORT (port in use?)" >&2; exit 1; }
secs() { local t0=$(date +%s.%N); "$@"; echo "$(date +%s.%N) - $t0" | bc; }
for w in 1 2; do
  echo "local --workers $w: $(secs sh -c "node bin/searchsim.js ${GRID[*]} --workers $w > /tmp/bench-local-$w.json 2>/dev/null") s"
done
for n in 1 2 4; do
  name="bench-$n-$RANDOM"
  t0=$(date +%s.%N)
  node bin/searchsim.js "${GRID[@]}" --queue "redis://127.0.0.1:$PORT" --name "$name" > "/tmp/bench-queue-$n.json" 2>/dev/null &
  sweep=$!
  for _ in $(seq "$n"); do node bin/searchsim.js worker --queue "redis://127.0.0.1:$PORT" --name "$name" --concurrency 1 --until-empty 2>/dev/null & done
  wait "$sweep"
  echo "queue, $n worker processes: $(echo "$(date +%s.%N) - $t0" | bc) s (sweep's end)"
  wait
  cmp -s "/tmp/bench-queue-$n.json" /tmp/bench-local-1.json && echo "  byte-identical to the local sweep"
done
