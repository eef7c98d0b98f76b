//! Reads: one request per call, on keys or an index, never a `Scan`, with projections so only the
//! attributes the domain types need travel.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use super::DynamoStore;
use super::items;
use super::wire::{self, GetItemInput, GetItemOutput, Projection, QueryInput, QueryOutput, S};
use crate::order_desk::store::{Customer, CustomerOrders, Order, OrderDetails, OrderPage, OrderStatus, StoreError};

/// Attributes of an order head, with the item's key (named when an item is malformed).
const ORDER_ATTRIBUTES: [&str; 15] = [
    "pk",
    "sk",
    "number",
    "customer_email",
    "customer_name",
    "status",
    "currency",
    "subtotal_minor",
    "shipping_minor",
    "tax_minor",
    "total_minor",
    "item_count",
    "created_at",
    "updated_at",
    "cancel_reason",
];
/// Attributes of lines and shipments (beyond the order head's).
const DETAIL_ATTRIBUTES: [&str; 12] = [
    "line",
    "sku",
    "name",
    "quantity",
    "unit_price_minor",
    "carrier",
    "tracking_number",
    "tracking_url",
    "shipped_at",
    "estimated_delivery",
    "delivered_at",
    "entity",
];
/// Attributes of a customer profile (beyond the order head's).
const CUSTOMER_ATTRIBUTES: [&str; 6] = ["email", "name", "phone", "tier", "order_count", "entity"];

/// A projection over `names`: the expression (`#p0, #p1, ...`) and its name placeholders, so
/// reserved words such as `status` and `name` need no special care.
pub(super) fn projection<'a>(names: impl IntoIterator<Item = &'a str>) -> Projection {
    let mut placeholders = HashMap::new();
    let mut expression = Vec::new();
    for (i, name) in names.into_iter().enumerate() {
        let placeholder = format!("#p{i}");
        expression.push(placeholder.clone());
        placeholders.insert(placeholder, name.to_owned());
    }
    (expression.join(", "), placeholders)
}

/// The projections the reads use, built once per execution environment (building one per call
/// was about 2% of a warm tool call's instructions; bench/guard).
struct Projections {
    /// An order head: `GetItem` of the head, a customer's orders in one status.
    order: Projection,
    /// An order's partition: head, lines and shipments.
    details: Projection,
    /// A customer's partition of `gsi1`: profile and order heads.
    customer: Projection,
}

fn projections() -> &'static Projections {
    static PROJECTIONS: LazyLock<Projections> = LazyLock::new(|| Projections {
        order: projection(ORDER_ATTRIBUTES),
        details: projection(ORDER_ATTRIBUTES.into_iter().chain(DETAIL_ATTRIBUTES)),
        customer: projection(ORDER_ATTRIBUTES.into_iter().chain(CUSTOMER_ATTRIBUTES)),
    });
    &PROJECTIONS
}

/// One `Query`: a partition (of the table or an index), newest first when asked, projected.
struct PartitionQuery {
    index: Option<&'static str>,
    key_condition: &'static str,
    value: String,
    newest_first: bool,
    limit: Option<usize>,
    projection: &'static Projection,
}

impl DynamoStore {
    /// The answer's bytes: a [`QueryOutput`] for [`wire::parse`].
    async fn query_partition(&self, q: PartitionQuery) -> Result<Vec<u8>, StoreError> {
        let input = QueryInput {
            table_name: &self.table,
            index_name: q.index,
            key_condition_expression: q.key_condition,
            filter_expression: None,
            projection_expression: &q.projection.0,
            expression_attribute_names: &q.projection.1,
            expression_attribute_values: BTreeMap::from([(":pk", S { s: &q.value })]),
            scan_index_forward: !q.newest_first,
            limit: q.limit,
            exclusive_start_key: None,
        };
        self.read("Query", &input).await
    }

