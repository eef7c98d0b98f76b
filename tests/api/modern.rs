//! The stateless era (2026-07-28) through the real handler: `server/discover`, cacheable lists,
//! `resultType` and `serverInfo` on results, the `_meta` and header rules with their error codes,
//! multi round-trip results, and the legacy era answered unchanged by the same application.

use std::sync::Arc;

use crate::helpers::App;
use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::AwsContext;
use lambda_mcp::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};
use serde_json::{Map, Value, json};

use crate::helpers::{Answer, KEY, ORDER, Settings, app, aws_settings, create_secret, moto, post, rpc, send};

const V: &str = "2026-07-28";
const ORDER_DESK: [&str; 4] = ["search_orders", "get_order", "get_customer", "cancel_order"];
/// Every version the endpoint serves, both eras, newest first.
const SERVED: [&str; 5] = ["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"];

fn meta() -> Value {
    json!({"io.modelcontextprotocol/protocolVersion": V, "io.modelcontextprotocol/clientCapabilities": {}})
}

/// A modern request body: `params` with the standard `_meta` added.
fn body(id: Value, method: &str, mut params: Value) -> Value {
    params["_meta"] = meta();
    json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params})
}

/// POSTs `body` with the key, JSON content type and exactly `headers` besides.
async fn send_with(app: &App, body: &Value, headers: &[(&str, &str)]) -> Answer {
    let mut all = vec![("x-api-key", KEY), ("content-type", "application/json")];
    all.extend_from_slice(headers);
    send(app, post(&body.to_string(), &all)).await
}

/// POSTs a well-formed modern request: the body's method and tool name mirrored in the headers.
async fn modern(app: &App, body: &Value) -> Answer {
    let method = body["method"].as_str().unwrap();
    let mut headers = vec![("mcp-protocol-version", V), ("mcp-method", method)];
    if let Some(name) = body["params"]["name"].as_str() {
        headers.push(("mcp-name", name));
    }
    send_with(app, body, &headers).await
}

/// Asserts a JSON-RPC error reply: HTTP status, error code, and the request id echoed.
fn assert_error(answer: &Answer, status: u16, code: i64, id: Value) -> Value {
    assert_eq!(answer.status, status, "{}", answer.text);
    let json = answer.json();
    assert_eq!(json["error"]["code"], code, "{}", answer.text);
    assert_eq!(json["id"], id, "{}", answer.text);
    assert!(json.get("result").is_none());
    json["error"].clone()
}

/// Asserts a modern success: 200, the id, `resultType: complete` and the server named in `_meta`.
fn assert_complete(answer: &Answer, id: Value) -> Value {
    assert_eq!(answer.status, 200, "{}", answer.text);
    let json = answer.json();
    assert_eq!(json["id"], id);
    let result = json["result"].clone();
    assert_eq!(result["resultType"], "complete", "{result}");
    let info = &result["_meta"]["io.modelcontextprotocol/serverInfo"];
    assert_eq!((info["name"].as_str(), info["title"].as_str()), (Some("lambda-mcp"), Some("Order desk")), "{result}");
    assert!(info["version"].as_str().is_some_and(|v| !v.is_empty()), "{result}");
    result
}

