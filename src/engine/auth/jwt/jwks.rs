//! The issuer's signing keys, fetched on the first token (never at start-up, never for a request
//! without a token), kept for a TTL, kept past it while the issuer is unreachable, and fetched
//! again for an unknown `kid` at most once per interval: a flood of tokens naming made-up keys
//! costs the issuer one request per interval, not one per token.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Deserialize;
use tokio::sync::{Mutex, OnceCell};

use crate::engine::aws::TlsRoots;
use crate::engine::config::acceptable_url;

use super::fetch::{DocumentClient, FetchError};
use super::keys::{KeySet, KeySetError};

/// Where the keys are published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeysLocation {
    /// The JWK Set URL, configured.
    Url(String),
    /// Discovered once from the issuer's metadata (OpenID Connect discovery, then RFC 8414).
    Discover { issuer: String },
}

/// Timing of the key cache.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyCacheTiming {
    /// How long fetched keys are used before they are fetched again.
    pub ttl: Duration,
    /// The shortest time between two fetches (an unknown `kid`, or a retry after a failure).
    pub refresh_interval: Duration,
    /// The deadline of one fetch.
    pub fetch_deadline: Duration,
}

/// Why no key set could be had.
#[derive(Debug, thiserror::Error)]
pub enum KeysError {
    #[error(transparent)]
    Fetch(#[from] FetchError),
    #[error("the JWK Set from `{url}` is unusable: {source}")]
    Document { url: String, source: KeySetError },
    #[error("the issuer metadata at `{url}` has no usable `jwks_uri` for issuer `{issuer}`")]
    Metadata { url: String, issuer: String },
    #[error("the keys could not be fetched recently; not trying again before the refresh interval")]
    Backoff,
}

#[derive(Default)]
struct CacheState {
    keys: Option<Arc<KeySet>>,
    fetched_at: Option<Instant>,
    last_attempt: Option<Instant>,
}

#[derive(Deserialize)]
struct IssuerMetadata {
    issuer: String,
    jwks_uri: String,
}

/// The cached key set.
pub struct KeyCache {
    location: KeysLocation,
    timing: KeyCacheTiming,
    aws_roots: TlsRoots,
    client: OnceCell<DocumentClient>,
    jwks_url: OnceCell<String>,
    state: Mutex<CacheState>,
}

impl std::fmt::Debug for KeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KeyCache").field("location", &self.location).finish_non_exhaustive()
    }
}

impl KeyCache {
    /// A cache that fetches nothing until [`KeyCache::current`] is first called.
    pub fn new(location: KeysLocation, timing: KeyCacheTiming) -> Self {
        KeyCache {
            location,
            timing,
            aws_roots: TlsRoots::default(),
            client: OnceCell::new(),
            jwks_url: OnceCell::new(),
            state: Mutex::new(CacheState::default()),
        }
    }

    /// The same cache, trusting `roots` for an issuer on an AWS host (`MCP_TLS_ROOTS`).
    pub fn with_aws_roots(mut self, roots: TlsRoots) -> Self {
        self.aws_roots = roots;
        self
    }

    /// The keys: cached ones while fresh; fetched when there are none or they are past their TTL
    /// (at most once per refresh interval; stale keys are kept when the fetch fails).
    pub async fn current(&self) -> Result<Arc<KeySet>, KeysError> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        let stale = state.fetched_at.is_none_or(|at| now.duration_since(at) >= self.timing.ttl);
        if stale && self.may_fetch(&state, now) {
            self.refresh(&mut state, now).await?;
        }
        state.keys.clone().ok_or(KeysError::Backoff)
    }

    /// Fetches again because a token names a key the cached set lacks; `None` when the last
    /// fetch was too recent (or this one failed), so the caller keeps what it has.
    pub async fn refresh_for_unknown_key(&self) -> Option<Arc<KeySet>> {
        let mut state = self.state.lock().await;
        let now = Instant::now();
        if !self.may_fetch(&state, now) {
            return None;
        }
        self.refresh(&mut state, now).await.ok()
    }

    fn may_fetch(&self, state: &CacheState, now: Instant) -> bool {
        state.last_attempt.is_none_or(|at| now.duration_since(at) >= self.timing.refresh_interval)
    }

    /// Fetches the set; on failure keeps the old one (logged) and reports the error only when
    /// there is none to keep.
    async fn refresh(&self, state: &mut CacheState, now: Instant) -> Result<Arc<KeySet>, KeysError> {
        state.last_attempt = Some(now);
        match self.fetch().await {
            Ok(keys) => {
                tracing::debug!(keys = keys.len(), "issuer signing keys loaded");
                let keys = Arc::new(keys);
                state.keys = Some(keys.clone());
                state.fetched_at = Some(now);
                Ok(keys)
            }
            Err(error) => match &state.keys {
                Some(keys) => {
                    tracing::warn!(%error, "could not refresh the issuer's signing keys; keeping the cached ones");
                    Ok(keys.clone())
                }
                None => {
                    tracing::error!(%error, "could not load the issuer's signing keys");
                    Err(error)
                }
            },
        }
    }

    async fn fetch(&self) -> Result<KeySet, KeysError> {
        let client =
            self.client.get_or_init(|| async { DocumentClient::new(self.timing.fetch_deadline, self.aws_roots) }).await;
        let url = self.jwks_url.get_or_try_init(|| self.locate(client)).await?;
        let document = client.get(url).await?;
        KeySet::parse(&document).map_err(|source| KeysError::Document { url: url.clone(), source })
    }

    /// The JWK Set URL: configured, or read from the issuer's metadata (whose `issuer` must be
    /// the configured one).
    async fn locate(&self, client: &DocumentClient) -> Result<String, KeysError> {
        let issuer = match &self.location {
            KeysLocation::Url(url) => return Ok(url.clone()),
            KeysLocation::Discover { issuer } => issuer,
        };
        let mut last = None;
        for url in metadata_urls(issuer) {
            match client.get(&url).await {
                Ok(body) => {
                    let metadata = serde_json::from_slice::<IssuerMetadata>(&body).ok();
                    return match metadata {
                        Some(m) if m.issuer == *issuer && acceptable_url(&m.jwks_uri) => Ok(m.jwks_uri),
                        _ => Err(KeysError::Metadata { url, issuer: issuer.clone() }),
                    };
                }
                Err(error) => last = Some(error),
            }
        }
        Err(last.map_or(KeysError::Backoff, KeysError::Fetch))
    }
}

/// Where an issuer's metadata may be: OpenID Connect discovery, then RFC 8414 (with the path
/// inserted after the well-known prefix).
fn metadata_urls(issuer: &str) -> Vec<String> {
    let issuer = issuer.trim_end_matches('/');
    let mut urls = vec![format!("{issuer}/.well-known/openid-configuration")];
    if let Some((scheme, rest)) = issuer.split_once("://") {
        let (host, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        urls.push(format!("{scheme}://{host}/.well-known/oauth-authorization-server{path}"));
    }
    urls
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metadata_is_looked_for_at_both_well_known_places() {
        assert_eq!(
            metadata_urls("https://auth.example.com/tenant1"),
            vec![
                "https://auth.example.com/tenant1/.well-known/openid-configuration",
                "https://auth.example.com/.well-known/oauth-authorization-server/tenant1",
            ]
        );
        assert_eq!(
            metadata_urls("http://127.0.0.1:4000/")[1],
            "http://127.0.0.1:4000/.well-known/oauth-authorization-server"
        );
    }
}
