//! The issuer's public keys (a JWK Set, RFC 7517) parsed once into aws-lc verifying keys, and the
//! signature check itself. A key is used only with the algorithm family its type allows, and only
//! with the algorithm its `alg` names when it names one.

use std::sync::OnceLock;

use aws_lc_rs::signature::{self, ParsedPublicKey, RsaParameters, RsaPublicKeyComponents};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::Deserialize;

use super::token::Algorithm;

/// The most keys read from one JWK Set; real sets hold two or three.
pub const MAX_KEYS: usize = 32;

/// The RSA algorithms, in the order of [`RsaKey::parsed`]'s slots.
const RSA_ALGORITHMS: [(Algorithm, &RsaParameters); 6] = [
    (Algorithm::Rs256, &signature::RSA_PKCS1_2048_8192_SHA256),
    (Algorithm::Rs384, &signature::RSA_PKCS1_2048_8192_SHA384),
    (Algorithm::Rs512, &signature::RSA_PKCS1_2048_8192_SHA512),
    (Algorithm::Ps256, &signature::RSA_PSS_2048_8192_SHA256),
    (Algorithm::Ps384, &signature::RSA_PSS_2048_8192_SHA384),
    (Algorithm::Ps512, &signature::RSA_PSS_2048_8192_SHA512),
];

/// One JWK as published; fields we do not use are ignored.
#[derive(Deserialize)]
struct Jwk {
    kty: String,
    #[serde(default)]
    kid: Option<String>,
    #[serde(default, rename = "use")]
    usage: Option<String>,
    #[serde(default)]
    alg: Option<String>,
    #[serde(default)]
    crv: Option<String>,
    #[serde(default)]
    n: Option<String>,
    #[serde(default)]
    e: Option<String>,
    #[serde(default)]
    x: Option<String>,
    #[serde(default)]
    y: Option<String>,
}

#[derive(Deserialize)]
struct JwkSetDocument {
    keys: Vec<serde_json::Value>,
}

/// An RSA key: the components, parsed per algorithm on first use (aws-lc binds a parsed key to one
/// padding and digest).
struct RsaKey {
    n: Vec<u8>,
    e: Vec<u8>,
    parsed: [OnceLock<Option<ParsedPublicKey>>; 6],
}

enum KeyMaterial {
    Rsa(Box<RsaKey>),
    /// An EC or Ed25519 key, already parsed for its one algorithm.
    Fixed(Algorithm, ParsedPublicKey),
}

/// One usable verifying key.
pub struct VerifyingKey {
    kid: Option<String>,
    /// The `alg` the JWK pins, if any.
    alg: Option<Algorithm>,
    material: KeyMaterial,
}

impl std::fmt::Debug for VerifyingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VerifyingKey").field("kid", &self.kid).field("alg", &self.alg).finish_non_exhaustive()
    }
}

impl VerifyingKey {
    /// True when this key may check a signature made with `alg`.
    fn allows(&self, alg: Algorithm) -> bool {
        if self.alg.is_some_and(|pinned| pinned != alg) {
            return false;
        }
        match &self.material {
            KeyMaterial::Rsa(_) => RSA_ALGORITHMS.iter().any(|(a, _)| *a == alg),
            KeyMaterial::Fixed(fixed, _) => *fixed == alg,
        }
    }

    /// True when `signature` over `message` verifies with this key and `alg`.
    fn verifies(&self, alg: Algorithm, message: &[u8], signature: &[u8]) -> bool {
        if !self.allows(alg) {
            return false;
        }
        match &self.material {
            KeyMaterial::Fixed(_, key) => key.verify_sig(message, signature).is_ok(),
            KeyMaterial::Rsa(rsa) => {
                let Some(slot) = RSA_ALGORITHMS.iter().position(|(a, _)| *a == alg) else { return false };
                let parsed = rsa.parsed[slot].get_or_init(|| {
                    let components = RsaPublicKeyComponents { n: rsa.n.as_slice(), e: rsa.e.as_slice() };
                    components.to_parsed_public_key(RSA_ALGORITHMS[slot].1).ok()
                });
                parsed.as_ref().is_some_and(|key| key.verify_sig(message, signature).is_ok())
            }
        }
    }

