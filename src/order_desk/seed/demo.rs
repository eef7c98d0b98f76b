//! A deterministic generator of realistic demo data: customers in several countries and
//! currencies, orders in every status with one to five lines, shipments with tracking for the
//! orders that left the warehouse. The committed demo file is its output for the default sizes.

use super::DataSet;
use crate::order_desk::store::model::timestamp;
use crate::order_desk::store::{Customer, LineItem, Order, OrderDetails, OrderStatus, Shipment};

/// The first order number; numbers are consecutive from here.
pub const FIRST_ORDER_NUMBER: u64 = 1_000_001;

const FIRST: [&str; 24] = [
    "Jane", "Carlos", "Ana", "Marie", "Lukas", "Eleni", "Tom", "Sofia", "João", "Chloé", "Felix", "Nikos", "Emma",
    "Diego", "Beatriz", "Louis", "Hannah", "Dimitra", "Oliver", "Lucía", "Pedro", "Camille", "Jonas", "Maria",
];
const LAST: [&str; 20] = [
    "Doe",
    "García",
    "Silva",
    "Dubois",
    "Müller",
    "Papadopoulou",
    "Smith",
    "Rossi",
    "Santos",
    "Martin",
    "Schmidt",
    "Georgiou",
    "Brown",
    "López",
    "Costa",
    "Bernard",
    "Weber",
    "Nikolaou",
    "Taylor",
    "Fernández",
];
const DOMAINS: [&str; 5] = ["example.com", "example.org", "mail.example", "example.net", "shop.example"];
/// (currency, tax rate in percent, shipping in minor units)
const MARKETS: [(&str, i64, i64); 5] =
    [("USD", 8, 599), ("EUR", 20, 495), ("GBP", 20, 399), ("BRL", 17, 2490), ("JPY", 10, 800)];
/// (sku, name, price in USD cents)
const CATALOG: [(&str, &str, i64); 16] = [
    ("LMP-001", "Arc floor lamp", 12900),
    ("MUG-014", "Stoneware mug, set of 4", 3200),
    ("CHR-210", "Oak dining chair", 18900),
    ("TBL-330", "Walnut side table", 24500),
    ("RUG-077", "Wool area rug 160x230", 32000),
    ("PLW-005", "Linen pillow cover", 2900),
    ("BLK-120", "Merino throw blanket", 8900),
    ("VSE-031", "Glass vase", 4500),
    ("SHF-402", "Wall shelf, 80 cm", 6900),
    ("CLK-018", "Wall clock", 5400),
    ("TWL-222", "Cotton towel set", 3900),
    ("CND-009", "Scented candle", 1900),
    ("PAN-150", "Cast-iron pan 28 cm", 7400),
    ("KNF-060", "Chef's knife", 9800),
    ("BWL-044", "Serving bowl", 3600),
    ("MRR-300", "Round mirror", 11900),
];
const CARRIERS: [(&str, &str); 4] = [
    ("DHL", "https://www.dhl.com/track?id="),
    ("UPS", "https://www.ups.com/track?tracknum="),
    ("FedEx", "https://www.fedex.com/fedextrack/?trknbr="),
    ("Correos", "https://www.correos.es/seguimiento?numero="),
];

/// A small, fast, deterministic pseudo-random source (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

fn date(secs: i64) -> String {
    timestamp(secs)[..10].to_owned()
}

/// 2026-10-01T00:00:00Z: the demo data's "now"; orders span the 18 months before it.
const DEMO_NOW: i64 = 1_790_812_800;

