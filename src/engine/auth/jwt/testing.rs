//! Test support: signing keys generated in the test with aws-lc, their public JWKs, and tokens
//! signed with them (or forged in the ways attackers forge them).

use std::sync::OnceLock;

use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::KeySize;
use aws_lc_rs::signature::{self, EcdsaKeyPair, Ed25519KeyPair, KeyPair, RsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

/// A signing key of one type.
pub enum TestKey {
    Rsa(RsaKeyPair),
    Ec(EcdsaKeyPair),
    Ed(Ed25519KeyPair),
}

/// One RSA key per test binary (generating one takes a moment).
pub fn rsa() -> &'static TestKey {
    static KEY: OnceLock<TestKey> = OnceLock::new();
    KEY.get_or_init(|| TestKey::Rsa(RsaKeyPair::generate(KeySize::Rsa2048).unwrap()))
}

/// A fresh P-256 key.
pub fn ec() -> TestKey {
    TestKey::Ec(EcdsaKeyPair::generate(&signature::ECDSA_P256_SHA256_FIXED_SIGNING).unwrap())
}

/// A fresh Ed25519 key.
pub fn ed() -> TestKey {
    TestKey::Ed(Ed25519KeyPair::generate().unwrap())
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

impl TestKey {
    /// The JOSE algorithm this key signs with.
    pub fn alg(&self) -> &'static str {
        match self {
            TestKey::Rsa(_) => "RS256",
            TestKey::Ec(_) => "ES256",
            TestKey::Ed(_) => "EdDSA",
        }
    }

    /// The public JWK, with `kid`.
    pub fn jwk(&self, kid: &str) -> Value {
        match self {
            TestKey::Rsa(key) => {
                let (n, e) = rsa_public_numbers(key.public_key().as_ref());
                json!({"kty": "RSA", "kid": kid, "use": "sig", "alg": "RS256", "n": b64(n), "e": b64(e)})
            }
            TestKey::Ec(key) => {
                let point = key.public_key().as_ref();
                json!({"kty": "EC", "kid": kid, "crv": "P-256", "x": b64(&point[1..33]), "y": b64(&point[33..])})
            }
            TestKey::Ed(key) => json!({"kty": "OKP", "kid": kid, "crv": "Ed25519", "x": b64(key.public_key())}),
        }
    }

    /// The signature over `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let rng = SystemRandom::new();
        match self {
            TestKey::Rsa(key) => {
                let mut sig = vec![0; key.public_modulus_len()];
                key.sign(&signature::RSA_PKCS1_SHA256, &rng, message, &mut sig).unwrap();
                sig
            }
            TestKey::Ec(key) => key.sign(&rng, message).unwrap().as_ref().to_vec(),
            TestKey::Ed(key) => key.sign(message).as_ref().to_vec(),
        }
    }

    /// A token with this key's algorithm, `kid` and `claims`.
    pub fn token(&self, kid: &str, claims: &Value) -> String {
        sign_with(self, &json!({"alg": self.alg(), "kid": kid, "typ": "at+jwt"}), claims)
    }
}

/// The modulus and exponent of a DER `RSAPublicKey` (`SEQUENCE { INTEGER n, INTEGER e }`).
fn rsa_public_numbers(der: &[u8]) -> (&[u8], &[u8]) {
    // One DER element at `at`: (contents, the index after it).
    fn element(der: &[u8], at: usize) -> (&[u8], usize) {
        let (first, rest) = (der[at + 1], at + 2);
        let (len, start) = if first < 0x80 {
            (first as usize, rest)
        } else {
            let n = (first & 0x7f) as usize;
            (der[rest..rest + n].iter().fold(0, |acc, b| acc << 8 | *b as usize), rest + n)
        };
        (&der[start..start + len], start + len)
    }
    let (sequence, _) = element(der, 0);
    let (n, after) = element(sequence, 0);
    let (e, _) = element(sequence, after);
    (n, e)
}

/// A token with an arbitrary header, signed by `key`.
pub fn sign_with(key: &TestKey, header: &Value, claims: &Value) -> String {
    let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
    let sig = key.sign(input.as_bytes());
    format!("{input}.{}", b64(sig))
}

/// A JWK Set document holding `keys`.
pub fn jwks(keys: &[Value]) -> Vec<u8> {
    json!({ "keys": keys }).to_string().into_bytes()
}
