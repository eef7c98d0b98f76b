//! The validator as tools use it: messages, every keyword, hostile input, every tool's schema,
//! and agreement with a general JSON Schema implementation (the `jsonschema` crate, a dev
//! dependency only) on the hostile-input corpus.

use serde_json::{Map, Value, json};

use super::validate::{self, Kind, MAX_DEPTH};
use super::*;

/// The input schemas of the product's tools as clients see them: read from the reviewed
/// `tools/list` snapshot (data, so the engine imports no product code; a fork's snapshot and
/// corpus replace the order desk's).
fn product_schemas() -> Map<String, Value> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots/tools-list.json");
    let list: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let tools = list["tools"].as_array().unwrap();
    assert!(!tools.is_empty(), "the snapshot lists no tools");
    tools.iter().map(|t| (t["name"].as_str().unwrap().to_owned(), t["inputSchema"].clone())).collect()
}

fn product_schema(name: &str) -> Value {
    product_schemas().remove(name).unwrap_or_else(|| panic!("no tool {name} in the snapshot"))
}

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
    check(&compile(&schema()).unwrap(), &args, Lang::En).unwrap_err()
}

/// The problems `value` has against `schema`, as (field, kind) pairs.
fn found(schema: Value, value: Value) -> Vec<(String, Kind<'static>)> {
    let compiled = Box::leak(Box::new(compile(&schema).unwrap()));
    validate::problems(compiled, &value, 100, UNKNOWN_LISTED).into_iter().map(|p| (p.field, p.kind)).collect()
}

fn valid(schema: Value, value: Value) -> bool {
    found(schema, value).is_empty()
}

fn invalid(field: &str) -> Vec<(String, Kind<'static>)> {
    vec![(field.to_owned(), Kind::Invalid)]
}

#[test]
fn valid_arguments_pass() {
    let valid = json!({"order_number": "1000001", "limit": 3, "email": "a@b.c", "status": "shipped"});
    assert_eq!(check(&compile(&schema()).unwrap(), &valid, Lang::En), Ok(()));
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
    assert!(problems(json!({"order_number": "1000001", "limit": 0})).contains("`limit` must be at least 1"));
    assert!(problems(json!({"order_number": "1000001", "limit": 1.5})).contains("`limit` must be a whole number"));
    assert!(problems(json!({"order_number": "1000001", "email": "nope"})).contains("valid email address"));
    assert!(problems(json!({"order_number": "1000001", "status": "lost"})).contains("one of \"pending\", \"shipped\""));
    assert!(problems(json!({"order_number": "1000001", "query": "x"})).contains("Unknown argument `query`"));
    assert!(problems(json!([1])).contains("must be a JSON object"));
    assert!(problems(json!(null)).contains("must be a JSON object"));
}

#[test]
fn the_sentences_are_exactly_the_messages() {
    let text = problems(json!({"order_number": "12ab", "limit": 50.5, "zz": 1}));
    assert_eq!(
        text,
        "The arguments are not valid, so nothing was done. \
         `limit` must be a whole number. `limit` must be at most 20. \
         `order_number` is not in the expected format (Order number, 6 to 10 digits). \
         Unknown argument `zz`; the arguments are `email`, `limit`, `order_number`, `status`. \
         Fix the arguments and call the tool again."
    );
    let lengths = json!({"type": "object", "properties": {"s": {"type": "string", "minLength": 2, "maxLength": 3}}});
    let compiled = compile(&lengths).unwrap();
    assert!(check(&compiled, &json!({"s": "a"}), Lang::En).unwrap_err().contains("`s` must be at least 2 characters"));
    assert!(
        check(&compiled, &json!({"s": "abcd"}), Lang::En).unwrap_err().contains("`s` must be at most 3 characters")
    );
    let other = json!({"type": "object", "properties": {"n": {"type": "number", "exclusiveMinimum": 0}}});
    assert!(check(&compile(&other).unwrap(), &json!({"n": 0}), Lang::En).unwrap_err().contains("`n` is not valid."));
}

