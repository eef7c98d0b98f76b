//! JSON Schemas for tool inputs and outputs: 2020-12, flat (no `$ref`), without internal type
//! names, and with optional fields shown as plain optional fields rather than nullable ones.

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde_json::Value;

/// The schema of `T` as MCP wants it in `inputSchema` / `outputSchema`.
pub fn schema_for<T: JsonSchema>() -> Value {
    let generator = SchemaSettings::draft2020_12().with(|s| s.inline_subschemas = true).into_generator();
    let mut value = generator.into_root_schema_for::<T>().to_value();
    if let Value::Object(root) = &mut value {
        root.remove("$schema");
        root.remove("title");
    }
    strip_null(&mut value);
    value
}

/// The JSON Schema 2020-12 formats kept in published schemas.
const STANDARD_FORMATS: [&str; 7] = ["email", "date-time", "date", "time", "uri", "uuid", "hostname"];

/// Removes the `null` alternative schemars adds to `Option<T>`: an absent field is how this
/// server spells "not given", and models handle a plain optional field better than a nullable one.
fn strip_null(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(types)) = map.get_mut("type") {
                types.retain(|t| t != "null");
                if types.len() == 1 {
                    let only = types.remove(0);
                    map.insert("type".into(), only);
                }
            }
            // schemars marks integer widths (`uint32`, `int64`, ...) as formats no client knows.
            if map.get("format").and_then(Value::as_str).is_some_and(|f| !STANDARD_FORMATS.contains(&f)) {
                map.remove("format");
            }
            if let Some(Value::Array(options)) = map.get_mut("enum") {
                options.retain(|o| !o.is_null());
            }
            if let Some(Value::Array(any)) = map.get_mut("anyOf") {
                any.retain(|s| s.get("type").and_then(Value::as_str) != Some("null"));
                if any.len() == 1 {
                    let Value::Object(inner) = any.remove(0) else {
                        return;
                    };
                    map.remove("anyOf");
                    for (k, v) in inner {
                        map.entry(k).or_insert(v);
                    }
                }
            }
            map.values_mut().for_each(strip_null);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_null),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::json;

    #[derive(Deserialize, JsonSchema)]
    #[serde(rename_all = "snake_case")]
    #[allow(dead_code)]
    enum Colour {
        Red,
        Blue,
    }

    /// Internal doc that must not leak as a title.
    #[derive(Deserialize, JsonSchema)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Params {
        /// The name.
        name: String,
        /// An optional colour.
        colour: Option<Colour>,
        /// An optional count.
        count: Option<u32>,
    }

    #[test]
    fn optional_fields_are_plain_and_enums_inline() {
        let schema = schema_for::<Params>();
        assert_eq!(schema["type"], "object");
        assert!(schema.get("title").is_none() && schema.get("$schema").is_none() && schema.get("$defs").is_none());
        assert_eq!(schema["properties"]["colour"]["enum"], json!(["red", "blue"]));
        assert_eq!(schema["properties"]["colour"]["description"], "An optional colour.");
        assert_eq!(schema["properties"]["count"]["type"], "integer");
        assert_eq!(schema["required"], json!(["name"]));
        assert_eq!(schema["additionalProperties"], json!(false));
        assert!(!schema.to_string().contains("null"), "{schema}");
        assert!(schema["properties"]["count"].get("format").is_none(), "no integer-width formats: {schema}");
    }
}
