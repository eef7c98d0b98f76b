//! The order desk: the product built on the engine. Four tools over one DynamoDB table
//! (search orders, read an order or a customer, cancel an order), their texts in six languages,
//! the server's name and instructions, and the store they read through. The engine never imports
//! this module; a fork replaces it.

pub mod confirmation;
pub mod seed;
pub mod store;
pub mod text_safety;
pub mod texts;
pub mod tools;
pub mod trust;

use std::sync::Arc;

use crate::engine::config::{ConfigError, required};
use crate::engine::protocol::ServerInfo;
use crate::engine::tools::ToolRegistry;
use store::OrderStore;
use tools::{CancelOrder, GetCustomer, GetOrder, SearchOrders};

/// The order desk's own settings, read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The DynamoDB table holding customers, orders and idempotency records (`ORDERS_TABLE`).
    pub table: String,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        Ok(Settings { table: required(&lookup, "ORDERS_TABLE")? })
    }
}

/// How the server introduces itself to clients.
pub fn server_info() -> ServerInfo {
    ServerInfo {
        name: env!("CARGO_PKG_NAME").into(),
        title: "Order desk".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        instructions: "Order desk tools for customer support. Look an order up by its number with get_order; \
            find a customer's orders by email or order number with search_orders; read a customer's profile with \
            get_customer; cancel a pending or processing order with cancel_order only after the customer confirms."
            .into(),
    }
}

/// The order desk's tools, in the order clients list them, reading `store`.
pub fn registry<S: OrderStore>(store: Arc<S>) -> ToolRegistry {
    let mut registry = ToolRegistry::new();
    registry.register(SearchOrders::new(store.clone()));
    registry.register(GetOrder::new(store.clone()));
    registry.register(GetCustomer::new(store.clone()));
    registry.register(CancelOrder::new(store));
    registry
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_required() {
        assert_eq!(Settings::from_lookup(|_| None), Err(ConfigError::Missing("ORDERS_TABLE")));
        let settings = Settings::from_lookup(|name| (name == "ORDERS_TABLE").then(|| "orders".to_owned())).unwrap();
        assert_eq!(settings.table, "orders");
    }
}
