//! The `requestState` the MRTR fixtures hand out, integrity-protected as the 2026-07-28 revision
//! requires of state a client could tamper with: `{payload}.{mac}`, both unpadded Base64url, where
//! the payload is JSON `{"tool", "exp", "data"}` and the MAC is HMAC-SHA256 (over the payload's
//! Base64 text). A state is accepted only with a valid MAC, by the tool that issued it, before it
//! expires; anything else is the JSON-RPC error -32602. So a client can neither forge nor alter a
//! state, nor replay it on another tool or after ten minutes.
//!
//! The key: `CONFORMANCE_STATE_KEY` (any text, hashed to 32 bytes) when set, so that every
//! instance behind one endpoint agrees on it, as several Lambda instances must; otherwise 32
//! random bytes drawn once per process. A per-process key only works while one process answers
//! every round of a flow, which holds under `cargo lambda watch` (one instance per function), and
//! `scripts/conformance` sets a fresh key per run all the same.

use std::sync::OnceLock;
use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use lambda_mcp::engine::tools::ToolError;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// How long a state stays valid.
const TTL_SECONDS: u64 = 600;

/// The process's key.
fn key() -> &'static [u8; 32] {
    static KEY: OnceLock<[u8; 32]> = OnceLock::new();
    KEY.get_or_init(|| match std::env::var("CONFORMANCE_STATE_KEY") {
        Ok(text) if !text.is_empty() => Sha256::digest(text.as_bytes()).into(),
        _ => {
            let mut bytes = [0u8; 32];
            let mut random = std::fs::File::open("/dev/urandom").expect("/dev/urandom");
            std::io::Read::read_exact(&mut random, &mut bytes).expect("32 random bytes");
            bytes
        }
    })
}

/// HMAC-SHA256 (RFC 2104) of `message` under `key`.
fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; 32] {
    let mut block = [0u8; 64];
    if key.len() > block.len() {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let pad = |byte: u8| block.map(|b| b ^ byte);
    let inner = Sha256::new().chain_update(pad(0x36)).chain_update(message).finalize();
    Sha256::new().chain_update(pad(0x5c)).chain_update(inner).finalize().into()
}

fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// A state for `tool` carrying `data`.
pub fn seal(tool: &str, data: Value) -> String {
    seal_with(key(), tool, data, now() + TTL_SECONDS)
}

/// The data of a state `tool` issued, or -32602 when the state is forged, altered, another
/// tool's, or expired.
pub fn open(tool: &str, state: &str) -> Result<Value, ToolError> {
    open_with(key(), tool, state, now())
}

/// The data of the request's state, if it carries one (see [`open`]).
pub fn open_optional(tool: &str, state: Option<&str>) -> Result<Option<Value>, ToolError> {
    state.map(|state| open(tool, state)).transpose()
}

fn seal_with(key: &[u8], tool: &str, data: Value, expires: u64) -> String {
    let payload = URL_SAFE_NO_PAD.encode(json!({"tool": tool, "exp": expires, "data": data}).to_string());
    let mac = URL_SAFE_NO_PAD.encode(hmac_sha256(key, payload.as_bytes()));
    format!("{payload}.{mac}")
}

fn open_with(key: &[u8], tool: &str, state: &str, now: u64) -> Result<Value, ToolError> {
    let refuse = |why: &str| ToolError::invalid_params(format!("Invalid params: `requestState` {why}"));
    let (payload, mac) = state.split_once('.').ok_or_else(|| refuse("is malformed"))?;
    let mac = URL_SAFE_NO_PAD.decode(mac).map_err(|_| refuse("failed its integrity check"))?;
    let expected = hmac_sha256(key, payload.as_bytes());
    if !bool::from(expected.as_slice().ct_eq(&mac)) {
        return Err(refuse("failed its integrity check"));
    }
    let payload: Value = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .ok_or_else(|| refuse("is malformed"))?;
    if payload["tool"] != tool {
        return Err(refuse("belongs to another request"));
    }
    if payload["exp"].as_u64().is_none_or(|expires| expires < now) {
        return Err(refuse("has expired; call the tool again without it"));
    }
    Ok(payload["data"].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn hmac_matches_rfc_4231() {
        // Test cases 2 (a short key) and 6 (a key longer than the block).
        let mac = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(hex(&mac), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
        let mac = hmac_sha256(&[0xaa; 131], b"Test Using Larger Than Block-Size Key - Hash Key First");
        assert_eq!(hex(&mac), "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    }

    #[test]
    fn a_state_opens_only_untouched_for_its_tool_before_it_expires() {
        let state = seal_with(b"k", "tool_a", json!({"step": 2}), 100);
        assert_eq!(open_with(b"k", "tool_a", &state, 100).unwrap(), json!({"step": 2}));
        for (key, tool, text, now) in [
            (&b"other key"[..], "tool_a", state.clone(), 100),
            (b"k", "tool_b", state.clone(), 100),
            (b"k", "tool_a", state.clone(), 101),
            (b"k", "tool_a", format!("{state}-TAMPERED"), 100),
            (b"k", "tool_a", state.replace('.', ""), 100),
        ] {
            let error = open_with(key, tool, &text, now).unwrap_err();
            assert!(error.invalid_params, "{text}");
        }
        let (payload, mac) = state.split_once('.').unwrap();
        let forged = URL_SAFE_NO_PAD.encode(
            String::from_utf8(URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap().replace("\"step\":2", "\"step\":3"),
        );
        assert!(open_with(b"k", "tool_a", &format!("{forged}.{mac}"), 100).is_err());
    }
}
