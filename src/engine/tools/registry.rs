//! The registry: holds the tools, renders `tools/list` entries (schemas derived once, on first
//! use, never during Lambda init), and runs `tools/call` with argument validation first.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use serde_json::{Map, Value, json};

use super::arguments::{self, CompiledSchema};
use super::result::{CallContext, ToolError, ToolOutput, input_required_result};
use super::success::{SuccessJson, ToolResult};
use super::texts::{Lang, arg, text};
use super::{Tool, schema};
use crate::engine::auth::Scopes;

/// What a `tools/call` came to, for the request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallOutcome {
    Ok,
    InvalidArguments,
    ToolError,
    /// The tool refused the request as malformed (JSON-RPC -32602).
    InvalidParams,
}

impl CallOutcome {
    /// The outcome's name in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            CallOutcome::Ok => "ok",
            CallOutcome::InvalidArguments => "invalid_arguments",
            CallOutcome::ToolError => "tool_error",
            CallOutcome::InvalidParams => "invalid_params",
        }
    }
}

/// What a call produced: the `CallToolResult`, or the message of a -32602 error.
pub type CallResult = (Result<ToolResult, String>, CallOutcome);

/// A tool with its types erased, so tools of different types share one list.
trait RegisteredTool: Send + Sync {
    fn name(&self) -> &'static str;
    fn scope(&self) -> Option<&'static str>;
    fn read_only(&self) -> bool;
    fn definition(&self) -> &Value;
    fn validator(&self, lang: Lang) -> Result<&CompiledSchema, ToolError>;
    fn required_capabilities(&self) -> Option<Map<String, Value>>;
    fn call<'a>(
        &'a self,
        arguments: Value,
        ctx: &'a CallContext,
    ) -> Pin<Box<dyn Future<Output = CallResult> + Send + 'a>>;
}

struct Entry<T: Tool> {
    tool: T,
    definition: OnceLock<Value>,
    validator: OnceLock<Result<CompiledSchema, String>>,
}

impl<T: Tool> Entry<T> {
    fn build_definition() -> Value {
        let a = T::ANNOTATIONS;
        let mut definition = json!({
            "name": T::NAME,
            "title": T::TITLE,
            "description": T::DESCRIPTION,
            "inputSchema": T::input_schema(),
            "annotations": {
                "title": T::TITLE,
                "readOnlyHint": a.read_only,
                "destructiveHint": a.destructive,
                "idempotentHint": a.idempotent,
                "openWorldHint": a.open_world,
            },
        });
        // A tool whose output is `()` has no structured output, hence no output schema.
        let output = schema::schema_for::<T::Output>();
        if output["type"] != "null" {
            definition["outputSchema"] = output;
        }
        definition
    }
}

impl<T: Tool> RegisteredTool for Entry<T> {
    fn name(&self) -> &'static str {
        T::NAME
    }

    fn scope(&self) -> Option<&'static str> {
        T::SCOPE
    }

    fn read_only(&self) -> bool {
        T::ANNOTATIONS.read_only
    }

    fn definition(&self) -> &Value {
        self.definition.get_or_init(Self::build_definition)
    }

    fn required_capabilities(&self) -> Option<Map<String, Value>> {
        T::required_client_capabilities()
    }

    fn validator(&self, lang: Lang) -> Result<&CompiledSchema, ToolError> {
        let compiled = self.validator.get_or_init(|| arguments::compile(&self.definition()["inputSchema"]));
        compiled.as_ref().map_err(|error| {
            tracing::error!(tool = T::NAME, %error, "the tool's input schema does not compile");
            ToolError::recoverable(text(lang, "tool-unavailable", &[]))
        })
    }

    fn call<'a>(
        &'a self,
        arguments: Value,
        ctx: &'a CallContext,
    ) -> Pin<Box<dyn Future<Output = CallResult> + Send + 'a>> {
        Box::pin(async move {
            let params = match self.parse(arguments, ctx.lang) {
                Ok(params) => params,
                Err((failure, outcome)) => return (Ok(ToolResult::Value(failure)), outcome),
            };
            let (result, outcome) = match self.tool.call(params, ctx).await {
                Ok(ToolOutput { input_required: Some(_), .. }) if !ctx.is_modern() => {
                    // Only 2026-07-28 clients can answer input requests.
                    let e = ToolError::terminal(text(ctx.lang, "tool-unavailable", &[]));
                    (ToolResult::Value(e.into_result()), CallOutcome::ToolError)
                }
                Ok(ToolOutput { input_required: Some((requests, state)), .. }) => {
                    (ToolResult::Value(input_required_result(requests, state)), CallOutcome::Ok)
                }
                Ok(output) => match SuccessJson::new(&output) {
                    Ok(success) => (ToolResult::Success(success), CallOutcome::Ok),
                    Err(error) => {
                        tracing::error!(tool = T::NAME, %error, "could not serialise the tool's output");
                        let e = ToolError::recoverable(text(ctx.lang, "tool-unavailable", &[]));
                        (ToolResult::Value(e.into_result()), CallOutcome::ToolError)
                    }
                },
                Err(error) if error.invalid_params => return (Err(error.message), CallOutcome::InvalidParams),
                Err(error) => (ToolResult::Value(error.into_result()), CallOutcome::ToolError),
            };
            (Ok(result), outcome)
        })
    }
}

