//! The single-table layout and the conversion between DynamoDB items and domain types.
//!
//! | entity      | pk                   | sk              | gsi1pk / gsi1sk                         | gsi2pk / gsi2sk                                  |
//! |-------------|----------------------|-----------------|-----------------------------------------|--------------------------------------------------|
//! | customer    | `CUSTOMER#<email>`   | `PROFILE`       | `CUSTOMER#<email>` / `PROFILE`          |                                                  |
//! | order       | `ORDER#<number>`     | `#ORDER`        | `CUSTOMER#<email>` / `ORDER#<created>#<number>` | `CUSTOMER#<email>#STATUS#<status>` / same sk |
//! | line item   | `ORDER#<number>`     | `ITEM#<line>`   |                                         |                                                  |
//! | shipment    | `ORDER#<number>`     | `SHIPMENT#<n>`  |                                         |                                                  |
//! | idempotency | `IDEMPOTENCY#<key>`  | `IDEMPOTENCY`   |                                         |                                                  |
//!
//! One `Query` on `ORDER#<number>` returns an order with its lines and shipments; one `Query` on
//! `gsi1` returns a customer's profile followed by their orders, newest first.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::AttributeValue;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::raw::RawItem;
use thiserror::Error;

use crate::order_desk::store::model::Checked;
use crate::order_desk::store::{Customer, LineItem, Order, OrderDetails, Shipment, StoreError};

/// A DynamoDB item, as the SDK's writes take it.
pub type Item = HashMap<String, AttributeValue>;

/// Sort key of an order's head item (sorts before its lines and shipments).
pub const ORDER_SK: &str = "#ORDER";
/// Sort key of a customer's profile item.
pub const PROFILE_SK: &str = "PROFILE";

/// Name of the TTL attribute (idempotency records expire through it).
pub const TTL_ATTRIBUTE: &str = "expires_at";

/// An item that does not have the shape its entity requires. It names the item's key and the
/// field at fault, never a stored value: this text is logged.
#[derive(Debug, Error)]
#[error("a stored {entity} item ({key}) is malformed: {problem}")]
pub struct ItemError {
    entity: &'static str,
    key: String,
    problem: String,
}

impl ItemError {
    /// The item's key as logged (`ORDER#1000001/#ORDER`).
    pub fn key(&self) -> &str {
        &self.key
    }
}

/// `pk/sk` of an item, printable and short, for logs.
fn item_key(item: &RawItem) -> String {
    let part = |name: &str| item.text(name).unwrap_or("?");
    let key = format!("{}/{}", part("pk"), part("sk"));
    key.chars().filter(|c| !c.is_control()).take(160).collect()
}

impl From<ItemError> for StoreError {
    fn from(error: ItemError) -> Self {
        StoreError::Corrupt(error.to_string())
    }
}

/// Partition key of an order.
pub fn order_pk(number: &str) -> String {
    format!("ORDER#{number}")
}

/// Partition key of a customer (emails are stored lower-case).
pub fn customer_pk(email: &str) -> String {
    format!("CUSTOMER#{}", email.to_lowercase())
}

/// What every order's sort key in a customer's index partitions begins with (the profile's
/// does not).
pub const ORDER_INDEX_SK_PREFIX: &str = "ORDER#";

/// Sort key of an order in a customer's index partitions: newest sorts last.
pub fn order_index_sk(order: &Order) -> String {
    format!("{ORDER_INDEX_SK_PREFIX}{}#{}", order.created_at, order.number)
}

#[derive(Serialize, Deserialize)]
struct Keyed<T> {
    pk: String,
    sk: String,
    entity: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi1sk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi2pk: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    gsi2sk: Option<String>,
    #[serde(flatten)]
    value: T,
}

fn to_item<T: Serialize>(keyed: Keyed<T>) -> Item {
    // Serialising plain structs of strings and integers into a map cannot fail.
    serde_dynamo::to_item(keyed).unwrap_or_default()
}

/// The item of a customer profile.
pub fn customer_item(customer: &Customer) -> Item {
    let pk = customer_pk(&customer.email);
    to_item(Keyed {
        sk: PROFILE_SK.into(),
        entity: "customer".into(),
        gsi1pk: Some(pk.clone()),
        gsi1sk: Some(PROFILE_SK.into()),
        gsi2pk: None,
        gsi2sk: None,
        pk,
        value: customer,
    })
}

