//! The accepted API keys, held only as SHA-256 digests and compared in constant time, each with a
//! non-secret id that says who is calling and the scopes it grants.
//!
//! The secret holds the key itself, a list of keys (`["k1", "k2"]` or `{"keys": [...]}`, so a key
//! can be rotated without downtime), or named keys: list entries that are objects,
//! `{"id": "moveo", "key": "...", "scopes": ["orders:read"]}`. A plain key is known by its
//! position (`key-1`, `key-2`, ...) and grants every scope, as does a named key without `scopes`.

use serde_json::Value;
use sha2::{Digest, Sha256};
use subtle::{ConditionallySelectable, ConstantTimeEq};
use thiserror::Error;

use super::caller::Scopes;

/// The longest key id; ids go into log lines.
const MAX_ID_CHARS: usize = 64;

/// A secret value that holds no usable key. Never quotes a key.
#[derive(Debug, Error, PartialEq, Eq)]
pub enum KeyFormatError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret looks like JSON but is not a list of keys (expected [\"k1\", ...] or {{\"keys\": [...]}})")]
    NotAKeyList,
    #[error("entry {position} of the key list is unusable: {reason}")]
    BadEntry { position: usize, reason: &'static str },
}

/// One accepted key's public facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyEntry {
    /// Who presents this key (never the key itself).
    pub id: String,
    /// What it grants.
    pub scopes: Scopes,
}

/// The set of keys a caller may present. Debug output never shows key material.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct ApiKeys {
    digests: Vec<[u8; 32]>,
    entries: Vec<KeyEntry>,
}

impl std::fmt::Debug for ApiKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ApiKeys({} keys)", self.digests.len())
    }
}

fn digest(key: &[u8]) -> [u8; 32] {
    Sha256::digest(key).into()
}

/// A key id may go into a log line as it is: 1-64 of `A-Z a-z 0-9 _ . : -`.
fn valid_id(id: &str) -> bool {
    (1..=MAX_ID_CHARS).contains(&id.len())
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-'))
}

/// One list entry: a plain key (known by its position, every scope) or a named one.
fn entry(value: &Value, position: usize) -> Result<(String, KeyEntry), KeyFormatError> {
    let bad = |reason| KeyFormatError::BadEntry { position, reason };
    let object = match value {
        Value::String(key) => {
            let all = KeyEntry { id: format!("key-{position}"), scopes: Scopes::All };
            return Ok((key.trim().to_owned(), all));
        }
        Value::Object(object) => object,
        _ => return Err(KeyFormatError::NotAKeyList),
    };
    let id = object.get("id").and_then(Value::as_str).ok_or(bad("`id` (a string) is required"))?;
    if !valid_id(id) {
        return Err(bad("`id` must be 1-64 characters of letters, digits, `_`, `.`, `:` or `-`"));
    }
    let key = object.get("key").and_then(Value::as_str).map(str::trim).ok_or(bad("`key` (a string) is required"))?;
    if key.is_empty() || key == id {
        return Err(bad("`key` must be a non-empty secret other than the id"));
    }
    let scopes = match object.get("scopes") {
        None => Scopes::All,
        Some(Value::Array(list)) => Scopes::Only(
            list.iter()
                .map(|s| s.as_str().filter(|s| !s.is_empty() && !s.contains(char::is_whitespace)))
                .collect::<Option<Vec<_>>>()
                .ok_or(bad("`scopes` must be a list of scope names without spaces"))?
                .into_iter()
                .map(str::to_owned)
                .collect(),
        ),
        Some(_) => return Err(bad("`scopes` must be a list")),
    };
    if object.keys().any(|k| !matches!(k.as_str(), "id" | "key" | "scopes")) {
        return Err(bad("only `id`, `key` and `scopes` are allowed"));
    }
    Ok((key.to_owned(), KeyEntry { id: id.to_owned(), scopes }))
}

