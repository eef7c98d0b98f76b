//! The customer's confirmation of a cancellation, enforced by the server.
//!
//! - With a client that declared elicitation under 2026-07-28: an `input_required` result whose
//!   elicitation shows the order and its total and asks yes or no, with a sealed `requestState`;
//!   the retry carries the answer and the state.
//! - Anywhere else: a preview with a sealed `confirmation_token`; the cancellation happens when
//!   the call repeats with it.
//!
//! Both seal the same [`Confirmation`] (order, total, caller, verified customer) for different
//! purposes, so neither stands in for the other, and both are checked against the call that
//! brings them back.

use serde_json::{Map, Value, json};

use super::{CancelOrderOutput, CancelOrderParams, CancelStatus, total};
use crate::engine::tools::texts::{Lang, arg};
use crate::engine::tools::{CallContext, ToolError, ToolOutput};
use crate::order_desk::confirmation::{Confirmation, Purpose, SigningKey, TOKEN_TTL, TokenError};
use crate::order_desk::store::model::timestamp;
use crate::order_desk::store::{Money, Order};
use crate::order_desk::text_safety::date;
use crate::order_desk::texts::text;

/// The `inputResponses` key of the confirmation elicitation.
pub(super) const ELICITATION_KEY: &str = "confirm_cancellation";
/// The elicitation form's one field.
pub(super) const ELICITATION_FIELD: &str = "confirm";

/// A confirmation the call brought back, checked.
#[derive(Debug, Clone)]
pub(super) struct Confirmed {
    /// The total the customer confirmed.
    pub total_minor: i64,
    /// The sealed text it came in (a token or a request state): tells one confirmation from
    /// another when nothing else keys the cancellation's idempotency.
    pub proof: String,
}

/// Where the call stands.
pub(super) enum Step {
    /// Nothing confirmed yet: ask.
    Ask,
    /// The customer said yes.
    Confirmed(Confirmed),
    /// The customer said no (or dismissed the question).
    Declined(Confirmation),
}

/// Reads the confirmation the call brings back, if any.
pub(super) fn step(
    params: &CancelOrderParams,
    ctx: &CallContext,
    key: &SigningKey,
    owner: Option<&str>,
    now: u64,
) -> Result<Step, ToolError> {
    let number = params.order_number.as_str();
    if let Some(token) = &params.confirmation_token {
        let refuse = |id: &str| ToolError::terminal(text(ctx.lang, id, &[arg("number", number)]));
        let confirmation = match key.open(Purpose::Token, token, now) {
            Ok(confirmation) => confirmation,
            Err(TokenError::Expired) => return Err(refuse("cancel-token-expired")),
            Err(_) => return Err(refuse("cancel-token-invalid")),
        };
        if !binds(&confirmation, number, ctx, owner) {
            return Err(refuse("cancel-token-invalid"));
        }
        return Ok(Step::Confirmed(Confirmed { total_minor: confirmation.total_minor, proof: token.clone() }));
    }
    let Some(state) = &ctx.request_state else { return Ok(Step::Ask) };
    let invalid = |why: &str| ToolError::invalid_params(format!("Invalid params: `requestState` {why}"));
    let confirmation = match key.open(Purpose::ElicitationState, state, now) {
        Ok(confirmation) => confirmation,
        Err(TokenError::Expired) => return Err(invalid("has expired; call the tool again without it")),
        Err(_) => return Err(invalid("failed its integrity check")),
    };
    if !binds(&confirmation, number, ctx, owner) {
        return Err(invalid("belongs to another request"));
    }
    Ok(match elicited(ctx)? {
        None => Step::Ask,
        Some(true) => Step::Confirmed(Confirmed { total_minor: confirmation.total_minor, proof: state.clone() }),
        Some(false) => Step::Declined(confirmation),
    })
}

/// True when `confirmation` was issued for this order, caller and verified customer.
fn binds(confirmation: &Confirmation, number: &str, ctx: &CallContext, owner: Option<&str>) -> bool {
    confirmation.order == number && confirmation.caller == ctx.caller.id && confirmation.customer.as_deref() == owner
}

