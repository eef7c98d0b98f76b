#!/usr/bin/env node
// End-to-end check of lambda-mcp with the TypeScript SDK's v2 client (@modelcontextprotocol/client
// 2.x), which speaks both protocol eras, in one of its three version-negotiation modes:
//
//   node ts_v2_client.mjs legacy       the default (no versionNegotiation): initialize, 2025-11-25
//   node ts_v2_client.mjs auto         versionNegotiation { mode: 'auto' }: probes server/discover,
//                                      must settle on the modern era (2026-07-28), no initialize
//   node ts_v2_client.mjs 2026-07-28   versionNegotiation { mode: { pin: '2026-07-28' } }: the modern
//                                      era at exactly that revision, no initialize
//
// In each mode, with the key in `x-api-key`: the era and version negotiated, serverInfo, tools/list,
// every tool called, isError results (a missing and a shipped order), and the cancellation replayed
// across clients (checks.mjs); then the key is left out and connect must fail with 401. A fetch
// wrapper records every HTTP exchange the SDK makes, so the wire is checked too: which methods went
// out (server/discover first in the negotiating modes, initialize first in legacy), the key on every
// POST, and in the modern era MCP-Protocol-Version and Mcp-Method on every POST, agreeing with the
// body. Environment: as ts_client.mjs (MCP_URL, MCP_API_KEY, MCP_ORDER_NUMBER, ...; see checks.mjs).
//
// Prints one line per check, "ok - ..." or "not ok - ...", exits 1 if any failed (2 on a usage error).

