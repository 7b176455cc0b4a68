/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The Fetch header-list algorithms the Cache algorithms need: [contains], [get] (the
//! "combined value") and [get, decode, and split], used to read the `Vary` header.
//!
//! Header names are compared [byte-case-insensitively]. The splitting works on bytes: an
//! [isomorphic decode] maps each byte to one code point, and every delimiter the algorithm looks
//! for (`"`, `,`, `\`, tab, space) is ASCII, so splitting the bytes and decoding the pieces gives
//! the same strings as decoding first. Keeping the pieces as bytes lets them be compared with
//! header names without a round trip through `char`.
//!
//! [contains]: https://fetch.spec.whatwg.org/#header-list-contains
//! [get]: https://fetch.spec.whatwg.org/#concept-header-list-get
//! [get, decode, and split]: https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split
//! [byte-case-insensitively]: https://infra.spec.whatwg.org/#byte-case-insensitive
//! [isomorphic decode]: https://infra.spec.whatwg.org/#isomorphic-decode

/// Whether `name` is a [byte-case-insensitive] match for `header_name`.
///
/// [byte-case-insensitive]: https://infra.spec.whatwg.org/#byte-case-insensitive
fn name_matches(header_name: &str, name: &[u8]) -> bool {
    header_name.as_bytes().eq_ignore_ascii_case(name)
}

/// <https://fetch.spec.whatwg.org/#header-list-contains>
pub fn contains(list: &[(String, Vec<u8>)], name: &[u8]) -> bool {
    list.iter()
        .any(|(header_name, _)| name_matches(header_name, name))
}

/// <https://fetch.spec.whatwg.org/#concept-header-list-get>: the values of every header named
/// `name` (any case), in order, separated by `, `; `None` when there is none.
///
/// This is the "combined value" that [Request Matches Cached Item] compares for each name
/// `Vary` lists. (That phrase links to header list [combine], which adds a header to a list;
/// the value it means is the one that combining every header of that name would leave, which
/// is this one.)
///
/// [Request Matches Cached Item]: https://w3c.github.io/ServiceWorker/#request-matches-cached-item-algorithm
/// [combine]: https://fetch.spec.whatwg.org/#concept-header-list-combine
pub fn get(list: &[(String, Vec<u8>)], name: &[u8]) -> Option<Vec<u8>> {
    // Step 1. If list does not contain name, then return null.
    if !contains(list, name) {
        return None;
    }
    // Step 2. Return the values of all headers in list whose name is a byte-case-insensitive
    // match for name, separated from each other by 0x2C 0x20, in order.
    let mut value = Vec::new();
    for (index, (_, header_value)) in list
        .iter()
        .filter(|(header_name, _)| name_matches(header_name, name))
        .enumerate()
    {
        if index > 0 {
            value.extend_from_slice(b", ");
        }
        value.extend_from_slice(header_value);
    }
    Some(value)
}

/// <https://fetch.spec.whatwg.org/#concept-header-list-get-decode-split>, returning the
/// pieces as strings ([isomorphic decoded]), as the spec does.
///
/// [isomorphic decoded]: https://infra.spec.whatwg.org/#isomorphic-decode
pub fn get_decode_split(list: &[(String, Vec<u8>)], name: &[u8]) -> Option<Vec<String>> {
    get_split(list, name).map(|values| {
        values
            .iter()
            .map(|value| isomorphic_decode(value))
            .collect()
    })
}

/// [`get_decode_split`], but with each piece left [isomorphic encoded] (one byte per code
/// point), which is what comparing it with a header name needs.
///
/// [isomorphic encoded]: https://infra.spec.whatwg.org/#isomorphic-encode
pub(crate) fn get_split(list: &[(String, Vec<u8>)], name: &[u8]) -> Option<Vec<Vec<u8>>> {
    // Step 1. Let value be the result of getting name from list.
    // Step 2. If value is null, then return null.
    let value = get(list, name)?;
    // Step 3. Return the result of getting, decoding, and splitting value.
    Some(split(&value))
}

/// <https://infra.spec.whatwg.org/#isomorphic-decode>
fn isomorphic_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&byte| char::from(byte)).collect()
}

/// An [HTTP tab or space byte].
///
/// [HTTP tab or space byte]: https://fetch.spec.whatwg.org/#http-tab-or-space-byte
fn is_http_tab_or_space(byte: u8) -> bool {
    byte == b'\t' || byte == b' '
}

