//! The deployment's trust model: who may see whose orders.
//!
//! - *agent-assist* (the default): any authorised caller may look up any customer. For a support
//!   desk where a human agent reads the answers and has verified the customer themselves.
//! - *customer-bound*: for bots that talk to the customer. Every tool sees only the verified
//!   customer's data. Who that is comes from a source the tools never write: a Moveo session
//!   variable the platform sets after verification (live instructions), or a header the platform
//!   sets (`x-moveo-external-id`, say) read through a configured format. Without a verified
//!   customer, the tools refuse and ask the agent to verify the customer first.

use serde_json::{Map, Value};

use crate::engine::config::ConfigError;
use crate::order_desk::text_safety;

/// Session variables the order desk's tools write back to Moveo. A tool result can steer them
/// (`get_order` writes the email of whatever order was looked up), so none of them may name the
/// verified customer.
pub const WRITTEN_SESSION_VARIABLES: [&str; 4] =
    ["order_number", "order_numbers", "customer_email", "cancelled_order_number"];

/// The placeholder of [`IdentitySource::Header`]'s format.
const EMAIL_PLACEHOLDER: &str = "{email}";

/// Who may see what.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum TrustModel {
    /// Any authorised caller may look up any customer (human agents).
    #[default]
    AgentAssist,
    /// Every lookup is bound to the verified customer (customer-facing bots).
    CustomerBound(IdentitySource),
}

/// Where the verified customer's email comes from, in customer-bound mode.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdentitySource {
    /// A Moveo session variable (`_meta["moveo/context"].context.<name>`) set by the platform.
    SessionVariable(String),
    /// A request header set by the platform; its value is `prefix` + email + `suffix`.
    Header { name: String, prefix: String, suffix: String },
}

/// What a request may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Access {
    /// Everything (agent-assist).
    Any,
    /// Only this customer's data (the email, lower-case).
    Customer(String),
    /// Nothing: customer-bound, and the request names no verified customer.
    Unverified,
}

impl Access {
    /// The verified customer's email, when the access is bound to one.
    pub fn customer(&self) -> Option<&str> {
        match self {
            Access::Customer(email) => Some(email),
            _ => None,
        }
    }

    /// True when this access may see the data of the customer with `email`.
    pub fn allows(&self, email: &str) -> bool {
        match self {
            Access::Any => true,
            Access::Customer(verified) => verified.eq_ignore_ascii_case(email.trim()),
            Access::Unverified => false,
        }
    }
}

impl TrustModel {
    /// Reads `MCP_TRUST_MODEL` (`agent-assist` or `customer-bound`) and, for customer-bound, one
    /// identity source: `MCP_CUSTOMER_SESSION_VARIABLE`, or `MCP_CUSTOMER_HEADER` with
    /// `MCP_CUSTOMER_HEADER_FORMAT` (default `{email}`).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let invalid = |name: &'static str, reason: String| ConfigError::Invalid { name, reason };
        match get("MCP_TRUST_MODEL").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("agent-assist") => return Ok(TrustModel::AgentAssist),
            Some("customer-bound") => {}
            Some(other) => {
                let reason = format!("expected `agent-assist` or `customer-bound`, got `{other}`");
                return Err(invalid("MCP_TRUST_MODEL", reason));
            }
        }
        let source = match (get("MCP_CUSTOMER_SESSION_VARIABLE"), get("MCP_CUSTOMER_HEADER")) {
            (Some(variable), None) => {
                if WRITTEN_SESSION_VARIABLES.contains(&variable.as_str()) {
                    let reason = format!(
                        "`{variable}` is written back by the tools, so it cannot name the verified customer; use a variable only the platform sets, such as `verified_customer_email`"
                    );
                    return Err(invalid("MCP_CUSTOMER_SESSION_VARIABLE", reason));
                }
                IdentitySource::SessionVariable(variable)
            }
            (None, Some(header)) => {
                let format = get("MCP_CUSTOMER_HEADER_FORMAT").unwrap_or_else(|| EMAIL_PLACEHOLDER.into());
                let (prefix, suffix) = format
                    .split_once(EMAIL_PLACEHOLDER)
                    .filter(|(_, suffix)| !suffix.contains(EMAIL_PLACEHOLDER))
                    .ok_or_else(|| {
                        invalid("MCP_CUSTOMER_HEADER_FORMAT", format!("must contain `{EMAIL_PLACEHOLDER}` once"))
                    })?;
                let name = header.to_ascii_lowercase();
                // Only the platform's own headers reach the tools (the engine passes `x-moveo-*`).
                if !name.starts_with("x-moveo-") || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
                    let reason = format!("`{header}` is not one of Moveo's x-moveo-* headers");
                    return Err(invalid("MCP_CUSTOMER_HEADER", reason));
                }
                IdentitySource::Header { name, prefix: prefix.to_owned(), suffix: suffix.to_owned() }
            }
            (None, None) => return Err(ConfigError::Missing("MCP_CUSTOMER_SESSION_VARIABLE or MCP_CUSTOMER_HEADER")),
            (Some(_), Some(_)) => {
                let reason = "set MCP_CUSTOMER_SESSION_VARIABLE or MCP_CUSTOMER_HEADER, not both".to_owned();
                return Err(invalid("MCP_CUSTOMER_HEADER", reason));
            }
        };
        Ok(TrustModel::CustomerBound(source))
    }

    /// The model's name as configured and logged.
    pub fn name(&self) -> &'static str {
        match self {
            TrustModel::AgentAssist => "agent-assist",
            TrustModel::CustomerBound(_) => "customer-bound",
        }
    }

    /// What a request may see under this model, given its Moveo session variables
    /// (`_meta["moveo/context"].context`) and its headers (by lower-case name).
    pub fn access(&self, session: Option<&Map<String, Value>>, header: impl Fn(&str) -> Option<String>) -> Access {
        let TrustModel::CustomerBound(source) = self else { return Access::Any };
        let email = match source {
            IdentitySource::SessionVariable(name) => {
                session.and_then(|vars| vars.get(name)).and_then(Value::as_str).map(str::to_owned)
            }
            IdentitySource::Header { name, prefix, suffix } => header(name).and_then(|value| {
                value.strip_prefix(prefix.as_str())?.strip_suffix(suffix.as_str()).map(str::to_owned)
            }),
        };
        match email.as_deref().map(str::trim).and_then(text_safety::email) {
            Some(email) => Access::Customer(email),
            None => Access::Unverified,
        }
    }
}

#[cfg(test)]
#[path = "trust_tests.rs"]
mod tests;
