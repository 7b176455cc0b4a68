/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The Fetch standard's CORS safelists for requests: which methods and
//! request headers can be sent cross-origin without a CORS preflight.
//!
//! Handle Foreign Fetch (spec §4) only intercepts requests that pass these
//! checks; [`crate::eligibility::check`] applies them.

use std::cmp::Ordering;

/// <https://fetch.spec.whatwg.org/#cors-safelisted-method>: "A CORS-safelisted
/// method is a method that is `GET`, `HEAD`, or `POST`."
///
/// The comparison is byte-exact: Fetch has already normalized `get` to `GET`.
pub fn is_cors_safelisted_method(method: &str) -> bool {
    matches!(method, "GET" | "HEAD" | "POST")
}

/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-byte>
pub fn is_cors_unsafe_request_header_byte(byte: u8) -> bool {
    // "A CORS-unsafe request-header byte is a byte byte for which one of the
    // following is true: byte is less than 0x20 and is not 0x09 HT; byte is
    // 0x22 ("), 0x28 (left parenthesis), 0x29 (right parenthesis), 0x3A (:),
    // 0x3C (<), 0x3E (>), 0x3F (?), 0x40 (@), 0x5B ([), 0x5C (\), 0x5D (]),
    // 0x7B ({), 0x7D (}), or 0x7F DEL."
    (byte < 0x20 && byte != 0x09)
        || matches!(
            byte,
            b'"' | b'('
                | b')'
                | b':'
                | b'<'
                | b'>'
                | b'?'
                | b'@'
                | b'['
                | b'\\'
                | b']'
                | b'{'
                | b'}'
                | 0x7F
        )
}

/// The longest value a CORS-safelisted request-header may have.
pub const MAX_SAFELISTED_VALUE_LENGTH: usize = 128;

/// The largest total length of the values of the CORS-safelisted
/// request-headers of one request before they all count as CORS-unsafe.
pub const MAX_SAFELISTED_TOTAL_LENGTH: usize = 1024;

/// <https://fetch.spec.whatwg.org/#cors-safelisted-request-header>, for one
/// header on its own (the 1024-byte total is checked by
/// [`cors_unsafe_request_header_names`]).
pub fn is_cors_safelisted_request_header(name: &str, value: &[u8]) -> bool {
    // Step 1. If value's length is greater than 128, then return false.
    if value.len() > MAX_SAFELISTED_VALUE_LENGTH {
        return false;
    }

    // Step 2. Byte-lowercase name and switch on the result:
    let name = name.to_ascii_lowercase();
    match name.as_str() {
        // `accept`: If value contains a CORS-unsafe request-header byte, then
        // return false.
        "accept" => !value
            .iter()
            .copied()
            .any(is_cors_unsafe_request_header_byte),
        // `accept-language`, `content-language`: If value contains a byte that
        // is not in the range 0x30 (0) to 0x39 (9), inclusive, is not in the
        // range 0x41 (A) to 0x5A (Z), inclusive, is not in the range 0x61 (a)
        // to 0x7A (z), inclusive, and is not 0x20 (SP), 0x2A (*), 0x2C (,),
        // 0x2D (-), 0x2E (.), 0x3B (;), or 0x3D (=), then return false.
        "accept-language" | "content-language" => value.iter().all(|byte| {
            byte.is_ascii_alphanumeric()
                || matches!(byte, b' ' | b'*' | b',' | b'-' | b'.' | b';' | b'=')
        }),
        "content-type" => {
            // Step 1. If value contains a CORS-unsafe request-header byte, then
            // return false.
            if value
                .iter()
                .copied()
                .any(is_cors_unsafe_request_header_byte)
            {
                return false;
            }
            // Step 2. Let mimeType be the result of parsing the result of
            // isomorphic decoding value.
            // Step 3. If mimeType is failure, then return false.
            let Some(essence) = mime_type_essence(value) else {
                return false;
            };
            // Step 4. If mimeType's essence is not
            // "application/x-www-form-urlencoded", "multipart/form-data", or
            // "text/plain", then return false.
            matches!(
                essence.as_str(),
                "application/x-www-form-urlencoded" | "multipart/form-data" | "text/plain"
            )
        },
        "range" => {
            // Step 1. Let rangeValue be the result of parsing a single range
            // header value given value and false.
            // Step 2. If rangeValue is failure, then return false.
            // Step 3. If rangeValue[0] is null, then return false.
            matches!(
                parse_single_range_header_value(value, false),
                Some((Some(_), _))
            )
        },
        // Otherwise: Return false.
        _ => false,
    }
    // Step 3. Return true. (Folded into the arms above.)
}

