//! JSON-RPC and MCP behaviour through the real handler.

use serde_json::{Value, json};

use crate::helpers::{KEY, app, post, rpc, send};

async fn exchange(body: Value, version: Option<&str>) -> (u16, Value) {
    let app = app().await;
    let answer = send(&app, rpc(&body, version)).await;
    let json = if answer.text.is_empty() { Value::Null } else { answer.json() };
    (answer.status, json)
}

#[tokio::test]
async fn notifications_and_client_responses_get_202_with_an_empty_body() {
    let app = app().await;
    for body in [
        json!({"jsonrpc":"2.0","method":"notifications/initialized"}),
        json!({"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":1}}),
        json!({"jsonrpc":"2.0","method":"notifications/something-new"}),
        json!({"jsonrpc":"2.0","id":5,"result":{}}),
        json!({"jsonrpc":"2.0","id":5,"error":{"code":-1,"message":"no"}}),
    ] {
        let answer = send(&app, rpc(&body, Some("2025-06-18"))).await;
        assert_eq!(answer.status, 202, "{body}");
        assert!(answer.text.is_empty());
    }
}

#[tokio::test]
async fn invalid_envelopes_are_400_with_invalid_request() {
    for (body, id) in [
        (json!({"jsonrpc":"1.0","id":1,"method":"ping"}), json!(1)),
        (json!({"id":"x","method":"ping"}), json!("x")),
        (json!({"jsonrpc":"2.0","id":1.5,"method":"ping"}), Value::Null),
        (json!({"jsonrpc":"2.0","id":[1],"method":"ping"}), Value::Null),
        (json!({"jsonrpc":"2.0","id":1,"method":7}), json!(1)),
        (json!({"jsonrpc":"2.0","id":1,"method":"ping","params":"x"}), json!(1)),
        (json!("just a string"), Value::Null),
        (json!(42), Value::Null),
    ] {
        let (status, answer) = exchange(body.clone(), Some("2025-06-18")).await;
        assert_eq!(status, 400, "{body}");
        assert_eq!(answer["error"]["code"], -32600, "{body}");
        assert_eq!(answer["id"], id, "{body}");
        assert_eq!(answer["jsonrpc"], "2.0");
    }
}

#[tokio::test]
async fn a_body_that_is_not_json_is_a_parse_error() {
    let app = app().await;
    for body in ["{", "not json", "", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing"] {
        let answer = send(&app, post(body, &[("x-api-key", KEY), ("content-type", "application/json")])).await;
        assert_eq!(answer.status, 400, "{body:?}");
        assert_eq!(answer.json()["error"]["code"], -32700);
        assert!(answer.json()["id"].is_null());
    }
}

#[tokio::test]
async fn unknown_methods_are_32601_with_the_request_id() {
    let (status, answer) =
        exchange(json!({"jsonrpc":"2.0","id":"r1","method":"resources/list"}), Some("2025-06-18")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["error"]["code"], -32601);
    assert_eq!(answer["id"], "r1");
}

#[tokio::test]
async fn ping_answers_an_empty_result() {
    let (status, answer) = exchange(json!({"jsonrpc":"2.0","id":1,"method":"ping"}), None).await;
    assert_eq!((status, answer["result"].clone()), (200, json!({})));
}

#[tokio::test]
async fn tools_list_lists_get_order_and_refuses_a_cursor_it_never_issued() {
    let (status, answer) = exchange(json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}), Some("2025-11-25")).await;
    assert_eq!(status, 200);
    let tools = answer["result"]["tools"].as_array().unwrap();
    assert!(tools.iter().any(|t| t["name"] == "get_order"));
    assert!(answer["result"].get("nextCursor").is_none());
    let (_, bad) =
        exchange(json!({"jsonrpc":"2.0","id":3,"method":"tools/list","params":{"cursor":"abc"}}), Some("2025-11-25"))
            .await;
    assert_eq!(bad["error"]["code"], -32602);
    assert_eq!(bad["id"], 3);
}

