//! Fetching the API keys from Secrets Manager: `AWSCURRENT`, plus `AWSPREVIOUS` while the current
//! version is younger than the rotation window.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::error::SdkError;
use aws_sdk_secretsmanager::operation::get_secret_value::{GetSecretValueError, GetSecretValueOutput};
use thiserror::Error;
use tokio::sync::OnceCell;

use super::keys::{ApiKeys, KeyFormatError};
use crate::engine::aws::{AwsContext, CallBudget, Service};

/// Why the keys could not be read. Logged; never shown to a client.
#[derive(Debug, Error)]
pub enum SecretError {
    #[error("the API key secret does not exist or has no current version")]
    NotFound,
    #[error("Secrets Manager could not be reached or refused the call: {0}")]
    Unavailable(String),
    #[error("the API key secret holds no usable key: {0}")]
    Format(#[from] KeyFormatError),
}

/// The current version's keys.
#[derive(Debug)]
pub struct CurrentKeys {
    pub keys: ApiKeys,
    /// The current version is within the rotation window, so `AWSPREVIOUS` is still accepted.
    pub previous_accepted: bool,
}

/// Where the keys come from.
#[derive(Debug)]
pub struct SecretSource {
    aws: Arc<AwsContext>,
    secret_id: String,
    rotation_window: Duration,
    client: OnceCell<Client>,
}

impl SecretSource {
    /// A source reading `secret_id`; the client is built on first use.
    pub fn new(aws: Arc<AwsContext>, secret_id: String, rotation_window: Duration) -> Self {
        SecretSource { aws, secret_id, rotation_window, client: OnceCell::new() }
    }

    async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                let sdk = self.aws.sdk_config().await;
                let budget = CallBudget::SECRETS;
                let config = aws_sdk_secretsmanager::config::Builder::from(sdk)
                    .timeout_config(budget.timeouts())
                    .retry_config(budget.retries())
                    .interceptor(self.aws.call_counter(Service::SecretsManager))
                    .build();
                Client::from_conf(config)
            })
            .await
    }

    /// Reads the current keys, and whether the previous version may still be accepted (the current
    /// one is younger than the rotation window). The previous version is read only when a
    /// request presents a key the current one does not hold ([`SecretSource::fetch_previous`]):
    /// most cold starts then make one Secrets Manager call, not two.
    pub async fn fetch_current(&self) -> Result<CurrentKeys, SecretError> {
        let current = self.get_version("AWSCURRENT").await?.ok_or(SecretError::NotFound)?;
        let keys = ApiKeys::parse(current.secret_string().unwrap_or_default())?;
        Ok(CurrentKeys { keys, previous_accepted: self.within_rotation_window(&current) })
    }

    /// Reads the previous version's keys: `Ok(None)` when there is no usable previous version.
    pub async fn fetch_previous(&self) -> Result<Option<ApiKeys>, SecretError> {
        let Some(previous) = self.get_version("AWSPREVIOUS").await? else {
            return Ok(None);
        };
        match ApiKeys::parse(previous.secret_string().unwrap_or_default()) {
            Ok(keys) => Ok(Some(keys.with_id_prefix("previous-"))),
            Err(error) => {
                tracing::warn!(%error, "ignoring the previous API key version");
                Ok(None)
            }
        }
    }

    /// A zero window accepts no previous key at all (`MCP_KEY_ROTATION_WINDOW_SECONDS=0`).
    fn within_rotation_window(&self, current: &GetSecretValueOutput) -> bool {
        if self.rotation_window.is_zero() {
            return false;
        }
        let Some(created) = current.created_date() else {
            return true;
        };
        let created = SystemTime::UNIX_EPOCH + Duration::from_secs(created.secs().max(0) as u64);
        SystemTime::now().duration_since(created).map(|age| age <= self.rotation_window).unwrap_or(true)
    }

    async fn get_version(&self, stage: &str) -> Result<Option<GetSecretValueOutput>, SecretError> {
        let result =
            self.client().await.get_secret_value().secret_id(&self.secret_id).version_stage(stage).send().await;
        match result {
            Ok(output) => Ok(Some(output)),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), GetSecretValueError::ResourceNotFoundException(_)) => {
                Ok(None)
            }
            Err(error) => Err(SecretError::Unavailable(describe(&error))),
        }
    }
}

/// A one-line description of an SDK failure for the logs (kind and code, never the secret).
fn describe(error: &SdkError<GetSecretValueError>) -> String {
    match error {
        SdkError::ServiceError(e) => format!("service error {}", e.err().meta().code().unwrap_or("unknown")),
        SdkError::TimeoutError(_) => "timed out".into(),
        SdkError::DispatchFailure(_) => "connection failed".into(),
        SdkError::ResponseError(_) => "unreadable response".into(),
        _ => "request could not be built".into(),
    }
}
