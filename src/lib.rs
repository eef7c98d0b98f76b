//! lambda-mcp: a stateless MCP server for AWS Lambda that puts DynamoDB business data in front of
//! AI agents as well-designed tools.
//!
//! # Layout
//! Dependencies point one way: `transport` -> `protocol` -> `tools` -> `store`.
//!
//! - [`transport`]: the HTTP edge (API Gateway REST/HTTP API and function URL events through
//!   `lambda_http`): routing, status codes, headers, body limits, the request log line.
//! - [`auth`]: the API key check against keys kept in Secrets Manager (cached, rotation-aware,
//!   constant-time).
//! - [`protocol`]: JSON-RPC 2.0 envelopes, MCP protocol versions and method dispatch.
//! - [`tools`]: the tool abstraction, argument validation, and one file per tool.
//! - [`store`]: DynamoDB items <-> domain types, the order store, the seeder.
//! - [`aws`]: lazily built AWS SDK configuration with bounded timeouts and retries.
//! - [`config`]: settings read from the environment.
//! - [`app`]: the assembled application a Lambda runtime (or a test) calls.

pub mod app;
pub mod auth;
pub mod aws;
pub mod config;
pub mod protocol;
pub mod store;
pub mod tools;
pub mod transport;

pub use app::App;
pub use config::Config;
