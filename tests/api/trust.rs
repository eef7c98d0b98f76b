//! Both trust models through the real handler against moto. Agent-assist reads any customer;
//! customer-bound reads only the verified customer's data, whoever asks and however: every tool,
//! by order number, by email, and with session values another tool wrote. Another customer's
//! order answers exactly like a missing one, with the same DynamoDB requests (recorded by a relay
//! in front of moto), which read only the caller's own orders, so DynamoDB's work (its answer,
//! `ScannedCount` included) is the same whether the number exists or not; another customer's
//! email answers like an unknown one, with no request.

use lambda_mcp::order_desk::trust::{IdentitySource, TrustModel};
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{App, KEY, Settings, call_tool, create_secret, data_set, moto, post, send, text_of};

const VARIABLE: &str = "verified_customer_email";
pub(crate) const MISSING: &str = "99999999";

/// Two customers with an open order each: (mine, theirs) as (email, order number).
pub(crate) fn two_customers() -> ((String, String), (String, String)) {
    let data = data_set();
    let open: Vec<_> = data.orders.iter().map(|d| &d.order).filter(|o| o.status.is_cancellable()).collect();
    let mine = open[0];
    let theirs = open.iter().find(|o| o.customer_email != mine.customer_email).unwrap();
    ((mine.customer_email.clone(), mine.number.clone()), (theirs.customer_email.clone(), theirs.number.clone()))
}

/// A customer-bound app identified by `source`, over a fresh copy of the demo table, with its
/// DynamoDB and Secrets Manager calls relayed (and recorded) by the returned server.
async fn bound_app(source: IdentitySource) -> (App, FaultServer) {
    let (_, table) = crate::helpers::fresh_app().await;
    let relay = FaultServer::start(Fault::Relay(moto().to_owned())).await;
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.table = table;
    settings.endpoint = relay.endpoint.clone();
    settings.trust = TrustModel::CustomerBound(source);
    settings.confirmation_secret = Some(create_secret("a confirmation key of at least thirty-two characters").await);
    (settings.app(), relay)
}

/// `tools/call` (2025-06-18) with Moveo's session variables and extra headers.
async fn call_as(app: &App, tool: &str, arguments: Value, session: Value, headers: &[(&str, &str)]) -> Value {
    let params = json!({"name": tool, "arguments": arguments,
                        "_meta": {"moveo/context": {"lang": "en", "context": session}}});
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}).to_string();
    let mut all =
        vec![("x-api-key", KEY), ("content-type", "application/json"), ("mcp-protocol-version", "2025-06-18")];
    all.extend_from_slice(headers);
    let answer = send(app, post(&body, &all)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()["result"].clone()
}

/// The DynamoDB requests the relay saw since `from`, with `replace` made `with`, parsed (so the
/// SDK's order of map members does not matter).
fn requests_since(relay: &FaultServer, from: usize, replace: &str, with: &str) -> Vec<Value> {
    let bodies = relay.bodies()[from..].to_vec();
    let dynamodb = bodies.into_iter().filter(|b| b.contains("TableName"));
    dynamodb.map(|b| serde_json::from_str(&b.replace(replace, with)).unwrap()).collect()
}

/// The calls of every tool by order number.
pub(crate) fn by_number(number: &str) -> Vec<(&'static str, Value)> {
    vec![
        ("get_order", json!({"order_number": number})),
        ("search_orders", json!({"order_number": number})),
        ("cancel_order", json!({"order_number": number, "reason": "other"})),
    ]
}

#[tokio::test]
async fn agent_assist_reads_any_customer() {
    let app = crate::helpers::app().await;
    let ((mine, _), (theirs, their_order)) = two_customers();
    for email in [mine, theirs] {
        assert_eq!(call_tool(&app, "get_customer", json!({"email": email})).await["isError"], false);
    }
    assert_eq!(call_tool(&app, "get_order", json!({"order_number": their_order})).await["isError"], false);
}