#[test]
fn required_comes_first_then_fields_by_name_then_unknown_names() {
    let text = problems(json!({"zz": 1, "status": 7, "limit": "x", "aa": 2}));
    let at = |needle: &str| text.find(needle).unwrap_or_else(|| panic!("{needle} in {text}"));
    assert!(at("`order_number` is required") < at("`limit` must be a whole number"));
    assert!(at("`limit` must be a whole number") < at("`status` must be a string"));
    assert!(at("`status` must be a string") < at("`status` must be one of"));
    assert!(at("`status` must be one of") < at("Unknown argument `aa`, `zz`"));
}

#[test]
fn at_most_five_problems_are_told() {
    let schema = json!({"type": "object", "required": ["a", "b", "c", "d", "e", "f", "g"]});
    let text = check(&compile(&schema).unwrap(), &json!({}), Lang::En).unwrap_err();
    assert_eq!(text.matches("is required").count(), 5, "{text}");
    assert!(text.contains("`e` is required") && !text.contains("`f`"), "{text}");
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
    let mut args = Map::new();
    args.insert("order_number".into(), json!("1000001"));
    for i in 0..1000 {
        args.insert(format!("k{i}"), json!(0));
    }
    let text = check(&compile(&schema()).unwrap(), &Value::Object(args), Lang::En).unwrap_err();
    assert!(text.contains("… (+990)"), "{text}");
    assert!(text.len() < 1000, "{text}");
    let odd = check(&compile(&schema()).unwrap(), &json!({"order_number": "1000001", "a\u{7}b": 1}), Lang::En);
    assert!(odd.unwrap_err().contains("`ab…`"), "control characters are dropped, and the cut is marked");
    let long = format!("x{}", "y".repeat(100));
    let text = check(&compile(&schema()).unwrap(), &json!({"order_number": "1000001", long: 1}), Lang::En).unwrap_err();
    assert!(text.contains(&format!("`x{}…`", "y".repeat(39))), "{text}");
}

#[test]
fn problems_are_explained_in_the_conversations_language() {
    let text = check(&compile(&schema()).unwrap(), &json!({}), Lang::Es).unwrap_err();
    assert!(text.contains("`order_number`"), "{text}");
    assert_ne!(text, problems(json!({})), "not the English text");
}

#[test]
fn every_tool_schema_compiles() {
    for (name, schema) in product_schemas() {
        assert!(schema["properties"].is_object(), "{name}: {schema}");
        if let Err(error) = compile(&schema) {
            panic!("{name}: {error}");
        }
    }
    // The conformance binary's hand-written schemas (conformance/schemas/, read by
    // src/bin/lambda-mcp-conformance/content.rs too) and its derived `NoArguments`.
    for schema in
        [conformance_2020_12(), conformance_header_param(), json!({"type": "object", "additionalProperties": false})]
    {
        if let Err(error) = compile(&schema) {
            panic!("{error}: {schema}");
        }
    }
}

fn conformance_2020_12() -> Value {
    serde_json::from_str(include_str!("../../../../conformance/schemas/json-schema-2020-12.json")).unwrap()
}

fn conformance_header_param() -> Value {
    serde_json::from_str(include_str!("../../../../conformance/schemas/header-param.json")).unwrap()
}

#[test]
fn the_conformance_schema_means_what_it_says() {
    let s = conformance_2020_12;
    assert!(valid(s(), json!({"name": "Jo", "email": "e", "address": {"street": "Main", "city": "X"}})));
    assert!(valid(s(), json!({"contactMethod": "phone", "phone": "1"})));
    assert!(!valid(s(), json!({"contactMethod": "phone", "email": "e"})), "then: phone required");
    assert!(!valid(s(), json!({})), "anyOf: phone or email");
    assert!(!valid(s(), json!({"email": "e", "address": {"city": 5}})), "$ref applies");
    assert_eq!(
        found(s(), json!({"email": "e", "address": {"city": 5}})),
        vec![("address".into(), Kind::Type { expected: "string" })]
    );
}

