//! Integration tests: the real handler, Lambda events from events/, a real local moto server.

mod auth;
mod auth_server;
mod cognito;
mod corpus;
mod cors;
mod docs;
mod events;
mod fault_server;
mod faults;
mod get_order;
mod helpers;
mod iam;
mod key_modes;
mod leases;
mod logs;
mod metrics;
mod modern;
mod oauth;
mod oauth_hostile;
mod order_desk;
mod protocol;
mod tool_rules;
mod transport;
mod wire;
