//! The idempotency lease of `cancel_order`, live: an invocation claims a key and dies before it
//! finishes (its DynamoDB connection goes silent after the claim, then the invocation is dropped,
//! as Lambda does to a function past its timeout). The lease it wrote blocks duplicates while it
//! lasts, expires, and is then taken over by a retry that does the cancellation.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::types::AttributeValue;
use lambda_mcp::engine::app;
use lambda_mcp::engine::aws::AwsContext;
use lambda_mcp::engine::config::AuthSettings;
use lambda_mcp::order_desk::store::OrderStatus;
use lambda_mcp::order_desk::store::dynamo::DynamoStore;
use lambda_mcp::order_desk::{self, server_info};
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{App, Settings, aws_settings, call_tool, confirmation_token, fresh_app, moto, text_of};

/// The documented default lease.
const DEFAULT_LEASE: u64 = 30;
/// The lease of the invocation that dies here: long enough to see it block, short enough to wait out.
const SHORT_LEASE: Duration = Duration::from_secs(4);

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

/// An app over `table` with auth off whose DynamoDB is `endpoint`, its store's lease `lease`
/// (the default when `None`).
async fn app_over(table: &str, endpoint: &str, lease: Option<Duration>) -> App {
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    let aws = Arc::new(AwsContext::new(aws_settings(endpoint)));
    let store = DynamoStore::new(aws.clone(), table);
    let store = match lease {
        Some(lease) => store.with_lease(lease),
        None => store,
    };
    app::endpoint(settings.config, aws, server_info(), order_desk::registry(Arc::new(store)))
}

/// Starts `cancel_order` with `arguments` through a relay that passes only the first DynamoDB
/// call (the claim) and drops the invocation once the next one hangs. Returns the idempotency
/// record's `lease_until` and when the claim was made (seconds).
async fn die_after_claiming(table: &str, lease: Option<Duration>, arguments: Value) -> (u64, u64) {
    let relay = FaultServer::start(Fault::RelayThenSilence { upstream: moto().to_owned(), relayed: 1 }).await;
    let app = app_over(table, &relay.endpoint, lease).await;
    let claimed_at = now_secs();
    let invocation = tokio::spawn(async move { call_tool(&app, "cancel_order", arguments).await });
    let started = Instant::now();
    while relay.requests() < 2 {
        assert!(started.elapsed() < Duration::from_secs(20), "the claim and the next call were not made");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    invocation.abort();
    assert!(invocation.await.unwrap_err().is_cancelled(), "the invocation was still running when dropped");
    let claim = &relay.bodies()[0];
    assert!(claim.contains("IDEMPOTENCY#") && claim.contains("in_progress"), "the first call claims the key: {claim}");
    let key = claim.split("IDEMPOTENCY#").nth(1).and_then(|rest| rest.split('"').next()).unwrap().to_owned();
    (lease_until(table, &key).await, claimed_at)
}

/// The `lease_until` of the idempotency record of `key` (its partition key after `IDEMPOTENCY#`).
async fn lease_until(table: &str, key: &str) -> u64 {
    let store = DynamoStore::new(Arc::new(AwsContext::new(aws_settings(moto()))), table);
    let record = store
        .client()
        .await
        .get_item()
        .table_name(table)
        .key("pk", AttributeValue::S(format!("IDEMPOTENCY#{key}")))
        .key("sk", AttributeValue::S("IDEMPOTENCY".into()))
        .consistent_read(true)
        .send()
        .await
        .unwrap()
        .item
        .expect("the claim left its record");
    assert_eq!(record["state"].as_s().unwrap(), "in_progress");
    record["lease_until"].as_n().unwrap().parse().unwrap()
}

#[tokio::test]
async fn a_lease_left_by_a_dead_invocation_blocks_until_it_expires_then_is_taken_over() {
    let (_, table) = fresh_app().await;
    // The same caller as the invocation that dies (auth off): idempotency keys and confirmations
    // are scoped to their caller.
    let app = app_over(&table, moto(), None).await;
    let pending: Vec<String> = crate::helpers::data_set()
        .orders
        .iter()
        .filter(|o| o.order.status == OrderStatus::Pending)
        .map(|o| o.order.number.clone())
        .take(2)
        .collect();

    // The default lease, as a real claim writes it: 30 s.
    // Each call carries the customer's confirmation (the token of a preview): it goes straight to
    // the claim.
    let mut args = json!({"order_number": pending[1], "reason": "other", "idempotency_key": "lease-default-0001"});
    args["confirmation_token"] = json!(confirmation_token(&app, &args).await);
    let (until, claimed_at) = die_after_claiming(&table, None, args).await;
    let lease = until - claimed_at;
    assert!((DEFAULT_LEASE..=DEFAULT_LEASE + 1).contains(&lease), "a {lease} s lease (expected {DEFAULT_LEASE} s)");

    // A short lease, live: it blocks while it lasts, then a retry takes it over.
    let mut args = json!({"order_number": pending[0], "reason": "other", "idempotency_key": "lease-short-0001"});
    args["confirmation_token"] = json!(confirmation_token(&app, &args).await);
    let (until, _) = die_after_claiming(&table, Some(SHORT_LEASE), args.clone()).await;
    let busy = call_tool(&app, "cancel_order", args.clone()).await;
    assert!(now_secs() <= until, "the machine took longer than the lease to make the retry; nothing was tested");
    assert_eq!(busy["isError"], true, "{busy}");
    assert!(text_of(&busy).contains("already being processed"), "a live lease blocks: {}", text_of(&busy));

    let started = Instant::now();
    let retried = loop {
        let result = call_tool(&app, "cancel_order", args.clone()).await;
        if !text_of(&result).contains("already being processed") {
            break result;
        }
        let waited = started.elapsed();
        assert!(
            waited < SHORT_LEASE + Duration::from_secs(10),
            "the lease never expired: still blocked after {waited:?}"
        );
        tokio::time::sleep(Duration::from_millis(250)).await;
    };
    let taken_over_at = now_secs();
    assert_eq!(retried["isError"], false, "the expired lease is taken over: {retried}");
    assert_eq!(retried["structuredContent"]["replayed"], false, "the retry did the cancellation itself");
    assert!(taken_over_at > until, "taken over at {taken_over_at}, before the lease ran out at {until}");
    let order = call_tool(&app, "get_order", json!({"order_number": pending[0]})).await;
    assert_eq!(order["structuredContent"]["status"], "cancelled");
}
