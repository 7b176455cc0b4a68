/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The `Link` header field value parser of
//! [RFC 8288 Appendix B](https://www.rfc-editor.org/rfc/rfc8288#appendix-B),
//! with recovery from malformed link-values.

use std::fmt;
use std::str;

use http::HeaderValue;
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
    pub(crate) fn serialize_into(&self, out: &mut Vec<u8>) {
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

    /// This link-value as a header value of its own.
    pub fn to_header_value(&self) -> Option<HeaderValue> {
        let mut bytes = Vec::new();
        self.serialize_into(&mut bytes);
        HeaderValue::from_bytes(&bytes).ok()
    }
}

impl fmt::Display for LinkValue {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut bytes = Vec::new();
        self.serialize_into(&mut bytes);
        formatter.write_str(&String::from_utf8_lossy(&bytes))
    }
}

/// [RFC 8288 Appendix B.1](https://www.rfc-editor.org/rfc/rfc8288#appendix-B.1),
/// "Parsing a Header Set for Links", given the values of the `Link` fields.
pub fn parse_header_values<'a>(
    values: impl IntoIterator<Item = &'a HeaderValue>,
) -> Vec<LinkValue> {
    // Step 1. Let field_values be a list containing the members of header_set
    // whose field_name is a case-insensitive match for "link". (The caller
    // passes exactly those.)
    // Step 2. Let links be an empty list.
    let mut links = Vec::new();
    // Step 3. For each field_value in field_values:
    for value in values {
        // Step 3.1. Let value_links be the result of Parsing a Link Field
        // Value (Appendix B.2) from field_value.
        // Step 3.2. Append each member of value_links to links.
        links.extend(parse_field_value(value.as_bytes()));
    }
    // Step 4. Return links.
    links
}

/// [RFC 8288 Appendix B.2](https://www.rfc-editor.org/rfc/rfc8288#appendix-B.2),
/// "Parsing a Link Field Value", up to and including step 7; the later steps
/// (resolution, relation types, anchor) are the accessors of [`LinkValue`].
///
/// Two deviations, both in the direction of what Chromium's parser does:
/// - The algorithm as written never consumes the `,` between link-values
///   (B.3 stops in front of it and B.2 then fails to find `<`), so only the
///   first link would ever be returned; empty list elements and the comma are
///   skipped here.
/// - Where the algorithm returns (no `<`, no `>`, or unparsable text after
///   the parameters), only the malformed link-value is dropped and parsing
///   resumes after the next comma outside quotes and angle brackets.
///
/// Unquoted parameter values lose trailing whitespace. A field value that is
/// not UTF-8 is read as Latin-1 (isomorphic decoding), as Fetch reads header
/// values. RFC 8187 `name*` parameters are kept undecoded: none of the
/// parameters foreign fetch reads is one.
pub fn parse_field_value(field_value: &[u8]) -> Vec<LinkValue> {
    let decoder = Decoder::for_value(field_value);
    let mut input = Cursor {
        bytes: field_value,
        position: 0,
    };

    // Step 1. Let links be an empty list.
    let mut links = Vec::new();

    // Step 2. While field_value has content:
    while !input.is_empty() {
        let start = input.position;

        // Step 2.1. Consume any leading OWS.
        input.skip_ows();
        // (Deviation, see above: skip empty elements and separators.)
        if input.eat(b',') || input.is_empty() {
            continue;
        }

        match parse_link_value(&mut input, decoder) {
            Some(link) if input.is_empty() || input.peek() == Some(b',') => links.push(link),
            _ => {
                // (Deviation, see above: drop this link-value only.)
                log::debug!(
                    "Ignoring malformed link-value in Link header: {:?}",
                    String::from_utf8_lossy(&field_value[start..])
                );
                input.skip_to_next_element();
            },
        }

        // Every iteration consumes input, so this loop ends; make sure of it.
        if input.position == start {
            input.position += 1;
        }
    }

    // Step 3. Return links.
    links
}

/// Steps 2.2 to 2.7 of RFC 8288 Appendix B.2 for one link-value; `None` where
/// the algorithm would "return links".
fn parse_link_value(input: &mut Cursor<'_>, decoder: Decoder) -> Option<LinkValue> {
    // Step 2.2. If the first character is not "<", return links.
    // Step 2.3. Discard the first character ("<").
    if !input.eat(b'<') {
        return None;
    }
    // Step 2.4. Consume up to but not including the first ">" character or end
    // of field_value and let the result be target_string.
    let target_string = input.take_while(|byte| byte != b'>');
    // Step 2.5. If the next character is not ">", return links.
    // Step 2.6. Discard the leading ">" character.
    if !input.eat(b'>') {
        return None;
    }
    // Step 2.7. Let link_parameters be the result of Parsing Parameters
    // (Appendix B.3) from field_value (consuming zero or more characters of
    // it).
    let params = parse_parameters(input, decoder);
    Some(LinkValue {
        target: decoder.decode(target_string),
        params,
    })
}

