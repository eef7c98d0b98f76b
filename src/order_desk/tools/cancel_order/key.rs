//! The store request for a confirmed cancellation, and its idempotency key.
//!
//! - An explicit `idempotency_key` is scoped to its caller and order: a generic key an agent
//!   reuses ("cancel-1") cannot block another order, or another caller, for the record's
//!   lifetime.
//! - Without one, the conversation (Moveo's session id) and the order derive it, so a retried
//!   call in the same conversation replays its result.
//! - Without either, the confirmation the call carries derives it: a retry with the same token
//!   replays.

use sha2::{Digest, Sha256};

use super::CancelOrderParams;
use super::confirm::Confirmed;
use crate::order_desk::store::CancelRequest;

/// Hex SHA-256 of `parts`, each followed by a NUL.
pub(super) fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The idempotency key and fingerprint an explicit key or the session gives `params` (for the
/// caller and, in customer-bound deployments, the verified `owner`); `None` without either.
pub(super) fn scoped_key(
    params: &CancelOrderParams,
    caller: &str,
    session: Option<&str>,
    owner: Option<&str>,
) -> Option<(String, String)> {
    let (reason, order, owner) = (params.reason.as_str(), params.order_number.as_str(), owner.unwrap_or_default());
    match (&params.idempotency_key, session) {
        (Some(key), _) => Some((format!("key:{}", digest(&[caller, owner, order, key])), digest(&[order, reason]))),
        (None, Some(session)) => {
            Some((format!("session:{}", digest(&[caller, owner, session, order])), digest(&[order])))
        }
        (None, None) => None,
    }
}

/// The store request for `params`, confirmed by `confirmed`, from `caller` in `session`,
/// restricted to `owner`'s orders in customer-bound deployments.
pub(super) fn request(
    params: &CancelOrderParams,
    caller: &str,
    session: Option<&str>,
    owner: Option<&str>,
    confirmed: &Confirmed,
) -> CancelRequest {
    let reason = params.reason.as_str();
    let order = params.order_number.as_str();
    let (key, fingerprint) = scoped_key(params, caller, session, owner).unwrap_or_else(|| {
        let owner = owner.unwrap_or_default();
        (format!("confirmation:{}", digest(&[caller, owner, &confirmed.proof])), digest(&[order]))
    });
    CancelRequest {
        order_number: order.to_owned(),
        reason: reason.into(),
        idempotency_key: Some(key),
        fingerprint,
        owner: owner.map(str::to_owned),
        expected_total_minor: Some(confirmed.total_minor),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order_desk::tools::cancel_order::CancelReason;

    fn params(key: Option<&str>, reason: CancelReason) -> CancelOrderParams {
        CancelOrderParams {
            order_number: "1000002".into(),
            reason,
            idempotency_key: key.map(Into::into),
            confirmation_token: None,
        }
    }

    fn confirmed(proof: &str) -> Confirmed {
        Confirmed { total_minor: 7812, proof: proof.into() }
    }

    #[test]
    fn an_explicit_key_wins_and_covers_the_reason() {
        let a = request(&params(Some("abcdefgh"), CancelReason::Other), "key-1", Some("s1"), None, &confirmed("t"));
        let b = request(
            &params(Some("abcdefgh"), CancelReason::DuplicateOrder),
            "key-1",
            Some("s2"),
            None,
            &confirmed("u"),
        );
        assert!(a.idempotency_key.as_deref().unwrap().starts_with("key:"));
        assert_eq!(a.idempotency_key, b.idempotency_key, "the conversation and the confirmation do not matter");
        assert_ne!(a.fingerprint, b.fingerprint, "same key, other arguments: refused");
        assert_eq!(a.expected_total_minor, Some(7812), "the confirmed total is what may be cancelled");
    }

    #[test]
    fn an_explicit_key_is_scoped_to_its_order_and_caller() {
        let a = request(&params(Some("cancel-1"), CancelReason::Other), "key-1", None, None, &confirmed("t"));
        let mut other = params(Some("cancel-1"), CancelReason::Other);
        other.order_number = "1000003".into();
        let b = request(&other, "key-1", None, None, &confirmed("t"));
        let c = request(&params(Some("cancel-1"), CancelReason::Other), "key-2", None, None, &confirmed("t"));
        assert_ne!(a.idempotency_key, b.idempotency_key, "one key, two orders: two records");
        assert_ne!(a.idempotency_key, c.idempotency_key, "one key, two callers: two records");
        assert!(!a.idempotency_key.unwrap().contains("cancel-1"), "the key is hashed with its scope");
    }

    #[test]
    fn without_a_key_the_session_and_order_derive_one() {
        let a = request(&params(None, CancelReason::Other), "key-1", Some("session-1"), None, &confirmed("t"));
        let b = request(&params(None, CancelReason::PaymentIssue), "key-1", Some("session-1"), None, &confirmed("u"));
        let c = request(&params(None, CancelReason::Other), "key-1", Some("session-2"), None, &confirmed("t"));
        assert!(a.idempotency_key.as_deref().unwrap().starts_with("session:"));
        assert_eq!((a.idempotency_key.clone(), a.fingerprint.clone()), (b.idempotency_key, b.fingerprint));
        assert_ne!(a.idempotency_key, c.idempotency_key);
        assert!(!a.idempotency_key.unwrap().contains("session-1"), "the session id is hashed");
    }

    #[test]
    fn without_key_or_session_the_confirmation_keys_the_cancellation() {
        let a = request(&params(None, CancelReason::Other), "key-1", None, Some("jane@example.com"), &confirmed("t"));
        let again =
            request(&params(None, CancelReason::Other), "key-1", None, Some("jane@example.com"), &confirmed("t"));
        let other =
            request(&params(None, CancelReason::Other), "key-1", None, Some("jane@example.com"), &confirmed("u"));
        let elsewhere =
            request(&params(None, CancelReason::Other), "key-1", None, Some("joe@example.com"), &confirmed("t"));
        assert_ne!(a.idempotency_key, elsewhere.idempotency_key, "scoped to the verified customer");
        assert!(a.idempotency_key.as_deref().unwrap().starts_with("confirmation:"));
        assert_eq!(a.idempotency_key, again.idempotency_key, "a retry with the same token replays");
        assert_ne!(a.idempotency_key, other.idempotency_key);
        assert_eq!(a.owner.as_deref(), Some("jane@example.com"));
    }
}