#[tokio::test]
async fn customer_bound_cross_customer_attempts_answer_like_not_found_with_the_same_requests() {
    let (app, relay) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), (theirs, their_order)) = two_customers();
    let session = json!({ VARIABLE: mine });
    // Warm up: keys and the confirmation secret are read once, before anything is compared.
    let own =
        call_as(&app, "cancel_order", json!({"order_number": my_order, "reason": "other"}), session.clone(), &[]).await;
    assert_eq!(own["structuredContent"]["status"], "confirmation_required", "{own}");
    let mut attempts = 0;
    for ((tool, foreign), (_, missing)) in by_number(&their_order).into_iter().zip(by_number(MISSING)) {
        let start = relay.bodies().len();
        let foreign_answer = call_as(&app, tool, foreign, session.clone(), &[]).await;
        let foreign_requests = requests_since(&relay, start, &their_order, MISSING);
        let start = relay.bodies().len();
        let missing_answer = call_as(&app, tool, missing, session.clone(), &[]).await;
        let missing_requests = requests_since(&relay, start, MISSING, MISSING);
        assert_eq!(foreign_answer.to_string().replace(&their_order, MISSING), missing_answer.to_string(), "{tool}");
        assert!(!foreign_requests.is_empty(), "{tool} asks DynamoDB");
        assert_eq!(foreign_requests, missing_requests, "{tool}: the same DynamoDB requests");
        attempts += 1;
    }
    for tool in ["search_orders", "get_customer"] {
        let start = relay.bodies().len();
        let foreign = call_as(&app, tool, json!({"email": theirs}), session.clone(), &[]).await;
        let unknown = call_as(&app, tool, json!({"email": "nobody@example.com"}), session.clone(), &[]).await;
        assert_eq!(foreign.to_string().replace(&theirs, "nobody@example.com"), unknown.to_string(), "{tool}");
        assert!(requests_since(&relay, start, MISSING, MISSING).is_empty(), "{tool}: no DynamoDB request for either");
        attempts += 1;
    }
    assert_eq!(attempts, 5, "every tool, by number and by email");
}

/// The DynamoDB exchanges since request `from`: operation, request and the upstream's answer.
fn exchanges_since(relay: &FaultServer, from: usize) -> Vec<(String, Value, Value)> {
    let (targets, bodies) = (relay.targets(), relay.bodies());
    (from..bodies.len())
        .filter(|&i| targets[i].starts_with("DynamoDB"))
        .map(|i| {
            let answer = relay.answer(i).expect("moto answered");
            (targets[i].clone(), serde_json::from_str(&bodies[i]).unwrap(), serde_json::from_str(&answer).unwrap())
        })
        .collect()
}

#[tokio::test]
async fn customer_bound_work_for_a_number_the_customer_does_not_own_does_not_depend_on_the_number() {
    let (app, relay) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), (_, their_order)) = two_customers();
    let my_orders = data_set().orders.iter().filter(|d| d.order.customer_email == mine).count();
    let session = json!({ VARIABLE: mine });
    let own = call_as(&app, "get_order", json!({"order_number": my_order}), session.clone(), &[]).await;
    assert_eq!(own["isError"], false, "{own}");
    for ((tool, foreign), (_, missing)) in by_number(&their_order).into_iter().zip(by_number(MISSING)) {
        let mut work = Vec::new();
        for (number, args) in [(&their_order, foreign), (&MISSING.to_owned(), missing)] {
            let start = relay.bodies().len();
            let answer = call_as(&app, tool, args, session.clone(), &[]).await;
            assert!(text_of(&answer).contains(number.as_str()), "{tool}: {answer}");
            let exchanges = exchanges_since(&relay, start);
            // One Query on the caller's own index partition; the order's own key is never read.
            let [(target, request, response)] = exchanges.as_slice() else { panic!("{tool}: {exchanges:?}") };
            assert_eq!(target, "DynamoDB_20120810.Query", "{tool}");
            assert_eq!(request["IndexName"], "gsi1", "{tool}");
            assert_eq!(request["ExpressionAttributeValues"][":owner"]["S"], format!("CUSTOMER#{mine}"), "{tool}");
            assert_eq!(request["ExpressionAttributeValues"][":number"]["S"], number.as_str(), "{tool}");
            assert!(!request.to_string().contains(&format!("ORDER#{number}")), "{tool}: {request}");
            // DynamoDB read the customer's orders and returned none, whatever the number.
            assert_eq!(response["Count"], 0, "{tool}: {response}");
            assert_eq!(response["ScannedCount"], my_orders, "{tool}: {response}");
            let mut request = request.clone();
            request["ExpressionAttributeValues"][":number"]["S"] = json!("N");
            work.push((request, response.clone()));
        }
        assert_eq!(work[0], work[1], "{tool}: the same request and the same answer for both numbers");
    }
}

