//! The subscriber end to end: spans and events through `tracing`'s macros into captured lines.

use std::sync::{Arc, Mutex};

use serde_json::Value;
use tracing::field;

use super::*;

#[derive(Clone, Default)]
struct Capture(Arc<Mutex<Vec<u8>>>);

impl LineSink for Capture {
    fn write_line(&self, line: &[u8]) {
        self.0.lock().unwrap().extend_from_slice(line);
    }
}

impl Capture {
    fn lines(&self) -> Vec<String> {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap().lines().map(str::to_owned).collect()
    }
}

fn capture(vars: &[(&str, &str)], format: Format, run: impl FnOnce()) -> Vec<String> {
    let filter = Filter::from_lookup(|name| vars.iter().find(|(n, _)| *n == name).map(|(_, v)| v.to_string()));
    let sink = Capture::default();
    tracing::subscriber::with_default(FlatSubscriber::new(filter, format, sink.clone()), run);
    sink.lines()
}

/// The keys of a JSON object line, in order, duplicates kept.
fn keys(line: &str) -> Vec<String> {
    let object: serde_json::Map<String, Value> = serde_json::from_str(line).unwrap();
    let mut keys = Vec::new();
    let mut rest = line;
    for key in object.keys() {
        let quoted = format!("\"{key}\":");
        while let Some(at) = rest.find(&quoted) {
            keys.push(key.clone());
            rest = &rest[at + quoted.len()..];
        }
        rest = line;
    }
    keys
}

#[test]
fn an_event_prints_its_fields_and_its_spans_fields_once_in_one_flat_object() {
    let lines = capture(&[], Format::Json, || {
        let outer = tracing::info_span!("Lambda runtime invoke", requestId = "req-1", xrayTraceId = "Root=1-a");
        let _outer = outer.enter();
        let inner =
            tracing::info_span!("mcp_request", rpc_method = "tools/call", tool = field::Empty, status = field::Empty);
        let _inner = inner.enter();
        tracing::Span::current().record("tool", "get_order");
        tracing::Span::current().record("status", 200);
        tracing::info!(status = 200, latency_ms = 0.42, "request handled");
    });
    assert_eq!(lines.len(), 1, "{lines:?}");
    let line: Value = serde_json::from_str(&lines[0]).unwrap();
    assert_eq!(line["level"], "INFO");
    assert_eq!(line["message"], "request handled");
    assert_eq!(line["tool"], "get_order");
    assert_eq!(line["rpc_method"], "tools/call");
    assert_eq!(line["requestId"], "req-1");
    assert_eq!(line["xrayTraceId"], "Root=1-a");
    assert_eq!(line["status"], 200);
    assert_eq!(line["latency_ms"], 0.42);
    let mut all = keys(&lines[0]);
    let count = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), count, "a field printed twice: {}", lines[0]);
    assert!(line.get("span").is_none() && line.get("spans").is_none() && line.get("fields").is_none());
}

#[test]
fn events_outside_spans_and_after_spans_close_carry_only_their_own_fields() {
    let lines = capture(&[], Format::Json, || {
        {
            let span = tracing::info_span!("mcp_request", tool = "search_orders");
            let _entered = span.enter();
        }
        tracing::warn!(budget_ms = 5u64, "answering before the Lambda deadline");
    });
    assert_eq!(lines, vec![r#"{"level":"WARN","message":"answering before the Lambda deadline","budget_ms":5}"#]);
}

#[test]
fn a_parent_span_outlives_its_handle_while_a_child_needs_it() {
    let lines = capture(&[], Format::Text, || {
        let child = {
            let parent = tracing::info_span!("parent", request = "r-1");
            tracing::info_span!(parent: &parent, "child", step = 2u64)
        };
        let reused = tracing::info_span!("other", unrelated = true);
        let _entered = child.enter();
        tracing::info!("inside");
        drop(reused);
    });
    assert_eq!(lines, vec!["INFO inside step=2 request=\"r-1\""]);
}

#[test]
fn levels_follow_the_setting_and_the_runtime_crates_stay_at_info() {
    let lines = capture(&[("RUST_LOG", "trace")], Format::Text, || {
        tracing::trace!("ours at trace");
        tracing::debug!(target: "lambda_runtime::layers::api_client", "raw event body");
        tracing::trace!(target: "aws_smithy_runtime::client::http", "signed request");
        tracing::debug!(target: "hyper::proto::h1::io", "parsed headers");
        tracing::info!(target: "lambda_runtime", "runtime info");
    });
    assert_eq!(lines, vec!["TRACE ours at trace", "INFO runtime info"]);
    let lines = capture(&[("AWS_LAMBDA_LOG_LEVEL", "WARN")], Format::Text, || {
        tracing::info!("quiet");
        tracing::error!("loud");
    });
    assert_eq!(lines, vec!["ERROR loud"]);
}
