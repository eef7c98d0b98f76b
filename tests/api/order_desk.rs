//! The order desk's tools end to end against moto: searches, profiles, cancellations
//! (idempotent and race-safe), localisation and session write-back.

use lambda_mcp::order_desk::store::OrderStatus;
use serde_json::{Value, json};

use crate::helpers::{
    app, call_tool, call_tool_as, cancel_confirmed, confirmation_token, data_set, fresh_app, text_of,
};

fn first_in(status: OrderStatus) -> String {
    data_set().orders.iter().find(|o| o.order.status == status).unwrap().order.number.clone()
}

fn customer_with_orders(min: u32) -> (String, u32) {
    let customer = data_set().customers.into_iter().find(|c| c.order_count >= min).unwrap();
    (customer.email, customer.order_count)
}

#[tokio::test]
async fn search_by_email_lists_the_newest_orders_first_and_says_more_exist() {
    let app = app().await;
    let (email, count) = customer_with_orders(7);
    let result = call_tool(&app, "search_orders", json!({"email": email, "limit": 3})).await;
    assert_eq!(result["isError"], false, "{result}");
    let orders = result["structuredContent"]["orders"].as_array().unwrap();
    assert_eq!(orders.len(), 3);
    let dates: Vec<&str> = orders.iter().map(|o| o["placed_at"].as_str().unwrap()).collect();
    assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
    assert_eq!(result["structuredContent"]["total_orders"], count);
    assert_eq!(result["structuredContent"]["more_available"], true);
    let text = text_of(&result);
    assert!(text.starts_with(&format!("Found 3 orders for {email} (showing the newest 3 of {count})")), "{text}");
    assert!(text.contains("More orders exist") && text.contains("Ask the customer which order"), "{text}");
    assert_eq!(result["_meta"]["moveo/context"]["context"]["customer_email"], email);
    assert_eq!(result["_meta"]["moveo/context"]["context"]["order_numbers"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn search_by_email_is_case_insensitive_and_filters_by_status() {
    let app = app().await;
    let (email, _) = customer_with_orders(5);
    let all = call_tool(&app, "search_orders", json!({"email": email.to_uppercase(), "limit": 20})).await;
    let statuses: Vec<String> = all["structuredContent"]["orders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["status"].as_str().unwrap().to_owned())
        .collect();
    assert!(!statuses.is_empty());
    let wanted = statuses[0].clone();
    let filtered = call_tool(&app, "search_orders", json!({"email": email, "status": wanted, "limit": 20})).await;
    let got = filtered["structuredContent"]["orders"].as_array().unwrap();
    assert_eq!(got.len(), statuses.iter().filter(|s| **s == wanted).count());
    assert!(got.iter().all(|o| o["status"] == json!(wanted)));
}

#[tokio::test]
async fn search_by_number_finds_one_order_and_writes_it_back() {
    let app = app().await;
    let result = call_tool(&app, "search_orders", json!({"order_number": "1000001"})).await;
    assert_eq!(result["structuredContent"]["orders"][0]["order_number"], "1000001");
    assert!(text_of(&result).starts_with("Found 1 order for order number 1000001:"));
    assert_eq!(result["_meta"]["moveo/context"]["context"]["order_number"], "1000001");
    let filtered = call_tool(&app, "search_orders", json!({"order_number": "1000001", "status": "pending"})).await;
    assert_eq!(filtered["structuredContent"]["orders"], json!([]));
    assert!(text_of(&filtered).contains("in status pending"));
}

#[tokio::test]
async fn an_empty_search_is_an_answer_with_a_next_step_not_an_error() {
    let app = app().await;
    let result = call_tool(&app, "search_orders", json!({"email": "nobody@example.com"})).await;
    assert_eq!(result["isError"], false);
    assert_eq!(result["structuredContent"]["orders"], json!([]));
    assert!(text_of(&result).contains("Ask the customer to confirm the email"), "{}", text_of(&result));
}

#[tokio::test]
async fn search_needs_exactly_one_of_number_and_email() {
    let app = app().await;
    for arguments in [json!({}), json!({"order_number": "1000001", "email": "jane.doe@example.com"})] {
        let result = call_tool(&app, "search_orders", arguments).await;
        assert_eq!(result["isError"], true);
        assert!(text_of(&result).contains("either `order_number` or `email`"));
    }
    let bad = call_tool(&app, "search_orders", json!({"email": "not-an-email"})).await;
    assert!(text_of(&bad).contains("valid email address"));
    let bad = call_tool(&app, "search_orders", json!({"email": "a@b.co", "limit": 0})).await;
    assert!(text_of(&bad).contains("`limit` must be at least 1"));
    let bad = call_tool(&app, "search_orders", json!({"email": "a@b.co", "status": "lost"})).await;
    assert!(text_of(&bad).contains("`status` must be one of"));
}

#[tokio::test]
async fn get_customer_returns_the_profile_and_recent_orders() {
    let app = app().await;
    let result = call_tool(&app, "get_customer", json!({"email": "jane.doe@example.com"})).await;
    assert_eq!(result["isError"], false, "{result}");
    let c = &result["structuredContent"];
    assert_eq!(c["name"], "Jane Doe");
    let recent = c["recent_orders"].as_array().unwrap();
    assert!(!recent.is_empty() && recent.len() <= 5);
    assert!(c["order_count"].as_u64().unwrap() as usize >= recent.len());
    assert!(text_of(&result).starts_with("Jane Doe (jane.doe@example.com) is a"), "{}", text_of(&result));
    let missing = call_tool(&app, "get_customer", json!({"email": "ghost@example.com"})).await;
    assert_eq!(missing["isError"], true);
    assert!(text_of(&missing).contains("ghost@example.com"));
}

#[tokio::test]
async fn cancelling_a_pending_order_changes_it_once_and_a_retry_replays() {
    let (app, _) = fresh_app().await;
    let number = first_in(OrderStatus::Pending);
    let mut args =
        json!({"order_number": number, "reason": "ordered_by_mistake", "idempotency_key": "retry-test-0001"});
    args["confirmation_token"] = json!(confirmation_token(&app, &args).await);
    let first = call_tool(&app, "cancel_order", args.clone()).await;
    assert_eq!(first["isError"], false, "{first}");
    assert_eq!(first["structuredContent"]["replayed"], false);
    assert!(text_of(&first).contains("is now **cancelled**"));
    assert_eq!(first["_meta"]["moveo/context"]["context"]["cancelled_order_number"], number);
    let again = call_tool(&app, "cancel_order", args).await;
    assert_eq!(again["isError"], false, "{again}");
    assert_eq!(again["structuredContent"]["replayed"], true);
    assert_eq!(again["structuredContent"]["cancelled_at"], first["structuredContent"]["cancelled_at"]);
    let order = call_tool(&app, "get_order", json!({"order_number": number})).await;
    assert_eq!(order["structuredContent"]["status"], "cancelled");
    assert_eq!(order["structuredContent"]["cancel_reason"], "ordered_by_mistake");
}

#[tokio::test]
async fn the_same_key_with_other_arguments_is_refused() {
    let (app, _) = fresh_app().await;
    let number = first_in(OrderStatus::Processing);
    let mut first = json!({"order_number": number, "reason": "other", "idempotency_key": "shared-key-01"});
    let token = confirmation_token(&app, &first).await;
    first["confirmation_token"] = json!(token);
    assert_eq!(call_tool(&app, "cancel_order", first).await["isError"], false);
    let other = json!({"order_number": number, "reason": "payment_issue", "idempotency_key": "shared-key-01",
                       "confirmation_token": token});
    let other = call_tool(&app, "cancel_order", other).await;
    assert_eq!(other["isError"], true);
    assert!(text_of(&other).contains("idempotency key was already used"));
}

#[tokio::test]
async fn the_moveo_session_makes_a_retry_without_a_key_replay() {
    let (app, _) = fresh_app().await;
    let number = first_in(OrderStatus::Pending);
    let args = json!({"order_number": number, "reason": "customer_request"});
    let mut confirmed = args.clone();
    confirmed["confirmation_token"] = json!(confirmation_token(&app, &args).await);
    let first = call_tool_as(&app, "cancel_order", confirmed.clone(), None, Some("session-abc")).await;
    // A retry in the same conversation replays, even with a fresh confirmation.
    let again = call_tool_as(&app, "cancel_order", confirmed.clone(), None, Some("session-abc")).await;
    assert_eq!((first["isError"].clone(), again["isError"].clone()), (json!(false), json!(false)));
    assert_eq!(again["structuredContent"]["replayed"], true);
    let elsewhere = call_tool_as(&app, "cancel_order", confirmed, None, Some("session-other")).await;
    assert_eq!(elsewhere["isError"], true, "another conversation sees the order already cancelled");
    assert!(text_of(&elsewhere).contains("already cancelled"));
}

#[tokio::test]
async fn orders_past_cancelling_are_refused_with_what_to_tell_the_customer() {
    let (app, _) = fresh_app().await;
    for (status, expected) in [
        (OrderStatus::Shipped, "has already shipped"),
        (OrderStatus::Delivered, "start a return"),
        (OrderStatus::Cancelled, "already cancelled"),
    ] {
        let number = first_in(status);
        let result = call_tool(&app, "cancel_order", json!({"order_number": number, "reason": "other"})).await;
        assert_eq!(result["isError"], true, "{status:?}");
        assert!(text_of(&result).contains(expected), "{status:?}: {}", text_of(&result));
    }
    let missing = call_tool(&app, "cancel_order", json!({"order_number": "9999999", "reason": "other"})).await;
    assert!(text_of(&missing).contains("was not found"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_duplicates_change_the_order_exactly_once() {
    let (app, _) = fresh_app().await;
    let app = std::sync::Arc::new(app);
    let number = first_in(OrderStatus::Pending);
    let token = confirmation_token(&app, &json!({"order_number": number, "reason": "other"})).await;
    let mut calls = tokio::task::JoinSet::new();
    for i in 0..12 {
        // Half share one key; the other half each bring their own.
        let key = if i % 2 == 0 { "race-key-0001".to_owned() } else { format!("race-key-1{i:03}") };
        let args =
            json!({"order_number": number, "reason": "other", "idempotency_key": key, "confirmation_token": token});
        let app = app.clone();
        calls.spawn(async move { call_tool(&app, "cancel_order", args).await });
    }
    let results: Vec<Value> = calls.join_all().await;
    let changed =
        results.iter().filter(|r| r["isError"] == false && r["structuredContent"]["replayed"] == false).count();
    assert_eq!(changed, 1, "exactly one state change: {results:#?}");
    for r in &results {
        let text = text_of(r);
        let consistent =
            r["isError"] == false || text.contains("already cancelled") || text.contains("already being processed");
        assert!(consistent, "every caller gets a consistent answer: {text}");
    }
    let order = call_tool(&app, "get_order", json!({"order_number": number})).await;
    assert_eq!(order["structuredContent"]["status"], "cancelled");
}

#[tokio::test]
async fn errors_and_next_steps_come_in_the_conversations_language() {
    let app = app().await;
    let cases = [
        ("es", "No se"),
        ("pt-BR", "pedido"),
        ("fr", "commande"),
        ("de", "Bestellung"),
        ("el", "παραγγελ"),
        ("ja", "No order with number"),
    ];
    for (lang, expected) in cases {
        let result = call_tool_as(&app, "get_order", json!({"order_number": "9999999"}), Some(lang), None).await;
        assert_eq!(result["isError"], true);
        assert!(text_of(&result).contains(expected), "{lang}: {}", text_of(&result));
    }
    let invalid = call_tool_as(&app, "get_order", json!({}), Some("de"), None).await;
    assert!(
        text_of(&invalid).contains("`order_number`") && !text_of(&invalid).contains("is required"),
        "{}",
        text_of(&invalid)
    );
}

#[tokio::test]
async fn structured_content_matches_every_tools_output_schema() {
    let app = app().await;
    let list = crate::helpers::send(
        &app,
        crate::helpers::rpc(&json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}), Some("2025-06-18")),
    )
    .await
    .json();
    let schema_of = |name: &str| {
        list["result"]["tools"].as_array().unwrap().iter().find(|t| t["name"] == name).unwrap()["outputSchema"].clone()
    };
    for (name, args) in [
        ("search_orders", json!({"email": "jane.doe@example.com"})),
        ("get_customer", json!({"email": "jane.doe@example.com"})),
        ("get_order", json!({"order_number": "1000002"})),
    ] {
        let result = call_tool(&app, name, args).await;
        let validator = jsonschema::validator_for(&schema_of(name)).unwrap();
        let errors: Vec<String> = validator.iter_errors(&result["structuredContent"]).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
    let (rw, _) = fresh_app().await;
    let preview =
        call_tool(&rw, "cancel_order", json!({"order_number": first_in(OrderStatus::Pending), "reason": "other"}))
            .await;
    let validator = jsonschema::validator_for(&schema_of("cancel_order")).unwrap();
    assert!(validator.is_valid(&preview["structuredContent"]), "{preview}");
    let cancelled =
        cancel_confirmed(&rw, json!({"order_number": first_in(OrderStatus::Processing), "reason": "other"}), None)
            .await;
    assert_eq!(cancelled["structuredContent"]["status"], "cancelled", "{cancelled}");
    let validator = jsonschema::validator_for(&schema_of("cancel_order")).unwrap();
    assert!(validator.is_valid(&cancelled["structuredContent"]), "{cancelled}");
}
