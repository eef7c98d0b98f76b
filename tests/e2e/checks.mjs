// The checks both TypeScript clients (ts_client.mjs: @modelcontextprotocol/sdk 1.x;
// ts_v2_client.mjs: @modelcontextprotocol/client 2.x) run against lambda-mcp: the environment they
// read, TAP-style reporting, and the order desk's tools (every tool, isError results, and a
// cancellation replayed across clients).

export const env = {
  url: process.env.MCP_URL ?? '',
  key: process.env.MCP_API_KEY ?? '',
  order: process.env.MCP_ORDER_NUMBER ?? '',
  missing: process.env.MCP_MISSING_ORDER || '9999999',
  customerEmail: process.env.MCP_CUSTOMER_EMAIL || 'jane.doe@example.com',
  customerName: process.env.MCP_CUSTOMER_NAME || 'Jane Doe',
  cancelOrder: process.env.MCP_CANCEL_ORDER || '1002783',
  shippedOrder: process.env.MCP_SHIPPED_ORDER || '1000001',
  timeoutMs: Math.round(Number(process.env.MCP_TIMEOUT || '20') * 1000),
};
env.cancelKey = process.env.MCP_CANCEL_KEY || `e2e-cancel-${env.cancelOrder}`;

export const EXPECTED_SERVER_NAME = 'lambda-mcp';
export const EXPECTED_TOOLS = ['cancel_order', 'get_customer', 'get_order', 'search_orders'];

let failures = 0;

export function failureCount() {
  return failures;
}

export function report(ok, what, detail = '') {
  if (!ok) failures += 1;
  console.log(`${ok ? 'ok' : 'not ok'} - ${what}${detail ? ` (${detail})` : ''}`);
  return ok;
}

export function note(text) {
  console.log(`# ${text}`);
}

export function describe(err) {
  const text = `${err?.name ?? typeof err}: ${err?.message ?? String(err)}${err?.code !== undefined ? ` [code ${err.code}]` : ''}`;
  return text.length <= 300 ? text : `${text.slice(0, 297)}...`;
}

