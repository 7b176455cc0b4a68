/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Property tests of reading `Link` header values (with Servo's parser,
//! `nom-rfc8288`) and of the service worker rules on what it reads: it never
//! panics, and it reads back every well-formed value however it is spaced,
//! cased and quoted.

use foreign_fetch::link::{LinkValue, parse_field_value, service_worker_links};
use proptest::prelude::*;
use url::Url;

/// A parameter of a generated well-formed link.
#[derive(Clone, Debug)]
struct Param {
    name: String,
    value: Option<String>,
    quote: bool,
    upper: Vec<bool>,
}

#[derive(Clone, Debug)]
struct GeneratedLink {
    target: String,
    params: Vec<Param>,
}

/// Optional whitespace, as OWS/BWS allow.
#[derive(Clone, Debug)]
struct Spacing(Vec<&'static str>);

const TCHARS: &str =
    "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

fn token() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        proptest::sample::select(TCHARS.chars().collect::<Vec<_>>()),
        1..8,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

/// Text for a quoted string: visible ASCII, space, tab, and some non-ASCII.
fn quoted_text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ \t!-~éü]{0,12}").unwrap()
}

/// A URI-reference-like target: no `>`, no whitespace or controls.
fn target() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[!-=?-~é]{0,24}").unwrap()
}

fn param() -> impl Strategy<Value = Param> {
    (
        token(),
        prop_oneof![
            1 => Just(None),
            4 => (token(), any::<bool>()).prop_map(|(value, quote)| Some((value, quote))),
            4 => quoted_text().prop_map(|value| Some((value, true))),
        ],
        proptest::collection::vec(any::<bool>(), 8),
    )
        .prop_map(|(name, value, upper)| Param {
            name,
            quote: value.as_ref().is_some_and(|(_, quote)| *quote),
            value: value.map(|(value, _)| value),
            upper,
        })
}

fn generated_link() -> impl Strategy<Value = GeneratedLink> {
    (target(), proptest::collection::vec(param(), 0..5))
        .prop_map(|(target, params)| GeneratedLink { target, params })
}

fn spacing() -> impl Strategy<Value = Spacing> {
    proptest::collection::vec(proptest::sample::select(vec!["", "", " ", "\t", "  "]), 64)
        .prop_map(Spacing)
}

fn quote(value: &str, escape_all: bool) -> String {
    let mut out = String::from("\"");
    for c in value.chars() {
        if c == '"' || c == '\\' || escape_all {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// Serializes links into one field value, with the given whitespace (OWS
/// around ";" and ",").
fn serialize(links: &[GeneratedLink], spacing: &Spacing, escape_all: bool) -> String {
    let mut space = spacing.0.iter().cycle();
    let mut out = String::new();
    for (index, link) in links.iter().enumerate() {
        if index > 0 {
            out.push_str(space.next().unwrap());
            out.push(',');
            out.push_str(space.next().unwrap());
        }
        out.push('<');
        out.push_str(&link.target);
        out.push('>');
        for param in &link.params {
            out.push_str(space.next().unwrap());
            out.push(';');
            out.push_str(space.next().unwrap());
            let name: String = param
                .name
                .chars()
                .zip(param.upper.iter().cycle())
                .map(|(c, upper)| if *upper { c.to_ascii_uppercase() } else { c })
                .collect();
            out.push_str(&name);
            if let Some(value) = &param.value {
                // No BWS around "=": RFC 8288 allows it, nom-rfc8288 (the
                // parser Servo uses) does not.
                out.push('=');
                if param.quote {
                    out.push_str(&quote(value, escape_all));
                } else {
                    out.push_str(value);
                }
            }
        }
    }
    out
}

fn expected(link: &GeneratedLink) -> LinkValue {
    link.params
        .iter()
        .fold(LinkValue::new(link.target.clone()), |value, param| {
            value.with_param(&param.name, param.value.clone().unwrap_or_default())
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn never_panics_on_any_text(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        // Fetch's "get, decode, and split" decodes isomorphically: every
        // byte is a char.
        let text: String = bytes.iter().map(|&byte| char::from(byte)).collect();
        let links = parse_field_value(&text);
        let base = Url::parse("https://cdn.test/a/b").unwrap();
        let _ = service_worker_links(&links, &base);
    }

    #[test]
    fn never_panics_on_link_shaped_text(
        text in proptest::string::string_regex("[<>;=,\" \t\\\\a-z/*é]{0,64}").unwrap()
    ) {
        let links = parse_field_value(&text);
        let base = Url::parse("https://cdn.test/").unwrap();
        let _ = service_worker_links(&links, &base);
    }

    #[test]
    fn reads_back_well_formed_links(
        links in proptest::collection::vec(generated_link(), 0..5),
        spacing in spacing(),
        escape_all in any::<bool>(),
    ) {
        let field_value = serialize(&links, &spacing, escape_all);
        let parsed = parse_field_value(&field_value);
        let wanted: Vec<LinkValue> = links.iter().map(expected).collect();
        prop_assert_eq!(parsed, wanted, "{}", field_value);
    }
}
