//! A conformance server: the order-desk tools plus the fixture tools the official MCP
//! conformance suite (`@modelcontextprotocol/conformance`) calls by name, registered through the
//! library's public API. Only for `scripts/conformance`; the product binary never ships these.
//!
//! Run it like the product (`cargo lambda watch --features conformance`, function
//! `lambda-mcp-conformance`), with `MCP_AUTH=off`.
//!
//! - [`content`]: content blocks, tool errors, capabilities, schemas and headers (both eras).
//! - [`mrtr`]: multi round-trip requests (2026-07-28 `input_required` results).
//! - [`state`]: the integrity-protected `requestState` the MRTR fixtures hand out.

/// Declares a fixture tool without arguments: a name, a description, optionally the client
/// capabilities it `needs`, and the output it returns.
macro_rules! fixture {
    ($type:ident, $name:literal, $description:literal, |$ctx:ident| $body:expr) => {
        fixture!(@tool $type, $name, $description, {}, |$ctx| $body);
    };
    ($type:ident, $name:literal, $description:literal, needs $caps:expr, |$ctx:ident| $body:expr) => {
        fixture!(@tool $type, $name, $description, {
            fn required_client_capabilities() -> Option<serde_json::Map<String, serde_json::Value>> {
                needs(&$caps)
            }
        }, |$ctx| $body);
    };
    (@tool $type:ident, $name:literal, $description:literal, { $($extra:item)* }, |$ctx:ident| $body:expr) => {
        struct $type;

        impl Tool for $type {
            type Params = NoArguments;
            type Output = ();
            const NAME: &'static str = $name;
            const TITLE: &'static str = $name;
            const DESCRIPTION: &'static str = $description;
            const ANNOTATIONS: Annotations = FIXTURE;

            $($extra)*

            async fn call(&self, _: NoArguments, $ctx: &CallContext) -> Result<ToolOutput<()>, ToolError> {
                $body
            }
        }
    };
}

mod content;
mod mrtr;
mod state;

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Error, Request, service_fn};
use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::{AwsContext, AwsSettings};
use lambda_mcp::engine::config::Config;
use lambda_mcp::engine::tools::ToolRegistry;
use lambda_mcp::order_desk::{self, store::dynamo::DynamoStore};

fn registry(store: Arc<DynamoStore>) -> ToolRegistry {
    let mut tools = order_desk::registry(store);
    content::register(&mut tools);
    mrtr::register(&mut tools);
    tools
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_mcp::engine::logging::init();
    let config = Config::from_env()?;
    let aws = Arc::new(AwsContext::new(AwsSettings::from_env()?));
    let settings = order_desk::Settings::from_env()?;
    let store = Arc::new(DynamoStore::new(aws.clone(), settings.table));
    let endpoint = app::endpoint(config, aws, order_desk::server_info(), registry(store));
    let endpoint = &endpoint;
    lambda_http::run(service_fn(
        move |request: Request| async move { Ok::<_, Infallible>(endpoint.handle(request).await) },
    ))
    .await
}
