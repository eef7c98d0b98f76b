//! The tools' error and next-step texts in the conversation's language (Moveo sends it in
//! `_meta["moveo/context"].lang`), through Project Fluent. Messages live in `locales/<lang>.ftl`,
//! compiled into the binary and parsed on first use; English is the fallback for an unknown
//! language or a message a translation lacks.

use std::borrow::Cow;
use std::sync::OnceLock;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use unic_langid::LanguageIdentifier;

/// A language the tools speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
    Pt,
    Fr,
    De,
    El,
}

impl Lang {
    /// Every language, English first.
    pub const ALL: [Lang; 6] = [Lang::En, Lang::Es, Lang::Pt, Lang::Fr, Lang::De, Lang::El];

    /// The language for a BCP 47 tag such as `es`, `pt-BR` or `el_GR`; English when unknown.
    pub fn negotiate(tag: Option<&str>) -> Lang {
        let Some(tag) = tag else { return Lang::En };
        let Ok(id) = tag.trim().replace('_', "-").parse::<LanguageIdentifier>() else {
            return Lang::En;
        };
        match id.language.as_str() {
            "es" => Lang::Es,
            "pt" => Lang::Pt,
            "fr" => Lang::Fr,
            "de" => Lang::De,
            "el" => Lang::El,
            _ => Lang::En,
        }
    }

    /// The language's tag.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
            Lang::Pt => "pt",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::El => "el",
        }
    }

    fn source(self) -> &'static str {
        match self {
            Lang::En => include_str!("../../locales/en.ftl"),
            Lang::Es => include_str!("../../locales/es.ftl"),
            Lang::Pt => include_str!("../../locales/pt.ftl"),
            Lang::Fr => include_str!("../../locales/fr.ftl"),
            Lang::De => include_str!("../../locales/de.ftl"),
            Lang::El => include_str!("../../locales/el.ftl"),
        }
    }

    fn bundle(self) -> &'static FluentBundle<FluentResource> {
        static BUNDLES: [OnceLock<FluentBundle<FluentResource>>; 6] =
            [OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new(), OnceLock::new()];
        BUNDLES[self as usize].get_or_init(|| {
            let id: LanguageIdentifier = self.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            // A resource with syntax errors still yields every message that parsed.
            let resource = FluentResource::try_new(self.source().to_owned()).unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
            bundle
        })
    }

    /// True when this language's file defines `id`.
    pub fn has(self, id: &str) -> bool {
        self.bundle().has_message(id)
    }
}

/// A message argument.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The text of message `id` in `lang` (English when `lang` lacks it).
pub fn text(lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
    let mut fluent_args = FluentArgs::new();
    for (name, value) in args {
        fluent_args.set(*name, value.clone());
    }
    for candidate in [lang, Lang::En] {
        let bundle = candidate.bundle();
        if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let formatted: Cow<'_, str> = bundle.format_pattern(pattern, Some(&fluent_args), &mut errors);
            if errors.is_empty() {
                return formatted.into_owned();
            }
            tracing::warn!(id, lang = candidate.tag(), "a localised message did not format cleanly");
        }
    }
    tracing::error!(id, "missing message");
    id.to_owned()
}

/// Shorthand for a string argument.
pub fn arg<'a>(name: &'a str, value: impl Into<Cow<'a, str>>) -> Arg<'a> {
    (name, FluentValue::String(value.into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use fluent_bundle::FluentResource;

    fn ids(lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(lang.source().to_owned()).expect("the file parses without errors");
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn languages_are_negotiated_from_tags_and_default_to_english() {
        assert_eq!(Lang::negotiate(Some("es")), Lang::Es);
        assert_eq!(Lang::negotiate(Some("pt-BR")), Lang::Pt);
        assert_eq!(Lang::negotiate(Some("el_GR")), Lang::El);
        assert_eq!(Lang::negotiate(Some("DE")), Lang::De);
        assert_eq!(Lang::negotiate(Some("ja")), Lang::En);
        assert_eq!(Lang::negotiate(Some("!!")), Lang::En);
        assert_eq!(Lang::negotiate(None), Lang::En);
    }

    #[test]
    fn every_language_parses_and_defines_every_english_message() {
        let english = ids(Lang::En);
        assert!(english.len() > 20);
        for lang in Lang::ALL {
            let mut got = ids(lang);
            got.sort();
            let mut want = english.clone();
            want.sort();
            assert_eq!(got, want, "{} defines a different set of messages", lang.tag());
        }
    }

    #[test]
    fn messages_format_with_their_arguments_in_each_language() {
        for lang in Lang::ALL {
            let t = text(lang, "order-not-found", &[arg("number", "1000001")]);
            assert!(t.contains("1000001") && t.contains("`search_orders`"), "{}: {t}", lang.tag());
            assert!(!t.contains('\u{2068}'), "no isolation marks");
        }
        assert!(text(Lang::Es, "order-not-found", &[arg("number", "1")]).starts_with("No se"));
    }

    #[test]
    fn selectors_pick_the_right_variant() {
        let typed =
            |expected: &str| text(Lang::En, "arg-type", &[arg("field", "limit"), arg("expected", expected.to_owned())]);
        assert_eq!(typed("integer"), "`limit` must be a whole number.");
        assert_eq!(typed("string"), "`limit` must be a string.");
        let none = text(Lang::En, "search-none-for-email", &[arg("email", "a@b.c"), arg("status", "none")]);
        assert!(none.starts_with("No orders were found for a@b.c."), "{none}");
        let some = text(Lang::En, "search-none-for-email", &[arg("email", "a@b.c"), arg("status", "shipped")]);
        assert!(some.starts_with("No orders in status shipped were found"), "{some}");
    }

    #[test]
    fn an_unknown_message_falls_back_to_its_id() {
        assert_eq!(text(Lang::Fr, "no-such-message", &[]), "no-such-message");
    }
}
