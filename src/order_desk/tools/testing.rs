//! What the tools' unit tests share: the demo data in a [`MemoryStore`], and a call through the
//! order desk's registry (argument validation included), as a client would make it.

use std::sync::{Arc, OnceLock};

use serde_json::Value;

use crate::engine::auth::Caller;
use crate::engine::tools::texts::Lang;
use crate::engine::tools::{CallContext, CallOutcome, ToolRegistry, ToolResult};
use crate::order_desk::seed::DataSet;
use crate::order_desk::store::memory::MemoryStore;
use crate::order_desk::store::{Order, OrderStatus};

/// The committed demo data set (300 customers, 3,000 orders), parsed once.
pub(crate) fn demo() -> &'static DataSet {
    static DEMO: OnceLock<DataSet> = OnceLock::new();
    DEMO.get_or_init(|| {
        serde_json::from_str(include_str!("../../../data/demo-orders.json")).expect("the demo data parses")
    })
}

/// A fresh store holding the demo data.
pub(crate) fn store() -> Arc<MemoryStore> {
    let data = demo();
    Arc::new(MemoryStore::new(data.customers.clone(), data.orders.clone()))
}

/// A demo order in `status`.
pub(crate) fn order_in(status: OrderStatus) -> &'static Order {
    demo().orders.iter().map(|d| &d.order).find(|o| o.status == status).expect("the demo data has every status")
}

/// A call context in `lang` for a caller with a Moveo session.
pub(crate) fn context(lang: Lang) -> CallContext {
    CallContext {
        lang,
        caller: Caller::with_id("key-1"),
        session_id: Some("session-1".into()),
        ..CallContext::default()
    }
}

/// A tool's answer: the result JSON (or a -32602 message) and its outcome.
pub(crate) struct Answer {
    pub result: Value,
    pub outcome: CallOutcome,
}

impl Answer {
    /// The result's first text block.
    pub fn text(&self) -> &str {
        self.result["content"][0]["text"].as_str().unwrap_or_default()
    }

    /// True when the result is an `isError` result.
    pub fn is_error(&self) -> bool {
        self.result["isError"] == true
    }
}

/// Calls tool `name` of `registry` with `arguments` in `ctx`.
pub(crate) async fn call(registry: &ToolRegistry, name: &str, arguments: Value, ctx: &CallContext) -> Answer {
    let running = registry.call(name, Some(arguments), ctx).expect("the tool is registered");
    let (result, outcome) = running.await;
    Answer { result: result.map_or_else(Value::String, ToolResult::into_value), outcome }
}
