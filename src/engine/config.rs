//! The engine's settings, read from the environment once, at start-up, with documented defaults.
//! A product reads its own settings (the order desk: its table) the same way.

use std::time::Duration;

use thiserror::Error;

/// Default MCP endpoint path.
pub const DEFAULT_MCP_PATH: &str = "/mcp";
/// Default header carrying the API key.
pub const DEFAULT_API_KEY_HEADER: &str = "x-api-key";
/// Default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default number of messages accepted in one JSON-RPC batch.
pub const DEFAULT_MAX_BATCH: usize = 50;

/// How callers are authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthSettings {
    /// An API key header checked against a Secrets Manager secret.
    Header(HeaderAuthSettings),
    /// No authentication: only for local conformance runs; logged as a warning at start.
    Off,
}

/// Settings of header (API key) authentication.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderAuthSettings {
    /// Name or ARN of the Secrets Manager secret holding the key(s).
    pub secret_id: String,
    /// Lower-case name of the header carrying the key (`Authorization: Bearer` is accepted too).
    pub header: String,
    /// How long fetched keys are trusted before they are fetched again.
    pub cache_ttl: Duration,
    /// The shortest time between two fetches triggered by an unknown key.
    pub refresh_interval: Duration,
    /// How long after a rotation the previous key (`AWSPREVIOUS`) is still accepted.
    pub rotation_window: Duration,
}

/// Everything the function is configured with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The path the MCP endpoint is served on (raw path, without any API Gateway stage).
    pub mcp_path: String,
    /// Authentication.
    pub auth: AuthSettings,
    /// Origins allowed to call the endpoint from a browser; any other `Origin` gets 403.
    pub allowed_origins: Vec<String>,
    /// Largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// Largest accepted JSON-RPC batch, in messages.
    pub max_batch: usize,
}

/// A setting that is missing or cannot be parsed.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{0} must be set")]
    Missing(&'static str),
    #[error("{name} has an invalid value: {reason}")]
    Invalid { name: &'static str, reason: String },
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        let mcp_path = normalise_path(&get("MCP_PATH").unwrap_or_else(|| DEFAULT_MCP_PATH.into()));
        let auth = match get("MCP_AUTH").as_deref().map(str::to_ascii_lowercase).as_deref() {
            None | Some("header") => AuthSettings::Header(HeaderAuthSettings {
                secret_id: get("MCP_API_KEY_SECRET_ID").ok_or(ConfigError::Missing("MCP_API_KEY_SECRET_ID"))?,
                header: get("MCP_API_KEY_HEADER").unwrap_or_else(|| DEFAULT_API_KEY_HEADER.into()).to_ascii_lowercase(),
                cache_ttl: seconds(&get, "MCP_KEY_CACHE_TTL_SECONDS", 300)?,
                refresh_interval: seconds(&get, "MCP_KEY_REFRESH_INTERVAL_SECONDS", 5)?,
                rotation_window: seconds(&get, "MCP_KEY_ROTATION_WINDOW_SECONDS", 86_400)?,
            }),
            Some("off") => AuthSettings::Off,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "MCP_AUTH",
                    reason: format!("expected `header` or `off`, got `{other}`"),
                });
            }
        };
        let allowed_origins = get("MCP_ALLOWED_ORIGINS")
            .map(|v| {
                v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
            })
            .unwrap_or_default();
        Ok(Config {
            mcp_path,
            auth,
            allowed_origins,
            max_body_bytes: number(&get, "MCP_MAX_BODY_BYTES", DEFAULT_MAX_BODY_BYTES)?,
            max_batch: number(&get, "MCP_MAX_BATCH", DEFAULT_MAX_BATCH)?,
        })
    }
}

/// Paths compare without a trailing slash, always with a leading one.
pub fn normalise_path(path: &str) -> String {
    let trimmed = path.trim().trim_end_matches('/');
    if trimmed.starts_with('/') { trimmed.to_owned() } else { format!("/{trimmed}") }
}

/// A setting that must be present and not blank.
pub fn required(get: &impl Fn(&str) -> Option<String>, name: &'static str) -> Result<String, ConfigError> {
    get(name).filter(|v| !v.trim().is_empty()).ok_or(ConfigError::Missing(name))
}

fn number(get: &impl Fn(&str) -> Option<String>, name: &'static str, default: usize) -> Result<usize, ConfigError> {
    match get(name) {
        None => Ok(default),
        Some(raw) => raw
            .trim()
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or(ConfigError::Invalid { name, reason: format!("expected a positive whole number, got `{raw}`") }),
    }
}

fn seconds(get: &impl Fn(&str) -> Option<String>, name: &'static str, default: u64) -> Result<Duration, ConfigError> {
    number(get, name, default as usize).map(|n| Duration::from_secs(n as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_only_required_settings_are_given() {
        let c = config(&[("MCP_API_KEY_SECRET_ID", "s")]).unwrap();
        assert_eq!(c.mcp_path, "/mcp");
        assert_eq!(c.max_body_bytes, 1024 * 1024);
        let AuthSettings::Header(h) = c.auth else { panic!("header auth is the default") };
        assert_eq!(h.header, "x-api-key");
        assert_eq!(h.cache_ttl, Duration::from_secs(300));
    }

    #[test]
    fn header_auth_requires_a_secret() {
        assert_eq!(config(&[]), Err(ConfigError::Missing("MCP_API_KEY_SECRET_ID")));
    }

    #[test]
    fn auth_can_be_turned_off_only_explicitly() {
        let c = config(&[("MCP_AUTH", "off")]).unwrap();
        assert_eq!(c.auth, AuthSettings::Off);
        assert!(config(&[("MCP_AUTH", "none")]).is_err());
    }

    #[test]
    fn paths_and_origins_are_normalised() {
        let c = config(&[
            ("MCP_AUTH", "off"),
            ("MCP_PATH", "api/mcp/"),
            ("MCP_ALLOWED_ORIGINS", "https://a.example/, https://b.example"),
        ])
        .unwrap();
        assert_eq!(c.mcp_path, "/api/mcp");
        assert_eq!(c.allowed_origins, vec!["https://a.example", "https://b.example"]);
    }

    #[test]
    fn a_non_numeric_limit_is_rejected() {
        let err = config(&[("MCP_AUTH", "off"), ("MCP_MAX_BODY_BYTES", "lots")]).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { name: "MCP_MAX_BODY_BYTES", .. }));
    }
}
