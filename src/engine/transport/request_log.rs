//! The request's log line: every field of it in one typed value, filled in as the request is
//! served (ids and trace context from the event, the caller from auth, method, tool and outcome
//! from the protocol layer, status and latency at the end) and written once. Holds no key, token
//! or customer data: of a token's identity claim, only whether it was there.
//!
//! Moveo's correlation headers are client-supplied text: they are written only once the caller
//! is authenticated (or authentication is off), and the two that can identify a person, the
//! external user id and the conversation's session id, only as pseudonyms ([`Pseudonyms`]).

use std::time::{Instant, SystemTime};

use lambda_http::http::HeaderMap;
use lambda_http::request::RequestContext;
use lambda_http::{Request, RequestExt};

use super::pseudonym::Pseudonyms;
use crate::engine::auth::{Caller, Via};
use crate::engine::protocol::Handled;
use crate::engine::protocol::trace::{TraceContext, TraceSource};

/// The correlation headers Moveo sends, logged with every authenticated request.
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

/// Indexes in `MOVEO_HEADERS` of the values that can identify a person.
const PERSONAL: [usize; 2] = [4, 5];

/// One request's log line.
#[derive(Debug)]
pub struct RequestLog {
    pub(super) started: Instant,
    pub(super) started_at: SystemTime,
    http_method: String,
    apigw_request_id: Option<String>,
    lambda_request_id: Option<String>,
    /// Lambda's X-Ray trace header for the invocation (`Root=...;Parent=...;Sampled=...`).
    pub(super) xray_trace: Option<String>,
    /// The trace context of the `traceparent`/`tracestate` headers.
    header_trace: Option<TraceContext>,
    /// Moveo's correlation ids, in the order of `MOVEO_HEADERS`, as sent.
    moveo: [Option<String>; 8],
    /// The authenticated caller's non-secret id.
    pub caller: Option<String>,
    /// The OAuth client of the caller's token.
    pub client: Option<String>,
    /// How the caller authenticated (`header`, `url`, `oauth`, `off`).
    pub via: Option<&'static str>,
    /// For an OAuth caller where tokens' identity claim is kept: whether the token carried it
    /// (never its value).
    pub identity_claim: Option<bool>,
    /// Why authentication refused the request (`missing`, `bad_key`, `expired`, `audience`, ...).
    pub auth_failure: Option<&'static str>,
    /// What the protocol layer made of the body.
    pub handled: Handled,
}

impl RequestLog {
    /// Starts the line for `request`: its ids and trace context, and the clock.
    pub fn start(request: &Request) -> Self {
        let apigw_request_id = match request.request_context_ref() {
            Some(RequestContext::ApiGatewayV1(ctx)) => ctx.request_id.clone(),
            Some(RequestContext::ApiGatewayV2(ctx)) => ctx.request_id.clone(),
            _ => None,
        };
        let headers = request.headers();
        let text = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
        let context = request.lambda_context_ref();
        RequestLog {
            started: Instant::now(),
            started_at: SystemTime::now(),
            http_method: request.method().to_string(),
            apigw_request_id,
            lambda_request_id: context.map(|c| c.request_id.clone()),
            xray_trace: context.and_then(|c| c.xray_trace_id.clone()),
            header_trace: TraceContext::from_parts(text("traceparent"), text("tracestate"), TraceSource::Header),
            moveo: MOVEO_HEADERS.map(|name| header_text(headers, name)),
            caller: None,
            client: None,
            via: None,
            identity_claim: None,
            auth_failure: None,
            handled: Handled::default(),
        }
    }

    /// Notes who is calling: the caller's id, client and mode, and, when the deployment keeps an
    /// identity claim (`keeps_claim`) and the caller has a token, whether it carried one.
    pub fn note_caller(&mut self, caller: &Caller, keeps_claim: bool) {
        self.caller = Some(caller.id.clone());
        self.client.clone_from(&caller.client);
        self.via = Some(caller.via.as_str());
        self.identity_claim = (keeps_claim && caller.via == Via::OAuth).then_some(caller.identity_claim.is_some());
    }

    /// The trace context to record: `_meta`'s over the headers'.
    pub fn trace(&self) -> Option<&TraceContext> {
        self.handled.trace.as_ref().or(self.header_trace.as_ref())
    }

    /// Milliseconds since [`Self::start`], to two decimals.
    pub fn latency_ms(&self) -> f64 {
        (self.started.elapsed().as_secs_f64() * 100_000.0).round() / 100.0
    }

