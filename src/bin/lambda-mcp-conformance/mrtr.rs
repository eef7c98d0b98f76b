//! Multi round-trip request fixtures (2026-07-28, SEP-2322): a tool that needs input from the
//! client answers `input_required` with keyed input requests (and, where the flow spans rounds, an
//! integrity-protected `requestState`); the client retries the call with `inputResponses` and the
//! state. Missing answers are asked for again; answers of the wrong shape and states that fail
//! verification are the JSON-RPC error -32602. A tool asks only for what the client declared: the
//! library refuses (-32021) a call that lacks a capability the tool requires, and the
//! capability-check fixture adapts to what was declared.

use lambda_mcp::engine::tools::{Annotations, CallContext, Tool, ToolError, ToolOutput, ToolRegistry};
use serde_json::{Map, Value, json};

use crate::content::{FIXTURE, NoArguments};
use crate::state;

type Outcome = Result<ToolOutput<()>, ToolError>;

/// What the client answered to one input request.
enum Answer<T> {
    /// No answer under that key (or an accepted form without the field): ask again.
    Missing,
    /// The user declined or cancelled the elicitation.
    Declined,
    Given(T),
}

impl<T> Answer<T> {
    fn is_missing(&self) -> bool {
        matches!(self, Answer::Missing)
    }
}

fn map(pairs: Vec<(&str, Value)>) -> Map<String, Value> {
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

/// Client capabilities `{name: {}}`, or none.
fn needs(names: &[&str]) -> Option<Map<String, Value>> {
    (!names.is_empty()).then(|| map(names.iter().map(|n| (*n, json!({}))).collect()))
}

fn elicit(message: &str, field: &str, kind: &str) -> Value {
    json!({"method": "elicitation/create", "params": {"mode": "form", "message": message, "requestedSchema": {
        "type": "object", "properties": {field: {"type": kind}}, "required": [field]
    }}})
}

fn sample(prompt: &str, max_tokens: u32) -> Value {
    json!({"method": "sampling/createMessage", "params": {
        "messages": [{"role": "user", "content": {"type": "text", "text": prompt}}], "maxTokens": max_tokens
    }})
}

fn list_roots() -> Value {
    json!({"method": "roots/list", "params": {}})
}

fn ask(requests: Vec<(&str, Value)>, state: Option<String>) -> Outcome {
    Ok(ToolOutput::input_required(map(requests), state))
}

fn done(text: impl Into<String>) -> Outcome {
    Ok(ToolOutput::new(text, ()))
}

/// The answer under `key`, which must be a result object when present.
fn response<'a>(ctx: &'a CallContext, key: &str) -> Result<Option<&'a Map<String, Value>>, ToolError> {
    match ctx.input_responses.as_ref().and_then(|r| r.get(key)) {
        None => Ok(None),
        Some(Value::Object(result)) => Ok(Some(result)),
        Some(_) => Err(ToolError::invalid_params(format!("Invalid params: `inputResponses.{key}` must be an object"))),
    }
}

/// An elicitation answer (`ElicitResult`): the accepted value of `field`.
fn elicited(ctx: &CallContext, key: &str, field: &str) -> Result<Answer<Value>, ToolError> {
    let Some(result) = response(ctx, key)? else { return Ok(Answer::Missing) };
    match result.get("action").and_then(Value::as_str) {
        Some("accept") => {
            Ok(result.get("content").and_then(|c| c.get(field)).cloned().map_or(Answer::Missing, Answer::Given))
        }
        Some("decline" | "cancel") => Ok(Answer::Declined),
        _ => Err(ToolError::invalid_params(format!(
            "Invalid params: `inputResponses.{key}.action` must be accept, decline or cancel"
        ))),
    }
}

/// A sampling answer (`CreateMessageResult`): its text.
fn sampled(ctx: &CallContext, key: &str) -> Result<Answer<String>, ToolError> {
    let Some(result) = response(ctx, key)? else { return Ok(Answer::Missing) };
    let blocks = match result.get("content") {
        Some(Value::Array(blocks)) => blocks.iter().collect(),
        Some(block @ Value::Object(_)) => vec![block],
        _ => {
            return Err(ToolError::invalid_params(format!(
                "Invalid params: `inputResponses.{key}.content` is missing"
            )));
        }
    };
    let text: Vec<&str> = blocks.iter().filter_map(|b| b.get("text").and_then(Value::as_str)).collect();
    Ok(Answer::Given(text.join(" ")))
}

