//! The MCP server and what both eras share: its identity (from the product), `tools/list` pages
//! and `tools/call`.

use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::Handled;
use super::headers::McpHeaders;
use super::jsonrpc::{ErrorObject, FORBIDDEN, INVALID_PARAMS};
use super::request::ToolCall;
use crate::engine::auth::{Caller, Via};
use crate::engine::tools::texts::Lang;
use crate::engine::tools::{CallContext, SuccessJson, ToolRegistry, ToolResult};

/// Tools per `tools/list` page.
pub const TOOLS_PAGE_SIZE: usize = 50;
const CURSOR_PREFIX: &str = "tools-from-";

/// How the server introduces itself; supplied by the product.
#[derive(Debug, Clone)]
pub struct ServerInfo {
    pub name: String,
    pub title: String,
    pub version: String,
    pub instructions: String,
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
    /// Who is calling, as authentication found.
    pub caller: Caller,
    /// The platform's `x-moveo-*` headers (lower-case names), for tools that read them.
    pub platform_headers: Vec<(String, String)>,
}

/// The MCP server: its identity and its tools.
#[derive(Debug)]
pub struct McpServer {
    pub info: ServerInfo,
    pub tools: ToolRegistry,
    /// `tools/list` results serialised on first use, one per page, for each [`ListKind`].
    list_pages: [OnceLock<Vec<String>>; 3],
    /// [`ServerInfo::implementation`] serialised on first use (every modern result carries it).
    implementation: OnceLock<String>,
}

/// The protocol era a request is served by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    /// 2024-11-05 to 2025-11-25, `initialize`-based.
    Legacy = 0,
    /// 2026-07-28, stateless.
    Modern = 1,
}

impl Era {
    /// The era's name in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Era::Legacy => "legacy",
            Era::Modern => "modern",
        }
    }
}

/// The cached `tools/list` variants: one per era, and the modern one twice, as `public` (no
/// authentication: every caller gets the same list) and `private` (the list is the caller's).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ListKind {
    Legacy = 0,
    ModernPublic = 1,
    ModernPrivate = 2,
}

impl ListKind {
    fn of(era: Era, caller: &Caller) -> Self {
        match era {
            Era::Legacy => ListKind::Legacy,
            Era::Modern if caller.via == Via::Nothing => ListKind::ModernPublic,
            Era::Modern => ListKind::ModernPrivate,
        }
    }
}

/// What a request is answered with: a result value, a result already serialised (a cached
/// `tools/list` page), or a tool's success, serialised but for what the era adds.
#[derive(Debug)]
pub(super) enum Answer<'a> {
    Value(Value),
    Serialized(&'a str),
    Success(SuccessJson),
}

impl From<ToolResult> for Answer<'_> {
    fn from(result: ToolResult) -> Self {
        match result {
            ToolResult::Success(success) => Answer::Success(success),
            ToolResult::Value(value) => Answer::Value(value),
        }
    }
}

impl Answer<'_> {
    /// The result as a value, as the legacy era sends it (for a batch, which answers with one
    /// array).
    pub(super) fn into_value(self) -> Value {
        match self {
            Answer::Value(value) => value,
            // Our own serialisation of a value: it always parses.
            Answer::Serialized(text) => serde_json::from_str(text).unwrap_or(Value::Null),
            Answer::Success(success) => success.to_value(),
        }
    }
}

impl McpServer {
    /// A server offering `tools`.
    pub fn new(info: ServerInfo, tools: ToolRegistry) -> Self {
        McpServer { info, tools, list_pages: Default::default(), implementation: OnceLock::new() }
    }

    /// Whether `name` is one of the served tools (a client-sent name that is not stays out of the
    /// metrics' dimensions).
    pub fn has_tool(&self, name: &str) -> bool {
        self.tools.contains(name)
    }

    /// [`ServerInfo::implementation`] as JSON text.
    pub(super) fn implementation_json(&self) -> &str {
        self.implementation.get_or_init(|| self.info.implementation().to_string())
    }

    /// The capabilities this server offers.
    pub fn capabilities(&self) -> Value {
        json!({"tools": {"listChanged": false}})
    }

    /// One page of `tools/list`, in registration order (stable across requests), as a value (the
    /// tests' reference for [`Self::list_tools_json`]).
    #[cfg(test)]
    pub(super) fn list_tools(&self, cursor: Option<&str>) -> Result<Value, ErrorObject> {
        Ok(self.list_page(list_start(cursor, self.tools.len())?))
    }