/// [RFC 8288 Appendix B.3](https://www.rfc-editor.org/rfc/rfc8288#appendix-B.3),
/// "Parsing Parameters".
fn parse_parameters(input: &mut Cursor<'_>, decoder: Decoder) -> Vec<(String, String)> {
    // Step 1. Let parameters be an empty list.
    let mut parameters = Vec::new();

    // Step 2. While input has content:
    while !input.is_empty() {
        // Step 2.1. Consume any leading OWS.
        input.skip_ows();
        // Step 2.2. If the first character is not ";", return parameters.
        // Step 2.3. Discard the leading ";" character.
        if !input.eat(b';') {
            return parameters;
        }
        // Step 2.4. Consume any leading OWS.
        input.skip_ows();
        // Step 2.5. Consume up to but not including the first BWS, "=", ";",
        // or "," character, or up to the end of input, and let the result be
        // parameter_name.
        let parameter_name =
            input.take_while(|byte| !matches!(byte, b' ' | b'\t' | b'=' | b';' | b','));
        // Step 2.6. Consume any leading BWS.
        input.skip_ows();
        // Step 2.7. If the next character is "=":
        let parameter_value = if input.eat(b'=') {
            // Step 2.7.1. Discard the leading "=" character.
            // Step 2.7.2. Consume any leading BWS.
            input.skip_ows();
            if input.peek() == Some(b'"') {
                // Step 2.7.3. If the next character is DQUOTE, let
                // parameter_value be the result of Parsing a Quoted String
                // (Appendix B.4) from input (consuming zero or more characters
                // of it).
                decoder.decode(&parse_quoted_string(input))
            } else {
                // Step 2.7.4. Else, consume the contents up to but not
                // including the first ";" or "," character, or up to the end
                // of input, and let the results be parameter_value.
                let value = input.take_while(|byte| byte != b';' && byte != b',');
                let end = value
                    .iter()
                    .rposition(|byte| !matches!(byte, b' ' | b'\t'))
                    .map_or(0, |last| last + 1);
                decoder.decode(&value[..end])
            }
            // Step 2.7.5. If the last character of parameter_name is an
            // asterisk ("*"), decode parameter_value according to [RFC8187].
            // (Not done, see parse_field_value.)
        } else {
            // Step 2.8. Else: Let parameter_value be an empty string.
            String::new()
        };
        // Step 2.9. Case-normalize parameter_name to lowercase.
        // Step 2.10. Append (parameter_name, parameter_value) to parameters.
        // (A parameter without a name means nothing and is not kept.)
        if !parameter_name.is_empty() {
            parameters.push((
                decoder.decode(parameter_name).to_ascii_lowercase(),
                parameter_value,
            ));
        }
        // Step 2.11. Consume any leading OWS.
        input.skip_ows();
        // Step 2.12. If the next character is "," or the end of input, stop
        // processing input and return parameters.
        if input.is_empty() || input.peek() == Some(b',') {
            return parameters;
        }
    }

    // Step 3. Return parameters.
    parameters
}

/// [RFC 8288 Appendix B.4](https://www.rfc-editor.org/rfc/rfc8288#appendix-B.4),
/// "Parsing a Quoted String"; returns the unescaped bytes.
fn parse_quoted_string(input: &mut Cursor<'_>) -> Vec<u8> {
    // Step 1. Let output be an empty string.
    let mut output = Vec::new();
    // Step 2. If the first character of input is not DQUOTE, return output.
    // Step 3. Discard the first character.
    if !input.eat(b'"') {
        return output;
    }
    // Step 4. While input has content:
    while let Some(byte) = input.next() {
        match byte {
            // Step 4.1. If the first character is a backslash ("\"):
            b'\\' => match input.next() {
                // Step 4.1.1. Discard the first character.
                // Step 4.1.2. If there is no more input, return output.
                None => return output,
                // Step 4.1.3. Else, consume the first character and append it
                // to output.
                Some(escaped) => output.push(escaped),
            },
            // Step 4.2. Else, if the first character is DQUOTE, discard it and
            // return output.
            b'"' => return output,
            // Step 4.3. Else, consume the first character and append it to
            // output.
            other => output.push(other),
        }
    }
    // Step 5. Return output.
    output
}

