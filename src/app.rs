//! The assembled application: configuration, authenticator, MCP server and tools. Built once per
//! Lambda execution environment without any network I/O; shared by every invocation.

use std::sync::Arc;

use lambda_http::{Body, Request, Response};

use crate::auth::Authenticator;
use crate::aws::{AwsContext, AwsSettings};
use crate::config::{AuthSettings, Config};
use crate::protocol::{McpServer, ServerInfo};
use crate::store::OrderStore;
use crate::tools::ToolRegistry;
use crate::transport;

/// The application.
#[derive(Debug)]
pub struct App {
    config: Config,
    auth: Option<Authenticator>,
    server: McpServer,
}

impl App {
    /// The product: the order-desk tools over the configured table.
    pub fn new(config: Config, aws: AwsSettings) -> Self {
        let aws = Arc::new(AwsContext::new(aws));
        let store = Arc::new(OrderStore::new(aws.clone(), config.table_name.clone()));
        Self::with_tools(config, aws, ToolRegistry::with_order_desk(store))
    }

    /// The application with any set of tools (the library's public entry point for other tool sets).
    pub fn with_tools(config: Config, aws: Arc<AwsContext>, tools: ToolRegistry) -> Self {
        let auth = match &config.auth {
            AuthSettings::Header(settings) => Some(Authenticator::new(settings, aws)),
            AuthSettings::Off => None,
        };
        App { config, auth, server: McpServer::new(ServerInfo::default(), tools) }
    }

    /// Handles one HTTP request.
    pub async fn handle(&self, request: Request) -> Response<Body> {
        transport::handle(self, request).await
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.config
    }

    /// The authenticator, unless authentication is off.
    pub fn authenticator(&self) -> Option<&Authenticator> {
        self.auth.as_ref()
    }

    /// The MCP server.
    pub fn server(&self) -> &McpServer {
        &self.server
    }
}
