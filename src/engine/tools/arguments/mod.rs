//! Validating tool arguments against the tool's input schema before it runs, and saying what is
//! wrong in words a model can act on: which field, and what is expected.
//!
//! A small validator of our own rather than a general JSON Schema library (which made up almost
//! a quarter of the deployment zip): [`compile()`] understands the keywords tool schemas use and
//! refuses any other validation keyword by name, so a schema it cannot check fails the test
//! suite (`every_tool_schema_compiles`), never a call.
//!
//! - [`compile`](mod@compile): the schema into a tree of checks; the supported keywords.
//! - [`validate`]: a value against that tree, problems in a fixed order.
//! - [`email`]: the `email` format. [`values`]: numbers and values compared as JSON Schema does.

mod compile;
mod email;
mod validate;
mod values;

use serde_json::Value;

pub use compile::{CompiledSchema, compile};
use validate::{Kind, Problem};

use super::texts::{Arg, Lang, arg, text};

/// Problems described in one answer; the first ones, in checking order.
const PROBLEMS_SHOWN: usize = 5;

/// Unknown argument names listed in one message; past that, only how many more there are.
const UNKNOWN_LISTED: usize = 10;

/// Checks `arguments`; on failure, one plain-language sentence per problem (at most five), in
/// `lang`.
pub fn check(schema: &CompiledSchema, arguments: &Value, lang: Lang) -> Result<(), String> {
    let problems: Vec<String> = validate::problems(schema, arguments, PROBLEMS_SHOWN, UNKNOWN_LISTED)
        .iter()
        .map(|problem| explain(problem, lang))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(text(lang, "args-invalid", &[arg("problems", problems.join(" "))]))
}

/// JSON Schema counts `5.0` as an integer, so the validator lets it through where serde would
/// refuse it (without naming the field): whole floats within range become integers before the
/// arguments are read into the tool's params type.
pub fn whole_floats_as_integers(value: Value) -> Value {
    match value {
        Value::Number(n) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(f64::NAN);
            // `i64::MAX as f64` and `u64::MAX as f64` round up to 2^63 and 2^64: both excluded.
            if f.fract() != 0.0 {
                Value::Number(n)
            } else if f >= i64::MIN as f64 && f < i64::MAX as f64 {
                Value::from(f as i64)
            } else if f >= 0.0 && f < u64::MAX as f64 {
                Value::from(f as u64)
            } else {
                Value::Number(n)
            }
        }
        Value::Array(items) => Value::Array(items.into_iter().map(whole_floats_as_integers).collect()),
        Value::Object(map) => Value::Object(map.into_iter().map(|(k, v)| (k, whole_floats_as_integers(v))).collect()),
        other => other,
    }
}

/// One problem as a sentence.
fn explain(problem: &Problem<'_>, lang: Lang) -> String {
    let say = |id: &str, extra: Vec<Arg<'_>>| {
        let mut args = vec![arg("field", problem.field.as_str())];
        args.extend(extra);
        text(lang, id, &args)
    };
    match &problem.kind {
        Kind::Required { name, description } => {
            text(lang, "arg-required", &[arg("field", *name), arg("description", *description)])
        }
        Kind::Unknown { listed, count, allowed } => {
            let mut names: Vec<String> = listed.iter().map(|name| format!("`{}`", shorten(name))).collect();
            if *count > listed.len() {
                names.push(format!("… (+{})", count - listed.len()));
            }
            text(lang, "arg-unknown", &[arg("names", names.join(", ")), arg("allowed", *allowed)])
        }
        Kind::Type { .. } if problem.whole => text(lang, "arg-not-object", &[]),
        Kind::Type { expected } => say("arg-type", vec![arg("expected", *expected)]),
        Kind::Enum { options } => say("arg-enum", vec![arg("options", *options)]),
        Kind::Pattern { description } => say("arg-pattern", vec![arg("description", *description)]),
        Kind::Email => say("arg-email", vec![]),
        Kind::Minimum(limit) => say("arg-minimum", vec![arg("limit", limit.to_string())]),
        Kind::Maximum(limit) => say("arg-maximum", vec![arg("limit", limit.to_string())]),
        Kind::MinLength(limit) => say("arg-min-length", vec![arg("limit", limit.to_string())]),
        Kind::MaxLength(limit) => say("arg-max-length", vec![arg("limit", limit.to_string())]),
        Kind::Invalid => say("arg-invalid", vec![]),
    }
}

/// A name as a message may quote it: no control characters, at most 40 characters.
fn shorten(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if cleaned.len() < text.len() { format!("{cleaned}…") } else { cleaned }
}

#[cfg(test)]
mod tests;