import { Client, SdkError, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { readFileSync } from 'node:fs';
import {
  EXPECTED_SERVER_NAME, clip, describe, env, failureCount, getOrderChecks, missingEnv, note, orderDeskChecks, rawNoKeyCheck, report, within,
} from './checks.mjs';

const MODERN = '2026-07-28';
// Every revision the endpoint serves, newest first: what server/discover must list.
const SERVED = ['2026-07-28', '2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'];
const MODES = {
  legacy: { options: {}, era: 'legacy', first: 'initialize' },
  auto: { options: { versionNegotiation: { mode: 'auto' } }, era: 'modern', first: 'server/discover' },
  [MODERN]: { options: { versionNegotiation: { mode: { pin: MODERN } } }, era: 'modern', first: 'server/discover' },
};

function packageVersion() {
  try {
    const pkg = new URL('./node_modules/@modelcontextprotocol/client/package.json', import.meta.url);
    return JSON.parse(readFileSync(pkg, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// A fetch that records what the SDK sends and what comes back, and passes everything through.
function recordingFetch(log) {
  return async (input, init = {}) => {
    const headers = new Headers(init.headers ?? {});
    let method = null;
    if (typeof init.body === 'string') {
      try {
        const body = JSON.parse(init.body);
        method = Array.isArray(body) ? 'batch' : (body.method ?? 'response');
      } catch {
        method = 'unparsable';
      }
    }
    const response = await fetch(input, init);
    log.push({
      http: init.method ?? 'GET',
      method,
      status: response.status,
      key: headers.get('x-api-key'),
      version: headers.get('mcp-protocol-version'),
      mcpMethod: headers.get('mcp-method'),
    });
    return response;
  };
}

function wireChecks(mode, log) {
  const posts = log.filter((e) => e.http === 'POST');
  const methods = posts.map((e) => e.method);
  note(`wire: ${log.map((e) => `${e.http} ${e.method ?? ''} -> ${e.status}`.replace('  ', ' ')).join(', ')}`);
  report(methods[0] === mode.first, `the first request is ${mode.first}`, `methods sent: ${JSON.stringify(methods)}`);
  if (mode.era === 'modern') {
    report(!methods.includes('initialize'), 'no initialize is sent in the modern era', `methods sent: ${JSON.stringify(methods)}`);
    const bad = posts.filter((e) => e.version !== MODERN || e.mcpMethod !== e.method);
    report(bad.length === 0, `every POST carries MCP-Protocol-Version: ${MODERN} and an Mcp-Method equal to the body's method`,
      bad.length ? `not: ${JSON.stringify(bad.slice(0, 3))}` : `${posts.length} requests`);
  } else {
    report(!methods.includes('server/discover'), 'no server/discover probe is sent in legacy mode', `methods sent: ${JSON.stringify(methods)}`);
  }
  const keyless = posts.filter((e) => e.key !== env.key);
  report(keyless.length === 0, 'every POST carries the x-api-key header', keyless.length ? `${keyless.length} without` : `${posts.length} requests`);
  const failed = posts.filter((e) => e.status >= 300);
  report(failed.length === 0, 'every POST is answered 2xx', failed.length ? JSON.stringify(failed.slice(0, 3)) : '');
}

async function authenticatedChecks(modeName, mode) {
  const log = [];
  const transportErrors = [];
  const transport = new StreamableHTTPClientTransport(new URL(env.url), {
    requestInit: { headers: { 'x-api-key': env.key } },
    fetch: recordingFetch(log),
  });
  const client = new Client({ name: `lambda-mcp-e2e-ts-v2-${modeName}`, version: '0.0.0' }, mode.options);
  client.onerror = (err) => transportErrors.push(describe(err));
  const opts = { timeout: env.timeoutMs };
  const call = (name, args) => within(client.callTool({ name, arguments: args }, opts), `tools/call ${name}`);
  try {
    await within(client.connect(transport, opts), 'connect');
    const era = client.getProtocolEra();
    const version = client.getNegotiatedProtocolVersion();
    const info = client.getServerVersion();
    note(`mode ${modeName}: era ${era}, protocolVersion ${version}, serverInfo ${JSON.stringify(info)}`);
    const wantVersion = mode.era === 'modern' ? MODERN : '2025-11-25';
    report(era === mode.era && version === wantVersion, `connect settles on the ${mode.era} era at ${wantVersion}`, `era ${era}, version ${version}`);
    report(info?.name === EXPECTED_SERVER_NAME, `serverInfo.name == '${EXPECTED_SERVER_NAME}'`, `got ${JSON.stringify(info?.name)}`);
    report(Boolean(client.getServerCapabilities()?.tools), 'server advertises the tools capability');
    if (mode.era === 'modern') {
      const supported = client.getDiscoverResult()?.supportedVersions;
      report(JSON.stringify(supported) === JSON.stringify(SERVED), 'server/discover lists every version the endpoint serves, newest first',
        `supportedVersions ${JSON.stringify(supported)}`);
    }

    const listed = await within(client.listTools(undefined, opts), 'tools/list');
    const tool = listed.tools.find((t) => t.name === 'get_order');
    const schema = tool?.inputSchema ?? {};
    report(schema.type === 'object' && Boolean(schema.properties?.order_number), 'tools/list: get_order has an inputSchema with an order_number property', clip(JSON.stringify(schema)));
    // callTool also validates structuredContent against the tool's outputSchema.
    await getOrderChecks(call);
    await orderDeskChecks(call, listed.tools.map((t) => t.name));
  } catch (err) {
    report(false, 'authenticated session ran to completion', describe(err));
  } finally {
    await within(client.close(), 'close').catch((err) => note(`close failed: ${describe(err)}`));
  }
  wireChecks(mode, log);
  report(transportErrors.length === 0, 'no transport errors', transportErrors.join('; '));
}

async function unauthenticatedChecks(modeName, mode) {
  const log = [];
  const transport = new StreamableHTTPClientTransport(new URL(env.url), { fetch: recordingFetch(log) });
  const client = new Client({ name: `lambda-mcp-e2e-ts-v2-${modeName}-nokey`, version: '0.0.0' }, mode.options);
  client.onerror = () => {};
  const what = 'connect without the key fails, on an HTTP 401';
  try {
    await within(client.connect(transport, { timeout: env.timeoutMs }), 'connect without key');
    report(false, what, 'connect succeeded');
  } catch (err) {
    const statuses = log.map((e) => e.status);
    const typed = err instanceof UnauthorizedError || (err instanceof SdkError && err.data?.status === 401);
    report(typed && statuses.length > 0 && statuses.every((s) => s === 401), what, `${describe(err)}; HTTP statuses ${JSON.stringify(statuses)}`);
  } finally {
    await client.close().catch(() => {});
  }
}

async function main() {
  const modeName = process.argv[2] ?? '';
  const mode = MODES[modeName];
  const unset = missingEnv();
  if (!mode || unset.length) {
    console.error(`usage: node ts_v2_client.mjs ${Object.keys(MODES).join('|')}` + (unset.length ? ` (set ${unset.join(', ')})` : ''));
    return 2;
  }
  note(`node ${process.version}, @modelcontextprotocol/client ${packageVersion()}, mode ${modeName}`);
  await authenticatedChecks(modeName, mode);
  await unauthenticatedChecks(modeName, mode);
  await rawNoKeyCheck();
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
