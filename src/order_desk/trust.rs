//! The deployment's trust model: who may see whose orders.
//!
//! - *agent-assist* (the default): any authorised caller may look up any customer. For a support
//!   desk where a human agent reads the answers and has verified the customer themselves.
//! - *customer-bound*: for bots that talk to the customer. Every tool sees only the verified
//!   customer's data. Who that is comes from a source the tools never write: a Moveo session
//!   variable the platform sets after verification (live instructions), a header the platform
//!   sets (`x-moveo-external-id`, say) read through a configured format, or a claim of the end
//!   user's own OAuth access token (`email`, say; kept by the engine only from a token that
//!   verified). Without a verified customer, the tools refuse and ask the agent to verify the
//!   customer first.

use serde_json::{Map, Value};

use crate::engine::config::{AuthSettings, ConfigError};
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
    /// A claim of the caller's OAuth access token (`email`, say), whose value the engine keeps
    /// only from a token that verified, and not when the token says `<claim>_verified` is false.
    TokenClaim(String),
}

/// The settings naming an identity source, one of which customer-bound needs.
const SOURCES: &str = "MCP_CUSTOMER_SESSION_VARIABLE, MCP_CUSTOMER_HEADER or MCP_CUSTOMER_TOKEN_CLAIM";

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
    /// Reads `MCP_TRUST_MODEL` (`agent-assist` or `customer-bound`) and, for customer-bound,
    /// exactly one identity source: `MCP_CUSTOMER_SESSION_VARIABLE`, `MCP_CUSTOMER_HEADER` with
    /// `MCP_CUSTOMER_HEADER_FORMAT` (default `{email}`), or `MCP_CUSTOMER_TOKEN_CLAIM`.
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
        let (variable, header, claim) =
            (get("MCP_CUSTOMER_SESSION_VARIABLE"), get("MCP_CUSTOMER_HEADER"), get("MCP_CUSTOMER_TOKEN_CLAIM"));
        let source = match (variable, header, claim) {
            (Some(variable), None, None) => {
                if WRITTEN_SESSION_VARIABLES.contains(&variable.as_str()) {
                    let reason = format!(
                        "`{variable}` is written back by the tools, so it cannot name the verified customer; use a variable only the platform sets, such as `verified_customer_email`"
                    );
                    return Err(invalid("MCP_CUSTOMER_SESSION_VARIABLE", reason));
                }
                IdentitySource::SessionVariable(variable)
            }
            (None, Some(header), None) => {
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
            (None, None, Some(claim)) => {
                // A claim name: `email`, or a namespaced one such as `https://shop.example.com/email`.
                let allowed = |b: u8| b.is_ascii_alphanumeric() || b"_-.:/#".contains(&b);
                if claim.len() > 200 || !claim.bytes().all(allowed) {
                    let reason = format!("`{claim}` is not a claim name (letters, digits, _ - . : / #; at most 200)");
                    return Err(invalid("MCP_CUSTOMER_TOKEN_CLAIM", reason));
                }
                IdentitySource::TokenClaim(claim)
            }
            (None, None, None) => return Err(ConfigError::Missing(SOURCES)),
            (variable, header, _) => {
                let reason = format!("set exactly one of {SOURCES}");
                let name = match (variable, header) {
                    (Some(_), Some(_)) => "MCP_CUSTOMER_HEADER",
                    _ => "MCP_CUSTOMER_TOKEN_CLAIM",
                };
                return Err(invalid(name, reason));
            }
        };
        Ok(TrustModel::CustomerBound(source))
    }

    /// The access token claim that names the verified customer, when that is the identity source.
    pub fn token_claim(&self) -> Option<&str> {
        match self {
            TrustModel::CustomerBound(IdentitySource::TokenClaim(claim)) => Some(claim),
            _ => None,
        }
    }

    /// Tells the engine's authentication which claim to keep from access tokens; refused when the
    /// identity source is a token claim but no OAuth tokens are accepted (`MCP_AUTH` without
    /// `oauth`): no caller could ever be verified.
    pub fn configure_auth(&self, auth: &mut AuthSettings) -> Result<(), ConfigError> {
        let Some(claim) = self.token_claim() else { return Ok(()) };
        let Some(oauth) = auth.oauth.as_mut() else {
            let reason = format!(
                "the verified customer would come from the `{claim}` claim of OAuth access tokens, but MCP_AUTH does not \
                 include `oauth`"
            );
            return Err(ConfigError::Invalid { name: "MCP_CUSTOMER_TOKEN_CLAIM", reason });
        };
        oauth.identity_claim = Some(claim.to_owned());
        Ok(())
    }

    /// The model's name as configured and logged.
    pub fn name(&self) -> &'static str {
        match self {
            TrustModel::AgentAssist => "agent-assist",
            TrustModel::CustomerBound(_) => "customer-bound",
        }
    }

    /// What a request may see under this model, given its Moveo session variables
    /// (`_meta["moveo/context"].context`), its headers (by lower-case name) and the identity claim
    /// of its caller's verified access token (`Caller::identity_claim`).
    pub fn access(
        &self,
        session: Option<&Map<String, Value>>,
        header: impl Fn(&str) -> Option<String>,
        token_claim: Option<&str>,
    ) -> Access {
        let TrustModel::CustomerBound(source) = self else { return Access::Any };
        let email = match source {
            IdentitySource::SessionVariable(name) => {
                session.and_then(|vars| vars.get(name)).and_then(Value::as_str).map(str::to_owned)
            }
            IdentitySource::Header { name, prefix, suffix } => header(name).and_then(|value| {
                value.strip_prefix(prefix.as_str())?.strip_suffix(suffix.as_str()).map(str::to_owned)
            }),
            IdentitySource::TokenClaim(_) => token_claim.map(str::to_owned),
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
