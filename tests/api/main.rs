//! Integration tests: the real handler, Lambda events from events/, a real local moto server.

mod auth;
mod events;
mod get_order;
mod helpers;
mod protocol;
mod transport;
mod wire;
