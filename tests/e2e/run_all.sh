#!/usr/bin/env bash
# Runs every end-to-end client against a running lambda-mcp server, one after another:
#   1. python_client.py with the MCP Python SDK 1.x   (.tools/mcp1/bin/python)
#   2. python_client.py with the MCP Python SDK 2.x   (.tools/mcp2/bin/python), also its 2026-07-28 client
#   3. ts_client.mjs with the MCP TypeScript SDK 1.x   (@modelcontextprotocol/sdk, tests/e2e/node_modules)
#   4-6. ts_v2_client.mjs with the TypeScript SDK's v2 client (@modelcontextprotocol/client) in its
#      three version-negotiation modes: legacy (the default), auto (probes server/discover) and
#      pinned to 2026-07-28
#   7. inspector_cli.sh with the MCP Inspector CLI     (tests/e2e/node_modules)
# The tools are installed by: scripts/bootstrap
#
# Environment (passed through to every client):
#   MCP_URL            server endpoint, e.g. http://127.0.0.1:9000/lambda-url/lambda-mcp/mcp (required)
#   MCP_API_KEY        API key (required)
#   MCP_ORDER_NUMBER   an order number that exists (required)
#   MCP_MISSING_ORDER  an order number that does not exist (default 9999999)
#   MCP_CUSTOMER_EMAIL a customer with orders, for search_orders/get_customer (default jane.doe@example.com)
#   MCP_CUSTOMER_NAME  that customer's name (default Jane Doe)
#   MCP_CANCEL_ORDER   a pending or processing order that cancel_order may cancel (default 1002783)
#   MCP_CANCEL_KEY     idempotency key for that cancellation (default e2e-cancel-<MCP_CANCEL_ORDER>)
#   MCP_SHIPPED_ORDER  a shipped order, which cancel_order must refuse (default 1000001)
#   MCP_FRESH_DATA     1 when the data was just seeded (scripts/e2e): the first client's first
#                      cancel_order must really cancel (replayed: false), every later call replay
#                      it (replayed: true). Unset: the first call of each client may say either.
#   MCP_TIMEOUT        seconds per network step for the SDK clients (default 20)
#   MCP_WARMUP_TIMEOUT seconds to wait for the first answer before running the clients (default 300; 0 skips)
#
# Every client checks tools/list (exactly search_orders, get_order, get_customer, cancel_order),
# get_order, search_orders and get_customer by email, and cancel_order. cancel_order CHANGES THE
# DATA: the first client really cancels MCP_CANCEL_ORDER (a preview, then the call with its
# confirmation token; mcp 2.x also cancels one order through elicitation and declines another);
# it and the later clients send the same
# idempotency key (MCP_CANCEL_KEY), so they get the first result replayed (replayed: true) rather
# than an error, which shows retries across clients are idempotent. Run against seeded demo data;
# with MCP_FRESH_DATA=1 the first call is also checked to be the one that cancelled.
#
# The last line of output is exactly "N passed, M failed" (N + M = 7 clients); the exit status is
# 0 when all seven passed, 1 otherwise (2 on a usage error).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

unset_vars=()
for v in MCP_URL MCP_API_KEY MCP_ORDER_NUMBER; do
  [ -n "${!v:-}" ] || unset_vars+=("$v")
done
if [ ${#unset_vars[@]} -gt 0 ]; then
  echo "usage: MCP_URL=... MCP_API_KEY=... MCP_ORDER_NUMBER=... [MCP_MISSING_ORDER=9999999] $0" >&2
  echo "missing: ${unset_vars[*]}" >&2
  exit 2
fi
export MCP_URL MCP_API_KEY MCP_ORDER_NUMBER
export MCP_MISSING_ORDER=${MCP_MISSING_ORDER:-9999999}
export MCP_CUSTOMER_EMAIL=${MCP_CUSTOMER_EMAIL:-jane.doe@example.com}
export MCP_CUSTOMER_NAME=${MCP_CUSTOMER_NAME:-Jane Doe}
export MCP_CANCEL_ORDER=${MCP_CANCEL_ORDER:-1002783}
export MCP_CANCEL_KEY=${MCP_CANCEL_KEY:-e2e-cancel-$MCP_CANCEL_ORDER}
export MCP_SHIPPED_ORDER=${MCP_SHIPPED_ORDER:-1000001}

# Warm-up: under `cargo lambda watch` the first request builds and starts the function, which can
# take far longer than the clients' per-step timeouts. Wait (up to MCP_WARMUP_TIMEOUT seconds,
# default 300, 0 to skip) until the endpoint answers a POST with any HTTP status.
warmup=${MCP_WARMUP_TIMEOUT:-300}
if [ "$warmup" != 0 ]; then
  start=$SECONDS
  status=000
  while :; do
    status=$(curl -s -o /dev/null -w '%{http_code}' --max-time "$warmup" -X POST "$MCP_URL" \
      -H "x-api-key: $MCP_API_KEY" -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' \
      --data '{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"lambda-mcp-e2e-warmup","version":"0"}}}') || true
    [ "$status" != 000 ] && break
    [ $((SECONDS - start)) -ge "$warmup" ] && break
    sleep 1
  done
  echo "# warm-up: POST initialize answered HTTP $status after $((SECONDS - start))s"
fi

passed=0
failed=0
first_replayed=
[ "${MCP_FRESH_DATA:-}" = 1 ] && first_replayed=false

run_client() { # run_client NAME PREREQ COMMAND...
  local name=$1 prereq=$2; shift 2
  echo "=== $name"
  if [ ! -e "$prereq" ]; then
    echo "not ok - $name: $prereq is missing (run: scripts/bootstrap)"
    failed=$((failed + 1))
    return
  fi
  # Each client bounds its own network steps; this outer bound only catches a wedged process.
  (cd "$here" && MCP_CANCEL_FIRST_REPLAYED=$first_replayed timeout 600 "$@")
  local rc=$?
  # On fresh data the first client that runs cancels; every later one gets the replay.
  [ "${MCP_FRESH_DATA:-}" = 1 ] && first_replayed=true
  if [ "$rc" = 0 ]; then
    passed=$((passed + 1))
    echo "=== $name: passed"
  else
    failed=$((failed + 1))
    echo "=== $name: FAILED (exit $rc)"
  fi
}

run_client "python mcp 1.x" "$root/.tools/mcp1/bin/python" "$root/.tools/mcp1/bin/python" "$here/python_client.py"
run_client "python mcp 2.x" "$root/.tools/mcp2/bin/python" "$root/.tools/mcp2/bin/python" "$here/python_client.py"
run_client "typescript sdk" "$here/node_modules/@modelcontextprotocol/sdk" node "$here/ts_client.mjs"
v2="$here/node_modules/@modelcontextprotocol/client"
run_client "typescript sdk v2 client, legacy (default)" "$v2" node "$here/ts_v2_client.mjs" legacy
run_client "typescript sdk v2 client, versionNegotiation auto" "$v2" node "$here/ts_v2_client.mjs" auto
run_client "typescript sdk v2 client, pinned 2026-07-28" "$v2" node "$here/ts_v2_client.mjs" 2026-07-28
run_client "inspector cli" "$here/node_modules/.bin/mcp-inspector" bash "$here/inspector_cli.sh"

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