#[test]
fn type_accepts_names_and_lists() {
    let t = |types: Value, value: Value| valid(json!({"type": types}), value);
    assert!(t(json!("string"), json!("")) && !t(json!("string"), json!(1)));
    assert!(t(json!("integer"), json!(5)) && t(json!("integer"), json!(5.0)) && t(json!("integer"), json!(-1e300)));
    assert!(!t(json!("integer"), json!(5.5)) && !t(json!("integer"), json!("5")));
    assert!(t(json!("number"), json!(5)) && t(json!("number"), json!(5.5)) && !t(json!("number"), json!(true)));
    assert!(t(json!("boolean"), json!(false)) && !t(json!("boolean"), json!(0)));
    assert!(t(json!("null"), json!(null)) && !t(json!("null"), json!(0)));
    assert!(t(json!("array"), json!([])) && !t(json!("array"), json!({})));
    assert!(t(json!("object"), json!({})) && !t(json!("object"), json!([])));
    assert!(t(json!(["string", "null"]), json!(null)) && t(json!(["string", "null"]), json!("x")));
    assert!(!t(json!(["string", "null"]), json!(1)));
    assert_eq!(
        found(json!({"properties": {"a": {"type": ["null", "integer"]}}}), json!({"a": "x"})),
        vec![("a".into(), Kind::Type { expected: "integer" })],
        "a nullable field asks for its value"
    );
}

#[test]
fn enum_and_const_compare_json_values() {
    let e = json!({"enum": [1, "a", null, [1, 2], {"k": 1}]});
    for ok in [json!(1), json!(1.0), json!("a"), json!(null), json!([1, 2.0]), json!({"k": 1})] {
        assert!(valid(e.clone(), ok.clone()), "{ok}");
    }
    for bad in [json!(2), json!("A"), json!(false), json!([2, 1]), json!({"k": 1, "j": 2}), json!(0)] {
        assert!(!valid(e.clone(), bad.clone()), "{bad}");
    }
    assert!(valid(json!({"const": 5}), json!(5.0)) && !valid(json!({"const": 5}), json!(6)));
    assert_eq!(found(json!({"properties": {"c": {"const": "x"}}}), json!({"c": "y"})), invalid("c"));
    assert_eq!(
        found(json!({"properties": {"c": {"enum": ["x", 2]}}}), json!({"c": "y"})),
        vec![("c".into(), Kind::Enum { options: "\"x\", 2" })]
    );
}

#[test]
fn numeric_bounds_are_exact() {
    let b = json!({"minimum": 1, "maximum": 20, "exclusiveMinimum": 0, "exclusiveMaximum": 21});
    for ok in [json!(1), json!(20), json!(1.0), json!(19.999)] {
        assert!(valid(b.clone(), ok.clone()), "{ok}");
    }
    for bad in [json!(0), json!(0.999), json!(20.001), json!(-0.0), json!(u64::MAX), json!(i64::MIN), json!(1e308)] {
        assert!(!valid(b.clone(), bad.clone()), "{bad}");
    }
    let x = json!({"exclusiveMinimum": 0, "exclusiveMaximum": 1});
    assert!(valid(x.clone(), json!(0.5)) && !valid(x.clone(), json!(0)) && !valid(x, json!(1)));
    let big = json!({"maximum": u64::MAX});
    assert!(valid(big.clone(), json!(u64::MAX)) && !valid(big, json!(18446744073709551616.0)));
    assert!(valid(json!({"minimum": 0.5}), json!(1)) && !valid(json!({"minimum": 0.5}), json!(0)));
    assert!(valid(b, json!("not a number")), "bounds apply to numbers only");
}