#[tokio::test]
async fn customer_bound_own_order_costs_the_ownership_query_and_one_read_of_the_order() {
    let (app, relay) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), _) = two_customers();
    let session = json!({ VARIABLE: mine });
    let requests = |start: usize| -> Vec<String> {
        let shown = |(target, request, _): (String, Value, Value)| {
            let operation = target.rsplit('.').next().unwrap_or_default().to_owned();
            let index = request["IndexName"].as_str().map(|i| format!(" {i}")).unwrap_or_default();
            let consistent = if request["ConsistentRead"] == true { " consistent" } else { "" };
            format!("{operation}{index}{consistent}")
        };
        exchanges_since(&relay, start).into_iter().map(shown).collect()
    };
    let args = json!({"order_number": my_order, "reason": "other"});
    let _ = call_as(&app, "get_customer", json!({"email": mine}), session.clone(), &[]).await;
    // get_order reads the order's partition, which holds the head: no separate head read.
    let start = relay.bodies().len();
    let _ = call_as(&app, "get_order", json!({"order_number": my_order}), session.clone(), &[]).await;
    assert_eq!(requests(start), ["Query gsi1", "Query"]);
    let start = relay.bodies().len();
    let _ = call_as(&app, "search_orders", json!({"order_number": my_order}), session.clone(), &[]).await;
    assert_eq!(requests(start), ["Query gsi1", "GetItem"]);
    let start = relay.bodies().len();
    let preview = call_as(&app, "cancel_order", args.clone(), session.clone(), &[]).await;
    assert_eq!(requests(start), ["Query gsi1", "GetItem"]);
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview["structuredContent"]["confirmation_token"].clone();
    let start = relay.bodies().len();
    let done = call_as(&app, "cancel_order", confirmed, session, &[]).await;
    assert_eq!(done["structuredContent"]["status"], "cancelled", "{done}");
    // The lease claimed, then read before write: the head by its key, consistently, once
    // ownership is known; then the cancellation's transaction.
    assert_eq!(requests(start), ["PutItem", "Query gsi1", "GetItem consistent", "TransactWriteItems"]);
}

#[tokio::test]
async fn customer_bound_lets_the_verified_customer_read_and_cancel_their_own_orders() {
    let (app, _) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), _) = two_customers();
    let session = json!({ VARIABLE: mine });
    for (tool, args) in [
        ("get_order", json!({"order_number": my_order})),
        ("search_orders", json!({"email": mine})),
        ("search_orders", json!({"order_number": my_order})),
        ("get_customer", json!({"email": mine})),
    ] {
        let result = call_as(&app, tool, args, session.clone(), &[]).await;
        assert_eq!(result["isError"], false, "{tool}: {result}");
        assert!(!text_of(&result).starts_with("No "), "{tool}: {}", text_of(&result));
    }
    let args = json!({"order_number": my_order, "reason": "other"});
    let preview = call_as(&app, "cancel_order", args.clone(), session.clone(), &[]).await;
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview["structuredContent"]["confirmation_token"].clone();
    let done = call_as(&app, "cancel_order", confirmed, session, &[]).await;
    assert_eq!(done["structuredContent"]["status"], "cancelled", "{done}");
}

