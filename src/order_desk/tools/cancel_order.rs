//! `cancel_order`: cancels a pending or processing order, idempotently.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store_failure;
use crate::engine::tools::texts::{Lang, arg};
use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput};
use crate::order_desk::store::{CancelOutcome, CancelRequest, Money, Order, OrderStatus, OrderStore};
use crate::order_desk::text_safety::{Field, line, markdown};
use crate::order_desk::texts::text;

/// Why the customer wants to cancel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CancelReason {
    CustomerRequest,
    OrderedByMistake,
    DuplicateOrder,
    FoundBetterPrice,
    DeliveryTooSlow,
    PaymentIssue,
    Other,
}

impl CancelReason {
    fn as_str(self) -> &'static str {
        match self {
            CancelReason::CustomerRequest => "customer_request",
            CancelReason::OrderedByMistake => "ordered_by_mistake",
            CancelReason::DuplicateOrder => "duplicate_order",
            CancelReason::FoundBetterPrice => "found_better_price",
            CancelReason::DeliveryTooSlow => "delivery_too_slow",
            CancelReason::PaymentIssue => "payment_issue",
            CancelReason::Other => "other",
        }
    }
}

/// Arguments of `cancel_order`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelOrderParams {
    /// The order number to cancel, 6 to 10 digits without '#', exactly as confirmed by the customer.
    #[schemars(regex(pattern = r"^[0-9]{6,10}$"))]
    pub order_number: String,
    /// Why the customer wants to cancel; use `other` when none fits.
    pub reason: CancelReason,
    /// Optional key that makes retries safe: repeating a call with the same key returns the first result and changes nothing. 8 to 128 letters, digits, '-', '_', '.' or ':'.
    #[schemars(regex(pattern = r"^[A-Za-z0-9_.:-]{8,128}$"))]
    pub idempotency_key: Option<String>,
}

/// The cancellation as `structuredContent`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CancelOrderOutput {
    /// The cancelled order's number.
    pub order_number: String,
    /// Always cancelled.
    pub status: String,
    /// The reason recorded.
    pub reason: String,
    /// When the order was cancelled (RFC 3339).
    pub cancelled_at: String,
    /// The amount refunded to the original payment method.
    pub refund: Money,
    /// True when this repeats the result of an earlier call with the same idempotency key (nothing changed now).
    pub replayed: bool,
}

/// Cancels orders.
#[derive(Debug, Clone)]
pub struct CancelOrder<S> {
    store: Arc<S>,
}

impl<S> CancelOrder<S> {
    /// The tool over `store`.
    pub fn new(store: Arc<S>) -> Self {
        CancelOrder { store }
    }
}

impl<S: OrderStore> Tool for CancelOrder<S> {
    type Params = CancelOrderParams;
    type Output = CancelOrderOutput;

    const NAME: &'static str = "cancel_order";
    const TITLE: &'static str = "Cancel an order";
    const DESCRIPTION: &'static str = "Cancel an order that has not shipped yet. Destructive: the order is cancelled for good and refunded; this cannot be undone.

WHAT: Cancels a pending or processing order, records the reason and refunds the total to the original payment method.

WHEN:
- The customer explicitly asks to cancel a specific order and has confirmed its number
- Only after you have read the order number back to the customer and they said yes

HOW:
- order_number: 6 to 10 digits, never a guess or a partial match
- reason: the closest reason from the list; `other` if none fits
- idempotency_key: optional; reuse the same key when retrying the same cancellation

RETURNS: The cancelled order and the refund amount. An error result that says why and what to tell the customer if the order has shipped, was delivered, is already cancelled, or does not exist.

NOT: To look an order up, use `get_order` or `search_orders`. Shipped or delivered orders cannot be cancelled; do not use this for returns.";
    const ANNOTATIONS: Annotations =
        Annotations { read_only: false, destructive: true, idempotent: true, open_world: false };
    const SCOPE: Option<&'static str> = Some(super::CANCEL);

    async fn call(
        &self,
        params: CancelOrderParams,
        ctx: &CallContext,
    ) -> Result<ToolOutput<CancelOrderOutput>, ToolError> {
        let request = request(&params, ctx.session_id.as_deref());
        let outcome = self.store.cancel_order(&request).await.map_err(|e| store_failure(&e, ctx.lang))?;
        let number = params.order_number.as_str();
        match outcome {
            CancelOutcome::Cancelled { order, replayed } => Ok(answer(order, replayed, ctx.lang)),
            CancelOutcome::NotFound => {
                Err(ToolError::terminal(text(ctx.lang, "cancel-not-found", &[arg("number", number)])))
            }
            CancelOutcome::NotCancellable(order) => Err(ToolError::terminal(refusal(&order, ctx.lang))),
            CancelOutcome::InProgress => {
                Err(ToolError::recoverable(text(ctx.lang, "cancel-in-progress", &[arg("number", number)])))
            }
            CancelOutcome::KeyReused => Err(ToolError::terminal(text(ctx.lang, "cancel-key-reused", &[]))),
        }
    }
}