#[test]
fn lengths_count_code_points() {
    let l = json!({"minLength": 2, "maxLength": 3});
    assert!(valid(l.clone(), json!("ab")) && valid(l.clone(), json!("abc")));
    assert!(!valid(l.clone(), json!("a")) && !valid(l.clone(), json!("abcd")));
    assert!(valid(l.clone(), json!("😀😀😀")), "3 non-BMP characters, 12 bytes");
    assert!(!valid(l.clone(), json!("😀")) && !valid(l.clone(), json!("😀😀😀😀")));
    assert!(valid(l.clone(), json!("é\u{301}")), "a combining mark is a code point of its own");
    assert!(valid(l, json!(1)), "lengths apply to strings only");
}

#[test]
fn patterns_search_unless_anchored() {
    assert!(valid(json!({"pattern": "[0-9]"}), json!("ab1cd")));
    assert!(!valid(json!({"pattern": "^[0-9]+$"}), json!("12a")));
    assert!(!valid(json!({"pattern": "^[0-9]{6,10}$"}), json!("1000001\n")), "`$` is the end of the text");
    assert!(valid(json!({"pattern": "^\\d{3}-\\w+$"}), json!("123-ab_c")));
    assert!(!valid(json!({"pattern": "^\\d+$"}), json!("١٢٣")), "`\\d` is ASCII, as in ECMAScript");
    assert!(valid(json!({"pattern": "^[A-Za-z0-9_.:-]{8,128}$"}), json!("key:2024.01-x")));
    assert!(valid(json!({"pattern": "^a"}), json!(5)), "patterns apply to strings only");
}

#[test]
fn only_email_among_formats_is_checked() {
    assert!(valid(json!({"format": "email"}), json!("jane@example.com")));
    assert!(!valid(json!({"format": "email"}), json!("jane")));
    assert!(valid(json!({"format": "email"}), json!(5)), "formats apply to strings only");
    assert!(valid(json!({"format": "date-time"}), json!("yesterday")), "other formats are annotations");
}

#[test]
fn objects_nest_with_the_top_level_field_named() {
    let s = json!({
        "type": "object",
        "properties": {"address": {"type": "object", "description": "Where",
            "properties": {"city": {"type": "string", "description": "The city", "pattern": "^[A-Z]"},
                "zip": {"type": "string"}},
            "required": ["city"], "additionalProperties": false}},
        "additionalProperties": {"type": "integer"}
    });
    assert!(valid(s.clone(), json!({"address": {"city": "Oslo"}, "other": 5})));
    let all = found(s.clone(), json!({"address": {"zip": 1, "x": 0}, "other": "5"}));
    assert_eq!(
        all,
        vec![
            ("address".into(), Kind::Required { name: "city", description: "The city" }),
            ("address".into(), Kind::Type { expected: "string" }),
            ("address".into(), Kind::Unknown { listed: vec!["x".into()], count: 1, allowed: "`city`, `zip`" }),
            ("other".into(), Kind::Type { expected: "integer" }),
        ]
    );
    assert_eq!(
        found(s, json!({"address": {"city": "oslo"}})),
        vec![("address".into(), Kind::Pattern { description: "The city" })]
    );
    assert!(valid(json!({"additionalProperties": true, "properties": {}}), json!({"x": 1})));
    assert!(!valid(json!({"additionalProperties": false}), json!({"x": 1})));
}