#[tokio::test]
async fn customer_bound_without_a_verified_customer_asks_to_verify_first_whatever_the_session_holds() {
    let (app, relay) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), (theirs, _)) = two_customers();
    // What get_order and search_orders write back: it must verify nothing.
    let written = json!({"customer_email": mine, "order_number": my_order, "order_numbers": [my_order]});
    let start = relay.bodies().len();
    let mut calls = by_number(&my_order);
    calls.push(("search_orders", json!({"email": mine})));
    calls.push(("get_customer", json!({"email": theirs})));
    for (tool, args) in calls {
        let result = call_as(&app, tool, args, written.clone(), &[]).await;
        assert_eq!(result["isError"], true, "{tool}");
        assert!(text_of(&result).contains("Verify the customer first"), "{tool}: {}", text_of(&result));
    }
    assert!(requests_since(&relay, start, MISSING, MISSING).is_empty(), "nothing was read");
    let params = json!({"name": "get_order", "arguments": {"order_number": my_order},
                        "_meta": {"moveo/context": {"lang": "es", "context": written}}});
    let body = json!({"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": params}).to_string();
    let headers = [("x-api-key", KEY), ("content-type", "application/json"), ("mcp-protocol-version", "2025-06-18")];
    let spanish = send(&app, post(&body, &headers)).await.json()["result"].clone();
    assert!(text_of(&spanish).contains("Verifica primero al cliente"), "{}", text_of(&spanish));
}

#[tokio::test]
async fn customer_bound_session_values_another_tool_wrote_do_not_widen_access() {
    let (app, _) = bound_app(IdentitySource::SessionVariable(VARIABLE.into())).await;
    let ((mine, my_order), (theirs, their_order)) = two_customers();
    let own = call_as(&app, "get_order", json!({"order_number": my_order}), json!({ VARIABLE: mine }), &[]).await;
    let mut session = own["_meta"]["moveo/context"]["context"].clone();
    assert_eq!(session["customer_email"], json!(mine), "only the verified customer is ever written back");
    // A later turn: the session also holds the other customer's email and order, as if written.
    session["customer_email"] = json!(theirs);
    session["order_number"] = json!(their_order);
    session[VARIABLE] = json!(mine);
    for (tool, args, says) in [
        ("get_customer", json!({"email": theirs}), "No customer with email"),
        ("get_order", json!({"order_number": their_order}), "No order with number"),
        ("cancel_order", json!({"order_number": their_order, "reason": "other"}), "was not found"),
    ] {
        let result = call_as(&app, tool, args, session.clone(), &[]).await;
        assert!(result["isError"] == true && text_of(&result).contains(says), "{tool}: {result}");
    }
}

#[tokio::test]
async fn customer_bound_by_a_platform_header_reads_only_through_its_format() {
    let source =
        IdentitySource::Header { name: "x-moveo-external-id".into(), prefix: "shop:".into(), suffix: String::new() };
    let (app, _) = bound_app(source).await;
    let ((mine, my_order), (_, their_order)) = two_customers();
    let header = format!("shop:{mine}");
    let me = [("x-moveo-external-id", header.as_str())];
    let own = call_as(&app, "get_order", json!({"order_number": my_order}), json!({}), &me).await;
    assert_eq!(own["isError"], false, "{own}");
    let foreign = call_as(&app, "get_order", json!({"order_number": their_order}), json!({}), &me).await;
    assert!(text_of(&foreign).starts_with("No order with number"), "{foreign}");
    let bare = [("x-moveo-external-id", mine.as_str())];
    for (session, headers) in [(json!({}), &bare[..]), (json!({"x-moveo-external-id": header}), &[][..])] {
        let result = call_as(&app, "get_order", json!({"order_number": my_order}), session, headers).await;
        assert!(text_of(&result).contains("Verify the customer first"), "{result}");
    }
}
