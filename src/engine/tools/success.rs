//! A successful `CallToolResult` serialised once, straight from the tool's text and output struct:
//! no `serde_json::Value` tree is built, serialised and dropped for it (that was about a quarter of
//! a warm tool call's instructions, bench/guard). The protocol layer writes it out with what its
//! era adds ([`SuccessJson::to_json`]).

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};

use super::result::ToolOutput;

/// What a `tools/call` produced: a success serialised once, or a result as a JSON value (an
/// `isError` result, an `input_required` one).
#[derive(Debug, Clone, PartialEq)]
pub enum ToolResult {
    Success(SuccessJson),
    Value(Value),
}

impl ToolResult {
    /// The result as a value, as the legacy era sends it (a batch's entry; tests).
    pub fn into_value(self) -> Value {
        match self {
            ToolResult::Success(success) => success.to_value(),
            ToolResult::Value(value) => value,
        }
    }
}

/// The parts of a successful `CallToolResult`, each already JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SuccessJson {
    /// The `content` array: the text block (unless the text is empty), then any further blocks.
    content: String,
    /// `structuredContent`, unless the tool's output serialises to `null` (no structured output).
    structured: Option<String>,
    /// The Moveo session write-back (`{"context": {...}}` under `_meta["moveo/context"]`), when the
    /// tool writes any.
    moveo_context: Option<String>,
}

/// `_meta` key of the Moveo session write-back.
const MOVEO_CONTEXT: &str = "moveo/context";

/// The `content` array, serialised from the output without copying it into values.
struct Content<'a> {
    text: &'a str,
    extra: &'a [Value],
}

/// A text content block (keys in the order a `Value` map keeps them: sorted).
struct TextBlock<'a>(&'a str);

impl Serialize for TextBlock<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(2))?;
        map.serialize_entry("text", self.0)?;
        map.serialize_entry("type", "text")?;
        map.end()
    }
}

impl Serialize for Content<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let text = (!self.text.is_empty()).then_some(TextBlock(self.text));
        let mut seq = serializer.serialize_seq(Some(usize::from(text.is_some()) + self.extra.len()))?;
        if let Some(block) = &text {
            seq.serialize_element(block)?;
        }
        for block in self.extra {
            seq.serialize_element(block)?;
        }
        seq.end()
    }
}

/// The session write-back: `{"context": {...}}`.
struct MoveoContext<'a>(&'a Map<String, Value>);

impl Serialize for MoveoContext<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        map.serialize_entry("context", self.0)?;
        map.end()
    }
}

impl SuccessJson {
    /// Serialises a success (one whose `input_required` is `None`: that result is a value). Fails
    /// only when the tool's output type cannot serialise.
    pub fn new<O: Serialize>(output: &ToolOutput<O>) -> Result<Self, serde_json::Error> {
        let structured = serde_json::to_string(&output.structured)?;
        // Neither a content list of values nor a map of values can fail to serialise.
        let content = serde_json::to_string(&Content { text: &output.text, extra: &output.extra_content })?;
        let moveo_context = match output.session_context.is_empty() {
            true => None,
            false => Some(serde_json::to_string(&MoveoContext(&output.session_context))?),
        };
        Ok(SuccessJson { content, structured: (structured != "null").then_some(structured), moveo_context })
    }

