# Texts the tools return to the agent: errors and next steps. English is the reference and the
# fallback for any message a translation lacks. Placeables: $name. Keep the meaning identical
# across languages; an agent paraphrases these to the customer.

## Failures of the data store
store-unavailable = The order system is temporarily unavailable, so nothing could be looked up or changed. Try again in a few seconds; if it keeps failing, tell the customer you will follow up shortly.
store-failed = The order system could not answer this request. Do not retry; tell the customer you will check and get back to them.

## get_order
order-not-found = No order with number { $number } was found. The number may be mistyped or belong to another shop. Ask the customer to check the number, or search by their email with `search_orders`.

## search_orders
search-needs-one = Give either `order_number` or `email` to search, not neither and not both. Ask the customer for their order number or the email they ordered with.
search-none-for-number = No order with number { $number }{ $status ->
    [none] {""}
   *[other] {" "}in status { $status }
  } was found. Ask the customer to check the number, or search by their email instead.
search-none-for-email = No orders{ $status ->
    [none] {""}
   *[other] {" "}in status { $status }
  } were found for { $email }. Ask the customer to confirm the email they ordered with, or for an order number.
search-more = More orders exist than shown. To narrow down, ask the customer for the order number or filter by `status`.
search-pick-one = Ask the customer which order they mean before acting on one.

## get_customer
customer-not-found = No customer with email { $email } was found. Ask the customer to confirm the email they used when ordering, or look the order up by number with `get_order`.

## cancel_order
cancel-not-found = Order { $number } was not found, so nothing was cancelled. Ask the customer to check the number.
cancel-already-cancelled = Order { $number } was already cancelled, so nothing changed. Tell the customer it is cancelled and no further action is needed.
cancel-shipped = Order { $number } has already shipped and can no longer be cancelled. Tell the customer they can refuse the delivery or return the items once they arrive.
cancel-delivered = Order { $number } was already delivered and can no longer be cancelled. Tell the customer they can start a return instead.
cancel-returned = Order { $number } was returned, so there is nothing to cancel. Tell the customer the return is already recorded.
cancel-in-progress = A cancellation of order { $number } is already being processed. Wait a few seconds and call the tool again with the same arguments to get its result.
cancel-key-reused = This idempotency key was already used for a different request, so nothing was done. Use a new `idempotency_key` for a different cancellation.
cancel-done = Tell the customer the order is cancelled; any payment is refunded to the original payment method.
