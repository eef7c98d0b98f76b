//! The HTTP edge: one handler for API Gateway REST (v1), HTTP API (v2) and function URL events.
//! Serves the OAuth protected resource metadata when OAuth is on; for the MCP endpoint (and
//! `{path}/{key}` when keys are accepted in the URL) checks, in order: path (404), `Origin` (403),
//! CORS preflight (204), method (405), credentials (401/404/503), body size (413), `Content-Type`
//! (415), `MCP-Protocol-Version` (400); then hands the body to the protocol layer, and turns a
//! tool outside the caller's scopes into a 403. Every answer to an allowed browser origin carries
//! CORS headers. Writes one structured log line and one metrics line per request ([`observe`]);
//! neither they nor any response carry the path, a key or a token.

mod access;
pub mod cors;
pub mod metrics;
pub mod observe;
pub mod pseudonym;
mod request_log;
mod response;
pub mod xray;

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use lambda_http::http::{HeaderMap, Method, StatusCode, header};
use lambda_http::{Body, Request, RequestExt, Response};

use crate::engine::auth::{Authenticator, Caller, Presented, ResourceServer};
use crate::engine::aws::AwsContext;
use crate::engine::config::{Config, normalise_path};
use crate::engine::protocol::headers::{HeaderText, McpHeaders};
use crate::engine::protocol::{Exchange, McpServer, Reply, Status};

pub use metrics::MetricsOutput;
pub use observe::Observers;
pub use request_log::RequestLog;
pub use response::UNAUTHORIZED;

/// 2001-09-09: any real deadline is later than this.
const PLAUSIBLE_EPOCH_MS: u64 = 1_000_000_000_000;

/// Time kept back from the Lambda deadline to send the answer.
const DEADLINE_MARGIN_MS: u64 = 300;

/// The served endpoint: the engine's settings, the authenticator (none when auth is off), the
/// MCP server, the AWS context (for its call counts) and the request observers. Built once per
/// Lambda execution environment, shared by every invocation.
#[derive(Debug)]
pub struct Endpoint {
    config: Config,
    auth: Option<Authenticator>,
    server: McpServer,
    aws: Arc<AwsContext>,
    observers: Observers,
}

impl Endpoint {
    /// An endpoint serving `server` under `config`, checking callers with `auth`.
    pub fn new(config: Config, auth: Option<Authenticator>, server: McpServer, aws: Arc<AwsContext>) -> Self {
        let observers = Observers::new(&config.observability);
        Endpoint { config, auth, server, aws, observers }
    }

    /// The same endpoint writing its metrics lines to `output` (tests keep them in memory).
    pub fn with_metrics_output(mut self, output: MetricsOutput) -> Self {
        self.observers = self.observers.with_metrics_output(output);
        self
    }

    /// The MCP server.
    pub fn server(&self) -> &McpServer {
        &self.server
    }

    /// Handles one HTTP request. Never fails: every outcome is an HTTP response.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        let mut log = RequestLog::start(&request);
        let calls = self.aws.calls();
        let mut response = self.route(&request, &mut log).await;
        if let Some(origin) = allowed_origin(request.headers(), &self.config.allowed_origins) {
            cors::allow(&mut response, &origin);
        }
        let status = response.status().as_u16();
        self.observers.finish(&log, status, self.aws.calls().since(calls), |name| self.server.has_tool(name));
        response
    }

    async fn route(&self, request: &Request, log: &mut RequestLog) -> Response<Body> {
        let config = &self.config;
        let path = routed_path(request);
        if let Some(oauth) = self.auth.as_ref().and_then(Authenticator::oauth)
            && oauth.is_metadata_path(&path)
        {
            return access::metadata(oauth, &self.server, request.method());
        }
        let Some(url_key) = self.mcp_route(&path) else { return response::not_found() };
        if !origin_allowed(request.headers(), &config.allowed_origins) {
            return response::client_error(StatusCode::FORBIDDEN, "Forbidden: this origin is not allowed");
        }
        if cors::is_preflight(request.method(), request.headers()) {
            return cors::preflight(request.headers(), self.auth.as_ref().and_then(Authenticator::key_header));
        }
        if request.method() != Method::POST {
            return response::method_not_allowed();
        }
        let caller = match self.authenticate(request, url_key, log).await {
            Ok(caller) => caller,
            Err(refusal) => return refusal,
        };
        let via = caller.via;
        let keeps_claim =
            self.auth.as_ref().and_then(Authenticator::oauth).is_some_and(ResourceServer::keeps_identity_claim);
        log.note_caller(&caller, keeps_claim);
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
            session_id: request_log::header_text(request.headers(), "x-moveo-session-id"),
            platform_headers: request_log::platform_headers(request.headers()),
            caller,
        };
        let handling = self.server.handle_body(body, &exchange, config.max_batch, &mut log.handled);
        let reply = match time_left(request) {
            None => handling.await,
            Some(budget) => match tokio::time::timeout(budget, handling).await {
                Ok(reply) => reply,
                Err(_) => {
                    log.handled.outcome = Some("deadline");
                    tracing::warn!(budget_ms = budget.as_millis() as u64, "answering before the Lambda deadline");
                    return response::deadline();
                }
            },
        };
        match reply {
            Reply::Json { status: Status::Forbidden, body } => {
                access::forbidden(self.auth.as_ref(), via, log.handled.missing_scope, &body)
            }
            Reply::Json { status, body } => response::json(http_status(status), &body),
            Reply::Text { status, body } => response::json_text(http_status(status), body),
            Reply::Accepted => response::accepted(),
        }
    }
}

impl Endpoint {
    /// Whether `path` is the endpoint: `Some(None)` for the MCP path, `Some(Some(key))` for
    /// `{path}/{key}` when keys are accepted in the URL, `None` for anything else.
    fn mcp_route<'p>(&self, path: &'p str) -> Option<Option<&'p str>> {
        let rest = path.strip_prefix(self.config.mcp_path.as_str())?;
        if rest.is_empty() {
            return Some(None);
        }
        let in_url = self.auth.as_ref().is_some_and(Authenticator::keys_in_url);
        let key = rest.strip_prefix('/').filter(|k| in_url && !k.is_empty() && !k.contains('/'))?;
        Some(Some(key))
    }

    /// The caller, or the refusal to send (its reason noted for the log line).
    async fn authenticate(
        &self,
        request: &Request,
        url_key: Option<&str>,
        log: &mut RequestLog,
    ) -> Result<Caller, Response<Body>> {
        let Some(auth) = &self.auth else { return Ok(Caller::anonymous()) };
        let query = request.uri().query();
        let presented = Presented { headers: request.headers(), url_key, query };
        auth.check(presented).await.map_err(|error| {
            log.auth_failure = Some(error.reason());
            let tools = &self.server.tools;
            let scopes = match auth.oauth() {
                Some(oauth) => oauth.challenge_scopes(tools.scopes(), tools.read_scopes()),
                None => Vec::new(),
            };
            access::refusal(auth, error, &scopes)
        })
    }
}

fn http_status(status: Status) -> StatusCode {
    match status {
        Status::Ok => StatusCode::OK,
        Status::BadRequest => StatusCode::BAD_REQUEST,
        Status::NotFound => StatusCode::NOT_FOUND,
        Status::Forbidden => StatusCode::FORBIDDEN,
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

/// The request's `Origin` when there is one and it is allowed: its answer may be read by that page.
fn allowed_origin(headers: &HeaderMap, allowed: &[String]) -> Option<String> {
    let origin = headers.get(header::ORIGIN)?.to_str().ok()?.trim();
    origin_allowed(headers, allowed).then(|| origin.to_owned())
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
