//! The order desk's data, behind the [`OrderStore`] trait: what the tools need (the reads and the
//! idempotent cancellation), in domain types. [`dynamo::DynamoStore`] is the deployed store (one
//! DynamoDB table); [`memory::MemoryStore`] holds the same data in memory for the tools' unit
//! tests. A fork that keeps its data elsewhere implements this trait.

pub mod dynamo;
pub mod memory;
pub mod model;

use std::future::Future;
use std::time::Duration;

use thiserror::Error;

pub use model::{Customer, LineItem, Money, Order, OrderDetails, OrderStatus, Shipment};

/// How long a claimed idempotency key blocks duplicates before another caller may take it over.
pub const LEASE: Duration = Duration::from_secs(30);
/// How long a completed cancellation is replayed for its key.
pub const RECORD_TTL: Duration = Duration::from_secs(24 * 3600);

/// Why the store could not answer. Logged in full (never item contents); tools turn it into
/// plain language.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum StoreError {
    /// Throttled, timed out, unreachable or a server-side failure: worth retrying later.
    #[error("DynamoDB is unavailable: {0}")]
    Unavailable(String),
    /// The store refused the request (a bug or a misconfiguration, such as a missing table).
    #[error("DynamoDB refused the request: {0}")]
    Rejected(String),
    /// A stored item could not be read as its entity (the description names the item's kind and
    /// key, never its contents).
    #[error("{0}")]
    Corrupt(String),
}

/// A page of orders, newest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderPage {
    pub orders: Vec<Order>,
    /// How many orders exist in all, when known (from the customer's profile).
    pub total: Option<u32>,
    /// True when the store stopped at the limit (there may be more).
    pub truncated: bool,
}

/// A customer's profile and newest orders.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CustomerOrders {
    pub customer: Option<Customer>,
    pub page: OrderPage,
}

/// A cancellation to perform.
#[derive(Debug, Clone)]
pub struct CancelRequest {
    pub order_number: String,
    /// Why (a reason code such as `customer_request`).
    pub reason: String,
    /// Replays and deduplicates calls carrying the same key; `None` relies on the status
    /// condition alone.
    pub idempotency_key: Option<String>,
    /// A digest of the arguments: the same key with other arguments is refused.
    pub fingerprint: String,
    /// Only an order of this customer (email) is cancelled; another's answers as missing.
    pub owner: Option<String>,
    /// The total the customer confirmed (minor units): an order whose total differs is not
    /// cancelled.
    pub expected_total_minor: Option<i64>,
}

/// What became of a cancellation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CancelOutcome {
    /// Cancelled now (`replayed` false) or by an earlier call with the same key (`replayed` true).
    Cancelled { order: Order, replayed: bool },
    /// No such order.
    NotFound,
    /// The order's status does not allow cancelling (already cancelled, shipped, ...).
    NotCancellable(Order),
    /// Another call with the same key is still running.
    InProgress,
    /// The key was used before with other arguments.
    KeyReused,
    /// The order's total is no longer the one the customer confirmed; nothing changed.
    AmountChanged(Order),
}

/// What the order desk's tools need from their data.
pub trait OrderStore: Send + Sync + 'static {
    /// One order with its lines and shipments.
    fn get_order(&self, number: &str) -> impl Future<Output = Result<Option<OrderDetails>, StoreError>> + Send;

    /// An order's head only (no lines); `consistent` for read-before-write. With an `owner`
    /// (email), only an order of that customer: [`Self::owns_order`] first, then the head for
    /// the customer's own order only, so another customer's order answers `None` exactly as a
    /// missing one does, from the same store work.
    fn order_head(
        &self,
        number: &str,
        owner: Option<&str>,
        consistent: bool,
    ) -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// True when the customer `owner` (email) has an order `number`, found among that customer's
    /// own orders: the store's work for a number they do not own depends only on `owner`, never
    /// on whether the number exists.
    fn owns_order(&self, number: &str, owner: &str) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// A customer's profile and newest `limit` orders.
    fn customer_orders(
        &self,
        email: &str,
        limit: usize,
    ) -> impl Future<Output = Result<CustomerOrders, StoreError>> + Send;

    /// A customer's newest `limit` orders in `status`.
    fn customer_orders_in_status(
        &self,
        email: &str,
        status: OrderStatus,
        limit: usize,
    ) -> impl Future<Output = Result<OrderPage, StoreError>> + Send;

    /// The order an earlier cancellation with idempotency `key` and the same arguments
    /// (`fingerprint`) cancelled, while its record lasts: what a retry replays without asking
    /// the customer again.
    fn completed_cancellation(
        &self,
        key: &str,
        fingerprint: &str,
    ) -> impl Future<Output = Result<Option<Order>, StoreError>> + Send;

    /// Cancels an order that is still pending or processing, exactly once per idempotency key.
    fn cancel_order(&self, request: &CancelRequest) -> impl Future<Output = Result<CancelOutcome, StoreError>> + Send;
}