#[test]
fn arrays_have_items_counts_and_uniqueness() {
    let a = json!({"type": "array", "prefixItems": [{"type": "string"}], "items": {"type": "integer"},
        "minItems": 1, "maxItems": 3});
    assert!(valid(a.clone(), json!(["a", 1, 2])) && valid(a.clone(), json!(["a"])));
    assert!(!valid(a.clone(), json!([])) && !valid(a.clone(), json!(["a", 1, 2, 3])));
    assert!(!valid(a.clone(), json!([1])) && !valid(a, json!(["a", "b"])));
    let u = json!({"uniqueItems": true});
    assert!(valid(u.clone(), json!([1, "1", [1], {"a": 1}, 2])));
    assert!(!valid(u.clone(), json!([1, 1.0])) && !valid(u.clone(), json!([{"a": [1]}, {"a": [1.0]}])));
    assert!(valid(json!({"uniqueItems": false}), json!([1, 1])));
    let many: Vec<u64> = (0..200_000).collect();
    assert!(valid(u, json!(many)), "uniqueness in one pass");
    let tags = json!({"properties": {"tags": {"items": {"type": "string"}}}});
    assert_eq!(found(tags, json!({"tags": ["a", 1]})), vec![("tags".into(), Kind::Type { expected: "string" })]);
}

#[test]
fn combinators_apply_to_the_same_value() {
    let any = json!({"anyOf": [{"type": "string"}, {"minimum": 5}]});
    assert!(valid(any.clone(), json!("x")) && valid(any.clone(), json!(7)) && !valid(any, json!(3)));
    let one = json!({"oneOf": [{"type": "integer"}, {"minimum": 5}]});
    assert!(valid(one.clone(), json!(1)) && valid(one.clone(), json!(5.5)));
    assert!(!valid(one.clone(), json!(7)), "both");
    assert!(!valid(one, json!(3.5)), "neither");
    let all = json!({"allOf": [{"minimum": 1}, {"maximum": 3}]});
    assert!(valid(all.clone(), json!(2)));
    assert_eq!(found(all, json!(4)), vec![(String::new(), Kind::Maximum(&serde_json::Number::from(3)))]);
    let not = json!({"not": {"type": "string"}});
    assert!(valid(not.clone(), json!(1)) && !valid(not, json!("x")));
    let cond = json!({"if": {"minimum": 10}, "then": {"multipleOfTen": null}, "else": {"maximum": 5}});
    assert!(compile(&cond).is_err(), "then/else are compiled, so their keywords are checked");
    let cond = json!({"if": {"minimum": 10}, "then": {"maximum": 100}, "else": {"maximum": 5}});
    assert!(valid(cond.clone(), json!(50)) && valid(cond.clone(), json!(3)));
    assert!(!valid(cond.clone(), json!(500)) && !valid(cond, json!(7)));
    assert!(valid(json!({"then": false}), json!(1)), "then without if does nothing");
    assert!(valid(json!(true), json!(1)) && !valid(json!(false), json!(1)));
    let documented_enum = json!({"properties": {"c": {"oneOf": [{"const": "a", "description": "A"}, {"const": "b"}]}}});
    assert_eq!(found(documented_enum, json!({"c": "z"})), invalid("c"));
}

