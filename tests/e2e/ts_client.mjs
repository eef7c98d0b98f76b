#!/usr/bin/env node
// End-to-end check of lambda-mcp with the official MCP TypeScript SDK (@modelcontextprotocol/sdk 1.x).
//
// Environment:
//   MCP_URL            server endpoint, e.g. http://127.0.0.1:9000/lambda-url/lambda-mcp/mcp (required)
//   MCP_API_KEY        API key sent as `x-api-key` (required)
//   MCP_ORDER_NUMBER   an order number that exists (required)
//   MCP_MISSING_ORDER  an order number that does not exist (default 9999999)
//   MCP_CUSTOMER_EMAIL a customer with orders, for search_orders/get_customer (default jane.doe@example.com)
//   MCP_CUSTOMER_NAME  that customer's name (default Jane Doe)
//   MCP_CANCEL_ORDER   a pending or processing order that cancel_order may cancel (default 1002783)
//   MCP_CANCEL_KEY     idempotency key for that cancellation (default e2e-cancel-<MCP_CANCEL_ORDER>)
//   MCP_SHIPPED_ORDER  a shipped order, which cancel_order must refuse (default 1000001)
//   MCP_CANCEL_FIRST_REPLAYED  `false` or `true`: what the first cancel_order must say (unset: either)
//   MCP_TIMEOUT        seconds allowed for each network step (default 20)
//
// cancel_order really cancels MCP_CANCEL_ORDER: the first client to do so gets a preview with a
// confirmation token and repeats the call with it. The call carries a fixed idempotency key, so after
// an earlier run or another client it replays the first result without asking again: the first
// cancel_order must say `replayed` as MCP_CANCEL_FIRST_REPLAYED says (either when unset), the
// immediate repeat must say replayed: true with the same cancelled_at.
//
// Run from tests/e2e (so node_modules resolves):  node ts_client.mjs
// Prints one line per check, "ok - ..." or "not ok - ...", exits 1 if any failed (2 on a usage error).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';

const URL_ = process.env.MCP_URL ?? '';
const KEY = process.env.MCP_API_KEY ?? '';
const ORDER = process.env.MCP_ORDER_NUMBER ?? '';
const MISSING = process.env.MCP_MISSING_ORDER || '9999999';
const CUSTOMER_EMAIL = process.env.MCP_CUSTOMER_EMAIL || 'jane.doe@example.com';
const CUSTOMER_NAME = process.env.MCP_CUSTOMER_NAME || 'Jane Doe';
const CANCEL_ORDER = process.env.MCP_CANCEL_ORDER || '1002783';
const CANCEL_KEY = process.env.MCP_CANCEL_KEY || `e2e-cancel-${CANCEL_ORDER}`;
const SHIPPED_ORDER = process.env.MCP_SHIPPED_ORDER || '1000001';
const FIRST_REPLAYED = { true: true, false: false }[process.env.MCP_CANCEL_FIRST_REPLAYED ?? ''];
const TIMEOUT_MS = Math.round(Number(process.env.MCP_TIMEOUT || '20') * 1000);
const EXPECTED_SERVER_NAME = 'lambda-mcp';
const TOOL = 'get_order';
const EXPECTED_TOOLS = ['cancel_order', 'get_customer', 'get_order', 'search_orders'];

let failures = 0;

