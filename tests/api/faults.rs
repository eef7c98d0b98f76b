//! Broken dependencies: DynamoDB unreachable, silent past its timeouts, throttling or failing;
//! Secrets Manager's secret deleted; a Lambda deadline about to pass. Every case answers within a
//! bounded time with a plain-language, recoverable message, and `initialize` / `tools/list` never
//! notice a broken DynamoDB.

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use lambda_http::RequestExt;
use lambda_mcp::engine::config::AuthSettings;
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{KEY, ORDER, Settings, call_tool, create_secret, rpc, secrets, send, text_of};

/// An app whose DynamoDB is `endpoint` (auth off: Secrets Manager is not under test here).
async fn app_with_dynamodb(endpoint: &str) -> crate::helpers::App {
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    settings.endpoint = endpoint.to_owned();
    settings.app()
}

async fn handshake_still_works(app: &crate::helpers::App) {
    let init = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}});
    assert_eq!(send(app, rpc(&init, None)).await.status, 200);
    let list = send(app, rpc(&json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}), Some("2025-06-18"))).await;
    assert_eq!(list.json()["result"]["tools"].as_array().unwrap().len(), 4);
}

fn assert_recoverable(result: &Value) {
    assert_eq!(result["isError"], true, "{result}");
    let text = text_of(result);
    assert!(text.contains("temporarily unavailable") && text.contains("Try again in a few seconds"), "{text}");
    for leak in ["DynamoDB", "dynamodb", "Throttling", "InternalServerError", "127.0.0.1", "orders-"] {
        assert!(!text.contains(leak), "{leak} leaked: {text}");
    }
}

#[tokio::test]
async fn an_unreachable_dynamodb_gives_a_recoverable_error_fast_and_spares_the_handshake() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let app = app_with_dynamodb(&format!("http://127.0.0.1:{closed}")).await;
    handshake_still_works(&app).await;
    let started = Instant::now();
    assert_recoverable(&call_tool(&app, "get_order", json!({"order_number": ORDER})).await);
    assert!(started.elapsed() < Duration::from_secs(8), "bounded: {:?}", started.elapsed());
}

#[tokio::test]
async fn throttling_is_retried_a_bounded_number_of_times_then_reported_as_recoverable() {
    let faults = FaultServer::start(Fault::Throttle).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    handshake_still_works(&app).await;
    assert_eq!(faults.requests(), 0, "initialize and tools/list never touch DynamoDB");
    assert_recoverable(&call_tool(&app, "search_orders", json!({"email": "jane.doe@example.com"})).await);
    assert_eq!(faults.requests(), 3, "three attempts, then a clear answer");
}

#[tokio::test]
async fn credentials_aws_calls_expired_are_renewed_once_and_the_call_retried() {
    let upstream = crate::helpers::moto().to_owned();
    let faults = FaultServer::start(Fault::ExpiredTokenThen { upstream: upstream.clone(), rejected: 1 }).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    let result = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    assert_eq!(result["isError"], false, "{result}");
    assert_eq!(faults.requests(), 2, "the rejected attempt, then one with renewed credentials");

    let faults = FaultServer::start(Fault::ExpiredTokenThen { upstream, rejected: usize::MAX }).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    let result = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    assert_eq!(result["isError"], true, "{result}");
    assert!(!text_of(&result).contains("Expired"), "{result}");
    assert_eq!(faults.requests(), 2, "renewed once, not retried without end");
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_as_recoverable() {
    let faults = FaultServer::start(Fault::ServerError).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    assert_recoverable(&call_tool(&app, "get_customer", json!({"email": "jane.doe@example.com"})).await);
    assert_eq!(faults.requests(), 3);
}

#[tokio::test]
async fn a_silent_dynamodb_is_cut_off_by_the_call_budget() {
    let faults = FaultServer::start(Fault::Silence(Duration::from_secs(60))).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    let started = Instant::now();
    assert_recoverable(&call_tool(&app, "get_order", json!({"order_number": ORDER})).await);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(9), "the operation timeout bounds the wait: {took:?}");
}

#[tokio::test]
async fn a_cancellation_against_a_failing_dynamodb_says_to_retry() {
    let faults = FaultServer::start(Fault::ServerError).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    let result = call_tool(
        &app,
        "cancel_order",
        json!({"order_number": "1000002", "reason": "other", "idempotency_key": "fault-key-0001"}),
    )
    .await;
    assert_recoverable(&result);
}

#[tokio::test]
async fn the_handler_answers_before_the_lambda_deadline() {
    let faults = FaultServer::start(Fault::Silence(Duration::from_secs(60))).await;
    let app = app_with_dynamodb(&faults.endpoint).await;
    let now_ms = || SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_millis() as u64;
    let mut context = lambda_http::lambda_runtime::Context::default();
    context.deadline = now_ms() + 1_500;
    let deadline = context.deadline;
    let body = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{"order_number": ORDER}}});
    let request = rpc(&body, Some("2025-06-18")).with_lambda_context(context);
    let started = Instant::now();
    let answer = send(&app, request).await;
    let (took, left_ms) = (started.elapsed(), deadline as i64 - now_ms() as i64);
    assert_eq!(answer.status, 503, "{}", answer.text);
    assert!(answer.headers.get("retry-after").is_some());
    // The handler keeps 300 ms back to send its answer; 100 ms of that is slack for a busy machine.
    assert!(left_ms >= 200, "answered {left_ms} ms before the deadline (300 ms are kept back), after {took:?}");
    assert!(took >= Duration::from_millis(900), "used the time it had: {took:?}");
}

#[tokio::test]
async fn a_deleted_secret_is_503_and_service_resumes_when_it_is_restored() {
    let secret = create_secret(KEY).await;
    let mut settings = Settings::new(&secret).await;
    if let Some(h) = &mut settings.config.auth.keys {
        h.refresh_interval = Duration::ZERO;
        h.cache_ttl = Duration::ZERO;
    }
    let app = settings.app();
    let init = json!({"jsonrpc":"2.0","id":1,"method":"ping"});
    assert_eq!(send(&app, rpc(&init, None)).await.status, 200);
    let client = secrets().await;
    client.delete_secret().secret_id(&secret).force_delete_without_recovery(true).send().await.unwrap();
    // Keys expire at once here (TTL 0), but a failed refresh keeps serving the cached keys.
    assert_eq!(send(&app, rpc(&init, None)).await.status, 200, "cached keys outlive a deleted secret");
    let fresh = Settings::new(&secret).await.app();
    let answer = send(&fresh, rpc(&init, None)).await;
    assert_eq!(answer.status, 503);
    assert!(answer.headers.get("retry-after").is_some());
    client.create_secret().name(&secret).secret_string(KEY).send().await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    let mut resumed = 0;
    for _ in 0..20 {
        resumed = send(&fresh, rpc(&init, None)).await.status;
        if resumed == 200 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    assert_eq!(resumed, 200, "service resumes by itself once the secret is back");
}

#[tokio::test]
async fn a_deadline_that_is_not_an_epoch_time_is_ignored() {
    // cargo lambda watch sends `Lambda-Runtime-Deadline-Ms: 600000` (a duration); it must not
    // make every call look late.
    let app = crate::helpers::app().await;
    let mut context = lambda_http::lambda_runtime::Context::default();
    context.deadline = 600_000;
    let body = json!({"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_order","arguments":{"order_number": ORDER}}});
    let answer = send(&app, rpc(&body, Some("2025-06-18")).with_lambda_context(context)).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(answer.json()["result"]["isError"], false);
}
