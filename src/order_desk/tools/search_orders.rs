//! `search_orders`: a customer's orders by email, or one order by number, newest first.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::store_failure;
use crate::engine::tools::texts::{Lang, arg};
use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput};
use crate::order_desk::guard::Guard;
use crate::order_desk::store::{Money, Order, OrderPage, OrderStatus, OrderStore};
use crate::order_desk::text_safety::{Field, date, line, shown_email};
use crate::order_desk::texts::text;

/// Arguments of `search_orders`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SearchOrdersParams {
    /// Order number, 6 to 10 digits without '#', e.g. "1000001". Give this or `email`, not both.
    #[schemars(regex(pattern = r"^[0-9]{6,10}$"))]
    pub order_number: Option<String>,
    /// The email address the customer ordered with, e.g. "jane.doe@example.com". Give this or `order_number`, not both.
    #[schemars(email, length(max = 254))]
    pub email: Option<String>,
    /// Only return orders in this status. Leave out unless the customer asks about one kind of order.
    pub status: Option<OrderStatus>,
    /// How many orders to return, newest first (1 to 20). Keep the default unless the customer asks for more.
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 20))]
    pub limit: u32,
}

fn default_limit() -> u32 {
    5
}

/// One order in a list.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct OrderSummary {
    /// The order number.
    pub order_number: String,
    /// pending, processing, shipped, delivered, cancelled or returned.
    pub status: String,
    /// What the customer paid.
    pub total: Money,
    /// Units ordered.
    pub item_count: u32,
    /// When the order was placed (RFC 3339).
    pub placed_at: String,
    /// When the order last changed (RFC 3339).
    pub updated_at: String,
    /// Customer's name.
    pub customer_name: String,
    /// Customer's email.
    pub customer_email: String,
}

impl From<Order> for OrderSummary {
    /// Stored text as one clean line (the store has already checked keys and timestamps).
    fn from(o: Order) -> Self {
        OrderSummary {
            total: Money { amount_minor: o.total_minor, currency: o.currency },
            order_number: o.number,
            status: o.status.as_str().into(),
            item_count: o.item_count,
            placed_at: o.created_at,
            updated_at: o.updated_at,
            customer_name: line(Field::PersonName, &o.customer_name),
            customer_email: o.customer_email.to_ascii_lowercase(),
        }
    }
}

impl OrderSummary {
    /// `**Order #1000001** — shipped, 78.12 EUR, 2 items, placed 2026-09-27`
    pub fn line(&self) -> String {
        format!(
            "**Order #{}** — {}, {}, {} item{}, placed {}",
            self.order_number,
            self.status,
            self.total.display(),
            self.item_count,
            if self.item_count == 1 { "" } else { "s" },
            date(&self.placed_at).unwrap_or("on an unknown date")
        )
    }
}

/// The search result as `structuredContent`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SearchOrdersOutput {
    /// Matching orders, newest first.
    pub orders: Vec<OrderSummary>,
    /// How many orders the customer has in all, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_orders: Option<u32>,
    /// True when more orders match than were returned.
    pub more_available: bool,
}

/// Searches orders.
#[derive(Debug, Clone)]
pub struct SearchOrders<S> {
    store: Arc<S>,
    guard: Arc<Guard>,
}

impl<S> SearchOrders<S> {
    /// The tool over `store`, under `guard`'s trust model.
    pub fn new(store: Arc<S>, guard: Arc<Guard>) -> Self {
        SearchOrders { store, guard }
    }
}

impl<S: OrderStore> Tool for SearchOrders<S> {
    type Params = SearchOrdersParams;
    type Output = SearchOrdersOutput;

