//! Header API-key authentication. The expected keys live in Secrets Manager; they are cached for a
//! TTL across warm invocations, refreshed at most once per interval when an unknown key arrives
//! (so a rotated key works within seconds without letting bad keys hammer Secrets Manager), and
//! kept past their TTL when Secrets Manager is down. A key that is let through says who is calling:
//! a [`Caller`] with the key's non-secret id.

mod caller;
pub mod jwt;
mod keys;
mod secrets;

use std::sync::Arc;
use std::time::{Duration, Instant};

use lambda_http::http::HeaderMap;
use thiserror::Error;
use tokio::sync::Mutex;

pub use caller::Caller;
pub use keys::{ApiKeys, KeyFormatError};
pub use secrets::{CurrentKeys, SecretError, SecretSource};

use crate::engine::aws::AwsContext;
use crate::engine::config::HeaderAuthSettings;

/// Why a request is not let through.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum AuthError {
    /// Missing or wrong key: the same answer for both (401).
    #[error("missing or invalid API key")]
    Unauthorized,
    /// The keys cannot be read right now (503, retry later).
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

/// Checks the API key of a request.
#[derive(Debug)]
pub struct Authenticator {
    header: String,
    cache_ttl: Duration,
    refresh_interval: Duration,
    source: SecretSource,
    state: Mutex<CacheState>,
}

impl Authenticator {
    /// An authenticator for `settings`; nothing is fetched until the first request.
    pub fn new(settings: &HeaderAuthSettings, aws: Arc<AwsContext>) -> Self {
        Authenticator {
            header: settings.header.clone(),
            cache_ttl: settings.cache_ttl,
            refresh_interval: settings.refresh_interval,
            source: SecretSource::new(aws, settings.secret_id.clone(), settings.rotation_window),
            state: Mutex::new(CacheState::default()),
        }
    }

    /// The header (lower-case) that carries the key.
    pub fn header_name(&self) -> &str {
        &self.header
    }

    /// Lets the request through as its [`Caller`], or says why not.
    pub async fn check(&self, headers: &HeaderMap) -> Result<Caller, AuthError> {
        let presented = presented_keys(headers, &self.header);
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let expired = state.fetched_at.is_none_or(|at| now.duration_since(at) >= self.cache_ttl);
        if expired && self.may_fetch(&state, now) {
            self.refresh(&mut state, now).await;
        }
        if state.keys.is_none() {
            return Err(AuthError::Unavailable);
        }
        if presented.is_empty() {
            return Err(AuthError::Unauthorized);
        }
        if let Some(caller) = self.accepts(&mut state, &presented).await {
            return Ok(caller);
        }
        // An unknown key may be a freshly rotated one: look again, at most once per interval.
        if !self.may_fetch(&state, now) {
            return Err(AuthError::Unauthorized);
        }
        self.refresh(&mut state, now).await;
        self.accepts(&mut state, &presented).await.ok_or(AuthError::Unauthorized)
    }

    /// Whether a presented key is a current one, or a previous one within the rotation window
    /// (the previous version is read from Secrets Manager the first time it is needed).
    async fn accepts(&self, state: &mut CacheState, presented: &[&[u8]]) -> Option<Caller> {
        let held = |keys: &ApiKeys| presented.iter().find_map(|k| keys.find(k)).map(Caller::with_id);
        if let Some(caller) = state.keys.as_ref().and_then(held) {
            return Some(caller);
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

/// The keys a request presents: the configured header and `Authorization: Bearer <key>`.
fn presented_keys<'a>(headers: &'a HeaderMap, header: &str) -> Vec<&'a [u8]> {
    let mut keys = Vec::with_capacity(2);
    for value in headers.get_all(header) {
        let key = value.as_bytes().trim_ascii();
        if !key.is_empty() {
            keys.push(key);
        }
    }
    for value in headers.get_all(lambda_http::http::header::AUTHORIZATION) {
        let raw = value.as_bytes().trim_ascii();
        if raw.len() > 7 && raw[..7].eq_ignore_ascii_case(b"bearer ") {
            let key = raw[7..].trim_ascii();
            if !key.is_empty() {
                keys.push(key);
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambda_http::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.append(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn the_configured_header_and_a_bearer_token_are_both_presented() {
        let map = headers(&[("x-api-key", " k1 "), ("authorization", "Bearer k2")]);
        assert_eq!(presented_keys(&map, "x-api-key"), vec![b"k1".as_slice(), b"k2".as_slice()]);
    }

    #[test]
    fn other_authorization_schemes_and_empty_values_present_nothing() {
        let map = headers(&[("x-api-key", "  "), ("authorization", "Basic a2V5"), ("authorization", "Bearer ")]);
        assert!(presented_keys(&map, "x-api-key").is_empty());
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        let map = headers(&[("authorization", "bearer k3")]);
        assert_eq!(presented_keys(&map, "x-api-key"), vec![b"k3".as_slice()]);
    }
}
