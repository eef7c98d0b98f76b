//! Every event in events/ through the handler: the same behaviour for REST (v1), HTTP API (v2)
//! and function URL events.

use crate::helpers::{ORDER, app, event, request, send};

const SHAPES: [&str; 3] = ["rest", "http", "url"];

#[tokio::test]
async fn every_event_shape_gets_the_documented_status() {
    let app = app().await;
    let cases = [
        ("initialize", 200),
        ("initialize-base64", 200),
        ("tools-list", 200),
        ("tools-call-get-order", 200),
        ("tools-call-get-order-missing", 200),
        ("notification-initialized", 202),
        ("initialize-without-key", 401),
        ("get", 405),
        ("malformed-body", 400),
    ];
    for shape in SHAPES {
        for (name, status) in cases {
            let answer = send(&app, request(&event(&format!("{shape}/{name}.json")))).await;
            assert_eq!(answer.status, status, "{shape}/{name}: {}", answer.text);
            assert!(answer.header("mcp-session-id").is_none(), "{shape}/{name} must not emit a session id");
        }
    }
}

#[tokio::test]
async fn initialize_answers_the_same_for_every_shape_and_for_a_base64_body() {
    let app = app().await;
    for shape in SHAPES {
        for name in ["initialize", "initialize-base64"] {
            let answer = send(&app, request(&event(&format!("{shape}/{name}.json")))).await;
            assert_eq!(answer.header("content-type"), Some("application/json"));
            let body = answer.json();
            assert_eq!(body["id"], 1);
            assert_eq!(body["result"]["protocolVersion"], "2025-06-18", "{shape}/{name}");
            assert_eq!(body["result"]["serverInfo"]["name"], "lambda-mcp");
        }
    }
}

#[tokio::test]
async fn the_get_order_events_find_the_seeded_order_and_report_the_missing_one() {
    let app = app().await;
    for shape in SHAPES {
        let found = send(&app, request(&event(&format!("{shape}/tools-call-get-order.json")))).await.json();
        assert_eq!(found["result"]["isError"], false, "{shape}: {found}");
        assert_eq!(found["result"]["structuredContent"]["order_number"], ORDER);
        let missing = send(&app, request(&event(&format!("{shape}/tools-call-get-order-missing.json")))).await.json();
        assert_eq!(missing["result"]["isError"], true, "{shape}: {missing}");
        assert!(missing["result"]["content"][0]["text"].as_str().unwrap().contains("9999999"));
    }
}

#[tokio::test]
async fn the_rest_stage_does_not_leak_into_routing() {
    let app = app().await;
    let mut e = event("rest/initialize.json");
    assert_eq!(e["requestContext"]["stage"], "prod");
    e["path"] = serde_json::json!("/prod/mcp");
    assert_eq!(send(&app, request(&e)).await.status, 404, "the stage is not part of the MCP path");
}

#[tokio::test]
async fn malformed_bodies_get_a_parse_error_with_a_null_id() {
    let app = app().await;
    for shape in SHAPES {
        let body = send(&app, request(&event(&format!("{shape}/malformed-body.json")))).await.json();
        assert_eq!(body["error"]["code"], -32700, "{shape}");
        assert!(body["id"].is_null());
    }
}
