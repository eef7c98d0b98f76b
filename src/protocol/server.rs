//! The MCP server and what both eras share: identity, `tools/list` pages and `tools/call`.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};
use tracing::Span;

use super::headers::McpHeaders;
use super::jsonrpc::{ErrorObject, INVALID_PARAMS};
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

impl ServerInfo {
    /// `{name, title, version}` as `serverInfo` / `io.modelcontextprotocol/serverInfo`.
    pub fn implementation(&self) -> Value {
        json!({"name": self.name, "title": self.title, "version": self.version})
    }
}

/// What one HTTP request carries besides its body.
#[derive(Debug, Clone, Default)]
pub struct Exchange {
    /// `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name`, `Mcp-Param-*`.
    pub headers: McpHeaders,
    /// Moveo's conversation id (`x-moveo-session-id`), when sent.
    pub session_id: Option<String>,
}

/// The MCP server: its identity and its tools.
#[derive(Debug)]
pub struct McpServer {
    pub info: ServerInfo,
    pub tools: ToolRegistry,
    /// `tools/list` results serialised on first use, per era ([`Era`]), one per page.
    list_pages: [OnceLock<Vec<String>>; 2],
}

/// The protocol era a result is shaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Era {
    Legacy = 0,
    Modern = 1,
}

impl McpServer {
    /// A server offering `tools`.
    pub fn new(info: ServerInfo, tools: ToolRegistry) -> Self {
        McpServer { info, tools, list_pages: Default::default() }
    }

    /// The capabilities this server offers.
    pub fn capabilities(&self) -> Value {
        json!({"tools": {"listChanged": false}})
    }

    /// One page of `tools/list`, in registration order (stable across requests), as a value: for
    /// batches; single requests take [`Self::list_tools_json`].
    pub(super) fn list_tools(&self, params: &Map<String, Value>) -> Result<Value, ErrorObject> {
        Ok(self.list_page(list_start(params, self.tools.len())?))
    }

    /// One page of `tools/list` for `era`, serialised once and reused: the list only changes with
    /// a deployment, and cloning then serialising the definitions was most of the work of a warm
    /// `tools/list` (bench/run).
    pub(super) fn list_tools_json(&self, params: &Map<String, Value>, era: Era) -> Result<&str, ErrorObject> {
        let start = list_start(params, self.tools.len())?;
        let pages = self.list_pages[era as usize].get_or_init(|| {
            let count = self.tools.len().div_ceil(TOOLS_PAGE_SIZE).max(1);
            (0..count)
                .map(|page| {
                    let result = self.list_page(page * TOOLS_PAGE_SIZE);
                    match era {
                        Era::Legacy => result,
                        Era::Modern => self.modern_list_result(result),
                    }
                    .to_string()
                })
                .collect()
        });
        Ok(&pages[start / TOOLS_PAGE_SIZE])
    }

    fn list_page(&self, start: usize) -> Value {
        let mut result = Map::new();
        result.insert("tools".into(), Value::Array(self.tools.definitions(start, TOOLS_PAGE_SIZE)));
        if start + TOOLS_PAGE_SIZE < self.tools.len() {
            result.insert("nextCursor".into(), json!(format!("{CURSOR_PREFIX}{}", start + TOOLS_PAGE_SIZE)));
        }
        Value::Object(result)
    }

    /// The tool `tools/call` names, or -32602 when there is none.
    pub(super) fn tool_name(&self, params: &Map<String, Value>) -> Result<String, ErrorObject> {
        let Some(Value::String(name)) = params.get("name") else {
            return Err(ErrorObject::new(INVALID_PARAMS, "Invalid params: `name` (a string) is required"));
        };
        Span::current().record("tool", printable(name).as_str());
        if !self.tools.contains(name) {
            Span::current().record("outcome", "unknown_tool");
            return Err(ErrorObject::new(INVALID_PARAMS, format!("Unknown tool: {}", printable(name))));
        }
        Ok(name.clone())
    }

