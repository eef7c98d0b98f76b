//! The OAuth access-token verifier, from raw bytes taken as a bearer token, against a fixed key set
//! and fixed claim rules, with no network: JWS splitting and base64url, the header and its
//! algorithm allow-list, the claims, the key lookup and the signature check.
//!
//! Checks: no panic; every input is refused (no input can carry a valid signature by the fixed
//! key, whose private half exists nowhere), with one of the documented reasons.

#![no_main]

use std::time::Duration;

use lambda_mcp::engine::auth::jwt::{ClaimRules, KeySet, looks_like_jwt, verify_with};
use libfuzzer_sys::fuzz_target;

/// A P-256 public key whose private key was discarded when it was made.
const KEYS: &str = r#"{"keys":[{"kty":"EC","crv":"P-256","kid":"fuzz-key","use":"sig",
  "x":"7KEoNhhDxmoaZdoN7NPv_8lGYMKOuFSQoiC-EHIGixA","y":"wm3Awe-pAKFREE0lUBtI07MeCoiR-cOaJ6sAWUhZAbo"}]}"#;
/// 2027-01-15, so claims with plausible times get past the clock checks.
const NOW: f64 = 1_800_000_000.0;
const REASONS: &[&str] = &[
    "malformed",
    "too_large",
    "algorithm",
    "unknown_key",
    "signature",
    "expired",
    "not_yet_valid",
    "issuer",
    "audience",
    "not_access_token",
];

fuzz_target!(|data: &[u8]| {
    let Ok(token) = std::str::from_utf8(data) else { return };
    let keys = KeySet::parse(KEYS.as_bytes()).expect("the fixed key set parses");
    let rules = ClaimRules {
        issuer: "https://issuer.example.com".into(),
        audiences: vec!["https://mcp.example.com/mcp".into()],
        client_ids: vec!["cognito-app".into()],
        scope_prefix: String::new(),
        leeway: Duration::from_secs(30),
        // The identity claim's second pass is fuzzed too.
        identity_claim: Some("email".into()),
    };
    let _ = looks_like_jwt(token);
    match verify_with(&rules, &keys, token, NOW) {
        Ok(_) => panic!("a token without the key's signature was accepted"),
        Err(error) => assert!(REASONS.contains(&error.reason()), "undocumented reason {}", error.reason()),
    }
});
