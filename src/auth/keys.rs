//! The accepted API keys, held only as SHA-256 digests and compared in constant time.

use sha2::{Digest, Sha256};
use subtle::{Choice, ConstantTimeEq};
use thiserror::Error;

/// A secret value that holds no usable key.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyFormatError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret looks like JSON but is not a list of keys (expected [\"k1\", ...] or {{\"keys\": [...]}})")]
    NotAKeyList,
}

/// The set of keys a caller may present. Debug output never shows key material.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKeys {
    digests: Vec<[u8; 32]>,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} keys)", self.digests.len())
    }
}

fn digest(key: &[u8]) -> [u8; 32] {
    Sha256::digest(key).into()
}

impl ApiKeys {
    /// Parses a secret value: the key itself, or JSON holding a list of keys
    /// (`["k1", "k2"]` or `{"keys": ["k1", "k2"]}`) so a key can be rotated without downtime.
    pub fn parse(secret: &str) -> Result<Self, KeyFormatError> {
        let trimmed = secret.trim();
        let keys: Vec<String> = if trimmed.starts_with('[') || trimmed.starts_with('{') {
            let value: serde_json::Value = serde_json::from_str(trimmed).map_err(|_| KeyFormatError::NotAKeyList)?;
            let list = match &value {
                serde_json::Value::Array(list) => list,
                serde_json::Value::Object(map) => match map.get("keys") {
                    Some(serde_json::Value::Array(list)) => list,
                    _ => return Err(KeyFormatError::NotAKeyList),
                },
                _ => return Err(KeyFormatError::NotAKeyList),
            };
            list.iter()
                .map(|k| k.as_str().map(|s| s.trim().to_owned()).ok_or(KeyFormatError::NotAKeyList))
                .collect::<Result<_, _>>()?
        } else {
            vec![trimmed.to_owned()]
        };
        let mut parsed = ApiKeys::default();
        for key in keys.iter().filter(|k| !k.is_empty()) {
            parsed.digests.push(digest(key.as_bytes()));
        }
        if parsed.digests.is_empty() { Err(KeyFormatError::Empty) } else { Ok(parsed) }
    }

    /// Adds every key of `other` (the previous version during a rotation window).
    pub fn extend(&mut self, other: ApiKeys) {
        for d in other.digests {
            if !self.digests.contains(&d) {
                self.digests.push(d);
            }
        }
    }

    /// Number of distinct keys accepted.
    pub fn len(&self) -> usize {
        self.digests.len()
    }

    /// True when no key is accepted.
    pub fn is_empty(&self) -> bool {
        self.digests.is_empty()
    }

    /// True when `presented` is one of the keys. Both sides are hashed to a fixed size and every
    /// candidate is compared, so timing reveals neither the key nor which candidate matched.
    pub fn matches(&self, presented: &[u8]) -> bool {
        let presented = digest(presented);
        let mut found = Choice::from(0);
        for candidate in &self.digests {
            found |= candidate.ct_eq(&presented);
        }
        found.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_secret_is_one_key() {
        let keys = ApiKeys::parse("  s3cret-key \n").unwrap();
        assert_eq!(keys.len(), 1);
        assert!(keys.matches(b"s3cret-key"));
        assert!(!keys.matches(b"s3cret-kez"));
        assert!(!keys.matches(b""));
    }

    #[test]
    fn a_json_list_accepts_every_key_in_it() {
        for secret in [r#"["old-key","new-key"]"#, r#"{"keys":["old-key","new-key"]}"#] {
            let keys = ApiKeys::parse(secret).unwrap();
            assert!(keys.matches(b"old-key") && keys.matches(b"new-key"), "{secret}");
            assert!(!keys.matches(b"other"));
        }
    }

    #[test]
    fn an_empty_or_malformed_secret_is_refused() {
        assert_eq!(ApiKeys::parse("   "), Err(KeyFormatError::Empty));
        assert_eq!(ApiKeys::parse("[]"), Err(KeyFormatError::Empty));
        assert_eq!(ApiKeys::parse(r#"{"key":"x"}"#), Err(KeyFormatError::NotAKeyList));
        assert_eq!(ApiKeys::parse(r#"[1,2]"#), Err(KeyFormatError::NotAKeyList));
        assert_eq!(ApiKeys::parse("{not json"), Err(KeyFormatError::NotAKeyList));
    }

    #[test]
    fn debug_output_shows_no_key_material() {
        let keys = ApiKeys::parse("very-secret-value").unwrap();
        let shown = format!("{keys:?}");
        assert_eq!(shown, "ApiKeys(1 keys)");
    }

    #[test]
    fn extending_merges_without_duplicates() {
        let mut keys = ApiKeys::parse("a").unwrap();
        keys.extend(ApiKeys::parse(r#"["a","b"]"#).unwrap());
        assert_eq!(keys.len(), 2);
        assert!(keys.matches(b"b"));
    }
}