// Bound any promise: the SDKs' own `timeout` option covers requests, this covers everything else.
export function within(promise, what, ms = env.timeoutMs) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function textOf(result) {
  return (result?.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

export const clip = (s, n = 200) => (s.length <= n ? s : `${s.slice(0, n - 3)}...`);

export const structured = (result) =>
  result?.structuredContent !== null && typeof result?.structuredContent === 'object' ? result.structuredContent : {};

export const summary = (result) =>
  `isError=${JSON.stringify(result?.isError)} text=${JSON.stringify(clip(textOf(result), 120))} structuredContent=${clip(JSON.stringify(result?.structuredContent) ?? 'undefined')}`;

export function missingEnv() {
  return Object.entries({ MCP_URL: env.url, MCP_API_KEY: env.key, MCP_ORDER_NUMBER: env.order })
    .filter(([, v]) => !v)
    .map(([k]) => k);
}

// get_order for an order that exists and for one that does not (an isError result).
// `call(name, args)` is the SDK's tools/call.
export async function getOrderChecks(call) {
  const { order, missing } = env;
  const found = await call('get_order', { order_number: order });
  const text = textOf(found);
  report(!found.isError, `tools/call get_order(${order}) is not an error`, `isError=${JSON.stringify(found.isError)} text=${JSON.stringify(clip(text, 120))}`);
  report(text.includes(order), `tools/call get_order(${order}) text mentions the order number`, `text=${JSON.stringify(clip(text, 120))}`);
  const sc = found.structuredContent;
  report(sc !== null && typeof sc === 'object' && String(sc.order_number) === order, `tools/call get_order(${order}) structuredContent.order_number matches`,
    `structuredContent=${clip(JSON.stringify(sc) ?? 'undefined')}`);

  const absent = await call('get_order', { order_number: missing });
  const mtext = textOf(absent);
  report(absent.isError === true && mtext.trim() !== '', `tools/call get_order(${missing}) (missing order) is a tool error with a text`,
    `isError=${JSON.stringify(absent.isError)} text=${JSON.stringify(clip(mtext, 120))}`);
}

// The four tools of the order desk: list, search, profile, cancel (idempotent), refused cancel.
// cancel_order really cancels MCP_CANCEL_ORDER: the first client to do so gets a preview with a
// confirmation token and repeats the call with it (later clients replay through the key at once).
// The call carries a fixed idempotency key, so after
// an earlier run or another client it replays the first result: the first call must say `replayed`
// as MCP_CANCEL_FIRST_REPLAYED says (`false` or `true`; either when unset), the immediate repeat
// must say replayed: true with the same cancelled_at.
const FIRST_REPLAYED = { true: true, false: false }[process.env.MCP_CANCEL_FIRST_REPLAYED ?? ''];

export async function orderDeskChecks(call, toolNames) {
  const { customerEmail, customerName, cancelOrder, cancelKey, shippedOrder } = env;
  const sorted = [...toolNames].sort();
  report(JSON.stringify(sorted) === JSON.stringify(EXPECTED_TOOLS), `tools/list lists exactly ${JSON.stringify(EXPECTED_TOOLS)}`, `tools: ${JSON.stringify(toolNames)}`);

  const found = await call('search_orders', { email: customerEmail });
  const sc = structured(found);
  const orders = Array.isArray(sc.orders) ? sc.orders : [];
  const numbers = orders.map((o) => String(o?.order_number));
  const emailsMatch = orders.length > 0 && orders.every((o) => String(o?.customer_email ?? '').toLowerCase() === customerEmail.toLowerCase());
  report(!found.isError && orders.length > 0 && (numbers.includes(shippedOrder) || emailsMatch), `tools/call search_orders(email=${customerEmail}) returns that customer's orders`,
    `isError=${JSON.stringify(found.isError)}, orders=${JSON.stringify(numbers)}, all customer_email match=${emailsMatch}, more_available=${JSON.stringify(sc.more_available)}`);

  const customer = await call('get_customer', { email: customerEmail });
  const name = structured(customer).name;
  report(!customer.isError && name === customerName, `tools/call get_customer(email=${customerEmail}) structuredContent.name == '${customerName}'`, `name=${JSON.stringify(name)}; ${summary(customer)}`);

  const args = { order_number: cancelOrder, reason: 'customer_request', idempotency_key: cancelKey };
  let first = await call('cancel_order', args);
  let sc1 = structured(first);
  if (sc1.status === 'confirmation_required') {
    const token = sc1.confirmation_token;
    report(!first.isError && typeof token === 'string' && textOf(first).includes(token) && textOf(first).includes('Nothing has been cancelled yet'),
      `tools/call cancel_order(${cancelOrder}) first asks for confirmation and cancels nothing`, summary(first));
    first = await call('cancel_order', { ...args, confirmation_token: token });
    sc1 = structured(first);
  }
  const want = FIRST_REPLAYED === undefined ? 'either value' : `replayed=${FIRST_REPLAYED}`;
  report(!first.isError && sc1.status === 'cancelled' && String(sc1.order_number) === cancelOrder
    && (FIRST_REPLAYED === undefined || sc1.replayed === FIRST_REPLAYED), `tools/call cancel_order(${cancelOrder}, key ${cancelKey}) -> cancelled, ${want}`,
    `replayed=${JSON.stringify(sc1.replayed)} (true when an earlier run or client already cancelled it); ${summary(first)}`);
  const again = await call('cancel_order', args);
  const sc2 = structured(again);
  report(!again.isError && sc2.status === 'cancelled' && sc2.replayed === true && sc2.cancelled_at === sc1.cancelled_at,
    `tools/call cancel_order(${cancelOrder}) repeated with the same key -> replayed, same cancelled_at`,
    `cancelled_at ${JSON.stringify(sc1.cancelled_at)} then ${JSON.stringify(sc2.cancelled_at)}; ${summary(again)}`);

  const shipped = await call('cancel_order', { order_number: shippedOrder, reason: 'other' });
  const stext = textOf(shipped);
  report(shipped.isError === true && stext.toLowerCase().includes('shipped'), `tools/call cancel_order(${shippedOrder}) (shipped order) is a tool error saying it has shipped`,
    `isError=${JSON.stringify(shipped.isError)} text=${JSON.stringify(clip(stext, 120))}`);
}

// Raw HTTP: without a key, the exact status and challenge header.
export async function rawNoKeyCheck() {
  const body = JSON.stringify({
    jsonrpc: '2.0',
    id: 1,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'lambda-mcp-e2e-raw', version: '0' } },
  });
  const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  try {
    const res = await fetch(env.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(env.timeoutMs) });
    await res.body?.cancel();
    const challenge = res.headers.get('www-authenticate');
    report(res.status === 401 && Boolean(challenge), 'raw POST initialize without a key -> 401 with WWW-Authenticate', `status ${res.status}, WWW-Authenticate: ${JSON.stringify(challenge)}`);
  } catch (err) {
    report(false, 'raw POST initialize without a key -> 401 with WWW-Authenticate', describe(err));
  }
}
