#!/usr/bin/env bash
# End-to-end check of lambda-mcp with the MCP Inspector CLI (@modelcontextprotocol/inspector 2.x,
# installed in tests/e2e/node_modules by scripts/bootstrap; never downloaded by npx here).
#
# Environment:
#   MCP_URL            server endpoint, e.g. http://127.0.0.1:9000/lambda-url/lambda-mcp/mcp (required)
#   MCP_API_KEY        API key sent as `x-api-key` (required)
#   MCP_ORDER_NUMBER   an order number that exists (required)
#   MCP_MISSING_ORDER  an order number that does not exist (default 9999999)
#   MCP_CUSTOMER_EMAIL a customer with orders, for search_orders/get_customer (default jane.doe@example.com)
#   MCP_CUSTOMER_NAME  that customer's name (default Jane Doe)
#   MCP_CANCEL_ORDER   a pending or processing order that cancel_order may cancel (default 1002783)
#   MCP_CANCEL_KEY     idempotency key for that cancellation (default e2e-cancel-<MCP_CANCEL_ORDER>)
#   MCP_SHIPPED_ORDER  a shipped order, which cancel_order must refuse (default 1000001)
#   MCP_CANCEL_FIRST_REPLAYED  `false` or `true`: what the first cancel_order must say (unset: either)
#
# cancel_order really cancels MCP_CANCEL_ORDER: the first client to do so gets a preview with a
# confirmation token and repeats the call with it. The call carries a fixed idempotency key, so after
# an earlier run or another client it replays the first result: the first call must say `replayed`
# as MCP_CANCEL_FIRST_REPLAYED says (either when unset), the immediate repeat must say
# replayed: true with the same cancelled_at.
#
# Prints one line per check, "ok - ..." or "not ok - ...", exits 1 if any failed (2 on a usage error).
#
# Inspector CLI 2.x exit codes (EXIT_CODES in clients/cli/build/index.js):
#   0 ok, 1 usage/other error, 2 no app, 3 auth_required (HTTP 401/403), 4 unreachable,
#   5 tool_error (tools/call answered with isError: true), 6 schema_unportable (--strict), 7-9 --verify.
# So: a tool error exits 5 (stdout still carries the result; stderr {"error":{"code":"tool_is_error",...}}),
# and a request without the key exits 3 (stderr {"error":{"code":"auth_required",...}}).
#
# Notes on the flags used:
#   --tool-args-json  `--tool-arg order_number=1000001` coerces the value to a JSON number, which a
#                     string-typed schema rejects; the JSON form passes it verbatim as a string.
#   --stored-auth-only + stdin from /dev/null  on a 401 the CLI would otherwise try interactive OAuth
#                     when a TTY is attached; this keeps the no-key check non-interactive.
#   HOME=<temp dir>   the CLI creates ~/.mcp-inspector/...; a throwaway HOME keeps the user's clean.
#   --format json     one JSON object on stdout: {"result": ...}.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
inspector="$here/node_modules/.bin/mcp-inspector"
url=${MCP_URL:-}
key=${MCP_API_KEY:-}
order=${MCP_ORDER_NUMBER:-}
missing=${MCP_MISSING_ORDER:-9999999}
customer_email=${MCP_CUSTOMER_EMAIL:-jane.doe@example.com}
customer_name=${MCP_CUSTOMER_NAME:-Jane Doe}
cancel_order=${MCP_CANCEL_ORDER:-1002783}
cancel_key=${MCP_CANCEL_KEY:-e2e-cancel-$cancel_order}
shipped_order=${MCP_SHIPPED_ORDER:-1000001}

