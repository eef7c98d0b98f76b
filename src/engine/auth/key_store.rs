//! The API keys, read from Secrets Manager and cached for a TTL across warm invocations,
//! refreshed at most once per interval when an unknown key arrives (so a rotated key works within
//! seconds without letting bad keys hammer Secrets Manager), and kept past their TTL when Secrets
//! Manager is down. The previous version is accepted during the rotation window.

use std::sync::Arc;
use std::time::{Duration, Instant};

use thiserror::Error;
use tokio::sync::Mutex;

use super::keys::{ApiKeys, KeyEntry};
use super::secrets::SecretSource;
use crate::engine::aws::AwsContext;
use crate::engine::config::KeySettings;

/// Why no presented key is let through.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyError {
    /// No key, or none of ours.
    #[error("no valid API key")]
    Unknown,
    /// The keys cannot be read right now.
    #[error("API keys are unavailable")]
    Unavailable,
}

#[derive(Debug, Default)]
struct CacheState {
    keys: Option<ApiKeys>,
    previous: Previous,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

/// The previous version's keys, read only when a presented key is not a current one.
#[derive(Debug, Default)]
enum Previous {
    /// Outside the rotation window (or no keys yet): not accepted.
    #[default]
    NotAccepted,
    /// Accepted but not read yet.
    NotRead,
    /// Read (`None`: there is no usable previous version).
    Read(Option<ApiKeys>),
}

/// The API keys, cached.
#[derive(Debug)]
pub struct KeyStore {
    cache_ttl: Duration,
    refresh_interval: Duration,
    source: SecretSource,
    state: Mutex<CacheState>,
}

impl KeyStore {
    /// A store for `settings`; nothing is fetched until the first key is presented.
    pub fn new(settings: &KeySettings, aws: Arc<AwsContext>) -> Self {
        KeyStore {
            cache_ttl: settings.cache_ttl,
            refresh_interval: settings.refresh_interval,
            source: SecretSource::new(aws, settings.secret_id.clone(), settings.rotation_window),
            state: Mutex::new(CacheState::default()),
        }
    }

    /// The entry of the first `presented` key that is one of ours, or why there is none. Keys are
    /// fetched only here, so a request that presents no key never reaches Secrets Manager.
    pub async fn check(&self, presented: &[&[u8]]) -> Result<KeyEntry, KeyError> {
        if presented.is_empty() {
            return Err(KeyError::Unknown);
        }
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let expired = state.fetched_at.is_none_or(|at| now.duration_since(at) >= self.cache_ttl);
        if expired && self.may_fetch(&state, now) {
            self.refresh(&mut state, now).await;
        }
        if state.keys.is_none() {
            return Err(KeyError::Unavailable);
        }
        if let Some(entry) = self.accepts(&mut state, presented).await {
            return Ok(entry);
        }
        // An unknown key may be a freshly rotated one: look again, at most once per interval.
        if !self.may_fetch(&state, now) {
            return Err(KeyError::Unknown);
        }
        self.refresh(&mut state, now).await;
        self.accepts(&mut state, presented).await.ok_or(KeyError::Unknown)
    }

    /// Whether a presented key is a current one, or a previous one within the rotation window
    /// (the previous version is read from Secrets Manager the first time it is needed).
    async fn accepts(&self, state: &mut CacheState, presented: &[&[u8]]) -> Option<KeyEntry> {
        let held = |keys: &ApiKeys| presented.iter().find_map(|k| keys.find(k)).cloned();
        if let Some(entry) = state.keys.as_ref().and_then(held) {
            return Some(entry);
        }
        if matches!(state.previous, Previous::NotRead) {
            state.previous = match self.source.fetch_previous().await {
                Ok(keys) => Previous::Read(keys),
                Err(error) => {
                    // Not read again before the next refresh: wrong keys cannot hammer the service.
                    tracing::warn!(%error, "could not read the previous API key version");
                    Previous::Read(None)
                }
            };
        }
        match &state.previous {
            Previous::Read(Some(keys)) => held(keys),
            _ => None,
        }
    }

    fn may_fetch(&self, state: &CacheState, now: Instant) -> bool {
        state.last_attempt.is_none_or(|at| now.duration_since(at) >= self.refresh_interval)
    }

    async fn refresh(&self, state: &mut CacheState, now: Instant) {
        state.last_attempt = Some(now);
        match self.source.fetch_current().await {
            Ok(current) => {
                tracing::debug!(keys = current.keys.len(), "API keys loaded");
                state.keys = Some(current.keys);
                state.previous = if current.previous_accepted { Previous::NotRead } else { Previous::NotAccepted };
                state.fetched_at = Some(now);
            }
            Err(error) if state.keys.is_some() => {
                tracing::warn!(%error, "could not refresh the API keys; keeping the cached ones");
            }
            Err(error) => tracing::error!(%error, "could not load the API keys; answering 503"),
        }
    }
}
