//! The stateless era (2026-07-28): every request carries its revision and client capabilities in
//! `_meta`; `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` (and `Mcp-Param-*` for parameters a
//! tool marks with `x-mcp-header`) must agree with the body; `server/discover` describes the
//! server; every result says `resultType` and names the server in `_meta`; list results are
//! cacheable. Methods this revision removed (`initialize`, `ping`, ...) are unknown here: 404.

use serde_json::{Map, Value, json};

use super::headers::{HeaderText, mirrors};
use super::jsonrpc::{
    self, ErrorObject, HEADER_MISMATCH, INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, MISSING_CAPABILITY, Message,
    Request, UNSUPPORTED_VERSION,
};
use super::request::{McpRequest, ToolCall};
use super::server::{Answer, Era, Exchange, McpServer, printable};
use super::version::ProtocolVersion;
use super::{Handled, Reply, Status};

/// `_meta` key of the request's revision.
pub const META_PROTOCOL_VERSION: &str = "io.modelcontextprotocol/protocolVersion";
/// `_meta` key of the client's capabilities.
pub const META_CLIENT_CAPABILITIES: &str = "io.modelcontextprotocol/clientCapabilities";
/// `_meta` key of the server's identity in results.
pub const META_SERVER_INFO: &str = "io.modelcontextprotocol/serverInfo";
/// How long clients may cache `tools/list` and `server/discover`: tool definitions change only
/// with a deployment.
pub const LIST_TTL_MS: u64 = 3_600_000;

/// A refusal: the JSON-RPC error and the HTTP status it travels with.
type Refusal = (Status, ErrorObject);

fn mismatch(message: impl Into<String>) -> Refusal {
    (Status::BadRequest, ErrorObject::new(HEADER_MISMATCH, format!("Header mismatch: {}", message.into())))
}

/// True when a parsed body asks for the modern era (its `_meta` names a revision).
pub fn carries_modern_meta(value: &Value) -> bool {
    value.get("params").and_then(|p| p.get("_meta")).and_then(|m| m.get(META_PROTOCOL_VERSION)).is_some()
}

impl McpServer {
    /// Handles a parsed body the modern way.
    pub(super) async fn handle_modern(&self, value: Value, exchange: &Exchange, log: &mut Handled) -> Reply {
        if value.is_array() {
            let error = ErrorObject::new(
                INVALID_REQUEST,
                "Invalid request: JSON-RPC batches are not part of protocol version 2026-07-28",
            );
            return Reply::json(Status::BadRequest, jsonrpc::failure(None, error));
        }
        let request = match jsonrpc::parse_message(value) {
            Err(invalid) => {
                log.outcome = Some("invalid_request");
                return Reply::json(Status::BadRequest, jsonrpc::failure(invalid.id.as_ref(), invalid.error));
            }
            Ok(Message::Request(request)) => request,
            Ok(Message::Notification { method }) => {
                log.method = Some(printable(&method));
                return Reply::Accepted;
            }
            Ok(Message::Response) => return Reply::Accepted,
        };
        log.method = Some(printable(&request.method));
        let id = request.id.clone();
        match self.serve_modern(request, exchange, log).await {
            Ok(Answer::Value(result)) => Reply::json(Status::Ok, jsonrpc::success(&id, self.complete(result))),
            Ok(Answer::Serialized(result)) => Reply::text(Status::Ok, jsonrpc::success_json(&id, result)),
            Ok(Answer::Success(result)) => {
                let result = result.to_json(Some((META_SERVER_INFO, self.implementation_json())));
                Reply::text(Status::Ok, jsonrpc::success_json(&id, &result))
            }
            Err((status, error)) => {
                log.outcome = log.outcome.or(Some(outcome_of(error.code)));
                Reply::json(status, jsonrpc::failure(Some(&id), error))
            }
        }
    }

