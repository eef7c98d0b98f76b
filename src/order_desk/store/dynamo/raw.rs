//! DynamoDB items as read from an answer's bytes, borrowed from them, and decoded from there
//! straight into the domain types' `Deserialize`.
//!
//! Parsing into owned maps first (an allocation per attribute name, type tag and value, and a
//! hashed insert each) was most of a read's parsing cost (docs/performance.md). A [`RawItem`]
//! keeps each attribute as a slice of the answer (copied only when JSON escapes make that
//! necessary), in the answer's order; the few lookups by name scan its 20-odd attributes.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{self, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};
use serde::{Deserialize, Serialize};

/// Errors of decoding a raw item into a domain type (a plain message, no position).
pub type DecodeError = de::value::Error;

/// One attribute value (`{"S": "..."}`, `{"N": "12"}`, ...).
#[derive(Debug, Clone, PartialEq)]
pub enum Attr<'a> {
    S(Cow<'a, str>),
    /// A number, as DynamoDB sends it: a string.
    N(Cow<'a, str>),
    Bool(bool),
    Null,
    M(RawItem<'a>),
    L(Vec<Attr<'a>>),
    /// Binary and set types: kept by tag only (no domain type reads them).
    Other(&'static str),
}

/// An item: attribute names and values in the answer's order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RawItem<'a>(Vec<(Cow<'a, str>, Attr<'a>)>);

impl<'a> RawItem<'a> {
    /// The value of attribute `name`.
    pub fn get(&self, name: &str) -> Option<&Attr<'a>> {
        self.0.iter().find(|(key, _)| key == name).map(|(_, value)| value)
    }

    /// The string attribute `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        match self.get(name) {
            Some(Attr::S(value)) => Some(value),
            _ => None,
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The item decoded as `T` (its `Deserialize` sees a map of plain values).
    pub fn decode<T: Deserialize<'a>>(&self) -> Result<T, DecodeError> {
        T::deserialize(ItemDeserializer(&self.0))
    }

    /// The item with owned text (to outlive the answer it was read from).
    pub fn into_owned(self) -> RawItem<'static> {
        RawItem(self.0.into_iter().map(|(k, v)| (Cow::Owned(k.into_owned()), v.into_owned())).collect())
    }
}

impl Attr<'_> {
    fn into_owned(self) -> Attr<'static> {
        match self {
            Attr::S(s) => Attr::S(Cow::Owned(s.into_owned())),
            Attr::N(n) => Attr::N(Cow::Owned(n.into_owned())),
            Attr::Bool(b) => Attr::Bool(b),
            Attr::Null => Attr::Null,
            Attr::M(m) => Attr::M(m.into_owned()),
            Attr::L(l) => Attr::L(l.into_iter().map(Attr::into_owned).collect()),
            Attr::Other(tag) => Attr::Other(tag),
        }
    }
}

// ---- parsing DynamoDB JSON ----------------------------------------------------------------------

