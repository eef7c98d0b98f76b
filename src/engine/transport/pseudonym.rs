//! Pseudonyms for the correlation values that can identify a person (Moveo's external user id
//! and conversation session id): HMAC-SHA-256 under a per-deployment key (`MCP_LOG_HASH_KEY`; the
//! template passes the stack's id), cut to 16 hex characters. The same value gives the same
//! pseudonym within a deployment, so a conversation can be followed through the logs; the value
//! itself cannot be read back, and without the key a guessed value cannot be checked.

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// The key used when none is configured (local runs): pseudonyms are then only hashes.
pub const DEFAULT_KEY: &str = "lambda-mcp log pseudonyms";

/// Turns personal correlation values into pseudonyms.
#[derive(Clone)]
pub struct Pseudonyms {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonyms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Pseudonyms { key: <hidden> }")
    }
}

impl Pseudonyms {
    /// Pseudonyms under `key` (any length: HMAC hashes a long key first).
    pub fn new(key: &[u8]) -> Self {
        Pseudonyms { mac: Hmac::<Sha256>::new_from_slice(key).expect("HMAC accepts a key of any length") }
    }

    /// `value`'s pseudonym: 16 lower-case hex characters.
    pub fn of(&self, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(value.as_bytes());
        mac.finalize().into_bytes()[..8].iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_per_key_and_reveal_nothing() {
        let a = Pseudonyms::new(b"stack-1");
        let b = Pseudonyms::new(b"stack-2");
        let p = a.of("customer-42@example.com");
        assert_eq!(p.len(), 16);
        assert!(p.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(p, a.of("customer-42@example.com"), "stable within a deployment");
        assert_ne!(p, b.of("customer-42@example.com"), "not comparable across deployments");
        assert_ne!(p, a.of("customer-43@example.com"));
        assert!(!format!("{a:?}").contains("stack-1"), "the key is not printed");
    }

    #[test]
    fn the_mac_is_hmac_sha256_per_rfc_4231() {
        // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
        let p = Pseudonyms::new(b"Jefe");
        assert_eq!(p.of("what do ya want for nothing?"), "5bdcc146bf60754e");
    }
}