/// Generates `customers` customers and `orders` orders from `seed`, followed by the hostile
/// records of [`super::hostile`] (three customers, [`super::hostile::ORDERS`] orders).
pub fn generate(customers: usize, orders: usize, seed: u64) -> DataSet {
    let mut rng = Rng(seed.max(1));
    let mut people: Vec<(Customer, usize)> = (0..customers.max(1))
        .map(|i| {
            let first = *rng.pick(&FIRST);
            let last = *rng.pick(&LAST);
            let market = rng.below(MARKETS.len() as u64) as usize;
            let local: String = format!("{}.{}{}", first, last, i)
                .to_lowercase()
                .chars()
                .map(|c| match c {
                    'á' | 'à' | 'ã' | 'â' => 'a',
                    'é' | 'è' | 'ê' => 'e',
                    'í' => 'i',
                    'ó' | 'õ' | 'ô' => 'o',
                    'ú' | 'ü' => 'u',
                    'ç' => 'c',
                    'ñ' => 'n',
                    other => other,
                })
                .collect();
            let customer = Customer {
                email: format!("{local}@{}", rng.pick(&DOMAINS)),
                name: format!("{first} {last}"),
                phone: (rng.below(3) > 0).then(|| format!("+1 555 {:04}", rng.below(10_000))),
                created_at: timestamp(DEMO_NOW - 86_400 * (560 + rng.below(400) as i64)),
                tier: ["standard", "standard", "silver", "gold"][rng.below(4) as usize].into(),
                order_count: 0,
            };
            (customer, market)
        })
        .collect();
    // Jane Doe is the customer the README's example conversation uses.
    if let Some((first, _)) = people.first_mut() {
        first.email = "jane.doe@example.com".into();
        first.name = "Jane Doe".into();
    }
    let mut all_orders = Vec::with_capacity(orders);
    for i in 0..orders {
        let who = if i < 3 { 0 } else { rng.below(people.len() as u64) as usize };
        let (customer, market) = &mut people[who];
        customer.order_count += 1;
        let number = (FIRST_ORDER_NUMBER + i as u64).to_string();
        all_orders.push(order(&mut rng, number, customer, *market, i, orders));
    }
    let mut data = DataSet { customers: people.into_iter().map(|(c, _)| c).collect(), orders: all_orders };
    super::hostile::add(&mut data, FIRST_ORDER_NUMBER + orders as u64);
    data
}

