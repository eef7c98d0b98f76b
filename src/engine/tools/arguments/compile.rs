//! Compiling an input schema (JSON Schema 2020-12) into a tree of checks, once per tool. Every
//! keyword is either understood, an annotation, or refused with a message naming it: a schema
//! that uses a validation keyword this module does not know fails the test suite, not a call.

use std::collections::{BTreeMap, HashMap};

use regex_lite::Regex;
use serde_json::{Map, Number, Value};

/// How deeply subschemas may nest (references followed included) before compiling gives up.
const MAX_SCHEMA_DEPTH: usize = 64;

/// The only dialect understood; a schema naming another in `$schema` is refused.
const DIALECT: &str = "https://json-schema.org/draft/2020-12/schema";

/// Keywords that carry no assertion here: read by people and clients, ignored when checking.
/// `format` is an assertion only for `email` (see [`Checks::email`]).
const ANNOTATIONS: [&str; 14] = [
    "$anchor",
    "$comment",
    "$defs",
    "$dynamicAnchor",
    "$schema",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "default",
    "deprecated",
    "description",
    "examples",
    "readOnly",
    "title",
];

/// A compiled input schema: its subschemas, the root first, referring to each other by index so
/// that recursive `$ref`s compile once.
#[derive(Debug)]
pub struct CompiledSchema {
    pub(super) nodes: Vec<Node>,
}

/// Index of a subschema in [`CompiledSchema::nodes`].
pub(super) type NodeId = usize;

/// One subschema.
#[derive(Debug)]
pub(super) enum Node {
    /// `true` (or `{}`): anything goes.
    Anything,
    /// `false`: nothing does.
    Nothing,
    Checks(Box<Checks>),
}

/// The JSON types a value may have (`type`), as bits in the order JSON Schema validators list
/// them: the first expected type named in a message is the lowest bit set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Types(u8);

impl Types {
    pub const NULL: Types = Types(1);
    pub const BOOLEAN: Types = Types(1 << 1);
    pub const INTEGER: Types = Types(1 << 2);
    pub const NUMBER: Types = Types(1 << 3);
    pub const STRING: Types = Types(1 << 4);
    pub const ARRAY: Types = Types(1 << 5);
    pub const OBJECT: Types = Types(1 << 6);
    const NAMES: [&'static str; 7] = ["null", "boolean", "integer", "number", "string", "array", "object"];

    fn named(name: &str) -> Option<Types> {
        Self::NAMES.iter().position(|n| *n == name).map(|bit| Types(1 << bit))
    }

    /// Both sets together.
    pub fn with(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    /// True when the two sets share a type.
    pub fn overlaps(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    /// The type a message names: the first one, `null` only when nothing else is allowed (a
    /// nullable field wants its value, not null).
    pub fn expected(self) -> &'static str {
        let without_null = if self.0 & !Self::NULL.0 != 0 { self.0 & !Self::NULL.0 } else { self.0 };
        Self::NAMES.get(without_null.trailing_zeros() as usize).copied().unwrap_or("object")
    }
}

/// A declared property: its schema and its `description` (quoted in messages about it).
#[derive(Debug)]
pub(super) struct Property {
    pub node: NodeId,
    pub description: String,
}

/// What `additionalProperties` says about names outside `properties`.
#[derive(Debug, Default)]
pub(super) enum Extra {
    #[default]
    Allowed,
    /// `false`: refused; `allowed` lists the declared names for the message.
    Refused {
        allowed: String,
    },
    Schema(NodeId),
}

/// The assertions of one subschema, each `None`/empty when the keyword is absent.
#[derive(Debug, Default)]
pub(super) struct Checks {
    pub types: Option<Types>,
    pub constant: Option<Value>,
    /// `enum`: the values, and the list as a message shows it.
    pub options: Option<(Vec<Value>, String)>,
    pub minimum: Option<Number>,
    pub maximum: Option<Number>,
    pub exclusive_minimum: Option<Number>,
    pub exclusive_maximum: Option<Number>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    /// `required`: each name with the description of the property it names.
    pub required: Vec<(String, String)>,
    pub pattern: Option<Regex>,
    /// `format: email`; other formats are annotations.
    pub email: bool,
    pub unique_items: bool,
    pub properties: BTreeMap<String, Property>,
    pub extra: Extra,
    pub prefix_items: Vec<NodeId>,
    pub items: Option<NodeId>,
    pub all_of: Vec<NodeId>,
    pub any_of: Vec<NodeId>,
    pub one_of: Vec<NodeId>,
    pub not: Option<NodeId>,
    pub condition: Option<NodeId>,
    pub then: Option<NodeId>,
    pub otherwise: Option<NodeId>,
    pub reference: Option<NodeId>,
    /// This subschema's own `description`, for a `pattern` met outside any property.
    pub description: String,
}

/// Compiles `schema`; the error names the keyword and where it is (`#/properties/email`).
pub fn compile(schema: &Value) -> Result<CompiledSchema, String> {
    let mut compiler = Compiler { root: schema, nodes: Vec::new(), at: HashMap::new() };
    compiler.node(schema, String::new(), 0)?;
    Ok(CompiledSchema { nodes: compiler.nodes })
}

struct Compiler<'s> {
    root: &'s Value,
    nodes: Vec<Node>,
    /// Subschemas compiled so far, by JSON pointer from the root: a `$ref` to one reuses it.
    at: HashMap<String, NodeId>,
}

impl<'s> Compiler<'s> {
    fn node(&mut self, schema: &'s Value, pointer: String, depth: usize) -> Result<NodeId, String> {
        if let Some(&id) = self.at.get(&pointer) {
            return Ok(id);
        }
        if depth > MAX_SCHEMA_DEPTH {
            return Err(format!("#{pointer}: subschemas nest more than {MAX_SCHEMA_DEPTH} deep"));
        }
        let id = self.nodes.len();
        self.nodes.push(Node::Anything);
        self.at.insert(pointer.clone(), id);
        self.nodes[id] = match schema {
            Value::Bool(true) => Node::Anything,
            Value::Bool(false) => Node::Nothing,
            Value::Object(map) => Node::Checks(Box::new(self.checks(map, &pointer, depth)?)),
            _ => return Err(format!("#{pointer}: a schema must be an object or a boolean")),
        };
        Ok(id)
    }

