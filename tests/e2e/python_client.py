#!/usr/bin/env python3
"""End-to-end check of lambda-mcp with the official MCP Python SDK (works with mcp 1.x and 2.x).

Environment:
  MCP_URL            server endpoint, e.g. http://127.0.0.1:9000/lambda-url/lambda-mcp/mcp (required)
  MCP_API_KEY        API key sent as `x-api-key` (required)
  MCP_ORDER_NUMBER   an order number that exists (required)
  MCP_MISSING_ORDER  an order number that does not exist (default 9999999)
  MCP_CUSTOMER_EMAIL a customer with orders, for search_orders/get_customer (default jane.doe@example.com)
  MCP_CUSTOMER_NAME  that customer's name (default Jane Doe)
  MCP_CANCEL_ORDER   a pending or processing order that cancel_order may cancel (default 1002783)
  MCP_CANCEL_KEY     idempotency key for that cancellation (default e2e-cancel-<MCP_CANCEL_ORDER>)
  MCP_SHIPPED_ORDER  a shipped order, which cancel_order must refuse (default 1000001)
  MCP_CANCEL_FIRST_REPLAYED  `false` or `true`: what the first cancel_order must say (unset: either)
  MCP_ELICIT_ORDER   mcp 2.x: a pending order cancelled through elicitation (default 1002990)
  MCP_DECLINE_ORDER  mcp 2.x: a pending order whose elicitation is declined (default 1002991)
  MCP_TIMEOUT        seconds allowed for each network step (default 20)

cancel_order really cancels MCP_CANCEL_ORDER (the data is changed): the first client to do so gets
a preview with a confirmation token and repeats the call with it (the two-step form the server
enforces; later clients replay through the key at once). With mcp 2.x, MCP_ELICIT_ORDER is
cancelled through elicitation and MCP_DECLINE_ORDER declined. The call carries a fixed
idempotency key, so running this client again (or after another client of tests/e2e/) replays the
first result: the first call must say `replayed` as MCP_CANCEL_FIRST_REPLAYED says (false on
freshly seeded data, true after another client; either when unset), the immediate repeat must
say replayed: true with the same cancelled_at.

Prints one line per check, "ok - ..." or "not ok - ...", and exits 1 if any check failed
(2 on a usage error). Run it with the interpreter of the SDK under test, e.g.
  .tools/mcp1/bin/python tests/e2e/python_client.py
  .tools/mcp2/bin/python tests/e2e/python_client.py

API differences handled here:
  mcp 1.x  `streamable_http_client(url, http_client=httpx.AsyncClient(...))` (1.24+) yielding
           (read, write, get_session_id), or the older `streamablehttp_client(url, headers=...)`;
           models use camelCase attributes; a non-2xx answer surfaces as httpx.HTTPStatusError.
  mcp 2.x  `streamable_http_client(url, http_client=httpx2.AsyncClient(...))` yielding
           (read, write); note the transport is built on `httpx2`, not `httpx`; models use
           snake_case attributes; a non-2xx answer surfaces as MCPError (status code not kept).
  Results are compared in their wire form (model_dump(by_alias=True)), which is the same for both.

With mcp 2.x the checks run a second time through the 2026-07-28 (modern, stateless) client:
`mcp.client.client.Client` with mode='auto' (probes server/discover) and mode='2026-07-28' (no
probe); both must stay in 2026-07-28 (MCP_SKIP_AUTO_MODE=1 skips them). The TypeScript SDK
(1.32.x) ships no modern-era client: it speaks up to 2025-11-25.
"""

from __future__ import annotations

import importlib
import json
import os
import sys
from contextlib import AsyncExitStack
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import anyio
import httpx

