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
// The checks themselves (every tool, isError results, the replayed cancellation) are in checks.mjs,
// shared with ts_v2_client.mjs.
//
// Run from tests/e2e (so node_modules resolves):  node ts_client.mjs
// Prints one line per check, "ok - ..." or "not ok - ...", exits 1 if any failed (2 on a usage error).

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { readFileSync } from 'node:fs';
import {
  EXPECTED_SERVER_NAME, clip, describe, env, failureCount, getOrderChecks, missingEnv, note, orderDeskChecks, rawNoKeyCheck, report, within,
} from './checks.mjs';

const TOOL = 'get_order';

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
  const transport = new StreamableHTTPClientTransport(new URL(env.url), {
    requestInit: { headers: { 'x-api-key': env.key } },
  });
  const client = new Client({ name: 'lambda-mcp-e2e-ts', version: '0.0.0' });
  client.onerror = (err) => transportErrors.push(describe(err));
  const opts = { timeout: env.timeoutMs };
  const call = (name, args) => within(client.callTool({ name, arguments: args }, undefined, opts), `tools/call ${name}`);
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
    await getOrderChecks(call);
    await orderDeskChecks(call, listed.tools.map((t) => t.name));
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
  const transport = new StreamableHTTPClientTransport(new URL(env.url));
  const client = new Client({ name: 'lambda-mcp-e2e-ts-nokey', version: '0.0.0' });
  client.onerror = () => {};
  try {
    await within(client.connect(transport, { timeout: env.timeoutMs }), 'connect without key');
    report(false, 'SDK connect without the key is refused with 401', 'connect succeeded');
  } catch (err) {
    const is401 = err instanceof StreamableHTTPError && err.code === 401;
    report(is401, 'SDK connect without the key is refused with 401', describe(err));
  } finally {
    await client.close().catch(() => {});
  }

  // 2. Raw HTTP: the exact status and challenge header.
  await rawNoKeyCheck();
}

async function main() {
  const unset = missingEnv();
  if (unset.length) {
    console.error(`usage: set ${unset.join(', ')} (see the header of ts_client.mjs)`);
    return 2;
  }
  note(`node ${process.version}, @modelcontextprotocol/sdk ${sdkVersion()}`);
  await authenticatedChecks();
  await unauthenticatedChecks();
  const failures = failureCount();
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
