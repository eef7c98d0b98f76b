//! Server-enforced confirmation of a cancellation: what the customer confirms (the order, its
//! amount, who asks) sealed into a short-lived token the server alone can make.
//!
//! A token is `{payload}.{mac}`, both unpadded Base64url: the payload is JSON
//! `{"p": purpose, "exp": unix seconds, "c": confirmation}` and the MAC is HMAC-SHA256 over the
//! payload's Base64 text under the deployment's confirmation key. A token opens only untouched,
//! for its purpose, before it expires. Two purposes share the key and cannot stand in for each
//! other: the two-step form's `confirmation_token`, and the `requestState` of an elicitation.

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};
use thiserror::Error;

/// How long a customer has to confirm.
pub const TOKEN_TTL: Duration = Duration::from_secs(600);
/// The longest token accepted (an honest one is about 400 characters).
pub const MAX_TOKEN_CHARS: usize = 1024;

/// What a confirmation binds: the order, the amount shown, and who asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Confirmation {
    /// The order number.
    pub order: String,
    /// The total shown to the customer, in minor units.
    pub total_minor: i64,
    /// Its currency.
    pub currency: String,
    /// The authenticated caller's non-secret id.
    pub caller: String,
    /// The verified customer (customer-bound deployments).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer: Option<String>,
}

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    /// The two-step form's `confirmation_token`.
    Token,
    /// The `requestState` of an `input_required` elicitation.
    ElicitationState,
}

impl Purpose {
    fn tag(self) -> &'static str {
        match self {
            Purpose::Token => "cancel_order/confirmation_token",
            Purpose::ElicitationState => "cancel_order/request_state",
        }
    }
}

/// Why a token does not open.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
pub enum TokenError {
    #[error("the token is malformed")]
    Malformed,
    #[error("the token failed its integrity check")]
    Forged,
    #[error("the token was issued for something else")]
    OtherPurpose,
    #[error("the token has expired")]
    Expired,
}

/// The key tokens are sealed with.
#[derive(Clone)]
pub struct SigningKey([u8; 32]);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SigningKey(..)")
    }
}

impl SigningKey {
    /// The key derived from a secret's text (any length; hashed to 32 bytes).
    pub fn from_secret(text: &str) -> Self {
        SigningKey(Sha256::digest(text.as_bytes()).into())
    }

    /// A key of 32 random bytes (one process only: an instance that did not issue a token
    /// cannot open it).
    pub fn random() -> std::io::Result<Self> {
        let mut bytes = [0u8; 32];
        std::io::Read::read_exact(&mut std::fs::File::open("/dev/urandom")?, &mut bytes)?;
        Ok(SigningKey(bytes))
    }

    fn mac(&self, payload: &[u8]) -> Hmac<Sha256> {
        let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0).expect("HMAC takes keys of any length");
        mac.update(payload);
        mac
    }

    /// A token for `confirmation`, valid until `now` + [`TOKEN_TTL`].
    pub fn seal(&self, purpose: Purpose, confirmation: &Confirmation, now: u64) -> String {
        let payload = json!({"p": purpose.tag(), "exp": now + TOKEN_TTL.as_secs(), "c": confirmation});
        let payload = URL_SAFE_NO_PAD.encode(payload.to_string());
        let mac = URL_SAFE_NO_PAD.encode(self.mac(payload.as_bytes()).finalize().into_bytes());
        format!("{payload}.{mac}")
    }

    /// What `token` confirms, if this key sealed it for `purpose` and it has not expired at `now`.
    pub fn open(&self, purpose: Purpose, token: &str, now: u64) -> Result<Confirmation, TokenError> {
        if token.len() > MAX_TOKEN_CHARS {
            return Err(TokenError::Malformed);
        }
        let (payload, mac) = token.split_once('.').ok_or(TokenError::Malformed)?;
        let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| TokenError::Forged)?;
        self.mac(payload.as_bytes()).verify_slice(&mac).map_err(|_| TokenError::Forged)?;
        #[derive(Deserialize)]
        struct Sealed {
            p: String,
            exp: u64,
            c: Confirmation,
        }
        let bytes = URL_SAFE_NO_PAD.decode(payload).map_err(|_| TokenError::Malformed)?;
        let sealed: Sealed = serde_json::from_slice(&bytes).map_err(|_| TokenError::Malformed)?;
        if sealed.p != purpose.tag() {
            return Err(TokenError::OtherPurpose);
        }
        if sealed.exp < now {
            return Err(TokenError::Expired);
        }
        Ok(sealed.c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn confirmation() -> Confirmation {
        Confirmation {
            order: "1000002".into(),
            total_minor: 7812,
            currency: "EUR".into(),
            caller: "key-1".into(),
            customer: Some("jane.doe@example.com".into()),
        }
    }

    #[test]
    fn a_token_opens_untouched_for_its_purpose_until_it_expires() {
        let key = SigningKey::from_secret("k");
        let token = key.seal(Purpose::Token, &confirmation(), 1_000);
        assert!(token.len() < MAX_TOKEN_CHARS / 2, "{}", token.len());
        assert_eq!(key.open(Purpose::Token, &token, 1_000 + TOKEN_TTL.as_secs()), Ok(confirmation()));
        assert_eq!(key.open(Purpose::Token, &token, 1_001 + TOKEN_TTL.as_secs()), Err(TokenError::Expired));
        assert_eq!(key.open(Purpose::ElicitationState, &token, 1_000), Err(TokenError::OtherPurpose));
        assert_eq!(SigningKey::from_secret("other").open(Purpose::Token, &token, 1_000), Err(TokenError::Forged));
        assert_eq!(key.open(Purpose::Token, "no-dot", 1_000), Err(TokenError::Malformed));
        assert_eq!(key.open(Purpose::Token, &"a.b".repeat(600), 1_000), Err(TokenError::Malformed));
    }

    #[test]
    fn an_altered_amount_order_or_caller_does_not_verify() {
        let key = SigningKey::from_secret("k");
        let token = key.seal(Purpose::Token, &confirmation(), 1_000);
        let (payload, mac) = token.split_once('.').unwrap();
        let text = String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
        for (from, to) in [("7812", "1"), ("1000002", "1000003"), ("key-1", "key-2"), ("\"exp\":1600", "\"exp\":9999")]
        {
            assert!(text.contains(from), "{text}");
            let forged = format!("{}.{mac}", URL_SAFE_NO_PAD.encode(text.replace(from, to)));
            assert_eq!(key.open(Purpose::Token, &forged, 1_000), Err(TokenError::Forged), "{from}");
        }
        assert_eq!(key.open(Purpose::Token, &format!("{token}x"), 1_000), Err(TokenError::Forged));
    }

    #[test]
    fn random_keys_differ_and_debug_hides_the_key() {
        let (a, b) = (SigningKey::random().unwrap(), SigningKey::random().unwrap());
        assert_ne!(a.0, b.0);
        assert_eq!(format!("{a:?}"), "SigningKey(..)");
    }
}