    async fn serve_modern(
        &self,
        request: Request,
        exchange: &Exchange,
        log: &mut Handled,
    ) -> Result<Answer<'_>, Refusal> {
        let headers = &exchange.headers;
        match &headers.method {
            HeaderText::Present(method) if *method == request.method => {}
            HeaderText::Present(method) => {
                return Err(mismatch(format!("Mcp-Method `{}` does not match the body's method", printable(method))));
            }
            _ => return Err(mismatch("the Mcp-Method header is missing or malformed")),
        }
        let (version, capabilities) = read_meta(&request.params)?;
        match &headers.protocol_version {
            HeaderText::Present(header) if *header == version => {}
            HeaderText::Present(_) => {
                return Err(mismatch("MCP-Protocol-Version does not match _meta's protocol version"));
            }
            _ => return Err(mismatch("the MCP-Protocol-Version header is missing or malformed")),
        }
        if !ProtocolVersion::parse(&version).is_some_and(ProtocolVersion::is_modern) {
            let supported = ProtocolVersion::all_supported();
            let error = ErrorObject::new(UNSUPPORTED_VERSION, "Unsupported protocol version")
                .with_data(json!({"supported": supported, "requested": version}));
            return Err((Status::BadRequest, error));
        }
        match McpRequest::parse(&request.method, request.params).map_err(|e| (Status::Ok, e))? {
            McpRequest::Discover => Ok(Answer::Value(self.discover())),
            McpRequest::ListTools { cursor } => {
                self.list_tools_json(cursor.as_deref(), Era::Modern, &exchange.caller).map_err(|e| (Status::Ok, e))
            }
            McpRequest::CallTool(call) => self.modern_call(call, capabilities, exchange, log).await,
            McpRequest::Initialize { .. } | McpRequest::Ping | McpRequest::Other(_) => Err((
                Status::NotFound,
                ErrorObject::new(METHOD_NOT_FOUND, format!("Method not found: {}", printable(&request.method))),
            )),
        }
    }

    async fn modern_call(
        &self,
        call: ToolCall,
        capabilities: Map<String, Value>,
        exchange: &Exchange,
        log: &mut Handled,
    ) -> Result<Answer<'static>, Refusal> {
        match &exchange.headers.name {
            HeaderText::Present(header) if *header == call.name => {}
            _ => return Err(mismatch("Mcp-Name is missing or does not match the body's tool name")),
        }
        self.check_tool(&call.name, &exchange.caller, log).map_err(|e| (status_of(log), e))?;
        check_mirrored_params(self.tools.input_schema(&call.name), call.arguments.as_ref(), exchange)?;
        if let Some(required) = self.tools.required_capabilities(&call.name) {
            let missing: Map<String, Value> = required
                .iter()
                .filter(|(k, _)| !capabilities.contains_key(*k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if !missing.is_empty() {
                let error = ErrorObject::new(MISSING_CAPABILITY, "Missing required client capability")
                    .with_data(json!({"requiredCapabilities": missing}));
                return Err((Status::BadRequest, error));
            }
        }
        self.call_tool(call, Some(capabilities), exchange, log).await.map_err(|e| (Status::Ok, e))
    }

    fn discover(&self) -> Value {
        json!({
            "supportedVersions": ProtocolVersion::all_supported(),
            "capabilities": self.capabilities(),
            "instructions": self.info.instructions,
            "ttlMs": LIST_TTL_MS,
            "cacheScope": "public",
        })
    }

    /// A `tools/list` page as this era answers it: cacheable for [`LIST_TTL_MS`], by anyone
    /// (`public`) or, when the list may depend on who asks (authentication on), only by this
    /// caller (`private`); and complete.
    pub(super) fn modern_list_result(&self, mut page: Value, private: bool) -> Value {
        page["ttlMs"] = json!(LIST_TTL_MS);
        page["cacheScope"] = json!(if private { "private" } else { "public" });
        self.complete(page)
    }

    /// Marks a result complete and names the server in its `_meta`.
    fn complete(&self, mut result: Value) -> Value {
        if let Value::Object(map) = &mut result {
            map.entry("resultType").or_insert_with(|| json!("complete"));
            let meta = map.entry("_meta").or_insert_with(|| json!({}));
            if let Value::Object(meta) = meta {
                meta.insert(META_SERVER_INFO.into(), self.info.implementation());
            }
        }
        result
    }
}

/// The revision and client capabilities from `_meta`, or -32602 (HTTP 400) when either is missing.
fn read_meta(params: &Map<String, Value>) -> Result<(String, Map<String, Value>), Refusal> {
    let invalid =
        |what: &str| (Status::BadRequest, ErrorObject::new(INVALID_PARAMS, format!("Invalid params: {what}")));
    let Some(Value::Object(meta)) = params.get("_meta") else {
        return Err(invalid("`_meta` with the protocol version and client capabilities is required"));
    };
    let Some(Value::String(version)) = meta.get(META_PROTOCOL_VERSION) else {
        return Err(invalid("`_meta[\"io.modelcontextprotocol/protocolVersion\"]` (a string) is required"));
    };
    let Some(Value::Object(capabilities)) = meta.get(META_CLIENT_CAPABILITIES) else {
        return Err(invalid("`_meta[\"io.modelcontextprotocol/clientCapabilities\"]` (an object) is required"));
    };
    Ok((version.clone(), capabilities.clone()))
}

/// Parameters a tool marks with `x-mcp-header` must arrive mirrored in `Mcp-Param-{Name}`.
fn check_mirrored_params(
    schema: Option<&Value>,
    arguments: Option<&Value>,
    exchange: &Exchange,
) -> Result<(), Refusal> {
    let Some(properties) = schema.and_then(|s| s.get("properties")).and_then(Value::as_object) else { return Ok(()) };
    for (property, definition) in properties {
        let Some(header) = definition.get("x-mcp-header").and_then(Value::as_str) else { continue };
        let value = arguments.and_then(|a| a.get(property)).filter(|v| !v.is_null());
        match (exchange.headers.param(header), value) {
            (HeaderText::Invalid, _) => return Err(mismatch(format!("Mcp-Param-{header} is malformed"))),
            (_, None) => {}
            (HeaderText::Present(text), Some(value)) if mirrors(text, value) => {}
            _ => return Err(mismatch(format!("Mcp-Param-{header} is missing or does not match `{property}`"))),
        }
    }
    Ok(())
}

/// The status of a refused `tools/call`: 403 when the caller lacked the tool's scope.
fn status_of(log: &Handled) -> Status {
    if log.missing_scope.is_some() { Status::Forbidden } else { Status::Ok }
}

fn outcome_of(code: i64) -> &'static str {
    match code {
        HEADER_MISMATCH => "header_mismatch",
        UNSUPPORTED_VERSION => "unsupported_version",
        MISSING_CAPABILITY => "missing_capability",
        METHOD_NOT_FOUND => "method_not_found",
        INVALID_PARAMS => "invalid_params",
        _ => "error",
    }
}
