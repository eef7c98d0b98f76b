//! The JSON-RPC layer: `serde_json::from_slice` over the raw bytes, then envelope validation
//! (`parse_message`) of the value and of every element of a batch, plus the MCP header reader.
//!
//! Checks, besides "no panic": a message accepted as a request has `jsonrpc: "2.0"`, a string
//! method, an object (or absent) `params` and a string or integer id; a notification has a string
//! method and no id; a client response has an id and exactly one of `result` and `error`; a
//! refusal is -32600; every answer built from the outcome serialises and reads back as JSON.

#![no_main]

use lambda_mcp::engine::protocol::headers::HeaderText;
use lambda_mcp::engine::protocol::jsonrpc::{self, ErrorObject, INVALID_REQUEST, Id, Message, parse_message};
use lambda_mcp::engine::protocol::modern::carries_modern_meta;
use lambda_mcp::engine::protocol::version::ProtocolVersion;
use libfuzzer_sys::fuzz_target;
use serde_json::{Value, json};

fn reads_back(answer: &Value) {
    let text = serde_json::to_string(answer).expect("an answer serialises");
    let _: Value = serde_json::from_str(&text).expect("an answer reads back");
}

fn check(message: &Value) {
    match parse_message(message.clone()) {
        Ok(Message::Request(request)) => {
            assert_eq!(message["jsonrpc"], "2.0");
            assert_eq!(message["method"].as_str(), Some(request.method.as_str()));
            assert!(message.get("params").is_none_or(Value::is_object));
            match (&request.id, &message["id"]) {
                (Id::String(id), Value::String(raw)) => assert_eq!(id, raw),
                (Id::Number(id), Value::Number(raw)) => {
                    assert_eq!(id, raw);
                    assert!(id.is_i64() || id.is_u64());
                }
                (id, raw) => panic!("id {id:?} read from {raw}"),
            }
            reads_back(&jsonrpc::success(&request.id, json!({})));
            reads_back(&jsonrpc::failure(Some(&request.id), ErrorObject::new(-32601, "Method not found")));
        }
        Ok(Message::Notification { method }) => {
            assert_eq!(message["jsonrpc"], "2.0");
            assert_eq!(message["method"].as_str(), Some(method.as_str()));
            assert!(message.get("id").is_none());
        }
        Ok(Message::Response) => {
            assert!(message.get("id").is_some() && message.get("method").is_none());
            assert!(message.get("result").is_some() != message.get("error").is_some());
        }
        Err(invalid) => {
            assert_eq!(invalid.error.code, INVALID_REQUEST);
            reads_back(&jsonrpc::failure(invalid.id.as_ref(), invalid.error));
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).ok();
    if let Some(text) = text {
        let _ = ProtocolVersion::parse(text);
        let header = HeaderText::from_values(std::iter::once(Some(text)), true);
        if let HeaderText::Present(value) = header {
            // Values are trimmed; only a decoded Base64 sentinel may start with whitespace.
            let sentinel = text.trim_matches([' ', '\t']).starts_with("=?base64?");
            assert!(sentinel || !value.starts_with([' ', '\t']), "{value:?} from {text:?}");
        }
    }
    let Ok(value) = serde_json::from_slice::<Value>(data) else { return };
    let _ = carries_modern_meta(&value);
    match &value {
        Value::Array(batch) => batch.iter().for_each(check),
        single => check(single),
    }
});