    /// Runs `tools/call` for a tool [`Self::tool_name`] accepted: its result, or -32602 when the
    /// tool refuses the request as malformed.
    pub(super) async fn call_tool(
        &self,
        name: &str,
        mut params: Map<String, Value>,
        client_capabilities: Option<Map<String, Value>>,
        exchange: &Exchange,
    ) -> Result<Value, ErrorObject> {
        let ctx = CallContext {
            lang: Lang::negotiate(moveo_lang(&params).as_deref()),
            session_id: exchange.session_id.clone(),
            client_capabilities,
            input_responses: match params.remove("inputResponses") {
                Some(Value::Object(responses)) => Some(responses),
                _ => None,
            },
            request_state: params.remove("requestState").and_then(|s| s.as_str().map(str::to_owned)),
        };
        let arguments = params.remove("arguments");
        let Some(call) = self.tools.call(name, arguments, &ctx) else {
            return Ok(Value::Null);
        };
        let (result, outcome) = call.await;
        Span::current().record("outcome", outcome.as_str());
        result.map_err(|message| ErrorObject::new(INVALID_PARAMS, message))
    }
}

/// `params._meta["moveo/context"].lang`, when Moveo sends it.
fn moveo_lang(params: &Map<String, Value>) -> Option<String> {
    let lang = params.get("_meta")?.get("moveo/context")?.get("lang")?.as_str()?;
    let lang = lang.trim();
    (!lang.is_empty() && lang.len() <= 35).then(|| lang.to_owned())
}

/// Where the page a `tools/list` request asks for starts, or -32602 for a cursor this server did
/// not hand out.
fn list_start(params: &Map<String, Value>, len: usize) -> Result<usize, ErrorObject> {
    match params.get("cursor") {
        None | Some(Value::Null) => Ok(0),
        Some(Value::String(cursor)) => parse_cursor(cursor, len)
            .ok_or_else(|| ErrorObject::new(INVALID_PARAMS, "Invalid params: unknown or expired cursor")),
        Some(_) => Err(ErrorObject::new(INVALID_PARAMS, "Invalid params: `cursor` must be a string")),
    }
}

fn parse_cursor(cursor: &str, len: usize) -> Option<usize> {
    let start: usize = cursor.strip_prefix(CURSOR_PREFIX)?.parse().ok()?;
    (start > 0 && start < len && start.is_multiple_of(TOOLS_PAGE_SIZE)).then_some(start)
}

/// A client-supplied name made safe to echo: no control characters, at most 64 characters.
pub(super) fn printable(text: &str) -> String {
    text.chars().filter(|c| !c.is_control()).take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moveo_language_is_read_from_meta() {
        let Value::Object(p) = json!({"_meta": {"moveo/context": {"lang": "es", "context": {}}}}) else {
            unreachable!()
        };
        assert_eq!(moveo_lang(&p), Some("es".into()));
        assert_eq!(moveo_lang(&Map::new()), None);
    }

    #[test]
    fn only_cursors_this_server_issues_are_accepted() {
        assert_eq!(parse_cursor("tools-from-50", 120), Some(50));
        assert_eq!(parse_cursor("tools-from-50", 50), None, "past the end");
        assert_eq!(parse_cursor("tools-from-7", 120), None, "not a page boundary");
        assert_eq!(parse_cursor("bogus", 120), None);
        assert_eq!(parse_cursor("tools-from-0", 120), None, "the first page has no cursor");
    }

    #[test]
    fn the_serialised_tools_list_pages_are_the_value_pages_of_each_era() {
        use crate::aws::{AwsContext, AwsSettings};
        use crate::store::OrderStore;
        let store = OrderStore::new(std::sync::Arc::new(AwsContext::new(AwsSettings::default())), "t");
        let server = McpServer::new(ServerInfo::default(), ToolRegistry::with_order_desk(std::sync::Arc::new(store)));
        let params = Map::new();
        let legacy: Value = serde_json::from_str(server.list_tools_json(&params, Era::Legacy).unwrap()).unwrap();
        assert_eq!(legacy, server.list_tools(&params).unwrap());
        assert_eq!(legacy["tools"].as_array().map(Vec::len), Some(4));
        let modern: Value = serde_json::from_str(server.list_tools_json(&params, Era::Modern).unwrap()).unwrap();
        assert_eq!(modern, server.modern_list_result(server.list_tools(&params).unwrap()));
        assert_eq!(modern["resultType"], "complete");
        let mut bad = Map::new();
        bad.insert("cursor".into(), json!("tools-from-50"));
        assert_eq!(server.list_tools_json(&bad, Era::Legacy).unwrap_err().code, INVALID_PARAMS);
    }

    #[test]
    fn echoed_names_are_printable_and_short() {
        assert_eq!(printable("a\u{0}b\nc"), "abc");
        assert_eq!(printable(&"x".repeat(100)).len(), 64);
    }
}