fn digest(parts: &[&str]) -> String {
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// The store request. An explicit key is scoped to its order, so a generic key an agent reuses
/// ("cancel-1") cannot block another order for the record's lifetime. Without one, a key is
/// derived from the conversation (Moveo's session id) and the order, so a retried call in the
/// same conversation replays its result.
fn request(params: &CancelOrderParams, session_id: Option<&str>) -> CancelRequest {
    let reason = params.reason.as_str();
    let (idempotency_key, fingerprint) = match (&params.idempotency_key, session_id) {
        (Some(key), _) => {
            (Some(format!("key:{}", digest(&[&params.order_number, key]))), digest(&[&params.order_number, reason]))
        }
        (None, Some(session)) => {
            (Some(format!("session:{}", digest(&[session, &params.order_number]))), digest(&[&params.order_number]))
        }
        (None, None) => (None, String::new()),
    };
    CancelRequest { order_number: params.order_number.clone(), reason: reason.into(), idempotency_key, fingerprint }
}

fn refusal(order: &Order, lang: Lang) -> String {
    let id = match order.status {
        OrderStatus::Cancelled => "cancel-already-cancelled",
        OrderStatus::Shipped => "cancel-shipped",
        OrderStatus::Delivered => "cancel-delivered",
        OrderStatus::Returned => "cancel-returned",
        // A pending or processing order is only refused if it changed under us; say it is busy.
        OrderStatus::Pending | OrderStatus::Processing => "cancel-in-progress",
    };
    text(lang, id, &[arg("number", order.number.as_str())])
}

fn answer(order: Order, replayed: bool, lang: Lang) -> ToolOutput<CancelOrderOutput> {
    let output = CancelOrderOutput {
        order_number: order.number.clone(),
        status: OrderStatus::Cancelled.as_str().into(),
        reason: line(Field::Code, order.cancel_reason.as_deref().unwrap_or_default()),
        cancelled_at: order.updated_at.clone(),
        refund: Money { amount_minor: order.total_minor, currency: order.currency.clone() },
        replayed,
    };
    let when = if replayed {
        "was cancelled by an earlier identical request (nothing changed now)"
    } else {
        "is now **cancelled**"
    };
    let body = format!(
        "Order #{} {when}; reason: {}. Refund: {} to the original payment method.\n{}",
        output.order_number,
        markdown(&output.reason.replace('_', " ")),
        output.refund.display(),
        text(lang, "cancel-done", &[])
    );
    let number = output.order_number.clone();
    ToolOutput::new(body, output).with_session_value("cancelled_order_number", number)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(key: Option<&str>, reason: CancelReason) -> CancelOrderParams {
        CancelOrderParams { order_number: "1000002".into(), reason, idempotency_key: key.map(Into::into) }
    }

    #[test]
    fn an_explicit_key_wins_and_covers_the_reason() {
        let a = request(&params(Some("abcdefgh"), CancelReason::Other), Some("s1"));
        let b = request(&params(Some("abcdefgh"), CancelReason::DuplicateOrder), Some("s2"));
        assert!(a.idempotency_key.as_deref().unwrap().starts_with("key:"));
        assert_eq!(a.idempotency_key, b.idempotency_key, "the conversation does not matter");
        assert_ne!(a.fingerprint, b.fingerprint, "same key, other arguments: refused");
    }

    #[test]
    fn an_explicit_key_is_scoped_to_its_order() {
        let a = request(&params(Some("cancel-1"), CancelReason::Other), None);
        let mut other = params(Some("cancel-1"), CancelReason::Other);
        other.order_number = "1000003".into();
        let b = request(&other, None);
        assert_ne!(a.idempotency_key, b.idempotency_key, "one key, two orders: two records");
        assert!(!a.idempotency_key.unwrap().contains("cancel-1"), "the key is hashed with its scope");
    }

    #[test]
    fn without_a_key_the_session_and_order_derive_one() {
        let a = request(&params(None, CancelReason::Other), Some("session-1"));
        let b = request(&params(None, CancelReason::PaymentIssue), Some("session-1"));
        let c = request(&params(None, CancelReason::Other), Some("session-2"));
        assert!(a.idempotency_key.as_deref().unwrap().starts_with("session:"));
        assert_eq!((a.idempotency_key.clone(), a.fingerprint.clone()), (b.idempotency_key, b.fingerprint));
        assert_ne!(a.idempotency_key, c.idempotency_key);
        assert!(!a.idempotency_key.unwrap().contains("session-1"), "the session id is hashed");
    }

    #[test]
    fn without_key_or_session_only_the_status_condition_protects() {
        assert_eq!(request(&params(None, CancelReason::Other), None).idempotency_key, None);
    }
}

/// The tool against the in-memory store: every cancellation outcome and each language.
#[cfg(test)]
mod behaviour {
    use serde_json::json;

    use super::digest;
    use crate::engine::tools::CallOutcome;
    use crate::engine::tools::texts::Lang;
    use crate::order_desk::registry;
    use crate::order_desk::store::OrderStatus;
    use crate::order_desk::tools::testing::{call, context, order_in, store};

    #[tokio::test]
    async fn a_pending_order_is_cancelled_once_and_a_retry_replays() {
        let tools = registry(store());
        let number = order_in(OrderStatus::Pending).number.clone();
        let args = json!({"order_number": number, "reason": "customer_request", "idempotency_key": "retry-key-1"});
        let first = call(&tools, "cancel_order", args.clone(), &context(Lang::En)).await;
        assert_eq!(first.outcome, CallOutcome::Ok, "{}", first.text());
        assert!(first.text().starts_with(&format!("Order #{number} is now **cancelled**")), "{}", first.text());
        assert_eq!(first.result["structuredContent"]["replayed"], false);
        let again = call(&tools, "cancel_order", args, &context(Lang::En)).await;
        assert_eq!(again.result["structuredContent"]["replayed"], true);
        assert_eq!(
            again.result["structuredContent"]["cancelled_at"],
            first.result["structuredContent"]["cancelled_at"]
        );
        let order = call(&tools, "get_order", json!({"order_number": number}), &context(Lang::En)).await;
        assert_eq!(order.result["structuredContent"]["status"], "cancelled");
    }

    #[tokio::test]
    async fn the_same_session_retrying_without_a_key_replays() {
        let tools = registry(store());
        let number = order_in(OrderStatus::Processing).number.clone();
        let args = json!({"order_number": number, "reason": "other"});
        let first = call(&tools, "cancel_order", args.clone(), &context(Lang::En)).await;
        let again = call(&tools, "cancel_order", args, &context(Lang::En)).await;
        assert_eq!(
            (
                first.result["structuredContent"]["replayed"].clone(),
                again.result["structuredContent"]["replayed"].clone()
            ),
            (json!(false), json!(true))
        );
    }

    #[tokio::test]
    async fn orders_past_cancelling_are_refused_with_what_to_tell_the_customer() {
        let tools = registry(store());
        for (status, says) in [
            (OrderStatus::Shipped, "has already shipped"),
            (OrderStatus::Delivered, "was already delivered"),
            (OrderStatus::Cancelled, "was already cancelled"),
            (OrderStatus::Returned, "was returned"),
        ] {
            let number = &order_in(status).number;
            let args = json!({"order_number": number, "reason": "customer_request"});
            let answer = call(&tools, "cancel_order", args, &context(Lang::En)).await;
            assert!(answer.is_error() && answer.outcome == CallOutcome::ToolError, "{status:?}");
            assert!(answer.text().starts_with(&format!("Order {number} {says}")), "{}", answer.text());
        }
        let missing =
            call(&tools, "cancel_order", json!({"order_number": "99999999", "reason": "other"}), &context(Lang::En))
                .await;
        assert!(missing.text().starts_with("Order 99999999 was not found, so nothing was cancelled"));
    }

    #[tokio::test]
    async fn a_key_used_for_other_arguments_or_still_held_changes_nothing() {
        let store = store();
        let tools = registry(store.clone());
        let number = order_in(OrderStatus::Pending).number.clone();
        let first = json!({"order_number": number, "reason": "customer_request", "idempotency_key": "shared-key-1"});
        call(&tools, "cancel_order", first, &context(Lang::En)).await;
        let other = json!({"order_number": number, "reason": "duplicate_order", "idempotency_key": "shared-key-1"});
        let reused = call(&tools, "cancel_order", other, &context(Lang::En)).await;
        assert!(reused.is_error() && reused.text().contains("idempotency key was already used"), "{}", reused.text());
        let pending = order_in(OrderStatus::Processing).number.clone();
        let held_key = format!("key:{}", digest(&[&pending, "held-key-01"]));
        store.hold_key(&held_key, &digest(&[&pending, "other"]));
        let held = json!({"order_number": pending, "reason": "other", "idempotency_key": "held-key-01"});
        let busy = call(&tools, "cancel_order", held, &context(Lang::En)).await;
        assert!(busy.is_error() && busy.text().contains("already being processed"), "{}", busy.text());
        let order = call(&tools, "get_order", json!({"order_number": pending}), &context(Lang::En)).await;
        assert_eq!(order.result["structuredContent"]["status"], "processing", "nothing changed while held");
    }

    #[tokio::test]
    async fn refusals_follow_the_conversations_language() {
        let tools = registry(store());
        let number = &order_in(OrderStatus::Shipped).number;
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let args = json!({"order_number": number, "reason": "customer_request"});
            let answer = call(&tools, "cancel_order", args, &context(lang)).await;
            assert!(answer.text().contains(number.as_str()));
            texts.push(answer.text().to_owned());
        }
        texts.dedup();
        assert_eq!(texts.len(), Lang::ALL.len());
    }
}
