//! Our wire format cross-checked against an independent implementation: rmcp's model types
//! must accept every result this server sends; and a tool's result is one document in every era.

use rmcp::model::{CallToolResult, InitializeResult, ListToolsResult};
use serde_json::{Value, json};

use crate::helpers::{App, KEY, ORDER, app, data_set, post, rpc, send};

async fn result(body: Value, version: Option<&str>) -> Value {
    let app = app().await;
    let answer = send(&app, rpc(&body, version)).await;
    let json = answer.json();
    assert_eq!(json["jsonrpc"], "2.0");
    json["result"].clone()
}

#[tokio::test]
async fn initialize_parses_as_rmcp_initialize_result() {
    let r = result(json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}), None).await;
    let parsed: InitializeResult = serde_json::from_value(r).expect("rmcp accepts our initialize result");
    assert_eq!(parsed.server_info.name, "lambda-mcp");
    assert!(parsed.capabilities.tools.is_some());
}

#[tokio::test]
async fn tools_list_parses_as_rmcp_list_tools_result() {
    let r = result(json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}), Some("2025-06-18")).await;
    let parsed: ListToolsResult = serde_json::from_value(r).expect("rmcp accepts our tools/list result");
    let tool = parsed.tools.iter().find(|t| t.name == "get_order").unwrap();
    assert!(tool.output_schema.is_some());
    assert_eq!(tool.annotations.as_ref().and_then(|a| a.read_only_hint), Some(true));
}

#[tokio::test]
async fn tool_results_parse_as_rmcp_call_tool_result() {
    for (number, is_error) in [(ORDER, false), ("9999999", true)] {
        let r = result(
            json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{"order_number":number}}}),
            Some("2025-06-18"),
        )
        .await;
        let parsed: CallToolResult = serde_json::from_value(r).expect("rmcp accepts our tools/call result");
        assert_eq!(parsed.is_error, Some(is_error));
        assert!(!parsed.content.is_empty());
    }
}

const SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";

/// The result of `call` sent the 2026-07-28 way: `_meta` and the headers mirroring the body.
async fn modern_result(app: &App, call: &Value) -> Value {
    let mut call = call.clone();
    call["params"]["_meta"] = json!({"io.modelcontextprotocol/protocolVersion": "2026-07-28", "io.modelcontextprotocol/clientCapabilities": {}});
    let name = call["params"]["name"].as_str().unwrap().to_owned();
    let headers = [
        ("x-api-key", KEY),
        ("content-type", "application/json"),
        ("mcp-protocol-version", "2026-07-28"),
        ("mcp-method", "tools/call"),
        ("mcp-name", name.as_str()),
    ];
    let answer = send(app, post(&call.to_string(), &headers)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["result"].clone()
}

#[tokio::test]
async fn a_tool_result_is_the_same_document_in_every_era() {
    let app = app().await;
    let email = data_set().customers.into_iter().find(|c| c.order_count >= 3).unwrap().email;
    for (name, arguments) in [
        ("search_orders", json!({"email": email, "limit": 3})),
        ("search_orders", json!({"order_number": ORDER})),
        ("get_order", json!({"order_number": ORDER})),
        ("get_customer", json!({"email": email})),
        ("get_order", json!({"order_number": "9999999"})),
    ] {
        let call = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": name, "arguments": arguments}});
        let single = send(&app, rpc(&call, Some("2025-06-18"))).await.json();
        assert_eq!(single["id"], 1);
        let legacy = single["result"].clone();
        assert!(legacy["content"][0]["text"].as_str().is_some_and(|t| !t.is_empty()), "{legacy}");
        assert!(legacy.get("resultType").is_none(), "{legacy}");
        serde_json::from_value::<CallToolResult>(legacy.clone()).expect("rmcp accepts the legacy result");

        let ping = json!({"jsonrpc": "2.0", "id": "p", "method": "ping"});
        let batch = send(&app, rpc(&json!([ping, call]), Some("2025-03-26"))).await.json();
        assert_eq!(batch[0], json!({"jsonrpc": "2.0", "id": "p", "result": {}}));
        assert_eq!(batch[1], single, "a batch answers the call as a single request is answered");

        let mut modern = modern_result(&app, &call).await;
        serde_json::from_value::<CallToolResult>(modern.clone()).expect("rmcp accepts the modern result");
        let object = modern.as_object_mut().unwrap();
        assert_eq!(object.remove("resultType"), Some(json!("complete")));
        let meta = object.get_mut("_meta").and_then(Value::as_object_mut).expect("the server named in `_meta`");
        assert_eq!(meta.remove(SERVER_INFO).unwrap()["name"], "lambda-mcp");
        if meta.is_empty() {
            object.remove("_meta");
        }
        assert_eq!(modern, legacy, "{name} {arguments}: the modern result is the legacy one, complete and signed");
    }
    // The lookup by number writes the session back: `_meta` holds the tool's entry beside the server's.
    let call = json!({"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "search_orders", "arguments": {"order_number": ORDER}}});
    let meta = &modern_result(&app, &call).await["_meta"];
    assert!(meta["moveo/context"]["context"].is_object() && meta[SERVER_INFO].is_object(), "{meta}");
}