    fn from_jwk(jwk: Jwk) -> Option<VerifyingKey> {
        if jwk.usage.as_deref().is_some_and(|u| u != "sig") {
            return None;
        }
        let alg = match jwk.alg.as_deref() {
            None => None,
            Some(name) => Some(Algorithm::from_name(name)?),
        };
        let material = match (jwk.kty.as_str(), jwk.crv.as_deref()) {
            ("RSA", _) => {
                let n = strip_leading_zeros(bytes(&jwk.n)?);
                let e = strip_leading_zeros(bytes(&jwk.e)?);
                if n.len() < 256 || e.is_empty() {
                    return None; // under 2048 bits
                }
                KeyMaterial::Rsa(Box::new(RsaKey { n, e, parsed: Default::default() }))
            }
            ("EC", Some(curve @ ("P-256" | "P-384"))) => {
                let (fixed, verification, width) = if curve == "P-256" {
                    (Algorithm::Es256, &signature::ECDSA_P256_SHA256_FIXED, 32)
                } else {
                    (Algorithm::Es384, &signature::ECDSA_P384_SHA384_FIXED, 48)
                };
                let (x, y) = (bytes(&jwk.x)?, bytes(&jwk.y)?);
                if x.len() != width || y.len() != width {
                    return None;
                }
                let point: Vec<u8> = [&[4u8][..], &x, &y].concat();
                KeyMaterial::Fixed(fixed, ParsedPublicKey::new(verification, point).ok()?)
            }
            ("OKP", Some("Ed25519")) => {
                let x = bytes(&jwk.x)?;
                KeyMaterial::Fixed(Algorithm::EdDsa, ParsedPublicKey::new(&signature::ED25519, x).ok()?)
            }
            _ => return None,
        };
        let key = VerifyingKey { kid: jwk.kid, alg, material };
        // A pinned `alg` from another family (an EC key claiming RS256) makes the key unusable.
        match key.alg {
            Some(pinned) if !key.allows(pinned) => None,
            _ => Some(key),
        }
    }
}

fn bytes(field: &Option<String>) -> Option<Vec<u8>> {
    URL_SAFE_NO_PAD.decode(field.as_deref()?).ok().filter(|b| !b.is_empty())
}

fn strip_leading_zeros(mut value: Vec<u8>) -> Vec<u8> {
    let zeros = value.iter().take_while(|b| **b == 0).count();
    value.drain(..zeros);
    value
}

/// The usable keys of a JWK Set.
#[derive(Debug, Default)]
pub struct KeySet {
    keys: Vec<VerifyingKey>,
}

/// Why a JWK Set document is refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeySetError {
    #[error("the JWK Set is not a JSON object with a `keys` array")]
    NotAKeySet,
    #[error("the JWK Set holds no usable signing key (RSA of 2048 bits or more, P-256, P-384, Ed25519)")]
    NoUsableKey,
}

impl KeySet {
    /// Parses a JWK Set document, keeping the keys we can use (at most [`MAX_KEYS`]) and
    /// skipping the rest: encryption keys, symmetric keys, unknown types, small RSA moduli.
    pub fn parse(document: &[u8]) -> Result<KeySet, KeySetError> {
        let doc: JwkSetDocument = serde_json::from_slice(document).map_err(|_| KeySetError::NotAKeySet)?;
        let keys: Vec<VerifyingKey> = doc
            .keys
            .into_iter()
            .filter_map(|value| serde_json::from_value::<Jwk>(value).ok())
            .filter_map(VerifyingKey::from_jwk)
            .take(MAX_KEYS)
            .collect();
        if keys.is_empty() { Err(KeySetError::NoUsableKey) } else { Ok(KeySet { keys }) }
    }

    /// Number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// True when the set holds no key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Checks `signature` over `message` with the key the token names (`kid`), or, for a token
    /// without one, with every key that allows `alg`.
    pub fn verify(&self, kid: Option<&str>, alg: Algorithm, message: &[u8], signature: &[u8]) -> KeyMatch {
        let mut candidates = self.keys.iter().filter(|key| match kid {
            Some(kid) => key.kid.as_deref() == Some(kid),
            None => key.allows(alg),
        });
        let Some(first) = candidates.next() else { return KeyMatch::UnknownKey };
        if first.verifies(alg, message, signature) || candidates.any(|key| key.verifies(alg, message, signature)) {
            KeyMatch::Verified
        } else {
            KeyMatch::Refused
        }
    }
}

