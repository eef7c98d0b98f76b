//! Every tool in a customer-bound deployment, against the in-memory store: the verified customer
//! sees their own data; another customer's order answers exactly like a missing one (same text,
//! same store calls), another customer's email like an unknown one; no verified customer is an
//! `isError` asking to verify first, in each language; session variables the tools write back
//! never stand in for the verified customer.

use std::sync::Arc;

use serde_json::{Value, json};

use crate::engine::tools::texts::Lang;
use crate::engine::tools::{CallContext, ToolRegistry};
use crate::order_desk::guard::{Guard, KeySource};
use crate::order_desk::registry_with;
use crate::order_desk::store::memory::MemoryStore;
use crate::order_desk::store::{Order, OrderStatus};
use crate::order_desk::texts::text;
use crate::order_desk::tools::testing::{call, context, demo};
use crate::order_desk::trust::{IdentitySource, TrustModel};

const VARIABLE: &str = "verified_customer_email";

fn bound() -> (ToolRegistry, Arc<MemoryStore>) {
    let data = demo();
    let store = Arc::new(MemoryStore::new(data.customers.clone(), data.orders.clone()));
    let trust = TrustModel::CustomerBound(IdentitySource::SessionVariable(VARIABLE.into()));
    let key = crate::order_desk::confirmation::SigningKey::from_secret("customer-bound tests");
    (registry_with(store.clone(), Arc::new(Guard::new(trust, KeySource::Fixed(key)))), store)
}

/// A context whose session says `verified` is the verified customer, plus `extra` variables.
fn as_customer(verified: Option<&str>, extra: Value, lang: Lang) -> CallContext {
    let mut session = extra.as_object().cloned().unwrap_or_default();
    if let Some(email) = verified {
        session.insert(VARIABLE.into(), json!(email));
    }
    CallContext { session_context: Some(session), ..context(lang) }
}

/// Two customers with cancellable orders: (the verified one's order, someone else's order).
fn two_customers() -> (&'static Order, &'static Order) {
    let open = |o: &&Order| o.status == OrderStatus::Pending || o.status == OrderStatus::Processing;
    let mine = demo().orders.iter().map(|d| &d.order).find(open).unwrap();
    let theirs = demo().orders.iter().map(|d| &d.order).filter(open).find(|o| o.customer_email != mine.customer_email);
    (mine, theirs.unwrap())
}

/// The calls of every tool by order number.
fn by_number(number: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("get_order", json!({"order_number": number})),
        ("search_orders", json!({"order_number": number})),
        ("cancel_order", json!({"order_number": number, "reason": "other"})),
    ]
}

#[tokio::test]
async fn another_customers_order_answers_exactly_like_a_missing_one() {
    let (tools, store) = bound();
    let (mine, theirs) = two_customers();
    let ctx = as_customer(Some(&mine.customer_email), json!({}), Lang::En);
    for ((tool, foreign), (_, missing)) in by_number(&theirs.number).into_iter().zip(by_number("99999999")) {
        store.take_calls();
        let foreign_answer = call(&tools, tool, foreign, &ctx).await;
        let foreign_calls = store.take_calls();
        let missing_answer = call(&tools, tool, missing, &ctx).await;
        let missing_calls = store.take_calls();
        let shown = foreign_answer.result.to_string().replace(&theirs.number, "99999999");
        assert_eq!(shown, missing_answer.result.to_string(), "{tool}: the same answer");
        assert_eq!(foreign_calls, missing_calls, "{tool}: the same store calls");
        // The order itself is never read: only the verified customer's own orders are.
        assert!(foreign_calls.contains(&"owns_order"), "{tool}: {foreign_calls:?}");
        assert!(!foreign_calls.iter().any(|c| ["order_head", "get_order"].contains(c)), "{tool}: {foreign_calls:?}");
        assert!(!shown.contains(&theirs.customer_email) && !shown.contains(&theirs.customer_name));
    }
}

#[tokio::test]
async fn the_own_order_is_read_only_after_it_is_found_among_the_customers_orders() {
    let (tools, store) = bound();
    let (mine, _) = two_customers();
    let ctx = as_customer(Some(&mine.customer_email), json!({}), Lang::En);
    // get_order reads the whole order after the check (it holds the head): no separate head read.
    for (tool, calls) in
        [("get_order", vec!["owns_order", "get_order"]), ("search_orders", vec!["owns_order", "order_head"])]
    {
        store.take_calls();
        let answer = call(&tools, tool, json!({"order_number": mine.number}), &ctx).await;
        assert!(!answer.is_error(), "{tool}: {}", answer.text());
        assert_eq!(store.take_calls(), calls, "{tool}");
    }
}

#[tokio::test]
async fn another_customers_email_answers_like_an_unknown_one() {
    let (tools, store) = bound();
    let (mine, theirs) = two_customers();
    let ctx = as_customer(Some(&mine.customer_email), json!({}), Lang::En);
    for tool in ["search_orders", "get_customer"] {
        store.take_calls();
        let foreign = call(&tools, tool, json!({"email": theirs.customer_email}), &ctx).await;
        let foreign_calls = store.take_calls();
        let unknown = call(&tools, tool, json!({"email": "nobody@example.com"}), &ctx).await;
        let shown = foreign.result.to_string().replace(&theirs.customer_email, "nobody@example.com");
        assert_eq!(shown, unknown.result.to_string(), "{tool}");
        assert_eq!(foreign_calls, store.take_calls(), "{tool}: the same store calls (none)");
    }
}

