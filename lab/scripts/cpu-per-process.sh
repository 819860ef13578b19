#!/usr/bin/env bash
# CPU seconds per process (Postgres, Kafka, S3Proxy, Connect, each service) while autocannon POSTs
# /files at a fixed rate against the running system (`npm start`), over the middle of the run.
# usage: lab/scripts/cpu-per-process.sh <rate per s> <seconds (>= 10)>
set -euo pipefail
cd "$(dirname "$0")/../.."
rate=${1:-200}
seconds=${2:-20}
npx autocannon -q -R "$rate" -d "$seconds" -c 32 -m POST -H content-type=application/json \
  -b '{"title":"t","description":"d"}' http://127.0.0.1:3000/files > /tmp/cpu-per-process.autocannon.txt 2>&1 &
ac=$!
sleep 4
python3 lab/scripts/cpu-sampler.py > /tmp/cpu-per-process.txt &
sampler=$!
sleep $((seconds - 8))
kill "$sampler"
wait "$sampler" || true
wait "$ac"
echo "CPU seconds over the middle $((seconds - 8)) s at ${rate}/s:"
cat /tmp/cpu-per-process.txt
grep -E "Req/Sec|Latency" /tmp/cpu-per-process.autocannon.txt