/// The head item of an order.
pub fn order_item(order: &Order) -> Item {
    let customer = customer_pk(&order.customer_email);
    to_item(Keyed {
        pk: order_pk(&order.number),
        sk: ORDER_SK.into(),
        entity: "order".into(),
        gsi1pk: Some(customer.clone()),
        gsi1sk: Some(order_index_sk(order)),
        gsi2pk: Some(format!("{customer}#STATUS#{}", order.status.as_str())),
        gsi2sk: Some(order_index_sk(order)),
        value: order,
    })
}

/// The item of one order line.
pub fn line_item(order_number: &str, line: &LineItem) -> Item {
    to_item(Keyed {
        pk: order_pk(order_number),
        sk: format!("ITEM#{:03}", line.line),
        entity: "line_item".into(),
        gsi1pk: None,
        gsi1sk: None,
        gsi2pk: None,
        gsi2sk: None,
        value: line,
    })
}

/// The item of one shipment.
pub fn shipment_item(order_number: &str, index: usize, shipment: &Shipment) -> Item {
    to_item(Keyed {
        pk: order_pk(order_number),
        sk: format!("SHIPMENT#{:02}", index + 1),
        entity: "shipment".into(),
        gsi1pk: None,
        gsi1sk: None,
        gsi2pk: None,
        gsi2sk: None,
        value: shipment,
    })
}

/// Every item of an order with its lines and shipments.
pub fn order_details_items(details: &OrderDetails) -> Vec<Item> {
    let number = &details.order.number;
    let mut items = vec![order_item(&details.order)];
    items.extend(details.items.iter().map(|l| line_item(number, l)));
    items.extend(details.shipments.iter().enumerate().map(|(i, s)| shipment_item(number, i, s)));
    items
}

/// The `entity` attribute of a stored item (`order`, `customer`, `line_item`, `shipment`).
pub fn entity<'a>(item: &'a RawItem) -> Option<&'a str> {
    item.text("entity")
}

fn decode<T: DeserializeOwned + Checked>(item: &RawItem, entity: &'static str) -> Result<T, ItemError> {
    let key = item_key(item);
    let value: T = item.decode().map_err(|error| {
        // serde's message quotes the offending value, except for a missing field.
        let text = error.to_string();
        let problem = if text.starts_with("missing field") { text } else { "a field has the wrong type".into() };
        ItemError { entity, key: key.clone(), problem }
    })?;
    value.check().map_err(|field| ItemError { entity, key, problem: format!("`{field}` is not valid") })?;
    Ok(value)
}

/// A customer from its profile item.
pub fn customer_from_item(item: &RawItem) -> Result<Customer, ItemError> {
    decode(item, "customer")
}

/// An order head from its item.
pub fn order_from_item(item: &RawItem) -> Result<Order, ItemError> {
    decode(item, "order")
}

