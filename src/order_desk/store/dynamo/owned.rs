//! Customer-bound lookups by order number: whether the verified customer owns an order is found
//! in *their own* `gsi1` partition, never by reading the order. For a number the customer does
//! not own, DynamoDB's work then depends only on the customer (their partition, the same filter),
//! never on whether the number exists: another customer's order and a missing number cost the
//! same `Query` and both get nothing (issue 13; docs/performance.md, "Identity").

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

use super::DynamoStore;
use super::items;
use super::raw::RawItem;
use super::wire::{self, QueryInput, QueryOutput, S};
use crate::order_desk::store::{Order, StoreError};

/// Pages of the customer's partition one ownership check reads at most. A page is up to 1 MB
/// of index items read before the filter (an order head is well under 1 kB, so thousands of
/// orders a page). A customer with more orders than that gets "not found" for an order beyond
/// the cap, logged: the safe answer, since it never depends on another customer's data.
pub const OWNED_ORDER_PAGES: usize = 4;

impl DynamoStore {
    /// True when `owner` (email) has an order `number`: a `Query` on the customer's `gsi1`
    /// partition, orders only (`gsi1sk` begins with `ORDER#`), filtered on the order number and
    /// projecting only it, paged up to [`OWNED_ORDER_PAGES`]. The index is eventually consistent,
    /// which is fine here: an order's customer never changes.
    pub(super) async fn query_owns_order(&self, number: &str, owner: &str) -> Result<bool, StoreError> {
        static NAMES: LazyLock<HashMap<String, String>> =
            LazyLock::new(|| HashMap::from([("#number".to_owned(), "number".to_owned())]));
        let partition = items::customer_pk(owner);
        let mut start: Option<RawItem<'static>> = None;
        for _ in 0..OWNED_ORDER_PAGES {
            let input = QueryInput {
                table_name: &self.table,
                index_name: Some("gsi1"),
                key_condition_expression: "gsi1pk = :owner AND begins_with(gsi1sk, :orders)",
                filter_expression: Some("#number = :number"),
                projection_expression: "#number",
                expression_attribute_names: &NAMES,
                expression_attribute_values: BTreeMap::from([
                    (":owner", S { s: &partition }),
                    (":orders", S { s: items::ORDER_INDEX_SK_PREFIX }),
                    (":number", S { s: number }),
                ]),
                scan_index_forward: true,
                limit: None,
                exclusive_start_key: start.as_ref(),
            };
            let answer = self.read("Query", &input).await?;
            let page: QueryOutput = wire::parse(&answer)?;
            if page.items.iter().any(|item| holds(item, number)) {
                return Ok(true);
            }
            match page.last_evaluated_key {
                Some(key) if !key.is_empty() => start = Some(key.into_owned()),
                _ => return Ok(false),
            }
        }
        tracing::warn!(
            pages = OWNED_ORDER_PAGES,
            "ownership check stopped at its page cap: the customer has more orders; answered not found"
        );
        Ok(false)
    }

    /// An order's head when it belongs to `owner`: [`Self::query_owns_order`], then, only for the
    /// customer's own order, the head by its key (`consistent` where the caller asked for it).
    pub(super) async fn owned_order_head(
        &self,
        number: &str,
        owner: &str,
        consistent: bool,
    ) -> Result<Option<Order>, StoreError> {
        if !self.query_owns_order(number, owner).await? {
            return Ok(None);
        }
        let head = self.get_order_head(number, consistent).await?;
        // The index said so; the head agrees unless the item was rewritten under another owner.
        Ok(head.filter(|order| order.customer_email.eq_ignore_ascii_case(owner)))
    }
}

/// True when an index item names order `number` (the filter already chose it; checked again so
/// a malformed item is never taken for a match).
fn holds(item: &RawItem, number: &str) -> bool {
    item.text("number") == Some(number)
}
