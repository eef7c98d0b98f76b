//! A request parsed once: the JSON-RPC method and its params read into a typed [`McpRequest`],
//! the only place params are read by string keys. Each era dispatches it with one `match`
//! ([`super::legacy`], [`super::modern`]); a method an era does not serve has its arm there.

use serde_json::{Map, Value};

use super::jsonrpc::{ErrorObject, INVALID_PARAMS};
use super::trace::{TraceContext, TraceSource};

/// `params._meta` key of Moveo's conversation context (language, session variables).
pub const META_MOVEO_CONTEXT: &str = "moveo/context";

/// An MCP request, method and params typed.
#[derive(Debug, Clone, PartialEq)]
pub enum McpRequest {
    /// `initialize` (legacy era) with the revision the client asks for.
    Initialize { protocol_version: Option<String> },
    /// `ping` (legacy era).
    Ping,
    /// `server/discover` (2026-07-28).
    Discover,
    /// `tools/list`, from the page a cursor names (`None`: the first).
    ListTools { cursor: Option<String> },
    /// `tools/call`.
    CallTool(ToolCall),
    /// Any other method (answered -32601); the name as sent.
    Other(String),
}

/// The params of `tools/call`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToolCall {
    /// The tool's name.
    pub name: String,
    /// The arguments; absent means `{}`.
    pub arguments: Option<Value>,
    /// The conversation's language tag (`_meta["moveo/context"].lang`), when sent.
    pub lang: Option<String>,
    /// The conversation's session variables (`_meta["moveo/context"].context`), when sent.
    pub session_context: Option<Map<String, Value>>,
    /// Answers to an earlier `input_required` result (`inputResponses`, 2026-07-28).
    pub input_responses: Option<Map<String, Value>>,
    /// The opaque state an earlier `input_required` result asked to be echoed (`requestState`).
    pub request_state: Option<String>,
}

impl McpRequest {
    /// Reads `method` and `params` into a request, or -32602 when the params are malformed.
    pub fn parse(method: &str, mut params: Map<String, Value>) -> Result<Self, ErrorObject> {
        Ok(match method {
            "initialize" => McpRequest::Initialize {
                protocol_version: params.get("protocolVersion").and_then(Value::as_str).map(str::to_owned),
            },
            "ping" => McpRequest::Ping,
            "server/discover" => McpRequest::Discover,
            "tools/list" => McpRequest::ListTools { cursor: cursor(&params)? },
            "tools/call" => {
                let Some(Value::String(name)) = params.remove("name") else {
                    return Err(ErrorObject::new(INVALID_PARAMS, "Invalid params: `name` (a string) is required"));
                };
                McpRequest::CallTool(ToolCall {
                    name,
                    lang: moveo_lang(&params),
                    session_context: moveo_session_context(&params),
                    arguments: params.remove("arguments"),
                    input_responses: match params.remove("inputResponses") {
                        Some(Value::Object(responses)) => Some(responses),
                        _ => None,
                    },
                    request_state: params.remove("requestState").and_then(|s| s.as_str().map(str::to_owned)),
                })
            }
            other => McpRequest::Other(other.to_owned()),
        })
    }
}

fn cursor(params: &Map<String, Value>) -> Result<Option<String>, ErrorObject> {
    match params.get("cursor") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(cursor)) => Ok(Some(cursor.clone())),
        Some(_) => Err(ErrorObject::new(INVALID_PARAMS, "Invalid params: `cursor` must be a string")),
    }
}

/// The W3C trace context in a message's `params._meta` (`traceparent`, `tracestate`: the keys the
/// specification reserves for OpenTelemetry context, SEP-414); for a batch, its first message's.
pub fn meta_trace(message: &Value) -> Option<TraceContext> {
    let message = match message {
        Value::Array(items) => items.first()?,
        other => other,
    };
    let meta = message.get("params")?.get("_meta")?;
    let text = |key: &str| meta.get(key).and_then(Value::as_str);
    TraceContext::from_parts(text("traceparent"), text("tracestate"), TraceSource::Meta)
}