URL = os.environ.get("MCP_URL", "")
KEY = os.environ.get("MCP_API_KEY", "")
ORDER = os.environ.get("MCP_ORDER_NUMBER", "")
MISSING = os.environ.get("MCP_MISSING_ORDER", "9999999")
CUSTOMER_EMAIL = os.environ.get("MCP_CUSTOMER_EMAIL") or "jane.doe@example.com"
CUSTOMER_NAME = os.environ.get("MCP_CUSTOMER_NAME") or "Jane Doe"
CANCEL_ORDER = os.environ.get("MCP_CANCEL_ORDER") or "1002783"
CANCEL_KEY = os.environ.get("MCP_CANCEL_KEY") or f"e2e-cancel-{CANCEL_ORDER}"
SHIPPED_ORDER = os.environ.get("MCP_SHIPPED_ORDER") or "1000001"
FIRST_REPLAYED = {"true": True, "false": False}.get(os.environ.get("MCP_CANCEL_FIRST_REPLAYED", ""))
ELICIT_ORDER = os.environ.get("MCP_ELICIT_ORDER") or "1002990"
DECLINE_ORDER = os.environ.get("MCP_DECLINE_ORDER") or "1002991"
TIMEOUT = float(os.environ.get("MCP_TIMEOUT", "20"))
EXPECTED_SERVER_NAME = "lambda-mcp"
TOOL = "get_order"
EXPECTED_TOOLS = ["cancel_order", "get_customer", "get_order", "search_orders"]

failures = 0


def report(ok: bool, what: str, detail: str = "") -> bool:
    global failures
    if not ok:
        failures += 1
    line = f"{'ok' if ok else 'not ok'} - {what}"
    if detail:
        line += f" ({detail})"
    print(line, flush=True)
    return ok


def note(text: str) -> None:
    print(f"# {text}", flush=True)


def wire(model: Any) -> dict[str, Any]:
    """A result model in its JSON wire form (camelCase keys), independent of the SDK major version."""
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


def describe(exc: BaseException) -> str:
    message = str(exc) or ("no answer in time" if isinstance(exc, TimeoutError) or "Timeout" in type(exc).__name__ else "no message")
    text = f"{type(exc).__name__}: {message}"
    return text if len(text) <= 300 else text[:297] + "..."


def leaf_exceptions(exc: BaseException) -> list[BaseException]:
    """Flatten exception groups and causes so the interesting error can be found."""
    out: list[BaseException] = []
    seen: set[int] = set()
    stack = [exc]
    while stack:
        e = stack.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        subs = getattr(e, "exceptions", None)
        if isinstance(subs, (list, tuple)):
            stack.extend(subs)
        else:
            out.append(e)
        stack.extend(x for x in (e.__cause__, e.__context__) if x is not None)
    # Drop the anyio plumbing that rides along with the real error, if anything else is left.
    noise = {"CancelledError", "WouldBlock", "EndOfStream", "ClosedResourceError", "BrokenResourceError"}
    useful = [e for e in out if type(e).__name__ not in noise]
    return useful or out


def describe_all(exc: BaseException) -> str:
    texts: list[str] = []
    for e in leaf_exceptions(exc):
        t = describe(e)
        if t not in texts:
            texts.append(t)
    return "; ".join(texts) or describe(exc)


def status_of(exc: BaseException) -> int | None:
    response = getattr(exc, "response", None)
    code = getattr(response, "status_code", None)
    return code if isinstance(code, int) else None


class Api:
    """The transport factory of whichever SDK is installed."""

    def __init__(self) -> None:
        self.sdk_version = self._version("mcp")
        sh = importlib.import_module("mcp.client.streamable_http")
        from mcp import ClientSession  # same name in 1.x and 2.x

        self.ClientSession = ClientSession
        self._sh = sh
        if hasattr(sh, "httpx2"):
            # mcp 2.x: the transport is built on httpx2 and wants an httpx2.AsyncClient.
            import httpx2

            self.name = "mcp2: streamable_http_client(http_client=httpx2.AsyncClient)"
            self._http = httpx2
            self._modern = True
        elif hasattr(sh, "streamable_http_client"):
            self.name = "mcp1: streamable_http_client(http_client=httpx.AsyncClient)"
            self._http = httpx
            self._modern = True
        else:
            self.name = "mcp1 (old): streamablehttp_client(headers=...)"
            self._http = httpx
            self._modern = False

    @staticmethod
    def _version(dist: str) -> str:
        try:
            return version(dist)
        except PackageNotFoundError:
            return "unknown"

    @property
    def major(self) -> int:
        try:
            return int(self.sdk_version.split(".")[0])
        except ValueError:
            return 0

    async def open(self, stack: AsyncExitStack, headers: dict[str, str]) -> Any:
        """Enter a transport on `stack` and an initialized-not-yet ClientSession; return the session."""
        if self._modern:
            http_client = self._http.AsyncClient(
                headers=headers, timeout=self._http.Timeout(TIMEOUT, read=TIMEOUT)
            )
            await stack.enter_async_context(http_client)
            streams = await stack.enter_async_context(
                self._sh.streamable_http_client(URL, http_client=http_client)
            )
        else:
            streams = await stack.enter_async_context(
                self._sh.streamablehttp_client(URL, headers=headers, timeout=TIMEOUT, sse_read_timeout=TIMEOUT)
            )
        # 1.x yields (read, write, get_session_id); 2.x yields (read, write).
        read_stream, write_stream = streams[0], streams[1]
        return await stack.enter_async_context(self.ClientSession(read_stream, write_stream))


