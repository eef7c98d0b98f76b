//! The order desk's data in memory: the same answers and the same idempotent cancellation as the
//! DynamoDB store, for the tools' unit tests (milliseconds, no moto). Not for deployment: nothing
//! survives the process.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use std::time::{SystemTime, UNIX_EPOCH};

use super::model::timestamp;
use super::{
    CancelOutcome, CancelRequest, Customer, CustomerOrders, Order, OrderDetails, OrderPage, OrderStatus, OrderStore,
    RECORD_TTL, StoreError,
};

/// An idempotency record: the arguments' fingerprint and, once done, the cancelled order.
#[derive(Debug, Clone)]
struct Record {
    fingerprint: String,
    result: Option<Order>,
    expires_at: u64,
}

#[derive(Debug, Default)]
struct State {
    customers: HashMap<String, Customer>,
    orders: BTreeMap<String, OrderDetails>,
    records: HashMap<String, Record>,
    /// A failure every call answers with until cleared ([`MemoryStore::fail_with`]).
    failure: Option<StoreError>,
    /// The methods called so far, in order ([`MemoryStore::calls`]).
    calls: Vec<&'static str>,
}

/// An in-memory [`OrderStore`].
#[derive(Debug, Default)]
pub struct MemoryStore {
    state: Mutex<State>,
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

/// True when `order` may be seen by a request bound to `owner` (any request when `None`).
fn owns(owner: Option<&str>, order: &Order) -> bool {
    owner.is_none_or(|email| email.eq_ignore_ascii_case(&order.customer_email))
}

/// Newest first, as the indexes sort them (creation time, then number).
fn newest_first(a: &Order, b: &Order) -> std::cmp::Ordering {
    (&b.created_at, &b.number).cmp(&(&a.created_at, &a.number))
}

impl MemoryStore {
    /// A store holding `customers` and `orders`.
    pub fn new(customers: Vec<Customer>, orders: Vec<OrderDetails>) -> Self {
        let state = State {
            customers: customers.into_iter().map(|c| (c.email.clone(), c)).collect(),
            orders: orders.into_iter().map(|o| (o.order.number.clone(), o)).collect(),
            ..State::default()
        };
        MemoryStore { state: Mutex::new(state) }
    }

    /// Makes every call fail with `error` (or succeed again with `None`): the store faults a tool
    /// must turn into plain language.
    pub fn fail_with(&self, error: Option<StoreError>) {
        self.lock().failure = error;
    }

    /// Records that a call holding `key` is still running (another invocation's lease).
    pub fn hold_key(&self, key: &str, fingerprint: &str) {
        let record = Record { fingerprint: fingerprint.into(), result: None, expires_at: now_secs() + 30 };
        self.lock().records.insert(key.into(), record);
    }

    /// The store methods called so far, in order, and forgets them: what a test compares to show
    /// two requests cost the same calls.
    pub fn take_calls(&self) -> Vec<&'static str> {
        std::mem::take(&mut self.lock().calls)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // A panic while holding the lock leaves consistent data behind (every write is one insert).
        self.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read<T>(&self, method: &'static str, read: impl FnOnce(&State) -> T) -> Result<T, StoreError> {
        let mut state = self.lock();
        state.calls.push(method);
        match &state.failure {
            Some(error) => Err(error.clone()),
            None => Ok(read(&state)),
        }
    }

    fn orders_of(state: &State, email: &str, status: Option<OrderStatus>) -> Vec<Order> {
        let mut orders: Vec<Order> = state
            .orders
            .values()
            .map(|d| &d.order)
            .filter(|o| o.customer_email == email && status.is_none_or(|s| o.status == s))
            .cloned()
            .collect();
        orders.sort_by(newest_first);
        orders
    }
}

impl OrderStore for MemoryStore {
    async fn get_order(&self, number: &str) -> Result<Option<OrderDetails>, StoreError> {
        self.read("get_order", |state| state.orders.get(number).cloned())
    }

    async fn order_head(
        &self,
        number: &str,
        owner: Option<&str>,
        _consistent: bool,
    ) -> Result<Option<Order>, StoreError> {
        // As the DynamoDB store: the owner's own orders first, the head only for one of them.
        if let Some(owner) = owner
            && !self.owns_order(number, owner).await?
        {
            return Ok(None);
        }
        self.read("order_head", |state| state.orders.get(number).map(|d| d.order.clone()).filter(|o| owns(owner, o)))
    }

    async fn owns_order(&self, number: &str, owner: &str) -> Result<bool, StoreError> {
        self.read("owns_order", |state| {
            state.orders.values().any(|d| d.order.number == number && owns(Some(owner), &d.order))
        })
    }

    async fn customer_orders(&self, email: &str, limit: usize) -> Result<CustomerOrders, StoreError> {
        self.read("customer_orders", |state| {
            let customer = state.customers.get(email).cloned();
            let mut orders = Self::orders_of(state, email, None);
            let truncated = orders.len() > limit;
            orders.truncate(limit);
            let total = customer.as_ref().map(|c| c.order_count);
            CustomerOrders { customer, page: OrderPage { orders, total, truncated } }
        })
    }

    async fn customer_orders_in_status(
        &self,
        email: &str,
        status: OrderStatus,
        limit: usize,
    ) -> Result<OrderPage, StoreError> {
        self.read("customer_orders_in_status", |state| {
            let mut orders = Self::orders_of(state, email, Some(status));
            let truncated = orders.len() > limit;
            orders.truncate(limit);
            OrderPage { orders, total: None, truncated }
        })
    }

    async fn completed_cancellation(&self, key: &str, fingerprint: &str) -> Result<Option<Order>, StoreError> {
        let now = now_secs();
        self.read("completed_cancellation", |state| {
            let record = state.records.get(key).filter(|r| r.expires_at > now && r.fingerprint == fingerprint);
            record.and_then(|r| r.result.clone())
        })
    }

    async fn cancel_order(&self, request: &CancelRequest) -> Result<CancelOutcome, StoreError> {
        let mut state = self.lock();
        state.calls.push("cancel_order");
        if let Some(error) = &state.failure {
            return Err(error.clone());
        }
        let now = now_secs();
        if let Some(key) = &request.idempotency_key
            && let Some(record) = state.records.get(key).filter(|r| r.expires_at > now)
        {
            return Ok(match (&record.result, record.fingerprint == request.fingerprint) {
                (_, false) => CancelOutcome::KeyReused,
                (None, true) => CancelOutcome::InProgress,
                (Some(order), true) => CancelOutcome::Cancelled { order: order.clone(), replayed: true },
            });
        }
        let Some(details) =
            state.orders.get_mut(&request.order_number).filter(|d| owns(request.owner.as_deref(), &d.order))
        else {
            return Ok(CancelOutcome::NotFound);
        };
        if request.expected_total_minor.is_some_and(|total| total != details.order.total_minor) {
            return Ok(CancelOutcome::AmountChanged(details.order.clone()));
        }
        if !details.order.status.is_cancellable() {
            return Ok(CancelOutcome::NotCancellable(details.order.clone()));
        }
        details.order.status = OrderStatus::Cancelled;
        details.order.cancel_reason = Some(request.reason.clone());
        details.order.updated_at = timestamp(now as i64);
        let order = details.order.clone();
        if let Some(key) = &request.idempotency_key {
            let record = Record {
                fingerprint: request.fingerprint.clone(),
                result: Some(order.clone()),
                expires_at: now + RECORD_TTL.as_secs(),
            };
            state.records.insert(key.clone(), record);
        }
        Ok(CancelOutcome::Cancelled { order, replayed: false })
    }
}
