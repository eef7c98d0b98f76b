//! HTTP responses: JSON bodies, the empty 202, and the HTTP-level refusals (each with a JSON-RPC
//! error body whose `id` is null, so any client can read why). No response carries a session id.

use lambda_http::http::{HeaderValue, StatusCode, header};
use lambda_http::{Body, Response};
use serde_json::Value;

use crate::engine::protocol::jsonrpc::{self, ErrorObject, INTERNAL_ERROR, INVALID_REQUEST};

/// Server-defined JSON-RPC code for a missing or wrong API key.
pub const UNAUTHORIZED: i64 = -32001;

fn build(status: StatusCode, body: Body, json_body: bool) -> Response<Body> {
    let mut response = Response::new(body);
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if json_body {
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    response
}

/// A JSON body with `status`. Serialised into bytes directly: `Value`'s `Display` goes through
/// `fmt::Write` and checks every piece as UTF-8 again (about 5% of a warm tool call; bench/guard).
pub fn json(status: StatusCode, body: &Value) -> Response<Body> {
    // A `Value` always serialises (its map keys are strings).
    build(status, Body::Text(serde_json::to_string(body).unwrap_or_default()), true)
}

/// An already serialised JSON body with `status`.
pub fn json_text(status: StatusCode, body: String) -> Response<Body> {
    build(status, Body::Text(body), true)
}

/// 202 Accepted with no body (notifications and client responses).
pub fn accepted() -> Response<Body> {
    build(StatusCode::ACCEPTED, Body::Empty, false)
}

/// An HTTP-level refusal with a JSON-RPC error body.
pub fn refusal(status: StatusCode, code: i64, message: &str, data: Option<Value>) -> Response<Body> {
    let mut error = ErrorObject::new(code, message);
    error.data = data;
    json(status, &jsonrpc::failure(None, error))
}

/// 503 with `Retry-After`: the client should try again shortly.
fn retry_later(message: &str) -> Response<Body> {
    let mut response = refusal(StatusCode::SERVICE_UNAVAILABLE, INTERNAL_ERROR, message, None);
    response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
    response
}

/// 503 when a dependency (the key store) is down.
pub fn unavailable() -> Response<Body> {
    retry_later("Service temporarily unavailable: try again in a few seconds")
}

/// 503 when the invocation's deadline would pass before the answer is ready: the client retries
/// (a cancellation retried with the same key replays or resumes safely).
pub fn deadline() -> Response<Body> {
    retry_later("The request could not be completed in time: try again in a few seconds")
}

/// 405 with `Allow: POST`.
pub fn method_not_allowed() -> Response<Body> {
    let mut response = refusal(
        StatusCode::METHOD_NOT_ALLOWED,
        INVALID_REQUEST,
        "Method not allowed: this MCP endpoint accepts POST only (no SSE stream, no sessions)",
        None,
    );
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

/// 405 with `Allow: <allowed>` for a resource other than the MCP endpoint.
pub fn method_not_allowed_except(allowed: &'static str) -> Response<Body> {
    let message = format!("Method not allowed: use {allowed}");
    let mut response = refusal(StatusCode::METHOD_NOT_ALLOWED, INVALID_REQUEST, &message, None);
    response.headers_mut().insert(header::ALLOW, HeaderValue::from_static(allowed));
    response
}

/// 404 for any path that is not the endpoint (an unknown key in the path included), never
/// echoing the path.
pub fn not_found() -> Response<Body> {
    client_error(StatusCode::NOT_FOUND, "Not found: the MCP endpoint is at another path")
}

/// A plain client mistake at the HTTP level (403, 404, 413, 415, 400).
pub fn client_error(status: StatusCode, message: &str) -> Response<Body> {
    refusal(status, INVALID_REQUEST, message, None)
}
