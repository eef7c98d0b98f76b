//! The HTTP edge: one handler for API Gateway REST (v1), HTTP API (v2) and function URL events.
//! Checks, in order: path (404), `Origin` (403), method (405), API key (401/503), body size (413),
//! `Content-Type` (415), `MCP-Protocol-Version` (400); then hands the body to the protocol layer.
//! Writes one structured log line per request.

mod response;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_http::http::{HeaderMap, Method, StatusCode, header};
use lambda_http::request::RequestContext;
use lambda_http::{Body, Request, RequestExt, Response};
use tracing::{Instrument, field};

use crate::app::App;
use crate::auth::AuthError;
use crate::config::normalise_path;
use crate::protocol::headers::{HeaderText, McpHeaders};
use crate::protocol::{Exchange, Reply, Status};

pub use response::UNAUTHORIZED;

/// 2001-09-09: any real deadline is later than this.
const PLAUSIBLE_EPOCH_MS: u64 = 1_000_000_000_000;

/// Time kept back from the Lambda deadline to send the answer.
const DEADLINE_MARGIN_MS: u64 = 300;

/// The correlation headers Moveo sends, logged with every request.
const MOVEO_HEADERS: [&str; 8] = [
    "x-moveo-account-id",
    "x-moveo-account-slug",
    "x-moveo-brain-id",
    "x-moveo-desk-id",
    "x-moveo-session-id",
    "x-moveo-external-id",
    "x-moveo-request-id",
    "x-moveo-user-agent",
];

/// Handles one HTTP request. Never fails: every outcome is an HTTP response.
pub async fn handle(app: &App, request: Request) -> Response<Body> {
    let started = Instant::now();
    let span = request_span(&request);
    async move {
        let response = route(app, &request).await;
        let status = response.status().as_u16();
        let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
        tracing::Span::current().record("status", status);
        tracing::info!(status, latency_ms = (latency_ms * 100.0).round() / 100.0, "request handled");
        response
    }
    .instrument(span)
    .await
}

async fn route(app: &App, request: &Request) -> Response<Body> {
    let config = app.config();
    if routed_path(request) != config.mcp_path {
        return response::client_error(StatusCode::NOT_FOUND, "Not found: the MCP endpoint is at another path");
    }
    if !origin_allowed(request.headers(), &config.allowed_origins) {
        return response::client_error(StatusCode::FORBIDDEN, "Forbidden: this origin is not allowed");
    }
    if request.method() != Method::POST {
        return response::method_not_allowed();
    }
    if let Some(auth) = app.authenticator() {
        match auth.check(request.headers()).await {
            Ok(()) => {}
            Err(AuthError::Unauthorized) => return response::unauthorized(auth.header_name()),
            Err(AuthError::Unavailable) => return response::unavailable(),
        }
    }
    let body: &[u8] = request.body().as_ref();
    if body.len() > config.max_body_bytes {
        let message = format!("Payload too large: the body may be at most {} bytes", config.max_body_bytes);
        return response::client_error(StatusCode::PAYLOAD_TOO_LARGE, &message);
    }
    if !content_type_is_json(request.headers()) {
        return response::client_error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type: send application/json",
        );
    }
    let exchange = Exchange {
        headers: mcp_headers(request.headers()),
        session_id: header_text(request.headers(), "x-moveo-session-id"),
    };
    let handling = app.server().handle_body(body, &exchange, config.max_batch);
    let reply = match time_left(request) {
        None => handling.await,
        Some(budget) => match tokio::time::timeout(budget, handling).await {
            Ok(reply) => reply,
            Err(_) => {
                tracing::Span::current().record("outcome", "deadline");
                tracing::warn!(budget_ms = budget.as_millis() as u64, "answering before the Lambda deadline");
                return response::deadline();
            }
        },
    };
    match reply {
        Reply::Json { status, body } => response::json(http_status(status), &body),
        Reply::Text { status, body } => response::json_text(http_status(status), body),
        Reply::Accepted => response::accepted(),
    }
}

fn http_status(status: Status) -> StatusCode {
    match status {
        Status::Ok => StatusCode::OK,
        Status::BadRequest => StatusCode::BAD_REQUEST,
        Status::NotFound => StatusCode::NOT_FOUND,
    }
}

/// What is left of the invocation's time, minus a margin to send the answer, so the function
/// answers before Lambda kills it (mid-write otherwise). `None` outside Lambda (tests, tools).
fn time_left(request: &Request) -> Option<Duration> {
    let deadline_ms = request.lambda_context_ref()?.deadline;
    // Lambda sends milliseconds since the epoch; some local emulators (cargo lambda watch) send a
    // duration instead. A value before 2001 is not a deadline we can use.
    if deadline_ms < PLAUSIBLE_EPOCH_MS {
        return None;
    }
    let now_ms = SystemTime::now().duration_since(UNIX_EPOCH).ok()?.as_millis() as u64;
    Some(Duration::from_millis(deadline_ms.saturating_sub(now_ms).saturating_sub(DEADLINE_MARGIN_MS)))
}

