//! Cancelling an order, safely under retries and races.
//!
//! Modelled on the idempotency utility of AWS Lambda Powertools: a record per idempotency key,
//! claimed `in_progress` with a short lease, completed with the result, expiring through the
//! table's TTL attribute. The order's status change and the record's completion are written in
//! one transaction, conditional on the status the order had when it was read, so a cancellation
//! can never race a shipment, concurrent duplicates change the order exactly once, and a crash
//! between the two writes cannot happen (a crash before them leaves a lease that expires).

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};

use super::items::{self, Item, TTL_ATTRIBUTE};
use super::{DynamoStore, sdk_error};
use crate::order_desk::store::OrderStore;
use crate::order_desk::store::model::{Checked, timestamp};
use crate::order_desk::store::{CancelOutcome, CancelRequest, Order, OrderStatus, RECORD_TTL, StoreError};

fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

fn n(value: u64) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

fn now_secs() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or_default()
}

fn record_key(key: &str) -> [(&'static str, AttributeValue); 2] {
    [("pk", s(format!("IDEMPOTENCY#{key}"))), ("sk", s("IDEMPOTENCY"))]
}

/// A token that tells this invocation's lease from any other's.
fn lease_token() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    format!("{nanos:x}-{:x}-{:x}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

enum Claim {
    Claimed(String),
    Existing(CancelOutcome),
}

impl DynamoStore {
    /// Cancels an order that is still pending or processing.
    pub(super) async fn cancel(&self, request: &CancelRequest) -> Result<CancelOutcome, StoreError> {
        let lease = match &request.idempotency_key {
            None => None,
            Some(key) => match self.claim(key, &request.fingerprint).await? {
                Claim::Claimed(token) => Some((key.as_str(), token)),
                Claim::Existing(outcome) => return Ok(outcome),
            },
        };
        let outcome = self.cancel_under_lease(request, lease.as_ref().map(|(k, t)| (*k, t.as_str()))).await;
        if let Some((key, token)) = &lease
            && !matches!(outcome, Ok(CancelOutcome::Cancelled { .. }) | Ok(CancelOutcome::InProgress))
        {
            self.release(key, token).await;
        }
        outcome
    }

    async fn cancel_under_lease(
        &self,
        request: &CancelRequest,
        lease: Option<(&str, &str)>,
    ) -> Result<CancelOutcome, StoreError> {
        let Some(order) = self.order_head(&request.order_number, request.owner.as_deref(), true).await? else {
            return Ok(CancelOutcome::NotFound);
        };
        if request.expected_total_minor.is_some_and(|total| total != order.total_minor) {
            return Ok(CancelOutcome::AmountChanged(order));
        }
        if !order.status.is_cancellable() {
            return Ok(CancelOutcome::NotCancellable(order));
        }
        let observed = order.status;
        let now = now_secs();
        let cancelled = Order {
            status: OrderStatus::Cancelled,
            cancel_reason: Some(request.reason.clone()),
            updated_at: timestamp(now as i64),
            ..order
        };
        match self.write_cancellation(&cancelled, observed, request, lease, now).await {
            Ok(()) => Ok(CancelOutcome::Cancelled { order: cancelled, replayed: false }),
            Err(WriteConflict::OrderChanged) => {
                match self.order_head(&request.order_number, request.owner.as_deref(), true).await? {
                    Some(current) if request.expected_total_minor.is_some_and(|t| t != current.total_minor) => {
                        Ok(CancelOutcome::AmountChanged(current))
                    }
                    Some(current) => Ok(CancelOutcome::NotCancellable(current)),
                    None => Ok(CancelOutcome::NotFound),
                }
            }
            Err(WriteConflict::LeaseLost) => Ok(CancelOutcome::InProgress),
            Err(WriteConflict::Store(error)) => Err(error),
        }
    }

    /// Claims `key`: a new record, or one whose lease or lifetime ran out. Otherwise reports
    /// what the existing record says.
    async fn claim(&self, key: &str, fingerprint: &str) -> Result<Claim, StoreError> {
        let token = lease_token();
        let now = now_secs();
        let mut put = self.client().await.put_item().table_name(&self.table);
        for (name, value) in record_key(key) {
            put = put.item(name, value);
        }
        let result = put
            .item("entity", s("idempotency"))
            .item("state", s("in_progress"))
            .item("fingerprint", s(fingerprint))
            .item("lease", s(&token))
            .item("lease_until", n(now + self.lease.as_secs()))
            .item(TTL_ATTRIBUTE, n(now + RECORD_TTL.as_secs()))
            .condition_expression(
                "attribute_not_exists(pk) OR #ttl < :now OR (#state = :in_progress AND lease_until < :now)",
            )
            .expression_attribute_names("#ttl", TTL_ATTRIBUTE)
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":now", n(now))
            .expression_attribute_values(":in_progress", s("in_progress"))
            .send()
            .await;
        match result {
            Ok(_) => Ok(Claim::Claimed(token)),
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                self.existing_record(key, fingerprint).await.map(Claim::Existing)
            }
            Err(e) => Err(sdk_error(&e)),
        }
    }

    /// The result a completed, unexpired record for `key` holds, when its arguments matched.
    pub(super) async fn completed_record(&self, key: &str, fingerprint: &str) -> Result<Option<Order>, StoreError> {
        let mut get = self.client().await.get_item().table_name(&self.table).consistent_read(true);
        for (name, value) in record_key(key) {
            get = get.key(name, value);
        }
        let Some(record) = get.send().await.map_err(|e| sdk_error(&e))?.item else { return Ok(None) };
        let text = |name: &str| record.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        let expires = record.get(TTL_ATTRIBUTE).and_then(|v| v.as_n().ok()).and_then(|n| n.parse::<u64>().ok());
        if text("state") != "completed" || text("fingerprint") != fingerprint || expires.is_none_or(|t| t < now_secs())
        {
            return Ok(None);
        }
        let order = serde_json::from_str::<Order>(&text("result")).ok().filter(|order| order.check().is_ok());
        order.map(Some).ok_or_else(|| StoreError::Rejected("an idempotency record holds an unreadable result".into()))
    }

    async fn existing_record(&self, key: &str, fingerprint: &str) -> Result<CancelOutcome, StoreError> {
        let mut get = self.client().await.get_item().table_name(&self.table).consistent_read(true);
        for (name, value) in record_key(key) {
            get = get.key(name, value);
        }
        let Some(record) = get.send().await.map_err(|e| sdk_error(&e))?.item else {
            // The record that refused our claim is gone: the call holding it failed and gave the
            // key back in between. That call's outcome is unknown to us, so it counts as still
            // running (a retry will claim the key), never as a key reused with other arguments.
            return Ok(CancelOutcome::InProgress);
        };
        let text = |name: &str| record.get(name).and_then(|v| v.as_s().ok()).cloned().unwrap_or_default();
        if text("fingerprint") != fingerprint {
            return Ok(CancelOutcome::KeyReused);
        }
        if text("state") != "completed" {
            return Ok(CancelOutcome::InProgress);
        }
        let order: Order = serde_json::from_str(&text("result"))
            .ok()
            .filter(|order: &Order| order.check().is_ok())
            .ok_or_else(|| StoreError::Rejected("an idempotency record holds an unreadable result".into()))?;
        Ok(CancelOutcome::Cancelled { order, replayed: true })
    }

    /// Gives a claimed key back (best effort: an unreleased lease simply expires). Only a record
    /// that is still ours and still in progress is deleted: when the transaction committed but
    /// every answer was lost (timeouts), the record is completed and must stay, so a retry replays
    /// the cancellation instead of reporting the order as already cancelled.
    async fn release(&self, key: &str, token: &str) {
        let mut delete = self.client().await.delete_item().table_name(&self.table);
        for (name, value) in record_key(key) {
            delete = delete.key(name, value);
        }
        let result = delete
            .condition_expression("lease = :token AND #state = :in_progress")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":token", s(token))
            .expression_attribute_values(":in_progress", s("in_progress"))
            .send()
            .await;
        match result {
            Ok(_) => {}
            Err(e) if e.as_service_error().is_some_and(|e| e.is_conditional_check_failed_exception()) => {
                tracing::info!("an idempotency record was kept: it completed or another call holds it");
            }
            Err(e) => {
                tracing::warn!(error = %sdk_error(&e), "could not release an idempotency lease; it will expire")
            }
        }
    }

    async fn write_cancellation(
        &self,
        cancelled: &Order,
        observed: OrderStatus,
        request: &CancelRequest,
        lease: Option<(&str, &str)>,
        now: u64,
    ) -> Result<(), WriteConflict> {
        let mut transaction =
            self.client().await.transact_write_items().transact_items(order_update(&self.table, cancelled, observed));
        if let Some((key, token)) = lease {
            transaction =
                transaction.transact_items(record_completion(&self.table, key, token, cancelled, request, now));
        }
        match transaction.send().await {
            Ok(_) => Ok(()),
            Err(error) => Err(match error.as_service_error() {
                Some(TransactWriteItemsError::TransactionCanceledException(e)) => {
                    let failed = |i: usize| {
                        e.cancellation_reasons().get(i).and_then(|r| r.code()) == Some("ConditionalCheckFailed")
                    };
                    if failed(0) {
                        WriteConflict::OrderChanged
                    } else if failed(1) {
                        WriteConflict::LeaseLost
                    } else {
                        WriteConflict::Store(StoreError::Unavailable("transaction cancelled".into()))
                    }
                }
                _ => WriteConflict::Store(sdk_error(&error)),
            }),
        }
    }
}

