//! Integration tests: the real handler, Lambda events from events/, a real local moto server.

mod auth;
mod clean_answers;
mod confirmation;
mod corpus;
mod cors;
mod events;
mod fault_server;
mod faults;
mod get_order;
mod helpers;
mod iam;
mod idempotency;
mod logs;
mod metrics;
mod modern;
mod order_desk;
mod protocol;
mod stored_text;
mod tool_rules;
mod transport;
mod trust;
mod wire;