/// `params._meta["moveo/context"].lang`, when Moveo sends one of a sane length.
fn moveo_lang(params: &Map<String, Value>) -> Option<String> {
    let lang = params.get("_meta")?.get(META_MOVEO_CONTEXT)?.get("lang")?.as_str()?;
    let lang = lang.trim();
    (!lang.is_empty() && lang.len() <= 35).then(|| lang.to_owned())
}

/// `params._meta["moveo/context"].context`, when it is an object.
fn moveo_session_context(params: &Map<String, Value>) -> Option<Map<String, Value>> {
    params.get("_meta")?.get(META_MOVEO_CONTEXT)?.get("context")?.as_object().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_trace_context_is_read_from_meta_even_in_a_batch() {
        let parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        let message =
            json!({"method": "tools/list", "params": {"_meta": {"traceparent": parent, "tracestate": "a=b"}}});
        let trace = meta_trace(&message).unwrap();
        assert_eq!((trace.parent.to_header().as_str(), trace.state.as_deref()), (parent, Some("a=b")));
        assert_eq!(trace.source, TraceSource::Meta);
        assert_eq!(meta_trace(&json!([message, {}])).unwrap().parent.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(meta_trace(&json!({"params": {"_meta": {"traceparent": "garbage"}}})), None);
        assert_eq!(meta_trace(&json!({"params": {}})), None);
    }

    fn parse(method: &str, params: Value) -> Result<McpRequest, ErrorObject> {
        let Value::Object(params) = params else { panic!("params must be an object") };
        McpRequest::parse(method, params)
    }

    #[test]
    fn a_tool_call_is_read_with_its_arguments_language_and_round_trip_state() {
        let request = parse(
            "tools/call",
            json!({"name": "get_order", "arguments": {"order_number": "1"}, "requestState": "s",
                   "inputResponses": {"a": {}}, "_meta": {"moveo/context": {"lang": " es ", "context": {"v": 1}}}}),
        )
        .unwrap();
        let McpRequest::CallTool(call) = request else { panic!("a tool call") };
        assert_eq!(call.name, "get_order");
        assert_eq!(call.arguments, Some(json!({"order_number": "1"})));
        assert_eq!(call.lang.as_deref(), Some("es"));
        assert_eq!(call.request_state.as_deref(), Some("s"));
        assert!(call.input_responses.is_some_and(|r| r.contains_key("a")));
        assert_eq!(call.session_context.map(Value::Object), Some(json!({"v": 1})));
    }

    #[test]
    fn malformed_params_are_invalid_params() {
        for (method, params) in
            [("tools/call", json!({})), ("tools/call", json!({"name": 5})), ("tools/list", json!({"cursor": 3}))]
        {
            assert_eq!(parse(method, params).unwrap_err().code, INVALID_PARAMS, "{method}");
        }
    }

    #[test]
    fn methods_map_to_their_variants_and_unknown_ones_are_kept() {
        assert_eq!(parse("ping", json!({})).unwrap(), McpRequest::Ping);
        assert_eq!(parse("server/discover", json!({})).unwrap(), McpRequest::Discover);
        assert_eq!(parse("tools/list", json!({"cursor": null})).unwrap(), McpRequest::ListTools { cursor: None });
        assert_eq!(
            parse("initialize", json!({"protocolVersion": "2025-06-18"})).unwrap(),
            McpRequest::Initialize { protocol_version: Some("2025-06-18".into()) }
        );
        assert_eq!(parse("resources/list", json!({})).unwrap(), McpRequest::Other("resources/list".into()));
    }

    #[test]
    fn a_language_tag_must_be_short_and_not_blank() {
        let lang = |l: &str| moveo_lang(json!({"_meta": {"moveo/context": {"lang": l}}}).as_object().unwrap());
        assert_eq!(lang("pt-BR"), Some("pt-BR".into()));
        assert_eq!(lang("  "), None);
        assert_eq!(lang(&"x".repeat(36)), None);
    }
}
