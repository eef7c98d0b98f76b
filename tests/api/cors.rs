//! CORS for the allowed browser origins (`https://app.example` in the test settings, and loopback
//! pages calling a loopback server): the preflight, the headers on every answer, and nothing for
//! an origin that is refused.

use crate::helpers::{KEY, app, post, send};

const INIT: &str = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;

fn preflight(origin: &'static str, requested_headers: &'static str) -> lambda_http::Request {
    let mut request = post(
        "",
        &[
            ("origin", origin),
            ("access-control-request-method", "POST"),
            ("access-control-request-headers", requested_headers),
        ],
    );
    *request.method_mut() = lambda_http::http::Method::OPTIONS;
    request
}

#[tokio::test]
async fn an_allowed_origin_gets_a_preflight_answer_without_a_key() {
    let app = app().await;
    let answer =
        send(&app, preflight("https://app.example", "content-type, mcp-protocol-version, x-api-key, mcp-param-region"))
            .await;
    assert_eq!(answer.status, 204, "{}", answer.text);
    assert_eq!(answer.header("access-control-allow-origin"), Some("https://app.example"));
    assert_eq!(answer.header("access-control-allow-methods"), Some("POST"));
    let allowed = answer.header("access-control-allow-headers").unwrap().to_owned();
    for name in [
        "content-type",
        "authorization",
        "x-api-key",
        "mcp-protocol-version",
        "mcp-method",
        "mcp-name",
        "last-event-id",
        "mcp-param-region",
    ] {
        assert!(allowed.split(", ").any(|h| h == name), "{name} not in {allowed}");
    }
    assert!(answer.header("access-control-max-age").is_some());
    assert_eq!(answer.header("vary"), Some("origin"));
}

#[tokio::test]
async fn answers_to_an_allowed_origin_are_readable_including_the_401() {
    let app = app().await;
    let ok = send(
        &app,
        post(INIT, &[("origin", "https://app.example"), ("x-api-key", KEY), ("content-type", "application/json")]),
    )
    .await;
    assert_eq!(ok.status, 200);
    assert_eq!(ok.header("access-control-allow-origin"), Some("https://app.example"));
    let exposed = ok.header("access-control-expose-headers").unwrap();
    assert!(exposed.contains("mcp-protocol-version") && exposed.contains("www-authenticate"), "{exposed}");
    let unauthorized = send(&app, post(INIT, &[("origin", "https://app.example")])).await;
    assert_eq!(unauthorized.status, 401);
    assert_eq!(
        unauthorized.header("access-control-allow-origin"),
        Some("https://app.example"),
        "the page can read why"
    );
    let local =
        send(&app, post(INIT, &[("origin", "http://localhost:3000"), ("host", "127.0.0.1:9000"), ("x-api-key", KEY)]))
            .await;
    assert_eq!(local.header("access-control-allow-origin"), Some("http://localhost:3000"));
}

#[tokio::test]
async fn a_refused_origin_gets_403_and_no_cors_headers_even_for_a_preflight() {
    let app = app().await;
    for request in [
        preflight("https://evil.example", "x-api-key"),
        post(INIT, &[("origin", "https://evil.example"), ("x-api-key", KEY)]),
    ] {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, 403);
        assert!(answer.header("access-control-allow-origin").is_none());
    }
    let plain = send(&app, post(INIT, &[("x-api-key", KEY)])).await;
    assert!(plain.header("access-control-allow-origin").is_none(), "no Origin, no CORS headers");
    let mut options = post("", &[("x-api-key", KEY)]);
    *options.method_mut() = lambda_http::http::Method::OPTIONS;
    assert_eq!(send(&app, options).await.status, 405, "OPTIONS that is not a preflight is not served");
}
