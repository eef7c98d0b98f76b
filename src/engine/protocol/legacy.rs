//! The initialize-based era (2024-11-05 to 2025-11-25): `initialize`, `ping`, `tools/list`,
//! `tools/call`, notifications, and JSON-RPC batches under 2025-03-26. Stateless all the same:
//! the revision of a request comes from its `MCP-Protocol-Version` header.

use serde_json::{Value, json};

use super::headers::HeaderText;
use super::jsonrpc::{self, ErrorObject, INVALID_PARAMS, INVALID_REQUEST, Invalid, METHOD_NOT_FOUND, Message, Request};
use super::request::McpRequest;
use super::server::{Answer, Era, Exchange, McpServer, printable};
use super::version::ProtocolVersion;
use super::{Handled, Reply, Status};

impl McpServer {
    /// Handles a parsed body the legacy way.
    pub(super) async fn handle_legacy(
        &self,
        value: Value,
        exchange: &Exchange,
        max_batch: usize,
        log: &mut Handled,
    ) -> Reply {
        let version = match &exchange.headers.protocol_version {
            HeaderText::Absent => ProtocolVersion::WITHOUT_HEADER,
            HeaderText::Present(text) => match ProtocolVersion::parse(text) {
                Some(v) if !v.is_modern() => v,
                _ => return unsupported_header(text, log),
            },
            HeaderText::Invalid => return unsupported_header("(malformed)", log),
        };
        match value {
            Value::Array(batch) => self.handle_batch(batch, version, exchange, max_batch, log).await,
            single => match jsonrpc::parse_message(single) {
                Err(invalid) => invalid_request(invalid, log),
                Ok(Message::Request(request)) => {
                    log.method = Some(printable(&request.method));
                    let id = request.id.clone();
                    match self.handle_request(request, exchange, false, log).await {
                        Ok(Answer::Serialized(page)) => Reply::text(Status::Ok, jsonrpc::success_json(&id, page)),
                        Ok(Answer::Value(result)) => Reply::json(Status::Ok, jsonrpc::success(&id, result)),
                        Ok(Answer::Success(result)) => {
                            Reply::text(Status::Ok, jsonrpc::success_json(&id, &result.to_json(None)))
                        }
                        // A tool outside the caller's scopes: 403 (within a batch, only its entry).
                        Err(error) if log.missing_scope.is_some() => {
                            Reply::json(Status::Forbidden, jsonrpc::failure(Some(&id), error))
                        }
                        Err(error) => Reply::json(Status::Ok, jsonrpc::failure(Some(&id), error)),
                    }
                }
                Ok(Message::Notification { method }) => {
                    log.method = Some(printable(&method));
                    Reply::Accepted
                }
                Ok(Message::Response) => Reply::Accepted,
            },
        }
    }

    async fn handle_batch(
        &self,
        batch: Vec<Value>,
        version: ProtocolVersion,
        exchange: &Exchange,
        max_batch: usize,
        log: &mut Handled,
    ) -> Reply {
        let refuse = |message: String, log: &mut Handled| {
            invalid_request(Invalid { id: None, error: ErrorObject::new(INVALID_REQUEST, message) }, log)
        };
        if !version.allows_batches() {
            return refuse(
                format!(
                    "Invalid request: JSON-RPC batches are only supported in protocol version 2025-03-26 (this request uses {version})"
                ),
                log,
            );
        }
        if batch.is_empty() {
            return refuse("Invalid request: an empty batch".into(), log);
        }
        if batch.len() > max_batch {
            return refuse(format!("Invalid request: a batch may hold at most {max_batch} messages"), log);
        }
        log.method = Some("batch".into());
        // The batch's own log line names the batch, not each message in it.
        let mut inner = Handled::default();
        let mut responses = Vec::new();
        for value in batch {
            match jsonrpc::parse_message(value) {
                Err(Invalid { id, error }) => responses.push(jsonrpc::failure(id.as_ref(), error)),
                Ok(Message::Request(request)) => {
                    let id = request.id.clone();
                    responses.push(match self.handle_request(request, exchange, true, &mut inner).await {
                        Ok(answer) => jsonrpc::success(&id, answer.into_value()),
                        Err(error) => jsonrpc::failure(Some(&id), error),
                    });
                }
                Ok(Message::Notification { .. } | Message::Response) => {}
            }
        }
        if responses.is_empty() { Reply::Accepted } else { Reply::json(Status::Ok, Value::Array(responses)) }
    }

