//! A conformance server: the order-desk tools plus the fixture tools the official MCP
//! conformance suite (`@modelcontextprotocol/conformance`) calls by name, registered through the
//! library's public API. Only for `scripts/conformance`; the product binary never ships these.
//!
//! Run it like the product (`cargo lambda watch --features conformance`, function
//! `lambda-mcp-conformance`), with `MCP_AUTH=off`.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Error, Request, service_fn};
use lambda_mcp::aws::{AwsContext, AwsSettings};
use lambda_mcp::store::OrderStore;
use lambda_mcp::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};
use lambda_mcp::{App, Config};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value, json};

const PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAIAAACQd1PeAAAADElEQVR4nGP4z8AAAAMBAQDJ/pLvAAAAAElFTkSuQmCC";
const WAV: &str = "UklGRjQAAABXQVZFZm10IBAAAAABAAEAQB8AAIA+AAACABAAZGF0YRAAAAAAAAAAAAAAAAAAAAAAAAAA";
const FIXTURE: Annotations = Annotations { read_only: true, destructive: false, idempotent: true, open_world: false };

/// No arguments.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
struct NoArguments {}

fn image() -> Value {
    json!({"type": "image", "data": PNG, "mimeType": "image/png"})
}

/// Declares a fixture tool: a name, a description, and the output it returns.
macro_rules! fixture {
    ($type:ident, $name:literal, $description:literal, |$ctx:ident| $body:expr) => {
        struct $type;

        impl Tool for $type {
            type Params = NoArguments;
            type Output = ();
            const NAME: &'static str = $name;
            const TITLE: &'static str = $name;
            const DESCRIPTION: &'static str = $description;
            const ANNOTATIONS: Annotations = FIXTURE;

            async fn call(&self, _: NoArguments, $ctx: &CallContext) -> Result<ToolOutput<()>, ToolError> {
                $body
            }
        }
    };
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
        json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "object",
            "$defs": {"address": {"$anchor": "addressDef", "type": "object",
                "properties": {"street": {"type": "string"}, "city": {"type": "string"}}}},
            "properties": {
                "name": {"type": "string"},
                "address": {"$ref": "#/$defs/address"},
                "contactMethod": {"type": "string", "enum": ["phone", "email"]},
                "phone": {"type": "string"},
                "email": {"type": "string"}
            },
            "allOf": [{"anyOf": [{"required": ["phone"]}, {"required": ["email"]}]}],
            "if": {"properties": {"contactMethod": {"const": "phone"}}, "required": ["contactMethod"]},
            "then": {"required": ["phone"]},
            "else": {"required": ["email"]},
            "additionalProperties": false
        })
    }

    async fn call(&self, arguments: Value, _: &CallContext) -> Result<ToolOutput<()>, ToolError> {
        Ok(ToolOutput::new(format!("Received: {arguments}"), ()))
    }
}

fn registry(store: Arc<OrderStore>) -> ToolRegistry {
    let mut tools = ToolRegistry::with_order_desk(store);
    tools.register(SimpleText);
    tools.register(ImageContent);
    tools.register(AudioContent);
    tools.register(EmbeddedResource);
    tools.register(MixedContent);
    tools.register(ErrorHandling);
    tools.register(MissingCapability);
    tools.register(JsonSchema2020);
    tools
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = Config::from_env()?;
    let aws = Arc::new(AwsContext::new(AwsSettings::default()));
    let store = Arc::new(OrderStore::new(aws.clone(), config.table_name.clone()));
    let app = App::with_tools(config, aws, registry(store));
    let app = &app;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(app.handle(request).await) }))
        .await
}