/// How the bytes of one field value become text.
#[derive(Clone, Copy)]
enum Decoder {
    Utf8,
    Isomorphic,
}

impl Decoder {
    fn for_value(value: &[u8]) -> Decoder {
        if str::from_utf8(value).is_ok() {
            Decoder::Utf8
        } else {
            Decoder::Isomorphic
        }
    }

    fn decode(self, bytes: &[u8]) -> String {
        match self {
            // Pieces are cut at ASCII bytes, which never split a UTF-8
            // sequence, so a UTF-8 field value gives UTF-8 pieces.
            Decoder::Utf8 => String::from_utf8_lossy(bytes).into_owned(),
            Decoder::Isomorphic => bytes.iter().copied().map(char::from).collect(),
        }
    }
}

/// A position in a field value.
struct Cursor<'a> {
    bytes: &'a [u8],
    position: usize,
}

impl<'a> Cursor<'a> {
    fn is_empty(&self) -> bool {
        self.position >= self.bytes.len()
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.position).copied()
    }

    fn next(&mut self) -> Option<u8> {
        let byte = self.peek()?;
        self.position += 1;
        Some(byte)
    }

    fn eat(&mut self, expected: u8) -> bool {
        if self.peek() == Some(expected) {
            self.position += 1;
            true
        } else {
            false
        }
    }

    fn take_while(&mut self, predicate: impl Fn(u8) -> bool) -> &'a [u8] {
        let start = self.position.min(self.bytes.len());
        while self.peek().is_some_and(&predicate) {
            self.position += 1;
        }
        &self.bytes[start..self.position.min(self.bytes.len())]
    }

    /// OWS and BWS: `*( SP / HTAB )`.
    fn skip_ows(&mut self) {
        self.take_while(|byte| byte == b' ' || byte == b'\t');
    }

    /// Moves to the next `,` that is outside quoted strings and angle
    /// brackets, or to the end.
    fn skip_to_next_element(&mut self) {
        while let Some(byte) = self.peek() {
            match byte {
                b',' => return,
                b'"' => {
                    parse_quoted_string(self);
                },
                b'<' => {
                    self.take_while(|byte| byte != b'>');
                    self.eat(b'>');
                },
                _ => self.position += 1,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: &str) -> Vec<LinkValue> {
        parse_field_value(value.as_bytes())
    }

    fn link(target: &str, params: &[(&str, &str)]) -> LinkValue {
        params
            .iter()
            .fold(LinkValue::new(target), |link, (name, value)| {
                link.with_param(name, *value)
            })
    }

    #[test]
    fn one_link() {
        assert_eq!(
            parse(r#"</sw.js>; rel="serviceworker"; scope="/""#),
            vec![link("/sw.js", &[("rel", "serviceworker"), ("scope", "/")])]
        );
    }

    #[test]
    fn several_links_in_one_value() {
        assert_eq!(
            parse(r#"<a>; rel=next, <b>; rel="prev" ,<c>"#),
            vec![
                link("a", &[("rel", "next")]),
                link("b", &[("rel", "prev")]),
                link("c", &[])
            ]
        );
    }

    #[test]
    fn several_header_values() {
        let values = [
            HeaderValue::from_static("<a>; rel=x"),
            HeaderValue::from_static("<b>; rel=y, <c>"),
        ];
        let links = parse_header_values(&values);
        assert_eq!(links.len(), 3);
        assert_eq!(links[2].target(), "c");
    }

    #[test]
    fn tokens_and_quoted_strings_with_escapes() {
        assert_eq!(
            parse(r#"<a>; title="a \"quoted\" \\ word, with; delimiters"; x=tok"#),
            vec![link(
                "a",
                &[
                    ("title", r#"a "quoted" \ word, with; delimiters"#),
                    ("x", "tok")
                ]
            )]
        );
    }

    #[test]
    fn parameter_names_are_case_insensitive() {
        let links = parse(r#"<a>; REL="ServiceWorker"; Scope=/x"#);
        assert_eq!(links[0].params()[0].0, "rel");
        assert_eq!(links[0].param("scope"), Some("/x"));
        assert_eq!(links[0].param("SCOPE"), Some("/x"));
        assert!(links[0].has_relation_type("serviceworker"));
    }

    #[test]
    fn several_relation_types() {
        let links = parse("<a>; rel=\"preload  ServiceWorker\tnext\"");
        assert_eq!(
            links[0].relation_types().collect::<Vec<_>>(),
            vec!["preload", "ServiceWorker", "next"]
        );
        assert!(links[0].has_relation_type("serviceworker"));
        assert!(!links[0].has_relation_type("service"));
    }

    #[test]
    fn first_parameter_wins() {
        let links = parse("<a>; rel=one; rel=serviceworker; scope=/a; scope=/b");
        assert_eq!(links[0].param("rel"), Some("one"));
        assert!(!links[0].has_relation_type("serviceworker"));
        assert_eq!(links[0].param("scope"), Some("/a"));
        assert_eq!(links[0].params().len(), 4);
    }

    #[test]
    fn whitespace_around_everything() {
        assert_eq!(
            parse(" \t<a> ;rel = \"x\" ; flag ; v = tok \t, \t<b>"),
            vec![
                link("a", &[("rel", "x"), ("flag", ""), ("v", "tok")]),
                link("b", &[])
            ]
        );
    }

    #[test]
    fn commas_inside_targets_and_quotes_do_not_split() {
        assert_eq!(
            parse(r#"</a,b>; title="x, <y>", <c>"#),
            vec![link("/a,b", &[("title", "x, <y>")]), link("c", &[])]
        );
    }

    #[test]
    fn malformed_link_values_are_dropped() {
        // No angle brackets, junk after the target, junk after a parameter,
        // unterminated target: each is dropped, the others survive.
        assert_eq!(
            parse(r#"nope, <a>; rel=x, <b> junk; rel=y, <c>; rel="z" junk, <d>"#),
            vec![link("a", &[("rel", "x")]), link("d", &[])]
        );
        assert_eq!(parse("<a>, <unterminated"), vec![link("a", &[])]);
        assert_eq!(
            parse("<a>, \"<b>, <c>\", <d>"),
            vec![link("a", &[]), link("d", &[])]
        );
    }

    #[test]
    fn empty_elements_are_ignored() {
        assert_eq!(
            parse(",, <a> ,,, <b>,"),
            vec![link("a", &[]), link("b", &[])]
        );
        assert!(parse("").is_empty());
        assert!(parse(" , ").is_empty());
    }

    #[test]
    fn unterminated_quoted_string_runs_to_the_end() {
        assert_eq!(
            parse(r#"<a>; title="open, <b>"#),
            vec![link("a", &[("title", "open, <b>")])]
        );
        // The backslash escapes what would have closed the string.
        assert_eq!(
            parse(r#"<a>; title="ends in \""#),
            vec![link("a", &[("title", "ends in \"")])]
        );
        // A backslash with nothing after it ends the string.
        assert_eq!(
            parse(r#"<a>; title="x\"#),
            vec![link("a", &[("title", "x")])]
        );
    }

    #[test]
    fn non_utf8_values_are_read_as_latin1() {
        let links = parse_field_value(b"<caf\xe9>; title=\"\xe9t\xe9\"");
        assert_eq!(links[0].target(), "caf\u{e9}");
        assert_eq!(links[0].param("title"), Some("\u{e9}t\u{e9}"));
        let links = parse_field_value("<café>".as_bytes());
        assert_eq!(links[0].target(), "café");
    }

    #[test]
    fn empty_parameter_names_are_skipped() {
        assert_eq!(parse("<a>;; =x; rel=y"), vec![link("a", &[("rel", "y")])]);
    }

    #[test]
    fn serialization_round_trips() {
        let original = link(
            "/a b><",
            &[
                ("rel", "x y"),
                ("title", "say \"hi\" \\o/"),
                ("bad name", "v"),
            ],
        );
        assert_eq!(
            original.to_string(),
            r#"</a%20b%3E<>; rel="x y"; title="say \"hi\" \\o/""#
        );
        let reparsed = parse(&original.to_string());
        assert_eq!(
            reparsed,
            vec![link(
                "/a%20b%3E<",
                &[("rel", "x y"), ("title", "say \"hi\" \\o/")]
            )]
        );
    }

    #[test]
    fn resolves_target_against_a_base() {
        let base = Url::parse("https://service.test/dir/page?q").unwrap();
        assert_eq!(
            link("../sw.js", &[])
                .resolve_target(&base)
                .unwrap()
                .as_str(),
            "https://service.test/sw.js"
        );
        assert!(link("https://[", &[]).resolve_target(&base).is_none());
    }
}