/// A string borrowed from the input where it has no escapes.
struct CowStr<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for CowStr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = CowStr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(CowStr(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(V(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Attr<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = Attr<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a DynamoDB attribute value: an object with one type tag")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let Some(tag) = map.next_key::<CowStr<'a>>()? else {
                    return Err(de::Error::custom("an attribute value without a type tag"));
                };
                let value = match tag.0.as_ref() {
                    "S" => Attr::S(map.next_value::<CowStr<'a>>()?.0),
                    "N" => Attr::N(map.next_value::<CowStr<'a>>()?.0),
                    "BOOL" => Attr::Bool(map.next_value()?),
                    "NULL" => {
                        map.next_value::<de::IgnoredAny>()?;
                        Attr::Null
                    }
                    "M" => Attr::M(map.next_value()?),
                    "L" => Attr::L(map.next_value()?),
                    other => {
                        map.next_value::<de::IgnoredAny>()?;
                        match other {
                            "B" => Attr::Other("B"),
                            "SS" => Attr::Other("SS"),
                            "NS" => Attr::Other("NS"),
                            "BS" => Attr::Other("BS"),
                            _ => return Err(de::Error::custom("an unknown attribute type tag")),
                        }
                    }
                };
                if map.next_key::<de::IgnoredAny>()?.is_some() {
                    return Err(de::Error::custom("an attribute value with more than one type tag"));
                }
                Ok(value)
            }
        }
        deserializer.deserialize_map(V(PhantomData))
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for RawItem<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct V<'a>(PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for V<'a> {
            type Value = RawItem<'a>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a DynamoDB item")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut attributes = Vec::with_capacity(map.size_hint().unwrap_or(24));
                while let Some(name) = map.next_key::<CowStr<'a>>()? {
                    attributes.push((name.0, map.next_value::<Attr<'a>>()?));
                }
                Ok(RawItem(attributes))
            }
        }
        deserializer.deserialize_map(V(PhantomData))
    }
}

// ---- writing it back (a page's `LastEvaluatedKey` becomes the next `ExclusiveStartKey`) --------

impl Serialize for Attr<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(1))?;
        match self {
            Attr::S(s) => map.serialize_entry("S", s)?,
            Attr::N(n) => map.serialize_entry("N", n)?,
            Attr::Bool(b) => map.serialize_entry("BOOL", b)?,
            Attr::Null => map.serialize_entry("NULL", &true)?,
            Attr::M(m) => map.serialize_entry("M", m)?,
            Attr::L(l) => map.serialize_entry("L", l)?,
            Attr::Other(_) => return Err(serde::ser::Error::custom("binary and set values are not written back")),
        }
        map.end()
    }
}

