//! Demo data and the seeder: creating the table and loading data into it, for the
//! `lambda-mcp-seed` tool (local and deployed tables) and the tests. Never on a request path.

pub mod demo;
pub mod hostile;

use std::time::Duration;

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection, ProjectionType,
    PutRequest, ScalarAttributeType, TableStatus, TimeToLiveSpecification, WriteRequest,
};
use serde::{Deserialize, Serialize};

use crate::order_desk::store::dynamo::items::{self, Item, TTL_ATTRIBUTE};
use crate::order_desk::store::dynamo::sdk_error;
use crate::order_desk::store::{Customer, OrderDetails, StoreError};

/// A data set: customers and their orders.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DataSet {
    pub customers: Vec<Customer>,
    pub orders: Vec<OrderDetails>,
}

impl DataSet {
    /// Every item of the data set.
    pub fn items(&self) -> Vec<Item> {
        let mut all: Vec<Item> = self.customers.iter().map(items::customer_item).collect();
        for order in &self.orders {
            all.extend(items::order_details_items(order));
        }
        all
    }
}

fn key(name: &str, key_type: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder().attribute_name(name).key_type(key_type).build().expect("name and type are set")
}

fn attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("name and type are set")
}

fn index(name: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(&format!("{name}pk"), KeyType::Hash))
        .key_schema(key(&format!("{name}sk"), KeyType::Range))
        .projection(Projection::builder().projection_type(ProjectionType::All).build())
        .build()
        .expect("name, keys and projection are set")
}

/// Creates the table with its indexes and TTL if it does not exist, and waits until it is active.
pub async fn create_table(client: &Client, table: &str) -> Result<(), StoreError> {
    let created = client
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .set_attribute_definitions(Some(["pk", "sk", "gsi1pk", "gsi1sk", "gsi2pk", "gsi2sk"].map(attribute).to_vec()))
        .global_secondary_indexes(index("gsi1"))
        .global_secondary_indexes(index("gsi2"))
        .send()
        .await;
    match created {
        Ok(_) => {}
        Err(e) if e.as_service_error().is_some_and(|s| s.is_resource_in_use_exception()) => {}
        Err(e) => return Err(sdk_error(&e)),
    }
    for _ in 0..120 {
        let described = client.describe_table().table_name(table).send().await.map_err(|e| sdk_error(&e))?;
        if described.table().and_then(|t| t.table_status()) == Some(&TableStatus::Active) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    let ttl = TimeToLiveSpecification::builder().attribute_name(TTL_ATTRIBUTE).enabled(true).build().expect("set");
    if let Err(e) = client.update_time_to_live().table_name(table).time_to_live_specification(ttl).send().await {
        // Already enabled, or an emulator without TTL support: the data is still usable.
        tracing::warn!(error = %sdk_error(&e), "could not enable TTL on the table");
    }
    Ok(())
}

/// Writes `items` in batches of 25, retrying unprocessed items with backoff. Returns the count.
pub async fn write_items(client: &Client, table: &str, items: Vec<Item>) -> Result<usize, StoreError> {
    let total = items.len();
    let mut pending: Vec<WriteRequest> = items
        .into_iter()
        .map(|item| {
            let put = PutRequest::builder().set_item(Some(item)).build().expect("item is set");
            WriteRequest::builder().put_request(put).build()
        })
        .collect();
    let mut backoff = Duration::from_millis(50);
    while !pending.is_empty() {
        // From the end: taking batches off the front would move the whole rest every time.
        let batch = pending.split_off(pending.len().saturating_sub(25));
        let output = client.batch_write_item().request_items(table, batch).send().await.map_err(|e| sdk_error(&e))?;
        let unprocessed = output.unprocessed_items.and_then(|mut m| m.remove(table)).unwrap_or_default();
        if !unprocessed.is_empty() {
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(Duration::from_secs(2));
            pending.extend(unprocessed);
        }
    }
    Ok(total)
}