/// <https://fetch.spec.whatwg.org/#header-value-get-decode-and-split>, on the bytes of the value
/// (see the module documentation for why that is the same).
fn split(input: &[u8]) -> Vec<Vec<u8>> {
    // Step 1. Let input be the result of isomorphic decoding value. (Bytes stand for their code
    // points here.)
    // Step 2. Let position be a position variable for input, initially pointing at the start
    // of input.
    let mut position = 0;
    // Step 3. Let values be a list of strings, initially « ».
    let mut values = Vec::new();
    // Step 4. Let temporaryValue be the empty string.
    let mut temporary_value = Vec::new();
    // Step 5. While true:
    loop {
        // Step 5.1. Append the result of collecting a sequence of code points that are not
        // U+0022 (") or U+002C (,) from input, given position, to temporaryValue.
        let start = position;
        while position < input.len() && input[position] != b'"' && input[position] != b',' {
            position += 1;
        }
        temporary_value.extend_from_slice(&input[start..position]);

        // Step 5.2. If position is not past the end of input and the code point at position
        // within input is U+0022 ("):
        if position < input.len() && input[position] == b'"' {
            // Step 5.2.1. Append the result of collecting an HTTP quoted string from input,
            // given position, to temporaryValue.
            let start = position;
            skip_http_quoted_string(input, &mut position);
            temporary_value.extend_from_slice(&input[start..position]);
            // Step 5.2.2. If position is not past the end of input, then continue.
            if position < input.len() {
                continue;
            }
        }

        // Step 5.3. Remove all HTTP tab or space from the start and end of temporaryValue.
        let trimmed_start = temporary_value
            .iter()
            .position(|&byte| !is_http_tab_or_space(byte))
            .unwrap_or(temporary_value.len());
        let trimmed_end = temporary_value
            .iter()
            .rposition(|&byte| !is_http_tab_or_space(byte))
            .map_or(trimmed_start, |last| last + 1);

        // Step 5.4. Append temporaryValue to values.
        values.push(temporary_value[trimmed_start..trimmed_end].to_vec());

        // Step 5.5. Set temporaryValue to the empty string.
        temporary_value.clear();

        // Step 5.6. If position is past the end of input, then return values.
        if position >= input.len() {
            return values;
        }

        // Step 5.7. Assert: the code point at position within input is U+002C (,).
        debug_assert_eq!(input[position], b',');

        // Step 5.8. Advance position by 1.
        position += 1;
    }
}

