/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! One link-value of a `Link` header, and reading link-values the way
//! Servo reads them.
//!
//! There is one `Link` parser in the engine: Servo's preload processing
//! (servo-script's `extract_links_from_headers`) reads a `Link` header with
//! Fetch's "get, decode, and split" (servo-net-traits'
//! `get_decode_and_split_header_name`) and the `nom-rfc8288` crate's lenient
//! parser. [`parse_field_value`] is that parser's half, for one value of the
//! split; net (foreign-fetch-net's `link` module) does the split with
//! Servo's function and calls it for each value, so that a header means the
//! same to preloads and to service worker registration.

use std::fmt;

use nom_rfc8288::complete::link_lenient;
use url::Url;

/// One link-value of a `Link` header: its target and its parameters, as
/// [RFC 8288 Appendix B.2](https://www.rfc-editor.org/rfc/rfc8288#appendix-B.2)
/// reads them.
///
/// Parameter names are lowercase and values unquoted. Parameters keep their
/// order and duplicates; the accessors implement "the first occurrence wins".
#[derive(Clone, Debug, Default, Eq, Hash, PartialEq)]
pub struct LinkValue {
    target: String,
    params: Vec<(String, String)>,
}

impl LinkValue {
    /// A link-value with `target` (the URI-Reference between `<` and `>`) and
    /// no parameters.
    pub fn new(target: impl Into<String>) -> LinkValue {
        LinkValue {
            target: target.into(),
            params: Vec::new(),
        }
    }

    /// Adds a parameter (its name is lowercased), builder style.
    pub fn with_param(mut self, name: &str, value: impl Into<String>) -> LinkValue {
        self.params.push((name.to_ascii_lowercase(), value.into()));
        self
    }

    /// The link target, unresolved.
    pub fn target(&self) -> &str {
        &self.target
    }

    /// All parameters in order, names lowercase.
    pub fn params(&self) -> &[(String, String)] {
        &self.params
    }

    /// The value of the first parameter called `name` (ASCII case-insensitive).
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(param_name, _)| param_name.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Whether there is a parameter called `name` (ASCII case-insensitive).
    pub fn has_param(&self, name: &str) -> bool {
        self.param(name).is_some()
    }

    /// The relation types: RFC 8288 Appendix B.2 steps 9 and 10, "Let
    /// relations_string be the second item of the first tuple of
    /// link_parameters whose first item matches the string "rel" or the empty
    /// string ("") if it is not present. Split relations_string on RWS
    /// (removing it in the process) into a list of string relation_types."
    /// They are compared case-insensitively (step 17.1 lowercases them).
    pub fn relation_types(&self) -> impl Iterator<Item = &str> {
        self.param("rel")
            .unwrap_or("")
            .split([' ', '\t'])
            .filter(|relation_type| !relation_type.is_empty())
    }

    /// Whether `relation_type` is one of [`LinkValue::relation_types`]
    /// (ASCII case-insensitive).
    pub fn has_relation_type(&self, relation_type: &str) -> bool {
        self.relation_types()
            .any(|candidate| candidate.eq_ignore_ascii_case(relation_type))
    }

    /// RFC 8288 Appendix B.2 step 8: "Let target_uri be the result of
    /// relatively resolving (as per \[RFC3986\], Section 5.2) target_string."
    /// Resolution uses the URL Standard's parser, as browsers do.
    pub fn resolve_target(&self, base: &Url) -> Option<Url> {
        base.join(&self.target).ok()
    }

    /// Appends the serialization of this link-value to `out`: `<target>`
    /// followed by `; name="value"` for each parameter.
    ///
    /// What a header value cannot hold is made safe: bytes of the target that
    /// would end it (`>`), controls and whitespace are percent-encoded;
    /// controls other than HTAB are dropped from parameter values; parameters
    /// whose name is empty or holds a delimiter (whitespace, `=`, `;`, `,`)
    /// are left out.
    fn serialize_into(&self, out: &mut Vec<u8>) {
        out.push(b'<');
        for byte in self.target.bytes() {
            if byte <= b' ' || byte == b'>' || byte == 0x7F {
                out.extend_from_slice(format!("%{byte:02X}").as_bytes());
            } else {
                out.push(byte);
            }
        }
        out.push(b'>');
        for (name, value) in &self.params {
            if name.is_empty()
                || name
                    .bytes()
                    .any(|byte| byte <= b' ' || matches!(byte, b'=' | b';' | b',' | 0x7F))
            {
                continue;
            }
            out.extend_from_slice(b"; ");
            out.extend_from_slice(name.as_bytes());
            out.extend_from_slice(b"=\"");
            for byte in value.bytes() {
                match byte {
                    b'"' | b'\\' => out.extend_from_slice(&[b'\\', byte]),
                    b'\t' => out.push(byte),
                    byte if byte < b' ' || byte == 0x7F => {},
                    byte => out.push(byte),
                }
            }
            out.push(b'"');
        }
    }
}

