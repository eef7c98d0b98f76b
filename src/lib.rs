//! lambda-mcp: a stateless MCP server for AWS Lambda that puts DynamoDB business data in front of
//! AI agents as well-designed tools.
//!
//! # Layout
//! Two halves, and the dependency rule between them: the [`engine`] is generic MCP-on-Lambda and
//! never imports the [`order_desk`]; the order desk is the product, built on the engine's public
//! API. A fork replaces `order_desk` (and the lines of `main.rs` that name it), not the engine.
//!
//! Inside the engine, dependencies point one way: `transport` -> `protocol` -> `tools`, with
//! `auth`, `aws` and `config` beside them; `app` only assembles. Inside the product, `tools` ->
//! `store` (a trait; DynamoDB and in-memory implementations); `seed` (demo data, the seeder) is
//! never on a request path.
//!
//! # The path a request takes
//! 1. `main.rs` hands each Lambda event to [`engine::transport::Endpoint::handle`].
//! 2. The transport routes on the raw path and applies the Origin, method, size and content-type
//!    rules; [`engine::auth`] checks the key or token and says who is calling (a [`engine::auth::Caller`]).
//! 3. [`engine::protocol`] parses the body once into a typed [`engine::protocol::McpRequest`] and
//!    dispatches it with one `match` per era (legacy, 2026-07-28).
//! 4. `tools/call` validates the arguments against the tool's schema
//!    ([`engine::tools::ToolRegistry`]) and calls the tool with a [`engine::tools::CallContext`]
//!    (caller, language, session).
//! 5. An order-desk tool reads or writes through its [`order_desk::store::OrderStore`].
//! 6. The transport turns the reply into an HTTP response and writes the request's one log line.

pub mod engine;
pub mod order_desk;
