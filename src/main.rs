//! The Lambda entry point: logging, configuration, the product, the runtime loop.

use std::convert::Infallible;
use std::sync::Arc;

use lambda_http::{Error, Request, service_fn};
use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::{AwsContext, AwsSettings};
use lambda_mcp::engine::config::Config;
use lambda_mcp::order_desk::{self, store::dynamo::DynamoStore};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_mcp::engine::logging::init();
    let invalid = |error: &dyn std::fmt::Display| tracing::error!(%error, "invalid configuration");
    let mut config = Config::from_env().inspect_err(|e| invalid(e))?;
    if config.auth.is_off() {
        tracing::warn!("authentication is OFF (MCP_AUTH=off): anyone who can reach this endpoint can call its tools");
    }
    let aws = Arc::new(AwsContext::new(AwsSettings::from_env().inspect_err(|e| invalid(e))?));
    let settings = order_desk::Settings::from_env().inspect_err(|e| invalid(e))?;
    // The engine keeps the access token claim that names the verified customer, when that is the
    // identity source (and refuses it without OAuth).
    settings.trust.configure_auth(&mut config.auth).inspect_err(|e| invalid(e))?;
    tracing::info!(trust_model = settings.trust.name(), "order desk trust model");
    let guard = Arc::new(settings.guard(aws.clone()));
    let store = Arc::new(DynamoStore::new(aws.clone(), settings.table));
    let tools = order_desk::registry_with(store, guard);
    let endpoint = app::endpoint(config, aws, order_desk::server_info(), tools);
    let endpoint = &endpoint;
    lambda_http::run(service_fn(
        move |request: Request| async move { Ok::<_, Infallible>(endpoint.handle(request).await) },
    ))
    .await
}