#[test]
fn references_reach_definitions() {
    let s = json!({
        "$defs": {"node": {"type": "object", "properties": {"next": {"$ref": "#/$defs/node"}, "v": {"type": "integer"}}}},
        "$ref": "#/$defs/node"
    });
    assert!(valid(s.clone(), json!({"v": 1, "next": {"v": 2, "next": {"v": 3}}})));
    assert!(!valid(s, json!({"v": 1, "next": {"v": "2"}})));
    let escaped = json!({"$defs": {"a/b": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a~1b"}}});
    assert!(!valid(escaped, json!({"x": 1})));
}

#[test]
fn deep_values_stop_at_the_depth_limit_without_overflowing() {
    let s = json!({"$defs": {"n": {"type": "array", "items": {"$ref": "#/$defs/n"}}}, "$ref": "#/$defs/n"});
    let mut deep = json!([]);
    for _ in 0..120 {
        deep = json!([deep]);
    }
    let problems = found(s.clone(), deep);
    assert_eq!(problems, invalid("0"));
    assert!(valid(s.clone(), json!([[[[]]]])));
    let self_loop = json!({"$ref": "#"});
    assert_eq!(found(self_loop.clone(), json!(1)), invalid(""), "a reference cycle ends at the limit");
    let text = check(&compile(&self_loop).unwrap(), &json!({}), Lang::En).unwrap_err();
    assert!(text.contains("is not valid"), "{text}");
    let cycle = json!({"anyOf": [{"$ref": "#"}]});
    assert_eq!(found(cycle, json!(1)), invalid(""));
    let mut nested = json!([]);
    for _ in 0..(MAX_DEPTH / 2 - 2) {
        nested = json!([nested]);
    }
    assert!(valid(s, nested), "deep enough for real arguments");
}

#[test]
fn huge_strings_are_checked_quickly() {
    let huge = "9".repeat(1 << 20);
    let started = std::time::Instant::now();
    let s = json!({"properties": {
        "p": {"type": "string", "pattern": "^[0-9]{6,10}$"},
        "e": {"type": "string", "format": "email", "maxLength": 254},
        "l": {"type": "string", "minLength": 1}
    }});
    let problems = found(s, json!({"p": huge, "e": format!("{huge}@example.com"), "l": huge}));
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(matches!(problems[0].1, Kind::Email) || matches!(problems[0].1, Kind::MaxLength(254)));
    assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
}

// The `jsonschema` crate (a general JSON Schema 2020-12 implementation, kept as a dev dependency)
// serves as the oracle: for every tool's schema and every argument value in the hostile-input
// corpus, both must find the same problems in the same order.

/// A problem as both validators can name it.
fn label(field: &str, kind: &Kind<'_>) -> String {
    match kind {
        Kind::Required { name, .. } => format!("required {name}"),
        Kind::Unknown { listed, count, .. } => format!("unknown {} {count}", listed.join(",")),
        Kind::Type { expected } => format!("{field}: type {expected}"),
        Kind::Enum { .. } => format!("{field}: enum"),
        Kind::Pattern { .. } => format!("{field}: pattern"),
        Kind::Email => format!("{field}: email"),
        Kind::Minimum(limit) => format!("{field}: minimum {limit}"),
        Kind::Maximum(limit) => format!("{field}: maximum {limit}"),
        Kind::MinLength(limit) => format!("{field}: minLength {limit}"),
        Kind::MaxLength(limit) => format!("{field}: maxLength {limit}"),
        Kind::Invalid => format!("{field}: invalid"),
    }
}

fn oracle_label(error: &jsonschema::ValidationError<'_>) -> String {
    use jsonschema::error::{TypeKind, ValidationErrorKind as K};
    let path = error.instance_path().to_string();
    let field = path.trim_start_matches('/').split('/').next().unwrap_or_default().to_owned();
    match error.kind() {
        K::Required { property } => format!("required {}", property.as_str().unwrap_or_default()),
        K::AdditionalProperties { unexpected } => {
            let listed: Vec<&str> = unexpected.iter().take(UNKNOWN_LISTED).map(String::as_str).collect();
            format!("unknown {} {}", listed.join(","), unexpected.len())
        }
        K::Type { kind: TypeKind::Single(t) } => format!("{field}: type {t}"),
        K::Enum { .. } => format!("{field}: enum"),
        K::Pattern { .. } => format!("{field}: pattern"),
        K::Format { format } if format == "email" => format!("{field}: email"),
        K::Minimum { limit } => format!("{field}: minimum {limit}"),
        K::Maximum { limit } => format!("{field}: maximum {limit}"),
        K::MinLength { limit } => format!("{field}: minLength {limit}"),
        K::MaxLength { limit } => format!("{field}: maxLength {limit}"),
        _ => format!("{field}: invalid"),
    }
}

fn agree(schema: &Value, value: &Value, case: &str) {
    let ours: Vec<String> = validate::problems(&compile(schema).unwrap(), value, PROBLEMS_SHOWN, UNKNOWN_LISTED)
        .iter()
        .map(|p| label(&p.field, &p.kind))
        .collect();
    let oracle = jsonschema::options().should_validate_formats(true).build(schema).unwrap();
    let theirs: Vec<String> = oracle.iter_errors(value).take(PROBLEMS_SHOWN).map(|e| oracle_label(&e)).collect();
    assert_eq!(ours, theirs, "{case}: {}", shorten(&value.to_string()));
}

/// A corpus value with `$text` strings and `$many` objects expanded (tests/corpus/README.md).
fn expand(value: &Value) -> Value {
    match value {
        Value::Object(o) if o.contains_key("$text") => {
            let parts = o["$text"].as_array().into_iter().flatten();
            Value::String(parts.map(|p| p[0].as_str().unwrap().repeat(p[1].as_u64().unwrap() as usize)).collect())
        }
        Value::Object(o) => {
            let mut out = Map::new();
            if let Some(many) = o.get("$many") {
                for i in 0..many["count"].as_u64().unwrap() {
                    out.insert(format!("{}{i}", many["prefix"].as_str().unwrap()), expand(&many["value"]));
                }
            }
            out.extend(o.iter().filter(|(k, _)| *k != "$many").map(|(k, v)| (k.clone(), expand(v))));
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(expand).collect()),
        other => other.clone(),
    }
}

#[test]
fn the_hostile_corpus_finds_the_same_problems_as_a_general_validator() {
    let schemas = product_schemas();
    let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/corpus");
    let mut compared = 0;
    for entry in std::fs::read_dir(corpus).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_none_or(|e| e != "jsonl") {
            continue;
        }
        for line in std::fs::read_to_string(&path).unwrap().lines().filter(|l| !l.trim().is_empty()) {
            let case: Value = serde_json::from_str(line).unwrap();
            let body = match (case.get("json"), case.get("body").map(expand)) {
                (Some(json), _) => expand(json),
                (None, Some(Value::String(text))) => match serde_json::from_str(&text) {
                    Ok(body) => body,
                    Err(_) => continue,
                },
                _ => continue,
            };
            for request in body.as_array().cloned().unwrap_or_else(|| vec![body.clone()]) {
                let params = &request["params"];
                let (Some(name), Some(arguments)) = (params["name"].as_str(), params.get("arguments")) else {
                    continue;
                };
                let Some(schema) = schemas.get(name) else { continue };
                agree(schema, arguments, case["name"].as_str().unwrap_or_default());
                compared += 1;
            }
        }
    }
    assert!(compared > 100, "only {compared} argument values in the corpus");
}

#[test]
fn hand_picked_values_find_the_same_problems_as_a_general_validator() {
    let search = product_schema("search_orders");
    for value in [
        json!({}),
        json!({"limit": 50.5, "status": 3, "order_number": 12, "email": "x", "zz": 1, "aa": [1]}),
        json!({"limit": -0.0, "email": "é@example.com"}),
        json!({"limit": 1e-300, "email": "jane@[IPv6:::1]", "status": "PENDING"}),
        json!({"email": format!("{}@x.example", "a".repeat(300))}),
        json!({"email": "\"quoted local\"@example.com", "order_number": "١٢٣٤٥٦"}),
        json!({"order_number": "1234567\n"}),
        json!(["order_number"]),
        json!("x"),
        json!(null),
    ] {
        agree(&search, &value, "search_orders");
    }
    let cancel = product_schema("cancel_order");
    for value in [
        json!({"idempotency_key": "short", "order_number": "1000001", "reason": "other"}),
        json!({"idempotency_key": "x".repeat(129), "order_number": "1000001", "reason": "Other"}),
        json!({"reason": null}),
    ] {
        agree(&cancel, &value, "cancel_order");
    }
    let fixture = conformance_2020_12();
    for value in [
        json!({"name": "Jo", "email": "e", "address": {"street": "Main", "city": "X"}}),
        json!({"contactMethod": "phone", "email": "e"}),
        json!({"contactMethod": "fax", "address": {"city": 5}, "extra": 1}),
        json!({}),
    ] {
        agree(&fixture, &value, "conformance fixture");
    }
}
