//! Validating tool arguments against the tool's input schema before it runs, and saying what is
//! wrong in words a model can act on: which field, and what is expected.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{ValidationError, Validator};
use serde_json::Value;

/// Compiles a tool's input schema (formats such as `email` are checked too).
pub fn compile(schema: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .should_validate_formats(true)
        .build(schema)
        .map_err(|e| e.to_string())
}

/// Checks `arguments`; on failure, one plain-language sentence per problem (at most five).
pub fn check(validator: &Validator, schema: &Value, arguments: &Value) -> Result<(), String> {
    let problems: Vec<String> = validator
        .iter_errors(arguments)
        .take(5)
        .map(|e| explain(&e, schema))
        .collect();
    if problems.is_empty() {
        return Ok(());
    }
    Err(format!(
        "The arguments are not valid, so nothing was done. {} Fix the arguments and call the tool again.",
        problems.join(" ")
    ))
}

fn explain(error: &ValidationError<'_>, schema: &Value) -> String {
    let path = error.instance_path().to_string();
    let field = path
        .trim_start_matches('/')
        .split('/')
        .next()
        .unwrap_or_default()
        .to_owned();
    let describe = |name: &str| {
        schema["properties"][name]["description"]
            .as_str()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default()
    };
    match error.kind() {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            format!("`{name}` is required{}.", describe(name))
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let allowed: Vec<String> = schema["properties"]
                .as_object()
                .map(|p| p.keys().map(|k| format!("`{k}`")).collect())
                .unwrap_or_default();
            let names: Vec<String> = unexpected
                .iter()
                .map(|u| format!("`{}`", shorten(u)))
                .collect();
            format!(
                "Unknown argument {}; the arguments are {}.",
                names.join(", "),
                allowed.join(", ")
            )
        }
        ValidationErrorKind::Type { kind } if field.is_empty() => {
            let _ = kind;
            "The arguments must be a JSON object of named fields.".to_owned()
        }
        ValidationErrorKind::Type { kind } => {
            format!("`{field}` must be {}{}.", type_name(kind), describe(&field))
        }
        ValidationErrorKind::Enum { options } => {
            let list: Vec<String> = options
                .as_array()
                .into_iter()
                .flatten()
                .map(|o| o.to_string())
                .collect();
            format!("`{field}` must be one of {}.", list.join(", "))
        }
        ValidationErrorKind::Pattern { .. } => format!(
            "`{field}` is not in the expected format{}.",
            describe(&field)
        ),
        ValidationErrorKind::Format { format } if format == "email" => {
            format!("`{field}` must be a valid email address, like jane@example.com.")
        }
        ValidationErrorKind::Minimum { limit } => format!("`{field}` must be at least {limit}."),
        ValidationErrorKind::Maximum { limit } => format!("`{field}` must be at most {limit}."),
        ValidationErrorKind::MinLength { limit } => {
            format!("`{field}` must be at least {limit} characters long.")
        }
        ValidationErrorKind::MaxLength { limit } => {
            format!("`{field}` must be at most {limit} characters long.")
        }
        _ => format!("`{field}` is not valid{}.", describe(&field)),
    }
}

fn type_name(kind: &TypeKind) -> String {
    let one = |t: &jsonschema::JsonType| match t.to_string().as_str() {
        "integer" => "a whole number".to_owned(),
        "number" => "a number".to_owned(),
        "string" => "a string".to_owned(),
        "boolean" => "true or false".to_owned(),
        "object" => "an object".to_owned(),
        "array" => "a list".to_owned(),
        other => other.to_owned(),
    };
    match kind {
        TypeKind::Single(t) => one(t),
        TypeKind::Multiple(set) => set.iter().map(|t| one(&t)).collect::<Vec<_>>().join(" or "),
    }
}

fn shorten(text: &str) -> String {
    let cleaned: String = text.chars().filter(|c| !c.is_control()).take(40).collect();
    if cleaned.len() < text.len() {
        format!("{cleaned}…")
    } else {
        cleaned
    }
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
        check(&compile(&s).unwrap(), &s, &args).unwrap_err()
    }

    #[test]
    fn valid_arguments_pass() {
        let s = schema();
        assert_eq!(
            check(
                &compile(&s).unwrap(),
                &s,
                &json!({"order_number": "1000001", "limit": 3})
            ),
            Ok(())
        );
    }

    #[test]
    fn a_missing_field_is_named_with_its_description() {
        let text = problems(json!({}));
        assert!(
            text.contains("`order_number` is required (Order number, 6 to 10 digits)"),
            "{text}"
        );
        assert!(text.contains("call the tool again"), "{text}");
    }

    #[test]
    fn each_kind_of_mistake_is_explained_in_words() {
        assert!(
            problems(json!({"order_number": "12ab"}))
                .contains("`order_number` is not in the expected format")
        );
        assert!(
            problems(json!({"order_number": 1000001})).contains("`order_number` must be a string")
        );
        assert!(
            problems(json!({"order_number": "1000001", "limit": 50}))
                .contains("`limit` must be at most 20")
        );
        assert!(
            problems(json!({"order_number": "1000001", "limit": 1.5}))
                .contains("`limit` must be a whole number")
        );
        assert!(
            problems(json!({"order_number": "1000001", "email": "nope"}))
                .contains("valid email address")
        );
        assert!(
            problems(json!({"order_number": "1000001", "status": "lost"}))
                .contains("one of \"pending\", \"shipped\"")
        );
        assert!(
            problems(json!({"order_number": "1000001", "query": "x"}))
                .contains("Unknown argument `query`")
        );
        assert!(problems(json!([1])).contains("must be a JSON object"));
    }
}
