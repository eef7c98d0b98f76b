//! Idempotency edge cases of `cancel_order` against moto, with the fault server interleaving what
//! real DynamoDB does only under bad luck: a transaction that commits while every answer is lost,
//! and a competing call that gives its key back between our failed claim and our read.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_mcp::engine::aws::AwsContext;
use lambda_mcp::order_desk::store::OrderStatus;
use lambda_mcp::order_desk::store::dynamo::DynamoStore;
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer, Hook, Verdict};
use crate::helpers::{
    App, KEY, Settings, aws_settings, call_tool, cancel_confirmed, confirmation_token, create_secret, data_set,
    fresh_app, moto, text_of,
};

fn pending_orders() -> Vec<String> {
    data_set()
        .orders
        .iter()
        .filter(|o| o.order.status == OrderStatus::Pending)
        .map(|o| o.order.number.clone())
        .collect()
}

/// An application on `table` whose AWS calls (DynamoDB and Secrets Manager) go through `faults`;
/// it authenticates the same key as [`fresh_app`]'s, so both are the same caller.
async fn app_through(faults: &FaultServer, table: &str) -> App {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    settings.table = table.to_owned();
    settings.endpoint = faults.endpoint.clone();
    settings.app()
}

/// A DynamoDB client on moto, for the hooks' own writes.
async fn dynamodb() -> aws_sdk_dynamodb::Client {
    let store = DynamoStore::new(Arc::new(AwsContext::new(aws_settings(moto()))), "unused");
    store.client().await.clone()
}

fn hook<F, Fut>(f: F) -> Hook
where
    F: Fn(String, String) -> Fut + Send + Sync + 'static,
    Fut: std::future::Future<Output = Verdict> + Send + 'static,
{
    Arc::new(move |operation, body| Box::pin(f(operation, body)))
}

/// The idempotency record's partition key in a request body (`Item` of a put, `Key` of a get).
fn record_pk(body: &str, member: &str) -> Option<String> {
    let body: Value = serde_json::from_str(body).ok()?;
    let pk = body[member]["pk"]["S"].as_str()?;
    pk.starts_with("IDEMPOTENCY#").then(|| pk.to_owned())
}

#[tokio::test]
async fn a_cancellation_that_commits_while_every_answer_is_lost_replays_on_the_retry() {
    let (direct, table) = fresh_app().await;
    let lose_commits = hook(|operation, _| async move {
        if operation == "TransactWriteItems" { Verdict::RelayAndLoseTheAnswer } else { Verdict::Relay }
    });
    let faults = FaultServer::start(Fault::Intercept(moto().to_owned(), lose_commits)).await;
    let unlucky = app_through(&faults, &table).await;
    let number = pending_orders()[0].clone();
    let mut args = json!({"order_number": number, "reason": "other", "idempotency_key": "lost-answer-0001"});
    args["confirmation_token"] = json!(confirmation_token(&unlucky, &args).await);
    let first = call_tool(&unlucky, "cancel_order", args.clone()).await;
    assert_eq!(first["isError"], true, "the caller cannot know it worked: {first}");
    assert!(text_of(&first).contains("temporarily unavailable"), "{}", text_of(&first));
    let retry = call_tool(&direct, "cancel_order", args).await;
    assert_eq!(retry["isError"], false, "the completed record survived the lease release: {retry}");
    assert_eq!(retry["structuredContent"]["replayed"], true, "{retry}");
    let order = call_tool(&direct, "get_order", json!({"order_number": number})).await;
    assert_eq!(order["structuredContent"]["status"], "cancelled");
}

#[tokio::test]
async fn a_claim_refused_by_a_record_that_then_vanishes_is_in_progress_not_a_reused_key() {
    let (direct, table) = fresh_app().await;
    let client = dynamodb().await;
    let table_for_hook = table.clone();
    let race = hook(move |operation, body| {
        let (client, table) = (client.clone(), table_for_hook.clone());
        async move {
            let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
            match (operation.as_str(), record_pk(&body, "Item"), record_pk(&body, "Key")) {
                // Another call claims the key just before ours...
                ("PutItem", Some(pk), _) => {
                    let item = [
                        ("pk", AttributeValue::S(pk)),
                        ("sk", AttributeValue::S("IDEMPOTENCY".into())),
                        ("state", AttributeValue::S("in_progress".into())),
                        ("fingerprint", AttributeValue::S("another-call".into())),
                        ("lease", AttributeValue::S("another-call".into())),
                        ("lease_until", AttributeValue::N((now + 600).to_string())),
                        ("expires_at", AttributeValue::N((now + 86_400).to_string())),
                    ];
                    let mut put = client.put_item().table_name(&table);
                    for (name, value) in item {
                        put = put.item(name, value);
                    }
                    put.send().await.unwrap();
                }
                // ...fails, and gives it back before we read the record.
                ("GetItem", _, Some(pk)) => {
                    let delete = client.delete_item().table_name(&table).key("pk", AttributeValue::S(pk));
                    delete.key("sk", AttributeValue::S("IDEMPOTENCY".into())).send().await.unwrap();
                }
                _ => {}
            }
            Verdict::Relay
        }
    });
    let faults = FaultServer::start(Fault::Intercept(moto().to_owned(), race)).await;
    let raced = app_through(&faults, &table).await;
    let number = pending_orders()[1].clone();
    let mut args = json!({"order_number": number, "reason": "other", "idempotency_key": "raced-key-0001"});
    args["confirmation_token"] = json!(confirmation_token(&raced, &args).await);
    let result = call_tool(&raced, "cancel_order", args.clone()).await;
    assert_eq!(result["isError"], true, "{result}");
    assert!(text_of(&result).contains("already being processed"), "{}", text_of(&result));
    let retry = call_tool(&direct, "cancel_order", args).await;
    assert_eq!(retry["isError"], false, "the key is free again: {retry}");
    assert_eq!(retry["structuredContent"]["replayed"], false);
}

#[tokio::test]
async fn one_explicit_key_does_not_block_another_order() {
    let (app, _) = fresh_app().await;
    let orders = pending_orders();
    for number in &orders[2..4] {
        let args = json!({"order_number": number, "reason": "other", "idempotency_key": "cancel-order-1"});
        let result = cancel_confirmed(&app, args, None).await;
        assert_eq!(result["isError"], false, "{number}: {result}");
        assert_eq!(result["structuredContent"]["replayed"], false, "{number}");
    }
}
