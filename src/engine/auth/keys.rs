//! The accepted API keys, held only as SHA-256 digests and compared in constant time, each with a
//! non-secret id (its position in the secret: `key-1`, `key-2`, ...) that says who is calling.

use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};
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
    ids: Vec<String>,
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
        for (position, key) in keys.iter().enumerate().filter(|(_, k)| !k.is_empty()) {
            let digest = digest(key.as_bytes());
            if !parsed.digests.contains(&digest) {
                parsed.digests.push(digest);
                parsed.ids.push(format!("key-{}", position + 1));
            }
        }
        if parsed.digests.is_empty() { Err(KeyFormatError::Empty) } else { Ok(parsed) }
    }

    /// The same keys with every id prefixed (`previous-key-1` for the previous version's keys).
    pub fn with_id_prefix(mut self, prefix: &str) -> Self {
        for id in &mut self.ids {
            *id = format!("{prefix}{id}");
        }
        self
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
        self.find(presented).is_some()
    }

    /// The id of the key `presented` is, if it is one; found in constant time like [`Self::matches`].
    pub fn find(&self, presented: &[u8]) -> Option<&str> {
        let presented = digest(presented);
        // 0 = no match; otherwise the position + 1 of the matching candidate.
        let mut found = 0u32;
        for (position, candidate) in self.digests.iter().enumerate() {
            found.conditional_assign(&(position as u32 + 1), candidate.ct_eq(&presented));
        }
        let position = (found as usize).checked_sub(1)?;
        self.ids.get(position).map(String::as_str)
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
    fn each_key_is_known_by_its_position_never_by_its_value() {
        let keys = ApiKeys::parse(r#"["first-secret", "", "third-secret", "first-secret"]"#).unwrap();
        assert_eq!(keys.len(), 2, "blank and repeated keys are dropped");
        assert_eq!(keys.find(b"first-secret"), Some("key-1"));
        assert_eq!(keys.find(b"third-secret"), Some("key-3"));
        assert_eq!(keys.find(b"other"), None);
        let previous = keys.with_id_prefix("previous-");
        assert_eq!(previous.find(b"third-secret"), Some("previous-key-3"));
    }
}
