//! The Lambda entry point: logging, configuration, the application, the runtime loop.

use std::convert::Infallible;

use lambda_http::{Error, Request, service_fn};
use lambda_mcp::{App, Config, aws::AwsSettings, config::AuthSettings};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    lambda_http::tracing::init_default_subscriber();
    let config = Config::from_env().inspect_err(|error| tracing::error!(%error, "invalid configuration"))?;
    if config.auth == AuthSettings::Off {
        tracing::warn!("authentication is OFF (MCP_AUTH=off): anyone who can reach this endpoint can call its tools");
    }
    let aws = AwsSettings::from_env().inspect_err(|error| tracing::error!(%error, "invalid configuration"))?;
    let app = App::new(config, aws);
    let app = &app;
    lambda_http::run(service_fn(move |request: Request| async move { Ok::<_, Infallible>(app.handle(request).await) }))
        .await
}
