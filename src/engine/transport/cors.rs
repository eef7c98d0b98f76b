//! CORS for the browser origins the deployment allows (`MCP_ALLOWED_ORIGINS`, and loopback pages
//! calling a loopback server): the preflight answer, and the headers every answer to an allowed
//! origin carries. Origins that are not allowed get 403 before this module is reached, preflight
//! included. No credentials mode: the key travels in a header the page sets, never a cookie.

use lambda_http::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use lambda_http::{Body, Response};

/// Request headers a page may send: the MCP ones, the key's, content negotiation, trace context.
/// `mcp-param-*` headers are allowed by name as the preflight asks for them.
const ALLOWED_HEADERS: [&str; 10] = [
    "content-type",
    "accept",
    "authorization",
    "x-api-key",
    "mcp-protocol-version",
    "mcp-method",
    "mcp-name",
    "last-event-id",
    "traceparent",
    "tracestate",
];

/// Response headers a page may read.
const EXPOSED_HEADERS: &str = "mcp-session-id, mcp-protocol-version, www-authenticate, retry-after";

/// How long a browser may reuse a preflight answer, in seconds.
const MAX_AGE_SECONDS: &str = "600";

/// A CORS preflight: `OPTIONS` with an `Origin` and `Access-Control-Request-Method`.
pub fn is_preflight(method: &Method, headers: &HeaderMap) -> bool {
    method == Method::OPTIONS
        && headers.contains_key(header::ORIGIN)
        && headers.contains_key(header::ACCESS_CONTROL_REQUEST_METHOD)
}

/// 204 for an allowed origin's preflight: POST, and the headers above plus the configured key
/// header and any `mcp-param-*` header asked for (the origin's own headers are added with every
/// answer, by [`allow`]).
pub fn preflight(headers: &HeaderMap, key_header: Option<&str>) -> Response<Body> {
    let mut allowed: Vec<String> = ALLOWED_HEADERS.iter().map(|h| (*h).to_owned()).collect();
    if let Some(name) = key_header.filter(|name| !allowed.iter().any(|a| a == name)) {
        allowed.push(name.to_owned());
    }
    let requested = headers.get_all(header::ACCESS_CONTROL_REQUEST_HEADERS).iter().filter_map(|v| v.to_str().ok());
    for name in requested.flat_map(|list| list.split(',')).map(|n| n.trim().to_ascii_lowercase()) {
        if is_param_header(&name) && !allowed.contains(&name) {
            allowed.push(name);
        }
    }
    let mut response = Response::new(Body::Empty);
    *response.status_mut() = StatusCode::NO_CONTENT;
    let h = response.headers_mut();
    set(h, header::ACCESS_CONTROL_ALLOW_METHODS, "POST");
    set(h, header::ACCESS_CONTROL_ALLOW_HEADERS, &allowed.join(", "));
    set(h, header::ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    response
}

/// Lets `origin` read `response`.
pub fn allow(response: &mut Response<Body>, origin: &str) {
    let h = response.headers_mut();
    set(h, header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    set(h, header::ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
    h.insert(header::VARY, HeaderValue::from_static("origin"));
}

fn set(headers: &mut HeaderMap, name: header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        headers.insert(name, value);
    }
}

/// `mcp-param-<name>`: letters, digits and dashes, at most 128 characters in all.
fn is_param_header(name: &str) -> bool {
    name.len() <= 128
        && name
            .strip_prefix("mcp-param-")
            .is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn only_options_with_origin_and_requested_method_is_a_preflight() {
        let full = headers(&[("origin", "https://a.example"), ("access-control-request-method", "POST")]);
        assert!(is_preflight(&Method::OPTIONS, &full));
        assert!(!is_preflight(&Method::POST, &full));
        assert!(!is_preflight(&Method::OPTIONS, &headers(&[("origin", "https://a.example")])));
    }

    #[test]
    fn a_preflight_answer_allows_post_the_mcp_headers_and_requested_param_headers() {
        let request = headers(&[
            ("access-control-request-headers", "Content-Type, MCP-Param-Region, x-evil-header"),
            ("access-control-request-headers", "mcp-param-"),
        ]);
        let mut response = preflight(&request, Some("x-custom-key"));
        allow(&mut response, "https://a.example");
        assert_eq!(response.status(), StatusCode::NO_CONTENT);
        let get = |name: &str| response.headers().get(name).unwrap().to_str().unwrap().to_owned();
        assert_eq!(get("access-control-allow-origin"), "https://a.example");
        assert_eq!(get("access-control-allow-methods"), "POST");
        let allowed = get("access-control-allow-headers");
        for name in ["mcp-protocol-version", "mcp-method", "mcp-name", "authorization", "x-api-key", "content-type"] {
            assert!(allowed.split(", ").any(|a| a == name), "{name} in {allowed}");
        }
        for name in ["last-event-id", "x-custom-key", "mcp-param-region"] {
            assert!(allowed.split(", ").any(|a| a == name), "{name} in {allowed}");
        }
        assert!(!allowed.contains("x-evil-header") && !allowed.split(", ").any(|a| a == "mcp-param-"), "{allowed}");
        assert_eq!(get("vary"), "origin");
        assert!(get("access-control-expose-headers").contains("www-authenticate"));
    }
}
