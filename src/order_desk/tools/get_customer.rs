//! `get_customer`: a customer's profile and order summary by email.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::search_orders::OrderSummary;
use super::store_failure;
use crate::engine::tools::texts::arg;
use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput};
use crate::order_desk::guard::Guard;
use crate::order_desk::store::OrderStore;
use crate::order_desk::text_safety::{Field, date, line, markdown, phone, shown_email};
use crate::order_desk::texts::text;

/// Recent orders shown with the profile.
const RECENT: usize = 5;

/// Arguments of `get_customer`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetCustomerParams {
    /// The email address the customer ordered with, e.g. "jane.doe@example.com".
    #[schemars(email, length(max = 254))]
    pub email: String,
}

/// The customer as `structuredContent`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GetCustomerOutput {
    /// Customer's email.
    pub email: String,
    /// Customer's full name.
    pub name: String,
    /// Phone number, when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Loyalty tier: standard, silver or gold.
    pub tier: String,
    /// When the customer account was created (RFC 3339).
    pub customer_since: String,
    /// Orders placed in all.
    pub order_count: u32,
    /// How many of `recent_orders` are still open (pending or processing); older ones are not counted.
    pub open_orders: u32,
    /// The newest orders (up to 5), newest first.
    pub recent_orders: Vec<OrderSummary>,
}

/// Looks a customer up.
#[derive(Debug, Clone)]
pub struct GetCustomer<S> {
    store: Arc<S>,
    guard: Arc<Guard>,
}

impl<S> GetCustomer<S> {
    /// The tool over `store`, under `guard`'s trust model.
    pub fn new(store: Arc<S>, guard: Arc<Guard>) -> Self {
        GetCustomer { store, guard }
    }
}

impl<S: OrderStore> Tool for GetCustomer<S> {
    type Params = GetCustomerParams;
    type Output = GetCustomerOutput;

    const NAME: &'static str = "get_customer";
    const TITLE: &'static str = "Get customer profile";
    const DESCRIPTION: &'static str = "Get a customer's profile and order summary by their email address.

WHAT: Returns the customer's name, phone, loyalty tier, how long they have been a customer, how many orders they placed, and their 5 most recent orders with how many of those are still open.

WHEN:
- You need to know who the customer is before helping them
- The customer asks about their account, their tier or how many orders they have
- You want an overview of a customer before deciding which order to look at

HOW:
- email: the address the customer ordered with

RETURNS: One customer profile with a short order summary. An error result if no customer has that email.

NOT: To list or filter a customer's orders (every open order, say), use `search_orders`. For one order's details or tracking, use `get_order`. To cancel, use `cancel_order`.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;
    const SCOPE: Option<&'static str> = Some(super::READ);

    async fn call(
        &self,
        params: GetCustomerParams,
        ctx: &CallContext,
    ) -> Result<ToolOutput<GetCustomerOutput>, ToolError> {
        let access = self.guard.access(ctx)?;
        let not_found =
            || ToolError::terminal(text(ctx.lang, "customer-not-found", &[arg("email", shown_email(&params.email))]));
        // Another customer's email answers as an unknown one, without a store call.
        if !access.allows(&params.email) {
            return Err(not_found());
        }
        let found = self.store.customer_orders(&params.email, RECENT).await.map_err(|e| store_failure(&e, ctx.lang))?;
        let Some(customer) = found.customer else { return Err(not_found()) };
        let recent: Vec<OrderSummary> = found.page.orders.into_iter().map(OrderSummary::from).collect();
        let open = recent.iter().filter(|o| o.status == "pending" || o.status == "processing").count() as u32;
        let output = GetCustomerOutput {
            email: customer.email.to_ascii_lowercase(),
            name: line(Field::PersonName, &customer.name),
            phone: customer.phone.as_deref().and_then(phone),
            tier: line(Field::Code, &customer.tier),
            customer_since: customer.created_at,
            order_count: customer.order_count,
            open_orders: open,
            recent_orders: recent,
        };
        let answer = render(&output);
        let email = output.email.clone();
        Ok(ToolOutput::new(answer, output).with_session_value("customer_email", email))
    }
}

/// The answer: stored text escaped for markdown, one line per field, dates read safely.
fn render(c: &GetCustomerOutput) -> String {
    let since = date(&c.customer_since).unwrap_or("an unknown date");
    let mut body = format!(
        "{} ({}) is a {} customer since {since} with {} order{}.\n",
        markdown(&c.name),
        c.email,
        markdown(&c.tier),
        c.order_count,
        if c.order_count == 1 { "" } else { "s" },
    );
    if let Some(phone) = &c.phone {
        body.push_str(&format!("Phone: {phone}\n"));
    }
    if !c.recent_orders.is_empty() {
        body.push_str(&format!(
            "\nMost recent orders ({} of these {} still open):\n",
            c.open_orders,
            c.recent_orders.len()
        ));
        for o in &c.recent_orders {
            body.push_str(&format!("- {}\n", o.line()));
        }
    }
    body.trim_end().to_owned()
}

/// The tool against the in-memory store.
#[cfg(test)]
mod behaviour {
    use serde_json::json;

    use crate::engine::tools::CallOutcome;
    use crate::engine::tools::texts::Lang;
    use crate::order_desk::registry;
    use crate::order_desk::tools::testing::{call, context, demo, store};

    #[tokio::test]
    async fn a_customer_is_shown_with_tier_counts_and_recent_orders() {
        let customer = demo().customers.iter().find(|c| c.order_count > 5).unwrap();
        let answer =
            call(&registry(store()), "get_customer", json!({"email": customer.email}), &context(Lang::En)).await;
        assert_eq!(answer.outcome, CallOutcome::Ok);
        let lead = format!("{} ({}) is a {} customer since", customer.name, customer.email, customer.tier);
        assert!(answer.text().starts_with(&lead), "{}", answer.text());
        let s = &answer.result["structuredContent"];
        assert_eq!(s["order_count"], customer.order_count);
        assert_eq!(s["recent_orders"].as_array().map(Vec::len), Some(5));
        let open = s["recent_orders"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["status"] == "pending" || o["status"] == "processing")
            .count();
        assert_eq!(s["open_orders"], open);
        assert_eq!(answer.result["_meta"]["moveo/context"]["context"]["customer_email"], customer.email.as_str());
    }

    #[tokio::test]
    async fn an_unknown_customer_is_a_final_error_in_each_language() {
        let tools = registry(store());
        for lang in Lang::ALL {
            let answer = call(&tools, "get_customer", json!({"email": "nobody@example.com"}), &context(lang)).await;
            assert!(answer.is_error() && answer.text().contains("nobody@example.com"), "{}", answer.text());
        }
    }
}