#[tokio::test]
async fn calling_an_unknown_tool_is_32602() {
    let body = json!({"jsonrpc":"2.0","id":4,"method":"tools/call","params":{"name":"drop_tables","arguments":{}}});
    let (status, answer) = exchange(body, Some("2025-06-18")).await;
    assert_eq!(status, 200);
    assert_eq!(answer["error"]["code"], -32602);
    assert!(answer["error"]["message"].as_str().unwrap().contains("drop_tables"));
}

#[tokio::test]
async fn batches_are_processed_in_2025_03_26() {
    let batch = json!([
        {"jsonrpc":"2.0","id":1,"method":"ping"},
        {"jsonrpc":"2.0","method":"notifications/initialized"},
        {"jsonrpc":"2.0","id":2,"method":"tools/list"},
        {"jsonrpc":"1.0","id":3,"method":"ping"},
        {"jsonrpc":"2.0","id":4,"method":"initialize","params":{"protocolVersion":"2025-03-26"}}
    ]);
    for version in [Some("2025-03-26"), None] {
        let (status, answer) = exchange(batch.clone(), version).await;
        assert_eq!(status, 200);
        let responses = answer.as_array().unwrap();
        assert_eq!(responses.len(), 4, "one answer per request, none for the notification");
        assert_eq!(responses[0]["result"], json!({}));
        assert!(responses[1]["result"]["tools"].is_array());
        assert_eq!((responses[2]["id"].clone(), responses[2]["error"]["code"].clone()), (json!(3), json!(-32600)));
        assert_eq!(responses[3]["error"]["code"], -32600, "initialize must not be batched");
    }
}

#[tokio::test]
async fn a_batch_of_only_notifications_is_202() {
    let app = app().await;
    let batch = json!([{"jsonrpc":"2.0","method":"notifications/initialized"}, {"jsonrpc":"2.0","id":1,"result":{}}]);
    let answer = send(&app, rpc(&batch, Some("2025-03-26"))).await;
    assert_eq!(answer.status, 202);
}

#[tokio::test]
async fn batches_are_refused_in_other_versions_and_when_empty_or_oversized() {
    let one = json!([{"jsonrpc":"2.0","id":1,"method":"ping"}]);
    for version in ["2024-11-05", "2025-06-18", "2025-11-25"] {
        let (status, answer) = exchange(one.clone(), Some(version)).await;
        assert_eq!((status, answer["error"]["code"].clone()), (400, json!(-32600)), "{version}");
        assert!(answer["id"].is_null());
    }
    let (status, answer) = exchange(json!([]), Some("2025-03-26")).await;
    assert_eq!((status, answer["error"]["code"].clone()), (400, json!(-32600)));
    let big: Vec<Value> = (0..51).map(|i| json!({"jsonrpc":"2.0","id":i,"method":"ping"})).collect();
    let (status, answer) = exchange(Value::Array(big), Some("2025-03-26")).await;
    assert_eq!((status, answer["error"]["code"].clone()), (400, json!(-32600)));
}

#[tokio::test]
async fn initialize_negotiates_every_legacy_version() {
    for (asked, answered) in [
        ("2024-11-05", "2024-11-05"),
        ("2025-03-26", "2025-03-26"),
        ("2025-06-18", "2025-06-18"),
        ("2025-11-25", "2025-11-25"),
        ("2023-01-01", "2025-11-25"),
    ] {
        let body = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":asked,"capabilities":{},"clientInfo":{"name":"t","version":"1"}}});
        let (status, answer) = exchange(body, None).await;
        assert_eq!(status, 200);
        let result = &answer["result"];
        assert_eq!(result["protocolVersion"], answered);
        assert_eq!(result["serverInfo"]["name"], "lambda-mcp");
        assert_eq!(result["serverInfo"]["title"], "Order desk");
        assert!(result["serverInfo"]["version"].is_string());
        assert_eq!(result["capabilities"]["tools"]["listChanged"], false);
        assert!(result["instructions"].as_str().unwrap().len() > 20);
    }
}