/// What the key set says about a signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyMatch {
    Verified,
    /// A key was found and the signature does not verify with it (or the key does not allow the
    /// token's algorithm).
    Refused,
    /// No key has the token's `kid` (or, without a `kid`, allows its algorithm): a newer key set
    /// may have it.
    UnknownKey,
}

#[cfg(test)]
mod tests {
    use super::super::testing::{self, TestKey, b64, jwks};
    use super::*;
    use serde_json::json;

    fn check(set: &KeySet, key: &TestKey, kid: Option<&str>, alg: Algorithm, message: &[u8]) -> KeyMatch {
        set.verify(kid, alg, message, &key.sign(message))
    }

    #[test]
    fn rsa_ec_and_ed25519_signatures_verify_with_their_published_keys() {
        let (rsa, ec, ed) = (testing::rsa(), testing::ec(), testing::ed());
        let set = KeySet::parse(&jwks(&[rsa.jwk("r"), ec.jwk("e"), ed.jwk("d")])).unwrap();
        assert_eq!(set.len(), 3);
        assert_eq!(check(&set, rsa, Some("r"), Algorithm::Rs256, b"m"), KeyMatch::Verified);
        assert_eq!(check(&set, &ec, Some("e"), Algorithm::Es256, b"m"), KeyMatch::Verified);
        assert_eq!(check(&set, &ed, Some("d"), Algorithm::EdDsa, b"m"), KeyMatch::Verified);
        assert_eq!(check(&set, &ec, None, Algorithm::Es256, b"m"), KeyMatch::Verified, "no kid: tried by type");
    }

    #[test]
    fn a_signature_over_other_bytes_or_by_another_key_is_refused() {
        let (rsa, ec) = (testing::rsa(), testing::ec());
        let set = KeySet::parse(&jwks(&[rsa.jwk("r"), ec.jwk("e")])).unwrap();
        let sig = rsa.sign(b"original");
        assert_eq!(set.verify(Some("r"), Algorithm::Rs256, b"tampered", &sig), KeyMatch::Refused);
        let other = testing::ec();
        assert_eq!(check(&set, &other, Some("e"), Algorithm::Es256, b"m"), KeyMatch::Refused);
    }

    #[test]
    fn a_key_is_never_used_with_another_algorithm_family() {
        let (rsa, ec) = (testing::rsa(), testing::ec());
        let set = KeySet::parse(&jwks(&[rsa.jwk("r"), ec.jwk("e")])).unwrap();
        // The RSA key pins RS256: a PS256 or ES256 claim against it is refused, not looked up again.
        assert_eq!(check(&set, &ec, Some("r"), Algorithm::Es256, b"m"), KeyMatch::Refused);
        assert_eq!(check(&set, rsa, Some("r"), Algorithm::Ps256, b"m"), KeyMatch::Refused);
        assert_eq!(check(&set, rsa, Some("e"), Algorithm::Rs256, b"m"), KeyMatch::Refused);
        assert_eq!(check(&set, rsa, Some("missing"), Algorithm::Rs256, b"m"), KeyMatch::UnknownKey);
    }

    #[test]
    fn unusable_keys_are_skipped_and_a_set_without_any_is_refused() {
        let ec = testing::ec();
        let small_rsa = json!({"kty": "RSA", "kid": "s", "n": b64([0xC5u8; 128]), "e": "AQAB"});
        let symmetric = json!({"kty": "oct", "kid": "h", "k": b64(b"secret")});
        let encryption = {
            let mut k = ec.jwk("enc");
            k["use"] = json!("enc");
            k
        };
        let mislabelled = {
            let mut k = ec.jwk("m");
            k["alg"] = json!("RS256");
            k
        };
        let set = KeySet::parse(&jwks(&[small_rsa.clone(), symmetric.clone(), encryption, mislabelled, ec.jwk("ok")]));
        assert_eq!(set.unwrap().len(), 1);
        assert_eq!(KeySet::parse(&jwks(&[small_rsa, symmetric])).unwrap_err(), KeySetError::NoUsableKey);
        assert_eq!(KeySet::parse(b"[]").unwrap_err(), KeySetError::NotAKeySet);
        assert_eq!(KeySet::parse(b"<html>").unwrap_err(), KeySetError::NotAKeySet);
    }
}
