//! Assembly: the engine's settings, the AWS context and a product's server info and tools made
//! into a served [`Endpoint`], without any network I/O. Only `main.rs`, the other binaries and
//! tests call this; nothing that serves a request imports it.

use std::sync::Arc;

use crate::engine::auth::Authenticator;
use crate::engine::aws::AwsContext;
use crate::engine::config::Config;
use crate::engine::protocol::{McpServer, ServerInfo};
use crate::engine::tools::ToolRegistry;
use crate::engine::transport::Endpoint;

/// The endpoint serving `tools` as `info` under `config`.
pub fn endpoint(config: Config, aws: Arc<AwsContext>, info: ServerInfo, tools: ToolRegistry) -> Endpoint {
    let auth = Authenticator::new(&config.auth, &config.mcp_path, aws.clone());
    Endpoint::new(config, auth, McpServer::new(info, tools), aws)
}
