//! OAuth 2.1 access tokens (JWTs) verified as a resource server: structure and algorithm first,
//! then the claims (issuer, audience, validity window), and only then the network: the issuer's
//! keys are fetched for a token that could be accepted, never for junk and never for a request
//! without a token. Signatures are checked with aws-lc (already linked through rustls).
//!
//! The token itself is never logged, stored or passed on; [`TokenError`] says why a token was
//! refused without quoting it.

mod claims;
mod fetch;
mod jwks;
mod keys;
mod token;

use std::time::{SystemTime, UNIX_EPOCH};

use thiserror::Error;

use crate::engine::aws::TlsRoots;

pub use claims::{ClaimRules, TokenClaims, same_resource};
pub use jwks::{KeyCache, KeyCacheTiming, KeysLocation};
pub use keys::{KeyMatch, KeySet, KeySetError};
pub use token::{Algorithm, MAX_TOKEN_BYTES, looks_like_jwt};

use token::Jws;

/// Why a token is refused. Every variant but [`TokenError::KeysUnavailable`] is a 401 with
/// `error="invalid_token"`.
#[derive(Debug, Error, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    #[error("not a well-formed JWT")]
    Malformed,
    #[error("longer than {MAX_TOKEN_BYTES} bytes")]
    TooLarge,
    #[error("signed with an algorithm that is not allowed")]
    UnsupportedAlgorithm,
    #[error("signed with a key the issuer does not publish")]
    UnknownKey,
    #[error("the signature does not verify")]
    BadSignature,
    #[error("expired")]
    Expired,
    #[error("not valid yet")]
    NotYetValid,
    #[error("issued by another issuer")]
    WrongIssuer,
    #[error("issued for another resource")]
    WrongAudience,
    #[error("an ID token, not an access token")]
    NotAnAccessToken,
    /// The issuer's keys cannot be read right now (503, retry later).
    #[error("the issuer's signing keys are unavailable")]
    KeysUnavailable,
}

impl TokenError {
    /// A short, stable name for the request log line.
    pub fn reason(self) -> &'static str {
        match self {
            TokenError::Malformed => "malformed",
            TokenError::TooLarge => "too_large",
            TokenError::UnsupportedAlgorithm => "algorithm",
            TokenError::UnknownKey => "unknown_key",
            TokenError::BadSignature => "signature",
            TokenError::Expired => "expired",
            TokenError::NotYetValid => "not_yet_valid",
            TokenError::WrongIssuer => "issuer",
            TokenError::WrongAudience => "audience",
            TokenError::NotAnAccessToken => "not_access_token",
            TokenError::KeysUnavailable => "keys_unavailable",
        }
    }
}

/// Verifies access tokens for one issuer.
#[derive(Debug)]
pub struct TokenVerifier {
    rules: ClaimRules,
    keys: KeyCache,
}

impl TokenVerifier {
    /// A verifier; nothing is fetched until the first token that passes the offline checks.
    pub fn new(rules: ClaimRules, location: KeysLocation, timing: KeyCacheTiming) -> Self {
        TokenVerifier { rules, keys: KeyCache::new(location, timing) }
    }

    /// The same verifier, trusting `roots` when the issuer is on an AWS host (`MCP_TLS_ROOTS`).
    pub fn with_aws_roots(mut self, roots: TlsRoots) -> Self {
        self.keys = self.keys.with_aws_roots(roots);
        self
    }

    /// The claim rules.
    pub fn rules(&self) -> &ClaimRules {
        &self.rules
    }

    /// Verifies `token` now.
    pub async fn verify(&self, token: &str) -> Result<TokenClaims, TokenError> {
        self.verify_at(token, unix_now()).await
    }

    /// Verifies `token` at `now` (seconds since the epoch), fetching the issuer's keys when it must.
    pub async fn verify_at(&self, token: &str, now: f64) -> Result<TokenClaims, TokenError> {
        let jws = Jws::parse(token)?;
        // The claims are checked before the signature only to spare the network: a token that
        // would be refused anyway never makes us fetch keys. Nothing is accepted unsigned.
        let claims = self.rules.check(&jws.payload, now)?;
        let keys = self.keys.current().await.map_err(|_| TokenError::KeysUnavailable)?;
        let kid = jws.kid.as_deref();
        let outcome = match keys.verify(kid, jws.alg, jws.signing_input, &jws.signature) {
            KeyMatch::UnknownKey => match self.keys.refresh_for_unknown_key().await {
                Some(fresh) => fresh.verify(kid, jws.alg, jws.signing_input, &jws.signature),
                None => KeyMatch::UnknownKey,
            },
            known => known,
        };
        match outcome {
            KeyMatch::Verified => Ok(claims),
            KeyMatch::Refused => Err(TokenError::BadSignature),
            KeyMatch::UnknownKey => Err(TokenError::UnknownKey),
        }
    }
}

/// Verifies `token` at `now` against `keys` alone, never fetching: the work of a warm request
/// (and what the `token` fuzz target runs). The same checks, in the same order, as
/// [`TokenVerifier::verify_at`].
pub fn verify_with(rules: &ClaimRules, keys: &KeySet, token: &str, now: f64) -> Result<TokenClaims, TokenError> {
    let jws = Jws::parse(token)?;
    let claims = rules.check(&jws.payload, now)?;
    match keys.verify(jws.kid.as_deref(), jws.alg, jws.signing_input, &jws.signature) {
        KeyMatch::Verified => Ok(claims),
        KeyMatch::Refused => Err(TokenError::BadSignature),
        KeyMatch::UnknownKey => Err(TokenError::UnknownKey),
    }
}

fn unix_now() -> f64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs_f64()).unwrap_or_default()
}

#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;
