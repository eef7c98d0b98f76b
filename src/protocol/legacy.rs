//! The initialize-based era (2024-11-05 to 2025-11-25): `initialize`, `ping`, `tools/list`,
//! `tools/call`, notifications, and JSON-RPC batches under 2025-03-26. Stateless all the same:
//! the revision of a request comes from its `MCP-Protocol-Version` header.

use serde_json::{Map, Value, json};
use tracing::Span;

use super::headers::HeaderText;
use super::jsonrpc::{self, ErrorObject, INVALID_PARAMS, INVALID_REQUEST, Invalid, METHOD_NOT_FOUND, Message, Request};
use super::server::{Era, Exchange, McpServer, printable};
use super::version::ProtocolVersion;
use super::{Reply, Status};

impl McpServer {
    /// Handles a parsed body the legacy way.
    pub(super) async fn handle_legacy(&self, value: Value, exchange: &Exchange, max_batch: usize) -> Reply {
        let version = match &exchange.headers.protocol_version {
            HeaderText::Absent => ProtocolVersion::WITHOUT_HEADER,
            HeaderText::Present(text) => match ProtocolVersion::parse(text) {
                Some(v) if !v.is_modern() => v,
                _ => return unsupported_header(text),
            },
            HeaderText::Invalid => return unsupported_header("(malformed)"),
        };
        match value {
            Value::Array(batch) => self.handle_batch(batch, version, exchange, max_batch).await,
            single => match jsonrpc::parse_message(single) {
                Err(invalid) => invalid_request(invalid),
                Ok(Message::Request(request)) if request.method == "tools/list" => {
                    Span::current().record("rpc_method", "tools/list");
                    match self.list_tools_json(&request.params, Era::Legacy) {
                        Ok(page) => Reply::text(Status::Ok, jsonrpc::success_json(&request.id, page)),
                        Err(error) => Reply::json(Status::Ok, jsonrpc::failure(Some(&request.id), error)),
                    }
                }
                Ok(message) => match self.handle_message(message, exchange, false).await {
                    Some(body) => Reply::json(Status::Ok, body),
                    None => Reply::Accepted,
                },
            },
        }
    }

    async fn handle_batch(
        &self,
        batch: Vec<Value>,
        version: ProtocolVersion,
        exchange: &Exchange,
        max_batch: usize,
    ) -> Reply {
        let refuse =
            |message: String| invalid_request(Invalid { id: None, error: ErrorObject::new(INVALID_REQUEST, message) });
        if !version.allows_batches() {
            return refuse(format!(
                "Invalid request: JSON-RPC batches are only supported in protocol version 2025-03-26 (this request uses {version})"
            ));
        }
        if batch.is_empty() {
            return refuse("Invalid request: an empty batch".into());
        }
        if batch.len() > max_batch {
            return refuse(format!("Invalid request: a batch may hold at most {max_batch} messages"));
        }
        Span::current().record("rpc_method", "batch");
        let mut responses = Vec::new();
        for value in batch {
            let response = match jsonrpc::parse_message(value) {
                Err(Invalid { id, error }) => Some(jsonrpc::failure(id.as_ref(), error)),
                Ok(message) => self.handle_message(message, exchange, true).await,
            };
            responses.extend(response);
        }
        if responses.is_empty() { Reply::Accepted } else { Reply::json(Status::Ok, Value::Array(responses)) }
    }

    /// One valid message: a response for a request, nothing for a notification or a response.
    async fn handle_message(&self, message: Message, exchange: &Exchange, in_batch: bool) -> Option<Value> {
        match message {
            Message::Request(request) => {
                if !in_batch {
                    Span::current().record("rpc_method", printable(&request.method).as_str());
                }
                let id = request.id.clone();
                Some(match self.handle_request(request, exchange, in_batch).await {
                    Ok(result) => jsonrpc::success(&id, result),
                    Err(error) => jsonrpc::failure(Some(&id), error),
                })
            }
            Message::Notification { method } => {
                if !in_batch {
                    Span::current().record("rpc_method", printable(&method).as_str());
                }
                None
            }
            Message::Response => None,
        }
    }

