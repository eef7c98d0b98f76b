//! The full request handler, from raw bytes to response.
//!
//! Input: an HTTP-like request, `METHOD PATH` on the first line, `name: value` header lines, a
//! blank line, then the body (any bytes). An input that does not start like a request line is
//! taken whole as the body of `POST /mcp` with `Content-Type: application/json`, so plain JSON
//! seeds work too. Header names or values `http` refuses are skipped (API Gateway never delivers
//! them); the path is kept raw, as API Gateway hands it over, even when it is no valid URI.
//!
//! The application: authentication off (the key check has its own tests), the order tools pointed
//! at a closed loopback port with static credentials, so no request leaves the machine and a tool
//! call that gets past validation fails fast as "store unavailable".
//!
//! Checks: no panic; an answer within 10 s; no 5xx (none is documented with authentication off);
//! a body that is JSON (an object or an array) whenever there is one, 202 exactly when there is
//! none; nothing in the body that names the data store or the code (SDK errors, table, endpoint,
//! panic text) unless the request itself carried those words.

#![no_main]

use std::sync::OnceLock;
use std::time::Duration;

use lambda_http::http::{HeaderName, HeaderValue, Method, Request as HttpRequest, Uri};
use lambda_http::{Body, RequestExt, Response};
use std::sync::Arc;

use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::{AwsContext, AwsSettings};
use lambda_mcp::engine::config::{AuthSettings, Config, Observability};
use lambda_mcp::engine::transport::Endpoint;
use lambda_mcp::order_desk::{self, store::dynamo::DynamoStore};
use libfuzzer_sys::fuzz_target;
use tokio::runtime::Runtime;

const TABLE: &str = "fuzz-orders-table";
const ENDPOINT: &str = "http://127.0.0.1:9";
/// Substrings that would reveal the data store, the code or a panic.
const LEAKS: &[&str] = &[
    TABLE,
    "127.0.0.1:9",
    "ResourceNotFound",
    "dynamodb",
    "DynamoDB",
    "arn:aws",
    "secretsmanager",
    "panicked",
    "backtrace",
    "src/",
    ".rs:",
    "dispatch failure",
    "ConnectorError",
    "Connection refused",
    "os error",
];

struct Harness {
    runtime: Runtime,
    app: Endpoint,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let config = Config {
            mcp_path: "/mcp".into(),
            auth: AuthSettings::off(),
            allowed_origins: vec!["https://app.example".into()],
            max_body_bytes: 8 * 1024,
            max_batch: 50,
            observability: Observability { metrics: false, ..Observability::default() },
        };
        let aws = AwsSettings {
            endpoint_url: Some(ENDPOINT.into()),
            region: Some("us-east-1".into()),
            static_credentials: Some(("fuzz".into(), "fuzz".into())),
            ..AwsSettings::default()
        };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a tokio runtime");
        let aws = Arc::new(AwsContext::new(aws));
        let store = Arc::new(DynamoStore::new(aws.clone(), TABLE));
        let app = app::endpoint(config, aws, order_desk::server_info(), order_desk::registry(store));
        Harness { runtime, app }
    })
}

/// True when `data` starts like `METHOD /...`.
fn has_request_line(data: &[u8]) -> bool {
    let method_len = data.iter().take_while(|b| b.is_ascii_uppercase()).count();
    method_len > 0 && data.get(method_len) == Some(&b' ')
}

fn build_request(data: &[u8]) -> lambda_http::Request {
    if !has_request_line(data) {
        let request = HttpRequest::builder()
            .method(Method::POST)
            .uri("/mcp")
            .header("content-type", "application/json")
            .body(Body::from(data.to_vec()))
            .expect("a valid request");
        return request.with_raw_http_path("/mcp");
    }
    let (head, body) = match data.windows(2).position(|w| w == b"\n\n") {
        Some(at) => (&data[..at], &data[at + 2..]),
        None => (data, &[][..]),
    };
    let mut lines = head.split(|b| *b == b'\n').map(|l| l.strip_suffix(b"\r").unwrap_or(l));
    let request_line = lines.next().unwrap_or_default();
    let (method, path) = match request_line.iter().position(|b| *b == b' ') {
        Some(at) => (&request_line[..at], &request_line[at + 1..]),
        None => (request_line, &b"/mcp"[..]),
    };
    let method = Method::from_bytes(method).unwrap_or(Method::POST);
    let path = String::from_utf8_lossy(path).into_owned();
    let uri = Uri::try_from(path.as_str()).unwrap_or_else(|_| Uri::from_static("/"));
    let mut request = HttpRequest::builder().method(method).uri(uri).body(Body::from(body.to_vec())).expect("valid");
    for line in lines {
        let Some(colon) = line.iter().position(|b| *b == b':') else { continue };
        let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(line[..colon].trim_ascii()),
            HeaderValue::from_bytes(line[colon + 1..].trim_ascii()),
        ) else {
            continue;
        };
        request.headers_mut().append(name, value);
    }
    let raw_path = path.split('?').next().unwrap_or_default().to_owned();
    request.with_raw_http_path(raw_path)
}

fn body_text(response: Response<Body>) -> (u16, Option<String>, String) {
    let status = response.status().as_u16();
    let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_owned);
    let text = match response.into_body() {
        Body::Empty => String::new(),
        Body::Text(text) => text,
        Body::Binary(bytes) => String::from_utf8(bytes).expect("a binary body that is not UTF-8"),
        _ => String::new(),
    };
    (status, content_type, text)
}

fuzz_target!(|data: &[u8]| {
    let harness = harness();
    let request = build_request(data);
    let response = harness.runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(10), harness.app.handle(request))
            .await
            .expect("the handler answered within 10 s")
    });
    let (status, content_type, text) = body_text(response);
    assert!(status < 500, "status {status}: {text}");
    if status == 202 {
        assert!(text.is_empty(), "202 with a body: {text}");
        return;
    }
    assert_eq!(content_type.as_deref(), Some("application/json"), "status {status}");
    let json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text}"));
    assert!(json.is_object() || json.is_array(), "{text}");
    let input = String::from_utf8_lossy(data);
    for leak in LEAKS {
        assert!(!text.contains(leak) || input.contains(leak), "the response leaks {leak:?}: {text}");
    }
});
