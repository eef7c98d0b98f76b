//! JSON-RPC 2.0 and MCP: envelopes ([`jsonrpc`]), protocol revisions ([`version`]), the MCP
//! request headers ([`headers`]), and dispatch for both eras on one endpoint, chosen per request:
//! a request whose `_meta` names a revision, or whose `MCP-Protocol-Version` header names a
//! modern one, is served statelessly by the 2026-07-28 rules ([`modern`]); anything else by the
//! initialize-based rules ([`legacy`]). One request never mixes eras. Knows nothing of HTTP
//! beyond the status a reply should travel with.

pub mod headers;
pub mod jsonrpc;
mod legacy;
pub mod modern;
pub mod server;
pub mod version;

use serde_json::Value;
use tracing::Span;

use headers::HeaderText;
use jsonrpc::{ErrorObject, PARSE_ERROR};
pub use server::{Exchange, McpServer, ServerInfo};
pub use version::ProtocolVersion;

/// The HTTP status a reply travels with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    BadRequest,
    NotFound,
}

/// What the transport should send back.
#[derive(Debug, Clone, PartialEq)]
pub enum Reply {
    /// A JSON body: a response, an error, or a batch of them.
    Json { status: Status, body: Value },
    /// A JSON body already serialised (a cached `tools/list` page in its envelope).
    Text { status: Status, body: String },
    /// Only notifications or client responses: 202 with no body.
    Accepted,
}

impl Reply {
    fn json(status: Status, body: Value) -> Self {
        Reply::Json { status, body }
    }

    fn text(status: Status, body: String) -> Self {
        Reply::Text { status, body }
    }
}

impl McpServer {
    /// Handles a request body.
    pub async fn handle_body(&self, body: &[u8], exchange: &Exchange, max_batch: usize) -> Reply {
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => {
                Span::current().record("outcome", "parse_error");
                let error = ErrorObject::new(PARSE_ERROR, "Parse error: the body is not valid JSON");
                return Reply::json(Status::BadRequest, jsonrpc::failure(None, error));
            }
        };
        let modern_header = matches!(&exchange.headers.protocol_version,
            HeaderText::Present(v) if ProtocolVersion::parse(v).is_some_and(ProtocolVersion::is_modern));
        if modern_header || modern::carries_modern_meta(&value) {
            Span::current().record("era", "modern");
            self.handle_modern(value, exchange).await
        } else {
            Span::current().record("era", "legacy");
            self.handle_legacy(value, exchange, max_batch).await
        }
    }
}
