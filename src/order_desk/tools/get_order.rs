//! `get_order`: one order by its number, with lines, totals, shipping status and tracking.

use std::sync::Arc;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::store_failure;
use crate::engine::tools::texts::arg;
use crate::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput};
use crate::order_desk::guard::Guard;
use crate::order_desk::store::{Money, OrderDetails, OrderStore};
use crate::order_desk::text_safety::{Field, date, https_url, line, markdown};
use crate::order_desk::texts::text;

/// Arguments of `get_order`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GetOrderParams {
    /// The order number the customer gave: 6 to 10 digits, without '#' or spaces, e.g. "1000001".
    #[schemars(regex(pattern = r"^[0-9]{6,10}$"))]
    pub order_number: String,
}

/// One line of the order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct OrderLine {
    /// Stock-keeping unit.
    pub sku: String,
    /// Product name.
    pub name: String,
    /// Units ordered.
    pub quantity: u32,
    /// Price of one unit.
    pub unit_price: Money,
}

/// Shipping and tracking.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tracking {
    /// Carrier name.
    pub carrier: String,
    /// The carrier's tracking number.
    pub tracking_number: String,
    /// Link where the customer can follow the parcel; left out unless it is a well-formed https URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    /// in_transit, out_for_delivery, delivered or returned.
    pub status: String,
    /// When the parcel left the warehouse (RFC 3339).
    pub shipped_at: String,
    /// Expected delivery date (YYYY-MM-DD), while in transit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<String>,
    /// When the parcel was delivered (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
}

/// The order as `structuredContent`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct GetOrderOutput {
    /// The order number.
    pub order_number: String,
    /// pending, processing, shipped, delivered, cancelled or returned.
    pub status: String,
    /// Customer's name.
    pub customer_name: String,
    /// Customer's email.
    pub customer_email: String,
    /// When the order was placed (RFC 3339).
    pub placed_at: String,
    /// When the order last changed (RFC 3339).
    pub updated_at: String,
    /// Sum of the lines.
    pub subtotal: Money,
    /// Shipping charged.
    pub shipping: Money,
    /// Tax charged.
    pub tax: Money,
    /// What the customer paid.
    pub total: Money,
    /// The order's lines.
    pub lines: Vec<OrderLine>,
    /// Parcels shipped, newest last; empty until the order ships.
    pub shipments: Vec<Tracking>,
    /// Why the order was cancelled, for cancelled orders.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
}

/// Looks up one order.
#[derive(Debug, Clone)]
pub struct GetOrder<S> {
    store: Arc<S>,
    guard: Arc<Guard>,
}

impl<S> GetOrder<S> {
    /// The tool over `store`, under `guard`'s trust model.
    pub fn new(store: Arc<S>, guard: Arc<Guard>) -> Self {
        GetOrder { store, guard }
    }
}

impl<S: OrderStore> Tool for GetOrder<S> {
    type Params = GetOrderParams;
    type Output = GetOrderOutput;

    const NAME: &'static str = "get_order";
    const TITLE: &'static str = "Get order details";
    const DESCRIPTION: &'static str = "Get one order by its order number, with line items, totals, shipping status and tracking.

WHAT: Returns the order's status, when it was placed, every line (product, quantity, price), subtotal, shipping, tax and total, and for shipped orders the carrier, tracking number, tracking link and expected delivery date.

WHEN:
- The customer gives an order number and asks about that order
- The customer asks where their parcel is, when it will arrive, or for the tracking link
- The customer asks what was in an order or how much they paid

HOW:
- order_number: digits only (6 to 10), as the customer wrote it without '#'

RETURNS: One order, leading with its status. An error result if no order has that number.

NOT: To find orders by customer email, or when the customer does not know the number, use `search_orders`. To cancel, use `cancel_order`. For the customer's profile, use `get_customer`.";
    const ANNOTATIONS: Annotations = Annotations::READ_ONLY;
    const SCOPE: Option<&'static str> = Some(super::READ);