unset_vars=()
[ -n "$url" ] || unset_vars+=(MCP_URL)
[ -n "$key" ] || unset_vars+=(MCP_API_KEY)
[ -n "$order" ] || unset_vars+=(MCP_ORDER_NUMBER)
if [ ${#unset_vars[@]} -gt 0 ]; then
  echo "usage: set ${unset_vars[*]} (see the header of $0)" >&2
  exit 2
fi

failures=0
report() { # report OK(0|1) WHAT [DETAIL]
  local line
  if [ "$1" = 0 ]; then line="ok - $2"; else line="not ok - $2"; failures=$((failures + 1)); fi
  [ -n "${3:-}" ] && line="$line ($3)"
  echo "$line"
}

if [ ! -x "$inspector" ]; then
  report 1 "Inspector CLI installed at $inspector" "run: scripts/bootstrap"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/lambda-mcp-inspector.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/home"
echo "# $(node --version 2>/dev/null) inspector $("$inspector" --version 2>/dev/null | head -n1)"

# inspect NAME ARGS... : run the CLI against $url; sets rc, out ($work/NAME.out), err ($work/NAME.err)
inspect() {
  local name=$1; shift
  out="$work/$name.out"; err="$work/$name.err"
  HOME="$work/home" MCP_AUTO_OPEN_ENABLED=false timeout 60 \
    "$inspector" --cli "$url" --transport http --format json --stored-auth-only "$@" \
    </dev/null >"$out" 2>"$err"
  rc=$?
}

# query FILE JS-EXPRESSION : evaluate an expression over the parsed JSON in FILE (bound as `j`); prints the value
query() {
  node -e '
    const fs = require("fs");
    let j;
    try { j = JSON.parse(fs.readFileSync(process.argv[1], "utf8")); } catch { j = undefined; }
    const text = (r) => ((r && r.content) || []).filter((c) => c.type === "text").map((c) => c.text).join("\n");
    let v;
    try { v = eval(process.argv[2]); } catch (e) { v = undefined; }
    process.stdout.write(v === undefined ? "" : typeof v === "string" ? v : JSON.stringify(v));
  ' "$1" "$2"
}

clip() { tr '\n' ' ' | cut -c1-"${1:-200}"; }

# args_json NAME VALUE [NAME VALUE...] : a JSON object of string values, for --tool-args-json
args_json() {
  node -e 'const a = process.argv.slice(1); const o = {}; for (let i = 0; i + 1 < a.length; i += 2) o[a[i]] = a[i + 1]; process.stdout.write(JSON.stringify(o));' "$@"
}

# 1. tools/list with the key
inspect list --method tools/list --header "x-api-key: $key"
names=$(query "$out" 'j.result.tools.map((t) => t.name)')
has_schema=$(query "$out" 'j.result.tools.some((t) => t.name === "get_order" && t.inputSchema && t.inputSchema.type === "object")')
if [ "$rc" = 0 ] && [ "$has_schema" = true ]; then
  report 0 "tools/list with x-api-key lists get_order with an inputSchema" "exit 0, tools: $names"
else
  report 1 "tools/list with x-api-key lists get_order with an inputSchema" "exit $rc, tools: ${names:-none}, stderr: $(clip <"$err")"
fi
expected_tools='["cancel_order","get_customer","get_order","search_orders"]'
sorted_names=$(query "$out" 'j.result.tools.map((t) => t.name).sort()')
if [ "$rc" = 0 ] && [ "$sorted_names" = "$expected_tools" ]; then
  report 0 "tools/list lists exactly $expected_tools"
else
  report 1 "tools/list lists exactly $expected_tools" "exit $rc, tools: ${names:-none}"
fi

# 2. tools/call on an existing order
inspect call --method tools/call --tool-name get_order --tool-args-json "{\"order_number\":\"$order\"}" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
text=$(query "$out" 'text(j.result)')
sc_order=$(query "$out" 'String(j.result.structuredContent.order_number)')
if [ "$rc" = 0 ] && [ "$is_error" = false ] && [[ "$text" == *"$order"* ]] && [ "$sc_order" = "$order" ]; then
  report 0 "tools/call get_order($order) succeeds" "exit 0, structuredContent.order_number=$sc_order"
else
  report 1 "tools/call get_order($order) succeeds" "exit $rc, isError=$is_error, structuredContent.order_number=${sc_order:-none}, text: $(printf '%s' "$text" | clip 120), stderr: $(clip <"$err")"
fi

# 3. tools/call on a missing order: the CLI exits 5 (tool_error) when the result has isError: true
inspect missing --method tools/call --tool-name get_order --tool-args-json "{\"order_number\":\"$missing\"}" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
text=$(query "$out" 'text(j.result)')
code=$(query "$err" 'j.error.code')
if [ "$rc" = 5 ] && [ "$is_error" = true ] && [ -n "$text" ]; then
  report 0 "tools/call get_order($missing) (missing order) signals a tool error" "exit 5 ($code), text: $(printf '%s' "$text" | clip 120)"
else
  report 1 "tools/call get_order($missing) (missing order) signals a tool error (expected exit 5)" "exit $rc, isError=$is_error, stderr: $(clip <"$err")"
fi

# 4. search_orders by the customer's email
inspect search --method tools/call --tool-name search_orders --tool-args-json "$(args_json email "$customer_email")" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
numbers=$(query "$out" 'j.result.structuredContent.orders.map((o) => String(o.order_number))')
ok=$(E2E_EMAIL="$customer_email" E2E_ORDER="$shipped_order" query "$out" '(() => {
  const o = j.result.structuredContent.orders, want = process.env.E2E_EMAIL.toLowerCase();
  return Array.isArray(o) && o.length > 0
    && (o.some((x) => String(x.order_number) === process.env.E2E_ORDER) || o.every((x) => String(x.customer_email).toLowerCase() === want));
})()')
if [ "$rc" = 0 ] && [ "$is_error" = false ] && [ "$ok" = true ]; then
  report 0 "tools/call search_orders(email=$customer_email) returns that customer's orders" "exit 0, orders: $numbers"
else
  report 1 "tools/call search_orders(email=$customer_email) returns that customer's orders" "exit $rc, isError=$is_error, orders: ${numbers:-none}, stdout: $(clip <"$out"), stderr: $(clip <"$err")"
fi

# 5. get_customer by email
inspect customer --method tools/call --tool-name get_customer --tool-args-json "$(args_json email "$customer_email")" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
name=$(query "$out" 'j.result.structuredContent.name')
if [ "$rc" = 0 ] && [ "$is_error" = false ] && [ "$name" = "$customer_name" ]; then
  report 0 "tools/call get_customer(email=$customer_email) structuredContent.name == '$customer_name'" "exit 0"
else
  report 1 "tools/call get_customer(email=$customer_email) structuredContent.name == '$customer_name'" "exit $rc, isError=$is_error, name=${name:-none}, stdout: $(clip <"$out"), stderr: $(clip <"$err")"
fi

# 6. cancel_order with an idempotency key (a replay after an earlier run or client), then the same call again
cancel_args=$(args_json order_number "$cancel_order" reason customer_request idempotency_key "$cancel_key")
inspect cancel1 --method tools/call --tool-name cancel_order --tool-args-json "$cancel_args" --header "x-api-key: $key"
status=$(query "$out" 'j.result.structuredContent.status')
if [ "$status" = confirmation_required ]; then
  # The first client to cancel: a preview with a token, then the call with it (later clients send
  # the same key and get the completed cancellation replayed at once).
  token=$(query "$out" 'j.result.structuredContent.confirmation_token')
  text=$(query "$out" 'text(j.result)')
  if [ "$rc" = 0 ] && [ -n "$token" ] && [[ "$text" == *"Nothing has been cancelled yet"* ]]; then
    report 0 "tools/call cancel_order($cancel_order) first asks for confirmation and cancels nothing" "exit 0"
  else
    report 1 "tools/call cancel_order($cancel_order) first asks for confirmation and cancels nothing" "exit $rc, stdout: $(clip <"$out")"
  fi
  confirmed_args=$(args_json order_number "$cancel_order" reason customer_request idempotency_key "$cancel_key" confirmation_token "$token")
  inspect cancel1 --method tools/call --tool-name cancel_order --tool-args-json "$confirmed_args" --header "x-api-key: $key"
fi
is_error=$(query "$out" 'j.result.isError === true')
status=$(query "$out" 'j.result.structuredContent.status')
sc_order=$(query "$out" 'String(j.result.structuredContent.order_number)')
replayed=$(query "$out" 'j.result.structuredContent.replayed')
cancelled_at=$(query "$out" 'j.result.structuredContent.cancelled_at')
first_replayed=${MCP_CANCEL_FIRST_REPLAYED:-}
want=${first_replayed:+replayed=$first_replayed}
if [ "$rc" = 0 ] && [ "$is_error" = false ] && [ "$status" = cancelled ] && [ "$sc_order" = "$cancel_order" ] &&
   { [ -z "$first_replayed" ] || [ "$replayed" = "$first_replayed" ]; }; then
  report 0 "tools/call cancel_order($cancel_order, key $cancel_key) -> cancelled, ${want:-either value}" "exit 0, replayed=$replayed (true when an earlier run or client already cancelled it), cancelled_at=$cancelled_at"
else
  report 1 "tools/call cancel_order($cancel_order, key $cancel_key) -> cancelled, ${want:-either value}" "exit $rc, isError=$is_error, status=${status:-none}, replayed=${replayed:-none}, stdout: $(clip <"$out"), stderr: $(clip <"$err")"
fi
inspect cancel2 --method tools/call --tool-name cancel_order --tool-args-json "$cancel_args" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
status=$(query "$out" 'j.result.structuredContent.status')
replayed=$(query "$out" 'j.result.structuredContent.replayed')
again_at=$(query "$out" 'j.result.structuredContent.cancelled_at')
if [ "$rc" = 0 ] && [ "$is_error" = false ] && [ "$status" = cancelled ] && [ "$replayed" = true ] && [ -n "$cancelled_at" ] && [ "$again_at" = "$cancelled_at" ]; then
  report 0 "tools/call cancel_order($cancel_order) repeated with the same key -> replayed, same cancelled_at" "exit 0, cancelled_at=$again_at"
else
  report 1 "tools/call cancel_order($cancel_order) repeated with the same key -> replayed, same cancelled_at" "exit $rc, isError=$is_error, status=${status:-none}, replayed=${replayed:-none}, cancelled_at ${cancelled_at:-none} then ${again_at:-none}, stderr: $(clip <"$err")"
fi

# 7. cancel_order on a shipped order: a tool error, so the CLI exits 5 (tool_error)
inspect shipped --method tools/call --tool-name cancel_order --tool-args-json "$(args_json order_number "$shipped_order" reason other)" --header "x-api-key: $key"
is_error=$(query "$out" 'j.result.isError === true')
text=$(query "$out" 'text(j.result)')
code=$(query "$err" 'j.error.code')
if [ "$rc" = 5 ] && [ "$is_error" = true ] && [[ "${text,,}" == *shipped* ]]; then
  report 0 "tools/call cancel_order($shipped_order) (shipped order) signals a tool error saying it has shipped" "exit 5 ($code), text: $(printf '%s' "$text" | clip 120)"
else
  report 1 "tools/call cancel_order($shipped_order) (shipped order) signals a tool error saying it has shipped (expected exit 5)" "exit $rc, isError=$is_error, text: $(printf '%s' "$text" | clip 120), stderr: $(clip <"$err")"
fi

# 8. tools/list without the key: HTTP 401 -> the CLI exits 3 (auth_required)
inspect nokey --method tools/list
code=$(query "$err" 'j.error.code')
if [ "$rc" = 3 ] && [ "$code" = auth_required ]; then
  report 0 "tools/list without the key is refused" "exit 3 (auth_required)"
else
  report 1 "tools/list without the key is refused (expected exit 3, auth_required)" "exit $rc, stdout: $(clip <"$out"), stderr: $(clip <"$err")"
fi

if [ "$failures" = 0 ]; then echo "# all checks passed"; else echo "# $failures check(s) failed"; fi
[ "$failures" = 0 ]
