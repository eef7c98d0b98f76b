//! The engine: MCP on AWS Lambda, knowing nothing of any product.
//!
//! - [`transport`]: the HTTP edge (API Gateway REST/HTTP API and function URL events through
//!   `lambda_http`): routing, status codes, headers, body limits, the request log line.
//! - [`auth`]: who is calling: API keys kept in Secrets Manager (cached, rotation-aware,
//!   constant-time, named and scoped; in a header or the URL) and OAuth 2.1 access tokens
//!   ([`auth::jwt`]), giving a [`auth::Caller`] with the scopes it holds.
//! - [`protocol`]: JSON-RPC 2.0 envelopes, MCP protocol versions, a request parsed once into a
//!   typed value, and dispatch for both eras.
//! - [`tools`]: the [`tools::Tool`] trait, the registry, argument validation, result building and
//!   localised texts.
//! - [`aws`]: lazily built AWS SDK configuration with bounded timeouts and retries.
//! - [`config`]: the engine's settings, read from the environment.
//! - [`logging`]: the log subscriber: one flat line per event, the runtime crates held at `INFO`.
//! - [`app`]: assembles an endpoint from settings and a product's server info and tools.

pub mod app;
pub mod auth;
pub mod aws;
pub mod config;
pub mod logging;
pub mod protocol;
pub mod tools;
pub mod transport;
