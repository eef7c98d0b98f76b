//! The engine's settings, read from the environment once, at start-up, with documented defaults.
//! A product reads its own settings (the order desk: its table) the same way.

mod auth;
mod lambda_env;
mod limits;

use thiserror::Error;

pub use auth::{AuthSettings, ChallengeScopes, KeySettings, OAuthSettings, acceptable_url};
pub use lambda_env::{AUTH_OFF_ACKNOWLEDGEMENT, Runtime};
pub use limits::{LIMITS, Limit, whole};

/// Default MCP endpoint path.
pub const DEFAULT_MCP_PATH: &str = "/mcp";
/// Default request body limit: 1 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 1024 * 1024;
/// Default number of messages accepted in one JSON-RPC batch.
pub const DEFAULT_MAX_BATCH: usize = 50;

/// Where the request's metrics and traces go, and how personal correlation values are hidden.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observability {
    /// Write one EMF metrics line per request (`MCP_METRICS`, `emf` or `off`).
    pub metrics: bool,
    /// The metrics' `FunctionName` dimension (`AWS_LAMBDA_FUNCTION_NAME`).
    pub function_name: String,
    /// Lambda's application log level (`AWS_LAMBDA_LOG_LEVEL`), which metrics lines must pass.
    pub lambda_log_level: Option<String>,
    /// The key of the log pseudonyms (`MCP_LOG_HASH_KEY`; the template passes the stack's id).
    pub log_hash_key: String,
    /// The X-Ray daemon's address (`AWS_XRAY_DAEMON_ADDRESS`, set by Lambda when tracing is on).
    pub xray_daemon: Option<String>,
}

impl Default for Observability {
    fn default() -> Self {
        Observability {
            metrics: true,
            function_name: "lambda-mcp".into(),
            lambda_log_level: None,
            log_hash_key: DEFAULT_LOG_HASH_KEY.into(),
            xray_daemon: None,
        }
    }
}

/// The pseudonym key when `MCP_LOG_HASH_KEY` is unset (local runs): pseudonyms are then plain
/// hashes, comparable across such runs.
pub const DEFAULT_LOG_HASH_KEY: &str = "lambda-mcp log pseudonyms";

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
    /// Metrics, traces and log pseudonyms.
    pub observability: Observability,
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
        let auth = AuthSettings::from_lookup(&get, &mcp_path)?;
        let allowed_origins = get("MCP_ALLOWED_ORIGINS")
            .map(|v| {
                v.split(',').map(|o| o.trim().trim_end_matches('/').to_owned()).filter(|o| !o.is_empty()).collect()
            })
            .unwrap_or_default();
        Ok(Config {
            mcp_path,
            auth,
            allowed_origins,
            max_body_bytes: usize::try_from(whole(&get, "MCP_MAX_BODY_BYTES")?).unwrap_or(usize::MAX),
            max_batch: usize::try_from(whole(&get, "MCP_MAX_BATCH")?).unwrap_or(usize::MAX),
            observability: Observability::from_lookup(&get)?,
        })
    }
}