    /// Moveo's values as they may be logged: none before authentication, personal ones hidden.
    fn moveo_fields(&self, pseudonyms: &Pseudonyms) -> [Option<String>; 8] {
        let mut fields: [Option<String>; 8] = Default::default();
        if self.caller.is_some() {
            for (i, value) in self.moveo.iter().enumerate() {
                fields[i] = match value {
                    Some(v) if PERSONAL.contains(&i) => Some(pseudonyms.of(v)),
                    other => other.clone(),
                };
            }
        }
        fields
    }

    /// Writes the line, with the response's status and the time since [`Self::start`].
    pub fn write(&self, status: u16, pseudonyms: &Pseudonyms) {
        let h = &self.handled;
        let m = self.moveo_fields(pseudonyms);
        let trace = self.trace();
        let xray = self.xray_trace.as_deref().and_then(|t| t.split(';').find_map(|f| f.strip_prefix("Root=")));
        tracing::info!(
            http_method = self.http_method.as_str(),
            status,
            latency_ms = self.latency_ms(),
            era = h.era.map(|e| e.as_str()),
            rpc_method = h.method.as_deref(),
            tool = h.tool.as_deref(),
            outcome = h.outcome,
            caller = self.caller.as_deref(),
            client = self.client.as_deref(),
            auth = self.via,
            identity_claim = self.identity_claim,
            auth_failure = self.auth_failure,
            missing_scope = h.missing_scope,
            apigw_request_id = self.apigw_request_id.as_deref(),
            lambda_request_id = self.lambda_request_id.as_deref(),
            trace_id = trace.map(|t| t.parent.trace_id.as_str()),
            parent_span_id = trace.map(|t| t.parent.parent_id.as_str()),
            trace_sampled = trace.map(|t| t.parent.sampled()),
            tracestate = trace.and_then(|t| t.state.as_deref()),
            trace_source = trace.map(|t| t.source.as_str()),
            xray_trace_id = xray,
            moveo_account_id = m[0].as_deref(),
            moveo_account_slug = m[1].as_deref(),
            moveo_brain_id = m[2].as_deref(),
            moveo_desk_id = m[3].as_deref(),
            moveo_session = m[4].as_deref(),
            moveo_external_user = m[5].as_deref(),
            moveo_request_id = m[6].as_deref(),
            moveo_user_agent = m[7].as_deref(),
            "request handled"
        );
    }
}

/// The request's `x-moveo-*` headers (at most 16, values of at most 512 characters), for tools.
pub(super) fn platform_headers(headers: &HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .filter(|(name, _)| name.as_str().starts_with("x-moveo-"))
        .filter_map(|(name, value)| {
            let value = value.to_str().ok()?.trim();
            (!value.is_empty() && value.len() <= 512).then(|| (name.as_str().to_owned(), value.to_owned()))
        })
        .take(16)
        .collect()
}

/// A header's value, trimmed and cut at 128 characters; `None` when absent, blank or not text.
pub(super) fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    let value = headers.get(name)?.to_str().ok()?.trim();
    (!value.is_empty()).then(|| value.chars().take(128).collect())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use lambda_http::Body;

    use super::*;
    use crate::engine::auth::IdentityClaim;
    use crate::engine::logging::{Filter, FlatSubscriber, Format, LineSink};

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl LineSink for Capture {
        fn write_line(&self, line: &[u8]) {
            self.0.lock().unwrap().extend_from_slice(line);
        }
    }

    /// The line written for a request by `caller`, in a deployment that keeps (or not) a claim.
    fn line(caller: &Caller, keeps_claim: bool) -> serde_json::Value {
        let mut log = RequestLog::start(&Request::new(Body::Empty));
        log.note_caller(caller, keeps_claim);
        let sink = Capture::default();
        let subscriber = FlatSubscriber::new(Filter::from_lookup(|_| None), Format::Json, sink.clone());
        tracing::subscriber::with_default(subscriber, || log.write(200, &Pseudonyms::new(b"k")));
        let text = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        assert!(!text.contains("jane.doe") && !text.contains("example.com"), "the claim's value: {text}");
        serde_json::from_str(text.trim()).unwrap()
    }

    #[test]
    fn the_line_says_whether_a_token_carried_the_identity_claim_and_never_its_value() {
        let claim = Some(IdentityClaim::new("jane.doe@example.com"));
        let with = Caller { identity_claim: claim, ..Caller::with_id("user-1").via(Via::OAuth) };
        let written = line(&with, true);
        assert_eq!(
            (&written["caller"], &written["auth"], &written["identity_claim"]),
            (&"user-1".into(), &"oauth".into(), &true.into())
        );
        let without = Caller { identity_claim: None, ..with.clone() };
        assert_eq!(line(&without, true)["identity_claim"], false);
        assert_eq!(line(&Caller::with_id("key-1"), true).get("identity_claim"), None, "keys have no token");
        assert_eq!(line(&with, false).get("identity_claim"), None, "no claim kept, nothing said");
    }
}
