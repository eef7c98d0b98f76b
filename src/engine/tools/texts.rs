//! Texts in the conversation's language (Moveo sends it in `_meta["moveo/context"].lang`),
//! through Project Fluent. A [`Catalog`] holds one Fluent file per [`Lang`], compiled into the
//! binary and parsed on first use; English is the fallback for an unknown language or a message a
//! translation lacks. The engine's own catalog (argument validation, tool failures) is
//! `locales/engine/`; a product keeps its texts in a catalog of its own.

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
}

/// One Fluent file per language (in [`Lang::ALL`] order), parsed on first use.
pub struct Catalog {
    sources: [&'static str; 6],
    bundles: [OnceLock<FluentBundle<FluentResource>>; 6],
}

impl std::fmt::Debug for Catalog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Catalog")
    }
}

impl Catalog {
    /// A catalog of the Fluent `sources` for en, es, pt, fr, de and el, in that order.
    pub const fn new(sources: [&'static str; 6]) -> Self {
        Catalog {
            sources,
            bundles: [
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
                OnceLock::new(),
            ],
        }
    }

    /// The Fluent source of `lang`.
    pub fn source(&self, lang: Lang) -> &'static str {
        self.sources[lang as usize]
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        self.bundles[lang as usize].get_or_init(|| {
            let id: LanguageIdentifier = lang.tag().parse().unwrap_or_default();
            let mut bundle = FluentBundle::new_concurrent(vec![id]);
            bundle.set_use_isolating(false);
            // A resource with syntax errors still yields every message that parsed.
            let resource = FluentResource::try_new(self.source(lang).to_owned()).unwrap_or_else(|(partial, _)| partial);
            let _ = bundle.add_resource(resource);
            bundle
        })
    }

    /// True when `lang`'s file defines `id`.
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// The text of message `id` in `lang` (English when `lang` lacks it).
    pub fn text(&self, lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
        let mut fluent_args = FluentArgs::new();
        for (name, value) in args {
            fluent_args.set(*name, value.clone());
        }
        for candidate in [lang, Lang::En] {
            let bundle = self.bundle(candidate);
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

    /// The ids of the messages `lang`'s file defines (for tests that every language has all).
    pub fn message_ids(&self, lang: Lang) -> Vec<String> {
        let resource = FluentResource::try_new(self.source(lang).to_owned()).unwrap_or_else(|(partial, _)| partial);
        resource
            .entries()
            .filter_map(|e| match e {
                fluent_syntax::ast::Entry::Message(m) => Some(m.id.name.to_owned()),
                _ => None,
            })
            .collect()
    }
}

/// The engine's own texts.
static ENGINE: Catalog = Catalog::new([
    include_str!("../../../locales/engine/en.ftl"),
    include_str!("../../../locales/engine/es.ftl"),
    include_str!("../../../locales/engine/pt.ftl"),
    include_str!("../../../locales/engine/fr.ftl"),
    include_str!("../../../locales/engine/de.ftl"),
    include_str!("../../../locales/engine/el.ftl"),
]);

/// A message argument.
pub type Arg<'a> = (&'a str, FluentValue<'a>);

/// The text of the engine's message `id` in `lang` (English when `lang` lacks it).
pub fn text(lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
    ENGINE.text(lang, id, args)
}

/// Shorthand for a string argument.
pub fn arg<'a>(name: &'a str, value: impl Into<Cow<'a, str>>) -> Arg<'a> {
    (name, FluentValue::String(value.into()))
}

/// Checks that a catalog parses in every language and that each defines exactly the English
/// messages; the problems found, if any (for the product's tests and the engine's own).
pub fn catalog_problems(catalog: &Catalog) -> Vec<String> {
    let mut problems = Vec::new();
    let mut english = catalog.message_ids(Lang::En);
    english.sort();
    for lang in Lang::ALL {
        if let Err((_, errors)) = FluentResource::try_new(catalog.source(lang).to_owned()) {
            problems.push(format!("{}: {} syntax errors", lang.tag(), errors.len()));
        }
        let mut ids = catalog.message_ids(lang);
        ids.sort();
        if ids != english {
            problems.push(format!("{} defines a different set of messages than en", lang.tag()));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn every_language_parses_and_defines_every_english_engine_message() {
        assert!(ENGINE.message_ids(Lang::En).len() > 10);
        assert_eq!(catalog_problems(&ENGINE), Vec::<String>::new());
    }

    #[test]
    fn a_catalog_with_a_missing_translation_is_reported() {
        static PARTIAL: Catalog = Catalog::new([
            "a = A\nb = B\n",
            "a = A\n",
            "a = A\nb = B\n",
            "a = A\nb = B\n",
            "a = A\nb = B\n",
            "a = A\nb = B\n",
        ]);
        assert_eq!(catalog_problems(&PARTIAL), vec!["es defines a different set of messages than en".to_owned()]);
        assert_eq!(PARTIAL.text(Lang::Es, "b", &[]), "B", "English fills the gap");
    }

    #[test]
    fn messages_format_with_their_arguments_in_each_language() {
        for lang in Lang::ALL {
            let t = text(lang, "arg-required", &[arg("field", "order_number"), arg("description", "d")]);
            assert!(t.contains("`order_number`"), "{}: {t}", lang.tag());
            assert!(!t.contains('\u{2068}'), "no isolation marks");
        }
        assert!(text(Lang::Es, "arg-required", &[arg("field", "x"), arg("description", "d")]).contains("obligatorio"));
    }

    #[test]
    fn selectors_pick_the_right_variant() {
        let typed =
            |expected: &str| text(Lang::En, "arg-type", &[arg("field", "limit"), arg("expected", expected.to_owned())]);
        assert_eq!(typed("integer"), "`limit` must be a whole number.");
        assert_eq!(typed("string"), "`limit` must be a string.");
    }

    #[test]
    fn an_unknown_message_falls_back_to_its_id() {
        assert_eq!(text(Lang::Fr, "no-such-message", &[]), "no-such-message");
    }
}