    /// Answers one request: parsed into an [`McpRequest`], then one `match` serves it.
    async fn handle_request(
        &self,
        request: Request,
        exchange: &Exchange,
        in_batch: bool,
        log: &mut Handled,
    ) -> Result<Answer<'_>, ErrorObject> {
        match McpRequest::parse(&request.method, request.params)? {
            McpRequest::Initialize { .. } if in_batch => {
                Err(ErrorObject::new(INVALID_REQUEST, "Invalid request: initialize must not be part of a batch"))
            }
            McpRequest::Initialize { protocol_version } => {
                self.initialize(protocol_version.as_deref()).map(Answer::Value)
            }
            McpRequest::Ping => Ok(Answer::Value(json!({}))),
            McpRequest::ListTools { cursor } => self.list_tools_json(cursor.as_deref(), Era::Legacy, &exchange.caller),
            McpRequest::CallTool(call) => {
                self.check_tool(&call.name, &exchange.caller, log)?;
                self.call_tool(call, None, exchange, log).await
            }
            McpRequest::Discover | McpRequest::Other(_) => {
                log.outcome = Some("method_not_found");
                Err(ErrorObject::new(METHOD_NOT_FOUND, format!("Method not found: {}", printable(&request.method))))
            }
        }
    }

    fn initialize(&self, requested: Option<&str>) -> Result<Value, ErrorObject> {
        let Some(requested) = requested else {
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

fn invalid_request(invalid: Invalid, log: &mut Handled) -> Reply {
    log.outcome = Some("invalid_request");
    Reply::json(Status::BadRequest, jsonrpc::failure(invalid.id.as_ref(), invalid.error))
}

/// 400 for an unsupported or malformed `MCP-Protocol-Version` header on a legacy request.
fn unsupported_header(requested: &str, log: &mut Handled) -> Reply {
    log.outcome = Some("unsupported_version");
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
    use crate::engine::protocol::jsonrpc::Id;
    use crate::engine::protocol::tests::server_with_tools;

    fn request(method: &str, params: Value) -> Request {
        let Value::Object(params) = params else { panic!("params must be an object") };
        Request { id: Id::Number(1.into()), method: method.into(), params }
    }

    async fn call(method: &str, params: Value, in_batch: bool) -> Result<Value, ErrorObject> {
        let server = server_with_tools(1);
        let mut log = Handled::default();
        let answer = server.handle_request(request(method, params), &Exchange::default(), in_batch, &mut log).await?;
        Ok(answer.into_value())
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
            assert_eq!(r["serverInfo"]["name"], "test-server");
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
        assert_eq!(call("server/discover", json!({}), false).await.unwrap_err().code, METHOD_NOT_FOUND);
        for cursor in [json!("bogus"), json!("tools-from-50"), json!(3)] {
            assert_eq!(call("tools/list", json!({"cursor": cursor}), false).await.unwrap_err().code, INVALID_PARAMS);
        }
        let e = call("tools/call", json!({"name": "nope"}), false).await.unwrap_err();
        assert_eq!((e.code, e.message.as_str()), (INVALID_PARAMS, "Unknown tool: nope"));
        assert_eq!(call("tools/call", json!({}), false).await.unwrap_err().code, INVALID_PARAMS);
        assert_eq!(call("ping", json!({}), false).await.unwrap(), json!({}));
        let echoed = call("tools/call", json!({"name": "echo_one"}), false).await.unwrap();
        assert_eq!(echoed["content"][0]["text"], "echo_one");
    }
}