    /// The result as JSON text. `completion`, when given, is what the 2026-07-28 era adds:
    /// `resultType: "complete"` and one `_meta` entry (its key and serialised value) naming the
    /// server. Keys come in the order a `Value` of the same result serialises them (sorted).
    pub fn to_json(&self, completion: Option<(&str, &str)>) -> String {
        let extra = completion.map_or(0, |(key, value)| key.len() + value.len() + 48);
        let parts = self.structured.as_ref().map_or(0, String::len)
            + self.moveo_context.as_ref().map_or(0, String::len)
            + self.content.len();
        let mut out = String::with_capacity(parts + extra + 96);
        out.push('{');
        let mut meta = Vec::with_capacity(2);
        if let Some(context) = &self.moveo_context {
            meta.push((MOVEO_CONTEXT, context.as_str()));
        }
        if let Some(entry) = completion {
            // The era's entry replaces a tool's own under the same key, as a map insert would.
            meta.retain(|(key, _)| *key != entry.0);
            meta.push(entry);
            meta.sort_unstable_by_key(|(key, _)| *key);
        }
        if !meta.is_empty() {
            out.push_str(r#""_meta":{"#);
            for (i, (key, value)) in meta.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                push_key(&mut out, key);
                out.push_str(value);
            }
            out.push_str("},");
        }
        out.push_str(r#""content":"#);
        out.push_str(&self.content);
        out.push_str(r#","isError":false"#);
        if completion.is_some() {
            out.push_str(r#","resultType":"complete""#);
        }
        if let Some(structured) = &self.structured {
            out.push_str(r#","structuredContent":"#);
            out.push_str(structured);
        }
        out.push('}');
        out
    }

    /// The result as a value, as the legacy era sends it.
    pub fn to_value(&self) -> Value {
        // Our own serialisation of values and a serialisable struct: it always parses.
        serde_json::from_str(&self.to_json(None)).unwrap_or(Value::Null)
    }
}

/// `"key":`, the key escaped as JSON.
fn push_key(out: &mut String, key: &str) {
    // A string always serialises.
    out.push_str(&serde_json::to_string(key).unwrap_or_default());
    out.push(':');
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Fields in sorted order, so its JSON text is byte for byte what a `Value` of it serialises.
    #[derive(Serialize, Default)]
    struct Found {
        count: u32,
        names: Vec<String>,
        note: Option<String>,
        ratio: f64,
    }

    fn found() -> Found {
        Found { count: 2, names: vec!["Ann \"A\"".into(), "Bö\n".into()], note: None, ratio: 0.1 }
    }

    /// What the result was when built as a `Value` (the reference this module must match).
    fn reference(text: &str, structured: Value, context: Option<Value>, extra: &[Value]) -> Value {
        let mut content: Vec<Value> = Vec::new();
        if !text.is_empty() {
            content.push(json!({"type": "text", "text": text}));
        }
        content.extend(extra.iter().cloned());
        let mut result = json!({"content": content, "isError": false});
        if !structured.is_null() {
            result["structuredContent"] = structured;
        }
        if let Some(context) = context {
            result["_meta"] = json!({"moveo/context": {"context": context}});
        }
        result
    }

    #[test]
    fn a_success_is_the_document_a_value_of_it_serialises_to_byte_for_byte() {
        let output = ToolOutput::new("Two orders.\n\n| a | b |", found()).with_session_value("order_number", "1000001");
        let success = SuccessJson::new(&output).unwrap();
        let expected = reference(
            &output.text,
            serde_json::to_value(found()).unwrap(),
            Some(json!({"order_number": "1000001"})),
            &[],
        );
        assert_eq!(success.to_json(None), expected.to_string());
        assert_eq!(success.to_value(), expected);
    }

    #[test]
    fn completion_adds_the_result_type_and_its_meta_entry_beside_the_session_write_back() {
        let info = r#"{"name":"s","title":"S","version":"1"}"#;
        let with_context = ToolOutput::new("ok", found()).with_session_value("k", 1);
        let mut expected = reference("ok", serde_json::to_value(found()).unwrap(), Some(json!({"k": 1})), &[]);
        expected["resultType"] = json!("complete");
        expected["_meta"]["io.modelcontextprotocol/serverInfo"] = json!({"name": "s", "title": "S", "version": "1"});
        let text = SuccessJson::new(&with_context).unwrap().to_json(Some(("io.modelcontextprotocol/serverInfo", info)));
        assert_eq!(text, expected.to_string());
        // Without a write-back `_meta` holds the server alone; a key after `moveo/context` sorts after it.
        let plain = SuccessJson::new(&ToolOutput::new("ok", ())).unwrap();
        assert_eq!(
            plain.to_json(Some(("x", "1"))),
            r#"{"_meta":{"x":1},"content":[{"text":"ok","type":"text"}],"isError":false,"resultType":"complete"}"#
        );
        let late = SuccessJson::new(&with_context).unwrap().to_json(Some(("z/info", "true")));
        let parsed: Value = serde_json::from_str(&late).unwrap();
        assert_eq!(parsed["_meta"], json!({"moveo/context": {"context": {"k": 1}}, "z/info": true}));
        assert!(late.starts_with(r#"{"_meta":{"moveo/context":"#), "{late}");
    }

    #[test]
    fn extra_blocks_follow_the_text_and_null_structured_output_is_left_out() {
        let image = json!({"type": "image", "data": "AA==", "mimeType": "image/png"});
        for text in ["", "caption"] {
            let output = ToolOutput::new(text, ()).with_content(image.clone());
            let value = SuccessJson::new(&output).unwrap().to_value();
            assert_eq!(value, reference(text, Value::Null, None, std::slice::from_ref(&image)));
            assert!(value.get("structuredContent").is_none() && value.get("_meta").is_none());
        }
        let none: ToolOutput<Option<Found>> = ToolOutput::new("nothing", None);
        assert!(SuccessJson::new(&none).unwrap().to_value().get("structuredContent").is_none());
    }

    #[test]
    fn an_output_that_cannot_serialise_is_an_error_not_a_result() {
        let mut keyed = std::collections::BTreeMap::new();
        keyed.insert((1, 2), "a tuple key");
        assert!(SuccessJson::new(&ToolOutput::new("x", keyed)).is_err());
    }
}
