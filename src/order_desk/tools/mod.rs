//! The order desk's tools, one file each, generic over the store they read
//! ([`crate::order_desk::store::OrderStore`]).

mod cancel_order;
mod get_customer;
mod get_order;
mod search_orders;

pub use cancel_order::CancelOrder;
pub use get_customer::GetCustomer;
pub use get_order::GetOrder;
pub use search_orders::SearchOrders;

use crate::engine::tools::ToolError;

/// The scope that reads orders and customers (search_orders, get_order, get_customer).
pub const READ: &str = "orders:read";
/// The scope that cancels orders (cancel_order).
pub const CANCEL: &str = "orders:cancel";

use crate::engine::tools::texts::Lang;
use crate::order_desk::store::StoreError;
use crate::order_desk::texts::text;

/// The plain-language answer for a store failure in `lang`; the cause goes to the logs only.
fn store_failure(error: &StoreError, lang: Lang) -> ToolError {
    tracing::error!(%error, "order store call failed");
    match error {
        StoreError::Unavailable(_) => ToolError::recoverable(text(lang, "store-unavailable", &[])),
        _ => ToolError::terminal(text(lang, "store-failed", &[])),
    }
}

#[cfg(test)]
mod customer_bound;
#[cfg(test)]
pub(crate) mod testing;
