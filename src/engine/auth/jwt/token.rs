//! A compact JWS (RFC 7515) split and decoded, before any key is looked at: the header's algorithm
//! checked against the allow-list, the payload decoded but not yet trusted.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::TokenError;

/// The longest token accepted, in bytes. Real access tokens are 1-2 KiB; API Gateway caps a
/// header at 10 KiB anyway.
pub const MAX_TOKEN_BYTES: usize = 8 * 1024;

/// The signature algorithms accepted. `none` and every HMAC algorithm are absent on purpose: a
/// resource server holds only public keys, and an HMAC "verified" with a public key as its secret
/// is the classic algorithm-confusion forgery.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    Rs256,
    Rs384,
    Rs512,
    Ps256,
    Ps384,
    Ps512,
    Es256,
    Es384,
    EdDsa,
}

impl Algorithm {
    /// The allow-listed algorithm named `name` (the JOSE `alg` value, case-sensitive).
    pub fn from_name(name: &str) -> Option<Algorithm> {
        Some(match name {
            "RS256" => Algorithm::Rs256,
            "RS384" => Algorithm::Rs384,
            "RS512" => Algorithm::Rs512,
            "PS256" => Algorithm::Ps256,
            "PS384" => Algorithm::Ps384,
            "PS512" => Algorithm::Ps512,
            "ES256" => Algorithm::Es256,
            "ES384" => Algorithm::Es384,
            "EdDSA" => Algorithm::EdDsa,
            _ => return None,
        })
    }
}

#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    #[serde(default)]
    kid: Option<String>,
    /// Extensions the token says must be understood; we understand none.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A token split into its parts; nothing in it is trusted until the signature is checked.
#[derive(Debug)]
pub struct Jws<'a> {
    pub alg: Algorithm,
    pub kid: Option<String>,
    /// `header.payload`, the bytes the signature covers.
    pub signing_input: &'a [u8],
    /// The decoded payload (JSON claims).
    pub payload: Vec<u8>,
    pub signature: Vec<u8>,
}

impl<'a> Jws<'a> {
    /// Splits and decodes `token`. Only structure is checked here.
    pub fn parse(token: &'a str) -> Result<Jws<'a>, TokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(TokenError::TooLarge);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(payload), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(TokenError::Malformed);
        };
        let raw: RawHeader = serde_json::from_slice(&decode(header)?).map_err(|_| TokenError::Malformed)?;
        if raw.crit.is_some() {
            return Err(TokenError::UnsupportedAlgorithm);
        }
        let alg = Algorithm::from_name(&raw.alg).ok_or(TokenError::UnsupportedAlgorithm)?;
        let signature = decode(signature)?;
        if signature.is_empty() {
            return Err(TokenError::Malformed);
        }
        Ok(Jws {
            alg,
            kid: raw.kid,
            signing_input: &token.as_bytes()[..header.len() + 1 + payload.len()],
            payload: decode(payload)?,
            signature,
        })
    }
}

/// Strict base64url without padding (RFC 7515 §2): padding, other alphabets and non-canonical
/// trailing bits are all refused.
fn decode(part: &str) -> Result<Vec<u8>, TokenError> {
    if part.is_empty() {
        return Err(TokenError::Malformed);
    }
    URL_SAFE_NO_PAD.decode(part).map_err(|_| TokenError::Malformed)
}

/// True when `value` has the shape of a compact JWS (three dot-separated base64url parts whose
/// first decodes to a JSON object), so a bearer value can be routed to the token verifier rather
/// than to the API keys.
pub fn looks_like_jwt(value: &str) -> bool {
    let mut parts = value.split('.');
    let (Some(header), Some(_), Some(_), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    URL_SAFE_NO_PAD.decode(header).is_ok_and(|bytes| bytes.first() == Some(&b'{'))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b64(text: &str) -> String {
        URL_SAFE_NO_PAD.encode(text)
    }

    fn token(header: &str, payload: &str) -> String {
        format!("{}.{}.{}", b64(header), b64(payload), b64("sig"))
    }

    #[test]
    fn a_well_formed_token_is_split_into_its_parts() {
        let text = token(r#"{"alg":"RS256","kid":"k1","typ":"at+jwt"}"#, r#"{"sub":"a"}"#);
        let jws = Jws::parse(&text).unwrap();
        assert_eq!(jws.alg, Algorithm::Rs256);
        assert_eq!(jws.kid.as_deref(), Some("k1"));
        assert_eq!(jws.payload, br#"{"sub":"a"}"#);
        assert_eq!(jws.signature, b"sig");
        assert_eq!(jws.signing_input, text.rsplit_once('.').unwrap().0.as_bytes());
    }

    #[test]
    fn none_and_hmac_algorithms_are_refused() {
        for alg in ["none", "None", "HS256", "HS384", "HS512", "rs256", ""] {
            let text = token(&format!(r#"{{"alg":"{alg}"}}"#), "{}");
            assert_eq!(Jws::parse(&text).unwrap_err(), TokenError::UnsupportedAlgorithm, "{alg}");
        }
    }

    #[test]
    fn a_critical_extension_is_refused() {
        let text = token(r#"{"alg":"ES256","crit":["b64"],"b64":false}"#, "{}");
        assert_eq!(Jws::parse(&text).unwrap_err(), TokenError::UnsupportedAlgorithm);
    }

    #[test]
    fn structural_damage_is_malformed() {
        let good = token(r#"{"alg":"RS256"}"#, "{}");
        let (head, sig) = good.rsplit_once('.').unwrap();
        for bad in [
            "not a jwt".to_owned(),
            "a.b".to_owned(),
            format!("{good}.extra"),
            format!("{head}."),
            format!("{head}.{sig}="),
            format!("{}.{}.{sig}", b64("[1]"), b64("{}")),
            format!("{}+.{}", head, sig),
            format!("..{sig}"),
        ] {
            assert_eq!(Jws::parse(&bad).unwrap_err(), TokenError::Malformed, "{bad}");
        }
    }

    #[test]
    fn an_oversized_token_is_refused_before_decoding() {
        let text = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(Jws::parse(&text).unwrap_err(), TokenError::TooLarge);
    }

    #[test]
    fn jwt_shaped_values_are_told_from_api_keys() {
        assert!(looks_like_jwt(&token(r#"{"alg":"RS256"}"#, "{}")));
        assert!(!looks_like_jwt("lambda-mcp-local-dev-key"));
        assert!(!looks_like_jwt("a.b.c"));
        assert!(!looks_like_jwt("key.with.dots.four"));
    }
}