def text_of(result: dict[str, Any]) -> str:
    return "\n".join(c.get("text", "") for c in result.get("content", []) if c.get("type") == "text")


def clip(text: str, n: int = 200) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def summary(result: dict[str, Any]) -> str:
    return (f"isError={result.get('isError')!r} text={clip(text_of(result), 120)!r} "
            f"structuredContent={clip(json.dumps(result.get('structuredContent')))}")


async def call(session: Any, name: str, args: dict[str, Any]) -> dict[str, Any]:
    with anyio.fail_after(TIMEOUT):
        return wire(await session.call_tool(name, args))


async def order_desk_checks(session: Any, tool_names: list[str]) -> None:
    """The four tools of the order desk: list, search, profile, cancel (idempotent), refused cancel."""
    report(sorted(tool_names) == EXPECTED_TOOLS, f"tools/list lists exactly {EXPECTED_TOOLS}", f"tools: {tool_names}")

    found = await call(session, "search_orders", {"email": CUSTOMER_EMAIL})
    sc = found.get("structuredContent")
    orders = sc.get("orders") if isinstance(sc, dict) else None
    orders = orders if isinstance(orders, list) else []
    numbers = [str(o.get("order_number")) for o in orders if isinstance(o, dict)]
    emails_match = bool(orders) and all(
        isinstance(o, dict) and str(o.get("customer_email", "")).lower() == CUSTOMER_EMAIL.lower() for o in orders)
    report(found.get("isError", False) is False and bool(orders) and (SHIPPED_ORDER in numbers or emails_match),
           f"tools/call search_orders(email={CUSTOMER_EMAIL}) returns that customer's orders",
           f"isError={found.get('isError')!r}, orders={numbers}, all customer_email match={emails_match}, "
           f"more_available={sc.get('more_available') if isinstance(sc, dict) else None!r}")

    customer = await call(session, "get_customer", {"email": CUSTOMER_EMAIL})
    sc = customer.get("structuredContent")
    name = sc.get("name") if isinstance(sc, dict) else None
    report(customer.get("isError", False) is False and name == CUSTOMER_NAME,
           f"tools/call get_customer(email={CUSTOMER_EMAIL}) structuredContent.name == {CUSTOMER_NAME!r}",
           f"name={name!r}; {summary(customer)}")

    args = {"order_number": CANCEL_ORDER, "reason": "customer_request", "idempotency_key": CANCEL_KEY}
    first = await call(session, "cancel_order", args)
    sc1 = first.get("structuredContent") if isinstance(first.get("structuredContent"), dict) else {}
    if sc1.get("status") == "confirmation_required":
        # The first client to cancel: a preview with a token, then the call with it. Later ones
        # send the same key and get the completed cancellation replayed at once.
        token = sc1.get("confirmation_token")
        report(first.get("isError", False) is False and isinstance(token, str) and token in text_of(first)
               and "Nothing has been cancelled yet" in text_of(first),
               f"tools/call cancel_order({CANCEL_ORDER}) first asks for confirmation and cancels nothing",
               summary(first))
        first = await call(session, "cancel_order", {**args, "confirmation_token": token})
        sc1 = first.get("structuredContent") if isinstance(first.get("structuredContent"), dict) else {}
    want = "either value" if FIRST_REPLAYED is None else f"replayed={FIRST_REPLAYED!r}"
    report(first.get("isError", False) is False and sc1.get("status") == "cancelled"
           and str(sc1.get("order_number")) == CANCEL_ORDER
           and (FIRST_REPLAYED is None or sc1.get("replayed") is FIRST_REPLAYED),
           f"tools/call cancel_order({CANCEL_ORDER}, key {CANCEL_KEY}) -> cancelled, {want}",
           f"replayed={sc1.get('replayed')!r} (true when an earlier run or client already cancelled it); {summary(first)}")
    again = await call(session, "cancel_order", args)
    sc2 = again.get("structuredContent") if isinstance(again.get("structuredContent"), dict) else {}
    report(again.get("isError", False) is False and sc2.get("status") == "cancelled" and sc2.get("replayed") is True
           and sc2.get("cancelled_at") == sc1.get("cancelled_at"),
           f"tools/call cancel_order({CANCEL_ORDER}) repeated with the same key -> replayed, same cancelled_at",
           f"cancelled_at {sc1.get('cancelled_at')!r} then {sc2.get('cancelled_at')!r}; {summary(again)}")

    shipped = await call(session, "cancel_order", {"order_number": SHIPPED_ORDER, "reason": "other"})
    stext = text_of(shipped)
    report(shipped.get("isError") is True and "shipped" in stext.lower(),
           f"tools/call cancel_order({SHIPPED_ORDER}) (shipped order) is a tool error saying it has shipped",
           f"isError={shipped.get('isError')!r} text={clip(stext, 120)!r}")


