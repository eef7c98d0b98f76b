//! What the order desk checks on every call before it reads: whose data the request may see (the
//! deployment's [`TrustModel`]), and, for cancellations, the key confirmations are sealed with.
//!
//! The confirmation key comes from a Secrets Manager secret (`MCP_CONFIRMATION_SECRET_ID`; the
//! template creates one), so every instance behind the endpoint seals and opens the same tokens.
//! It is read on the first cancellation, not at start, and kept for [`KEY_CACHE_TTL`] (longer
//! when Secrets Manager cannot be reached). Without the setting, each instance draws its own
//! random key: enough for one local instance, logged as a warning at start.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aws_sdk_secretsmanager::Client;
use tokio::sync::Mutex;

use super::confirmation::SigningKey;
use super::texts::text;
use super::trust::{Access, TrustModel};
use crate::engine::auth::IdentityClaim;
use crate::engine::aws::{AwsContext, CallBudget};
use crate::engine::tools::texts::Lang;
use crate::engine::tools::{CallContext, ToolError};

/// How long a fetched confirmation key is used before it is read again.
pub const KEY_CACHE_TTL: Duration = Duration::from_secs(900);
/// The shortest secret accepted as a confirmation key.
const MIN_SECRET_CHARS: usize = 32;

/// Where confirmation tokens' key comes from.
pub enum KeySource {
    /// A Secrets Manager secret (its current version's text).
    Secret { aws: Arc<AwsContext>, secret_id: String },
    /// 32 random bytes drawn once per process (one instance only).
    Process,
    /// A key held in memory (tests).
    Fixed(SigningKey),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Secret { secret_id, .. } => write!(f, "Secret({secret_id})"),
            KeySource::Process => f.write_str("Process"),
            KeySource::Fixed(_) => f.write_str("Fixed"),
        }
    }
}

/// The trust model and the confirmation key, shared by the order desk's tools.
#[derive(Debug)]
pub struct Guard {
    trust: TrustModel,
    keys: KeySource,
    client: tokio::sync::OnceCell<Client>,
    cached: Mutex<Option<(SigningKey, Instant)>>,
}

impl Guard {
    /// A guard for `trust`, sealing confirmations with the key from `keys`.
    pub fn new(trust: TrustModel, keys: KeySource) -> Self {
        Guard { trust, keys, client: tokio::sync::OnceCell::new(), cached: Mutex::new(None) }
    }

    /// Agent-assist with a per-process random key (tests, and forks that need nothing else).
    pub fn agent_assist() -> Self {
        Guard::new(TrustModel::AgentAssist, KeySource::Process)
    }

    /// The trust model.
    pub fn trust(&self) -> &TrustModel {
        &self.trust
    }

    /// What the call may see, or the plain-language refusal for a customer-bound call that names
    /// no verified customer: verify first.
    pub fn access(&self, ctx: &CallContext) -> Result<Access, ToolError> {
        let header = |name: &str| ctx.platform_header(name).map(str::to_owned);
        let claim = ctx.caller.identity_claim.as_ref().map(IdentityClaim::as_str);
        match self.trust.access(ctx.session_context.as_ref(), header, claim) {
            Access::Unverified => Err(ToolError::terminal(text(ctx.lang, "customer-not-verified", &[]))),
            access => Ok(access),
        }
    }

    /// The key confirmations are sealed with, or a recoverable refusal while it cannot be read.
    pub async fn signing_key(&self, lang: Lang) -> Result<SigningKey, ToolError> {
        let unavailable = || ToolError::recoverable(text(lang, "confirmation-unavailable", &[]));
        let (aws, secret_id) = match &self.keys {
            KeySource::Fixed(key) => return Ok(key.clone()),
            KeySource::Process => return per_process_key().ok_or_else(unavailable),
            KeySource::Secret { aws, secret_id } => (aws, secret_id),
        };
        let mut cached = self.cached.lock().await;
        if let Some((key, at)) = cached.as_ref()
            && at.elapsed() < KEY_CACHE_TTL
        {
            return Ok(key.clone());
        }
        match self.fetch(aws, secret_id).await {
            Ok(key) => {
                *cached = Some((key.clone(), Instant::now()));
                Ok(key)
            }
            Err(problem) => {
                tracing::error!(problem, "could not read the confirmation key");
                match cached.as_ref() {
                    Some((key, _)) => Ok(key.clone()),
                    None => Err(unavailable()),
                }
            }
        }
    }

    async fn fetch(&self, aws: &AwsContext, secret_id: &str) -> Result<SigningKey, &'static str> {
        let client = self
            .client
            .get_or_init(|| async {
                let budget = CallBudget::SECRETS;
                let config = aws_sdk_secretsmanager::config::Builder::from(aws.sdk_config().await)
                    .timeout_config(budget.timeouts())
                    .retry_config(budget.retries())
                    .build();
                Client::from_conf(config)
            })
            .await;
        let output = client
            .get_secret_value()
            .secret_id(secret_id)
            .send()
            .await
            .map_err(|_| "Secrets Manager refused or could not be reached")?;
        let secret = output.secret_string().unwrap_or_default().trim();
        if secret.chars().count() < MIN_SECRET_CHARS {
            return Err("the confirmation secret is shorter than 32 characters");
        }
        Ok(SigningKey::from_secret(secret))
    }
}

/// This process's random confirmation key, drawn once; `None` without system randomness.
fn per_process_key() -> Option<SigningKey> {
    static KEY: std::sync::OnceLock<Option<SigningKey>> = std::sync::OnceLock::new();
    KEY.get_or_init(|| {
        SigningKey::random()
            .inspect_err(|error| tracing::error!(%error, "no system randomness for the confirmation key"))
            .ok()
    })
    .clone()
}
