// A real OAuth 2.1 authorization server on loopback for lambda-mcp's tests: oidc-provider
// (certified OpenID provider) with dynamic client registration (RFC 7591), authorization code +
// PKCE, client credentials, and resource indicators (RFC 8707) so that access tokens are JWTs
// whose `aud` is the resource they were requested for.
//
//   node auth_server.mjs --port N --resource URL [--other-resource URL] [--exit-with-stdin]
//
// Prints one JSON line when it listens: {"issuer": ..., "jwks_uri": ..., "clients": {...}}.
// With --exit-with-stdin it stops when its stdin closes (a test that spawns it cannot leak it).
//
// Besides the provider's own endpoints it serves, for tests only:
//   GET  /interaction/:uid          the pending prompt (login or consent) as JSON
//   POST /interaction/:uid/login    {"account": "alice"}: the user signs in
//   POST /interaction/:uid/confirm  the user grants what the client asked for (headless consent)
//   POST /test/mint                 {"header", "claims", "sign"}: a token signed the way a test
//                                   needs (the issuer's key, HS256 keyed with the public key,
//                                   none, or a key the issuer never published)
//   GET  /test/stats                {"jwks": N}: how often the key set was fetched
//   POST /test/user-token           {"account", "email"?, "email_verified"?, "resource"?, "scope"?}:
//                                   the end user `account` (with that email, or none) signs in
//                                   through the real authorization code + PKCE flow of the
//                                   pre-registered public client `user-app`, headless; answers
//                                   {"token": <the access token the token endpoint issued>}
//
// An account given an email carries `email` (and `email_verified` when set) in its userinfo
// claims and in every access token issued for it (extraTokenClaims); other accounts (`alice`)
// carry neither, as before.
import * as crypto from 'node:crypto';
import { parseArgs } from 'node:util';

import Provider, { errors } from 'oidc-provider';

import { consentHeadlessly } from './consent.mjs';

const { values: args } = parseArgs({
  options: {
    resource: { type: 'string' },
    'other-resource': { type: 'string', default: 'https://other.example.com/mcp' },
    port: { type: 'string' },
    'exit-with-stdin': { type: 'boolean', default: false },
  },
});
if (!args.resource || !args.port) {
  console.error('usage: node auth_server.mjs --port N --resource URL [--other-resource URL] [--exit-with-stdin]');
  process.exit(2);
}
const RESOURCE = args.resource;
const OTHER = args['other-resource'];
const SCOPES = 'orders:read orders:cancel';

const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingJwk = { ...privateKey.export({ format: 'jwk' }), kid: 'as-key-1', alg: 'RS256', use: 'sig' };
const publicJwk = { kty: 'RSA', n: signingJwk.n, e: signingJwk.e, kid: signingJwk.kid, alg: 'RS256', use: 'sig' };
const { privateKey: strangerKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });

// Pre-registered clients: a full machine client, and one that may only read (no cancel).
const clients = {
  machine: { client_id: 'machine-client', client_secret: crypto.randomBytes(24).toString('base64url') },
  reader: { client_id: 'reader-client', client_secret: crypto.randomBytes(24).toString('base64url') },
};

const stats = { jwks: 0 };

// End users' profiles: account id -> {email, email_verified?}, set through /test/user-token.
const profiles = new Map();
// The public client the end users of /test/user-token sign in through (its callback is never
// fetched: the flow stops at the redirect that carries the code).
const USER_CLIENT = 'user-app';
const USER_REDIRECT = 'http://127.0.0.1:9/callback';

function resourceServer(audience, scope) {
  return { scope, audience, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
}

const configuration = {
  clients: [
    { ...clients.machine, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: SCOPES },
    { ...clients.reader, grant_types: ['client_credentials'], redirect_uris: [], response_types: [], scope: 'orders:read' },
    {
      client_id: USER_CLIENT, token_endpoint_auth_method: 'none', grant_types: ['authorization_code'],
      response_types: ['code'], redirect_uris: [USER_REDIRECT], scope: SCOPES,
    },
  ],
  jwks: { keys: [signingJwk] },
  // Listed so that a client's registered `scope` may name them; granted per resource below.
  scopes: ['openid', 'offline_access', 'orders:read', 'orders:cancel'],
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      useGrantedResource: () => true,
      async getResourceServerInfo(ctx, indicator, client) {
        const allowed = client.scope ? client.scope.split(' ').filter((s) => SCOPES.includes(s)).join(' ') : SCOPES;
        if (indicator === RESOURCE) return resourceServer(RESOURCE, allowed);
        if (indicator === OTHER) return resourceServer(OTHER, allowed);
        throw new errors.InvalidTarget();
      },
    },
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    return { accountId: sub, async claims() { return { sub, ...profiles.get(sub) }; } };
  },
  // Access tokens of an end user with a profile carry its email, as Auth0 or Okta can be told to.
  async extraTokenClaims(ctx, token) {
    const profile = token.accountId ? profiles.get(token.accountId) : undefined;
    return profile ? { ...profile } : undefined;
  },
  ttl: { AccessToken: 300, ClientCredentials: 300, AuthorizationCode: 60, Grant: 3600, Interaction: 600, Session: 3600 },
};

// A JSON or form-encoded request body.
async function readJson(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  if (!text) return {};
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  return JSON.parse(text);
}

