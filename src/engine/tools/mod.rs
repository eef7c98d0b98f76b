//! Tools: the [`Tool`] abstraction, the [`ToolRegistry`] that lists and calls them, argument
//! validation against each tool's input schema, result building, and localised texts. Generic:
//! a product (the order desk) implements [`Tool`] for each of its tools and registers them.
//!
//! A tool is a params struct (derive `Deserialize` + `JsonSchema`, a doc comment on every field),
//! an output struct (derive `Serialize` + `JsonSchema`), and a type implementing [`Tool`].

pub mod arguments;
mod registry;
mod result;
mod schema;
mod success;
pub mod texts;

use std::future::Future;

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

pub use registry::{CallOutcome, CallResult, ToolRegistry};
pub use result::{CallContext, Retry, ToolError, ToolOutput};
pub use success::{SuccessJson, ToolResult};

/// Behaviour hints shown to clients (`annotations` in `tools/list`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Annotations {
    /// The tool changes nothing.
    pub read_only: bool,
    /// The tool may destroy or irreversibly change data.
    pub destructive: bool,
    /// Calling again with the same arguments has no further effect.
    pub idempotent: bool,
    /// The tool reaches beyond this server's own data.
    pub open_world: bool,
}

impl Annotations {
    /// A tool that only reads this server's own data.
    pub const READ_ONLY: Annotations =
        Annotations { read_only: true, destructive: false, idempotent: true, open_world: false };
}

/// A tool an agent can call.
pub trait Tool: Send + Sync + 'static {
    /// The arguments, validated against their derived schema before `call` runs.
    type Params: DeserializeOwned + JsonSchema + Send;
    /// The structured result; its schema is the tool's `outputSchema`.
    type Output: Serialize + JsonSchema + Send;

    /// Verb-first snake_case name, part of the contract with every client.
    const NAME: &'static str;
    /// Human-readable title.
    const TITLE: &'static str;
    /// WHAT / WHEN / HOW / RETURNS / NOT description.
    const DESCRIPTION: &'static str;
    /// Behaviour hints.
    const ANNOTATIONS: Annotations;
    /// The scope a caller needs to see and call the tool (`orders:read`); `None`: any caller.
    /// A caller holding every scope (authentication off, an API key without scopes) needs none.
    const SCOPE: Option<&'static str> = None;

    /// The input schema clients see; derived from [`Tool::Params`] unless a tool needs a
    /// hand-written one (for keywords a derive cannot express).
    fn input_schema() -> serde_json::Value {
        schema::schema_for::<Self::Params>()
    }

    /// Client capabilities the tool needs (e.g. `{"sampling": {}}`); a modern request that does
    /// not declare them is refused with -32021 before the tool runs.
    fn required_client_capabilities() -> Option<serde_json::Map<String, serde_json::Value>> {
        None
    }

    /// Runs the tool.
    fn call(
        &self,
        params: Self::Params,
        ctx: &CallContext,
    ) -> impl Future<Output = Result<ToolOutput<Self::Output>, ToolError>> + Send;
}
