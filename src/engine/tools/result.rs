//! What a tool receives besides its arguments ([`CallContext`]) and what it returns: a success
//! ([`ToolOutput`], markdown for the agent plus structured data) or a failure the agent can act on
//! ([`ToolError`], an `isError` result in plain language). Neither is a protocol error.

use serde::Serialize;
use serde_json::{Map, Value, json};

use super::texts::Lang;
use crate::engine::auth::Caller;

/// Who is calling and in which conversation.
#[derive(Debug, Clone, Default)]
pub struct CallContext {
    /// The conversation's language (from `_meta["moveo/context"].lang`; English by default).
    pub lang: Lang,
    /// Who is calling, as authentication found (a non-secret id).
    pub caller: Caller,
    /// The conversation's session id (`x-moveo-session-id`), used to derive idempotency keys.
    pub session_id: Option<String>,
    /// The conversation's session variables (`_meta["moveo/context"].context`): set by the
    /// platform and by earlier tool results, so only trustworthy where a tool never writes.
    pub session_context: Option<Map<String, Value>>,
    /// The platform's `x-moveo-*` request headers (lower-case names), set by Moveo, not by the
    /// conversation.
    pub platform_headers: Vec<(String, String)>,
    /// The client's capabilities, when the request declares them (2026-07-28 `_meta`).
    pub client_capabilities: Option<Map<String, Value>>,
    /// Answers to an earlier `input_required` result (`params.inputResponses`, 2026-07-28).
    pub input_responses: Option<Map<String, Value>>,
    /// The opaque state an earlier `input_required` result asked to be echoed.
    pub request_state: Option<String>,
}

impl CallContext {
    /// The value of platform header `name` (lower-case), when the request carries it.
    pub fn platform_header(&self, name: &str) -> Option<&str> {
        self.platform_headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// True when the request is served by the stateless (2026-07-28) rules, which alone can
    /// carry `input_required` results.
    pub fn is_modern(&self) -> bool {
        self.client_capabilities.is_some()
    }
}

/// A successful result.
#[derive(Debug, Clone)]
pub struct ToolOutput<O> {
    /// Markdown for the agent, leading with the answer.
    pub text: String,
    /// The same data as JSON, matching the tool's `outputSchema`.
    pub structured: O,
    /// Session variables to write back to Moveo (`_meta["moveo/context"].context`).
    pub session_context: Map<String, Value>,
    /// Content blocks after the text (images, audio, embedded resources).
    pub extra_content: Vec<Value>,
    /// Set when the tool needs more input from the client first (multi round-trip requests):
    /// the input requests by key, and state to echo on the retry.
    pub input_required: Option<(Map<String, Value>, Option<String>)>,
}

impl<O: Default> ToolOutput<O> {
    /// An interim result asking the client for `requests` (keyed `elicitation/create`,
    /// `sampling/createMessage` or `roots/list` requests) and to echo `state` on its retry.
    pub fn input_required(requests: Map<String, Value>, state: Option<String>) -> Self {
        let mut output = ToolOutput::new("", O::default());
        output.input_required = Some((requests, state));
        output
    }
}

impl<O> ToolOutput<O> {
    /// A result with text and structured data and no session write-back.
    pub fn new(text: impl Into<String>, structured: O) -> Self {
        ToolOutput {
            text: text.into(),
            structured,
            session_context: Map::new(),
            extra_content: Vec::new(),
            input_required: None,
        }
    }

    /// Adds a content block after the text (`{"type": "image", ...}` and the like).
    pub fn with_content(mut self, block: Value) -> Self {
        self.extra_content.push(block);
        self
    }

    /// Adds a session variable to write back.
    pub fn with_session_value(mut self, key: &str, value: impl Into<Value>) -> Self {
        self.session_context.insert(key.to_owned(), value.into());
        self
    }
}

/// Whether trying again can help.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Retry {
    /// A passing fault: the same call may succeed in a few seconds.
    Later,
    /// The same call will fail again; the agent must change something or tell the customer.
    Never,
}

/// A failure the agent can act on: what happened and what to do next, in plain language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolError {
    pub message: String,
    pub retry: Retry,
    /// The request itself is malformed (e.g. a `requestState` that fails its integrity check, an
    /// input response of the wrong shape): answered with the JSON-RPC error -32602 instead of an
    /// `isError` result.
    pub invalid_params: bool,
}

impl ToolError {
    /// A failure that will happen again for the same call.
    pub fn terminal(message: impl Into<String>) -> Self {
        ToolError { message: message.into(), retry: Retry::Never, invalid_params: false }
    }

    /// A passing failure.
    pub fn recoverable(message: impl Into<String>) -> Self {
        ToolError { message: message.into(), retry: Retry::Later, invalid_params: false }
    }

    /// A protocol error: the request's parameters are invalid (JSON-RPC -32602, not a result).
    pub fn invalid_params(message: impl Into<String>) -> Self {
        ToolError { message: message.into(), retry: Retry::Never, invalid_params: true }
    }

    /// The `CallToolResult` JSON for this failure.
    pub fn into_result(self) -> Value {
        json!({
            "content": [{"type": "text", "text": self.message}],
            "isError": true,
        })
    }
}

/// The interim `CallToolResult` asking the client for `requests` (2026-07-28), with the state to
/// echo on the retry.
pub fn input_required_result(requests: Map<String, Value>, state: Option<String>) -> Value {
    let mut result = Map::new();
    result.insert("resultType".into(), json!("input_required"));
    result.insert("inputRequests".into(), Value::Object(requests));
    if let Some(state) = state {
        result.insert("requestState".into(), Value::String(state));
    }
    Value::Object(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_a_result_with_is_error_and_plain_text() {
        let v = ToolError::terminal("Order not found. Ask the customer to confirm the number.").into_result();
        assert_eq!(v["isError"], true);
        assert_eq!(v["content"][0]["type"], "text");
        assert!(v.get("structuredContent").is_none());
    }

    #[test]
    fn an_input_required_result_carries_the_requests_and_the_state_to_echo() {
        let mut requests = Map::new();
        requests.insert("name".into(), json!({"method": "elicitation/create"}));
        let v = input_required_result(requests.clone(), Some("s1".into()));
        assert_eq!(v, json!({"resultType": "input_required", "inputRequests": requests, "requestState": "s1"}));
        assert!(input_required_result(Map::new(), None).get("requestState").is_none());
    }
}