    async fn call(&self, params: GetOrderParams, ctx: &CallContext) -> Result<ToolOutput<GetOrderOutput>, ToolError> {
        let number = params.order_number;
        let access = self.guard.access(ctx)?;
        let not_found = || ToolError::terminal(text(ctx.lang, "order-not-found", &[arg("number", number.as_str())]));
        // Bound to a customer, ownership is checked first among that customer's own orders (the
        // same store work for a missing order and for another customer's); the order's partition
        // is read only for their own, and it holds the head, so no separate head read.
        if let Some(owner) = access.customer() {
            let owned = self.store.owns_order(&number, owner).await.map_err(|e| store_failure(&e, ctx.lang))?;
            if !owned {
                return Err(not_found());
            }
        }
        let details = match self.store.get_order(&number).await {
            Ok(Some(details)) if access.allows(&details.order.customer_email) => details,
            Ok(_) => return Err(not_found()),
            Err(error) => return Err(store_failure(&error, ctx.lang)),
        };
        let output = GetOrderOutput::from(details);
        let answer = render(&output);
        let email = output.customer_email.clone();
        Ok(ToolOutput::new(answer, output)
            .with_session_value("order_number", number)
            .with_session_value("customer_email", email))
    }
}

impl From<OrderDetails> for GetOrderOutput {
    /// Every stored text as one clean line (the store has already checked keys and timestamps).
    fn from(details: OrderDetails) -> Self {
        let o = details.order;
        let money = |amount_minor: i64| Money { amount_minor, currency: o.currency.clone() };
        GetOrderOutput {
            order_number: o.number.clone(),
            status: o.status.as_str().into(),
            customer_name: line(Field::PersonName, &o.customer_name),
            customer_email: o.customer_email.to_ascii_lowercase(),
            placed_at: o.created_at.clone(),
            updated_at: o.updated_at.clone(),
            subtotal: money(o.subtotal_minor),
            shipping: money(o.shipping_minor),
            tax: money(o.tax_minor),
            total: money(o.total_minor),
            lines: details
                .items
                .into_iter()
                .map(|l| OrderLine {
                    sku: line(Field::Sku, &l.sku),
                    name: line(Field::ProductName, &l.name),
                    quantity: l.quantity,
                    unit_price: money(l.unit_price_minor),
                })
                .collect(),
            shipments: details
                .shipments
                .into_iter()
                .map(|s| Tracking {
                    carrier: line(Field::Carrier, &s.carrier),
                    tracking_number: line(Field::TrackingNumber, &s.tracking_number),
                    tracking_url: https_url(&s.tracking_url),
                    status: line(Field::Code, &s.status),
                    shipped_at: s.shipped_at,
                    estimated_delivery: s.estimated_delivery,
                    delivered_at: s.delivered_at,
                })
                .collect(),
            cancel_reason: o.cancel_reason.as_deref().map(|r| line(Field::Code, r)),
        }
    }
}

/// The answer: stored text escaped for markdown, one line per field, dates read safely.
fn render(o: &GetOrderOutput) -> String {
    let day = |ts: &str| date(ts).unwrap_or("an unknown date").to_owned();
    let mut text = format!(
        "Order #{} is **{}** — {} total, placed {} by {} ({}).\n",
        o.order_number,
        o.status,
        o.total.display(),
        day(&o.placed_at),
        markdown(&o.customer_name),
        o.customer_email
    );
    for s in &o.shipments {
        let when = match (&s.delivered_at, &s.estimated_delivery) {
            (Some(d), _) => format!("delivered {}", day(d)),
            (None, Some(eta)) => format!("expected {}", day(eta)),
            (None, None) => markdown(&s.status.replace('_', " ")),
        };
        let link = s.tracking_url.as_ref().map(|url| format!(" ({url})")).unwrap_or_default();
        text.push_str(&format!(
            "Shipping: {} tracking {}{link}, {when}.\n",
            markdown(&s.carrier),
            markdown(&s.tracking_number)
        ));
    }
    if let Some(reason) = &o.cancel_reason {
        text.push_str(&format!("Cancelled: {}.\n", markdown(&reason.replace('_', " "))));
    }
    text.push_str("\nItems:\n");
    for l in &o.lines {
        text.push_str(&format!(
            "- {} × {} ({}) at {}\n",
            l.quantity,
            markdown(&l.name),
            markdown(&l.sku),
            l.unit_price.display()
        ));
    }
    text.push_str(&format!(
        "Subtotal {}, shipping {}, tax {}, total {}.",
        o.subtotal.display(),
        o.shipping.display(),
        o.tax.display(),
        o.total.display()
    ));
    text
}