/// <https://fetch.spec.whatwg.org/#collect-an-http-quoted-string> with *extract-value* false:
/// advances `position` past the quoted string that starts there; the caller takes the code
/// points from the old position to the new one, which is what the algorithm returns.
fn skip_http_quoted_string(input: &[u8], position: &mut usize) {
    // Step 1. Let positionStart be position. (Kept by the caller.)
    // Step 2. Let value be the empty string. (Only needed with extract-value.)
    // Step 3. Assert: the code point at position within input is U+0022 (").
    debug_assert_eq!(input.get(*position), Some(&b'"'));
    // Step 4. Advance position by 1.
    *position += 1;
    // Step 5. While true:
    loop {
        // Step 5.1. Append the result of collecting a sequence of code points that are not
        // U+0022 (") or U+005C (\) from input, given position, to value.
        while *position < input.len() && input[*position] != b'"' && input[*position] != b'\\' {
            *position += 1;
        }
        // Step 5.2. If position is past the end of input, then break.
        let Some(&quote_or_backslash) = input.get(*position) else {
            break;
        };
        // Step 5.3. Let quoteOrBackslash be the code point at position within input.
        // Step 5.4. Advance position by 1.
        *position += 1;
        if quote_or_backslash == b'\\' {
            // Step 5.5.1. If position is past the end of input, then append U+005C (\) to
            // value and break.
            if *position >= input.len() {
                break;
            }
            // Step 5.5.2. Append the code point at position within input to value.
            // Step 5.5.3. Advance position by 1.
            *position += 1;
        } else {
            // Step 5.6.1. Assert: quoteOrBackslash is U+0022 (").
            // Step 5.6.2. Break.
            break;
        }
    }
    // Step 6. If extract-value is true, then return value. (It is false.)
    // Step 7. Return the code points from positionStart to position, inclusive, within input.
    // (Done by the caller.)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(headers: &[(&str, &str)]) -> Vec<(String, Vec<u8>)> {
        headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.as_bytes().to_vec()))
            .collect()
    }

    fn split_a(headers: &[(&str, &str)]) -> Option<Vec<String>> {
        get_decode_split(&list(headers), b"A")
    }

    #[test]
    fn get_combines_in_order_and_ignores_case() {
        let headers = list(&[("a", "1"), ("B", "2"), ("A", "3")]);
        assert_eq!(get(&headers, b"a"), Some(b"1, 3".to_vec()));
        assert_eq!(get(&headers, b"A"), Some(b"1, 3".to_vec()));
        assert_eq!(get(&headers, b"c"), None);
        assert!(contains(&headers, b"b"));
        assert!(!contains(&headers, b"c"));
    }

    #[test]
    fn get_of_a_present_empty_header_is_not_null() {
        assert_eq!(get(&list(&[("A", "")]), b"a"), Some(Vec::new()));
    }

    /// The examples of <https://fetch.spec.whatwg.org/#example-header-list-get-decode-split>.
    #[test]
    fn fetch_spec_examples() {
        let strings = |values: &[&str]| Some(values.iter().map(|v| v.to_string()).collect());
        assert_eq!(split_a(&[("A", "nosniff,")]), strings(&["nosniff", ""]));
        assert_eq!(
            split_a(&[("A", "nosniff"), ("B", "sniff"), ("A", "")]),
            strings(&["nosniff", ""])
        );
        assert_eq!(split_a(&[("A", ""), ("B", "sniff")]), strings(&[""]));
        assert_eq!(split_a(&[("B", "sniff")]), None);
        assert_eq!(
            split_a(&[("A", "text/html;\", x/x")]),
            strings(&["text/html;\", x/x"])
        );
        assert_eq!(
            split_a(&[("A", "text/html;\""), ("A", "x/x")]),
            strings(&["text/html;\", x/x"])
        );
        assert_eq!(
            split_a(&[("A", "x/x;test=\"hi\",y/y")]),
            strings(&["x/x;test=\"hi\"", "y/y"])
        );
        assert_eq!(
            split_a(&[("A", "x/x;test=\"hi\""), ("C", "**bingo**"), ("A", "y/y")]),
            strings(&["x/x;test=\"hi\"", "y/y"])
        );
        assert_eq!(
            split_a(&[("A", "x / x,,,1")]),
            strings(&["x / x", "", "", "1"])
        );
        assert_eq!(
            split_a(&[("A", "x / x"), ("A", ","), ("A", "1")]),
            strings(&["x / x", "", "", "1"])
        );
        assert_eq!(split_a(&[("A", "\"1,2\", 3")]), strings(&["\"1,2\"", "3"]));
        assert_eq!(
            split_a(&[("A", "\"1,2\""), ("D", "4"), ("A", "3")]),
            strings(&["\"1,2\"", "3"])
        );
    }

    #[test]
    fn split_trims_only_tabs_and_spaces() {
        assert_eq!(
            split_a(&[("A", " \taccept\t , \x0bx ")]),
            Some(vec!["accept".to_string(), "\x0bx".to_string()])
        );
    }

    #[test]
    fn quoted_string_escapes_and_unterminated_input() {
        // An escaped quote does not end the quoted string, so the comma inside stays.
        assert_eq!(
            split_a(&[("A", "\"a\\\",b\",c")]),
            Some(vec!["\"a\\\",b\"".to_string(), "c".to_string()])
        );
        // A backslash at the very end.
        assert_eq!(split_a(&[("A", "\"a\\")]), Some(vec!["\"a\\".to_string()]));
        // A lone quote.
        assert_eq!(split_a(&[("A", "\"")]), Some(vec!["\"".to_string()]));
    }

    #[test]
    fn split_decodes_non_ascii_bytes_isomorphically() {
        let headers = vec![("A".to_string(), vec![0xE9, b',', 0xFF])];
        assert_eq!(
            get_decode_split(&headers, b"a"),
            Some(vec!["\u{e9}".to_string(), "\u{ff}".to_string()])
        );
        assert_eq!(
            get_split(&headers, b"a"),
            Some(vec![vec![0xE9], vec![0xFF]])
        );
    }
}
