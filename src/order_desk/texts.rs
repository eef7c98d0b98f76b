//! The order desk's texts (results, refusals and next steps) in the conversation's language:
//! `locales/order-desk/<lang>.ftl`, through the engine's Fluent [`Catalog`].

use crate::engine::tools::texts::{Arg, Catalog, Lang};

static TEXTS: Catalog = Catalog::new([
    include_str!("../../locales/order-desk/en.ftl"),
    include_str!("../../locales/order-desk/es.ftl"),
    include_str!("../../locales/order-desk/pt.ftl"),
    include_str!("../../locales/order-desk/fr.ftl"),
    include_str!("../../locales/order-desk/de.ftl"),
    include_str!("../../locales/order-desk/el.ftl"),
]);

/// The text of the order desk's message `id` in `lang` (English when `lang` lacks it).
pub fn text(lang: Lang, id: &str, args: &[Arg<'_>]) -> String {
    TEXTS.text(lang, id, args)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::tools::texts::{arg, catalog_problems};

    #[test]
    fn every_language_parses_and_defines_every_english_message() {
        assert!(TEXTS.message_ids(Lang::En).len() > 15);
        assert_eq!(catalog_problems(&TEXTS), Vec::<String>::new());
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
        let none = text(Lang::En, "search-none-for-email", &[arg("email", "a@b.c"), arg("status", "none")]);
        assert!(none.starts_with("No orders were found for a@b.c."), "{none}");
        let some = text(Lang::En, "search-none-for-email", &[arg("email", "a@b.c"), arg("status", "shipped")]);
        assert!(some.starts_with("No orders in status shipped were found"), "{some}");
    }
}
