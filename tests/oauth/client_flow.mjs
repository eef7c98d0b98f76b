// The official MCP TypeScript client (@modelcontextprotocol/client 2.4.0) doing the whole OAuth
// dance against a running lambda-mcp with OAuth on, and the local authorization server of
// auth_server.mjs. The server runs with MCP_OAUTH_CHALLENGE_SCOPES=read (least privilege: the 401
// asks for the read scope; cancelling needs a step-up):
//
//   1. authorization code + PKCE: 401 -> RFC 9728 metadata -> RFC 7591 registration ->
//      authorization (the user signs in and consents headlessly) -> token -> the read tools;
//      cancel_order -> 403 insufficient_scope -> a second consent for the wider scope -> cancel
//   2. client credentials with a pre-registered client: the read tools, then cancel_order, which
//      the client steps up to on its own (a new token with the wider scope)
//   3. a caller whose client may only read: cancel_order is not listed, and calling it gets
//      403 insufficient_scope naming orders:cancel
//
//   MCP_URL=... AS_INFO='<the JSON line auth_server.mjs printed>' node client_flow.mjs
//
// Prints one line per check ("ok - ..." / "not ok - ...") and exits non-zero on any failure.
// With MCP_TOKENS_FILE set, appends every access token it obtained there, one per line, so the
// caller can check that none of them reached the server's logs.
import { appendFileSync } from 'node:fs';

import {
  Client,
  ClientCredentialsProvider,
  InsufficientScopeError,
  StreamableHTTPClientTransport,
  UnauthorizedError,
} from '@modelcontextprotocol/client';

import { consentHeadlessly } from './consent.mjs';

const MCP_URL = new URL(process.env.MCP_URL ?? '');
const AS = JSON.parse(process.env.AS_INFO ?? '{}');
const ORDER = process.env.MCP_ORDER_NUMBER ?? '1000001';
const REDIRECT = 'http://127.0.0.1:33418/callback';
const ALL_TOOLS = ['cancel_order', 'get_customer', 'get_order', 'search_orders'];
const READ_TOOLS = ['get_customer', 'get_order', 'search_orders'];
// A shipped order: cancel_order runs and refuses it (isError), so nothing changes.
const CANCEL = { name: 'cancel_order', arguments: { order_number: ORDER, reason: 'other', idempotency_key: 'oauth-e2e-step-up' } };

let failures = 0;
function check(ok, what, detail = '') {
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
  if (!ok) failures += 1;
}

// An interactive client's state, kept in memory: what a desktop MCP host would persist.
class HeadlessProvider {
  constructor() {
    this.info = undefined;
    this.saved = undefined;
    this.verifier = undefined;
    this.pending = undefined;
    this.discovery = undefined;
    this.registrations = 0;
  }
  get redirectUrl() { return REDIRECT; }
  get clientMetadata() {
    return { client_name: 'lambda-mcp OAuth e2e', redirect_uris: [REDIRECT], token_endpoint_auth_method: 'none' };
  }
  state() { return 'e2e-state'; }
  clientInformation() { return this.info; }
  saveClientInformation(info) { this.info = info; this.registrations += 1; }
  tokens() { return this.saved; }
  saveTokens(tokens) { this.saved = tokens; }
  redirectToAuthorization(url) { this.pending = url; }
  saveCodeVerifier(verifier) { this.verifier = verifier; }
  codeVerifier() { return this.verifier; }
  saveDiscoveryState(state) { this.discovery = state; }
  discoveryState() { return this.discovery; }
}

async function connect(authProvider, options = {}) {
  const transport = new StreamableHTTPClientTransport(MCP_URL, { authProvider, ...options });
  const client = new Client({ name: 'lambda-mcp-oauth-e2e', version: '1.0.0' });
  await client.connect(transport);
  return { client, transport };
}

const names = (list) => list.tools.map((t) => t.name).sort();

function remember(tokens) {
  if (process.env.MCP_TOKENS_FILE && tokens?.access_token) {
    appendFileSync(process.env.MCP_TOKENS_FILE, `${tokens.access_token}\n`);
  }
}