    fn child(&mut self, schema: &'s Value, pointer: &str, key: &str, depth: usize) -> Result<NodeId, String> {
        self.node(schema, format!("{pointer}/{}", escape(key)), depth + 1)
    }

    fn list(&mut self, schemas: &'s Value, pointer: &str, depth: usize) -> Result<Vec<NodeId>, String> {
        let Some(items) = schemas.as_array().filter(|a| !a.is_empty()) else {
            return Err(format!("#{pointer}: expected a non-empty array of schemas"));
        };
        items.iter().enumerate().map(|(i, s)| self.child(s, pointer, &i.to_string(), depth)).collect()
    }

    fn checks(&mut self, map: &'s Map<String, Value>, pointer: &str, depth: usize) -> Result<Checks, String> {
        let mut checks = Checks::default();
        for (keyword, value) in map {
            let at = format!("{pointer}/{}", escape(keyword));
            let bad = |what: &str| format!("#{at}: expected {what}");
            match keyword.as_str() {
                "type" => checks.types = Some(types(value).ok_or_else(|| bad("a type name or a list of them"))?),
                "const" => checks.constant = Some(value.clone()),
                "enum" => {
                    let options = value.as_array().ok_or_else(|| bad("an array"))?;
                    let shown: Vec<String> = options.iter().map(Value::to_string).collect();
                    checks.options = Some((options.clone(), shown.join(", ")));
                }
                "minimum" => checks.minimum = Some(number(value).ok_or_else(|| bad("a number"))?),
                "maximum" => checks.maximum = Some(number(value).ok_or_else(|| bad("a number"))?),
                "exclusiveMinimum" => checks.exclusive_minimum = Some(number(value).ok_or_else(|| bad("a number"))?),
                "exclusiveMaximum" => checks.exclusive_maximum = Some(number(value).ok_or_else(|| bad("a number"))?),
                "minLength" => checks.min_length = Some(count(value).ok_or_else(|| bad("a non-negative integer"))?),
                "maxLength" => checks.max_length = Some(count(value).ok_or_else(|| bad("a non-negative integer"))?),
                "minItems" => checks.min_items = Some(count(value).ok_or_else(|| bad("a non-negative integer"))?),
                "maxItems" => checks.max_items = Some(count(value).ok_or_else(|| bad("a non-negative integer"))?),
                "uniqueItems" => checks.unique_items = value.as_bool().ok_or_else(|| bad("true or false"))?,
                "required" => {
                    let names = value.as_array().ok_or_else(|| bad("an array of names"))?;
                    for name in names {
                        let name = name.as_str().ok_or_else(|| bad("an array of names"))?;
                        let description = description(map.get("properties").and_then(|p| p.get(name)))
                            .or_else(|| description(self.root.get("properties").and_then(|p| p.get(name))));
                        checks.required.push((name.to_owned(), description.unwrap_or_default()));
                    }
                }
                "pattern" => {
                    let pattern = value.as_str().ok_or_else(|| bad("a regular expression"))?;
                    let regex = Regex::new(pattern).map_err(|e| format!("#{at}: `{pattern}` does not compile: {e}"))?;
                    checks.pattern = Some(regex);
                }
                "format" => checks.email = value.as_str().ok_or_else(|| bad("a format name"))? == "email",
                "properties" => {
                    let properties = value.as_object().ok_or_else(|| bad("an object of schemas"))?;
                    for (name, schema) in properties {
                        let node = self.child(schema, &at, name, depth)?;
                        let description = description(Some(schema)).unwrap_or_default();
                        checks.properties.insert(name.clone(), Property { node, description });
                    }
                }
                "additionalProperties" => {
                    checks.extra = match value {
                        Value::Bool(true) => Extra::Allowed,
                        Value::Bool(false) => Extra::Refused { allowed: String::new() },
                        _ => Extra::Schema(self.node(value, at, depth + 1)?),
                    }
                }
                "items" if value.is_array() => return Err(bad("one schema (use `prefixItems` for tuples)")),
                "items" => checks.items = Some(self.node(value, at, depth + 1)?),
                "prefixItems" => checks.prefix_items = self.list(value, &at, depth)?,
                "allOf" => checks.all_of = self.list(value, &at, depth)?,
                "anyOf" => checks.any_of = self.list(value, &at, depth)?,
                "oneOf" => checks.one_of = self.list(value, &at, depth)?,
                "not" => checks.not = Some(self.node(value, at, depth + 1)?),
                "if" => checks.condition = Some(self.node(value, at, depth + 1)?),
                "then" => checks.then = Some(self.node(value, at, depth + 1)?),
                "else" => checks.otherwise = Some(self.node(value, at, depth + 1)?),
                "$ref" => checks.reference = Some(self.reference(value, &at, depth)?),
                "$schema" if value.as_str().is_some_and(|d| d.trim_end_matches('#') != DIALECT) => {
                    return Err(format!("#{at}: only JSON Schema 2020-12 (`{DIALECT}`) is understood"));
                }
                "$id" if !pointer.is_empty() => {
                    return Err(format!("#{at}: `$id` inside a schema (a new base for `$ref`s) is not supported"));
                }
                "$id" => {}
                "description" => checks.description = value.as_str().unwrap_or_default().to_owned(),
                other if ANNOTATIONS.contains(&other) || other.starts_with("x-") => {}
                other => {
                    return Err(format!(
                        "#{at}: the keyword `{other}` is not supported by the argument validator \
                         (src/tools/arguments): use the supported keywords or add it there"
                    ));
                }
            }
        }
        if let Extra::Refused { allowed } = &mut checks.extra {
            let names: Vec<String> = checks.properties.keys().map(|k| format!("`{k}`")).collect();
            *allowed = names.join(", ");
        }
        if checks.condition.is_none() {
            // Without `if`, `then` and `else` are ignored (they were compiled to check them).
            (checks.then, checks.otherwise) = (None, None);
        }
        Ok(checks)
    }

