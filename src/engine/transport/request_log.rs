//! The request's log line: every field of it in one typed value, filled in as the request is
//! served (ids from the event, the caller from auth, method, tool and outcome from the protocol
//! layer, status and latency at the end) and written once. Holds no key, token or customer data.

use std::time::Instant;

use lambda_http::http::HeaderMap;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use crate::engine::protocol::Handled;

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

/// One request's log line.
#[derive(Debug)]
pub struct RequestLog {
    started: Instant,
    http_method: String,
    apigw_request_id: Option<String>,
    lambda_request_id: Option<String>,
    /// Moveo's correlation ids, in the order of `MOVEO_HEADERS`.
    moveo: [Option<String>; 8],
    /// The authenticated caller's non-secret id.
    pub caller: Option<String>,
    /// What the protocol layer made of the body.
    pub handled: Handled,
}

impl RequestLog {
    /// Starts the line for `request`: its ids, and the clock.
    pub fn start(request: &Request) -> Self {
        let apigw_request_id = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone(),
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
            _ => None,
        };
        let headers = request.headers();
        RequestLog {
            started: Instant::now(),
            http_method: request.method().to_string(),
            apigw_request_id,
            lambda_request_id: request.lambda_context_ref().map(|c| c.request_id.clone()),
            moveo: MOVEO_HEADERS.map(|name| header_text(headers, name)),
            caller: None,
            handled: Handled::default(),
        }
    }

    /// Writes the line, with the response's status and the time since [`Self::start`].
    pub fn write(self, status: u16) {
        let latency_ms = (self.started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0;
        let h = &self.handled;
        let m = &self.moveo;
        tracing::info!(
            http_method = self.http_method.as_str(),
            status,
            latency_ms,
            era = h.era.map(|e| e.as_str()),
            rpc_method = h.method.as_deref(),
            tool = h.tool.as_deref(),
            outcome = h.outcome,
            caller = self.caller.as_deref(),
            apigw_request_id = self.apigw_request_id.as_deref(),
            lambda_request_id = self.lambda_request_id.as_deref(),
            moveo_account_id = m[0].as_deref(),
            moveo_account_slug = m[1].as_deref(),
            moveo_brain_id = m[2].as_deref(),
            moveo_desk_id = m[3].as_deref(),
            moveo_session_id = m[4].as_deref(),
            moveo_external_id = m[5].as_deref(),
            moveo_request_id = m[6].as_deref(),
            moveo_user_agent = m[7].as_deref(),
            "request handled"
        );
    }
}

/// A header's value, trimmed and cut at 128 characters; `None` when absent, blank or not text.
pub(super) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.chars().take(128).collect())
}
