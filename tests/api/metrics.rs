//! The EMF metrics lines: one per request, each a valid embedded-metric-format document (the
//! published JSON schema, and the rules a schema cannot state), carrying the expected metrics and
//! low-cardinality dimensions for a scripted mix of requests, and the SDK's retries and timeouts
//! as the code saw them.

use std::sync::{Arc, Mutex};

use lambda_mcp::engine::config::AuthSettings;
use lambda_mcp::engine::transport::MetricsOutput;
use serde_json::{Value, json};

use crate::fault_server::{Fault, FaultServer};
use crate::helpers::{App, KEY, ORDER, Settings, call_tool, create_secret, post, root, rpc, send};

type Lines = Arc<Mutex<Vec<String>>>;

async fn app_with_lines(settings: Settings) -> (App, Lines) {
    let lines: Lines = Arc::default();
    (settings.app().with_metrics_output(MetricsOutput::Memory(lines.clone())), lines)
}

fn documents(lines: &Lines) -> Vec<Value> {
    lines.lock().unwrap().iter().map(|l| serde_json::from_str(l).expect("a metrics line is one JSON object")).collect()
}

/// The specification's rules: the schema, then every dimension a string member of the root,
/// every metric a number (or at most 100 numbers), at most 100 metrics per directive.
fn assert_valid_emf(document: &Value) {
    let text = std::fs::read_to_string(root().join("tests/schemas/emf.json")).unwrap();
    let schema: Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator.iter_errors(document).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:?} in {document}");
    for directive in document["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
        for set in directive["Dimensions"].as_array().unwrap() {
            for dimension in set.as_array().unwrap() {
                let value = &document[dimension.as_str().unwrap()];
                assert!(
                    value.as_str().is_some_and(|v| !v.is_empty()),
                    "dimension {dimension} is not a string: {document}"
                );
            }
        }
        let metrics = directive["Metrics"].as_array().unwrap();
        assert!(metrics.len() <= 100);
        for metric in metrics {
            let value = &document[metric["Name"].as_str().unwrap()];
            let numeric =
                value.is_number() || value.as_array().is_some_and(|a| a.len() <= 100 && a.iter().all(Value::is_number));
            assert!(numeric, "metric {} is not numeric: {document}", metric["Name"]);
        }
    }
    let now_ms = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as u64;
    let stamp = document["_aws"]["Timestamp"].as_u64().unwrap();
    assert!(stamp <= now_ms && now_ms - stamp < 600_000, "a timestamp of now, in milliseconds: {stamp}");
}

/// The metric names `document` declares under exactly these dimension names.
fn metrics_under(document: &Value, dimensions: &[&str]) -> Vec<String> {
    let mut names = Vec::new();
    for directive in document["_aws"]["CloudWatchMetrics"].as_array().unwrap() {
        if directive["Dimensions"].as_array().unwrap().iter().any(|set| set == &json!(dimensions)) {
            assert_eq!(directive["Namespace"], "LambdaMcp");
            names.extend(
                directive["Metrics"].as_array().unwrap().iter().map(|m| m["Name"].as_str().unwrap().to_owned()),
            );
        }
    }
    names
}

/// One scripted request: what is sent, its status, `Method`, `Outcome`, and for a tool call its
/// `Tool` and `ToolOutcome`.
type Step = (lambda_http::Request, u16, &'static str, &'static str, Option<(&'static str, &'static str)>);

fn tool_call(name: &str, arguments: Value) -> Value {
    json!({"jsonrpc": "2.0", "id": 7, "method": "tools/call", "params": {"name": name, "arguments": arguments}})
}