impl<T: Tool> Entry<T> {
    /// Validates `arguments` against the input schema, then reads them into the params type.
    fn parse(&self, arguments: Value, lang: Lang) -> Result<T::Params, (Value, CallOutcome)> {
        let validator = self.validator(lang).map_err(|e| (e.into_result(), CallOutcome::ToolError))?;
        let invalid = |message: String| (ToolError::terminal(message).into_result(), CallOutcome::InvalidArguments);
        arguments::check(validator, &arguments, lang).map_err(invalid)?;
        serde_json::from_value(arguments::whole_floats_as_integers(arguments))
            .map_err(|error| invalid(text(lang, "args-invalid", &[arg("problems", format!("{error}."))])))
    }
}

fn sorted(scopes: impl Iterator<Item = &'static str>) -> Vec<&'static str> {
    let mut scopes: Vec<&'static str> = scopes.collect();
    scopes.sort_unstable();
    scopes.dedup();
    scopes
}

/// The tools this server offers, in a stable order.
#[derive(Default)]
pub struct ToolRegistry {
    tools: Vec<Box<dyn RegisteredTool>>,
}

impl std::fmt::Debug for ToolRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.tools.iter().map(|t| t.name())).finish()
    }
}

impl ToolRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a tool. Names must be unique.
    pub fn register<T: Tool>(&mut self, tool: T) {
        assert!(!self.tools.iter().any(|t| t.name() == T::NAME), "tool {} registered twice", T::NAME);
        self.tools.push(Box::new(Entry { tool, definition: OnceLock::new(), validator: OnceLock::new() }));
    }

    /// Number of tools.
    pub fn len(&self) -> usize {
        self.tools.len()
    }

    /// True when no tool is registered.
    pub fn is_empty(&self) -> bool {
        self.tools.is_empty()
    }

    /// The `tools/list` entries from `start`, at most `count` of them.
    pub fn definitions(&self, start: usize, count: usize) -> Vec<Value> {
        self.tools.iter().skip(start).take(count).map(|t| t.definition().clone()).collect()
    }

    /// The `tools/list` entries a caller holding `scopes` may use, in order.
    pub fn definitions_for(&self, scopes: &Scopes) -> Vec<&Value> {
        self.tools.iter().filter(|t| scopes.allows(t.scope())).map(|t| t.definition()).collect()
    }

    /// The scope the named tool needs (`None` for no particular scope, or no such tool).
    pub fn scope_of(&self, name: &str) -> Option<&'static str> {
        self.tools.iter().find(|t| t.name() == name).and_then(|t| t.scope())
    }

    /// Every scope some tool needs, sorted, each once.
    pub fn scopes(&self) -> Vec<&'static str> {
        sorted(self.tools.iter().filter_map(|t| t.scope()))
    }

    /// The scopes the read-only tools need (every scope when none of them needs one): what a
    /// client asks for first when it starts with least privilege.
    pub fn read_scopes(&self) -> Vec<&'static str> {
        let read = sorted(self.tools.iter().filter(|t| t.read_only()).filter_map(|t| t.scope()));
        if read.is_empty() { self.scopes() } else { read }
    }

    /// The names of the registered tools, in order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.tools.iter().map(|t| t.name())
    }

    /// The input schema of the named tool.
    pub fn input_schema(&self, name: &str) -> Option<&Value> {
        self.tools.iter().find(|t| t.name() == name).map(|t| &t.definition()["inputSchema"])
    }

    /// The client capabilities the named tool requires, if any.
    pub fn required_capabilities(&self, name: &str) -> Option<Map<String, Value>> {
        self.tools.iter().find(|t| t.name() == name).and_then(|t| t.required_capabilities())
    }

    /// True when a tool of that name exists.
    pub fn contains(&self, name: &str) -> bool {
        self.tools.iter().any(|t| t.name() == name)
    }

    /// Runs the named tool; `None` when there is no such tool. `arguments` absent means `{}`.
    pub fn call<'a>(
        &'a self,
        name: &str,
        arguments: Option<Value>,
        ctx: &'a CallContext,
    ) -> Option<impl Future<Output = CallResult> + Send + 'a> {
        let tool = self.tools.iter().find(|t| t.name() == name)?;
        let arguments = arguments.unwrap_or_else(|| Value::Object(Map::new()));
        Some(tool.call(arguments, ctx))
    }
}