function report(ok, what, detail = '') {
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

function note(text) {
  console.log(`# ${text}`);
}

function describe(err) {
  const text = `${err?.name ?? typeof err}: ${err?.message ?? String(err)}${err?.code !== undefined ? ` [code ${err.code}]` : ''}`;
  return text.length <= 300 ? text : `${text.slice(0, 297)}...`;
}

// Bound any promise: the SDK's own `timeout` option covers requests, this covers everything else.
function within(promise, what, ms = TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function textOf(result) {
  return (result?.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

const clip = (s, n = 200) => (s.length <= n ? s : `${s.slice(0, n - 3)}...`);

const structured = (result) => (result?.structuredContent !== null && typeof result?.structuredContent === 'object' ? result.structuredContent : {});
const summary = (result) =>
  `isError=${JSON.stringify(result?.isError)} text=${JSON.stringify(clip(textOf(result), 120))} structuredContent=${clip(JSON.stringify(result?.structuredContent) ?? 'undefined')}`;

// The four tools of the order desk: list, search, profile, cancel (idempotent), refused cancel.
async function orderDeskChecks(client, toolNames, opts) {
  const call = (name, args) => within(client.callTool({ name, arguments: args }, undefined, opts), `tools/call ${name}`);
  const sorted = [...toolNames].sort();
  report(JSON.stringify(sorted) === JSON.stringify(EXPECTED_TOOLS), `tools/list lists exactly ${JSON.stringify(EXPECTED_TOOLS)}`, `tools: ${JSON.stringify(toolNames)}`);

  const found = await call('search_orders', { email: CUSTOMER_EMAIL });
  const sc = structured(found);
  const orders = Array.isArray(sc.orders) ? sc.orders : [];
  const numbers = orders.map((o) => String(o?.order_number));
  const emailsMatch = orders.length > 0 && orders.every((o) => String(o?.customer_email ?? '').toLowerCase() === CUSTOMER_EMAIL.toLowerCase());
  report(!found.isError && orders.length > 0 && (numbers.includes(SHIPPED_ORDER) || emailsMatch), `tools/call search_orders(email=${CUSTOMER_EMAIL}) returns that customer's orders`,
    `isError=${JSON.stringify(found.isError)}, orders=${JSON.stringify(numbers)}, all customer_email match=${emailsMatch}, more_available=${JSON.stringify(sc.more_available)}`);

  const customer = await call('get_customer', { email: CUSTOMER_EMAIL });
  const name = structured(customer).name;
  report(!customer.isError && name === CUSTOMER_NAME, `tools/call get_customer(email=${CUSTOMER_EMAIL}) structuredContent.name == '${CUSTOMER_NAME}'`, `name=${JSON.stringify(name)}; ${summary(customer)}`);

  const args = { order_number: CANCEL_ORDER, reason: 'customer_request', idempotency_key: CANCEL_KEY };
  let first = await call('cancel_order', args);
  let sc1 = structured(first);
  if (sc1.status === 'confirmation_required') {
    // The first client to cancel: a preview with a token, then the call with it. Later ones send
    // the same key and get the completed cancellation replayed at once.
    const token = sc1.confirmation_token;
    report(!first.isError && typeof token === 'string' && textOf(first).includes(token) && textOf(first).includes('Nothing has been cancelled yet'),
      `tools/call cancel_order(${CANCEL_ORDER}) first asks for confirmation and cancels nothing`, summary(first));
    first = await call('cancel_order', { ...args, confirmation_token: token });
    sc1 = structured(first);
  }
  const want = FIRST_REPLAYED === undefined ? 'either value' : `replayed=${FIRST_REPLAYED}`;
  report(!first.isError && sc1.status === 'cancelled' && String(sc1.order_number) === CANCEL_ORDER
    && (FIRST_REPLAYED === undefined || sc1.replayed === FIRST_REPLAYED), `tools/call cancel_order(${CANCEL_ORDER}, key ${CANCEL_KEY}) -> cancelled, ${want}`,
    `replayed=${JSON.stringify(sc1.replayed)} (true when an earlier run or client already cancelled it); ${summary(first)}`);
  const again = await call('cancel_order', args);
  const sc2 = structured(again);
  report(!again.isError && sc2.status === 'cancelled' && sc2.replayed === true && sc2.cancelled_at === sc1.cancelled_at,
    `tools/call cancel_order(${CANCEL_ORDER}) repeated with the same key -> replayed, same cancelled_at`,
    `cancelled_at ${JSON.stringify(sc1.cancelled_at)} then ${JSON.stringify(sc2.cancelled_at)}; ${summary(again)}`);

  const shipped = await call('cancel_order', { order_number: SHIPPED_ORDER, reason: 'other' });
  const stext = textOf(shipped);
  report(shipped.isError === true && stext.toLowerCase().includes('shipped'), `tools/call cancel_order(${SHIPPED_ORDER}) (shipped order) is a tool error saying it has shipped`,
    `isError=${JSON.stringify(shipped.isError)} text=${JSON.stringify(clip(stext, 120))}`);
}

function sdkVersion() {
  try {
    const pkg = new URL('./node_modules/@modelcontextprotocol/sdk/package.json', import.meta.url);
    return JSON.parse(readFileSync(pkg, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

async function authenticatedChecks() {
  const transportErrors = [];
  const transport = new StreamableHTTPClientTransport(new URL(URL_), {
    requestInit: { headers: { 'x-api-key': KEY } },
  });
  const client = new Client({ name: 'lambda-mcp-e2e-ts', version: '0.0.0' });
  client.onerror = (err) => transportErrors.push(describe(err));
  const opts = { timeout: TIMEOUT_MS };
  try {
    await within(client.connect(transport, opts), 'connect');
    const info = client.getServerVersion();
    note(`negotiated protocolVersion ${transport.protocolVersion}, serverInfo ${JSON.stringify(info)}`);
    report(info?.name === EXPECTED_SERVER_NAME, `initialize with x-api-key; serverInfo.name == '${EXPECTED_SERVER_NAME}'`, `got ${JSON.stringify(info?.name)}`);
    report(Boolean(client.getServerCapabilities()?.tools), 'server advertises the tools capability');

    const listed = await within(client.listTools(undefined, opts), 'tools/list');
    const tool = listed.tools.find((t) => t.name === TOOL);
    report(Boolean(tool), `tools/list includes ${TOOL}`, `tools: ${JSON.stringify(listed.tools.map((t) => t.name))}`);
    const schema = tool?.inputSchema ?? {};
    report(schema.type === 'object' && Boolean(schema.properties?.order_number), `${TOOL} has an inputSchema with an order_number property`, clip(JSON.stringify(schema)));

    // callTool also validates structuredContent against the tool's outputSchema, if it has one.
    const found = await within(client.callTool({ name: TOOL, arguments: { order_number: ORDER } }, undefined, opts), `tools/call ${TOOL}(${ORDER})`);
    const text = textOf(found);
    report(!found.isError, `tools/call ${TOOL}(${ORDER}) is not an error`, `isError=${JSON.stringify(found.isError)} text=${JSON.stringify(clip(text, 120))}`);
    report(text.includes(ORDER), `tools/call ${TOOL}(${ORDER}) text mentions the order number`, `text=${JSON.stringify(clip(text, 120))}`);
    const sc = found.structuredContent;
    report(sc !== null && typeof sc === 'object' && String(sc.order_number) === ORDER, `tools/call ${TOOL}(${ORDER}) structuredContent.order_number matches`, `structuredContent=${clip(JSON.stringify(sc) ?? 'undefined')}`);

    const missing = await within(client.callTool({ name: TOOL, arguments: { order_number: MISSING } }, undefined, opts), `tools/call ${TOOL}(${MISSING})`);
    const mtext = textOf(missing);
    report(missing.isError === true && mtext.trim() !== '', `tools/call ${TOOL}(${MISSING}) (missing order) is a tool error with a text`, `isError=${JSON.stringify(missing.isError)} text=${JSON.stringify(clip(mtext, 120))}`);

    await orderDeskChecks(client, listed.tools.map((t) => t.name), opts);
  } catch (err) {
    report(false, 'authenticated session ran to completion', describe(err));
  } finally {
    await within(client.close(), 'close').catch((err) => note(`close failed: ${describe(err)}`));
  }
  // After notifications/initialized is answered with 202, the SDK opens a GET SSE stream; a 405
  // answer is accepted silently, anything else (401, 404, 500, an HTML error page...) lands here.
  report(transportErrors.length === 0, 'no transport errors (e.g. from the GET stream probe after initialize)', transportErrors.join('; '));
}

async function unauthenticatedChecks() {
  // 1. Through the SDK: without the key, connect (initialize) must be rejected with HTTP 401.
  const transport = new StreamableHTTPClientTransport(new URL(URL_));
  const client = new Client({ name: 'lambda-mcp-e2e-ts-nokey', version: '0.0.0' });
  client.onerror = () => {};
  try {
    await within(client.connect(transport, { timeout: TIMEOUT_MS }), 'connect without key');
    report(false, 'SDK connect without the key is refused with 401', 'connect succeeded');
  } catch (err) {
    const is401 = err instanceof StreamableHTTPError && err.code === 401;
    report(is401, 'SDK connect without the key is refused with 401', describe(err));
  } finally {
    await client.close().catch(() => {});
  }

  // 2. Raw HTTP: the exact status and challenge header.
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lambda-mcp-e2e-raw', version: '0' } },
  });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  try {
    const res = await fetch(URL_, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) });
    await res.body?.cancel();
    const challenge = res.headers.get('www-authenticate');
    report(res.status === 401 && Boolean(challenge), 'raw POST initialize without a key -> 401 with WWW-Authenticate', `status ${res.status}, WWW-Authenticate: ${JSON.stringify(challenge)}`);
  } catch (err) {
    report(false, 'raw POST initialize without a key -> 401 with WWW-Authenticate', describe(err));
  }
}

async function main() {
  const missingEnv = Object.entries({ MCP_URL: URL_, MCP_API_KEY: KEY, MCP_ORDER_NUMBER: ORDER })
    .filter(([, v]) => !v)
    .map(([k]) => k);
  if (missingEnv.length) {
    console.error(`usage: set ${missingEnv.join(', ')} (see the header of ts_client.mjs)`);
    return 2;
  }
  note(`node ${process.version}, @modelcontextprotocol/sdk ${sdkVersion()}`);
  await authenticatedChecks();
  await unauthenticatedChecks();
  note(failures ? `${failures} check(s) failed` : 'all checks passed');
  return failures ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.log(`not ok - unexpected failure (${describe(err)})`);
    process.exit(1);
  },
);
