//! Keeps tool definitions honest: every tool follows the design rules the Moveo guide sets, and
//! what clients see (`tools/list`) only changes on purpose (a reviewed snapshot).

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::helpers::{app, root, rpc, send};

const VERBS: [&str; 8] = ["get", "search", "cancel", "list", "create", "update", "send", "delete"];
const SECTIONS: [&str; 5] = ["WHAT:", "WHEN:", "HOW:", "RETURNS:", "NOT:"];

async fn tools() -> Vec<Value> {
    let app = app().await;
    let answer = send(&app, rpc(&json!({"jsonrpc":"2.0","id":1,"method":"tools/list"}), Some("2025-11-25"))).await;
    answer.json()["result"]["tools"].as_array().unwrap().clone()
}

fn name_rules(name: &str) -> Vec<String> {
    let mut problems = Vec::new();
    let valid_chars = name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if name.is_empty() || name.len() > 64 || !valid_chars {
        problems.push(format!("{name}: not lowercase snake_case of 1-64 characters"));
    }
    if !VERBS.contains(&name.split('_').next().unwrap_or_default()) {
        problems.push(format!("{name}: does not start with a verb"));
    }
    problems
}

fn description_rules(name: &str, description: &str, siblings: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    let first = description.split_whitespace().next().unwrap_or_default().to_lowercase();
    if !VERBS.contains(&first.as_str()) {
        problems.push(format!("{name}: description does not start with a verb"));
    }
    let mut last = 0;
    for section in SECTIONS {
        match description.find(section) {
            Some(at) if at >= last => last = at,
            _ => problems.push(format!("{name}: section {section} missing or out of order")),
        }
    }
    let words = description.split_whitespace().count();
    if words > 200 {
        problems.push(format!("{name}: description has {words} words (limit 200)"));
    }
    let not = description.split("NOT:").nth(1).unwrap_or_default();
    if !siblings.iter().any(|s| s != name && not.contains(&format!("`{s}`"))) {
        problems.push(format!("{name}: NOT does not name a sibling tool"));
    }
    problems
}

fn schema_rules(name: &str, schema: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    if schema["type"] != "object" || schema["additionalProperties"] != json!(false) {
        problems.push(format!("{name}: input schema must be a closed object"));
    }
    if schema.to_string().contains("$ref") || schema.get("$defs").is_some() {
        problems.push(format!("{name}: input schema is not flat"));
    }
    for (field, property) in schema["properties"].as_object().into_iter().flatten() {
        let described = property["description"].as_str().is_some_and(|d| d.len() >= 15);
        if !described {
            problems.push(format!("{name}.{field}: not described"));
        }
        match property["type"].as_str() {
            Some("integer") | Some("number")
                if property.get("minimum").is_none() || property.get("maximum").is_none() =>
            {
                problems.push(format!("{name}.{field}: a number without bounds"))
            }
            Some("string") if field.contains("email") && property["format"] != "email" => {
                problems.push(format!("{name}.{field}: an email not validated as one"))
            }
            Some("string") if field.contains("number") && property.get("pattern").is_none() => {
                problems.push(format!("{name}.{field}: an order number without a pattern"))
            }
            Some("string") if ["status", "reason"].contains(&field.as_str()) && property.get("enum").is_none() => {
                problems.push(format!("{name}.{field}: a known set without an enum"))
            }
            Some("object") | Some("array") => problems.push(format!("{name}.{field}: nested input")),
            None => problems.push(format!("{name}.{field}: no type")),
            _ => {}
        }
        let required = schema["required"].as_array().is_some_and(|r| r.contains(&json!(field)));
        if property["type"] == "integer" && !required && property.get("default").is_none() {
            problems.push(format!("{name}.{field}: an optional number without a default"));
        }
    }
    problems
}

fn annotation_rules(tool: &Value) -> Vec<String> {
    let name = tool["name"].as_str().unwrap_or_default();
    let a = &tool["annotations"];
    let mut problems = Vec::new();
    if tool["title"].as_str().is_none_or(str::is_empty) || a["title"] != tool["title"] {
        problems.push(format!("{name}: missing or inconsistent title"));
    }
    for hint in ["readOnlyHint", "destructiveHint", "idempotentHint", "openWorldHint"] {
        if !a[hint].is_boolean() {
            problems.push(format!("{name}: {hint} missing"));
        }
    }
    if a["readOnlyHint"] == true && a["destructiveHint"] == true {
        problems.push(format!("{name}: read-only and destructive at once"));
    }
    let says_destructive = tool["description"].as_str().unwrap_or_default().contains("Destructive");
    if (a["destructiveHint"] == true) != says_destructive {
        problems.push(format!("{name}: destructiveHint and the description disagree"));
    }
    if tool["outputSchema"]["type"] != "object" {
        problems.push(format!("{name}: no object outputSchema"));
    }
    problems
}

