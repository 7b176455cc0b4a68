/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The typed `Link` header.

use headers::{Error, Header};
use http::HeaderValue;
use http::header::{HeaderName, LINK};
use url::Url;

use super::parse::{LinkValue, parse_header_values};
use super::service_worker::{ServiceWorkerLink, service_worker_links};

/// The `Link` header, [RFC 8288 §3](https://www.rfc-editor.org/rfc/rfc8288#section-3).
///
/// The `Link` header field provides a means for serializing one or more links
/// into HTTP headers. Foreign fetch uses it to register a service worker from
/// any response: a link whose relation types include `serviceworker`
/// ([Service Workers §"Link type serviceworker"](https://w3c.github.io/ServiceWorker/#link-type-serviceworker)).
///
/// Parsing follows RFC 8288 Appendix B (see [`super::parse_field_value`]):
/// malformed link-values are dropped and the others kept. Decoding fails with
/// [`headers::Error`] only when no link-value at all could be read.
///
/// ## ABNF
///
/// ```text
/// Link       = #link-value
/// link-value = "<" URI-Reference ">" *( OWS ";" OWS link-param )
/// link-param = token BWS [ "=" BWS ( token / quoted-string ) ]
/// ```
///
/// ## Example values
/// * `</sw.js>; rel="serviceworker"`
/// * `</sw.js>; rel=serviceworker; scope="/fonts/"; workertype=module; updateviacache="none"`
/// * `<https://example.com/a>; rel="preload next", </b>; rel=prev`
///
/// # Examples
///
/// ```
/// use foreign_fetch::link::{Link, LinkValue, WorkerType};
/// use headers::HeaderMapExt;
/// use http::HeaderMap;
/// use url::Url;
///
/// let mut headers = HeaderMap::new();
/// headers.insert(
///     "link",
///     r#"</sw.js>; rel="serviceworker"; scope="fonts/", </style.css>; rel=preload"#
///         .parse()
///         .unwrap(),
/// );
/// let link = headers.typed_get::<Link>().unwrap();
/// assert_eq!(link.values().len(), 2);
///
/// let response_url = Url::parse("https://fonts.example/css?family=Roboto").unwrap();
/// let workers = link.service_worker_links(&response_url);
/// assert_eq!(workers[0].script_url.as_str(), "https://fonts.example/sw.js");
/// assert_eq!(workers[0].scope.as_ref().unwrap().as_str(), "https://fonts.example/fonts/");
/// assert_eq!(workers[0].worker_type, WorkerType::Classic);
///
/// let built = Link::from_iter([LinkValue::new("/sw.js").with_param("rel", "serviceworker")]);
/// let mut headers = HeaderMap::new();
/// headers.typed_insert(built);
/// assert_eq!(headers["link"], r#"</sw.js>; rel="serviceworker""#);
/// ```
#[derive(Clone, Debug, Default, Eq, PartialEq)]
pub struct Link(Vec<LinkValue>);

impl Link {
    /// A `Link` header holding `values`.
    pub fn new(values: Vec<LinkValue>) -> Link {
        Link(values)
    }

    /// The link-values, in header order.
    pub fn values(&self) -> &[LinkValue] {
        &self.0
    }

    /// The serviceworker links among the values, processed per
    /// [`service_worker_links`] against `response_url` (the link context).
    pub fn service_worker_links(&self, response_url: &Url) -> Vec<ServiceWorkerLink> {
        service_worker_links(&self.0, response_url)
    }
}

impl FromIterator<LinkValue> for Link {
    fn from_iter<I: IntoIterator<Item = LinkValue>>(iter: I) -> Link {
        Link(iter.into_iter().collect())
    }
}

impl IntoIterator for Link {
    type Item = LinkValue;
    type IntoIter = std::vec::IntoIter<LinkValue>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl Header for Link {
    fn name() -> &'static HeaderName {
        &LINK
    }

    fn decode<'i, I>(values: &mut I) -> Result<Link, Error>
    where
        I: Iterator<Item = &'i HeaderValue>,
    {
        let links = parse_header_values(values);
        if links.is_empty() {
            return Err(Error::invalid());
        }
        Ok(Link(links))
    }

    fn encode<E: Extend<HeaderValue>>(&self, values: &mut E) {
        if self.0.is_empty() {
            return;
        }
        let mut bytes = Vec::new();
        for (index, link) in self.0.iter().enumerate() {
            if index > 0 {
                bytes.extend_from_slice(b", ");
            }
            link.serialize_into(&mut bytes);
        }
        match HeaderValue::from_bytes(&bytes) {
            Ok(value) => values.extend(std::iter::once(value)),
            Err(_) => log::warn!("Could not encode Link header {:?}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use headers::HeaderMapExt;
    use http::HeaderMap;

    use super::*;

    fn decode(values: &[&[u8]]) -> Option<Link> {
        let mut map = HeaderMap::new();
        for value in values {
            map.append(LINK, HeaderValue::from_bytes(value).unwrap());
        }
        map.typed_get::<Link>()
    }

    #[test]
    fn decodes_several_values() {
        let link = decode(&[b"<a>; rel=x", b"<b>, <c>"]).unwrap();
        assert_eq!(
            link.values()
                .iter()
                .map(LinkValue::target)
                .collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
    }

    #[test]
    fn keeps_the_valid_values_of_a_partly_malformed_header() {
        let link = decode(&[b"junk", b"<a>; rel=x, junk"]).unwrap();
        assert_eq!(link.values().len(), 1);
    }

    #[test]
    fn fails_when_nothing_parses() {
        assert_eq!(decode(&[b"junk"]), None);
        assert_eq!(decode(&[b""]), None);
        assert_eq!(decode(&[b"<unterminated"]), None);
        let mut none = std::iter::empty();
        assert!(Link::decode(&mut none).is_err());
        let mut map = HeaderMap::new();
        map.insert(LINK, HeaderValue::from_static("no link here"));
        assert!(map.typed_try_get::<Link>().is_err());
    }

    #[test]
    fn encodes_into_one_value_and_round_trips() {
        let link = Link::from_iter([
            LinkValue::new("/sw.js")
                .with_param("rel", "serviceworker")
                .with_param("scope", "/a, \"b\""),
            LinkValue::new("https://x.test/"),
        ]);
        let mut map = HeaderMap::new();
        map.typed_insert(link.clone());
        assert_eq!(map.get_all(LINK).iter().count(), 1);
        assert_eq!(
            map[LINK],
            r#"</sw.js>; rel="serviceworker"; scope="/a, \"b\"", <https://x.test/>"#
        );
        assert_eq!(map.typed_get::<Link>(), Some(link));
    }

    #[test]
    fn encoding_nothing_adds_no_value() {
        let mut values = Vec::new();
        Link::default().encode(&mut values);
        assert!(values.is_empty());
    }

    #[test]
    fn non_ascii_round_trips_through_utf8() {
        let link = Link::from_iter([LinkValue::new("/café").with_param("title", "élan")]);
        let mut values = Vec::new();
        link.encode(&mut values);
        let decoded = Link::decode(&mut values.iter()).unwrap();
        assert_eq!(decoded, link);
    }
}
