//! HTTP-level behaviour: paths, methods, headers, limits.

use lambda_mcp::engine::config::Config;
use serde_json::{Value, json};

use crate::helpers::{KEY, Settings, app, create_secret, event, post, request, rpc, send};

fn initialize() -> Value {
    json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}})
}

#[tokio::test]
async fn an_unknown_path_is_404() {
    let app = app().await;
    let mut e = event("http/initialize.json");
    e["rawPath"] = json!("/other");
    assert_eq!(send(&app, request(&e)).await.status, 404);
}

#[tokio::test]
async fn a_trailing_slash_still_reaches_the_endpoint() {
    let app = app().await;
    let mut e = event("http/initialize.json");
    e["rawPath"] = json!("/mcp/");
    assert_eq!(send(&app, request(&e)).await.status, 200);
}

#[tokio::test]
async fn get_and_delete_are_405_with_an_allow_header() {
    let app = app().await;
    for method in ["GET", "DELETE", "PUT"] {
        let mut e = event("http/initialize.json");
        e["requestContext"]["http"]["method"] = json!(method);
        let answer = send(&app, request(&e)).await;
        assert_eq!(answer.status, 405, "{method}");
        assert_eq!(answer.header("allow"), Some("POST"));
    }
}

#[tokio::test]
async fn every_accept_header_a_client_sends_gets_json() {
    let app = app().await;
    let body = initialize().to_string();
    for accept in [
        Some("application/json"),
        Some("text/event-stream"),
        Some("application/json, text/event-stream"),
        Some("*/*"),
        None,
    ] {
        let mut headers = vec![("x-api-key", KEY), ("content-type", "application/json")];
        if let Some(a) = accept {
            headers.push(("accept", a));
        }
        let answer = send(&app, post(&body, &headers)).await;
        assert_eq!(answer.status, 200, "{accept:?}");
        assert_eq!(answer.header("content-type"), Some("application/json"));
        assert_eq!(answer.json()["result"]["serverInfo"]["name"], "lambda-mcp");
    }
}

#[tokio::test]
async fn a_body_over_the_limit_is_413() {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    settings.config.max_body_bytes = 256;
    let app = settings.app();
    let big = json!({"jsonrpc":"2.0","id":1,"method":"ping","params":{"pad": "x".repeat(300)}});
    let answer = send(&app, rpc(&big, None)).await;
    assert_eq!(answer.status, 413);
    assert_eq!(answer.json()["error"]["code"], -32600);
    let small = json!({"jsonrpc":"2.0","id":1,"method":"ping"});
    assert_eq!(send(&app, rpc(&small, None)).await.status, 200);
}

#[tokio::test]
async fn a_non_json_content_type_is_415_and_a_missing_one_is_accepted() {
    let app = app().await;
    let body = initialize().to_string();
    let answer = send(&app, post(&body, &[("x-api-key", KEY), ("content-type", "text/plain")])).await;
    assert_eq!(answer.status, 415);
    let answer = send(&app, post(&body, &[("x-api-key", KEY)])).await;
    assert_eq!(answer.status, 200);
    let answer =
        send(&app, post(&body, &[("x-api-key", KEY), ("content-type", "application/json; charset=utf-8")])).await;
    assert_eq!(answer.status, 200);
}

#[tokio::test]
async fn an_origin_outside_the_allow_list_is_403() {
    let app = app().await;
    let body = initialize().to_string();
    let evil = send(&app, post(&body, &[("x-api-key", KEY), ("origin", "https://evil.example")])).await;
    assert_eq!(evil.status, 403);
    let null = send(&app, post(&body, &[("x-api-key", KEY), ("origin", "null")])).await;
    assert_eq!(null.status, 403);
    let good = send(&app, post(&body, &[("x-api-key", KEY), ("origin", "https://app.example")])).await;
    assert_eq!(good.status, 200);
}

#[tokio::test]
async fn an_unsupported_or_malformed_protocol_version_header_is_400_listing_the_supported_ones() {
    let app = app().await;
    let ping = json!({"jsonrpc":"2.0","id":1,"method":"ping"});
    for bad in ["2099-01-01", "latest", ""] {
        let answer = send(&app, rpc(&ping, Some(bad))).await;
        assert_eq!(answer.status, 400, "{bad:?}");
        let body = answer.json();
        assert_eq!(body["error"]["code"], -32600);
        assert!(body["id"].is_null());
        assert_eq!(
            body["error"]["data"]["supported"],
            json!(["2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"])
        );
    }
    for good in ["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"] {
        assert_eq!(send(&app, rpc(&ping, Some(good))).await.status, 200, "{good}");
    }
}

#[tokio::test]
async fn a_custom_mcp_path_is_served_and_the_default_is_not() {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    settings.config = Config { mcp_path: "/v1/orders-mcp".into(), ..settings.config };
    let app = settings.app();
    let mut e = event("http/initialize.json");
    assert_eq!(send(&app, request(&e)).await.status, 404);
    e["rawPath"] = json!("/v1/orders-mcp");
    assert_eq!(send(&app, request(&e)).await.status, 200);
}