// The prompt as a page, for a person in a browser (scripts/dev oauth): sign in, then allow.
function page(uid, prompt, clientId) {
  const action = prompt === 'login' ? 'login' : 'confirm';
  const field = prompt === 'login' ? '<label>User <input name="account" value="alice" autofocus></label>' : '';
  const what = prompt === 'login' ? 'Sign in (any name: this is a local test server)' : `Allow ${clientId} to use the order desk?`;
  return `<!doctype html><meta charset="utf-8"><title>lambda-mcp local sign-in</title>
<form method="post" action="/interaction/${uid}/${action}"><p>${what}</p>${field}<button>${action === 'login' ? 'Sign in' : 'Allow'}</button></form>`;
}

function b64(value) {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

// A token signed the way a test asks (by hand: a forged header must go out as it is).
function mint({ header = {}, claims = {}, sign = 'issuer' }) {
  const hmacKey = { 'hs256-public-jwk': JSON.stringify(publicJwk), 'hs256-public-n': publicJwk.n }[sign];
  if (hmacKey) {
    const input = `${b64({ alg: 'HS256', kid: signingJwk.kid, ...header })}.${b64(claims)}`;
    return `${input}.${crypto.createHmac('sha256', hmacKey).update(input).digest('base64url')}`;
  }
  if (sign === 'none') return `${b64({ alg: 'none', ...header })}.${b64(claims)}.`;
  const key = { issuer: privateKey, stranger: strangerKey }[sign];
  if (!key) throw new Error(`unknown signing mode ${sign}`);
  const input = `${b64({ alg: 'RS256', kid: signingJwk.kid, typ: 'at+jwt', ...header })}.${b64(claims)}`;
  return `${input}.${crypto.sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

// The end user `account` signs in and consents through the authorization code + PKCE flow,
// headless (following redirects with its own cookies); returns the access token.
async function userToken({ account, email, email_verified: verified, resource = RESOURCE, scope = SCOPES }) {
  if (!account) throw new Error('an account is required');
  if (email === undefined) profiles.delete(account);
  else profiles.set(account, verified === undefined ? { email } : { email, email_verified: verified });
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  const query = new URLSearchParams({
    client_id: USER_CLIENT, response_type: 'code', redirect_uri: USER_REDIRECT, scope, resource,
    code_challenge: challenge, code_challenge_method: 'S256', state: 'user-token',
  });
  const url = await consentHeadlessly(new URL(`/auth?${query}`, issuer), USER_REDIRECT, account);
  const code = url.searchParams.get('code');
  if (!code) throw new Error(`no code: ${url.href}`);
  const form = new URLSearchParams({
    grant_type: 'authorization_code', code, redirect_uri: USER_REDIRECT, code_verifier: verifier,
    client_id: USER_CLIENT, resource,
  });
  const res = await fetch(new URL('/token', issuer), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form,
  });
  const body = await res.json();
  if (!body.access_token) throw new Error(`token endpoint: ${JSON.stringify(body)}`);
  return body.access_token;
}

const issuer = `http://127.0.0.1:${args.port}`;
const provider = new Provider(issuer, configuration);

// Interaction and test routes, ahead of the provider's own.
provider.use(async (ctx, next) => {
  const { path, method } = ctx;
  if (path === '/jwks' && method === 'GET') stats.jwks += 1;
  // Dynamically registered clients may later ask for any scope this server supports, as an MCP
  // client's step-up needs (the SDK registers with the scope of its first request); the
  // pre-registered clients keep their `scope` limits.
  if (path === '/reg' && method === 'POST') {
    const { scope, ...metadata } = await readJson(ctx.req);
    ctx.request.body = metadata;
  }
  const interaction = path.match(/^\/interaction\/([^/]+)(\/(login|confirm))?$/);
  if (interaction) {
    const details = await provider.interactionDetails(ctx.req, ctx.res);
    const action = interaction[3];
    if (!action && method === 'GET') {
      const { uid, prompt: { name }, params: { client_id: clientId } } = details;
      ctx.body = ctx.accepts('json', 'html') === 'html' ? page(uid, name, clientId) : { uid, prompt: name, client_id: clientId };
      return;
    }
    if (action === 'login' && method === 'POST') {
      const { account = 'alice' } = await readJson(ctx.req);
      const to = await provider.interactionResult(ctx.req, ctx.res, { login: { accountId: account } }, { mergeWithLastSubmission: false });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
    if (action === 'confirm' && method === 'POST') {
      const { prompt: { details: missing }, params, session } = details;
      const grant = details.grantId
        ? await provider.Grant.find(details.grantId)
        : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
      if (missing.missingOIDCScope) grant.addOIDCScope(missing.missingOIDCScope.join(' '));
      if (missing.missingOIDCClaims) grant.addOIDCClaims(missing.missingOIDCClaims);
      for (const [indicator, scopes] of Object.entries(missing.missingResourceScopes ?? {})) {
        grant.addResourceScope(indicator, scopes.join(' '));
      }
      const grantId = await grant.save();
      const to = await provider.interactionResult(ctx.req, ctx.res, { consent: { grantId } }, { mergeWithLastSubmission: true });
      ctx.status = 303;
      ctx.redirect(to);
      return;
    }
  }
  if (path === '/test/mint' && method === 'POST') {
    ctx.body = { token: mint(await readJson(ctx.req)) };
    return;
  }
  if (path === '/test/user-token' && method === 'POST') {
    try {
      ctx.body = { token: await userToken(await readJson(ctx.req)) };
    } catch (error) {
      ctx.status = 500;
      ctx.body = { error: String(error?.message ?? error) };
    }
    return;
  }
  if (path === '/test/stats' && method === 'GET') {
    ctx.body = stats;
    return;
  }
  await next();
});

provider.listen(Number(args.port), '127.0.0.1', () => {
  console.log(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks`, resource: RESOURCE, other_resource: OTHER, clients }));
});

if (args['exit-with-stdin']) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  process.stdin.resume();
}