/// <https://fetch.spec.whatwg.org/#cors-unsafe-request-header-names>: the
/// sorted, lowercase, de-duplicated names of the headers in `headers` that
/// would make a cross-origin request need a CORS preflight.
pub fn cors_unsafe_request_header_names(headers: &[(String, Vec<u8>)]) -> Vec<String> {
    // Step 1. Let unsafeNames be a new list.
    let mut unsafe_names = Vec::new();
    // Step 2. Let potentiallyUnsafeNames be a new list.
    let mut potentially_unsafe_names = Vec::new();
    // Step 3. Let safelistValueSize be 0.
    let mut safelist_value_size: usize = 0;

    // Step 4. For each header of headers:
    for (name, value) in headers {
        // Step 4.1. If header is not a CORS-safelisted request-header, then
        // append header's name to unsafeNames.
        if !is_cors_safelisted_request_header(name, value) {
            unsafe_names.push(name.as_str());
        } else {
            // Step 4.2. Otherwise, append header's name to
            // potentiallyUnsafeNames and increase safelistValueSize by header's
            // value's length.
            potentially_unsafe_names.push(name.as_str());
            safelist_value_size = safelist_value_size.saturating_add(value.len());
        }
    }

    // Step 5. If safelistValueSize is greater than 1024, then for each name of
    // potentiallyUnsafeNames, append name to unsafeNames.
    if safelist_value_size > MAX_SAFELISTED_TOTAL_LENGTH {
        unsafe_names.extend(potentially_unsafe_names);
    }

    // Step 6. Return the result of convert header names to a sorted-lowercase
    // set with unsafeNames.
    let mut names: Vec<String> = unsafe_names
        .into_iter()
        .map(str::to_ascii_lowercase)
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The total length of the values that count towards the 1024-byte limit:
/// those of the headers that are CORS-safelisted on their own.
pub fn safelisted_value_size(headers: &[(String, Vec<u8>)]) -> usize {
    headers
        .iter()
        .filter(|(name, value)| is_cors_safelisted_request_header(name, value))
        .fold(0usize, |total, (_, value)| {
            total.saturating_add(value.len())
        })
}

fn is_http_whitespace(byte: u8) -> bool {
    matches!(byte, b'\n' | b'\r' | b'\t' | b' ')
}

fn is_http_token_code_point(byte: u8) -> bool {
    byte.is_ascii_alphanumeric()
        || matches!(
            byte,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// The essence (`type/subtype`, lowercase) of the MIME type that
/// <https://mimesniff.spec.whatwg.org/#parse-a-mime-type> parses from the
/// isomorphic decoding of `value`, or `None` on failure.
///
/// Parameters never make parsing fail, so they are not parsed. Bytes above
/// 0x7F decode to code points that are not HTTP token code points, so working
/// on bytes gives the same answer as working on the decoded string.
pub fn mime_type_essence(value: &[u8]) -> Option<String> {
    // Step 1. Remove any leading and trailing HTTP whitespace from input.
    let start = value.iter().position(|byte| !is_http_whitespace(*byte))?;
    let end = value.iter().rposition(|byte| !is_http_whitespace(*byte))? + 1;
    let input = &value[start..end];

    // Step 2. Let position be a position variable for input, initially
    // pointing at the start of input.
    // Step 3. Let type be the result of collecting a sequence of code points
    // that are not U+002F (/) from input, given position.
    let slash = input.iter().position(|byte| *byte == b'/');
    let media_type = &input[..slash.unwrap_or(input.len())];

    // Step 4. If type is the empty string or does not solely contain HTTP
    // token code points, then return failure.
    if media_type.is_empty() || !media_type.iter().copied().all(is_http_token_code_point) {
        return None;
    }

    // Step 5. If position is past the end of input, then return failure.
    // Step 6. Advance position by 1. (This skips past U+002F (/).)
    let rest = &input[slash? + 1..];

    // Step 7. Let subtype be the result of collecting a sequence of code
    // points that are not U+003B (;) from input, given position.
    let subtype = &rest[..rest
        .iter()
        .position(|byte| *byte == b';')
        .unwrap_or(rest.len())];

    // Step 8. Remove any trailing HTTP whitespace from subtype.
    let subtype_end = subtype
        .iter()
        .rposition(|byte| !is_http_whitespace(*byte))
        .map_or(0, |last| last + 1);
    let subtype = &subtype[..subtype_end];

    // Step 9. If subtype is the empty string or does not solely contain HTTP
    // token code points, then return failure.
    if subtype.is_empty() || !subtype.iter().copied().all(is_http_token_code_point) {
        return None;
    }

    // Step 10. Let mimeType be a new MIME type record whose type is type, in
    // ASCII lowercase, and subtype is subtype, in ASCII lowercase.
    let mut essence = String::with_capacity(media_type.len() + 1 + subtype.len());
    essence.extend(
        media_type
            .iter()
            .map(|byte| char::from(byte.to_ascii_lowercase())),
    );
    essence.push('/');
    essence.extend(
        subtype
            .iter()
            .map(|byte| char::from(byte.to_ascii_lowercase())),
    );
    Some(essence)
}

/// The ASCII digits of the start and the end of a single byte range, each
/// possibly absent.
pub(crate) type SingleRange<'a> = (Option<&'a [u8]>, Option<&'a [u8]>);

/// <https://fetch.spec.whatwg.org/#simple-range-header-value>: parses
/// `bytes=start-end` and returns the ASCII digits of the start and end (each
/// possibly absent), or `None` on failure.
///
/// The numbers stay as digit strings so that arbitrarily long values compare
/// correctly without overflow.
pub(crate) fn parse_single_range_header_value(
    value: &[u8],
    allow_whitespace: bool,
) -> Option<SingleRange<'_>> {
    let skip_whitespace = |position: &mut usize| {
        if allow_whitespace {
            while value
                .get(*position)
                .is_some_and(|byte| matches!(byte, b' ' | b'\t'))
            {
                *position += 1;
            }
        }
    };
    let collect_digits = |position: &mut usize| -> Option<&[u8]> {
        let start = *position;
        while value.get(*position).is_some_and(u8::is_ascii_digit) {
            *position += 1;
        }
        (start != *position).then(|| &value[start..*position])
    };

    // Step 1. Let data be the isomorphic decoding of value.
    // Step 2. If data does not start with "bytes", then return failure.
    if !value.starts_with(b"bytes") {
        return None;
    }
    // Step 3. Let position be a position variable for data, initially pointing
    // at the 5th code point of data.
    let mut position = 5;
    // Step 4. If allowWhitespace is true, collect a sequence of code points
    // that are HTTP tab or space, from data given position.
    skip_whitespace(&mut position);
    // Step 5. If the code point at position within data is not U+003D (=), then
    // return failure.
    if value.get(position) != Some(&b'=') {
        return None;
    }
    // Step 6. Advance position by 1.
    position += 1;
    // Step 7. If allowWhitespace is true, collect a sequence of code points
    // that are HTTP tab or space, from data given position.
    skip_whitespace(&mut position);
    // Step 8. Let rangeStart be the result of collecting a sequence of code
    // points that are ASCII digits, from data given position.
    // Step 9. Let rangeStartValue be rangeStart, interpreted as decimal number,
    // if rangeStart is not the empty string; otherwise null.
    let range_start = collect_digits(&mut position);
    // Step 10. If allowWhitespace is true, collect a sequence of code points
    // that are HTTP tab or space, from data given position.
    skip_whitespace(&mut position);
    // Step 11. If the code point at position within data is not U+002D (-),
    // then return failure.
    if value.get(position) != Some(&b'-') {
        return None;
    }
    // Step 12. Advance position by 1.
    position += 1;
    // Step 13. If allowWhitespace is true, collect a sequence of code points
    // that are HTTP tab or space, from data given position.
    skip_whitespace(&mut position);
    // Step 14. Let rangeEnd be the result of collecting a sequence of code
    // points that are ASCII digits, from data given position.
    // Step 15. Let rangeEndValue be rangeEnd, interpreted as decimal number, if
    // rangeEnd is not the empty string; otherwise null.
    let range_end = collect_digits(&mut position);
    // Step 16. If position is not past the end of data, then return failure.
    if position < value.len() {
        return None;
    }
    match (range_start, range_end) {
        // Step 17. If rangeEndValue and rangeStartValue are null, then return
        // failure.
        (None, None) => None,
        // Step 18. If rangeStartValue and rangeEndValue are numbers, and
        // rangeStartValue is greater than rangeEndValue, then return failure.
        (Some(start), Some(end)) if compare_decimal(start, end) == Ordering::Greater => None,
        // Step 19. Return (rangeStartValue, rangeEndValue).
        range => Some(range),
    }
}

/// Compares two non-empty strings of ASCII digits as decimal numbers.
fn compare_decimal(a: &[u8], b: &[u8]) -> Ordering {
    let strip =
        |digits: &[u8]| -> usize { digits.iter().take_while(|digit| **digit == b'0').count() };
    let a = &a[strip(a)..];
    let b = &b[strip(b)..];
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(name: &str, value: &str) -> (String, Vec<u8>) {
        (name.to_owned(), value.as_bytes().to_vec())
    }

    #[test]
    fn safelisted_methods() {
        assert!(is_cors_safelisted_method("GET"));
        assert!(is_cors_safelisted_method("HEAD"));
        assert!(is_cors_safelisted_method("POST"));
        assert!(!is_cors_safelisted_method("PUT"));
        assert!(!is_cors_safelisted_method("SPECIAL"));
        assert!(!is_cors_safelisted_method("OPTIONS"));
        // Not normalized: Fetch only normalizes DELETE, GET, HEAD, OPTIONS,
        // POST and PUT, so a lowercase method here is some other method.
        assert!(!is_cors_safelisted_method("patch"));
    }

    #[test]
    fn accept() {
        assert!(is_cors_safelisted_request_header("Accept", b"*/*"));
        assert!(is_cors_safelisted_request_header(
            "accept",
            b"text/html, application/xhtml+xml;q=0.9"
        ));
        assert!(is_cors_safelisted_request_header("ACCEPT", b"a\tb"));
        for unsafe_value in [
            "a\"b", "(", ")", "a:b", "<", ">", "?", "@", "[", "\\", "]", "{", "}", "\x7f", "\x01",
        ] {
            assert!(
                !is_cors_safelisted_request_header("accept", unsafe_value.as_bytes()),
                "{unsafe_value:?}"
            );
        }
    }

    #[test]
    fn languages() {
        for name in ["Accept-Language", "content-language"] {
            assert!(is_cors_safelisted_request_header(name, b"en-US,en;q=0.5"));
            assert!(is_cors_safelisted_request_header(name, b"*"));
            assert!(!is_cors_safelisted_request_header(name, b"en_US"));
            assert!(!is_cors_safelisted_request_header(name, b"en\t"));
            assert!(!is_cors_safelisted_request_header(name, "fr-ç".as_bytes()));
        }
    }

    #[test]
    fn content_type() {
        for ok in [
            "text/plain",
            "TEXT/Plain",
            " text/plain ",
            "text/plain;charset=utf-8",
            "text/plain ; charset=\u{e9}",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x",
            "text/plain;",
        ] {
            assert!(
                is_cors_safelisted_request_header("Content-Type", ok.as_bytes()),
                "{ok:?}"
            );
        }
        for not_ok in [
            "text/html",
            "application/json",
            "text/plain, text/html",
            "text /plain",
            "text",
            "text/",
            "/plain",
            "",
            "text/plain; charset=\"utf-8\"",
            "text/plain;a=b:c",
            "multipart/form-data; boundary=(x)",
        ] {
            assert!(
                !is_cors_safelisted_request_header("content-type", not_ok.as_bytes()),
                "{not_ok:?}"
            );
        }
    }

    #[test]
    fn range() {
        assert!(is_cors_safelisted_request_header("Range", b"bytes=0-"));
        assert!(is_cors_safelisted_request_header("range", b"bytes=0-499"));
        assert!(is_cors_safelisted_request_header("range", b"bytes=5-5"));
        assert!(is_cors_safelisted_request_header(
            "range",
            b"bytes=000000000000000000000000000000009-10"
        ));
        // Suffix ranges need a preflight.
        assert!(!is_cors_safelisted_request_header("range", b"bytes=-500"));
        // Start greater than end, even beyond u64.
        assert!(!is_cors_safelisted_request_header("range", b"bytes=10-9"));
        assert!(!is_cors_safelisted_request_header(
            "range",
            b"bytes=99999999999999999999999-99999999999999999999998"
        ));
        // Several ranges, whitespace, other units, garbage.
        assert!(!is_cors_safelisted_request_header(
            "range",
            b"bytes=0-1,3-4"
        ));
        assert!(!is_cors_safelisted_request_header("range", b"bytes = 0-1"));
        assert!(!is_cors_safelisted_request_header("range", b"items=0-1"));
        assert!(!is_cors_safelisted_request_header("range", b"Bytes=0-1"));
        assert!(!is_cors_safelisted_request_header("range", b"bytes=-"));
        assert!(!is_cors_safelisted_request_header("range", b"bytes=0-1 "));
    }

    #[test]
    fn single_range_parser_allows_whitespace_when_asked() {
        assert_eq!(
            parse_single_range_header_value(b"bytes = 1 - 2", true),
            Some((Some(&b"1"[..]), Some(&b"2"[..])))
        );
        assert_eq!(
            parse_single_range_header_value(b"bytes = 1 - 2", false),
            None
        );
        assert_eq!(
            parse_single_range_header_value(b"bytes=-7", false),
            Some((None, Some(&b"7"[..])))
        );
    }

    #[test]
    fn other_headers_are_never_safelisted() {
        for name in [
            "X-Custom",
            "Authorization",
            "Cache-Control",
            "DPR",
            "Last-Event-ID",
            "Save-Data",
        ] {
            assert!(!is_cors_safelisted_request_header(name, b"1"), "{name}");
        }
    }

    #[test]
    fn value_length_limit() {
        let limit = "a".repeat(MAX_SAFELISTED_VALUE_LENGTH);
        assert!(is_cors_safelisted_request_header(
            "accept",
            limit.as_bytes()
        ));
        let over = "a".repeat(MAX_SAFELISTED_VALUE_LENGTH + 1);
        assert!(!is_cors_safelisted_request_header(
            "accept",
            over.as_bytes()
        ));
    }

    #[test]
    fn unsafe_names_are_sorted_lowercase_and_unique() {
        let headers = vec![
            header("X-B", "1"),
            header("accept", "*/*"),
            header("x-a", "1"),
            header("X-b", "2"),
        ];
        assert_eq!(
            cors_unsafe_request_header_names(&headers),
            vec!["x-a", "x-b"]
        );
    }

    #[test]
    fn total_safelisted_size_limit() {
        let value = "a".repeat(128);
        // 8 × 128 = 1024: still fine.
        let headers: Vec<_> = (0..8).map(|_| header("accept", &value)).collect();
        assert_eq!(safelisted_value_size(&headers), 1024);
        assert!(cors_unsafe_request_header_names(&headers).is_empty());
        // One more byte and every safelisted header becomes unsafe.
        let mut headers = headers;
        headers.push(header("Content-Language", "e"));
        assert_eq!(safelisted_value_size(&headers), 1025);
        assert_eq!(
            cors_unsafe_request_header_names(&headers),
            vec!["accept", "content-language"]
        );
        // Unsafe headers do not count towards the total.
        let headers = vec![header("x-big", &"a".repeat(2000)), header("accept", "*/*")];
        assert_eq!(cors_unsafe_request_header_names(&headers), vec!["x-big"]);
    }
}
