//! JSON-RPC 2.0 and MCP: envelopes ([`jsonrpc`]), protocol revisions ([`version`]), and method
//! dispatch ([`server`]). Knows nothing of HTTP beyond the status a reply should travel with.

pub mod jsonrpc;
pub mod server;
pub mod version;

use serde_json::Value;
use tracing::Span;

use jsonrpc::{ErrorObject, INVALID_REQUEST, Invalid, Message, PARSE_ERROR};
pub use server::{Exchange, McpServer, ServerInfo};
pub use version::ProtocolVersion;

/// What the transport should send back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A JSON body: a response, an error, or a batch of them. `bad_request` marks a body that
    /// was not a valid message at all (HTTP 400) rather than a request that failed (HTTP 200).
    Json { body: Value, bad_request: bool },
    /// Only notifications or client responses: 202 with no body.
    Accepted,
}

impl McpServer {
    /// Handles a request body: one message, or a batch where the revision allows it.
    pub async fn handle_body(&self, body: &[u8], exchange: &Exchange, max_batch: usize) -> Reply {
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => {
                Span::current().record("outcome", "parse_error");
                let error =
                    ErrorObject::new(PARSE_ERROR, "Parse error: the body is not valid JSON");
                return Reply::Json {
                    body: jsonrpc::failure(None, error),
                    bad_request: true,
                };
            }
        };
        match value {
            Value::Array(batch) => self.handle_batch(batch, exchange, max_batch).await,
            single => match jsonrpc::parse_message(single) {
                Err(invalid) => {
                    Span::current().record("outcome", "invalid_request");
                    Reply::Json {
                        body: jsonrpc::failure(invalid.id.as_ref(), invalid.error),
                        bad_request: true,
                    }
                }
                Ok(message) => match self.handle_message(message, exchange, false).await {
                    Some(body) => Reply::Json {
                        body,
                        bad_request: false,
                    },
                    None => Reply::Accepted,
                },
            },
        }
    }

    async fn handle_batch(
        &self,
        batch: Vec<Value>,
        exchange: &Exchange,
        max_batch: usize,
    ) -> Reply {
        let refuse = |message: String| {
            Span::current().record("outcome", "invalid_request");
            Reply::Json {
                body: jsonrpc::failure(None, ErrorObject::new(INVALID_REQUEST, message)),
                bad_request: true,
            }
        };
        if !exchange.version.allows_batches() {
            return refuse(format!(
                "Invalid request: JSON-RPC batches are only supported in protocol version 2025-03-26 (this request uses {})",
                exchange.version
            ));
        }
        if batch.is_empty() {
            return refuse("Invalid request: an empty batch".into());
        }
        if batch.len() > max_batch {
            return refuse(format!(
                "Invalid request: a batch may hold at most {max_batch} messages"
            ));
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
        if responses.is_empty() {
            Reply::Accepted
        } else {
            Reply::Json {
                body: Value::Array(responses),
                bad_request: false,
            }
        }
    }

    /// One valid message: a response for a request, nothing for a notification or a response.
    async fn handle_message(
        &self,
        message: Message,
        exchange: &Exchange,
        in_batch: bool,
    ) -> Option<Value> {
        match message {
            Message::Request(request) => {
                if !in_batch {
                    Span::current().record("rpc_method", request.method.as_str());
                }
                let id = request.id.clone();
                Some(
                    match self.handle_request(request, exchange, in_batch).await {
                        Ok(result) => jsonrpc::success(&id, result),
                        Err(error) => jsonrpc::failure(Some(&id), error),
                    },
                )
            }
            Message::Notification { method } => {
                if !in_batch {
                    Span::current().record("rpc_method", method.as_str());
                }
                None
            }
            Message::Response => None,
        }
    }
}
