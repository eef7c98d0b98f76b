//! What the logs say: one line per request with its method, tool and outcome, and never a key,
//! a wrong key someone tried, or customer data.

use std::cell::RefCell;
use std::io::Write;
use std::sync::Once;

use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{KEY, ORDER, app, call_tool, post, send};

thread_local! {
    /// The log output of this thread, while a test captures it.
    static CAPTURE: RefCell<Option<Vec<u8>>> = const { RefCell::new(None) };
}

/// Writes into the current thread's capture buffer, or nowhere.
#[derive(Clone, Copy)]
struct ThreadCapture;

impl Write for ThreadCapture {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        CAPTURE.with(|c| c.borrow_mut().as_mut().map(|buffer| buffer.extend_from_slice(bytes)));
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for ThreadCapture {
    type Writer = ThreadCapture;

    fn make_writer(&'a self) -> ThreadCapture {
        *self
    }
}

/// One process-wide JSON subscriber (tracing caches callsite interest globally, so a scoped one
/// can miss events when other tests run in parallel); each test reads only its own thread.
fn capture_logs() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let subscriber =
            tracing_subscriber::fmt().json().with_max_level(tracing::Level::INFO).with_writer(ThreadCapture).finish();
        tracing::subscriber::set_global_default(subscriber).expect("no other global subscriber in the tests");
    });
    CAPTURE.with(|c| *c.borrow_mut() = Some(Vec::new()));
}

fn captured() -> String {
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
    assert!(
        lines.iter().any(|l| l["fields"]["tool"] == "get_order"
            && l["fields"]["outcome"] == "ok"
            && l["fields"]["caller"] == "key-1"),
        "{text}"
    );
    assert!(lines.iter().all(|l| l["fields"]["latency_ms"].is_number() && l["fields"]["status"].is_number()));
    for secret in [KEY, "wrong-key-attempt-1234", "another-wrong-token-5678", email.as_str(), name.as_str()] {
        assert!(!text.contains(secret), "`{secret}` reached the logs:\n{text}");
    }
}
