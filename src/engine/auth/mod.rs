//! Who is calling. A deployment accepts one or more modes at once: API keys in a header or as a
//! bearer token (`header`), API keys in the URL path (`url`), OAuth 2.1 access tokens (`oauth`).
//! Whatever lets a request through says who is calling: a [`Caller`] with a non-secret id and
//! the scopes it holds. A request that presents nothing is refused without any network call.

mod caller;
pub mod jwt;
mod key_store;
mod keys;
pub mod oauth;
mod secrets;

use std::sync::Arc;

use lambda_http::http::HeaderMap;
use thiserror::Error;

pub use caller::{Caller, IdentityClaim, Scopes, Via};
pub use jwt::TokenError;
pub use key_store::{KeyError, KeyStore};
pub use keys::{ApiKeys, KeyEntry, KeyFormatError};
pub use oauth::ResourceServer;
pub use secrets::{CurrentKeys, SecretError, SecretSource};

use crate::engine::aws::AwsContext;
use crate::engine::config::{AuthSettings, KeySettings};

/// Why a request is not let through.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum AuthError {
    /// Nothing presented (401, a challenge without an error code).
    #[error("no credentials")]
    Missing,
    /// A key that is not one of ours (401, the same answer as [`AuthError::Missing`]).
    #[error("no valid API key")]
    BadKey,
    /// An access token that is refused (401 `invalid_token`, or 503 when the issuer's keys are
    /// unavailable).
    #[error("access token refused: {0}")]
    BadToken(TokenError),
    /// An access token in the query string (401 `invalid_request`): tokens travel in the header.
    #[error("access token in the query string")]
    TokenInQuery,
    /// A key in the URL path that is not one of ours (404, like any other unknown path).
    #[error("unknown URL key")]
    BadUrlKey,
    /// The keys cannot be read right now (503, retry later).
    #[error("API keys are unavailable")]
    Unavailable,
}

impl AuthError {
    /// A short, stable name for the request log line.
    pub fn reason(self) -> &'static str {
        match self {
            AuthError::Missing => "missing",
            AuthError::BadKey => "bad_key",
            AuthError::BadToken(error) => error.reason(),
            AuthError::TokenInQuery => "token_in_query",
            AuthError::BadUrlKey => "bad_url_key",
            AuthError::Unavailable => "keys_unavailable",
        }
    }
}

/// What a request presents.
#[derive(Debug, Clone, Copy)]
pub struct Presented<'a> {
    pub headers: &'a HeaderMap,
    /// The key in the path (`{MCP_PATH}/{key}`), when the request came that way.
    pub url_key: Option<&'a str>,
    /// The raw query string.
    pub query: Option<&'a str>,
}

/// Checks callers in every enabled mode.
#[derive(Debug)]
pub struct Authenticator {
    keys: Option<KeyStore>,
    key_header: Option<String>,
    keys_in_url: bool,
    oauth: Option<ResourceServer>,
}

impl Authenticator {
    /// An authenticator for `settings`, or `None` when authentication is off. Fetches nothing.
    pub fn new(settings: &AuthSettings, mcp_path: &str, aws: Arc<AwsContext>) -> Option<Self> {
        if settings.is_off() {
            return None;
        }
        let keys: Option<&KeySettings> = settings.keys.as_ref();
        Some(Authenticator {
            keys: keys.map(|k| KeyStore::new(k, aws.clone())),
            key_header: keys.and_then(|k| k.header.clone()),
            keys_in_url: keys.is_some_and(|k| k.in_url),
            oauth: settings.oauth.clone().map(|o| ResourceServer::new(o, mcp_path, aws.tls_roots())),
        })
    }

    /// The header (lower-case) that carries a key, when keys are accepted in headers.
    pub fn key_header(&self) -> Option<&str> {
        self.key_header.as_deref()
    }

    /// True when keys are accepted in the URL path.
    pub fn keys_in_url(&self) -> bool {
        self.keys_in_url
    }

    /// The resource server, when OAuth is on.
    pub fn oauth(&self) -> Option<&ResourceServer> {
        self.oauth.as_ref()
    }