    /// Answers one request: `Ok(result)` or a JSON-RPC error.
    pub async fn handle_request(
        &self,
        request: Request,
        exchange: &Exchange,
        in_batch: bool,
    ) -> Result<Value, ErrorObject> {
        match request.method.as_str() {
            "initialize" if in_batch => {
                Err(ErrorObject::new(INVALID_REQUEST, "Invalid request: initialize must not be part of a batch"))
            }
            "initialize" => self.initialize(&request.params),
            "ping" => Ok(json!({})),
            "tools/list" => self.list_tools(&request.params),
            "tools/call" => {
                let name = self.tool_name(&request.params)?;
                self.call_tool(&name, request.params, None, exchange).await
            }
            other => {
                Span::current().record("outcome", "method_not_found");
                Err(ErrorObject::new(METHOD_NOT_FOUND, format!("Method not found: {}", printable(other))))
            }
        }
    }

    fn initialize(&self, params: &Map<String, Value>) -> Result<Value, ErrorObject> {
        let Some(requested) = params.get("protocolVersion").and_then(Value::as_str) else {
            return Err(ErrorObject::new(INVALID_PARAMS, "Invalid params: `protocolVersion` (a string) is required"));
        };
        let version =
            ProtocolVersion::parse(requested).filter(|v| !v.is_modern()).unwrap_or(ProtocolVersion::LATEST_LEGACY);
        Ok(json!({
            "protocolVersion": version.as_str(),
            "capabilities": self.capabilities(),
            "serverInfo": self.info.implementation(),
            "instructions": self.info.instructions,
        }))
    }
}

fn invalid_request(invalid: Invalid) -> Reply {
    Span::current().record("outcome", "invalid_request");
    Reply::json(Status::BadRequest, jsonrpc::failure(invalid.id.as_ref(), invalid.error))
}

/// 400 for an unsupported or malformed `MCP-Protocol-Version` header on a legacy request.
fn unsupported_header(requested: &str) -> Reply {
    Span::current().record("outcome", "unsupported_version");
    let shown = printable(requested);
    let supported = ProtocolVersion::all_supported();
    let error = ErrorObject::new(
        INVALID_REQUEST,
        format!("Bad request: unsupported MCP-Protocol-Version `{shown}`; supported: {}", supported.join(", ")),
    )
    .with_data(json!({"supported": supported, "requested": shown}));
    Reply::json(Status::BadRequest, jsonrpc::failure(None, error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerInfo;
    use crate::protocol::jsonrpc::Id;
    use crate::tools::ToolRegistry;

    fn server() -> McpServer {
        McpServer::new(ServerInfo::default(), ToolRegistry::new())
    }

    fn request(method: &str, params: Value) -> Request {
        let Value::Object(params) = params else { panic!("params must be an object") };
        Request { id: Id::Number(1.into()), method: method.into(), params }
    }

    async fn call(method: &str, params: Value, in_batch: bool) -> Result<Value, ErrorObject> {
        server().handle_request(request(method, params), &Exchange::default(), in_batch).await
    }

    #[tokio::test]
    async fn initialize_echoes_a_legacy_version_and_answers_the_latest_legacy_otherwise() {
        for (asked, answered) in [
            ("2024-11-05", "2024-11-05"),
            ("2025-06-18", "2025-06-18"),
            ("1999-01-01", "2025-11-25"),
            ("2026-07-28", "2025-11-25"),
        ] {
            let r = call("initialize", json!({"protocolVersion": asked}), false).await.unwrap();
            assert_eq!(r["protocolVersion"], answered);
            assert_eq!(r["serverInfo"]["name"], "lambda-mcp");
            assert!(r["capabilities"]["tools"].is_object());
        }
    }

    #[tokio::test]
    async fn initialize_needs_a_version_and_stays_out_of_batches() {
        assert_eq!(call("initialize", json!({}), false).await.unwrap_err().code, INVALID_PARAMS);
        let e = call("initialize", json!({"protocolVersion": "2025-03-26"}), true).await.unwrap_err();
        assert_eq!(e.code, INVALID_REQUEST);
    }

    #[tokio::test]
    async fn unknown_methods_cursors_and_tools_get_the_right_codes() {
        assert_eq!(call("resources/list", json!({}), false).await.unwrap_err().code, METHOD_NOT_FOUND);
        for cursor in [json!("bogus"), json!("tools-from-50"), json!(3)] {
            assert_eq!(call("tools/list", json!({"cursor": cursor}), false).await.unwrap_err().code, INVALID_PARAMS);
        }
        let e = call("tools/call", json!({"name": "nope"}), false).await.unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (INVALID_PARAMS, "Unknown tool: nope"));
        assert_eq!(call("tools/call", json!({}), false).await.unwrap_err().code, INVALID_PARAMS);
        assert_eq!(call("ping", json!({}), false).await.unwrap(), json!({}));
    }
}