#[tokio::test]
async fn the_verified_customer_sees_and_cancels_their_own_orders() {
    let (tools, _) = bound();
    let (mine, _) = two_customers();
    let ctx = as_customer(Some(&mine.customer_email.to_uppercase()), json!({}), Lang::En);
    let order = call(&tools, "get_order", json!({"order_number": mine.number}), &ctx).await;
    assert!(!order.is_error(), "{}", order.text());
    let found = call(&tools, "search_orders", json!({"email": mine.customer_email}), &ctx).await;
    assert!(!found.result["structuredContent"]["orders"].as_array().unwrap().is_empty(), "{}", found.text());
    let profile = call(&tools, "get_customer", json!({"email": mine.customer_email}), &ctx).await;
    assert!(!profile.is_error(), "{}", profile.text());
    let args = json!({"order_number": mine.number, "reason": "other"});
    let preview = call(&tools, "cancel_order", args.clone(), &ctx).await;
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview.result["structuredContent"]["confirmation_token"].clone();
    let done = call(&tools, "cancel_order", confirmed.clone(), &ctx).await;
    assert_eq!(done.result["structuredContent"]["status"], "cancelled", "{}", done.text());
    let other = as_customer(Some(&two_customers().1.customer_email), json!({}), Lang::En);
    let stolen = call(&tools, "cancel_order", confirmed, &other).await;
    assert!(stolen.is_error() && stolen.text().contains("not valid"), "a token is bound to its customer");
}

#[tokio::test]
async fn without_a_verified_customer_every_tool_asks_to_verify_first_in_the_conversations_language() {
    let (tools, store) = bound();
    let (_, theirs) = two_customers();
    let mut calls = by_number(&theirs.number);
    calls.push(("search_orders", json!({"email": theirs.customer_email})));
    calls.push(("get_customer", json!({"email": theirs.customer_email})));
    for lang in Lang::ALL {
        // The email a tool wrote back earlier is in the session, but it verifies nothing.
        let ctx = as_customer(None, json!({"customer_email": theirs.customer_email}), lang);
        for (tool, args) in &calls {
            let answer = call(&tools, tool, args.clone(), &ctx).await;
            assert!(answer.is_error(), "{tool}");
            assert_eq!(answer.text(), text(lang, "customer-not-verified", &[]), "{tool} in {}", lang.tag());
        }
    }
    assert_eq!(store.take_calls(), Vec::<&str>::new(), "nothing was read");
}

#[tokio::test]
async fn session_values_a_tool_wrote_do_not_widen_access() {
    let (tools, _) = bound();
    let (mine, theirs) = two_customers();
    // get_order writes the order's customer email back; the verified customer stays the same.
    let ctx = as_customer(Some(&mine.customer_email), json!({}), Lang::En);
    let own = call(&tools, "get_order", json!({"order_number": mine.number}), &ctx).await;
    let written = own.result["_meta"]["moveo/context"]["context"].clone();
    assert_eq!(written["customer_email"], json!(mine.customer_email), "only the verified customer is written");
    let mut session = written.as_object().cloned().unwrap();
    session.insert("customer_email".into(), json!(theirs.customer_email));
    session.insert("order_number".into(), json!(theirs.number));
    session.insert(VARIABLE.into(), json!(mine.customer_email));
    let ctx = CallContext { session_context: Some(session), ..context(Lang::En) };
    let profile = call(&tools, "get_customer", json!({"email": theirs.customer_email}), &ctx).await;
    assert!(profile.is_error() && profile.text().starts_with("No customer with email"), "{}", profile.text());
    let order = call(&tools, "get_order", json!({"order_number": theirs.number}), &ctx).await;
    assert!(order.is_error() && order.text().starts_with("No order with number"), "{}", order.text());
}

#[tokio::test]
async fn a_token_claim_binds_the_tools_to_the_token_holder_and_nothing_else_stands_in() {
    use crate::engine::auth::{Caller, IdentityClaim, Via};
    let data = demo();
    let store = Arc::new(MemoryStore::new(data.customers.clone(), data.orders.clone()));
    let trust = TrustModel::CustomerBound(IdentitySource::TokenClaim("email".into()));
    let key = crate::order_desk::confirmation::SigningKey::from_secret("customer-bound tests");
    let tools = registry_with(store, Arc::new(Guard::new(trust, KeySource::Fixed(key))));
    let (mine, theirs) = two_customers();
    let holder = |claim: Option<&str>| CallContext {
        caller: Caller { identity_claim: claim.map(IdentityClaim::new), ..Caller::with_id("user-1").via(Via::OAuth) },
        ..as_customer(Some(&theirs.customer_email), json!({}), Lang::En)
    };
    let me = holder(Some(&mine.customer_email));
    let own = call(&tools, "get_order", json!({"order_number": mine.number}), &me).await;
    assert!(!own.is_error(), "{}", own.text());
    let foreign = call(&tools, "get_order", json!({"order_number": theirs.number}), &me).await;
    let missing = call(&tools, "get_order", json!({"order_number": "99999999"}), &me).await;
    assert_eq!(foreign.result.to_string().replace(&theirs.number, "99999999"), missing.result.to_string());
    // No claim: the session variable naming the other customer does not stand in.
    let unverified = call(&tools, "get_order", json!({"order_number": theirs.number}), &holder(None)).await;
    assert_eq!(unverified.text(), text(Lang::En, "customer-not-verified", &[]));
}