    /// Lets the request through as its [`Caller`], or says why not.
    pub async fn check(&self, presented: Presented<'_>) -> Result<Caller, AuthError> {
        if let Some(key) = presented.url_key {
            return self.check_keys(&[key.as_bytes()], Via::Url).await.map_err(|e| match e {
                AuthError::BadKey | AuthError::Missing => AuthError::BadUrlKey,
                other => other,
            });
        }
        let bearer = bearer_values(presented.headers);
        if let Some(oauth) = &self.oauth {
            if has_query_token(presented.query) {
                return Err(AuthError::TokenInQuery);
            }
            if let Some(token) = bearer.iter().find(|t| jwt::looks_like_jwt(t) || self.key_header.is_none()) {
                return oauth.verify(token).await.map_err(AuthError::BadToken);
            }
        }
        let Some(header) = &self.key_header else { return Err(AuthError::Missing) };
        let mut keys: Vec<&[u8]> = header_values(presented.headers, header);
        keys.extend(bearer.iter().map(|b| b.as_bytes()));
        if keys.is_empty() {
            return Err(AuthError::Missing);
        }
        self.check_keys(&keys, Via::Header).await
    }

    async fn check_keys(&self, presented: &[&[u8]], via: Via) -> Result<Caller, AuthError> {
        let Some(store) = &self.keys else { return Err(AuthError::Missing) };
        match store.check(presented).await {
            Ok(entry) => Ok(Caller { id: entry.id, client: None, via, scopes: entry.scopes, identity_claim: None }),
            Err(KeyError::Unknown) => Err(AuthError::BadKey),
            Err(KeyError::Unavailable) => Err(AuthError::Unavailable),
        }
    }
}

/// The non-empty, trimmed values of `header`.
fn header_values<'a>(headers: &'a HeaderMap, header: &str) -> Vec<&'a [u8]> {
    headers.get_all(header).iter().map(|v| v.as_bytes().trim_ascii()).filter(|v| !v.is_empty()).collect()
}

/// The credentials of `Authorization: Bearer <value>` headers (scheme case-insensitive).
fn bearer_values(headers: &HeaderMap) -> Vec<&str> {
    let mut values = Vec::new();
    for value in headers.get_all(lambda_http::http::header::AUTHORIZATION) {
        let raw = value.as_bytes().trim_ascii();
        if raw.len() > 7
            && raw[..7].eq_ignore_ascii_case(b"bearer ")
            && let Ok(token) = std::str::from_utf8(raw[7..].trim_ascii())
            && !token.is_empty()
        {
            values.push(token);
        }
    }
    values
}

/// True when the query string carries an `access_token` parameter (RFC 6750 §2.3, which the MCP
/// authorization spec forbids).
fn has_query_token(query: Option<&str>) -> bool {
    query.is_some_and(|q| {
        q.split('&').any(|pair| pair.split('=').next().is_some_and(|n| n.eq_ignore_ascii_case("access_token")))
    })
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
    fn the_configured_header_and_a_bearer_token_are_both_read() {
        let map = headers(&[("x-api-key", " k1 "), ("authorization", "Bearer k2")]);
        assert_eq!(header_values(&map, "x-api-key"), vec![b"k1".as_slice()]);
        assert_eq!(bearer_values(&map), vec!["k2"]);
    }

    #[test]
    fn other_authorization_schemes_and_empty_values_present_nothing() {
        let map = headers(&[("x-api-key", "  "), ("authorization", "Basic a2V5"), ("authorization", "Bearer ")]);
        assert!(header_values(&map, "x-api-key").is_empty());
        assert!(bearer_values(&map).is_empty());
    }

    #[test]
    fn the_bearer_scheme_is_case_insensitive() {
        let map = headers(&[("authorization", "bearer k3")]);
        assert_eq!(bearer_values(&map), vec!["k3"]);
    }

    #[test]
    fn an_access_token_parameter_is_found_in_the_query_string() {
        assert!(has_query_token(Some("access_token=abc")));
        assert!(has_query_token(Some("a=1&ACCESS_TOKEN=x")));
        assert!(!has_query_token(Some("token=abc&access=1")));
        assert!(!has_query_token(None));
    }
}
