//! JSON-RPC 2.0 envelopes, validated strictly: `jsonrpc` must be "2.0", ids are strings or
//! integers, `params` is an object, and an error whose request id is unknown carries `id: null`.

use serde::Serialize;
use serde_json::{Map, Value, json};

/// Parse error: the body is not JSON.
pub const PARSE_ERROR: i64 = -32700;
/// The JSON is not a valid request object.
pub const INVALID_REQUEST: i64 = -32600;
/// The method does not exist.
pub const METHOD_NOT_FOUND: i64 = -32601;
/// Invalid method parameters (also unknown tools and bad cursors).
pub const INVALID_PARAMS: i64 = -32602;
/// Internal error.
pub const INTERNAL_ERROR: i64 = -32603;
/// The MCP request headers disagree with the body (2026-07-28).
pub const HEADER_MISMATCH: i64 = -32020;
/// Server-defined: the caller's scopes do not cover the tool (sent with HTTP 403).
pub const FORBIDDEN: i64 = -32003;
/// A tool needs a client capability the request did not declare (2026-07-28).
pub const MISSING_CAPABILITY: i64 = -32021;
/// The request's protocol version is not supported (2026-07-28).
pub const UNSUPPORTED_VERSION: i64 = -32022;

/// A request id: a string or an integer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Id {
    Number(serde_json::Number),
    String(String),
}

impl Id {
    fn parse(value: &Value) -> Option<Id> {
        match value {
            Value::String(s) => Some(Id::String(s.clone())),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some(Id::Number(n.clone())),
            _ => None,
        }
    }
}

/// A JSON-RPC error object.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorObject {
    pub code: i64,
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Value>,
}

impl ErrorObject {
    /// An error without data.
    pub fn new(code: i64, message: impl Into<String>) -> Self {
        ErrorObject { code, message: message.into(), data: None }
    }

    /// The same error with `data`.
    pub fn with_data(mut self, data: Value) -> Self {
        self.data = Some(data);
        self
    }
}

/// A call the client expects an answer to.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    pub id: Id,
    pub method: String,
    pub params: Map<String, Value>,
}

/// One incoming message.
#[derive(Debug, Clone, PartialEq)]
pub enum Message {
    Request(Request),
    Notification {
        method: String,
    },
    /// A response from the client to a server request (we send none; accepted and ignored).
    Response,
}

/// A message that is not valid JSON-RPC, with the id to answer under if one could be read.
#[derive(Debug, Clone, PartialEq)]
pub struct Invalid {
    pub id: Option<Id>,
    pub error: ErrorObject,
}

fn invalid(id: Option<Id>, message: &str) -> Invalid {
    Invalid { id, error: ErrorObject::new(INVALID_REQUEST, message) }
}

/// Validates one message.
pub fn parse_message(value: Value) -> Result<Message, Invalid> {
    let Value::Object(mut object) = value else {
        return Err(invalid(None, "Invalid request: a JSON-RPC message must be a JSON object"));
    };
    let id = match object.get("id") {
        None => None,
        Some(raw) => match Id::parse(raw) {
            Some(id) => Some(id),
            None if raw.is_null() && object.contains_key("error") => None,
            None => {
                return Err(invalid(None, "Invalid request: `id` must be a string or an integer"));
            }
        },
    };
    if object.get("jsonrpc").and_then(Value::as_str) != Some("2.0") {
        return Err(invalid(id, "Invalid request: `jsonrpc` must be \"2.0\""));
    }
    let params = match object.remove("params") {
        None => Map::new(),
        Some(Value::Object(params)) => params,
        Some(_) => return Err(invalid(id, "Invalid request: `params` must be an object")),
    };
    match object.remove("method") {
        Some(Value::String(method)) => match id {
            Some(id) => Ok(Message::Request(Request { id, method, params })),
            None if object.contains_key("id") => Err(invalid(None, "Invalid request: `id` must not be null")),
            None => Ok(Message::Notification { method }),
        },
        Some(_) => Err(invalid(id, "Invalid request: `method` must be a string")),
        None if object.contains_key("result") != object.contains_key("error") && object.contains_key("id") => {
            Ok(Message::Response)
        }
        None => Err(invalid(id, "Invalid request: `method` is missing")),
    }
}