    const NAME: &'static str = "search_orders";
    const TITLE: &'static str = "Search orders";
    const DESCRIPTION: &'static str = "Search a customer's orders by their email address, or find an order by its number.

WHAT: Returns matching orders, newest first, each with order number, status, total, number of items and date placed.

WHEN:
- The customer asks about \"my order\" or \"my orders\" without giving a number
- The customer gives their email address
- You need to find which order the customer means before looking at it in detail

HOW:
- email: the address the customer ordered with; or order_number: 6 to 10 digits
- status: only if the customer asks about one kind of order, e.g. pending ones
- limit: defaults to 5; raise only if the customer asks for more

RETURNS: Up to `limit` orders, leading with the most recent, and whether more exist. An empty list if nothing matches.

NOT: For one order's lines, tracking or totals, use `get_order`. For the customer's profile, use `get_customer`. To cancel, use `cancel_order`.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;
    const SCOPE: Option<&'static str> = Some(super::READ);

    async fn call(
        &self,
        params: SearchOrdersParams,
        ctx: &CallContext,
    ) -> Result<ToolOutput<SearchOrdersOutput>, ToolError> {
        let lang = ctx.lang;
        let access = self.guard.access(ctx)?;
        let limit = params.limit.clamp(1, 20) as usize;
        let status_arg = params.status.map_or("none", OrderStatus::as_str);
        let (page, subject) = match (&params.order_number, &params.email) {
            (Some(number), None) => {
                let order = self.store.order_head(number, access.customer(), false).await;
                let order = order.map_err(|e| store_failure(&e, lang))?;
                let orders = order.into_iter().filter(|o| params.status.is_none_or(|s| s == o.status)).collect();
                let empty =
                    text(lang, "search-none-for-number", &[arg("number", number.as_str()), arg("status", status_arg)]);
                (OrderPage { orders, total: None, truncated: false }, (format!("order number {number}"), empty))
            }
            (None, Some(email)) => {
                // Another customer's email answers as an unknown one, without a store call (as
                // any email but the verified customer's does).
                let page = match params.status {
                    _ if !access.allows(email) => Ok(OrderPage { orders: Vec::new(), total: None, truncated: false }),
                    Some(status) => self.store.customer_orders_in_status(email, status, limit).await,
                    None => self.store.customer_orders(email, limit).await.map(|c| c.page),
                };
                let page = page.map_err(|e| store_failure(&e, lang))?;
                let shown = shown_email(email);
                let empty =
                    text(lang, "search-none-for-email", &[arg("email", shown.as_str()), arg("status", status_arg)]);
                (page, (shown, empty))
            }
            _ => return Err(ToolError::terminal(text(lang, "search-needs-one", &[]))),
        };
        Ok(answer(page, &subject.0, &subject.1, limit, lang))
    }
}

fn answer(page: OrderPage, subject: &str, empty: &str, limit: usize, lang: Lang) -> ToolOutput<SearchOrdersOutput> {
    let orders: Vec<OrderSummary> = page.orders.into_iter().map(OrderSummary::from).collect();
    let more = page.total.map_or(page.truncated, |t| t as usize > orders.len()) && orders.len() >= limit;
    let structured = SearchOrdersOutput { total_orders: page.total, more_available: more, orders };
    let orders = &structured.orders;
    if orders.is_empty() {
        return ToolOutput::new(empty.to_owned(), structured);
    }
    let count = match page.total {
        Some(total) if more => format!(" (showing the newest {} of {total})", orders.len()),
        _ => String::new(),
    };
    let plural = if orders.len() == 1 { "" } else { "s" };
    let mut body = format!("Found {} order{plural} for {subject}{count}:\n\n", orders.len());
    for o in orders {
        body.push_str(&o.line());
        body.push('\n');
    }
    if more {
        body.push('\n');
        body.push_str(&text(lang, "search-more", &[]));
    }
    if orders.len() > 1 {
        body.push('\n');
        body.push_str(&text(lang, "search-pick-one", &[]));
    }
    let numbers: Vec<String> = orders.iter().map(|o| o.order_number.clone()).collect();
    let email = orders[0].customer_email.clone();
    let single = (numbers.len() == 1).then(|| numbers[0].clone());
    let mut output = ToolOutput::new(body.trim_end().to_owned(), structured)
        .with_session_value("order_numbers", numbers)
        .with_session_value("customer_email", email);
    if let Some(number) = single {
        output = output.with_session_value("order_number", number);
    }
    output
}

