//! `cancel_order` against the in-memory store: the confirmation steps (two-step token and
//! elicitation), every cancellation outcome, idempotency and each language.

use std::sync::Arc;

use serde_json::{Map, Value, json};

use super::key::digest;
use crate::engine::auth::Caller;
use crate::engine::tools::texts::Lang;
use crate::engine::tools::{CallContext, CallOutcome, ToolRegistry};
use crate::order_desk::registry;
use crate::order_desk::store::OrderStatus;
use crate::order_desk::store::memory::MemoryStore;
use crate::order_desk::tools::testing::{Answer, call, context, demo, order_in, store};

/// Both steps of the two-step form: the preview, then the call with its token.
async fn confirm_and_cancel(tools: &ToolRegistry, args: Value, ctx: &CallContext) -> Answer {
    let preview = call(tools, "cancel_order", args.clone(), ctx).await;
    assert_eq!(preview.result["structuredContent"]["status"], "confirmation_required", "{}", preview.text());
    let token = preview.result["structuredContent"]["confirmation_token"].clone();
    let mut confirmed = args;
    confirmed["confirmation_token"] = token;
    call(tools, "cancel_order", confirmed, ctx).await
}

/// A 2026-07-28 context whose client declared `capabilities`.
fn modern(capabilities: Value) -> CallContext {
    CallContext { client_capabilities: capabilities.as_object().cloned(), ..context(Lang::En) }
}

#[tokio::test]
async fn the_first_call_previews_and_cancels_nothing() {
    let tools = registry(store());
    let order = order_in(OrderStatus::Pending);
    let args = json!({"order_number": order.number, "reason": "customer_request"});
    let preview = call(&tools, "cancel_order", args, &context(Lang::En)).await;
    assert_eq!(preview.outcome, CallOutcome::Ok, "{}", preview.text());
    let s = &preview.result["structuredContent"];
    assert_eq!(
        (s["status"].clone(), s["refund"]["amount_minor"].clone()),
        (json!("confirmation_required"), json!(order.total_minor))
    );
    assert!(s["confirmation_token"].as_str().is_some_and(|t| preview.text().contains(t)));
    assert!(preview.text().contains("Nothing has been cancelled yet"), "{}", preview.text());
    assert!(preview.result.get("_meta").is_none(), "nothing to write back yet");
    let after = call(&tools, "get_order", json!({"order_number": order.number}), &context(Lang::En)).await;
    assert_eq!(after.result["structuredContent"]["status"], "pending");
}

#[tokio::test]
async fn a_pending_order_is_cancelled_once_and_a_retry_replays() {
    let tools = registry(store());
    let number = order_in(OrderStatus::Pending).number.clone();
    let args = json!({"order_number": number, "reason": "customer_request", "idempotency_key": "retry-key-1"});
    let first = confirm_and_cancel(&tools, args.clone(), &context(Lang::En)).await;
    assert_eq!(first.outcome, CallOutcome::Ok, "{}", first.text());
    assert!(first.text().starts_with(&format!("Order #{number} is now **cancelled**")), "{}", first.text());
    assert_eq!(first.result["structuredContent"]["replayed"], false);
    // A retry with the same key replays without asking again; without it, the order is cancelled.
    let again = call(&tools, "cancel_order", args, &context(Lang::En)).await;
    assert_eq!(again.result["structuredContent"]["replayed"], true, "{}", again.text());
    let mut other_key = json!({"order_number": number, "reason": "customer_request", "idempotency_key": "other-key-1"});
    let fresh = call(&tools, "cancel_order", other_key.take(), &context(Lang::En)).await;
    assert!(fresh.is_error() && fresh.text().contains("already cancelled"), "{}", fresh.text());
    let order = call(&tools, "get_order", json!({"order_number": number}), &context(Lang::En)).await;
    assert_eq!(order.result["structuredContent"]["status"], "cancelled");
}

