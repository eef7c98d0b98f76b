"""The Python peer: the official MCP Python SDK's FastMCP (mcp 1.x) in stateless JSON mode
(stateless_http=True, json_response=True), serving a `search_orders` tool equivalent to
lambda-mcp's over the same DynamoDB table, behind the same header API key kept in Secrets Manager.

boto3 clients are built at start (module init, as a Lambda would); the key is fetched from Secrets
Manager on the first request and cached. Served by uvicorn, one process, on loopback.

    python server.py PORT      (AWS_ENDPOINT_URL, AWS_REGION, ORDERS_TABLE, MCP_API_KEY_SECRET_ID)
"""
import hashlib
import hmac
import json
import os
import sys
from typing import Annotated, Literal, Optional

import boto3
import uvicorn
from mcp.server.fastmcp import FastMCP
from pydantic import BaseModel, Field

TABLE = os.environ["ORDERS_TABLE"]
SECRET_ID = os.environ["MCP_API_KEY_SECRET_ID"]
dynamo = boto3.client("dynamodb")
secrets = boto3.client("secretsmanager")

ATTRIBUTES = ["number", "customer_email", "customer_name", "status", "currency", "total_minor",
              "item_count", "created_at", "updated_at", "entity", "order_count"]
PROJECTION = {
    "ProjectionExpression": ", ".join(f"#p{i}" for i in range(len(ATTRIBUTES))),
    "ExpressionAttributeNames": {f"#p{i}": a for i, a in enumerate(ATTRIBUTES)},
}


class Money(BaseModel):
    amount_minor: int
    currency: str


class OrderSummary(BaseModel):
    order_number: str
    status: str
    total: Money
    item_count: int
    placed_at: str
    updated_at: str
    customer_name: str
    customer_email: str


class SearchOrdersOutput(BaseModel):
    orders: list[OrderSummary]
    total_orders: Optional[int] = None
    more_available: bool


def summary(item):
    return OrderSummary(
        order_number=item["number"]["S"], status=item["status"]["S"],
        total=Money(amount_minor=int(item["total_minor"]["N"]), currency=item["currency"]["S"]),
        item_count=int(item["item_count"]["N"]), placed_at=item["created_at"]["S"],
        updated_at=item["updated_at"]["S"], customer_name=item["customer_name"]["S"],
        customer_email=item["customer_email"]["S"])


mcp = FastMCP("orders-py-peer", stateless_http=True, json_response=True, streamable_http_path="/mcp")


@mcp.tool(title="Search orders", annotations={"readOnlyHint": True, "destructiveHint": False,
                                               "idempotentHint": True, "openWorldHint": False})
def search_orders(
    order_number: Annotated[Optional[str], Field(pattern=r"^[0-9]{6,10}$", description="Order number, 6 to 10 digits")] = None,
    email: Annotated[Optional[str], Field(max_length=254, description="The email address the customer ordered with")] = None,
    status: Annotated[Optional[Literal["pending", "processing", "shipped", "delivered", "cancelled", "returned"]],
                      Field(description="Only return orders in this status")] = None,
    limit: Annotated[int, Field(ge=1, le=20, description="How many orders to return, newest first")] = 5,
) -> SearchOrdersOutput:
    """Search a customer's orders by their email address, or find an order by its number."""
    if order_number and not email:
        out = dynamo.get_item(TableName=TABLE, Key={"pk": {"S": f"ORDER#{order_number}"}, "sk": {"S": "#ORDER"}},
                              **PROJECTION)
        item = out.get("Item")
        orders = [summary(item)] if item and (not status or item["status"]["S"] == status) else []
        return SearchOrdersOutput(orders=orders, more_available=False)
    if not email or order_number:
        raise ValueError("Give either an order number or an email address, not both.")
    pk = f"CUSTOMER#{email.lower()}"
    if status:
        out = dynamo.query(TableName=TABLE, IndexName="gsi2", KeyConditionExpression="gsi2pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": f"{pk}#STATUS#{status}"}},
                           ScanIndexForward=False, Limit=limit, **PROJECTION)
    else:
        out = dynamo.query(TableName=TABLE, IndexName="gsi1", KeyConditionExpression="gsi1pk = :pk",
                           ExpressionAttributeValues={":pk": {"S": pk}},
                           ScanIndexForward=False, Limit=limit + 1, **PROJECTION)
    items = out.get("Items", [])
    profile = next((i for i in items if i.get("entity", {}).get("S") == "customer"), None)
    orders = [summary(i) for i in items if i.get("entity", {}).get("S") != "customer"][:limit]
    total = int(profile["order_count"]["N"]) if profile else None
    more = (total > len(orders) if total is not None else "LastEvaluatedKey" in out) and len(orders) >= limit
    return SearchOrdersOutput(orders=orders, total_orders=total, more_available=more)


class HeaderAuth:
    """ASGI middleware: the API key in `x-api-key` or `Authorization: Bearer`, checked against the
    keys in Secrets Manager (fetched on the first request, cached)."""

    def __init__(self, app):
        self.app = app
        self.keys = None

    def load(self):
        raw = secrets.get_secret_value(SecretId=SECRET_ID).get("SecretString", "")
        keys = [raw]
        try:
            parsed = json.loads(raw)
            keys = parsed if isinstance(parsed, list) else parsed.get("keys", keys) if isinstance(parsed, dict) else keys
        except ValueError:
            pass
        return [hashlib.sha256(k.encode()).digest() for k in keys]

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if self.keys is None:
            try:
                self.keys = self.load()
            except Exception:
                return await self.reply(send, 503, b'{"error":"unavailable"}')
        headers = dict(scope["headers"])
        presented = headers.get(b"x-api-key", b"").strip()
        auth = headers.get(b"authorization", b"")
        if not presented and auth[:7].lower() == b"bearer ":
            presented = auth[7:].strip()
        digest = hashlib.sha256(presented).digest()
        ok = False
        for key in self.keys:
            ok = hmac.compare_digest(key, digest) or ok
        if not presented or not ok:
            return await self.reply(send, 401, b'{"error":"unauthorized"}')
        return await self.app(scope, receive, send)

    @staticmethod
    async def reply(send, status, body):
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


app = HeaderAuth(mcp.streamable_http_app())

if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