impl Serialize for RawItem<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in &self.0 {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

// ---- decoding into domain types -----------------------------------------------------------------

struct ItemDeserializer<'b, 'a>(&'b [(Cow<'a, str>, Attr<'a>)]);

struct Entries<'b, 'a> {
    rest: std::slice::Iter<'b, (Cow<'a, str>, Attr<'a>)>,
    value: Option<&'b Attr<'a>>,
}

impl<'de, 'b, 'a> MapAccess<'de> for Entries<'b, 'a> {
    type Error = DecodeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, Self::Error> {
        match self.rest.next() {
            Some((name, value)) => {
                self.value = Some(value);
                seed.deserialize(name.as_ref().into_deserializer()).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a value without its name"))?;
        seed.deserialize(AttrDeserializer(value))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.rest.len())
    }
}

impl<'de> Deserializer<'de> for ItemDeserializer<'_, '_> {
    type Error = DecodeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_map(Entries { rest: self.0.iter(), value: None })
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option
        unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

struct AttrDeserializer<'b, 'a>(&'b Attr<'a>);

struct Elements<'b, 'a>(std::slice::Iter<'b, Attr<'a>>);

impl<'de> SeqAccess<'de> for Elements<'_, '_> {
    type Error = DecodeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, Self::Error> {
        self.0.next().map(|value| seed.deserialize(AttrDeserializer(value))).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

impl<'de> Deserializer<'de> for AttrDeserializer<'_, '_> {
    type Error = DecodeError;

    /// Numbers become the narrowest of `i64`, `u64` and `f64` that holds them; the visitor of the
    /// target type checks its own range.
    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Attr::S(s) => visitor.visit_str(s),
            Attr::N(n) => {
                if let Ok(i) = n.parse::<i64>() {
                    visitor.visit_i64(i)
                } else if let Ok(u) = n.parse::<u64>() {
                    visitor.visit_u64(u)
                } else {
                    n.parse::<f64>()
                        .map_err(|_| de::Error::custom("a number attribute that is not a number"))
                        .and_then(|f| visitor.visit_f64(f))
                }
            }
            Attr::Bool(b) => visitor.visit_bool(*b),
            Attr::Null => visitor.visit_unit(),
            Attr::M(m) => ItemDeserializer(&m.0).deserialize_any(visitor),
            Attr::L(l) => visitor.visit_seq(Elements(l.iter())),
            Attr::Other(tag) => Err(de::Error::custom(format_args!("an unsupported `{tag}` attribute"))),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        match self.0 {
            Attr::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Self::Error> {
        match self.0 {
            Attr::S(s) => visitor.visit_enum(s.as_ref().into_deserializer()),
            _ => Err(de::Error::custom(format_args!("`{name}` must be a string, one of {variants:?}"))),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_newtype_struct(self)
    }

    /// An attribute the target type does not name (keys, `entity`, anything else) is skipped
    /// unread, whatever its type.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Self::Error> {
        visitor.visit_unit()
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum Colour {
        Red,
        DarkBlue,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Thing {
        name: String,
        count: u32,
        balance: i64,
        ratio: f64,
        colour: Colour,
        #[serde(default)]
        note: Option<String>,
        gone: Option<String>,
        tags: Vec<String>,
        inner: Inner,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    struct Inner {
        ok: bool,
    }

    const ITEM: &str = r#"{"pk":{"S":"THING#1"},"name":{"S":"caf\u00e9 \"x\""},"count":{"N":"3"},
        "balance":{"N":"-12"},"ratio":{"N":"0.5"},"colour":{"S":"dark_blue"},"gone":{"NULL":true},
        "tags":{"L":[{"S":"a"},{"S":"b"}]},"inner":{"M":{"ok":{"BOOL":true}}},"blob":{"B":"AAEC"},
        "set":{"SS":["x"]}}"#;

    #[test]
    fn an_item_decodes_into_a_domain_type_ignoring_unknown_attributes() {
        let item: RawItem = serde_json::from_str(ITEM).unwrap();
        assert_eq!(item.text("pk"), Some("THING#1"));
        assert!(matches!(item.get("pk"), Some(Attr::S(Cow::Borrowed(_)))), "text without escapes is borrowed");
        let thing: Thing = item.decode().unwrap();
        assert_eq!(
            thing,
            Thing {
                name: "café \"x\"".into(),
                count: 3,
                balance: -12,
                ratio: 0.5,
                colour: Colour::DarkBlue,
                note: None,
                gone: None,
                tags: vec!["a".into(), "b".into()],
                inner: Inner { ok: true },
            }
        );
    }

    #[test]
    fn wrong_missing_and_out_of_range_values_are_errors_without_positions() {
        let decode = |json: &str| serde_json::from_str::<RawItem>(json).unwrap().decode::<Inner>();
        assert_eq!(decode(r#"{}"#).unwrap_err().to_string(), "missing field `ok`");
        assert!(decode(r#"{"ok":{"S":"true"}}"#).is_err());
        #[derive(Debug, Deserialize)]
        struct Small {
            #[allow(dead_code)]
            n: u8,
        }
        let item: RawItem = serde_json::from_str(r#"{"n":{"N":"300"}}"#).unwrap();
        assert!(item.decode::<Small>().is_err());
        let item: RawItem = serde_json::from_str(r#"{"n":{"N":"1e2x"}}"#).unwrap();
        assert!(item.decode::<Small>().is_err());
        let item: RawItem = serde_json::from_str(r#"{"colour":{"S":"green"}}"#).unwrap();
        #[derive(Debug, Deserialize)]
        struct Painted {
            #[allow(dead_code)]
            colour: Colour,
        }
        assert!(item.decode::<Painted>().is_err());
    }

    #[test]
    fn malformed_attribute_values_are_refused_when_parsed() {
        for bad in [r#"{"a":{}}"#, r#"{"a":{"S":"x","N":"1"}}"#, r#"{"a":{"X":"1"}}"#, r#"{"a":"plain"}"#] {
            assert!(serde_json::from_str::<RawItem>(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn an_item_writes_back_as_the_dynamodb_json_it_was_read_from() {
        let json = r#"{"pk":{"S":"ORDER#1"},"n":{"N":"7"},"l":{"L":[{"BOOL":false},{"NULL":true}]},"m":{"M":{"k":{"S":"v"}}}}"#;
        let item: RawItem = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&item).unwrap(), json);
        assert_eq!(serde_json::to_string(&item.clone().into_owned()).unwrap(), json);
    }
}