#[tokio::test]
async fn a_retry_of_the_confirmed_call_replays_without_key_or_session() {
    let tools = registry(store());
    let number = order_in(OrderStatus::Processing).number.clone();
    let ctx = CallContext { session_id: None, ..context(Lang::En) };
    let args = json!({"order_number": number, "reason": "other"});
    let preview = call(&tools, "cancel_order", args.clone(), &ctx).await;
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview.result["structuredContent"]["confirmation_token"].clone();
    let first = call(&tools, "cancel_order", confirmed.clone(), &ctx).await;
    let again = call(&tools, "cancel_order", confirmed, &ctx).await;
    let replayed = |a: &Answer| a.result["structuredContent"]["replayed"].clone();
    assert_eq!((replayed(&first), replayed(&again)), (json!(false), json!(true)), "{}", again.text());
}

#[tokio::test]
async fn a_token_works_only_for_its_order_and_caller() {
    let tools = registry(store());
    let number = order_in(OrderStatus::Pending).number.clone();
    let preview =
        call(&tools, "cancel_order", json!({"order_number": number, "reason": "other"}), &context(Lang::En)).await;
    let token = preview.result["structuredContent"]["confirmation_token"].as_str().unwrap().to_owned();
    let other_order = order_in(OrderStatus::Processing).number.clone();
    let stranger = CallContext { caller: Caller::with_id("key-2"), ..context(Lang::En) };
    let (payload, mac) = token.split_once('.').unwrap();
    let tampered = format!("{payload}x.{mac}");
    for (args, ctx) in [
        (json!({"order_number": other_order, "reason": "other", "confirmation_token": token}), context(Lang::En)),
        (json!({"order_number": number, "reason": "other", "confirmation_token": token}), stranger),
        (json!({"order_number": number, "reason": "other", "confirmation_token": tampered}), context(Lang::En)),
    ] {
        let answer = call(&tools, "cancel_order", args, &ctx).await;
        assert!(answer.is_error() && answer.text().contains("not valid"), "{}", answer.text());
    }
    let order = call(&tools, "get_order", json!({"order_number": number}), &context(Lang::En)).await;
    assert_eq!(order.result["structuredContent"]["status"], "pending", "nothing changed");
}

#[tokio::test]
async fn an_order_whose_total_changed_since_the_confirmation_is_not_cancelled() {
    let order = order_in(OrderStatus::Pending).clone();
    let args = json!({"order_number": order.number, "reason": "other"});
    let preview = call(&registry(store()), "cancel_order", args.clone(), &context(Lang::En)).await;
    let mut data = demo().clone();
    data.orders.iter_mut().filter(|d| d.order.number == order.number).for_each(|d| d.order.total_minor += 100);
    let changed = registry(Arc::new(MemoryStore::new(data.customers, data.orders)));
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview.result["structuredContent"]["confirmation_token"].clone();
    let answer = call(&changed, "cancel_order", confirmed, &context(Lang::En)).await;
    assert!(answer.is_error() && answer.text().contains("changed since the customer confirmed"), "{}", answer.text());
}