fn tool_names(result: &Value) -> Vec<String> {
    result["tools"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect()
}

#[tokio::test]
async fn server_discover_lists_the_version_capabilities_and_identity_and_may_be_cached() {
    let app = app().await;
    let answer = modern(&app, &body(json!("d-1"), "server/discover", json!({}))).await;
    let result = assert_complete(&answer, json!("d-1"));
    // Every version the endpoint serves, newest first: a legacy-only client learns it may still
    // initialize (the spec's own -32022 example lists both eras).
    assert_eq!(result["supportedVersions"], json!(SERVED));
    assert_eq!(result["capabilities"], json!({"tools": {"listChanged": false}}), "tools only");
    assert!(result["instructions"].as_str().unwrap().contains("get_order"));
    assert!(result["ttlMs"].as_u64().is_some_and(|ttl| ttl > 0), "{result}");
    assert!(matches!(result["cacheScope"].as_str(), Some("public" | "private")), "{result}");
    for legacy in ["protocolVersion", "serverInfo"] {
        assert!(result.get(legacy).is_none(), "`{legacy}` belongs to the initialize result");
    }
}

#[tokio::test]
async fn tools_list_is_cacheable_and_in_a_stable_order() {
    let app = app().await;
    let mut orders = Vec::new();
    for id in 1..=3 {
        let result = assert_complete(&modern(&app, &body(json!(id), "tools/list", json!({}))).await, json!(id));
        assert!(result["ttlMs"].as_u64().is_some_and(|ttl| ttl > 0), "{result}");
        assert!(matches!(result["cacheScope"].as_str(), Some("public" | "private")), "{result}");
        assert!(result.get("nextCursor").is_none());
        orders.push(tool_names(&result));
    }
    assert_eq!(orders[0], ORDER_DESK, "registration order");
    assert!(orders.iter().all(|o| *o == orders[0]), "{orders:?}");
}

#[tokio::test]
async fn tools_call_runs_a_tool_and_marks_the_result_complete() {
    let app = app().await;
    let call = body(json!(7), "tools/call", json!({"name": "get_order", "arguments": {"order_number": ORDER}}));
    let result = assert_complete(&modern(&app, &call).await, json!(7));
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(result["structuredContent"]["order_number"], ORDER);
    assert!(result["content"][0]["text"].as_str().unwrap().contains(ORDER));
    let missing = body(json!(8), "tools/call", json!({"name": "get_order", "arguments": {"order_number": "9999999"}}));
    let result = assert_complete(&modern(&app, &missing).await, json!(8));
    assert_eq!(result["isError"], true, "a tool failure is a complete result with isError: {result}");
}

#[tokio::test]
async fn a_request_without_its_meta_is_400_invalid_params_with_the_request_id() {
    let app = app().await;
    let headers = [("mcp-protocol-version", V), ("mcp-method", "tools/list")];
    for (id, params) in [
        (json!(11), json!({})),
        (json!("no-caps"), json!({"_meta": {"io.modelcontextprotocol/protocolVersion": V}})),
        (json!(12), json!({"_meta": {"io.modelcontextprotocol/clientCapabilities": {}}})),
        (
            json!(13),
            json!({"_meta": {"io.modelcontextprotocol/protocolVersion": 2026, "io.modelcontextprotocol/clientCapabilities": {}}}),
        ),
    ] {
        let request = json!({"jsonrpc": "2.0", "id": id, "method": "tools/list", "params": params});
        assert_error(&send_with(&app, &request, &headers).await, 400, -32602, id);
    }
}

#[tokio::test]
async fn a_version_header_that_disagrees_with_the_meta_is_a_header_mismatch() {
    let app = app().await;
    let list = body(json!(21), "tools/list", json!({}));
    for version in [Some("2025-11-25"), Some("2025-06-18"), None] {
        let mut headers = vec![("mcp-method", "tools/list")];
        headers.extend(version.map(|v| ("mcp-protocol-version", v)));
        let answer = send_with(&app, &list, &headers).await;
        let error = assert_error(&answer, 400, -32020, json!(21));
        assert!(error["message"].as_str().unwrap().contains("MCP-Protocol-Version"), "{error}");
    }
    // The header names the modern revision, the body another one.
    let mut other = body(json!(22), "tools/list", json!({}));
    other["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!("2025-11-25");
    assert_error(&modern(&app, &other).await, 400, -32020, json!(22));
}

#[tokio::test]
async fn an_unsupported_version_is_32022_with_the_supported_and_requested_versions() {
    let app = app().await;
    for (id, requested) in [(31, "2099-01-01"), (32, "2025-11-25"), (33, "2026-07-28-draft")] {
        let mut list = body(json!(id), "tools/list", json!({}));
        list["params"]["_meta"]["io.modelcontextprotocol/protocolVersion"] = json!(requested);
        let headers = [("mcp-protocol-version", requested), ("mcp-method", "tools/list")];
        let error = assert_error(&send_with(&app, &list, &headers).await, 400, -32022, json!(id));
        assert_eq!(error["data"]["supported"], json!(SERVED), "{error}");
        assert_eq!(error["data"]["requested"], requested, "{error}");
    }
}

#[tokio::test]
async fn mcp_method_must_be_present_and_equal_to_the_body_method() {
    let app = app().await;
    let list = body(json!(41), "tools/list", json!({}));
    for method in [None, Some("tools/call"), Some("Tools/List"), Some("tools/list/")] {
        let mut headers = vec![("mcp-protocol-version", V)];
        headers.extend(method.map(|m| ("mcp-method", m)));
        let error = assert_error(&send_with(&app, &list, &headers).await, 400, -32020, json!(41));
        assert!(error["message"].as_str().unwrap().contains("Mcp-Method"), "{method:?}: {error}");
    }
    // Whitespace around a header value is not part of it.
    let padded = send_with(&app, &list, &[("mcp-protocol-version", V), ("mcp-method", " tools/list ")]).await;
    assert_complete(&padded, json!(41));
}

#[tokio::test]
async fn mcp_name_must_carry_the_tool_name_plainly_or_base64_encoded() {
    let app = app().await;
    let call = body(json!(51), "tools/call", json!({"name": "get_order", "arguments": {"order_number": ORDER}}));
    let with_name = |name: Option<&'static str>| {
        let mut headers = vec![("mcp-protocol-version", V), ("mcp-method", "tools/call")];
        headers.extend(name.map(|n| ("mcp-name", n)));
        headers
    };
    for accepted in ["get_order", "  get_order\t", "=?base64?Z2V0X29yZGVy?="] {
        let result = assert_complete(&send_with(&app, &call, &with_name(Some(accepted))).await, json!(51));
        assert_eq!(result["structuredContent"]["order_number"], ORDER, "{accepted:?}");
    }
    for refused in [
        None,
        Some("search_orders"),
        Some("GET_ORDER"),
        Some("=?base64?c2VhcmNoX29yZGVycw==?="), // search_orders
        Some("=?base64?Z2V0X29yZGVy?"),          // no sentinel suffix: literal, and not the name
        Some("=?base64?Z2V0X29yZGVy=?="),        // bad padding
        Some("=?base64?!!!?="),
    ] {
        let answer = send_with(&app, &call, &with_name(refused)).await;
        let error = assert_error(&answer, 400, -32020, json!(51));
        assert!(error["message"].as_str().unwrap().contains("Mcp-Name"), "{refused:?}: {error}");
    }
}

#[tokio::test]
async fn methods_this_revision_removed_or_never_had_are_404_method_not_found() {
    let app = app().await;
    for (id, method) in [
        (61, "initialize"),
        (62, "ping"),
        (63, "logging/setLevel"),
        (64, "resources/list"),
        (65, "prompts/get"),
        (66, "completion/complete"),
        (67, "no/such-method"),
    ] {
        let mut request = body(json!(id), method, json!({}));
        if method == "initialize" {
            request["params"]["protocolVersion"] = json!(V);
        }
        let error = assert_error(&modern(&app, &request).await, 404, -32601, json!(id));
        assert!(error["message"].as_str().unwrap().contains(method), "{error}");
    }
}

#[tokio::test]
async fn a_batch_is_400_invalid_request_in_the_modern_era() {
    let app = app().await;
    let batch = json!([body(json!(71), "tools/list", json!({})), body(json!(72), "server/discover", json!({}))]);
    let answer = send_with(&app, &batch, &[("mcp-protocol-version", V), ("mcp-method", "tools/list")]).await;
    assert_error(&answer, 400, -32600, Value::Null);
}

#[tokio::test]
async fn the_legacy_era_is_served_unchanged_by_the_same_app_between_modern_requests() {
    let app = app().await;
    let modern_list = body(json!(1), "tools/list", json!({}));
    let legacy = |method: &str, params: Value| json!({"jsonrpc": "2.0", "id": 2, "method": method, "params": params});
    let init = legacy(
        "initialize",
        json!({"protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}),
    );
    for _ in 0..2 {
        assert_complete(&modern(&app, &modern_list).await, json!(1));

        let answer = send(&app, rpc(&init, None)).await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let result = &answer.json()["result"];
        assert_eq!(result["protocolVersion"], "2025-11-25");
        assert_eq!(result["serverInfo"]["name"], "lambda-mcp");
        assert!(result.get("resultType").is_none() && result.get("_meta").is_none(), "{result}");

        let answer = send(&app, rpc(&legacy("tools/list", json!({})), Some("2025-11-25"))).await;
        let result = &answer.json()["result"];
        assert_eq!(tool_names(result), ORDER_DESK);
        for modern_only in ["resultType", "ttlMs", "cacheScope", "_meta"] {
            assert!(result.get(modern_only).is_none(), "legacy tools/list carries {modern_only}: {result}");
        }

        let answer = send(&app, rpc(&legacy("ping", json!({})), Some("2025-06-18"))).await;
        assert_eq!((answer.status, answer.json()["result"].clone()), (200, json!({})));

        let call = legacy("tools/call", json!({"name": "get_order", "arguments": {"order_number": ORDER}}));
        let result = send(&app, rpc(&call, Some("2025-06-18"))).await.json()["result"].clone();
        assert_eq!(result["structuredContent"]["order_number"], ORDER);
        assert!(result.get("resultType").is_none(), "{result}");

        // server/discover is not a legacy method.
        let answer = send(&app, rpc(&legacy("server/discover", json!({})), Some("2025-11-25"))).await;
        assert_eq!((answer.status, answer.json()["error"]["code"].clone()), (200, json!(-32601)));
    }
}

#[tokio::test]
async fn one_request_never_mixes_the_eras() {
    let app = app().await;
    // A legacy version header with a body that names the modern revision: served (and refused)
    // by the modern rules, never answered as legacy.
    let list = body(json!(81), "tools/list", json!({}));
    let answer = send_with(&app, &list, &[("mcp-protocol-version", "2025-11-25"), ("mcp-method", "tools/list")]).await;
    assert_error(&answer, 400, -32020, json!(81));
    // The modern header without `_meta`: modern rules (no silent legacy fallback).
    let bare = json!({"jsonrpc": "2.0", "id": 82, "method": "ping"});
    let answer = send_with(&app, &bare, &[("mcp-protocol-version", V), ("mcp-method", "ping")]).await;
    assert_error(&answer, 400, -32602, json!(82));
    // A legacy request is not held to the modern header rules.
    let ping = json!({"jsonrpc": "2.0", "id": 83, "method": "ping"});
    let answer = send_with(&app, &ping, &[("mcp-method", "tools/list")]).await;
    assert_eq!((answer.status, answer.json()["result"].clone()), (200, json!({})));
}

// --- Tools that only the modern era can serve: a custom registry through the public API. ---

#[derive(Debug, serde::Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoArguments {}

/// Asks for a name (multi round-trip) behind an integrity-checked state, and needs elicitation.
struct AskName;

impl Tool for AskName {
    type Params = NoArguments;
    type Output = ();
    const NAME: &'static str = "ask_name";
    const TITLE: &'static str = "Ask name";
    const DESCRIPTION: &'static str = "Asks the user's name.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;

    fn required_client_capabilities() -> Option<Map<String, Value>> {
        json!({"elicitation": {}}).as_object().cloned()
    }

    async fn call(&self, _: NoArguments, ctx: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        match (ctx.request_state.as_deref(), ctx.input_responses.as_ref().and_then(|r| r.get("name"))) {
            (Some("signed"), Some(answer)) => Ok(ToolOutput::new(format!("Hello, {}!", answer["content"]["name"]), ())),
            (Some("signed") | None, _) => {
                let ask = json!({"method": "elicitation/create", "params": {"message": "Name?", "requestedSchema":
                    {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]}}});
                Ok(ToolOutput::input_required(
                    json!({"name": ask}).as_object().cloned().unwrap(),
                    Some("signed".into()),
                ))
            }
            (Some(_), _) => Err(ToolError::invalid_params("Invalid params: `requestState` failed its integrity check")),
        }
    }
}

/// Mirrors `region` in `Mcp-Param-Region`.
struct InRegion;

impl Tool for InRegion {
    type Params = Value;
    type Output = ();
    const NAME: &'static str = "in_region";
    const TITLE: &'static str = "In region";
    const DESCRIPTION: &'static str = "Echoes the region.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;

    fn input_schema() -> Value {
        json!({"type": "object", "properties": {"region": {"type": "string", "x-mcp-header": "Region"}}})
    }

    async fn call(&self, arguments: Value, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new(format!("region {}", arguments["region"]), ()))
    }
}

async fn custom_app() -> App {
    let secret = create_secret(KEY).await;
    let mut tools = ToolRegistry::new();
    tools.register(AskName);
    tools.register(InRegion);
    let aws = Arc::new(AwsContext::new(aws_settings(moto())));
    app::endpoint(Settings::new(&secret).await.config, aws, lambda_mcp::order_desk::server_info(), tools)
}

fn call_body(id: i64, name: &str, extra: Value, capabilities: Value) -> Value {
    let mut params = json!({"name": name, "arguments": {}});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    let mut request = body(json!(id), "tools/call", params);
    request["params"]["_meta"]["io.modelcontextprotocol/clientCapabilities"] = capabilities;
    request
}

#[tokio::test]
async fn a_tool_can_ask_for_input_across_rounds_and_refuse_a_bad_state_with_32602() {
    let app = custom_app().await;
    let caps = json!({"elicitation": {}});
    let answer = modern(&app, &call_body(1, "ask_name", json!({}), caps.clone())).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    let result = &answer.json()["result"];
    assert_eq!(result["resultType"], "input_required", "{result}");
    assert_eq!(result["inputRequests"]["name"]["method"], "elicitation/create");
    assert_eq!(result["requestState"], "signed");
    assert!(result.get("content").is_none() && result.get("isError").is_none(), "{result}");
    assert_eq!(result["_meta"]["io.modelcontextprotocol/serverInfo"]["name"], "lambda-mcp");

    let reply =
        json!({"inputResponses": {"name": {"action": "accept", "content": {"name": "Ada"}}}, "requestState": "signed"});
    let result = assert_complete(&modern(&app, &call_body(2, "ask_name", reply, caps.clone())).await, json!(2));
    assert_eq!(result["content"][0]["text"], "Hello, \"Ada\"!");

    let tampered =
        json!({"inputResponses": {"name": {"action": "accept", "content": {"name": "Ada"}}}, "requestState": "forged"});
    let error = assert_error(&modern(&app, &call_body(3, "ask_name", tampered, caps)).await, 200, -32602, json!(3));
    assert!(error["message"].as_str().unwrap().contains("requestState"), "{error}");
}

#[tokio::test]
async fn a_tool_that_needs_an_undeclared_capability_is_400_32021_before_it_runs() {
    let app = custom_app().await;
    let answer = modern(&app, &call_body(4, "ask_name", json!({}), json!({"sampling": {}}))).await;
    let error = assert_error(&answer, 400, -32021, json!(4));
    assert_eq!(error["data"]["requiredCapabilities"], json!({"elicitation": {}}), "{error}");
}

#[tokio::test]
async fn a_legacy_client_cannot_be_asked_for_input_and_gets_a_tool_error() {
    let app = custom_app().await;
    let call =
        json!({"jsonrpc": "2.0", "id": 5, "method": "tools/call", "params": {"name": "ask_name", "arguments": {}}});
    let answer = send(&app, rpc(&call, Some("2025-11-25"))).await;
    let result = &answer.json()["result"];
    assert_eq!(result["isError"], true, "{result}");
    assert!(result.get("inputRequests").is_none() && result.get("resultType").is_none(), "{result}");
}

#[tokio::test]
async fn a_parameter_marked_x_mcp_header_must_be_mirrored_in_mcp_param() {
    let app = custom_app().await;
    let call = |region: Value| {
        let mut request = call_body(6, "in_region", json!({}), json!({}));
        request["params"]["arguments"] = json!({"region": region});
        request
    };
    let headers = |param: Option<&'static str>| {
        let mut h = vec![("mcp-protocol-version", V), ("mcp-method", "tools/call"), ("mcp-name", "in_region")];
        h.extend(param.map(|p| ("mcp-param-region", p)));
        h
    };
    for (region, header) in [
        ("us-west1", "us-west1"),
        ("Hello", "=?base64?SGVsbG8=?="),
        ("SGVsbG8=", "SGVsbG8="),                   // no sentinel: literal
        ("=?base64?SGVsbG8=", "=?base64?SGVsbG8="), // no suffix: literal
    ] {
        let result = assert_complete(&send_with(&app, &call(json!(region)), &headers(Some(header))).await, json!(6));
        assert_eq!(result["content"][0]["text"], format!("region \"{region}\""), "{header}");
    }
    for (region, header) in [
        ("us-west1", None),
        ("us-west1", Some("eu-west1")),
        ("Hello", Some("=?base64?SGVsbG8?=")),     // bad padding
        ("Hello", Some("=?base64?SGVs!!!bG8=?=")), // not Base64
    ] {
        let answer = send_with(&app, &call(json!(region)), &headers(header)).await;
        let error = assert_error(&answer, 400, -32020, json!(6));
        assert!(error["message"].as_str().unwrap().contains("Mcp-Param-Region"), "{header:?}: {error}");
    }
    // No value in the body: nothing to mirror.
    let mut empty = call(Value::Null);
    empty["params"]["arguments"] = json!({});
    assert_complete(&send_with(&app, &empty, &headers(None)).await, json!(6));
}
