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
pub mod request;
pub mod server;
#[cfg(test)]
mod tool_answers;
pub mod trace;
pub mod version;

use serde_json::Value;

use headers::HeaderText;
use jsonrpc::{ErrorObject, PARSE_ERROR};
pub use request::{McpRequest, ToolCall};
pub use server::{Era, Exchange, McpServer, ServerInfo};
pub use version::ProtocolVersion;

/// What the protocol layer made of a body, for the request's log line: filled in as the request
/// is served, written once by the transport.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Handled {
    /// The era that served the request (none for a body that is not JSON).
    pub era: Option<Era>,
    /// The JSON-RPC method (printable, at most 64 characters), or `batch`.
    pub method: Option<String>,
    /// The tool a `tools/call` named.
    pub tool: Option<String>,
    /// How it ended when not plainly: `ok`, `tool_error`, `invalid_arguments`, `parse_error`,
    /// `invalid_request`, `method_not_found`, `unknown_tool`, `insufficient_scope`, ...
    pub outcome: Option<&'static str>,
    /// The W3C trace context the message's `_meta` carries.
    pub trace: Option<trace::TraceContext>,
    /// The scope the caller lacked for the tool it called (the reply is then a 403).
    pub missing_scope: Option<&'static str>,
}

/// The HTTP status a reply travels with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Ok,
    BadRequest,
    NotFound,
    /// The caller may not use the tool it called ([`Handled::missing_scope`] says which scope it
    /// lacks).
    Forbidden,
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
    /// Handles a request body: the reply, and what became of the request for its log line
    /// (`log`, filled in even when the caller stops waiting).
    pub async fn handle_body(&self, body: &[u8], exchange: &Exchange, max_batch: usize, log: &mut Handled) -> Reply {
        let value: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(_) => {
                log.outcome = Some("parse_error");
                let error = ErrorObject::new(PARSE_ERROR, "Parse error: the body is not valid JSON");
                return Reply::json(Status::BadRequest, jsonrpc::failure(None, error));
            }
        };
        log.trace = request::meta_trace(&value);
        let modern_header = matches!(&exchange.headers.protocol_version,
            HeaderText::Present(v) if ProtocolVersion::parse(v).is_some_and(ProtocolVersion::is_modern));
        if modern_header || modern::carries_modern_meta(&value) {
            log.era = Some(Era::Modern);
            self.handle_modern(value, exchange, log).await
        } else {
            log.era = Some(Era::Legacy);
            self.handle_legacy(value, exchange, max_batch, log).await
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};

    const NAMES: [&str; 3] = ["echo_one", "echo_two", "echo_three"];

    /// A tool that answers with its own name.
    struct Echo<const N: usize>;

    impl<const N: usize> Tool for Echo<N> {
        type Params = serde_json::Map<String, Value>;
        type Output = ();
        const NAME: &'static str = NAMES[N];
        const TITLE: &'static str = "Echo";
        const DESCRIPTION: &'static str = "Answers with its name.";
        const ANNOTATIONS: Annotations = Annotations::READ_ONLY;

        async fn call(&self, _: Self::Params, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
            Ok(ToolOutput::new(Self::NAME, ()))
        }
    }

    /// A server with `count` (at most 3) small tools, for the protocol's unit tests.
    pub(crate) fn server_with_tools(count: usize) -> McpServer {
        let mut tools = ToolRegistry::new();
        if count > 0 {
            tools.register(Echo::<0>);
        }
        if count > 1 {
            tools.register(Echo::<1>);
        }
        if count > 2 {
            tools.register(Echo::<2>);
        }
        McpServer::new(test_info(), tools)
    }

    /// The server identity every protocol unit test uses.
    pub(crate) fn test_info() -> ServerInfo {
        ServerInfo {
            name: "test-server".into(),
            title: "Test".into(),
            version: "0.0.0".into(),
            instructions: "For tests.".into(),
        }
    }
}
