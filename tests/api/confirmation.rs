//! `cancel_order`'s server-enforced confirmation through the real handler against moto: the
//! elicitation round trip under 2026-07-28, the two-step form under a legacy revision, and the
//! confirmation key shared by every instance through Secrets Manager.

use lambda_mcp::order_desk::store::Money;
use serde_json::{Value, json};

use crate::helpers::{App, KEY, Settings, call_tool, create_secret, data_set, post, send, text_of};

const V: &str = "2026-07-28";

fn pending(index: usize) -> String {
    let data = data_set();
    data.orders.iter().filter(|d| d.order.status.is_cancellable()).nth(index).unwrap().order.number.clone()
}

/// An app over a fresh demo table whose confirmation key is the secret `secret` holds.
async fn app_with_key(table: &str, secret: Option<&str>) -> App {
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.table = table.to_owned();
    if let Some(text) = secret {
        settings.confirmation_secret = Some(create_secret(text).await);
    }
    settings.app()
}

/// A 2026-07-28 `tools/call` of `cancel_order` from a client declaring `capabilities`.
async fn modern_cancel(app: &App, arguments: Value, extra: Value, capabilities: Value) -> Value {
    let mut params = json!({"name": "cancel_order", "arguments": arguments, "_meta": {
        "io.modelcontextprotocol/protocolVersion": V, "io.modelcontextprotocol/clientCapabilities": capabilities}});
    for (k, v) in extra.as_object().unwrap() {
        params[k] = v.clone();
    }
    let body = json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": params}).to_string();
    let headers = [
        ("x-api-key", KEY),
        ("content-type", "application/json"),
        ("mcp-protocol-version", V),
        ("mcp-method", "tools/call"),
        ("mcp-name", "cancel_order"),
    ];
    let answer = send(app, post(&body, &headers)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    answer.json()
}

#[tokio::test]
async fn a_client_declaring_elicitation_confirms_through_input_required() {
    let (app, _) = crate::helpers::fresh_app().await;
    let number = pending(0);
    let args = json!({"order_number": number, "reason": "customer_request"});
    let caps = json!({"elicitation": {}});
    let asked = modern_cancel(&app, args.clone(), json!({}), caps.clone()).await["result"].clone();
    assert_eq!(asked["resultType"], "input_required", "{asked}");
    let elicitation = &asked["inputRequests"]["confirm_cancellation"];
    assert_eq!(elicitation["params"]["requestedSchema"]["properties"]["confirm"]["type"], "boolean");
    let message = elicitation["params"]["message"].as_str().unwrap();
    let order = data_set().orders.into_iter().find(|d| d.order.number == number).unwrap().order;
    let total = Money { amount_minor: order.total_minor, currency: order.currency }.display();
    assert!(message.contains(&number) && message.contains(&total), "{message}");
    let state = asked["requestState"].clone();
    let reply = |answer: Value, state: Value| json!({"inputResponses": {"confirm_cancellation": answer}, "requestState": state});
    let declined =
        modern_cancel(&app, args.clone(), reply(json!({"action": "decline"}), state.clone()), caps.clone()).await;
    assert_eq!(declined["result"]["structuredContent"]["status"], "not_cancelled", "{declined}");
    let forged = format!("{}x", state.as_str().unwrap());
    let yes = json!({"action": "accept", "content": {"confirm": true}});
    let refused = modern_cancel(&app, args.clone(), reply(yes.clone(), json!(forged)), caps.clone()).await;
    assert_eq!(refused["error"]["code"], -32602, "a tampered state: {refused}");
    let done = modern_cancel(&app, args, reply(yes, state), caps).await["result"].clone();
    assert_eq!(
        (done["resultType"].clone(), done["structuredContent"]["status"].clone()),
        (json!("complete"), json!("cancelled")),
        "{done}"
    );
    let order = call_tool(&app, "get_order", json!({"order_number": number})).await;
    assert_eq!(order["structuredContent"]["status"], "cancelled");
}

#[tokio::test]
async fn a_client_without_elicitation_gets_the_two_step_form_in_either_era() {
    let (app, _) = crate::helpers::fresh_app().await;
    let args = json!({"order_number": pending(1), "reason": "other"});
    let preview = modern_cancel(&app, args.clone(), json!({}), json!({})).await["result"].clone();
    assert_eq!(preview["structuredContent"]["status"], "confirmation_required", "{preview}");
    // The legacy era completes what the modern preview started: the token is all it takes.
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview["structuredContent"]["confirmation_token"].clone();
    let done = call_tool(&app, "cancel_order", confirmed).await;
    assert_eq!(done["structuredContent"]["status"], "cancelled", "{done}");
    assert!(text_of(&done).contains("is now **cancelled**"));
}

#[tokio::test]
async fn instances_sharing_the_confirmation_secret_accept_each_others_tokens_and_others_do_not() {
    let (_, table) = crate::helpers::fresh_app().await;
    let key = "the deployment's confirmation key, 32 characters or more";
    let (first, second) = (app_with_key(&table, Some(key)).await, app_with_key(&table, Some(key)).await);
    let stranger = app_with_key(&table, Some("another deployment's key, also long enough")).await;
    let args = json!({"order_number": pending(2), "reason": "other"});
    let preview = call_tool(&first, "cancel_order", args.clone()).await;
    let mut confirmed = args;
    confirmed["confirmation_token"] = preview["structuredContent"]["confirmation_token"].clone();
    let refused = call_tool(&stranger, "cancel_order", confirmed.clone()).await;
    assert!(refused["isError"] == true && text_of(&refused).contains("not valid"), "{refused}");
    let done = call_tool(&second, "cancel_order", confirmed).await;
    assert_eq!(done["structuredContent"]["status"], "cancelled", "{done}");
}

#[tokio::test]
async fn a_confirmation_secret_that_is_too_short_or_missing_is_a_recoverable_error() {
    let (_, table) = crate::helpers::fresh_app().await;
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.table = table.clone();
    settings.confirmation_secret = Some("no-such-secret".into());
    let missing = settings.app();
    let short = app_with_key(&table, Some("short")).await;
    for app in [missing, short] {
        let result = call_tool(&app, "cancel_order", json!({"order_number": pending(3), "reason": "other"})).await;
        assert_eq!(result["isError"], true, "{result}");
        assert!(text_of(&result).contains("cannot be confirmed right now"), "{}", text_of(&result));
    }
}