async def authenticated_checks(api: Api) -> None:
    headers = {"x-api-key": KEY}
    try:
        with anyio.fail_after(TIMEOUT * 12):  # the whole connection, including teardown
            async with AsyncExitStack() as stack:
                # Entering the transport only starts its tasks (no I/O); it must not sit in a
                # nested cancel scope that ends before the stack does.
                session = await api.open(stack, headers)
                with anyio.fail_after(TIMEOUT):
                    init = wire(await session.initialize())
                name = (init.get("serverInfo") or {}).get("name")
                note(f"negotiated protocolVersion {init.get('protocolVersion')}, serverInfo {init.get('serverInfo')}")
                report(name == EXPECTED_SERVER_NAME, f"initialize with x-api-key; serverInfo.name == {EXPECTED_SERVER_NAME!r}",
                       f"got {name!r}")
                report("tools" in (init.get("capabilities") or {}), "server advertises the tools capability")

                with anyio.fail_after(TIMEOUT):
                    listed = wire(await session.list_tools())
                tool_names = [t["name"] for t in listed.get("tools", [])]
                tools = {t["name"]: t for t in listed.get("tools", [])}
                tool = tools.get(TOOL)
                report(tool is not None, f"tools/list includes {TOOL}", f"tools: {sorted(tools)}")
                schema = (tool or {}).get("inputSchema") or {}
                report(schema.get("type") == "object" and "order_number" in (schema.get("properties") or {}),
                       f"{TOOL} has an inputSchema with an order_number property", json.dumps(schema)[:200])

                with anyio.fail_after(TIMEOUT):
                    found = wire(await session.call_tool(TOOL, {"order_number": ORDER}))
                text = text_of(found)
                report(found.get("isError", False) is False, f"tools/call {TOOL}({ORDER}) is not an error",
                       f"isError={found.get('isError')!r} text={text[:120]!r}")
                report(ORDER in text, f"tools/call {TOOL}({ORDER}) text mentions the order number", f"text={text[:120]!r}")
                structured = found.get("structuredContent")
                got = structured.get("order_number") if isinstance(structured, dict) else None
                report(str(got) == ORDER, f"tools/call {TOOL}({ORDER}) structuredContent.order_number matches",
                       f"structuredContent={json.dumps(structured)[:200]}")

                with anyio.fail_after(TIMEOUT):
                    missing = wire(await session.call_tool(TOOL, {"order_number": MISSING}))
                mtext = text_of(missing)
                report(missing.get("isError") is True and bool(mtext.strip()),
                       f"tools/call {TOOL}({MISSING}) (missing order) is a tool error with a text",
                       f"isError={missing.get('isError')!r} text={mtext[:120]!r}")

                await order_desk_checks(session, tool_names)
    except BaseException as exc:  # noqa: BLE001 - report anything, including timeouts and groups
        if isinstance(exc, KeyboardInterrupt):
            raise
        report(False, "authenticated session ran to completion", describe_all(exc))


