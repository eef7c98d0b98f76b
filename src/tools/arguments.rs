//! Validating tool arguments against the tool's input schema before it runs, and saying what is
//! wrong in words a model can act on: which field, and what is expected.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

use super::texts::{Arg, Lang, arg, text};

/// Compiles a tool's input schema (formats such as `email` are checked too).
pub fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options().should_validate_formats(true).build(schema).map_err(|e| e.to_string())
}

/// Checks `arguments`; on failure, one plain-language sentence per problem (at most five), in
/// `lang`.
pub fn check(validator: &Validator, schema: &Value, arguments: &Value, lang: Lang) -> Result<(), String> {
    let problems: Vec<String> = validator.iter_errors(arguments).take(5).map(|e| explain(&e, schema, lang)).collect();
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

/// Unknown argument names listed in one message; past that, only how many more there are.
const UNKNOWN_LISTED: usize = 10;

fn explain(error: &ValidationError<'_>, schema: &Value, lang: Lang) -> String {
    let path = error.instance_path().to_string();
    let field = path.trim_start_matches('/').split('/').next().unwrap_or_default().to_owned();
    let description = |name: &str| schema["properties"][name]["description"].as_str().unwrap_or_default().to_owned();
    let say = |id: &str, extra: Vec<Arg<'_>>| {
        let mut args = vec![arg("field", field.clone())];
        args.extend(extra);
        text(lang, id, &args)
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default().to_owned();
            text(lang, "arg-required", &[arg("field", name.clone()), arg("description", description(&name))])
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = schema["properties"]
                .as_object()
                .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            let mut names: Vec<String> =
                unexpected.iter().take(UNKNOWN_LISTED).map(|u| format!("`{}`", shorten(u))).collect();
            if unexpected.len() > UNKNOWN_LISTED {
                names.push(format!("… (+{})", unexpected.len() - UNKNOWN_LISTED));
            }
            text(lang, "arg-unknown", &[arg("names", names.join(", ")), arg("allowed", allowed.join(", "))])
        }
        ValidationErrorKind::Type { .. } if field.is_empty() => text(lang, "arg-not-object", &[]),
        ValidationErrorKind::Type { kind } => say("arg-type", vec![arg("expected", type_name(kind))]),
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options.as_array().into_iter().flatten().map(|o| o.to_string()).collect();
            say("arg-enum", vec![arg("options", list.join(", "))])
        }
        ValidationErrorKind::Pattern { .. } => say("arg-pattern", vec![arg("description", description(&field))]),
        ValidationErrorKind::Format { format } if format == "email" => say("arg-email", vec![]),
        ValidationErrorKind::Minimum { limit } => say("arg-minimum", vec![arg("limit", limit.to_string())]),
        ValidationErrorKind::Maximum { limit } => say("arg-maximum", vec![arg("limit", limit.to_string())]),
        ValidationErrorKind::MinLength { limit } => say("arg-min-length", vec![arg("limit", limit.to_string())]),
        ValidationErrorKind::MaxLength { limit } => say("arg-max-length", vec![arg("limit", limit.to_string())]),
        _ => say("arg-invalid", vec![]),
    }
}

/// The JSON type a schema expects, as the message selector knows it.
fn type_name(kind: &TypeKind) -> String {
    let first = match kind {
        TypeKind::Single(t) => Some(*t),
        TypeKind::Multiple(set) => set.iter().next(),
    };
    first.map(|t| t.to_string()).unwrap_or_else(|| "object".into())
}

fn shorten(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if cleaned.len() < text.len() { format!("{cleaned}…") } else { cleaned }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "order_number": {"type": "string", "pattern": "^[0-9]{6,10}$", "description": "Order number, 6 to 10 digits"},
                "email": {"type": "string", "format": "email", "description": "Customer email"},
                "limit": {"type": "integer", "minimum": 1, "maximum": 20, "description": "How many"},
                "status": {"type": "string", "enum": ["pending", "shipped"], "description": "Status"}
            },
            "required": ["order_number"],
            "additionalProperties": false
        })
    }

    fn problems(args: Value) -> String {
        let s = schema();
        check(&compile(&s).unwrap(), &s, &args, Lang::En).unwrap_err()
    }

    #[test]
    fn valid_arguments_pass() {
        let s = schema();
        assert_eq!(check(&compile(&s).unwrap(), &s, &json!({"order_number": "1000001", "limit": 3}), Lang::En), Ok(()));
    }

    #[test]
    fn a_missing_field_is_named_with_its_description() {
        let text = problems(json!({}));
        assert!(text.contains("`order_number` is required (Order number, 6 to 10 digits)"), "{text}");
        assert!(text.contains("call the tool again"), "{text}");
    }

    #[test]
    fn each_kind_of_mistake_is_explained_in_words() {
        assert!(problems(json!({"order_number": "12ab"})).contains("`order_number` is not in the expected format"));
        assert!(problems(json!({"order_number": 1000001})).contains("`order_number` must be a string"));
        assert!(problems(json!({"order_number": "1000001", "limit": 50})).contains("`limit` must be at most 20"));
        assert!(problems(json!({"order_number": "1000001", "limit": 1.5})).contains("`limit` must be a whole number"));
        assert!(problems(json!({"order_number": "1000001", "email": "nope"})).contains("valid email address"));
        assert!(
            problems(json!({"order_number": "1000001", "status": "lost"})).contains("one of \"pending\", \"shipped\"")
        );
        assert!(problems(json!({"order_number": "1000001", "query": "x"})).contains("Unknown argument `query`"));
        assert!(problems(json!([1])).contains("must be a JSON object"));
    }

    #[test]
    fn whole_floats_become_integers_and_other_numbers_stay() {
        let read = |v: Value| whole_floats_as_integers(v);
        assert_eq!(read(json!({"limit": 5.0, "n": [1e1, -0.0]})), json!({"limit": 5, "n": [10, 0]}));
        assert!(read(json!(1.5)).is_f64());
        assert!(read(json!(1e300)).is_f64(), "beyond u64 stays a float");
        assert_eq!(read(json!(1.8e19)), json!(18_000_000_000_000_000_000u64));
        assert_eq!(read(json!("5.0")), json!("5.0"));
    }

    #[test]
    fn a_flood_of_unknown_arguments_is_summarised() {
        let s = schema();
        let mut args = serde_json::Map::new();
        args.insert("order_number".into(), json!("1000001"));
        for i in 0..1000 {
            args.insert(format!("k{i}"), json!(0));
        }
        let text = check(&compile(&s).unwrap(), &s, &Value::Object(args), Lang::En).unwrap_err();
        assert!(text.contains("… (+990)"), "{text}");
        assert!(text.len() < 1000, "{text}");
    }

    #[test]
    fn problems_are_explained_in_the_conversations_language() {
        let s = schema();
        let text = check(&compile(&s).unwrap(), &s, &json!({}), Lang::Es).unwrap_err();
        assert!(text.contains("`order_number`"), "{text}");
        assert_ne!(text, problems(json!({})), "not the English text");
    }
}
