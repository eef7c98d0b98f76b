//! Domain types of the order desk. Money is integer minor units plus an ISO 4217 currency.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::order_desk::text_safety;

/// Where an order is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    // Placed, payment not yet confirmed.
    Pending,
    // Paid and being prepared.
    Processing,
    // Handed to the carrier.
    Shipped,
    // Received by the customer.
    Delivered,
    // Cancelled before shipping.
    Cancelled,
    // Sent back by the customer after delivery.
    Returned,
}

impl OrderStatus {
    /// Every status, in life-cycle order.
    pub const ALL: [OrderStatus; 6] =
        [Self::Pending, Self::Processing, Self::Shipped, Self::Delivered, Self::Cancelled, Self::Returned];

    /// The status as stored and shown (`pending`, `shipped`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Processing => "processing",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
        }
    }

    /// The status named by `text`.
    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// An order in this status can still be cancelled.
    pub fn is_cancellable(self) -> bool {
        matches!(self, Self::Pending | Self::Processing)
    }
}

/// An amount of money.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Money {
    /// Amount in the currency's minor unit (cents for USD; yen for JPY).
    pub amount_minor: i64,
    /// ISO 4217 currency code, e.g. USD.
    pub currency: String,
}

impl Money {
    /// Digits after the decimal point for `currency`.
    pub fn minor_digits(currency: &str) -> u32 {
        match currency {
            "JPY" | "KRW" | "CLP" | "ISK" => 0,
            "BHD" | "KWD" | "OMR" | "JOD" | "TND" => 3,
            _ => 2,
        }
    }

    /// `89.00 USD`, `1200 JPY`.
    pub fn display(&self) -> String {
        let digits = Self::minor_digits(&self.currency);
        let sign = if self.amount_minor < 0 { "-" } else { "" };
        let abs = self.amount_minor.unsigned_abs();
        if digits == 0 {
            return format!("{sign}{abs} {}", self.currency);
        }
        let unit = 10u64.pow(digits);
        format!("{sign}{}.{:0width$} {}", abs / unit, abs % unit, self.currency, width = digits as usize)
    }
}

/// Rules a stored entity must keep beyond its types: keys and timestamps that answers read
/// (free text is normalised when shown, never refused: `text_safety`).
pub trait Checked {
    /// The first field that breaks a rule, by name.
    fn check(&self) -> Result<(), &'static str>;
}

fn rule(ok: bool, field: &'static str) -> Result<(), &'static str> {
    if ok { Ok(()) } else { Err(field) }
}

fn is_timestamp(text: &str) -> bool {
    text_safety::timestamp(text).is_some()
}

fn is_order_number(text: &str) -> bool {
    (1..=20).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit())
}

fn is_currency(text: &str) -> bool {
    text.len() == 3 && text.bytes().all(|b| b.is_ascii_uppercase())
}

impl Checked for Customer {
    fn check(&self) -> Result<(), &'static str> {
        rule(text_safety::email(&self.email).is_some(), "email")?;
        rule(is_timestamp(&self.created_at), "created_at")
    }
}

impl Checked for Order {
    fn check(&self) -> Result<(), &'static str> {
        rule(is_order_number(&self.number), "number")?;
        rule(text_safety::email(&self.customer_email).is_some(), "customer_email")?;
        rule(is_currency(&self.currency), "currency")?;
        rule(is_timestamp(&self.created_at), "created_at")?;
        rule(is_timestamp(&self.updated_at), "updated_at")
    }
}

impl Checked for LineItem {
    fn check(&self) -> Result<(), &'static str> {
        Ok(())
    }
}

impl Checked for Shipment {
    fn check(&self) -> Result<(), &'static str> {
        rule(is_timestamp(&self.shipped_at), "shipped_at")?;
        rule(self.delivered_at.as_deref().is_none_or(is_timestamp), "delivered_at")?;
        rule(
            self.estimated_delivery
                .as_deref()
                .is_none_or(|d| text_safety::date(d).is_some_and(|day| day.len() == d.len())),
            "estimated_delivery",
        )
    }
}

/// A customer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub email: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    pub created_at: String,
    /// Loyalty tier: standard, silver, gold.
    pub tier: String,
    /// Orders placed, all statuses.
    #[serde(default)]
    pub order_count: u32,
}

/// The head of an order: who, when, how much, where it stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Order {
    pub number: String,
    pub customer_email: String,
    pub customer_name: String,
    pub status: OrderStatus,
    pub currency: String,
    pub subtotal_minor: i64,
    pub shipping_minor: i64,
    pub tax_minor: i64,
    pub total_minor: i64,
    pub item_count: u32,
    pub created_at: String,
    pub updated_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cancel_reason: Option<String>,
}

/// One line of an order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineItem {
    pub line: u32,
    pub sku: String,
    pub name: String,
    pub quantity: u32,
    pub unit_price_minor: i64,
}

/// A parcel on its way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shipment {
    pub carrier: String,
    pub tracking_number: String,
    pub tracking_url: String,
    /// in_transit, out_for_delivery, delivered, returned
    pub status: String,
    pub shipped_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimated_delivery: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivered_at: Option<String>,
}

/// An order with its lines and shipments, as one `Query` returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderDetails {
    pub order: Order,
    pub items: Vec<LineItem>,
    pub shipments: Vec<Shipment>,
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// An RFC 3339 UTC timestamp for seconds since the epoch.
pub fn timestamp(secs: i64) -> String {
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let s = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", s / 3600, s / 60 % 60, s % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn money(amount_minor: i64, currency: &str) -> Money {
        Money { amount_minor, currency: currency.into() }
    }

    #[test]
    fn money_displays_with_the_currencys_minor_digits() {
        assert_eq!(money(8900, "USD").display(), "89.00 USD");
        assert_eq!(money(5, "EUR").display(), "0.05 EUR");
        assert_eq!(money(1200, "JPY").display(), "1200 JPY");
        assert_eq!(money(-1550, "GBP").display(), "-15.50 GBP");
        assert_eq!(money(1234, "KWD").display(), "1.234 KWD");
    }

    #[test]
    fn only_pending_and_processing_orders_are_cancellable() {
        let cancellable: Vec<_> = OrderStatus::ALL.into_iter().filter(|s| s.is_cancellable()).collect();
        assert_eq!(cancellable, vec![OrderStatus::Pending, OrderStatus::Processing]);
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()), Some(s));
        }
    }
}