#[tokio::test]
async fn every_request_writes_one_valid_emf_line_with_its_method_outcome_and_tool() {
    let (app, lines) = app_with_lines(Settings::new(&create_secret(KEY).await).await).await;
    let init = json!({"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}});
    let json_headers = [("content-type", "application/json")];
    let script: Vec<Step> = vec![
        (post(&init.to_string(), &json_headers), 401, "none", "unauthorized", None),
        (rpc(&init, None), 200, "initialize", "ok", None),
        (
            rpc(&json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}), Some("2025-06-18")),
            200,
            "tools/list",
            "ok",
            None,
        ),
        (
            rpc(&tool_call("get_order", json!({"order_number": ORDER})), Some("2025-06-18")),
            200,
            "tools/call",
            "ok",
            Some(("get_order", "ok")),
        ),
        (
            rpc(&tool_call("get_order", json!({"order_number": "9999999"})), Some("2025-06-18")),
            200,
            "tools/call",
            "tool_error",
            Some(("get_order", "tool_error")),
        ),
        (
            rpc(&tool_call("get_order", json!({"order_number": 5})), Some("2025-06-18")),
            200,
            "tools/call",
            "invalid_arguments",
            Some(("get_order", "invalid_arguments")),
        ),
        (
            rpc(&tool_call("drop_all_tables", json!({})), Some("2025-06-18")),
            200,
            "tools/call",
            "unknown_tool",
            Some(("unknown", "refused")),
        ),
        (
            rpc(&json!({"jsonrpc":"2.0","method":"notifications/initialized"}), Some("2025-06-18")),
            202,
            "notification",
            "ok",
            None,
        ),
        (
            rpc(&json!({"jsonrpc":"2.0","id":3,"method":"x-vendor/made-up-by-a-client"}), Some("2025-06-18")),
            200,
            "other",
            "method_not_found",
            None,
        ),
        (
            post("{not json", &[("x-api-key", KEY), ("content-type", "application/json")]),
            400,
            "none",
            "parse_error",
            None,
        ),
    ];
    let mut expected = Vec::new();
    for (request, status, method, outcome, tool) in script {
        let answer = send(&app, request).await;
        assert_eq!(answer.status, status, "{method}/{outcome}: {}", answer.text);
        expected.push((status, method, outcome, tool));
    }
    let docs = documents(&lines);
    assert_eq!(docs.len(), expected.len(), "one line per request");
    for (i, (doc, (status, method, outcome, tool))) in docs.iter().zip(&expected).enumerate() {
        assert_valid_emf(doc);
        assert!(!doc.to_string().contains(KEY), "no key in a metrics line");
        assert_eq!((doc["Method"].as_str(), doc["Outcome"].as_str()), (Some(*method), Some(*outcome)), "{doc}");
        let per_function = metrics_under(doc, &["FunctionName"]);
        assert!(per_function.contains(&"Requests".to_owned()) && per_function.contains(&"Latency".to_owned()));
        assert_eq!(metrics_under(doc, &["FunctionName", "Method", "Outcome"]), ["Requests"]);
        assert!(doc["Latency"].as_f64().is_some_and(|ms| ms >= 0.0));
        assert_eq!(doc["ColdStarts"].as_u64(), (i == 0).then_some(1), "a cold start on the first request only");
        assert_eq!(doc["AuthFailures"].as_u64(), (*status == 401).then_some(1));
        assert_eq!(doc["level"], "INFO");
        match tool {
            Some((name, tool_outcome)) => {
                assert_eq!((doc["Tool"].as_str(), doc["ToolOutcome"].as_str()), (Some(*name), Some(*tool_outcome)));
                assert_eq!(metrics_under(doc, &["FunctionName", "Tool", "ToolOutcome"]), ["ToolCalls"]);
                assert_eq!(metrics_under(doc, &["FunctionName", "Tool"]), ["Latency"]);
                assert_eq!(doc["ToolCalls"], 1);
            }
            None => assert!(doc.get("Tool").is_none() && doc.get("ToolCalls").is_none(), "{doc}"),
        }
    }
    let email =
        call_tool(&app, "get_order", json!({"order_number": ORDER})).await["structuredContent"]["customer_email"]
            .as_str()
            .unwrap()
            .to_owned();
    assert!(!lines.lock().unwrap().iter().any(|l| l.contains(&email)), "no customer data in metrics");
}