#[tokio::test]
async fn a_client_that_elicits_asks_the_user_and_cancels_only_on_yes() {
    let tools = registry(store());
    let ctx = modern(json!({"elicitation": {}}));
    let number = order_in(OrderStatus::Pending).number.clone();
    let args = json!({"order_number": number, "reason": "customer_request"});
    let asked = call(&tools, "cancel_order", args.clone(), &ctx).await;
    assert_eq!(asked.result["resultType"], "input_required", "{}", asked.result);
    let request = &asked.result["inputRequests"]["confirm_cancellation"];
    assert_eq!(request["method"], "elicitation/create");
    assert!(request["params"]["message"].as_str().unwrap().contains(&number));
    let state = asked.result["requestState"].as_str().unwrap().to_owned();
    let answer = |action: Value| {
        let mut responses = Map::new();
        responses.insert("confirm_cancellation".into(), action);
        CallContext { input_responses: Some(responses), request_state: Some(state.clone()), ..ctx.clone() }
    };
    let declined = call(&tools, "cancel_order", args.clone(), &answer(json!({"action": "decline"}))).await;
    assert_eq!(declined.result["structuredContent"]["status"], "not_cancelled", "{}", declined.text());
    let no =
        call(&tools, "cancel_order", args.clone(), &answer(json!({"action": "accept", "content": {"confirm": false}})))
            .await;
    assert_eq!(no.result["structuredContent"]["status"], "not_cancelled");
    let yes = answer(json!({"action": "accept", "content": {"confirm": true}}));
    let done = call(&tools, "cancel_order", args.clone(), &yes).await;
    assert_eq!(done.result["structuredContent"]["status"], "cancelled", "{}", done.text());
    let mut forged = yes.clone();
    forged.request_state = Some(format!("{state}x"));
    let refused = call(&tools, "cancel_order", args, &forged).await;
    assert_eq!(refused.outcome, CallOutcome::InvalidParams, "a tampered state is -32602");
}

#[tokio::test]
async fn a_modern_client_without_elicitation_gets_the_two_step_form() {
    let tools = registry(store());
    let number = order_in(OrderStatus::Pending).number.clone();
    let done = confirm_and_cancel(&tools, json!({"order_number": number, "reason": "other"}), &modern(json!({}))).await;
    assert_eq!(done.result["structuredContent"]["status"], "cancelled", "{}", done.text());
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
        call(&tools, "cancel_order", json!({"order_number": "99999999", "reason": "other"}), &context(Lang::En)).await;
    assert!(missing.text().starts_with("Order 99999999 was not found, so nothing was cancelled"));
}

#[tokio::test]
async fn a_key_used_for_other_arguments_or_still_held_changes_nothing() {
    let store = store();
    let tools = registry(store.clone());
    let number = order_in(OrderStatus::Pending).number.clone();
    let first = json!({"order_number": number, "reason": "customer_request", "idempotency_key": "shared-key-1"});
    confirm_and_cancel(&tools, first, &context(Lang::En)).await;
    let pending = order_in(OrderStatus::Processing).number.clone();
    let held_key = format!("key:{}", digest(&["key-1", "", &pending, "held-key-01"]));
    store.hold_key(&held_key, &digest(&[&pending, "other"]));
    let held = json!({"order_number": pending, "reason": "other", "idempotency_key": "held-key-01"});
    let busy = confirm_and_cancel(&tools, held, &context(Lang::En)).await;
    assert!(busy.is_error() && busy.text().contains("already being processed"), "{}", busy.text());
    store.hold_key(&held_key, &digest(&[&pending, "payment_issue"]));
    let other = json!({"order_number": pending, "reason": "other", "idempotency_key": "held-key-01"});
    let reused = confirm_and_cancel(&tools, other, &context(Lang::En)).await;
    assert!(reused.is_error() && reused.text().contains("idempotency key was already used"), "{}", reused.text());
    let order = call(&tools, "get_order", json!({"order_number": pending}), &context(Lang::En)).await;
    assert_eq!(order.result["structuredContent"]["status"], "processing", "nothing changed while held");
}

#[tokio::test]
async fn refusals_and_previews_follow_the_conversations_language() {
    let tools = registry(store());
    for (status, number) in [
        (OrderStatus::Shipped, &order_in(OrderStatus::Shipped).number),
        (OrderStatus::Pending, &order_in(OrderStatus::Pending).number),
    ] {
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let args = json!({"order_number": number, "reason": "customer_request"});
            let answer = call(&tools, "cancel_order", args, &context(lang)).await;
            assert!(answer.text().contains(number.as_str()));
            texts.push(answer.text().split("confirmation_token").next().unwrap_or_default().to_owned());
        }
        texts.dedup();
        assert_eq!(texts.len(), Lang::ALL.len(), "{status:?}");
    }
}
