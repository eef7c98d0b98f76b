//! The MCP methods of the legacy (initialize-based) era: `initialize`, `ping`, `tools/list`,
//! `tools/call`, and the notifications a client may send. Stateless: every request stands alone.

use serde_json::{Map, Value, json};
use tracing::Span;

use super::jsonrpc::{ErrorObject, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, Request};
use super::version::ProtocolVersion;
use crate::tools::texts::Lang;
use crate::tools::{CallContext, ToolRegistry};

/// Tools per `tools/list` page.
pub const TOOLS_PAGE_SIZE: usize = 50;
const CURSOR_PREFIX: &str = "tools-from-";

/// How the server introduces itself.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub name: String,
    pub title: String,
    pub version: String,
    pub instructions: String,
}

impl Default for ServerInfo {
    fn default() -> Self {
        ServerInfo {
            name: env!("CARGO_PKG_NAME").into(),
            title: "Order desk".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            instructions: "Order desk tools for customer support. Look an order up by its number with get_order; \
                find a customer's orders by email or order number with search_orders; read a customer's profile with \
                get_customer; cancel a pending or processing order with cancel_order only after the customer confirms."
                .into(),
        }
    }
}

/// What one HTTP request carries besides its body.
#[derive(Debug, Clone)]
pub struct Exchange {
    /// The revision from the `MCP-Protocol-Version` header (2025-03-26 when absent).
    pub version: ProtocolVersion,
    /// Correlation from headers (Moveo session id ...).
    pub session_id: Option<String>,
}

/// The MCP server: its identity and its tools.
#[derive(Debug)]
pub struct McpServer {
    pub info: ServerInfo,
    pub tools: ToolRegistry,
}

impl McpServer {
    /// A server offering `tools`.
    pub fn new(info: ServerInfo, tools: ToolRegistry) -> Self {
        McpServer { info, tools }
    }

    /// Answers one request: `Ok(result)` or a JSON-RPC error.
    pub async fn handle_request(
        &self,
        request: Request,
        exchange: &Exchange,
        in_batch: bool,
    ) -> Result<Value, ErrorObject> {
        match request.method.as_str() {
            "initialize" if in_batch => Err(ErrorObject::new(
                INVALID_REQUEST,
                "Invalid request: initialize must not be part of a batch",
            )),
            "initialize" => self.initialize(&request.params),
            "ping" => Ok(json!({})),
            "tools/list" => self.list_tools(&request.params),
            "tools/call" => self.call_tool(request.params, exchange).await,
            other => {
                Span::current().record("outcome", "method_not_found");
                Err(ErrorObject::new(
                    METHOD_NOT_FOUND,
                    format!("Method not found: {}", printable(other)),
                ))
            }
        }
    }

    fn initialize(&self, params: &Map<String, Value>) -> Result<Value, ErrorObject> {
        let Some(requested) = params.get("protocolVersion").and_then(Value::as_str) else {
            return Err(ErrorObject::new(
                INVALID_PARAMS,
                "Invalid params: `protocolVersion` (a string) is required",
            ));
        };
        let version = ProtocolVersion::parse(requested).unwrap_or(ProtocolVersion::LATEST);
        Ok(json!({
            "protocolVersion": version.as_str(),
            "capabilities": {"tools": {"listChanged": false}},
            "serverInfo": {"name": self.info.name, "title": self.info.title, "version": self.info.version},
            "instructions": self.info.instructions,
        }))
    }

    fn list_tools(&self, params: &Map<String, Value>) -> Result<Value, ErrorObject> {
        let start = match params.get("cursor") {
            None | Some(Value::Null) => 0,
            Some(Value::String(cursor)) => {
                parse_cursor(cursor, self.tools.len()).ok_or_else(|| {
                    ErrorObject::new(INVALID_PARAMS, "Invalid params: unknown or expired cursor")
                })?
            }
            Some(_) => {
                return Err(ErrorObject::new(
                    INVALID_PARAMS,
                    "Invalid params: `cursor` must be a string",
                ));
            }
        };
        let mut result = json!({"tools": self.tools.definitions(start, TOOLS_PAGE_SIZE)});
        if start + TOOLS_PAGE_SIZE < self.tools.len() {
            result["nextCursor"] = json!(format!("{CURSOR_PREFIX}{}", start + TOOLS_PAGE_SIZE));
        }
        Ok(result)
    }

    async fn call_tool(
        &self,
        mut params: Map<String, Value>,
        exchange: &Exchange,
    ) -> Result<Value, ErrorObject> {
        let name = match params.remove("name") {
            Some(Value::String(name)) => name,
            _ => {
                return Err(ErrorObject::new(
                    INVALID_PARAMS,
                    "Invalid params: `name` (a string) is required",
                ));
            }
        };
        Span::current().record("tool", printable(&name).as_str());
        if !self.tools.contains(&name) {
            Span::current().record("outcome", "unknown_tool");
            return Err(ErrorObject::new(
                INVALID_PARAMS,
                format!("Unknown tool: {}", printable(&name)),
            ));
        }
        let ctx = CallContext {
            lang: Lang::negotiate(moveo_lang(&params).as_deref()),
            session_id: exchange.session_id.clone(),
        };
        let arguments = params.remove("arguments");
        let Some(call) = self.tools.call(&name, arguments, &ctx) else {
            return Err(ErrorObject::new(
                INVALID_PARAMS,
                format!("Unknown tool: {}", printable(&name)),
            ));
        };
        let (result, outcome) = call.await;
        Span::current().record("outcome", outcome.as_str());
        Ok(result)
    }
}

