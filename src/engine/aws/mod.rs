//! The AWS SDK configuration, built lazily on first use (never during Lambda init) and shared by
//! every client, with timeouts and bounded retries well inside API Gateway's 29 s budget.

use std::sync::Arc;
use std::time::Duration;

use aws_config::stalled_stream_protection::StalledStreamProtectionConfig;
use aws_config::{BehaviorVersion, SdkConfig, retry::RetryConfig, timeout::TimeoutConfig};
use tokio::sync::OnceCell;

use crate::engine::config::ConfigError;

pub mod calls;
pub mod json;
pub mod tls;

pub use calls::{CallCounter, CallStats, CallsSnapshot, Service, ServiceCalls};
pub use tls::TlsRoots;

/// Explicit overrides; empty in production, where the standard `AWS_*` environment applies
/// (`AWS_ENDPOINT_URL*` included). Tests point the SDK at their own local server with these.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    /// Endpoint for every service (like `AWS_ENDPOINT_URL`).
    pub endpoint_url: Option<String>,
    /// Region (like `AWS_REGION`).
    pub region: Option<String>,
    /// Static access key id and secret (like `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`).
    pub static_credentials: Option<(String, String)>,
    /// The certificate authorities trusted for HTTPS (`MCP_TLS_ROOTS`).
    pub tls_roots: TlsRoots,
}

impl AwsSettings {
    /// The settings of a deployed function: the standard `AWS_*` environment, plus `MCP_TLS_ROOTS`.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// The same, reading settings through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let tls_roots = match lookup("MCP_TLS_ROOTS").filter(|v| !v.trim().is_empty()) {
            None => TlsRoots::default(),
            Some(raw) => TlsRoots::parse(&raw).ok_or(ConfigError::Invalid {
                name: "MCP_TLS_ROOTS",
                reason: format!("expected `amazon` or `system`, got `{raw}`"),
            })?,
        };
        Ok(AwsSettings { tls_roots, ..AwsSettings::default() })
    }
}

/// Bounds for one service's calls.
#[derive(Debug, Clone, Copy)]
pub struct CallBudget {
    /// TCP/TLS connect timeout.
    pub connect: Duration,
    /// One attempt, from send to the last byte.
    pub attempt: Duration,
    /// The whole operation, retries included.
    pub operation: Duration,
    /// Attempts in all (1 = no retry).
    pub max_attempts: u32,
    /// First backoff between attempts (exponential with jitter after that).
    pub initial_backoff: Duration,
}

impl CallBudget {
    /// Secrets Manager: only auth uses it, on the path of the handshake.
    pub const SECRETS: CallBudget = CallBudget {
        connect: Duration::from_millis(1_000),
        attempt: Duration::from_millis(2_000),
        operation: Duration::from_millis(4_000),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(50),
    };
    /// DynamoDB: tool calls.
    pub const DYNAMODB: CallBudget = CallBudget {
        connect: Duration::from_millis(1_000),
        attempt: Duration::from_millis(2_500),
        operation: Duration::from_millis(7_000),
        max_attempts: 3,
        initial_backoff: Duration::from_millis(50),
    };

    /// The SDK timeout configuration for this budget.
    pub fn timeouts(&self) -> TimeoutConfig {
        TimeoutConfig::builder()
            .connect_timeout(self.connect)
            .operation_attempt_timeout(self.attempt)
            .operation_timeout(self.operation)
            .build()
    }

    /// The SDK retry configuration for this budget.
    pub fn retries(&self) -> RetryConfig {
        RetryConfig::standard()
            .with_max_attempts(self.max_attempts)
            .with_initial_backoff(self.initial_backoff)
            .with_max_backoff(Duration::from_millis(1_000))
    }
}

/// The shared, lazily loaded SDK configuration, and the counts of the calls made with it.
#[derive(Debug, Default)]
pub struct AwsContext {
    settings: AwsSettings,
    sdk: OnceCell<SdkConfig>,
    calls: Arc<CallStats>,
}

impl AwsContext {
    /// A context that loads the SDK configuration on first use.
    pub fn new(settings: AwsSettings) -> Self {
        AwsContext { settings, sdk: OnceCell::new(), calls: Arc::default() }
    }

    /// The certificate authorities trusted for AWS hosts (`MCP_TLS_ROOTS`).
    pub fn tls_roots(&self) -> TlsRoots {
        self.settings.tls_roots
    }

    /// The interceptor a client of `service` adds to its configuration, so its calls, retries
    /// and timeouts are counted.
    pub fn call_counter(&self, service: Service) -> CallCounter {
        CallCounter::new(service, self.calls.clone())
    }

    /// The calls counted so far, by every client built with [`Self::call_counter`].
    pub fn calls(&self) -> CallsSnapshot {
        self.calls.snapshot()
    }

    /// The SDK configuration, loaded once (environment, credentials chain, overrides).
    pub async fn sdk_config(&self) -> &SdkConfig {
        self.sdk
            .get_or_init(|| async {
                // Stalled-stream protection watches each body's throughput with timers on every
                // poll; the attempt and operation timeouts (CallBudget) already bound every call,
                // and the bodies here are a few kB, so it only cost instructions (bench/guard).
                let mut loader = aws_config::defaults(BehaviorVersion::latest())
                    .http_client(tls::http_client(self.settings.tls_roots))
                    .stalled_stream_protection(StalledStreamProtectionConfig::disabled());
                if let Some(url) = &self.settings.endpoint_url {
                    loader = loader.endpoint_url(url);
                }
                if let Some(region) = &self.settings.region {
                    loader = loader.region(aws_config::Region::new(region.clone()));
                }
                if let Some((id, secret)) = &self.settings.static_credentials {
                    let creds =
                        aws_sdk_dynamodb::config::Credentials::new(id, secret, None, None, "lambda-mcp-settings");
                    loader = loader.credentials_provider(creds);
                }
                loader.load().await
            })
            .await
    }
}