impl ApiKeys {
    /// Parses a secret value (see the module documentation for the formats).
    pub fn parse(secret: &str) -> Result<Self, KeyFormatError> {
        let trimmed = secret.trim();
        let keys: Vec<(String, KeyEntry)> = if trimmed.starts_with('[') || trimmed.starts_with('{') {
            let value: Value = serde_json::from_str(trimmed).map_err(|_| KeyFormatError::NotAKeyList)?;
            let list = match &value {
                Value::Array(list) => list,
                Value::Object(map) => match map.get("keys") {
                    Some(Value::Array(list)) => list,
                    _ => return Err(KeyFormatError::NotAKeyList),
                },
                _ => return Err(KeyFormatError::NotAKeyList),
            };
            list.iter().enumerate().map(|(i, v)| entry(v, i + 1)).collect::<Result<_, _>>()?
        } else {
            vec![(trimmed.to_owned(), KeyEntry { id: "key-1".into(), scopes: Scopes::All })]
        };
        let mut parsed = ApiKeys::default();
        for (position, (key, entry)) in keys.into_iter().enumerate().filter(|(_, (k, _))| !k.is_empty()) {
            if parsed.entries.iter().any(|e| e.id == entry.id) {
                return Err(KeyFormatError::BadEntry { position: position + 1, reason: "two keys share this id" });
            }
            let digest = digest(key.as_bytes());
            if !parsed.digests.contains(&digest) {
                parsed.digests.push(digest);
                parsed.entries.push(entry);
            }
        }
        if parsed.digests.is_empty() { Err(KeyFormatError::Empty) } else { Ok(parsed) }
    }

    /// The same keys with every id prefixed (`previous-key-1` for the previous version's keys).
    pub fn with_id_prefix(mut self, prefix: &str) -> Self {
        for entry in &mut self.entries {
            entry.id = format!("{prefix}{}", entry.id);
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

    /// The entry of the key `presented` is, if it is one; found in constant time like
    /// [`Self::matches`].
    pub fn find(&self, presented: &[u8]) -> Option<&KeyEntry> {
        let presented = digest(presented);
        // 0 = no match; otherwise the position + 1 of the matching candidate.
        let mut found = 0u32;
        for (position, candidate) in self.digests.iter().enumerate() {
            found.conditional_assign(&(position as u32 + 1), candidate.ct_eq(&presented));
        }
        let position = (found as usize).checked_sub(1)?;
        self.entries.get(position)
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
        let id = |keys: &ApiKeys, k: &[u8]| keys.find(k).map(|e| e.id.clone());
        assert_eq!(id(&keys, b"first-secret").as_deref(), Some("key-1"));
        assert_eq!(id(&keys, b"third-secret").as_deref(), Some("key-3"));
        assert_eq!(id(&keys, b"other"), None);
        let previous = keys.with_id_prefix("previous-");
        assert_eq!(id(&previous, b"third-secret").as_deref(), Some("previous-key-3"));
    }

    #[test]
    fn named_keys_carry_their_id_and_scopes_and_mix_with_plain_ones() {
        let secret = r#"{"keys": [
            {"id": "moveo", "key": "moveo-secret", "scopes": ["orders:read"]},
            {"id": "ops", "key": "ops-secret"},
            "legacy-secret"
        ]}"#;
        let keys = ApiKeys::parse(secret).unwrap();
        let moveo = keys.find(b"moveo-secret").unwrap();
        assert_eq!((moveo.id.as_str(), &moveo.scopes), ("moveo", &Scopes::Only(vec!["orders:read".into()])));
        assert_eq!(keys.find(b"ops-secret").unwrap().scopes, Scopes::All, "no `scopes`: every scope");
        assert_eq!(keys.find(b"legacy-secret").unwrap().id, "key-3");
        assert_eq!(keys.find(b"moveo"), None, "the id is not a key");
    }

    #[test]
    fn a_broken_named_key_is_refused_without_quoting_any_key() {
        let cases = [
            (r#"[{"key": "hunter2-material"}]"#, 1),
            (r#"["a", {"id": "bad id", "key": "hunter2-material"}]"#, 2),
            (r#"[{"id": "x", "key": ""}]"#, 1),
            (r#"[{"id": "x", "key": "hunter2-material", "scopes": "orders:read"}]"#, 1),
            (r#"[{"id": "x", "key": "hunter2-material", "scopes": ["orders read"]}]"#, 1),
            (r#"[{"id": "x", "key": "hunter2-material", "scope": ["orders:read"]}]"#, 1),
            (r#"[{"id": "x", "key": "hunter2-material"}, {"id": "x", "key": "hunter3-material"}]"#, 2),
        ];
        for (secret, position) in cases {
            let error = ApiKeys::parse(secret).unwrap_err();
            assert!(
                matches!(error, KeyFormatError::BadEntry { position: p, .. } if p == position),
                "{secret}: {error}"
            );
            assert!(!error.to_string().contains("hunter"), "{error}");
        }
    }
}
