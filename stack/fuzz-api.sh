#!/usr/bin/env bash
# npm run fuzz:api [-- -n 1000] — schemathesis (from PyPI) against a gateway on the local stack,
# driven by the gateway's own OpenAPI description (/openapi.json), with every check enabled.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v st >/dev/null || python3 -m pip install --quiet schemathesis
node stack/cli.ts up >/dev/null
set -a; . .stack/env; set +a
port=${FUZZ_PORT:-18444}
PORT=$port HOST=127.0.0.1 WEBHOOK_USERNAME=fuzz WEBHOOK_PASSWORD=fuzz-secret TOPIC_PREFIX="fuzz$(date +%s)" LOG_LEVEL=warn \
  node gateway/main.ts > .stack/logs/fuzz-gateway.log 2>&1 &
gateway=$!
trap 'kill $gateway 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break; sleep 0.5; done
st run "http://127.0.0.1:$port/openapi.json" --url "http://127.0.0.1:$port" -a fuzz:fuzz-secret --checks all "${@:--n 500}"
if grep -q '"level":50' .stack/logs/fuzz-gateway.log; then echo "fuzz-api: the gateway logged errors (.stack/logs/fuzz-gateway.log)" >&2; exit 1; fi