impl fmt::Display for LinkValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::new();
        self.serialize_into(&mut bytes);
        formatter.write_str(&String::from_utf8_lossy(&bytes))
    }
}

/// The link-values of one value of a `Link` header (one element of Fetch's
/// get, decode, and split, or a whole field value: the parser reads a
/// comma-separated list), as `nom-rfc8288`'s lenient parser reads them: a
/// value that does not parse gives none, empty list elements and empty
/// parameters are skipped. Parameter names are lowercased (RFC 8288: they
/// are case-insensitive); a parameter without a value has the empty value.
pub fn parse_field_value(field_value: &str) -> Vec<LinkValue> {
    let Ok(parsed) = link_lenient(field_value) else {
        log::debug!("Ignoring a Link header value that does not parse: {field_value:?}");
        return Vec::new();
    };
    parsed
        .into_iter()
        .flatten()
        .map(|data| {
            data.params
                .iter()
                .fold(LinkValue::new(data.url), |link, param| {
                    link.with_param(param.key, param.val.clone().unwrap_or_default())
                })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(target: &str, params: &[(&str, &str)]) -> LinkValue {
        params
            .iter()
            .fold(LinkValue::new(target), |link, (name, value)| {
                link.with_param(name, *value)
            })
    }

    #[test]
    fn one_and_several_links() {
        assert_eq!(
            parse_field_value(r#"</sw.js>; rel="serviceworker"; scope="/api/""#),
            vec![link(
                "/sw.js",
                &[("rel", "serviceworker"), ("scope", "/api/")]
            )]
        );
        let links = parse_field_value(r#"<a>; rel=preload, <b>; rel="serviceworker""#);
        assert_eq!(links.len(), 2);
        assert_eq!(links[1].target(), "b");
        assert!(links[1].has_relation_type("serviceworker"));
    }

    #[test]
    fn parameter_names_are_case_insensitive_and_the_first_wins() {
        let links = parse_field_value(r#"<a>; REL=one; rel=serviceworker; Scope="/x""#);
        assert_eq!(links[0].params()[0].0, "rel");
        assert_eq!(links[0].param("rel"), Some("one"));
        assert_eq!(links[0].param("SCOPE"), Some("/x"));
        assert!(!links[0].has_relation_type("serviceworker"));
    }

    #[test]
    fn an_unquoted_value_that_is_not_a_token_drops_the_link() {
        // RFC 8288's grammar, as nom-rfc8288 (and so Servo) reads it: "/" is
        // not a token character, so `scope=/x` must be quoted.
        assert!(parse_field_value("<a>; rel=serviceworker; scope=/x").is_empty());
        assert_eq!(
            parse_field_value(r#"<a>; rel=serviceworker; scope="/x""#).len(),
            1
        );
    }

    #[test]
    fn several_relation_types() {
        let links = parse_field_value(r#"<a>; rel="preload serviceworker""#);
        assert!(links[0].has_relation_type("serviceworker"));
        assert!(!links[0].has_relation_type("service"));
    }

    #[test]
    fn quoted_strings_with_escapes_and_commas() {
        let links = parse_field_value(r#"<a,b>; title="x, \"y\""; rel=serviceworker"#);
        assert_eq!(links.len(), 1, "{links:?}");
        assert_eq!(links[0].target(), "a,b");
        assert_eq!(links[0].param("title"), Some(r#"x, "y""#));
    }

    #[test]
    fn garbage_gives_nothing_and_never_panics() {
        for value in ["", " , ", "<", "<a", "a>; rel", ";;;", "<a>; =", "\u{0}<>"] {
            let _ = parse_field_value(value);
        }
        assert!(parse_field_value("no link here").is_empty());
    }

    #[test]
    fn serialization_reads_back() {
        let original = link(
            "/sw.js?a=b",
            &[("rel", "serviceworker"), ("title", "a \"q\" \\ b")],
        );
        assert_eq!(parse_field_value(&original.to_string()), vec![original]);
    }

    #[test]
    fn resolves_target_against_a_base() {
        let base = Url::parse("https://cdn.test/fonts/css").unwrap();
        assert_eq!(
            link("../sw.js", &[])
                .resolve_target(&base)
                .unwrap()
                .as_str(),
            "https://cdn.test/sw.js"
        );
        assert!(link("https://[", &[]).resolve_target(&base).is_none());
    }
}