/// The tool against the in-memory store: every order state, a missing order, store faults, and
/// each language; no moto needed.
#[cfg(test)]
mod behaviour {
    use serde_json::json;

    use crate::engine::tools::CallOutcome;
    use crate::engine::tools::texts::Lang;
    use crate::order_desk::registry;
    use crate::order_desk::store::{OrderStatus, StoreError};
    use crate::order_desk::tools::testing::{call, context, order_in, store};

    #[tokio::test]
    async fn an_order_in_each_state_leads_with_its_status_and_is_written_to_the_session() {
        let tools = registry(store());
        for status in OrderStatus::ALL {
            let order = order_in(status);
            let answer = call(&tools, "get_order", json!({"order_number": order.number}), &context(Lang::En)).await;
            assert_eq!(answer.outcome, CallOutcome::Ok, "{status:?}");
            let lead = format!("Order #{} is **{}**", order.number, status.as_str());
            assert!(answer.text().starts_with(&lead), "{}", answer.text());
            assert_eq!(answer.result["structuredContent"]["status"], status.as_str());
            assert_eq!(answer.result["structuredContent"]["total"]["amount_minor"], order.total_minor);
            let session = &answer.result["_meta"]["moveo/context"]["context"];
            assert_eq!(session["order_number"], order.number.as_str());
            assert_eq!(session["customer_email"], order.customer_email.as_str());
        }
    }

    #[tokio::test]
    async fn a_missing_order_is_a_final_error_in_the_conversations_language() {
        let tools = registry(store());
        let mut texts = Vec::new();
        for lang in Lang::ALL {
            let answer = call(&tools, "get_order", json!({"order_number": "99999999"}), &context(lang)).await;
            assert!(answer.is_error() && answer.outcome == CallOutcome::ToolError);
            assert!(answer.text().contains("99999999"), "{}", answer.text());
            texts.push(answer.text().to_owned());
        }
        assert!(texts[0].starts_with("No order with number 99999999 was found"), "{}", texts[0]);
        texts.dedup();
        assert_eq!(texts.len(), Lang::ALL.len(), "each language has its own text");
    }

    #[tokio::test]
    async fn store_faults_say_whether_to_retry_and_reveal_nothing() {
        let store = store();
        let tools = registry(store.clone());
        let number = order_in(OrderStatus::Shipped).number.clone();
        store.fail_with(Some(StoreError::Unavailable("ThrottlingException".into())));
        let answer = call(&tools, "get_order", json!({"order_number": number}), &context(Lang::En)).await;
        assert!(answer.is_error() && answer.text().contains("temporarily unavailable"), "{}", answer.text());
        assert!(!answer.text().contains("Throttling"));
        store.fail_with(Some(StoreError::Rejected("ResourceNotFoundException".into())));
        let answer = call(&tools, "get_order", json!({"order_number": number}), &context(Lang::En)).await;
        assert!(answer.text().contains("Do not retry") && !answer.text().contains("ResourceNotFound"));
    }

    #[tokio::test]
    async fn a_malformed_number_never_reaches_the_store() {
        let store = store();
        let tools = registry(store.clone());
        store.fail_with(Some(StoreError::Unavailable("must not be called".into())));
        let answer = call(&tools, "get_order", json!({"order_number": "#1000001"}), &context(Lang::En)).await;
        assert_eq!(answer.outcome, CallOutcome::InvalidArguments);
        assert!(answer.text().contains("`order_number` is not in the expected format"), "{}", answer.text());
    }
}