/// A success response.
pub fn success(id: &Id, result: Value) -> Value {
    envelope(json!(id), "result", result)
}

/// A success response around an already serialised `result`, as text (the keys in the order
/// [`success`] serialises them).
pub fn success_json(id: &Id, result: &str) -> String {
    let id = serde_json::to_string(id).unwrap_or_else(|_| "null".into());
    let mut text = String::with_capacity(result.len() + id.len() + 32);
    for part in [r#"{"id":"#, &id, r#","jsonrpc":"2.0","result":"#, result, "}"] {
        text.push_str(part);
    }
    text
}

/// An error response (`id` null when the request id is unknown).
pub fn failure(id: Option<&Id>, error: ErrorObject) -> Value {
    envelope(json!(id), "error", json!(error))
}

/// The response object, built by moving `payload` in: `json!` would copy it through the
/// serializer, which for a `tools/list` page or a tool result is most of an invocation's work.
fn envelope(id: Value, key: &str, payload: Value) -> Value {
    let mut map = Map::new();
    map.insert("jsonrpc".into(), Value::from("2.0"));
    map.insert("id".into(), id);
    map.insert(key.into(), payload);
    Value::Object(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_serialised_success_is_the_same_document_as_a_value_success() {
        for id in [Id::Number(7.into()), Id::String("a\"b".into())] {
            let text = success_json(&id, r#"{"tools":[]}"#);
            assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), success(&id, json!({"tools": []})));
            assert_eq!(text, success(&id, json!({"tools": []})).to_string(), "same key order too");
        }
    }

    fn parse(text: &str) -> Result<Message, Invalid> {
        parse_message(serde_json::from_str(text).unwrap())
    }

    #[test]
    fn a_request_with_an_integer_or_string_id_is_accepted() {
        for body in [r#"{"jsonrpc":"2.0","id":7,"method":"ping"}"#, r#"{"jsonrpc":"2.0","id":"a","method":"ping"}"#] {
            assert!(matches!(parse(body), Ok(Message::Request(Request { ref method, .. })) if method == "ping"));
        }
    }

    #[test]
    fn a_message_without_id_is_a_notification() {
        assert_eq!(
            parse(r#"{"jsonrpc":"2.0","method":"notifications/initialized"}"#),
            Ok(Message::Notification { method: "notifications/initialized".into() })
        );
    }

    #[test]
    fn a_wrong_version_keeps_the_id_for_the_error() {
        let err = parse(r#"{"jsonrpc":"1.0","id":3,"method":"ping"}"#).unwrap_err();
        assert_eq!(err.id, Some(Id::Number(3.into())));
        assert_eq!(err.error.code, INVALID_REQUEST);
    }

    #[test]
    fn fractional_boolean_object_and_null_ids_are_refused_with_a_null_id() {
        for body in [
            r#"{"jsonrpc":"2.0","id":1.5,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":true,"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":{},"method":"ping"}"#,
            r#"{"jsonrpc":"2.0","id":null,"method":"ping"}"#,
        ] {
            let err = parse(body).unwrap_err();
            assert_eq!((err.id, err.error.code), (None, INVALID_REQUEST), "{body}");
        }
    }

    #[test]
    fn params_must_be_an_object() {
        let err = parse(r#"{"jsonrpc":"2.0","id":1,"method":"ping","params":[1]}"#).unwrap_err();
        assert_eq!(err.error.code, INVALID_REQUEST);
    }

    #[test]
    fn client_responses_are_recognised() {
        assert_eq!(parse(r#"{"jsonrpc":"2.0","id":1,"result":{}}"#), Ok(Message::Response));
        assert_eq!(parse(r#"{"jsonrpc":"2.0","id":null,"error":{"code":1,"message":"x"}}"#), Ok(Message::Response));
        assert!(parse(r#"{"jsonrpc":"2.0","id":1}"#).is_err());
        assert!(parse(r#"[]"#).is_err());
    }

    #[test]
    fn errors_serialise_with_a_null_id_when_unknown() {
        let v = failure(None, ErrorObject::new(PARSE_ERROR, "Parse error"));
        assert_eq!(v, json!({"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error"}}));
    }
}
