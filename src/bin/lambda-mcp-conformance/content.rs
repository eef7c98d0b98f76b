//! Fixtures for content blocks, tool errors, required capabilities, JSON Schema 2020-12 input
//! schemas, header mirroring (`x-mcp-header`) and the stateless-era diagnostics.

use lambda_mcp::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const WAV: &str = "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA";
pub const FIXTURE: Annotations =
    Annotations { read_only: true, destructive: false, idempotent: true, open_world: false };

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NoArguments {}

fn image() -> Value {
    json!({"type": "image", "data": PNG, "mimeType": "image/png"})
}

fixture!(SimpleText, "test_simple_text", "Returns simple text.", |_ctx| Ok(ToolOutput::new(
    "This is a simple text response for testing.",
    ()
)));
fixture!(ImageContent, "test_image_content", "Returns an image.", |_ctx| Ok(
    ToolOutput::new("", ()).with_content(image())
));
fixture!(AudioContent, "test_audio_content", "Returns audio.", |_ctx| Ok(
    ToolOutput::new("", ()).with_content(json!({"type": "audio", "data": WAV, "mimeType": "audio/wav"}))
));
fixture!(EmbeddedResource, "test_embedded_resource", "Returns an embedded resource.", |_ctx| Ok(ToolOutput::new(
    "",
    ()
)
.with_content(json!({"type": "resource", "resource": {
    "uri": "test://embedded-resource", "mimeType": "text/plain", "text": "This is an embedded resource content."
}}))));
fixture!(MixedContent, "test_multiple_content_types", "Returns text, an image and a resource.", |_ctx| {
    Ok(
    ToolOutput::new("Multiple content types test:", ()).with_content(image()).with_content(json!({"type": "resource", "resource": {
        "uri": "test://mixed-content-resource", "mimeType": "application/json", "text": "{\"test\":\"data\",\"value\":123}"
    }}))
)
});
fixture!(ErrorHandling, "test_error_handling", "Always fails.", |_ctx| Err(ToolError::terminal(
    "This tool intentionally returns an error for testing"
)));

/// Needs the client's sampling capability; a modern request without it gets -32021.
struct MissingCapability;

impl Tool for MissingCapability {
    type Params = NoArguments;
    type Output = ();
    const NAME: &'static str = "test_missing_capability";
    const TITLE: &'static str = "test_missing_capability";
    const DESCRIPTION: &'static str = "Requires the client's sampling capability.";
    const ANNOTATIONS: Annotations = FIXTURE;

    fn required_client_capabilities() -> Option<Map<String, Value>> {
        let Value::Object(required) = json!({"sampling": {}}) else { return None };
        Some(required)
    }

    async fn call(&self, _: NoArguments, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new("The client declared sampling.", ()))
    }
}

/// Publishes a hand-written JSON Schema 2020-12 input schema ($defs, $anchor, allOf/anyOf,
/// if/then/else) unchanged.
struct JsonSchema2020;

impl Tool for JsonSchema2020 {
    type Params = Value;
    type Output = ();
    const NAME: &'static str = "json_schema_2020_12_tool";
    const TITLE: &'static str = "json_schema_2020_12_tool";
    const DESCRIPTION: &'static str = "Accepts arguments described with JSON Schema 2020-12 keywords.";
    const ANNOTATIONS: Annotations = FIXTURE;

    fn input_schema() -> Value {
        fixture_schema(include_str!("../../../conformance/schemas/json-schema-2020-12.json"))
    }

    async fn call(&self, arguments: Value, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new(format!("Received: {arguments}"), ()))
    }
}

/// Returns a plain result. It never logs: the stateless era sends `notifications/message` only
/// to requests that set a log level in `_meta`, and a JSON response carries no notifications.
struct LoggingTool;

impl Tool for LoggingTool {
    type Params = NoArguments;
    type Output = ();
    const NAME: &'static str = "test_logging_tool";
    const TITLE: &'static str = "test_logging_tool";
    const DESCRIPTION: &'static str = "Would log at the request's log level; sends no log messages without one.";
    const ANNOTATIONS: Annotations = FIXTURE;

    async fn call(&self, _: NoArguments, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new("Done. No log messages: the request did not set a log level.", ()))
    }
}

/// Mirrors its `region` argument in the `Mcp-Param-Region` header (`x-mcp-header`); the library
/// refuses a request whose header is missing, malformed or different from the body (-32020).
struct HeaderParam;

impl Tool for HeaderParam {
    type Params = Value;
    type Output = ();
    const NAME: &'static str = "test_header_param";
    const TITLE: &'static str = "test_header_param";
    const DESCRIPTION: &'static str = "Echoes `region`, which clients mirror in the Mcp-Param-Region header.";
    const ANNOTATIONS: Annotations = FIXTURE;

    fn input_schema() -> Value {
        fixture_schema(include_str!("../../../conformance/schemas/header-param.json"))
    }

    async fn call(&self, arguments: Value, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new(format!("Region: {}", arguments["region"].as_str().unwrap_or_default()), ()))
    }
}

/// A fixture tool's input schema, kept as JSON in conformance/schemas/ (the argument validator's
/// tests read the same files).
fn fixture_schema(text: &str) -> Value {
    serde_json::from_str(text).expect("conformance/schemas/*.json are valid JSON")
}

pub fn register(tools: &mut ToolRegistry) {
    tools.register(SimpleText);
    tools.register(ImageContent);
    tools.register(AudioContent);
    tools.register(EmbeddedResource);
    tools.register(MixedContent);
    tools.register(ErrorHandling);
    tools.register(MissingCapability);
    tools.register(JsonSchema2020);
    tools.register(LoggingTool);
    tools.register(HeaderParam);
}
