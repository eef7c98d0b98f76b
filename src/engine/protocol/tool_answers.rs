//! A tool's success answered in every era exactly as when it was built as a `serde_json::Value`
//! (each expected document below is that answer, written out): a single legacy request, a
//! 2025-03-26 batch holding the call, and a 2026-07-28 request (`resultType` and the server named
//! in `_meta`, beside the tool's own session write-back).

use serde_json::{Value, json};

use super::headers::{HeaderText, McpHeaders};
use super::{Exchange, Handled, McpServer, Reply, Status};
use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};

/// The structured output, its fields in sorted order: a `Value` of it serialises them in the same
/// order, so the answer must match the reference byte for byte, not only as parsed JSON.
#[derive(Debug, Default, serde::Serialize, schemars::JsonSchema)]
struct Found {
    /// How many.
    count: u32,
    /// Who.
    names: Vec<String>,
    /// Nothing, here.
    note: Option<String>,
    /// A fraction.
    ratio: f64,
}

/// A tool answering with text to escape, structured output and a session write-back.
struct Lookup;

impl Tool for Lookup {
    type Params = serde_json::Map<String, Value>;
    type Output = Found;
    const NAME: &'static str = "lookup";
    const TITLE: &'static str = "Lookup";
    const DESCRIPTION: &'static str = "Finds two names.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;

    async fn call(&self, _: Self::Params, _: &CallContext) -> Result<ToolOutput<Found>, ToolError> {
        let found = Found { count: 2, names: vec!["Ann \"A\"".into(), "Bö\u{1}".into()], note: None, ratio: 0.1 };
        Ok(ToolOutput::new("Two names:\n| Ann | Bö |", found).with_session_value("last_lookup", "ann"))
    }
}

fn server() -> McpServer {
    let mut tools = ToolRegistry::new();
    tools.register(Lookup);
    McpServer::new(super::tests::test_info(), tools)
}

/// The legacy `CallToolResult` of [`Lookup`].
fn legacy_result() -> Value {
    json!({
        "content": [{"type": "text", "text": "Two names:\n| Ann | Bö |"}],
        "isError": false,
        "structuredContent": {"count": 2, "names": ["Ann \"A\"", "Bö\u{1}"], "note": null, "ratio": 0.1},
        "_meta": {"moveo/context": {"context": {"last_lookup": "ann"}}},
    })
}

fn call(id: i64, meta: Option<Value>) -> Value {
    let mut params = json!({"name": "lookup", "arguments": {}});
    if let Some(meta) = meta {
        params["_meta"] = meta;
    }
    json!({"jsonrpc": "2.0", "id": id, "method": "tools/call", "params": params})
}

/// The reply's status and body text.
async fn answer(body: &Value, headers: McpHeaders) -> (Status, String) {
    let exchange = Exchange { headers, ..Exchange::default() };
    let reply = server().handle_body(body.to_string().as_bytes(), &exchange, 50, &mut Handled::default()).await;
    match reply {
        Reply::Json { status, body } => (status, body.to_string()),
        Reply::Text { status, body } => (status, body),
        Reply::Accepted => panic!("a request must be answered"),
    }
}

fn version(v: &str) -> McpHeaders {
    McpHeaders { protocol_version: HeaderText::Present(v.into()), ..McpHeaders::default() }
}

/// `body` is `expected`, parsed and as text.
fn assert_document(body: &str, expected: &Value) {
    let parsed: Value = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body}"));
    assert_eq!(&parsed, expected);
    assert_eq!(body, expected.to_string(), "same keys in the same order");
}

#[tokio::test]
async fn a_legacy_tool_success_is_the_document_it_always_was() {
    for headers in [McpHeaders::default(), version("2025-06-18")] {
        let (status, body) = answer(&call(1, None), headers).await;
        assert_eq!(status, Status::Ok);
        assert_document(&body, &json!({"jsonrpc": "2.0", "id": 1, "result": legacy_result()}));
    }
}

#[tokio::test]
async fn a_batch_holding_a_tool_call_answers_it_as_a_single_request_would() {
    let batch = json!([call(1, None), {"jsonrpc": "2.0", "id": "p", "method": "ping"}, call(3, None)]);
    let (status, body) = answer(&batch, version("2025-03-26")).await;
    assert_eq!(status, Status::Ok);
    let expected = json!([
        {"jsonrpc": "2.0", "id": 1, "result": legacy_result()},
        {"jsonrpc": "2.0", "id": "p", "result": {}},
        {"jsonrpc": "2.0", "id": 3, "result": legacy_result()},
    ]);
    assert_document(&body, &expected);
}

#[tokio::test]
async fn a_modern_tool_success_is_complete_and_names_the_server_beside_the_session_write_back() {
    let meta = json!({
        "io.modelcontextprotocol/protocolVersion": "2026-07-28",
        "io.modelcontextprotocol/clientCapabilities": {},
    });
    let headers = McpHeaders {
        method: HeaderText::Present("tools/call".into()),
        name: HeaderText::Present("lookup".into()),
        ..version("2026-07-28")
    };
    let (status, body) = answer(&call(7, Some(meta)), headers).await;
    assert_eq!(status, Status::Ok);
    let mut result = legacy_result();
    result["resultType"] = json!("complete");
    result["_meta"]["io.modelcontextprotocol/serverInfo"] =
        json!({"name": "test-server", "title": "Test", "version": "0.0.0"});
    assert_document(&body, &json!({"jsonrpc": "2.0", "id": 7, "result": result}));
}