    /// A `$ref` within this schema: `#` or `#/json/pointer` (to `$defs` usually).
    fn reference(&mut self, value: &'s Value, at: &str, depth: usize) -> Result<NodeId, String> {
        let target = value.as_str().unwrap_or_default();
        let Some(pointer) = target.strip_prefix('#').filter(|p| p.is_empty() || p.starts_with('/')) else {
            return Err(format!(
                "#{at}: only references within the schema (`#/$defs/...`) are supported, not `{target}`"
            ));
        };
        let Some(schema) = self.root.pointer(pointer) else {
            return Err(format!("#{at}: `{target}` points at nothing"));
        };
        self.node(schema, pointer.to_owned(), depth + 1)
    }
}

/// A JSON pointer token for `key`.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

fn description(schema: Option<&Value>) -> Option<String> {
    schema?.get("description")?.as_str().map(str::to_owned)
}

fn types(value: &Value) -> Option<Types> {
    match value {
        Value::String(name) => Types::named(name),
        Value::Array(names) if !names.is_empty() => {
            names.iter().try_fold(Types(0), |all, name| name.as_str().and_then(Types::named).map(|t| all.with(t)))
        }
        _ => None,
    }
}

fn number(value: &Value) -> Option<Number> {
    value.as_number().cloned()
}

/// A count such as `minLength`: a non-negative integer (`5.0` included, as JSON Schema allows).
fn count(value: &Value) -> Option<u64> {
    value.as_u64().or_else(|| value.as_f64().filter(|f| *f >= 0.0 && f.fract() == 0.0 && *f < 1e19).map(|f| f as u64))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn refused(schema: Value) -> String {
        compile(&schema).expect_err("does not compile")
    }

    #[test]
    fn an_unsupported_keyword_is_named_with_its_place() {
        let error = refused(json!({"properties": {"tags": {"type": "array", "contains": {"type": "string"}}}}));
        assert!(error.contains("`contains`") && error.contains("#/properties/tags/contains"), "{error}");
        assert!(refused(json!({"patternProperties": {}})).contains("`patternProperties`"));
        assert!(refused(json!({"minLenght": 3})).contains("`minLenght`"), "typos are refused too");
    }

    #[test]
    fn annotations_and_extensions_are_ignored() {
        let schema = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema", "$id": "urn:x", "title": "T",
            "description": "D", "$comment": "c", "default": {}, "examples": [{}], "deprecated": false,
            "readOnly": false, "format": "uuid", "x-mcp-header": "Region", "$defs": {"unused": {"bogus": 1}}
        });
        assert!(compile(&schema).is_ok());
    }

    #[test]
    fn malformed_keyword_values_are_refused() {
        assert!(refused(json!({"type": "text"})).contains("#/type"));
        assert!(refused(json!({"type": []})).contains("#/type"));
        assert!(refused(json!({"minimum": "1"})).contains("#/minimum"));
        assert!(refused(json!({"maxLength": -1})).contains("#/maxLength"));
        assert!(refused(json!({"required": [1]})).contains("#/required"));
        assert!(refused(json!({"pattern": "("})).contains("does not compile"));
        assert!(refused(json!({"anyOf": []})).contains("#/anyOf"));
        assert!(refused(json!({"items": [{"type": "string"}]})).contains("prefixItems"));
        assert!(refused(json!({"properties": {"a": 5}})).contains("#/properties/a"));
    }

    #[test]
    fn references_stay_inside_the_schema() {
        assert!(refused(json!({"$ref": "https://example.com/s.json"})).contains("within the schema"));
        assert!(refused(json!({"$ref": "#addressDef"})).contains("within the schema"));
        assert!(refused(json!({"$ref": "#/$defs/missing"})).contains("points at nothing"));
        assert!(refused(json!({"properties": {"a": {"$id": "urn:a"}}})).contains("`$id`"));
        assert!(refused(json!({"$schema": "http://json-schema.org/draft-07/schema#"})).contains("2020-12"));
    }

    #[test]
    fn recursive_references_compile_once() {
        let schema = json!({"$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}}}},
            "$ref": "#/$defs/node"});
        let compiled = compile(&schema).unwrap();
        assert_eq!(compiled.nodes.len(), 3, "root, node, next");
        assert!(compile(&json!({"properties": {"again": {"$ref": "#"}}})).is_ok());
    }

    #[test]
    fn absurdly_deep_schemas_are_refused() {
        let mut schema = json!({"type": "string"});
        for _ in 0..100 {
            schema = json!({"properties": {"a": schema}});
        }
        assert!(refused(schema).contains("nest more than 64"));
    }

    #[test]
    fn the_expected_type_is_the_first_but_not_null() {
        assert_eq!(types(&json!(["null", "string"])).unwrap().expected(), "string");
        assert_eq!(types(&json!(["string", "integer"])).unwrap().expected(), "integer");
        assert_eq!(types(&json!("null")).unwrap().expected(), "null");
    }
}