async function authorizationCodeFlow() {
  const provider = new HeadlessProvider();
  let first = null;
  try {
    await connect(provider);
  } catch (error) {
    first = error;
  }
  check(first instanceof UnauthorizedError, 'without a token the client is told to authorize', first?.constructor?.name);
  check(provider.registrations === 1 && Boolean(provider.info?.client_id), 'the client registered itself (RFC 7591)');
  check(provider.pending instanceof URL, 'the client built an authorization URL', provider.pending?.origin);
  const requested = provider.pending?.searchParams;
  check(requested?.get('resource') === MCP_URL.href, 'it asks for a token for this server (RFC 8707)', requested?.get('resource'));
  check(requested?.get('code_challenge_method') === 'S256', 'with PKCE (S256)');
  check(requested?.get('scope') === 'orders:read', 'for the scope the challenge named', requested?.get('scope'));
  await finish(provider);
  check(Boolean(provider.saved?.access_token), 'the code was exchanged for an access token');
  remember(provider.saved);
  let { client } = await connect(provider);
  const tools = await client.listTools();
  check(JSON.stringify(names(tools)) === JSON.stringify(READ_TOOLS), 'a reader sees the read tools', names(tools).join(','));
  const order = await client.callTool({ name: 'get_order', arguments: { order_number: ORDER } });
  check(order.isError !== true && JSON.stringify(order.structuredContent ?? {}).includes(ORDER), 'get_order works with the token');
  // Cancelling needs orders:cancel: 403 insufficient_scope, and the client asks the user again.
  provider.pending = undefined;
  let stepUp = null;
  try {
    await client.callTool(CANCEL);
  } catch (error) {
    stepUp = error;
  }
  await client.close();
  const wider = provider.pending?.searchParams.get('scope')?.split(' ') ?? [];
  check(stepUp !== null && wider.includes('orders:cancel') && wider.includes('orders:read'), 'cancel_order starts a step-up authorization for both scopes', wider.join(' '));
  await finish(provider);
  remember(provider.saved);
  ({ client } = await connect(provider));
  const cancel = await client.callTool(CANCEL);
  check(cancel.isError === true && /shipped/i.test(cancel.content?.[0]?.text ?? ''), 'after the step-up cancel_order runs (and refuses a shipped order)', cancel.content?.[0]?.text?.slice(0, 60));
  check(names(await client.listTools()).length === 4, 'and every tool is listed');
  await client.close();
}

// The user consents in the (headless) browser; the client redeems the code.
async function finish(provider) {
  const callback = await consentHeadlessly(provider.pending, REDIRECT);
  const transport = new StreamableHTTPClientTransport(MCP_URL, { authProvider: provider });
  await transport.finishAuth(callback.searchParams);
}

async function clientCredentialsFlow() {
  const provider = new ClientCredentialsProvider({
    clientId: AS.clients.machine.client_id,
    clientSecret: AS.clients.machine.client_secret,
    expectedIssuer: AS.issuer,
  });
  const { client } = await connect(provider);
  const tools = await client.listTools();
  check(JSON.stringify(names(tools)) === JSON.stringify(READ_TOOLS), 'client credentials: the read tools first', names(tools).join(','));
  const order = await client.callTool({ name: 'get_order', arguments: { order_number: ORDER } });
  check(order.isError !== true, 'client credentials: get_order works');
  remember(provider.tokens());
  const cancel = await client.callTool(CANCEL);
  check(cancel.isError === true && /shipped/i.test(cancel.content?.[0]?.text ?? ''), 'client credentials: cancel_order after a step-up on its own', cancel.content?.[0]?.text?.slice(0, 60));
  remember(provider.tokens());
  await client.close();
}

async function scopedCallerCannotCancel() {
  const provider = new ClientCredentialsProvider({
    clientId: AS.clients.reader.client_id,
    clientSecret: AS.clients.reader.client_secret,
    scope: 'orders:read',
    expectedIssuer: AS.issuer,
  });
  const { client } = await connect(provider, { onInsufficientScope: 'throw' });
  const tools = await client.listTools();
  check(!names(tools).includes('cancel_order') && names(tools).includes('get_order'), 'a reader does not see cancel_order', names(tools).join(','));
  let refused = null;
  try {
    await client.callTool({ name: 'cancel_order', arguments: { order_number: ORDER, reason: 'other', idempotency_key: 'oauth-e2e-reader' } });
  } catch (error) {
    refused = error;
  }
  check(refused instanceof InsufficientScopeError, 'calling cancel_order anyway is refused as insufficient_scope', refused?.constructor?.name ?? 'no error');
  check(refused?.requiredScope?.split(' ').includes('orders:cancel'), 'the challenge names the scope to step up to', refused?.requiredScope);
  remember(provider.tokens());
  await client.close();
}

for (const [name, flow] of [
  ['authorization code + PKCE', authorizationCodeFlow],
  ['client credentials', clientCredentialsFlow],
  ['scoped caller', scopedCallerCannotCancel],
]) {
  console.log(`# ${name}`);
  try {
    await flow();
  } catch (error) {
    check(false, `${name} ran to the end`, error?.stack ?? String(error));
  }
}
console.log(failures === 0 ? '# all checks passed' : `# ${failures} checks failed`);
process.exit(failures === 0 ? 0 : 1);