/// `params._meta["moveo/context"].lang`, when Moveo sends it.
fn moveo_lang(params: &Map<String, Value>) -> Option<String> {
    let lang = params
        .get("_meta")?
        .get("moveo/context")?
        .get("lang")?
        .as_str()?;
    let lang = lang.trim();
    (!lang.is_empty() && lang.len() <= 35).then(|| lang.to_owned())
}

fn parse_cursor(cursor: &str, len: usize) -> Option<usize> {
    let start: usize = cursor.strip_prefix(CURSOR_PREFIX)?.parse().ok()?;
    (start > 0 && start < len && start.is_multiple_of(TOOLS_PAGE_SIZE)).then_some(start)
}

/// A client-supplied name made safe to echo: no control characters, at most 64 characters.
fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::jsonrpc::Id;

    fn server() -> McpServer {
        McpServer::new(ServerInfo::default(), ToolRegistry::new())
    }

    fn exchange() -> Exchange {
        Exchange {
            version: ProtocolVersion::V2025_06_18,
            session_id: None,
        }
    }

    fn request(method: &str, params: Value) -> Request {
        let Value::Object(params) = params else {
            panic!("params must be an object")
        };
        Request {
            id: Id::Number(1.into()),
            method: method.into(),
            params,
        }
    }

    #[tokio::test]
    async fn initialize_echoes_a_supported_version_and_answers_the_latest_otherwise() {
        let s = server();
        for (asked, answered) in [
            ("2024-11-05", "2024-11-05"),
            ("2025-06-18", "2025-06-18"),
            ("1999-01-01", "2025-11-25"),
        ] {
            let r = s
                .handle_request(
                    request("initialize", json!({"protocolVersion": asked})),
                    &exchange(),
                    false,
                )
                .await
                .unwrap();
            assert_eq!(r["protocolVersion"], answered);
            assert_eq!(r["serverInfo"]["name"], "lambda-mcp");
            assert!(r["capabilities"]["tools"].is_object());
            assert!(!r["instructions"].as_str().unwrap().is_empty());
        }
    }

    #[tokio::test]
    async fn initialize_without_a_version_is_invalid_params() {
        let e = server()
            .handle_request(request("initialize", json!({})), &exchange(), false)
            .await
            .unwrap_err();
        assert_eq!(e.code, INVALID_PARAMS);
    }

    #[tokio::test]
    async fn initialize_inside_a_batch_is_refused() {
        let e = server()
            .handle_request(
                request("initialize", json!({"protocolVersion": "2025-03-26"})),
                &exchange(),
                true,
            )
            .await;
        assert_eq!(e.unwrap_err().code, INVALID_REQUEST);
    }

    #[tokio::test]
    async fn unknown_methods_cursors_and_tools_get_the_right_codes() {
        let s = server();
        let e = s
            .handle_request(request("resources/list", json!({})), &exchange(), false)
            .await
            .unwrap_err();
        assert_eq!(e.code, METHOD_NOT_FOUND);
        for cursor in [json!("bogus"), json!("tools-from-50"), json!(3)] {
            let e = s
                .handle_request(
                    request("tools/list", json!({"cursor": cursor})),
                    &exchange(),
                    false,
                )
                .await
                .unwrap_err();
            assert_eq!(e.code, INVALID_PARAMS);
        }
        let e = s
            .handle_request(
                request("tools/call", json!({"name": "nope"})),
                &exchange(),
                false,
            )
            .await
            .unwrap_err();
        assert_eq!(
            (e.code, e.message.as_str()),
            (INVALID_PARAMS, "Unknown tool: nope")
        );
        let e = s
            .handle_request(request("tools/call", json!({})), &exchange(), false)
            .await
            .unwrap_err();
        assert_eq!(e.code, INVALID_PARAMS);
    }

    #[tokio::test]
    async fn ping_answers_an_empty_object() {
        assert_eq!(
            server()
                .handle_request(request("ping", json!({})), &exchange(), false)
                .await
                .unwrap(),
            json!({})
        );
    }

    #[test]
    fn moveo_language_is_read_from_meta() {
        let Value::Object(p) = json!({"_meta": {"moveo/context": {"lang": "es", "context": {}}}})
        else {
            unreachable!()
        };
        assert_eq!(moveo_lang(&p), Some("es".into()));
        assert_eq!(moveo_lang(&Map::new()), None);
    }
}