#[tokio::test]
async fn dynamodb_retries_and_timeouts_are_counted_as_the_sdk_made_them() {
    let throttling = FaultServer::start(Fault::Throttle).await;
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    settings.endpoint = throttling.endpoint.clone();
    let (app, lines) = app_with_lines(settings).await;
    call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    let doc = documents(&lines).pop().unwrap();
    assert_valid_emf(&doc);
    assert_eq!(throttling.requests(), 3);
    assert_eq!(doc["DynamoDbRetries"], 2, "three attempts: two retries ({doc})");
    assert!(doc.get("DynamoDbTimeouts").is_none() && doc.get("SecretsManagerRetries").is_none());
    assert_eq!(doc["ToolOutcome"], "tool_error");

    let silent = FaultServer::start(Fault::Silence(std::time::Duration::from_secs(30))).await;
    let mut settings = Settings::new("unused").await;
    settings.config.auth = AuthSettings::off();
    settings.endpoint = silent.endpoint.clone();
    let (app, lines) = app_with_lines(settings).await;
    call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    let doc = documents(&lines).pop().unwrap();
    assert!(doc["DynamoDbTimeouts"].as_u64().is_some_and(|n| n >= 1), "attempts cut off by a timeout: {doc}");
}

#[tokio::test]
async fn a_failing_key_store_shows_as_secrets_manager_retries_and_a_503() {
    let throttling = FaultServer::start(Fault::Throttle).await;
    let mut settings = Settings::new("lambda-mcp/no-such-store").await;
    settings.endpoint = throttling.endpoint.clone();
    let (app, lines) = app_with_lines(settings).await;
    let answer = send(&app, rpc(&json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}), Some("2025-06-18"))).await;
    assert_eq!(answer.status, 503);
    let doc = documents(&lines).pop().unwrap();
    assert_valid_emf(&doc);
    assert_eq!((doc["Unavailable"].as_u64(), doc["SecretsManagerRetries"].as_u64()), (Some(1), Some(2)), "{doc}");
    assert_eq!(doc["Outcome"], "unavailable");
    assert!(doc.get("DynamoDbRetries").is_none());
}

#[tokio::test]
async fn metrics_lines_carry_a_level_lambda_keeps_at_warn_and_above() {
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.config.observability.lambda_log_level = Some("ERROR".into());
    let (app, lines) = app_with_lines(settings).await;
    send(&app, rpc(&json!({"jsonrpc":"2.0","id":2,"method":"tools/list"}), Some("2025-06-18"))).await;
    assert_eq!(documents(&lines)[0]["level"], "ERROR");
}

#[tokio::test]
async fn a_sampled_invocation_sends_an_xray_subsegment_carrying_the_w3c_trace_id() {
    use lambda_http::RequestExt;
    let daemon = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    daemon.set_read_timeout(Some(std::time::Duration::from_secs(10))).unwrap();
    let mut settings = Settings::new(&create_secret(KEY).await).await;
    settings.config.observability.xray_daemon = Some(daemon.local_addr().unwrap().to_string());
    let (app, _) = app_with_lines(settings).await;
    let mut context = lambda_http::lambda_runtime::Context::default();
    context.xray_trace_id = Some("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1".into());
    let mut call = tool_call("get_order", json!({"order_number": ORDER}));
    call["params"]["_meta"] = json!({"traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"});
    assert_eq!(send(&app, rpc(&call, Some("2025-06-18")).with_lambda_context(context.clone())).await.status, 200);

    let mut buffer = [0u8; 65_536];
    let size = daemon.recv(&mut buffer).expect("a subsegment for the sampled invocation");
    let text = std::str::from_utf8(&buffer[..size]).unwrap();
    let document: Value = serde_json::from_str(text.split_once('\n').unwrap().1).unwrap();
    assert_eq!(
        (document["trace_id"].as_str(), document["parent_id"].as_str()),
        (Some("1-5759e988-bd862e3fe1be46a994272793"), Some("53995c3f42cd8ad8"))
    );
    assert_eq!(
        document["annotations"],
        json!({"mcp_method": "tools/call", "mcp_tool": "get_order", "mcp_outcome": "ok", "w3c_trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"})
    );
    assert!(!text.contains(KEY));

    context.xray_trace_id = Some("Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0".into());
    send(&app, rpc(&call, Some("2025-06-18")).with_lambda_context(context)).await;
    daemon.set_read_timeout(Some(std::time::Duration::from_millis(500))).unwrap();
    assert!(daemon.recv(&mut buffer).is_err(), "an unsampled invocation sends nothing");
}