#[tokio::test]
async fn every_tool_follows_the_design_rules() {
    let tools = tools().await;
    let names: BTreeSet<String> = tools.iter().map(|t| t["name"].as_str().unwrap().to_owned()).collect();
    let store = std::sync::Arc::new(lambda_mcp::order_desk::store::memory::MemoryStore::default());
    let registered: BTreeSet<String> = lambda_mcp::order_desk::registry(store).names().map(String::from).collect();
    assert_eq!(names, registered, "tools/list lists exactly the registered tools");
    let mut problems = Vec::new();
    for tool in &tools {
        let name = tool["name"].as_str().unwrap();
        problems.extend(name_rules(name));
        problems.extend(description_rules(name, tool["description"].as_str().unwrap_or_default(), &names));
        problems.extend(schema_rules(name, &tool["inputSchema"]));
        problems.extend(annotation_rules(tool));
    }
    assert!(problems.is_empty(), "tool definitions break the rules:\n{}", problems.join("\n"));
}

#[test]
fn the_rules_catch_a_bad_definition() {
    let siblings: BTreeSet<String> = ["get_order".to_owned()].into();
    assert!(!name_rules("OrderSearch").is_empty());
    assert!(!name_rules("order").is_empty());
    assert!(!description_rules("x", "Looks things up.", &siblings).is_empty());
    let bad = json!({"type":"object","properties":{"limit":{"type":"integer"},"q":{"type":"string"}}});
    assert_eq!(schema_rules("x", &bad).len(), 5, "{:?}", schema_rules("x", &bad));
    let tool = json!({"name":"x","title":"X","description":"Get x.","annotations":{"title":"X","readOnlyHint":true,"destructiveHint":true}});
    assert!(annotation_rules(&tool).len() >= 3);
}

/// Rewrite with `UPDATE_SNAPSHOTS=1 cargo test --test api tools_list` after a deliberate change:
/// any change to what clients see flips Moveo's server status to Outdated until resynced.
#[tokio::test]
async fn tools_list_matches_the_reviewed_snapshot() {
    let path = root().join("tests/snapshots/tools-list.json");
    let current = serde_json::to_string_pretty(&json!({"tools": tools().await})).unwrap() + "\n";
    if update_snapshots(std::env::var("UPDATE_SNAPSHOTS").ok().as_deref()).unwrap_or_else(|e| panic!("{e}")) {
        std::fs::write(&path, &current).unwrap();
    }
    let reviewed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        reviewed == current,
        "tools/list changed; review the difference and run with UPDATE_SNAPSHOTS=1 to accept it:\n{current}"
    );
}

/// Whether `UPDATE_SNAPSHOTS` asks for the snapshot to be rewritten: only `1` does; unset, empty
/// or `0` compares; anything else is refused rather than guessed at.
fn update_snapshots(value: Option<&str>) -> Result<bool, String> {
    match value {
        Some("1") => Ok(true),
        None | Some("" | "0") => Ok(false),
        Some(other) => {
            Err(format!("UPDATE_SNAPSHOTS={other:?}: set it to 1 to rewrite the snapshot, or leave it unset"))
        }
    }
}

#[test]
fn only_update_snapshots_1_rewrites_the_snapshot() {
    assert_eq!(update_snapshots(Some("1")), Ok(true));
    for compare in [None, Some(""), Some("0")] {
        assert_eq!(update_snapshots(compare), Ok(false), "{compare:?}");
    }
    for refused in ["true", "yes", "2", " 1"] {
        assert!(update_snapshots(Some(refused)).is_err(), "{refused:?}");
    }
}

#[test]
fn no_request_path_scans_the_table() {
    let dir = root().join("src/order_desk/store/dynamo");
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let source = std::fs::read_to_string(&path).unwrap();
        assert!(!source.contains(".scan()"), "{} scans the table", path.display());
        read += 1;
    }
    assert!(read >= 4, "the DynamoDB store's files were not found in {}", dir.display());
}