/// DNS-rebinding defence: a request with an `Origin` is let through when the origin is on the
/// allow-list, or when both the origin and the `Host` are loopback (a local run).
fn origin_allowed(headers: &HeaderMap, allowed: &[String]) -> bool {
    let Some(origin) = headers.get(header::ORIGIN) else { return true };
    let Ok(origin) = origin.to_str() else { return false };
    let origin = origin.trim().trim_end_matches('/');
    if allowed.iter().any(|a| a.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let origin_host = origin.split_once("://").map(|(_, rest)| rest).unwrap_or_default();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default();
    is_loopback(origin_host) && is_loopback(host)
}

/// `localhost`, `127.0.0.1` or `[::1]`, with an optional port.
fn is_loopback(authority: &str) -> bool {
    let host = match authority.strip_prefix('[') {
        Some(rest) => rest.split(']').next().unwrap_or_default(),
        None => authority.split(':').next().unwrap_or_default(),
    };
    host.eq_ignore_ascii_case("localhost") || host == "127.0.0.1" || host == "::1"
}

/// The MCP request headers, whitespace trimmed and Base64 sentinels decoded where allowed.
fn mcp_headers(headers: &HeaderMap) -> McpHeaders {
    let read = |name: &str, sentinel: bool| {
        HeaderText::from_values(headers.get_all(name).iter().map(|v| v.to_str().ok()), sentinel)
    };
    let mut params: Vec<(String, HeaderText)> = Vec::new();
    for name in headers.keys() {
        if let Some(param) = name.as_str().strip_prefix("mcp-param-") {
            params.push((param.to_owned(), read(name.as_str(), true)));
        }
    }
    McpHeaders {
        protocol_version: read("mcp-protocol-version", false),
        method: read("mcp-method", false),
        name: read("mcp-name", true),
        params,
    }
}

/// The path to route on: the raw path, without any REST API stage.
fn routed_path(request: &Request) -> String {
    let raw = request.raw_http_path();
    normalise_path(if raw.is_empty() { request.uri().path() } else { raw })
}

/// True when there is no `Content-Type` or it names JSON (`application/json`, `...+json`).
fn content_type_is_json(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::CONTENT_TYPE) else {
        return true;
    };
    let Ok(text) = value.to_str() else {
        return false;
    };
    let media = text.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    media.is_empty() || media == "application/json" || (media.starts_with("application/") && media.ends_with("+json"))
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.chars().take(128).collect())
}

fn request_span(request: &Request) -> tracing::Span {
    let apigw_request_id = match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone(),
        Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
        _ => None,
    };
    let lambda_request_id = request.lambda_context_ref().map(|c| c.request_id.clone());
    let h = request.headers();
    let moveo: Vec<Option<String>> = MOVEO_HEADERS.iter().map(|name| header_text(h, name)).collect();
    tracing::info_span!(
        "mcp_request",
        http_method = %request.method(),
        era = field::Empty,
        rpc_method = field::Empty,
        tool = field::Empty,
        outcome = field::Empty,
        status = field::Empty,
        apigw_request_id = apigw_request_id.as_deref(),
        lambda_request_id = lambda_request_id.as_deref(),
        moveo_account_id = moveo[0].as_deref(),
        moveo_account_slug = moveo[1].as_deref(),
        moveo_brain_id = moveo[2].as_deref(),
        moveo_desk_id = moveo[3].as_deref(),
        moveo_session_id = moveo[4].as_deref(),
        moveo_external_id = moveo[5].as_deref(),
        moveo_request_id = moveo[6].as_deref(),
        moveo_user_agent = moveo[7].as_deref(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn json_content_types_are_accepted_and_others_refused() {
        for ok in
            ["application/json", "application/json; charset=utf-8", "Application/JSON", "application/vnd.api+json"]
        {
            assert!(content_type_is_json(&headers(&[("content-type", ok)])), "{ok}");
        }
        assert!(content_type_is_json(&HeaderMap::new()));
        for bad in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
            assert!(!content_type_is_json(&headers(&[("content-type", bad)])), "{bad}");
        }
    }

    #[test]
    fn mcp_headers_are_read_case_insensitively_and_decoded() {
        let map = headers(&[
            ("MCP-Protocol-Version", "2026-07-28"),
            ("mcp-method", " tools/call "),
            ("Mcp-Name", "=?base64?Z2V0X29yZGVy?="),
            ("Mcp-Param-Region", "eu-west-1"),
        ]);
        let h = mcp_headers(&map);
        assert_eq!(h.protocol_version, HeaderText::Present("2026-07-28".into()));
        assert_eq!(h.method, HeaderText::Present("tools/call".into()));
        assert_eq!(h.name, HeaderText::Present("get_order".into()));
        assert_eq!(h.param("REGION"), &HeaderText::Present("eu-west-1".into()));
    }

    #[test]
    fn origins_pass_when_listed_or_when_both_ends_are_loopback() {
        let allowed = vec!["https://app.example".to_owned()];
        assert!(origin_allowed(&HeaderMap::new(), &allowed));
        assert!(origin_allowed(&headers(&[("origin", "https://app.example/")]), &allowed));
        assert!(!origin_allowed(&headers(&[("origin", "https://evil.example")]), &allowed));
        let local = headers(&[("origin", "http://127.0.0.1:9000"), ("host", "localhost:9000")]);
        assert!(origin_allowed(&local, &allowed));
        let rebound = headers(&[("origin", "http://localhost:3000"), ("host", "evil.example.com")]);
        assert!(!origin_allowed(&rebound, &allowed), "a loopback origin against a public host is refused");
        let v6 = headers(&[("origin", "http://[::1]:8080"), ("host", "[::1]:8080")]);
        assert!(origin_allowed(&v6, &allowed));
        assert!(!origin_allowed(&headers(&[("origin", "null"), ("host", "localhost")]), &allowed));
    }
}
