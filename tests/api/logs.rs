//! What the logs say: one line per request with its method, tool and outcome; on a failure, the
//! service and its error code. Never a key, a wrong key someone tried, customer data, a table
//! name or an ARN (docs/reliability-and-security.md, "Logs").

use std::cell::RefCell;
use std::sync::Once;

use lambda_mcp::engine::config::AuthSettings;
use lambda_mcp::engine::logging::{Filter, FlatSubscriber, Format, LineSink};
use serde_json::json;

use crate::fault_server::{DENIED_ROLE_ARN, Fault, FaultServer};
use crate::helpers::{KEY, ORDER, Settings, app, call_tool, create_secret, post, send, unique};

thread_local! {
    /// The log output of this thread, while a test captures it.
    static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Writes into the current thread's capture buffer, or nowhere.
#[derive(Clone, Copy)]
struct ThreadCapture;

impl LineSink for ThreadCapture {
    fn write_line(&self, line: &[u8]) {
        CAPTURE.with(|c| c.borrow_mut().as_mut().map(|buffer| buffer.extend_from_slice(line)));
    }
}

/// One process-wide subscriber, the one the function installs, writing JSON as with
/// `AWS_LAMBDA_LOG_FORMAT=JSON` (tracing caches callsite interest globally, so a scoped one can
/// miss events when other tests run in parallel); each test reads only its own thread.
pub(crate) fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber = FlatSubscriber::new(Filter::default(), Format::Json, ThreadCapture);
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in the tests");
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

pub(crate) fn captured() -> String {
    CAPTURE.with(|c| String::from_utf8(c.borrow_mut().take().unwrap_or_default()).unwrap())
}

#[tokio::test]
async fn logs_carry_one_line_per_request_and_no_keys_or_customer_data() {
    capture_logs();
    let app = app().await;
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    send(&app, post(init, &[("x-api-key", KEY)])).await;
    send(&app, post(init, &[("x-api-key", "wrong-key-attempt-1234")])).await;
    send(&app, post(init, &[("authorization", "Bearer another-wrong-token-5678")])).await;
    let order = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    let email = order["structuredContent"]["customer_email"].as_str().unwrap().to_owned();
    let name = order["structuredContent"]["customer_name"].as_str().unwrap().to_owned();
    call_tool(&app, "search_orders", json!({"email": email})).await;

    let text = captured();
    let lines: Vec<serde_json::Value> =
        text.lines().filter(|l| l.contains("request handled")).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5, "one line per request:\n{text}");
    assert!(lines.iter().any(|l| l["tool"] == "get_order" && l["outcome"] == "ok" && l["caller"] == "key-1"), "{text}");
    assert!(lines.iter().all(|l| l["latency_ms"].is_number() && l["status"].is_number()), "{text}");
    for line in text.lines().filter(|l| l.contains("request handled")) {
        assert_eq!(line.matches("\"status\":").count(), 1, "each field once: {line}");
    }
    for secret in [KEY, "wrong-key-attempt-1234", "another-wrong-token-5678", email.as_str(), name.as_str()] {
        assert!(!text.contains(secret), "`{secret}` reached the logs:\n{text}");
    }
}

/// The `request handled` lines captured on this thread, as JSON.
fn handled_lines() -> Vec<serde_json::Value> {
    captured().lines().filter(|l| l.contains("request handled")).map(|l| serde_json::from_str(l).unwrap()).collect()
}

const TRACEPARENT: &str = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const HEADER_TRACEPARENT: &str = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00";