impl Observability {
    fn from_lookup(get: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let defaults = Observability::default();
        let metrics = match get("MCP_METRICS").map(|v| v.trim().to_ascii_lowercase()).as_deref() {
            None | Some("emf") => true,
            Some("off") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "MCP_METRICS",
                    reason: format!("expected `emf` or `off`, got `{other}`"),
                });
            }
        };
        Ok(Observability {
            metrics,
            function_name: get("AWS_LAMBDA_FUNCTION_NAME").unwrap_or(defaults.function_name),
            lambda_log_level: get("AWS_LAMBDA_LOG_LEVEL"),
            log_hash_key: get("MCP_LOG_HASH_KEY").unwrap_or(defaults.log_hash_key),
            xray_daemon: get("AWS_XRAY_DAEMON_ADDRESS"),
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;
    use std::time::Duration;

    fn config(pairs: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_apply_when_only_required_settings_are_given() {
        let c = config(&[("MCP_API_KEY_SECRET_ID", "s")]).unwrap();
        assert_eq!(c.mcp_path, "/mcp");
        assert_eq!(c.max_body_bytes, 1024 * 1024);
        let h = c.auth.keys.expect("header auth is the default");
        assert_eq!(h.header.as_deref(), Some("x-api-key"));
        assert_eq!(h.cache_ttl, Duration::from_secs(300));
    }

    #[test]
    fn header_auth_requires_a_secret() {
        assert_eq!(config(&[]), Err(ConfigError::Missing("MCP_API_KEY_SECRET_ID")));
    }

    #[test]
    fn auth_can_be_turned_off_only_explicitly() {
        let c = config(&[("MCP_AUTH", "off")]).unwrap();
        assert!(c.auth.is_off());
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
    fn the_defaults_are_the_limits_tables() {
        let c = config(&[("MCP_API_KEY_SECRET_ID", "s")]).unwrap();
        assert_eq!(c.max_body_bytes, DEFAULT_MAX_BODY_BYTES);
        assert_eq!(c.max_batch, DEFAULT_MAX_BATCH);
        let h = c.auth.keys.expect("header auth is the default");
        assert_eq!(h.rotation_window, Duration::from_secs(86_400));
    }

    #[test]
    fn a_rotation_window_of_zero_is_accepted_and_means_never() {
        let c = config(&[("MCP_API_KEY_SECRET_ID", "s"), ("MCP_KEY_ROTATION_WINDOW_SECONDS", "0")]).unwrap();
        let h = c.auth.keys.expect("header auth");
        assert!(h.rotation_window.is_zero());
        assert!(config(&[("MCP_API_KEY_SECRET_ID", "s"), ("MCP_KEY_ROTATION_WINDOW_SECONDS", "2592001")]).is_err());
    }

    #[test]
    fn auth_off_in_lambda_is_refused_without_the_acknowledgement() {
        let lambda =
            [("MCP_AUTH", "off"), ("AWS_LAMBDA_RUNTIME_API", "127.0.0.1:9001"), ("LAMBDA_TASK_ROOT", "/var/task")];
        let err = config(&lambda).unwrap_err();
        assert!(
            matches!(&err, ConfigError::Invalid { name: "MCP_AUTH", reason } if reason.contains(AUTH_OFF_ACKNOWLEDGEMENT.0))
        );
        let mut acknowledged = lambda.to_vec();
        acknowledged.push(AUTH_OFF_ACKNOWLEDGEMENT);
        assert!(config(&acknowledged).unwrap().auth.is_off());
    }

    #[test]
    fn observability_settings_come_from_lambdas_variables() {
        let c = config(&[
            ("MCP_AUTH", "off"),
            ("AWS_LAMBDA_FUNCTION_NAME", "orders-mcp"),
            ("AWS_LAMBDA_RUNTIME_API", "http://127.0.0.1:9000/.rt/orders-mcp"),
            ("AWS_LAMBDA_LOG_LEVEL", "WARN"),
            ("MCP_LOG_HASH_KEY", "stack-uuid"),
        ])
        .unwrap();
        assert_eq!(c.observability.function_name, "orders-mcp");
        assert_eq!(c.observability.lambda_log_level.as_deref(), Some("WARN"));
        assert_eq!(c.observability.log_hash_key, "stack-uuid");
        assert!(c.observability.metrics);
        assert!(!config(&[("MCP_AUTH", "off"), ("MCP_METRICS", "off")]).unwrap().observability.metrics);
        assert!(config(&[("MCP_AUTH", "off"), ("MCP_METRICS", "statsd")]).is_err());
    }

    #[test]
    fn a_non_numeric_limit_is_rejected() {
        let err = config(&[("MCP_AUTH", "off"), ("MCP_MAX_BODY_BYTES", "lots")]).unwrap_err();
        assert!(matches!(err, ConfigError::Invalid { name: "MCP_MAX_BODY_BYTES", .. }));
    }
}
