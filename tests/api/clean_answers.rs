//! What every answer built from stored text must look like: one clean line per field, no
//! markdown a stored value opened, no invisible or control characters, bounded size, and the
//! same in `structuredContent`.

use lambda_mcp::order_desk::text_safety::{is_break, is_invisible};
use serde_json::Value;

/// Backticked identifiers the tools' own texts use.
const TEMPLATE_CODE: [&str; 9] = [
    "`search_orders`",
    "`get_order`",
    "`get_customer`",
    "`cancel_order`",
    "`status`",
    "`order_number`",
    "`email`",
    "`idempotency_key`",
    "`confirmation_token`",
];
/// Line starts a stored value could use to open a block or pose as another speaker.
const FORBIDDEN_LINE_STARTS: [&str; 12] =
    ["#", ">", "```", "~~~", "|", "<", "SYSTEM", "ASSISTANT", "{", "***", "1.", "- cancel"];
/// The largest answer text a tool may give, whatever is stored.
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// The text with every backslash escape and every template construct taken out: what is left
/// must carry no markdown syntax.
fn unescaped_remainder(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            chars.next();
        } else {
            out.push(c);
        }
    }
    for code in TEMPLATE_CODE {
        out = out.replace(code, "");
    }
    // The tools' own emphasis: `**Order #1000001**` and `**shipped**`.
    let bold = regex_lite::Regex::new(r"\*\*(Order #[0-9]+|[a-z ]+)\*\*").unwrap();
    bold.replace_all(&out, "").into_owned()
}

/// Asserts that one tool result is clean; `context` names the case in failures.
pub fn assert_clean_answer(result: &Value, context: &str) {
    let text = result["content"][0]["text"].as_str().unwrap_or_default();
    assert!(text.len() <= MAX_TEXT_BYTES, "{context}: {} bytes", text.len());
    for c in text.chars() {
        assert!(c == '\n' || !is_break(c), "{context}: control character {c:?} in {text:?}");
        assert!(!is_invisible(c), "{context}: invisible {c:?} in {text:?}");
    }
    for line in text.lines() {
        for start in FORBIDDEN_LINE_STARTS {
            assert!(!line.trim_start().starts_with(start), "{context}: a line starts with {start:?}:\n{text}");
        }
        let item = line.strip_prefix("- ");
        assert!(
            item.is_none_or(|rest| rest.starts_with(|c: char| c.is_ascii_digit()) || rest.starts_with("**Order #")),
            "{context}: a list item the tool did not make:\n{text}"
        );
    }
    let rest = unescaped_remainder(text);
    for syntax in ["<", "[", "]", "`", "|", "~", "*", "&#", "&lt", "&gt", "&amp"] {
        assert!(!rest.contains(syntax), "{context}: unescaped {syntax:?} in:\n{text}");
    }
    assert_clean_structure(&result["structuredContent"], context);
}

fn assert_clean_structure(value: &Value, context: &str) {
    match value {
        Value::String(s) => {
            assert!(s.chars().count() <= 300, "{context}: a {}-character value", s.chars().count());
            assert!(!s.chars().any(|c| is_break(c) || is_invisible(c)), "{context}: unclean value {s:?}");
        }
        Value::Array(items) => items.iter().for_each(|v| assert_clean_structure(v, context)),
        Value::Object(map) => {
            if let Some(url) = map.get("tracking_url") {
                assert!(url.as_str().is_some_and(|u| u.starts_with("https://")), "{context}: tracking_url {url}");
            }
            map.values().for_each(|v| assert_clean_structure(v, context));
        }
        _ => {}
    }
}

/// Lines of a `get_order` answer for its structured content: the head, one per shipment, the
/// cancel reason, a blank line, `Items:`, one per line, the totals.
pub fn get_order_line_count(structured: &Value) -> usize {
    let count = |key: &str| structured[key].as_array().map_or(0, Vec::len);
    1 + count("shipments") + usize::from(structured.get("cancel_reason").is_some()) + 2 + count("lines") + 1
}