    /// One page of `tools/list` for `era` as `caller` may see it. The whole list is serialised
    /// once and reused (it only changes with a deployment, and cloning then serialising the
    /// definitions was most of the work of a warm `tools/list`, bench/run); a caller whose scopes
    /// hide some tools gets its own list, built for the request.
    pub(super) fn list_tools_json(
        &self,
        cursor: Option<&str>,
        era: Era,
        caller: &Caller,
    ) -> Result<Answer<'_>, ErrorObject> {
        if caller.scopes.is_restricted() {
            return self.list_for(cursor, era, caller).map(Answer::Value);
        }
        let start = list_start(cursor, self.tools.len())?;
        let kind = ListKind::of(era, caller);
        let pages = self.list_pages[kind as usize].get_or_init(|| {
            let count = self.tools.len().div_ceil(TOOLS_PAGE_SIZE).max(1);
            (0..count)
                .map(|page| {
                    let result = self.list_page(page * TOOLS_PAGE_SIZE);
                    match kind {
                        ListKind::Legacy => result,
                        ListKind::ModernPublic => self.modern_list_result(result, false),
                        ListKind::ModernPrivate => self.modern_list_result(result, true),
                    }
                    .to_string()
                })
                .collect()
        });
        Ok(Answer::Serialized(&pages[start / TOOLS_PAGE_SIZE]))
    }

    /// One page of the tools a scoped caller may use.
    fn list_for(&self, cursor: Option<&str>, era: Era, caller: &Caller) -> Result<Value, ErrorObject> {
        let visible = self.tools.definitions_for(&caller.scopes);
        let start = list_start(cursor, visible.len())?;
        let mut result = Map::new();
        let page = visible.iter().skip(start).take(TOOLS_PAGE_SIZE).map(|d| (*d).clone()).collect();
        result.insert("tools".into(), Value::Array(page));
        if start + TOOLS_PAGE_SIZE < visible.len() {
            result.insert("nextCursor".into(), json!(format!("{CURSOR_PREFIX}{}", start + TOOLS_PAGE_SIZE)));
        }
        Ok(match era {
            Era::Legacy => Value::Object(result),
            Era::Modern => self.modern_list_result(Value::Object(result), true),
        })
    }

    fn list_page(&self, start: usize) -> Value {
        let mut result = Map::new();
        result.insert("tools".into(), Value::Array(self.tools.definitions(start, TOOLS_PAGE_SIZE)));
        if start + TOOLS_PAGE_SIZE < self.tools.len() {
            result.insert("nextCursor".into(), json!(format!("{CURSOR_PREFIX}{}", start + TOOLS_PAGE_SIZE)));
        }
        Value::Object(result)
    }

    /// Checks that the tool `tools/call` names exists (-32602 otherwise) and that the caller
    /// holds its scope (-32003, a 403 outside a batch), noting both for the log.
    pub(super) fn check_tool(&self, name: &str, caller: &Caller, log: &mut Handled) -> Result<(), ErrorObject> {
        log.tool = Some(printable(name));
        if !self.tools.contains(name) {
            log.outcome = Some("unknown_tool");
            return Err(ErrorObject::new(INVALID_PARAMS, format!("Unknown tool: {}", printable(name))));
        }
        let scope = self.tools.scope_of(name);
        match scope {
            Some(scope) if !caller.scopes.allows(Some(scope)) => {
                log.outcome = Some("insufficient_scope");
                log.missing_scope = Some(scope);
                let message = format!("Forbidden: {name} needs the scope `{scope}`, which this caller does not hold");
                Err(ErrorObject::new(FORBIDDEN, message).with_data(json!({"requiredScopes": [scope]})))
            }
            _ => Ok(()),
        }
    }

    /// Runs `tools/call` for a tool [`Self::check_tool`] accepted: its result, or -32602 when the
    /// tool refuses the request as malformed.
    pub(super) async fn call_tool(
        &self,
        call: ToolCall,
        client_capabilities: Option<Map<String, Value>>,
        exchange: &Exchange,
        log: &mut Handled,
    ) -> Result<Answer<'static>, ErrorObject> {
        let ctx = CallContext {
            lang: Lang::negotiate(call.lang.as_deref()),
            caller: exchange.caller.clone(),
            session_id: exchange.session_id.clone(),
            session_context: call.session_context,
            platform_headers: exchange.platform_headers.clone(),
            client_capabilities,
            input_responses: call.input_responses,
            request_state: call.request_state,
        };
        let Some(running) = self.tools.call(&call.name, call.arguments, &ctx) else {
            return Ok(Answer::Value(Value::Null));
        };
        let (result, outcome) = running.await;
        log.outcome = Some(outcome.as_str());
        result.map(Answer::from).map_err(|message| ErrorObject::new(INVALID_PARAMS, message))
    }
}

/// Where the page a `tools/list` request asks for starts, or -32602 for a cursor this server did
/// not hand out.
fn list_start(cursor: Option<&str>, len: usize) -> Result<usize, ErrorObject> {
    match cursor {
        None => Ok(0),
        Some(cursor) => parse_cursor(cursor, len)
            .ok_or_else(|| ErrorObject::new(INVALID_PARAMS, "Invalid params: unknown or expired cursor")),
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
    fn only_cursors_this_server_issues_are_accepted() {
        assert_eq!(parse_cursor("tools-from-50", 120), Some(50));
        assert_eq!(parse_cursor("tools-from-50", 50), None, "past the end");
        assert_eq!(parse_cursor("tools-from-7", 120), None, "not a page boundary");
        assert_eq!(parse_cursor("bogus", 120), None);
        assert_eq!(parse_cursor("tools-from-0", 120), None, "the first page has no cursor");
    }

    #[test]
    fn the_serialised_tools_list_pages_are_the_value_pages_of_each_era() {
        let server = super::super::tests::server_with_tools(3);
        let anonymous = Caller::anonymous();
        let list = |era, caller: &Caller| server.list_tools_json(None, era, caller).unwrap().into_value();
        let legacy = list(Era::Legacy, &anonymous);
        assert_eq!(legacy, server.list_tools(None).unwrap());
        assert_eq!(legacy["tools"].as_array().map(Vec::len), Some(3));
        let modern = list(Era::Modern, &anonymous);
        assert_eq!(modern, server.modern_list_result(server.list_tools(None).unwrap(), false));
        assert_eq!((modern["resultType"].as_str(), modern["cacheScope"].as_str()), (Some("complete"), Some("public")));
        let signed_in = Caller::with_id("key-1");
        assert_eq!(list(Era::Modern, &signed_in)["cacheScope"], "private", "an authenticated list is the caller's");
        let e = server.list_tools_json(Some("tools-from-50"), Era::Legacy, &anonymous).unwrap_err();
        assert_eq!(e.code, INVALID_PARAMS);
    }

    #[test]
    fn echoed_names_are_printable_and_short() {
        assert_eq!(printable("a\u{0}b\nc"), "abc");
        assert_eq!(printable(&"x".repeat(100)).len(), 64);
    }
}
