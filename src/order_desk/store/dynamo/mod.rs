//! The deployed store: one DynamoDB table (single-table design, docs/data-model.md) behind
//! [`OrderStore`]. The client is built on first use, with the DynamoDB call budget (timeouts,
//! bounded retries). No `Scan` on any request path.

mod cancel;
pub mod items;
mod orders;
mod owned;
pub mod raw;
mod wire;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use tokio::sync::OnceCell;

pub use items::{Item, ItemError, TTL_ATTRIBUTE};

use super::{
    CancelOutcome, CancelRequest, CustomerOrders, Order, OrderDetails, OrderPage, OrderStatus, OrderStore, StoreError,
};
use crate::engine::aws::json::{self, JsonClient};
use crate::engine::aws::{AwsContext, CallBudget, Service};

/// Classifies an SDK failure; the description keeps the error code, never item data.
pub fn sdk_error<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> StoreError {
    match error {
        SdkError::ServiceError(e) => {
            let code = e.err().code().unwrap_or("unknown");
            let retryable = code.contains("Throttl")
                || code == "ProvisionedThroughputExceededException"
                || code == "RequestLimitExceeded"
                || code == "InternalServerError"
                || code == "ServiceUnavailable";
            if retryable { StoreError::Unavailable(code.into()) } else { StoreError::Rejected(code.into()) }
        }
        SdkError::TimeoutError(_) => StoreError::Unavailable("timed out".into()),
        SdkError::DispatchFailure(_) => StoreError::Unavailable("connection failed".into()),
        SdkError::ResponseError(_) => StoreError::Unavailable("unreadable response".into()),
        _ => StoreError::Rejected("request could not be built".into()),
    }
}

/// The order desk's data in one DynamoDB table.
#[derive(Debug)]
pub struct DynamoStore {
    aws: Arc<AwsContext>,
    table: String,
    client: OnceCell<Client>,
    /// The lean client the reads use (docs/performance.md, "Where a warm tool call's CPU goes").
    reader: OnceCell<JsonClient>,
    /// How long a claimed idempotency key blocks duplicates ([`super::LEASE`] unless changed).
    lease: std::time::Duration,
}

impl DynamoStore {
    /// A store over `table`; no client is built until the first call.
    pub fn new(aws: Arc<AwsContext>, table: impl Into<String>) -> Self {
        DynamoStore { aws, table: table.into(), client: OnceCell::new(), reader: OnceCell::new(), lease: super::LEASE }
    }

    /// The same store with another idempotency lease (tests shorten it to see one expire).
    pub fn with_lease(self, lease: std::time::Duration) -> Self {
        DynamoStore { lease, ..self }
    }

    /// The table name (for logs and the seeder; never for clients).
    pub fn table(&self) -> &str {
        &self.table
    }

    /// The DynamoDB client, built on first use.
    pub async fn client(&self) -> &Client {
        self.client
            .get_or_init(|| async {
                let sdk = self.aws.sdk_config().await;
                let budget = CallBudget::DYNAMODB;
                let config = aws_sdk_dynamodb::config::Builder::from(sdk)
                    .timeout_config(budget.timeouts())
                    .retry_config(budget.retries())
                    .interceptor(self.aws.call_counter(Service::DynamoDb))
                    .build();
                Client::from_conf(config)
            })
            .await
    }
}

impl DynamoStore {
    /// The reads' client, built on first use; an endpoint that cannot be resolved (no region) is
    /// an error each call reports until the configuration is fixed.
    pub async fn reader(&self) -> Result<&JsonClient, StoreError> {
        self.reader
            .get_or_try_init(|| JsonClient::new(&self.aws, json::DYNAMODB))
            .await
            .map_err(|e| StoreError::Rejected(e.to_string()))
    }
}

impl OrderStore for DynamoStore {
    async fn get_order(&self, number: &str) -> Result<Option<OrderDetails>, StoreError> {
        self.query_order(number).await
    }

    async fn order_head(
        &self,
        number: &str,
        owner: Option<&str>,
        consistent: bool,
    ) -> Result<Option<Order>, StoreError> {
        match owner {
            None => self.get_order_head(number, consistent).await,
            Some(owner) => self.owned_order_head(number, owner, consistent).await,
        }
    }

    async fn owns_order(&self, number: &str, owner: &str) -> Result<bool, StoreError> {
        self.query_owns_order(number, owner).await
    }

    async fn customer_orders(&self, email: &str, limit: usize) -> Result<CustomerOrders, StoreError> {
        self.query_customer_orders(email, limit).await
    }

    async fn customer_orders_in_status(
        &self,
        email: &str,
        status: OrderStatus,
        limit: usize,
    ) -> Result<OrderPage, StoreError> {
        self.query_customer_orders_in_status(email, status, limit).await
    }

    async fn completed_cancellation(&self, key: &str, fingerprint: &str) -> Result<Option<Order>, StoreError> {
        self.completed_record(key, fingerprint).await
    }

    async fn cancel_order(&self, request: &CancelRequest) -> Result<CancelOutcome, StoreError> {
        self.cancel(request).await
    }
}
