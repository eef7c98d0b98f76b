//! What the logs say: one line per request with its method, tool and outcome, and never a key,
//! a wrong key someone tried, or customer data.

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::json;
use tracing_subscriber::fmt::MakeWriter;

use crate::helpers::{KEY, ORDER, app, call_tool, post, send};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for Captured {
    type Writer = Captured;

    fn make_writer(&'a self) -> Captured {
        self.clone()
    }
}

#[tokio::test]
async fn logs_carry_one_line_per_request_and_no_keys_or_customer_data() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt().json().with_max_level(tracing::Level::INFO).with_writer(captured.clone()).finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let app = app().await;
    let init = r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}"#;
    send(&app, post(init, &[("x-api-key", KEY)])).await;
    send(&app, post(init, &[("x-api-key", "wrong-key-attempt-1234")])).await;
    send(&app, post(init, &[("authorization", "Bearer another-wrong-token-5678")])).await;
    let order = call_tool(&app, "get_order", json!({"order_number": ORDER})).await;
    let email = order["structuredContent"]["customer_email"].as_str().unwrap().to_owned();
    let name = order["structuredContent"]["customer_name"].as_str().unwrap().to_owned();
    call_tool(&app, "search_orders", json!({"email": email})).await;

    let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    let lines: Vec<serde_json::Value> =
        text.lines().filter(|l| l.contains("request handled")).map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 5, "one line per request:\n{text}");
    assert!(lines.iter().any(|l| l["span"]["tool"] == "get_order" && l["span"]["outcome"] == "ok"), "{text}");
    assert!(lines.iter().all(|l| l["fields"]["latency_ms"].is_number() && l["fields"]["status"].is_number()));
    for secret in [KEY, "wrong-key-attempt-1234", "another-wrong-token-5678", email.as_str(), name.as_str()] {
        assert!(!text.contains(secret), "`{secret}` reached the logs:\n{text}");
    }
}