    /// One order with its lines and shipments: a single `Query` on the order's partition.
    pub(super) async fn query_order(&self, number: &str) -> Result<Option<OrderDetails>, StoreError> {
        let answer = self
            .query_partition(PartitionQuery {
                index: None,
                key_condition: "pk = :pk",
                value: items::order_pk(number),
                newest_first: false,
                limit: None,
                projection: &projections().details,
            })
            .await?;
        let page: QueryOutput = wire::parse(&answer)?;
        Ok(items::order_details_from_items(&page.items)?)
    }

    /// An order's head only (no lines): a single `GetItem`. `consistent` for read-before-write.
    pub(super) async fn get_order_head(&self, number: &str, consistent: bool) -> Result<Option<Order>, StoreError> {
        let (expression, names) = &projections().order;
        let pk = items::order_pk(number);
        let input = GetItemInput {
            table_name: &self.table,
            key: BTreeMap::from([("pk", S { s: &pk }), ("sk", S { s: items::ORDER_SK })]),
            projection_expression: expression,
            expression_attribute_names: names,
            consistent_read: consistent,
        };
        let answer = self.read("GetItem", &input).await?;
        let found: GetItemOutput = wire::parse(&answer)?;
        Ok(found.item.as_ref().map(items::order_from_item).transpose()?)
    }

    /// A customer's profile and newest `limit` orders: one `Query` on `gsi1`, newest first (the
    /// profile's sort key sorts after every order's, so it comes back first).
    pub(super) async fn query_customer_orders(&self, email: &str, limit: usize) -> Result<CustomerOrders, StoreError> {
        let answer = self
            .query_partition(PartitionQuery {
                index: Some("gsi1"),
                key_condition: "gsi1pk = :pk",
                value: items::customer_pk(email),
                newest_first: true,
                limit: Some(limit + 1),
                projection: &projections().customer,
            })
            .await?;
        let page: QueryOutput = wire::parse(&answer)?;
        let mut customer = None;
        let mut orders = Vec::new();
        for item in &page.items {
            match items::entity(item) {
                Some("customer") => customer = Some(items::customer_from_item(item)?),
                _ => orders.push(items::order_from_item(item)?),
            }
        }
        // Without a profile the query read one order more than asked for.
        orders.truncate(limit);
        let total = customer.as_ref().map(|c: &Customer| c.order_count);
        Ok(CustomerOrders { customer, page: OrderPage { orders, total, truncated: page.truncated() } })
    }

    /// A customer's newest `limit` orders in `status`: one `Query` on `gsi2`, newest first.
    pub(super) async fn query_customer_orders_in_status(
        &self,
        email: &str,
        status: OrderStatus,
        limit: usize,
    ) -> Result<OrderPage, StoreError> {
        let answer = self
            .query_partition(PartitionQuery {
                index: Some("gsi2"),
                key_condition: "gsi2pk = :pk",
                value: format!("{}#STATUS#{}", items::customer_pk(email), status.as_str()),
                newest_first: true,
                limit: Some(limit),
                projection: &projections().order,
            })
            .await?;
        let page: QueryOutput = wire::parse(&answer)?;
        let orders = page.items.iter().map(items::order_from_item).collect::<Result<_, _>>()?;
        Ok(OrderPage { orders, total: None, truncated: page.truncated() })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projections_use_placeholders_for_every_name() {
        let (expression, names) = projection(["status", "name"]);
        assert_eq!(expression, "#p0, #p1");
        assert_eq!(names["#p0"], "status");
        assert_eq!(names["#p1"], "name");
    }

    #[test]
    fn the_order_projection_covers_every_field_of_an_order() {
        let order =
            serde_json::to_value(crate::order_desk::seed::demo::generate(1, 1, 1).orders[0].order.clone()).unwrap();
        for key in order.as_object().unwrap().keys() {
            assert!(ORDER_ATTRIBUTES.contains(&key.as_str()), "{key} is not projected");
        }
    }
}