async def mcp2_modern_era_checks(api: Api) -> None:
    """mcp 2.x ships a client for the stateless 2026-07-28 era. Its high-level `Client` defaults to
    mode='auto': it POSTs a `server/discover` probe (Mcp-Protocol-Version: 2026-07-28, `_meta` with
    the version and client capabilities) and stays in the modern era when the server answers it,
    falling back to `initialize` only on a legacy server. mode='2026-07-28' adopts that version
    without a probe. This server speaks both eras on one endpoint, so both modes must end up in
    2026-07-28 (never the fallback) and list the tools, call a read tool and get a tool error."""
    from mcp.client.client import Client

    import httpx2

    for mode in ("auto", "2026-07-28"):
        what = f"mcp2 Client(mode={mode!r})"
        try:
            with anyio.fail_after(TIMEOUT * 5):
                async with httpx2.AsyncClient(headers={"x-api-key": KEY}, timeout=httpx2.Timeout(TIMEOUT)) as http:
                    transport = api._sh.streamable_http_client(URL, http_client=http)
                    async with Client(transport, mode=mode, cache=None) as client:
                        version = client.protocol_version
                        discovered = client.session.discover_result is not None
                        initialized = client.session.initialize_result is not None
                        name = getattr(client.server_info, "name", None)
                        listed = wire(await client.list_tools())
                        found = wire(await client.call_tool(TOOL, {"order_number": ORDER}))
                        missing = wire(await client.call_tool(TOOL, {"order_number": MISSING}))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            report(False, f"{what} connects, lists tools and calls {TOOL}", describe_all(exc))
            continue
        report(version == "2026-07-28" and discovered and not initialized,
               f"{what} stays in the 2026-07-28 era (no initialize fallback)",
               f"protocol {version}, discover result: {discovered}, initialize result: {initialized}")
        if mode == "auto":
            report(name == EXPECTED_SERVER_NAME, f"{what}: server/discover names the server in _meta",
                   f"serverInfo.name={name!r}")
        tool_names = [t["name"] for t in listed.get("tools", [])]
        report(sorted(tool_names) == EXPECTED_TOOLS, f"{what}: tools/list lists exactly {EXPECTED_TOOLS}",
               f"tools: {tool_names}")
        sc = found.get("structuredContent")
        report(found.get("isError", False) is False and isinstance(sc, dict) and str(sc.get("order_number")) == ORDER,
               f"{what}: tools/call {TOOL}({ORDER}) returns the order", summary(found))
        report(missing.get("isError") is True and bool(text_of(missing).strip()),
               f"{what}: tools/call {TOOL}({MISSING}) (missing order) is a tool error with a text", summary(missing))


async def mcp2_elicitation_checks(api: Api) -> None:
    """A cancellation confirmed through elicitation (2026-07-28): mcp 2.x's Client with an
    `elicitation_callback` declares the capability, the server answers the first call with
    `input_required` (an elicitation naming the order and its total, and a sealed requestState),
    the client shows it to the callback (standing in for the user) and retries with the answer.
    Declined: nothing changes. Accepted: the order is cancelled (or, on a second run against the
    same table, the first run's cancellation is replayed through its idempotency key)."""
    from mcp.client.client import Client
    from mcp_types import ElicitResult

    import httpx2

    for order, yes in ((DECLINE_ORDER, False), (ELICIT_ORDER, True)):
        asked: list[Any] = []

        async def user(context: Any, params: Any, yes: bool = yes, asked: list[Any] = asked) -> Any:
            asked.append(params)
            return ElicitResult(action="accept", content={"confirm": True}) if yes else ElicitResult(action="decline")

        args: dict[str, Any] = {"order_number": order, "reason": "customer_request"}
        if yes:
            args["idempotency_key"] = f"e2e-elicit-{order}"
        what = f"mcp2 Client elicitation: cancel_order({order}) {'accepted' if yes else 'declined'}"
        try:
            with anyio.fail_after(TIMEOUT * 5):
                async with httpx2.AsyncClient(headers={"x-api-key": KEY}, timeout=httpx2.Timeout(TIMEOUT)) as http:
                    transport = api._sh.streamable_http_client(URL, http_client=http)
                    async with Client(transport, mode="2026-07-28", cache=None, elicitation_callback=user) as client:
                        result = wire(await client.call_tool("cancel_order", args))
                        after = wire(await client.call_tool("get_order", {"order_number": order}))
        except BaseException as exc:  # noqa: BLE001
            if isinstance(exc, KeyboardInterrupt):
                raise
            report(False, what, describe_all(exc))
            continue
        sc = result.get("structuredContent") if isinstance(result.get("structuredContent"), dict) else {}
        status = (after.get("structuredContent") or {}).get("status")
        message = getattr(asked[0], "message", "") if asked else ""
        if yes:
            replayed = not asked and sc.get("replayed") is True
            ok = sc.get("status") == "cancelled" and status == "cancelled" and (order in message or replayed)
        else:
            ok = bool(asked) and order in message and sc.get("status") == "not_cancelled" and status != "cancelled"
        report(ok, what, f"asked {len(asked)} time(s): {clip(message, 100)!r}; order now {status!r}; {summary(result)}")


