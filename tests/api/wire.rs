//! Our wire format cross-checked against an independent implementation: rmcp's model types
//! must accept every result this server sends.

use rmcp::model::{CallToolResult, InitializeResult, ListToolsResult};
use serde_json::{Value, json};

use crate::helpers::{ORDER, app, rpc, send};

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