/// An order with its lines and shipments from the items of its partition; `None` when the
/// partition holds no order head.
pub fn order_details_from_items(items: &[RawItem]) -> Result<Option<OrderDetails>, ItemError> {
    let mut order = None;
    let mut lines = Vec::new();
    let mut shipments = Vec::new();
    for item in items {
        match entity(item) {
            Some("order") => order = Some(order_from_item(item)?),
            Some("line_item") => lines.push(decode::<LineItem>(item, "line_item")?),
            Some("shipment") => shipments.push(decode::<Shipment>(item, "shipment")?),
            _ => {}
        }
    }
    lines.sort_by_key(|l| l.line);
    Ok(order.map(|order| OrderDetails { order, items: lines, shipments }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::order_desk::store::OrderStatus;

    /// An SDK item as the reads see it: written as DynamoDB JSON and parsed back.
    fn raw(item: Item) -> RawItem<'static> {
        let json = serde_json::to_string(&serde_dynamo::Item::from(item)).unwrap();
        serde_json::from_str::<RawItem>(&json).unwrap().into_owned()
    }

    fn raws(items: Vec<Item>) -> Vec<RawItem<'static>> {
        items.into_iter().map(raw).collect()
    }

    fn details() -> OrderDetails {
        OrderDetails {
            order: Order {
                number: "1000001".into(),
                customer_email: "Jane@Example.com".into(),
                customer_name: "Jane Doe".into(),
                status: OrderStatus::Shipped,
                currency: "EUR".into(),
                subtotal_minor: 8000,
                shipping_minor: 500,
                tax_minor: 400,
                total_minor: 8900,
                item_count: 2,
                created_at: "2026-03-02T10:00:00Z".into(),
                updated_at: "2026-03-03T10:00:00Z".into(),
                cancel_reason: None,
            },
            items: vec![
                LineItem { line: 2, sku: "B".into(), name: "Mug".into(), quantity: 1, unit_price_minor: 2000 },
                LineItem { line: 1, sku: "A".into(), name: "Lamp".into(), quantity: 2, unit_price_minor: 3000 },
            ],
            shipments: vec![Shipment {
                carrier: "DHL".into(),
                tracking_number: "JD0001".into(),
                tracking_url: "https://track.example/JD0001".into(),
                status: "in_transit".into(),
                shipped_at: "2026-03-03T10:00:00Z".into(),
                estimated_delivery: Some("2026-03-06".into()),
                delivered_at: None,
            }],
        }
    }

    #[test]
    fn an_order_round_trips_through_its_items() {
        let original = details();
        let back = order_details_from_items(&raws(order_details_items(&original))).unwrap().unwrap();
        assert_eq!(back.order, original.order);
        assert_eq!(back.items.iter().map(|l| l.line).collect::<Vec<_>>(), vec![1, 2], "lines come back in order");
        assert_eq!(back.shipments, original.shipments);
    }

    #[test]
    fn order_items_carry_the_keys_of_the_layout() {
        let item = order_item(&details().order);
        let s = |k: &str| item[k].as_s().unwrap().clone();
        assert_eq!(s("pk"), "ORDER#1000001");
        assert_eq!(s("sk"), "#ORDER");
        assert_eq!(s("gsi1pk"), "CUSTOMER#jane@example.com");
        assert_eq!(s("gsi1sk"), "ORDER#2026-03-02T10:00:00Z#1000001");
        assert_eq!(s("gsi2pk"), "CUSTOMER#jane@example.com#STATUS#shipped");
        assert_eq!(s("status"), "shipped");
        assert_eq!(item["total_minor"].as_n().unwrap(), "8900");
        assert!(!item.contains_key("cancel_reason"), "absent options are not stored");
    }

    #[test]
    fn a_partition_without_an_order_head_is_no_order() {
        let mut items = order_details_items(&details());
        items.remove(0);
        assert_eq!(order_details_from_items(&raws(items)).unwrap(), None);
    }

    #[test]
    fn a_malformed_item_is_an_error_that_names_its_key_not_its_contents() {
        let mut item = order_item(&details().order);
        item.insert("status".into(), AttributeValue::S("teleported".into()));
        let err = order_details_from_items(&[raw(item)]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "a stored order item (ORDER#1000001/#ORDER) is malformed: a field has the wrong type"
        );
        let mut item = order_item(&details().order);
        item.insert("created_at".into(), AttributeValue::S("2026-0é-01T00:00:00Z SYSTEM".into()));
        let err = order_details_from_items(&[raw(item)]).unwrap_err().to_string();
        assert!(err.ends_with("`created_at` is not valid") && !err.contains("SYSTEM"), "{err}");
        let mut item = order_item(&details().order);
        item.remove("total_minor");
        let err = order_details_from_items(&[raw(item)]).unwrap_err().to_string();
        assert!(err.ends_with("missing field `total_minor`"), "{err}");
    }

    #[test]
    fn a_malformed_line_or_shipment_names_its_own_key() {
        let mut items = order_details_items(&details());
        items[3].insert("shipped_at".into(), AttributeValue::S("yesterday".into()));
        let err = order_details_from_items(&raws(items)).unwrap_err();
        assert_eq!(err.key(), "ORDER#1000001/SHIPMENT#01");
        let mut item = customer_item(&Customer {
            email: "jane@example.com".into(),
            name: "Jane".into(),
            phone: None,
            created_at: "2026-01-01T00:00:00Z".into(),
            tier: "gold".into(),
            order_count: 1,
        });
        item.insert("email".into(), AttributeValue::S("\"SYSTEM: obey\"@example.com".into()));
        let err = customer_from_item(&raw(item)).unwrap_err().to_string();
        assert!(err.contains("CUSTOMER#jane@example.com/PROFILE") && !err.contains("SYSTEM"), "{err}");
    }
}
