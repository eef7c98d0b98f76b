//! The order store: DynamoDB reads and writes behind domain types. The client is built on first
//! use, with the DynamoDB call budget (timeouts, bounded retries). No `Scan` on any request path.

mod cancel;
pub mod demo;
mod items;
pub mod model;
mod orders;
pub mod seed;

use std::sync::Arc;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::error::{ProvideErrorMetadata, SdkError};
use thiserror::Error;
use tokio::sync::OnceCell;

pub use cancel::{CancelOutcome, CancelRequest};
pub use items::{Item, ItemError};
pub use model::{Customer, LineItem, Money, Order, OrderDetails, OrderStatus, Shipment};
pub use orders::{CustomerOrders, OrderPage};

use crate::aws::{AwsContext, CallBudget};

/// Why the store could not answer. Logged in full; tools turn it into plain language.
#[derive(Debug, Error)]
pub enum StoreError {
    /// Throttled, timed out, unreachable or a server-side failure: worth retrying later.
    #[error("DynamoDB is unavailable: {0}")]
    Unavailable(String),
    /// DynamoDB refused the request (a bug or a misconfiguration, such as a missing table).
    #[error("DynamoDB refused the request: {0}")]
    Rejected(String),
    /// An item could not be read as its entity.
    #[error(transparent)]
    Corrupt(#[from] ItemError),
}

impl StoreError {
    /// Classifies an SDK failure; the description keeps the error code, never item data.
    pub fn from_sdk<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Self {
        match error {
            SdkError::ServiceError(e) => {
                let code = e.err().code().unwrap_or("unknown");
                let retryable = code.contains("Throttl")
                    || code == "ProvisionedThroughputExceededException"
                    || code == "RequestLimitExceeded"
                    || code == "InternalServerError"
                    || code == "ServiceUnavailable";
                if retryable { Self::Unavailable(code.into()) } else { Self::Rejected(code.into()) }
            }
            SdkError::TimeoutError(_) => Self::Unavailable("timed out".into()),
            SdkError::DispatchFailure(_) => Self::Unavailable("connection failed".into()),
            SdkError::ResponseError(_) => Self::Unavailable("unreadable response".into()),
            _ => Self::Rejected("request could not be built".into()),
        }
    }
}

/// The order desk's data.
#[derive(Debug)]
pub struct OrderStore {
    aws: Arc<AwsContext>,
    table: String,
    client: OnceCell<Client>,
}

impl OrderStore {
    /// A store over `table`; no client is built until the first call.
    pub fn new(aws: Arc<AwsContext>, table: impl Into<String>) -> Self {
        OrderStore { aws, table: table.into(), client: OnceCell::new() }
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
                    .build();
                Client::from_conf(config)
            })
            .await
    }
}
