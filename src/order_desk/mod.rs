//! The order desk: the product built on the engine. Four tools over one DynamoDB table
//! (search orders, read an order or a customer, cancel an order), their texts in six languages,
//! the server's name and instructions, and the store they read through. The engine never imports
//! this module; a fork replaces it.

pub mod confirmation;
pub mod guard;
pub mod seed;
pub mod store;
pub mod text_safety;
pub mod texts;
pub mod tools;
pub mod trust;

use std::sync::Arc;

use crate::engine::aws::AwsContext;
use crate::engine::config::{ConfigError, required};
use crate::engine::protocol::ServerInfo;
use crate::engine::tools::ToolRegistry;
use guard::{Guard, KeySource};
use store::OrderStore;
use tools::{CancelOrder, GetCustomer, GetOrder, SearchOrders};
use trust::TrustModel;

/// The order desk's own settings, read from the environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The DynamoDB table holding customers, orders and idempotency records (`ORDERS_TABLE`).
    pub table: String,
    /// Who may see whose data (`MCP_TRUST_MODEL` and its identity source; [`trust`]).
    pub trust: TrustModel,
    /// The Secrets Manager secret whose text seals cancellation confirmations
    /// (`MCP_CONFIRMATION_SECRET_ID`); without it each instance draws a random key.
    pub confirmation_secret_id: Option<String>,
}

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let secret = lookup("MCP_CONFIRMATION_SECRET_ID").map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(Settings {
            table: required(&lookup, "ORDERS_TABLE")?,
            trust: TrustModel::from_lookup(&lookup)?,
            confirmation_secret_id: secret,
        })
    }

    /// The guard these settings describe (no network I/O until the first cancellation).
    pub fn guard(&self, aws: Arc<AwsContext>) -> Guard {
        let keys = match &self.confirmation_secret_id {
            Some(secret_id) => KeySource::Secret { aws, secret_id: secret_id.clone() },
            None => {
                tracing::warn!(
                    "MCP_CONFIRMATION_SECRET_ID is not set: cancellation confirmations are sealed with a key of this \
                     instance only, so a confirmation answered by another instance is refused"
                );
                KeySource::Process
            }
        };
        Guard::new(self.trust.clone(), keys)
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

/// The order desk's tools, in the order clients list them, reading `store` in agent-assist
/// mode with a per-instance confirmation key (tests, and a quick start).
pub fn registry<S: OrderStore>(store: Arc<S>) -> ToolRegistry {
    registry_with(store, Arc::new(Guard::agent_assist()))
}

/// The order desk's tools reading `store` under `guard` (the trust model and confirmation key).
pub fn registry_with<S: OrderStore>(store: Arc<S>, guard: Arc<Guard>) -> ToolRegistry {
    let mut registry = ToolRegistry::new();
    registry.register(SearchOrders::new(store.clone(), guard.clone()));
    registry.register(GetOrder::new(store.clone(), guard.clone()));
    registry.register(GetCustomer::new(store.clone(), guard.clone()));
    registry.register(CancelOrder::new(store, guard));
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
        assert_eq!(settings.trust, TrustModel::AgentAssist, "agent-assist unless configured");
        assert_eq!(settings.confirmation_secret_id, None);
    }
}