/// A roots answer (`ListRootsResult`): the root URIs.
fn listed_roots(ctx: &CallContext, key: &str) -> Result<Answer<Vec<String>>, ToolError> {
    let Some(result) = response(ctx, key)? else { return Ok(Answer::Missing) };
    let Some(Value::Array(roots)) = result.get("roots") else {
        return Err(ToolError::invalid_params(format!(
            "Invalid params: `inputResponses.{key}.roots` must be an array"
        )));
    };
    Ok(Answer::Given(roots.iter().filter_map(|r| r.get("uri").and_then(Value::as_str).map(str::to_owned)).collect()))
}

fn shown(value: &Value) -> String {
    value.as_str().map_or_else(|| value.to_string(), str::to_owned)
}

fn greet(ctx: &CallContext, key: &str, message: &str) -> Outcome {
    match elicited(ctx, key, "name")? {
        Answer::Missing => ask(vec![(key, elicit(message, "name", "string"))], None),
        Answer::Declined => done("The user declined to give a name."),
        Answer::Given(name) => done(format!("Hello, {}!", shown(&name))),
    }
}

fixture!(
    Elicitation,
    "test_input_required_result_elicitation",
    "Asks the user's name, then greets them.",
    needs["elicitation"],
    |ctx| greet(ctx, "user_name", "What is your name?")
);

fixture!(
    StreamingElicitation,
    "test_streaming_elicitation",
    "Asks the user's name through an input_required result (never a request on a stream).",
    needs["elicitation"],
    |ctx| greet(ctx, "user_name", "What is your name?")
);

fixture!(
    Sampling,
    "test_input_required_result_sampling",
    "Asks the client's model a question.",
    needs["sampling"],
    |ctx| match sampled(ctx, "capital_question")? {
        Answer::Given(text) => done(format!("The model answered: {text}")),
        _ => ask(vec![("capital_question", sample("What is the capital of France?", 100))], None),
    }
);

fixture!(ListRoots, "test_input_required_result_list_roots", "Lists the client's roots.", needs["roots"], |ctx| {
    match listed_roots(ctx, "client_roots")? {
        Answer::Given(roots) => done(format!("The client has {} root(s): {}", roots.len(), roots.join(", "))),
        _ => ask(vec![("client_roots", list_roots())], None),
    }
});

/// One confirmation carried across a round by a verified state.
fn confirm(ctx: &CallContext, tool: &str) -> Outcome {
    let verified = state::open_optional(tool, ctx.request_state.as_deref())?;
    match (verified, elicited(ctx, "confirm", "ok")?) {
        (Some(_), Answer::Given(ok)) => {
            done(format!("state-ok: the request state verified; confirmed: {}", shown(&ok)))
        }
        (Some(_), Answer::Declined) => done("state-ok: the request state verified; the user declined."),
        _ => ask(
            vec![("confirm", elicit("Please confirm", "ok", "boolean"))],
            Some(state::seal(tool, json!({"round": 1}))),
        ),
    }
}

fixture!(
    RequestState,
    "test_input_required_result_request_state",
    "Asks for a confirmation and hands out a request state it verifies on the retry.",
    needs["elicitation"],
    |ctx| confirm(ctx, RequestState::NAME)
);

fixture!(
    TamperedState,
    "test_input_required_result_tampered_state",
    "Like test_input_required_result_request_state; a tampered state is refused with -32602.",
    needs["elicitation"],
    |ctx| confirm(ctx, TamperedState::NAME)
);

