// The TypeScript peer: the official MCP TypeScript SDK in stateless JSON mode (the stack the Moveo
// guide builds on), serving a `search_orders` tool equivalent to lambda-mcp's over the same
// DynamoDB table, behind the same header API key kept in Secrets Manager.
//
// Stateless as the SDK documents it: a new McpServer and StreamableHTTPServerTransport per request
// (sessionIdGenerator undefined, enableJsonResponse true); a stateless transport refuses reuse.
// AWS clients are built at start (module init, as a Lambda would); the key is fetched from Secrets
// Manager on the first request and cached.
//
//   node server.mjs PORT       (AWS_ENDPOINT_URL, AWS_REGION, ORDERS_TABLE, MCP_API_KEY_SECRET_ID)
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';

import { DynamoDBClient, GetItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

const port = Number(process.argv[2] || 3000);
const table = process.env.ORDERS_TABLE;
const secretId = process.env.MCP_API_KEY_SECRET_ID;
const dynamo = new DynamoDBClient({});
const secrets = new SecretsManagerClient({});

let keys = null;
function loadKeys() {
  keys ??= secrets.send(new GetSecretValueCommand({ SecretId: secretId })).then((out) => {
    const raw = out.SecretString || '';
    let list = [raw];
    try {
      const parsed = JSON.parse(raw);
      if (Array.isArray(parsed)) list = parsed;
      else if (parsed && Array.isArray(parsed.keys)) list = parsed.keys;
    } catch {}
    return list.map((k) => createHash('sha256').update(k).digest());
  }).catch((error) => { keys = null; throw error; });
  return keys;
}

async function authorised(req) {
  const expected = await loadKeys();
  let presented = req.headers['x-api-key'];
  const bearer = /^bearer\s+(.+)$/i.exec(req.headers.authorization || '');
  if (!presented && bearer) presented = bearer[1];
  if (!presented) return false;
  const digest = createHash('sha256').update(presented.trim()).digest();
  let ok = false;
  for (const k of expected) ok = timingSafeEqual(k, digest) || ok;
  return ok;
}

const ATTRIBUTES = ['number', 'customer_email', 'customer_name', 'status', 'currency', 'total_minor',
  'item_count', 'created_at', 'updated_at', 'entity', 'order_count'];
const projection = {
  ProjectionExpression: ATTRIBUTES.map((_, i) => `#p${i}`).join(', '),
  ExpressionAttributeNames: Object.fromEntries(ATTRIBUTES.map((a, i) => [`#p${i}`, a])),
};
const STATUSES = ['pending', 'processing', 'shipped', 'delivered', 'cancelled', 'returned'];

function summary(item) {
  return {
    order_number: item.number.S,
    status: item.status.S,
    total: { amount_minor: Number(item.total_minor.N), currency: item.currency.S },
    item_count: Number(item.item_count.N),
    placed_at: item.created_at.S,
    updated_at: item.updated_at.S,
    customer_name: item.customer_name.S,
    customer_email: item.customer_email.S,
  };
}

async function searchOrders({ order_number, email, status, limit }) {
  if (order_number && !email) {
    const out = await dynamo.send(new GetItemCommand({
      TableName: table, Key: { pk: { S: `ORDER#${order_number}` }, sk: { S: '#ORDER' } }, ...projection,
    }));
    const orders = out.Item && (!status || out.Item.status.S === status) ? [summary(out.Item)] : [];
    return { orders, more_available: false };
  }
  if (!email || order_number) throw new Error('Give either an order number or an email address, not both.');
  const pk = `CUSTOMER#${email.toLowerCase()}`;
  const out = await dynamo.send(new QueryCommand(status ? {
    TableName: table, IndexName: 'gsi2', KeyConditionExpression: 'gsi2pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: `${pk}#STATUS#${status}` } },
    ScanIndexForward: false, Limit: limit, ...projection,
  } : {
    TableName: table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': { S: pk } },
    ScanIndexForward: false, Limit: limit + 1, ...projection,
  }));
  const items = out.Items || [];
  const profile = items.find((i) => i.entity?.S === 'customer');
  const orders = items.filter((i) => i.entity?.S !== 'customer').slice(0, limit).map(summary);
  const total = profile ? Number(profile.order_count.N) : undefined;
  const more = (total !== undefined ? total > orders.length : Boolean(out.LastEvaluatedKey)) && orders.length >= limit;
  return { orders, ...(total !== undefined ? { total_orders: total } : {}), more_available: more };
}

function render(result, subject) {
  if (result.orders.length === 0) return `No orders found for ${subject}.`;
  const lines = result.orders.map((o) => `**Order #${o.order_number}** — ${o.status}, `
    + `${(o.total.amount_minor / 100).toFixed(2)} ${o.total.currency}, ${o.item_count} items, placed ${o.placed_at.slice(0, 10)}`);
  return `Found ${result.orders.length} orders for ${subject}:\n\n${lines.join('\n')}`;
}

const money = z.object({ amount_minor: z.number().int(), currency: z.string() });
const orderSummary = z.object({
  order_number: z.string(), status: z.string(), total: money, item_count: z.number().int(),
  placed_at: z.string(), updated_at: z.string(), customer_name: z.string(), customer_email: z.string(),
});

function buildServer() {
  const server = new McpServer({ name: 'orders-ts-peer', version: '1.0.0' }, { capabilities: { tools: {} } });
  server.registerTool('search_orders', {
    title: 'Search orders',
    description: "Search a customer's orders by their email address, or find an order by its number.",
    inputSchema: {
      order_number: z.string().regex(/^[0-9]{6,10}$/).optional().describe('Order number, 6 to 10 digits'),
      email: z.string().email().max(254).optional().describe('The email address the customer ordered with'),
      status: z.enum(STATUSES).optional().describe('Only return orders in this status'),
      limit: z.number().int().min(1).max(20).default(5).describe('How many orders to return, newest first'),
    },
    outputSchema: {
      orders: z.array(orderSummary),
      total_orders: z.number().int().optional(),
      more_available: z.boolean(),
    },
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  }, async (args) => {
    try {
      const result = await searchOrders(args);
      return {
        content: [{ type: 'text', text: render(result, args.email || `order number ${args.order_number}`) }],
        structuredContent: result,
      };
    } catch (error) {
      return { content: [{ type: 'text', text: 'Orders are temporarily unavailable; try again in a few seconds.' }], isError: true };
    }
  });
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function plain(res, status, body, headers = {}) {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
}

const httpServer = http.createServer(async (req, res) => {
  try {
    if (req.url !== '/mcp') return plain(res, 404, { error: 'not found' });
    if (req.method !== 'POST') return plain(res, 405, { error: 'method not allowed' }, { allow: 'POST' });
    let ok;
    try {
      ok = await authorised(req);
    } catch {
      return plain(res, 503, { error: 'unavailable' }, { 'retry-after': '1' });
    }
    if (!ok) return plain(res, 401, { error: 'unauthorized' }, { 'www-authenticate': 'ApiKey' });
    let body;
    try {
      body = JSON.parse(await readBody(req));
    } catch {
      return plain(res, 400, { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } });
    }
    const server = buildServer();
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (error) {
    if (!res.headersSent) plain(res, 500, { jsonrpc: '2.0', id: null, error: { code: -32603, message: 'Internal error' } });
  }
});
httpServer.keepAliveTimeout = 60_000;
httpServer.on('connection', (socket) => socket.setNoDelay(true));
httpServer.listen(port, '127.0.0.1');