/// The user's answer to the confirmation elicitation: `None` when there is none yet.
fn elicited(ctx: &CallContext) -> Result<Option<bool>, ToolError> {
    let invalid =
        |what: &str| ToolError::invalid_params(format!("Invalid params: `inputResponses.{ELICITATION_KEY}` {what}"));
    let Some(answer) = ctx.input_responses.as_ref().and_then(|r| r.get(ELICITATION_KEY)) else {
        return Ok(None);
    };
    let Value::Object(answer) = answer else { return Err(invalid("must be an object")) };
    match answer.get("action").and_then(Value::as_str) {
        Some("accept") => match answer.get("content").and_then(|c| c.get(ELICITATION_FIELD)) {
            Some(Value::Bool(yes)) => Ok(Some(*yes)),
            None => Ok(None),
            Some(_) => Err(invalid("must answer `confirm` with true or false")),
        },
        Some("decline" | "cancel") => Ok(Some(false)),
        _ => Err(invalid("must have an action of accept, decline or cancel")),
    }
}

/// Elicitation when the client can answer one (2026-07-28 with the capability), otherwise the
/// two-step preview.
pub(super) fn ask(
    order: &Order,
    confirmation: &Confirmation,
    reason: &str,
    ctx: &CallContext,
    key: &SigningKey,
    now: u64,
) -> ToolOutput<CancelOrderOutput> {
    let amount = total(order).display();
    let elicits = ctx.client_capabilities.as_ref().is_some_and(|c| c.contains_key("elicitation"));
    if elicits {
        let message =
            text(ctx.lang, "cancel-confirm-question", &[arg("number", order.number.as_str()), arg("amount", amount)]);
        let field = json!({"type": "boolean", "title": text(ctx.lang, "cancel-confirm-field", &[])});
        let request = json!({"method": "elicitation/create", "params": {"mode": "form", "message": message,
            "requestedSchema": {"type": "object", "properties": {ELICITATION_FIELD: field}, "required": [ELICITATION_FIELD]}}});
        let mut requests = Map::new();
        requests.insert(ELICITATION_KEY.into(), request);
        return ToolOutput::input_required(requests, Some(key.seal(Purpose::ElicitationState, confirmation, now)));
    }
    let token = key.seal(Purpose::Token, confirmation, now);
    let output = CancelOrderOutput {
        order_number: order.number.clone(),
        status: CancelStatus::ConfirmationRequired,
        reason: reason.to_owned(),
        refund: total(order),
        confirmation_token: Some(token.clone()),
        confirmation_expires_at: Some(timestamp((now + TOKEN_TTL.as_secs()) as i64)),
        ..CancelOrderOutput::default()
    };
    let items = order.item_count;
    let body = format!(
        "Order #{} is **{}**: {} total, {items} item{}, placed {}. Nothing has been cancelled yet.\n{}\nconfirmation_token: {token}",
        order.number,
        order.status.as_str(),
        output.refund.display(),
        if items == 1 { "" } else { "s" },
        date(&order.created_at).unwrap_or("on an unknown date"),
        text(ctx.lang, "cancel-confirm-needed", &[arg("number", order.number.as_str()), arg("amount", amount)]),
    );
    ToolOutput::new(body, output)
}

/// The answer when the customer said no.
pub(super) fn declined(
    params: &CancelOrderParams,
    confirmation: &Confirmation,
    lang: Lang,
) -> ToolOutput<CancelOrderOutput> {
    let output = CancelOrderOutput {
        order_number: params.order_number.clone(),
        status: CancelStatus::NotCancelled,
        reason: params.reason.as_str().into(),
        refund: Money { amount_minor: confirmation.total_minor, currency: confirmation.currency.clone() },
        ..CancelOrderOutput::default()
    };
    ToolOutput::new(text(lang, "cancel-declined", &[arg("number", params.order_number.as_str())]), output)
}