#[tokio::test]
async fn the_w3c_trace_context_from_meta_or_headers_joins_the_line() {
    capture_logs();
    let app = app().await;
    let list =
        |meta: serde_json::Value| json!({"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {"_meta": meta}});
    let base = [("x-api-key", KEY), ("content-type", "application/json"), ("mcp-protocol-version", "2025-06-18")];
    let mut with_header = base.to_vec();
    with_header.extend([("traceparent", HEADER_TRACEPARENT), ("tracestate", "vendor=abc")]);
    send(&app, post(&list(json!({})).to_string(), &with_header)).await;
    let meta = json!({"traceparent": TRACEPARENT, "tracestate": "rojo=00f067aa0ba902b7"});
    send(&app, post(&list(meta).to_string(), &with_header)).await;
    send(&app, post(&list(json!({"traceparent": "not-a-traceparent"})).to_string(), &base)).await;

    let lines = handled_lines();
    assert_eq!(lines.len(), 3);
    let field = |i: usize, name: &str| lines[i][name].clone();
    assert_eq!(field(0, "trace_id"), "0af7651916cd43dd8448eb211c80319c");
    assert_eq!((field(0, "trace_source"), field(0, "tracestate")), (json!("header"), json!("vendor=abc")));
    assert_eq!(field(0, "trace_sampled"), false);
    assert_eq!(field(1, "trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736", "_meta wins over the headers");
    assert_eq!((field(1, "parent_span_id"), field(1, "trace_source")), (json!("00f067aa0ba902b7"), json!("meta")));
    assert_eq!(field(1, "tracestate"), "rojo=00f067aa0ba902b7");
    assert!(lines[2].get("trace_id").is_none(), "a malformed traceparent is not logged");
    assert!(!captured_contains_any(&lines, &["not-a-traceparent"]));
}

fn captured_contains_any(lines: &[serde_json::Value], needles: &[&str]) -> bool {
    lines.iter().any(|l| needles.iter().any(|n| l.to_string().contains(n)))
}

#[tokio::test]
async fn correlation_values_are_logged_only_after_authentication_and_personal_ones_hashed() {
    capture_logs();
    let app = app().await;
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    let moveo = [
        ("x-moveo-account-id", "acct-123"),
        ("x-moveo-external-id", "jane.customer@example.org"),
        ("x-moveo-session-id", "session-7f3a"),
        ("x-moveo-request-id", "req-42"),
    ];
    let mut refused = moveo.to_vec();
    refused.push(("x-api-key", "wrong-key-xyz"));
    send(&app, post(init, &refused)).await;
    let mut accepted = moveo.to_vec();
    accepted.push(("x-api-key", KEY));
    send(&app, post(init, &accepted)).await;

    let lines = handled_lines();
    assert_eq!(lines.len(), 2);
    let (before, after) = (&lines[0], &lines[1]);
    assert_eq!(before["status"], 401);
    for (_, value) in moveo {
        assert!(!before.to_string().contains(value), "`{value}` logged before authentication: {before}");
    }
    assert_eq!(
        (after["moveo_account_id"].as_str(), after["moveo_request_id"].as_str()),
        (Some("acct-123"), Some("req-42"))
    );
    for (field, raw) in [("moveo_external_user", "jane.customer@example.org"), ("moveo_session", "session-7f3a")] {
        let pseudonym = after[field].as_str().unwrap_or_else(|| panic!("{field} missing: {after}"));
        assert!(pseudonym.len() == 16 && pseudonym.bytes().all(|b| b.is_ascii_hexdigit()), "{field}: {pseudonym}");
        assert!(!after.to_string().contains(raw), "`{raw}` logged verbatim: {after}");
    }
}

/// The store-error and key-error paths log which service failed and its error code (operators
/// need both), never what AWS's own messages carry: table names, ARNs (role, table, secret), the
/// account, keys or customer data.
#[tokio::test]
async fn store_and_key_failures_log_the_service_and_error_code_but_no_table_arn_key_or_customer() {
    capture_logs();
    let table = unique("orders-absent");
    let email = "jane.doe@example.com";
    // A missing table on moto: DynamoDB's message names the table.
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.table = table.clone();
    let missing = call_tool(&settings.app(), "get_order", json!({"order_number": ORDER})).await;
    assert_eq!(missing["isError"], true, "{missing}");
    // DynamoDB refusing the role: AWS's message names the role's ARN and the table's.
    let table_arn = format!("arn:aws:dynamodb:us-east-1:123456789012:table/{table}");
    let denied = FaultServer::start(Fault::AccessDenied { resource_arn: table_arn.clone() }).await;
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    settings.table = table.clone();
    settings.endpoint = denied.endpoint.clone();
    let refused = call_tool(&settings.app(), "search_orders", json!({"email": email})).await;
    assert_eq!(refused["isError"], true, "{refused}");
    assert!(denied.requests() >= 1, "DynamoDB was called");
    // Secrets Manager refusing the role: the message names the secret's ARN.
    let secret_arn = "arn:aws:secretsmanager:us-east-1:123456789012:secret:lambda-mcp/api-key-AbCdEf";
    let denied = FaultServer::start(Fault::AccessDenied { resource_arn: secret_arn.into() }).await;
    let mut settings = Settings::new(secret_arn).await;
    settings.endpoint = denied.endpoint.clone();
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#;
    assert_eq!(send(&settings.app(), post(init, &[("x-api-key", KEY)])).await.status, 503);
    assert!(denied.requests() >= 1, "Secrets Manager was called");

    let text = captured();
    let has = |line_part: &str, detail: &str| text.lines().any(|l| l.contains(line_part) && l.contains(detail));
    assert!(has("order store call failed", "DynamoDB refused the request: ResourceNotFoundException"), "{text}");
    assert!(has("order store call failed", "DynamoDB refused the request: AccessDeniedException"), "{text}");
    assert!(has("could not load the API keys", "Secrets Manager"), "{text}");
    assert!(has("could not load the API keys", "AccessDeniedException"), "{text}");
    for never in [table.as_str(), &table_arn, secret_arn, DENIED_ROLE_ARN, "arn:aws", "123456789012", KEY, email] {
        assert!(!text.contains(never), "`{never}` reached the logs:\n{text}");
    }
}