/// The tool against the in-memory store: by email, by number, by status, nothing found, neither
/// given, each language.
#[cfg(test)]
mod behaviour {
    use serde_json::json;

    use crate::engine::tools::CallOutcome;
    use crate::engine::tools::texts::Lang;
    use crate::order_desk::registry;
    use crate::order_desk::store::OrderStatus;
    use crate::order_desk::tools::testing::{call, context, demo, order_in, store};

    /// The demo customer with the most orders, and how many they have.
    fn busiest_customer() -> (String, usize) {
        let mut counts = std::collections::HashMap::<&str, usize>::new();
        for d in &demo().orders {
            *counts.entry(d.order.customer_email.as_str()).or_default() += 1;
        }
        let (email, count) = counts.into_iter().max_by_key(|(e, c)| (*c, *e)).unwrap();
        (email.to_owned(), count)
    }

    #[tokio::test]
    async fn by_email_the_newest_orders_come_first_and_more_are_announced() {
        let (email, count) = busiest_customer();
        assert!(count > 3);
        let answer =
            call(&registry(store()), "search_orders", json!({"email": email, "limit": 3}), &context(Lang::En)).await;
        assert_eq!(answer.outcome, CallOutcome::Ok);
        let orders = answer.result["structuredContent"]["orders"].as_array().unwrap().clone();
        assert_eq!(orders.len(), 3);
        let dates: Vec<&str> = orders.iter().map(|o| o["placed_at"].as_str().unwrap()).collect();
        assert!(dates.windows(2).all(|w| w[0] >= w[1]), "newest first: {dates:?}");
        assert_eq!(answer.result["structuredContent"]["more_available"], true);
        assert!(
            answer.text().starts_with(&format!("Found 3 orders for {email} (showing the newest 3 of ")),
            "{}",
            answer.text()
        );
        assert!(answer.text().contains("More orders exist than shown"));
        assert_eq!(answer.result["_meta"]["moveo/context"]["context"]["customer_email"], email.as_str());
    }

    #[tokio::test]
    async fn a_status_filter_returns_only_that_status() {
        let order = order_in(OrderStatus::Delivered);
        let arguments = json!({"email": order.customer_email, "status": "delivered", "limit": 20});
        let answer = call(&registry(store()), "search_orders", arguments, &context(Lang::En)).await;
        let orders = answer.result["structuredContent"]["orders"].as_array().unwrap().clone();
        assert!(!orders.is_empty() && orders.iter().all(|o| o["status"] == "delivered"), "{orders:?}");
    }

    #[tokio::test]
    async fn by_number_one_order_is_found_and_named_in_the_session() {
        let order = order_in(OrderStatus::Processing);
        let answer =
            call(&registry(store()), "search_orders", json!({"order_number": order.number}), &context(Lang::En)).await;
        assert!(answer.text().starts_with(&format!("Found 1 order for order number {}", order.number)));
        assert_eq!(answer.result["_meta"]["moveo/context"]["context"]["order_number"], order.number.as_str());
        let wrong_status = json!({"order_number": order.number, "status": "shipped"});
        let none = call(&registry(store()), "search_orders", wrong_status, &context(Lang::En)).await;
        assert!(none.text().starts_with(&format!("No order with number {} in status shipped", order.number)));
    }

    #[tokio::test]
    async fn nothing_found_and_nothing_asked_are_told_apart_in_every_language() {
        let tools = registry(store());
        for lang in Lang::ALL {
            let none = call(&tools, "search_orders", json!({"email": "nobody@example.com"}), &context(lang)).await;
            assert_eq!(none.result["structuredContent"]["orders"], json!([]));
            assert!(none.text().contains("nobody@example.com"), "{}", none.text());
            let neither = call(&tools, "search_orders", json!({}), &context(lang)).await;
            assert!(neither.is_error() && neither.outcome == CallOutcome::ToolError, "{}", neither.text());
            assert_ne!(none.text(), neither.text());
        }
    }
}