fixture!(MultipleInputs, "test_input_required_result_multiple_inputs",
"Asks for a name, a model's greeting and the client's roots at once.",
needs ["elicitation", "sampling", "roots"], |ctx| {
    let verified = state::open_optional(MultipleInputs::NAME, ctx.request_state.as_deref())?.is_some();
    let name = elicited(ctx, "user_name", "name")?;
    let greeting = sampled(ctx, "greeting")?;
    let roots = listed_roots(ctx, "client_roots")?;
    match (&name, &greeting, &roots) {
        (Answer::Given(name), Answer::Given(greeting), Answer::Given(roots)) if verified => {
            done(format!("{greeting} {} ({} root(s))", shown(name), roots.len()))
        }
        _ => {
            let mut requests = Vec::new();
            if !verified || name.is_missing() {
                requests.push(("user_name", elicit("What is your name?", "name", "string")));
            }
            if !verified || greeting.is_missing() {
                requests.push(("greeting", sample("Generate a greeting", 50)));
            }
            if !verified || roots.is_missing() {
                requests.push(("client_roots", list_roots()));
            }
            if requests.is_empty() {
                return done("The user declined to give a name.");
            }
            ask(requests, Some(state::seal(MultipleInputs::NAME, json!({}))))
        }
    }
});

fixture!(
    MultiRound,
    "test_input_required_result_multi_round",
    "Asks a name, then a favourite colour, carrying the first answer in the request state.",
    needs["elicitation"],
    |ctx| {
        let seal = |data: Value| Some(state::seal(MultiRound::NAME, data));
        let step1 = || elicit("Step 1: What is your name?", "name", "string");
        let step2 = || elicit("Step 2: What is your favorite color?", "color", "string");
        let data = state::open_optional(MultiRound::NAME, ctx.request_state.as_deref())?;
        match data.as_ref().and_then(|d| d["step"].as_u64()) {
            Some(1) => match elicited(ctx, "step1", "name")? {
                Answer::Given(name) => ask(vec![("step2", step2())], seal(json!({"step": 2, "name": name}))),
                Answer::Declined => done("The user stopped at step 1."),
                Answer::Missing => ask(vec![("step1", step1())], seal(json!({"step": 1}))),
            },
            Some(2) => {
                let name = data.as_ref().map(|d| shown(&d["name"])).unwrap_or_default();
                match elicited(ctx, "step2", "color")? {
                    Answer::Given(color) => done(format!("{name}'s favourite colour is {}.", shown(&color))),
                    Answer::Declined => done("The user stopped at step 2."),
                    Answer::Missing => ask(vec![("step2", step2())], data.map(|d| state::seal(MultiRound::NAME, d))),
                }
            }
            _ => ask(vec![("step1", step1())], seal(json!({"step": 1}))),
        }
    }
);

fixture!(Capabilities, "test_input_required_result_capabilities",
"Asks only for the kinds of input the client declared (elicitation, sampling, roots).",
needs [], |ctx| {
    let declared = |name: &str| ctx.client_capabilities.as_ref().is_some_and(|c| c.contains_key(name));
    let mut requests = Vec::new();
    let mut answers = Vec::new();
    if declared("elicitation") {
        match elicited(ctx, "user_name", "name")? {
            Answer::Missing => requests.push(("user_name", elicit("What is your name?", "name", "string"))),
            Answer::Declined => answers.push("no name".to_owned()),
            Answer::Given(name) => answers.push(format!("name {}", shown(&name))),
        }
    }
    if declared("sampling") {
        match sampled(ctx, "greeting")? {
            Answer::Given(text) => answers.push(format!("greeting {text:?}")),
            _ => requests.push(("greeting", sample("Generate a greeting", 50))),
        }
    }
    if declared("roots") {
        match listed_roots(ctx, "client_roots")? {
            Answer::Given(roots) => answers.push(format!("{} root(s)", roots.len())),
            _ => requests.push(("client_roots", list_roots())),
        }
    }
    match (requests.is_empty(), answers.is_empty()) {
        (false, _) => ask(requests, None),
        (true, true) => done("The client declared none of elicitation, sampling or roots: nothing to ask."),
        (true, false) => done(format!("Received: {}.", answers.join(", "))),
    }
});

pub fn register(tools: &mut ToolRegistry) {
    tools.register(Elicitation);
    tools.register(StreamingElicitation);
    tools.register(Sampling);
    tools.register(ListRoots);
    tools.register(RequestState);
    tools.register(TamperedState);
    tools.register(MultipleInputs);
    tools.register(MultiRound);
    tools.register(Capabilities);
}