async def unauthenticated_checks(api: Api) -> None:
    # 1. Through the SDK: initialize without the key must fail (not hang, not succeed).
    outcome: str
    ok = False
    try:
        with anyio.fail_after(TIMEOUT):
            async with AsyncExitStack() as stack:
                session = await api.open(stack, {})
                await session.initialize()
        outcome = "initialize succeeded without a key"
    except TimeoutError:
        outcome = f"no answer within {TIMEOUT:g}s"
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        leaves = leaf_exceptions(exc)
        with_status = [(status_of(e), e) for e in leaves if status_of(e) is not None]
        if with_status:
            status, carrier = with_status[0]
            ok = status == 401
            outcome = f"HTTP {status} surfaced as {type(carrier).__module__}.{type(carrier).__name__}"
        elif any(type(e).__name__ in ("McpError", "MCPError") for e in leaves):
            # mcp 2.x turns a bare 4xx into a JSON-RPC error (MCPError) and drops the status code;
            # the raw check below pins the status. A connection error is not a refusal.
            ok = True
            outcome = describe_all(exc)
        else:
            outcome = describe_all(exc)
    report(ok, "SDK initialize without the key is refused", outcome)

    # 2. Raw HTTP: the exact status and challenge header.
    init_body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "lambda-mcp-e2e-raw", "version": "0"},
        },
    }
    base = {"content-type": "application/json", "accept": "application/json, text/event-stream"}
    try:
        with anyio.fail_after(TIMEOUT):
            async with httpx.AsyncClient(timeout=TIMEOUT) as raw:
                no_key = await raw.post(URL, json=init_body, headers=base)
                wrong_key = await raw.post(URL, json=init_body, headers={**base, "x-api-key": KEY + "-wrong"})
                bearer = await raw.post(URL, json=init_body, headers={**base, "authorization": f"Bearer {KEY}"})
    except BaseException as exc:  # noqa: BLE001
        if isinstance(exc, KeyboardInterrupt):
            raise
        report(False, "raw HTTP checks", describe(exc))
        return
    challenge = no_key.headers.get("www-authenticate")
    report(no_key.status_code == 401 and bool(challenge),
           "raw POST initialize without a key -> 401 with WWW-Authenticate",
           f"status {no_key.status_code}, WWW-Authenticate: {challenge!r}")
    report(wrong_key.status_code == 401, "raw POST initialize with a wrong key -> 401", f"status {wrong_key.status_code}")
    bearer_name = None
    if bearer.status_code == 200 and bearer.headers.get("content-type", "").startswith("application/json"):
        try:
            bearer_name = bearer.json().get("result", {}).get("serverInfo", {}).get("name")
        except ValueError:
            pass
    report(bearer.status_code == 200 and bearer_name == EXPECTED_SERVER_NAME,
           "raw POST initialize with Authorization: Bearer <key> -> 200 JSON",
           f"status {bearer.status_code}, content-type {bearer.headers.get('content-type')!r}, serverInfo.name={bearer_name!r}")


async def main() -> int:
    missing_env = [n for n, v in (("MCP_URL", URL), ("MCP_API_KEY", KEY), ("MCP_ORDER_NUMBER", ORDER)) if not v]
    if missing_env:
        print(f"usage: set {', '.join(missing_env)} (see the docstring of {sys.argv[0]})", file=sys.stderr)
        return 2
    api = Api()
    note(f"python {sys.version.split()[0]}, mcp {api.sdk_version}, api {api.name}")
    await authenticated_checks(api)
    if api.major >= 2 and os.environ.get("MCP_SKIP_AUTO_MODE") != "1":
        await mcp2_modern_era_checks(api)
        await mcp2_elicitation_checks(api)
    await unauthenticated_checks(api)
    note(f"{failures} check(s) failed" if failures else "all checks passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(anyio.run(main))