fn order(rng: &mut Rng, number: String, customer: &Customer, market: usize, i: usize, total: usize) -> OrderDetails {
    let (currency, tax_percent, shipping_minor) = MARKETS[market];
    // Later numbers are newer; the newest orders are the ones still pending or processing.
    // Ages skew recent (quadratically), as in a growing shop: a few hundred orders are still open.
    let fraction = (total - i) as f64 / total.max(1) as f64;
    let age_days = (540.0 * fraction * fraction) as i64 + rng.below(2) as i64;
    // The README's example orders (Jane Doe's first three) are recent: in transit, being
    // prepared, and just delivered.
    let age_days = [3, 1, 9].get(i).copied().unwrap_or(age_days);
    let created = DEMO_NOW - age_days * 86_400 - rng.below(86_400) as i64;
    let status = match (age_days, rng.below(100)) {
        (_, r) if r < 6 => OrderStatus::Cancelled,
        (0..=2, r) if r < 55 => OrderStatus::Pending,
        (0..=2, _) => OrderStatus::Processing,
        (3..=5, r) if r < 45 => OrderStatus::Processing,
        (3..=5, _) => OrderStatus::Shipped,
        (6..=12, r) if r < 70 => OrderStatus::Shipped,
        (_, r) if r < 11 => OrderStatus::Returned,
        _ => OrderStatus::Delivered,
    };
    let status = if i == 0 {
        OrderStatus::Shipped
    } else if i == 1 {
        OrderStatus::Processing
    } else if i == 2 {
        OrderStatus::Delivered
    } else {
        status
    };
    let factor = match currency {
        "EUR" => 92,
        "GBP" => 79,
        "BRL" => 540,
        "JPY" => 150,
        _ => 100,
    };
    let lines: Vec<LineItem> = (1..=1 + rng.below(4) as u32 + u32::from(rng.below(10) == 0))
        .map(|line| {
            let (sku, name, usd) = *rng.pick(&CATALOG);
            let unit = if currency == "JPY" { usd * factor / 100 } else { usd * factor / 100 / 100 * 100 - 1 };
            LineItem {
                line,
                sku: sku.into(),
                name: name.into(),
                quantity: 1 + (rng.below(6) == 0) as u32,
                unit_price_minor: unit,
            }
        })
        .collect();
    let subtotal: i64 = lines.iter().map(|l| l.unit_price_minor * i64::from(l.quantity)).sum();
    let tax = subtotal * tax_percent / 100;
    let shipping = if subtotal > 20_000 * factor / 100 { 0 } else { shipping_minor };
    let shipped_at = created + 86_400 * (1 + rng.below(2) as i64);
    let shipments = if matches!(status, OrderStatus::Shipped | OrderStatus::Delivered | OrderStatus::Returned) {
        let (carrier, url) = *rng.pick(&CARRIERS);
        let tracking = format!("{}{:010}", &carrier[..2].to_uppercase(), rng.below(10_000_000_000));
        let delivered = shipped_at + 86_400 * (2 + rng.below(4) as i64);
        vec![Shipment {
            carrier: carrier.into(),
            tracking_url: format!("{url}{tracking}"),
            tracking_number: tracking,
            status: match status {
                OrderStatus::Shipped => "in_transit",
                OrderStatus::Returned => "returned",
                _ => "delivered",
            }
            .into(),
            shipped_at: timestamp(shipped_at),
            estimated_delivery: (status == OrderStatus::Shipped).then(|| date(delivered)),
            delivered_at: matches!(status, OrderStatus::Delivered | OrderStatus::Returned)
                .then(|| timestamp(delivered)),
        }]
    } else {
        Vec::new()
    };
    let updated = match status {
        OrderStatus::Pending => created,
        OrderStatus::Processing | OrderStatus::Cancelled => created + 3_600 * (1 + rng.below(20) as i64),
        _ => shipped_at,
    };
    OrderDetails {
        order: Order {
            number,
            customer_email: customer.email.clone(),
            customer_name: customer.name.clone(),
            status,
            currency: currency.into(),
            subtotal_minor: subtotal,
            shipping_minor: shipping,
            tax_minor: tax,
            total_minor: subtotal + shipping + tax,
            item_count: lines.iter().map(|l| l.quantity).sum(),
            created_at: timestamp(created),
            updated_at: timestamp(updated),
            cancel_reason: (status == OrderStatus::Cancelled).then(|| "customer_request".into()),
        },
        items: lines,
        shipments,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn timestamps_are_rfc3339_utc() {
        assert_eq!(timestamp(0), "1970-01-01T00:00:00Z");
        assert_eq!(timestamp(DEMO_NOW), "2026-10-01T00:00:00Z");
        assert_eq!(timestamp(951_782_400), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn generation_is_deterministic_and_covers_every_status_and_currency() {
        let a = generate(300, 3000, 7);
        assert_eq!(a, generate(300, 3000, 7));
        let statuses: HashSet<_> = a.orders.iter().map(|o| o.order.status).collect();
        assert_eq!(statuses.len(), OrderStatus::ALL.len());
        let currencies: HashSet<_> = a.orders.iter().map(|o| o.order.currency.as_str()).collect();
        assert!(currencies.len() >= 5);
        assert!(a.orders.iter().any(|o| o.items.len() > 1));
        assert_eq!(
            a.customers.iter().map(|c| c.order_count as usize).sum::<usize>(),
            3000 + super::super::hostile::ORDERS
        );
    }

    #[test]
    fn totals_add_up_and_shipped_orders_have_tracking() {
        for o in generate(50, 500, 3).orders {
            let lines: i64 = o.items.iter().map(|l| l.unit_price_minor * i64::from(l.quantity)).sum();
            assert_eq!(o.order.subtotal_minor, lines);
            assert_eq!(o.order.total_minor, lines + o.order.shipping_minor + o.order.tax_minor);
            if o.order.status == OrderStatus::Shipped {
                assert!(!o.shipments[0].tracking_number.is_empty());
            }
        }
    }
}