enum WriteConflict {
    /// The order's status changed since it was read.
    OrderChanged,
    /// Our lease expired and another call took the key over.
    LeaseLost,
    Store(StoreError),
}

/// The order's change, conditional on the status it was read in, the total the customer
/// confirmed and the customer it belongs to (so neither a shipment, a changed total nor another
/// customer's order can slip between the read and the write).
fn order_update(table: &str, cancelled: &Order, observed: OrderStatus) -> TransactWriteItem {
    let owner = items::customer_pk(&cancelled.customer_email);
    let gsi2pk = format!("{owner}#STATUS#{}", OrderStatus::Cancelled.as_str());
    let update = Update::builder()
        .table_name(table)
        .key("pk", s(items::order_pk(&cancelled.number)))
        .key("sk", s(items::ORDER_SK))
        .update_expression("SET #status = :cancelled, cancel_reason = :reason, updated_at = :now, gsi2pk = :gsi2pk")
        .condition_expression("#status = :observed AND total_minor = :total AND gsi1pk = :owner")
        .expression_attribute_names("#status", "status")
        .expression_attribute_values(":total", AttributeValue::N(cancelled.total_minor.to_string()))
        .expression_attribute_values(":owner", s(owner))
        .expression_attribute_values(":cancelled", s(OrderStatus::Cancelled.as_str()))
        .expression_attribute_values(":observed", s(observed.as_str()))
        .expression_attribute_values(":reason", s(cancelled.cancel_reason.clone().unwrap_or_default()))
        .expression_attribute_values(":now", s(&cancelled.updated_at))
        .expression_attribute_values(":gsi2pk", s(gsi2pk))
        .build()
        .expect("table, key and expression are set");
    TransactWriteItem::builder().update(update).build()
}

fn record_completion(
    table: &str,
    key: &str,
    token: &str,
    cancelled: &Order,
    request: &CancelRequest,
    now: u64,
) -> TransactWriteItem {
    let mut item: Item = record_key(key).into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
    item.insert("entity".into(), s("idempotency"));
    item.insert("state".into(), s("completed"));
    item.insert("fingerprint".into(), s(&request.fingerprint));
    item.insert("lease".into(), s(token));
    item.insert("result".into(), s(serde_json::to_string(cancelled).unwrap_or_default()));
    item.insert(TTL_ATTRIBUTE.into(), n(now + RECORD_TTL.as_secs()));
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression("lease = :token")
        .expression_attribute_values(":token", s(token))
        .build()
        .expect("table and item are set");
    TransactWriteItem::builder().put(put).build()
}
