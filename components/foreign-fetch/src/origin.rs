/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Origins as they travel between net and script.
//!
//! [`url::Origin`] cannot be serialized (its opaque origins are process-local
//! counters), so requests and registrations carry this [`Origin`] instead.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};
use url::{Host, Url};

/// An [origin](https://html.spec.whatwg.org/multipage/#concept-origin).
///
/// Opaque origins lose their identity when they cross a process boundary, so
/// [`Origin::same_origin`] treats an opaque origin as same origin with
/// *nothing*, not even another opaque origin. Every comparison the foreign
/// fetch algorithms make involves at least one tuple origin (a URL's or a
/// service worker's), so this never changes an answer. The derived
/// `PartialEq` is structural and exists for tests and map keys; algorithms use
/// [`Origin::same_origin`].
#[derive(Clone, Debug, Deserialize, Eq, Hash, PartialEq, Serialize)]
pub enum Origin {
    /// An [opaque origin](https://html.spec.whatwg.org/multipage/#concept-origin-opaque).
    Opaque,
    /// A [tuple origin](https://html.spec.whatwg.org/multipage/#concept-origin-tuple).
    Tuple {
        /// The scheme, lowercase, without `:`.
        scheme: String,
        /// The host.
        host: Host<String>,
        /// The port, or the scheme's default port when the URL had none.
        port: u16,
    },
}

impl Origin {
    /// The [origin](https://url.spec.whatwg.org/#concept-url-origin) of `url`.
    pub fn from_url(url: &Url) -> Origin {
        Origin::from(url.origin())
    }

    /// Parses the serialization of an origin (`"null"` or `scheme://host[:port]`).
    ///
    /// A full URL is accepted too and yields its origin. Returns `None` when
    /// `serialized` is neither.
    pub fn parse(serialized: &str) -> Option<Origin> {
        if serialized == "null" {
            return Some(Origin::Opaque);
        }
        Url::parse(serialized)
            .ok()
            .map(|url| Origin::from_url(&url))
    }

    /// Whether this is a tuple origin.
    pub fn is_tuple(&self) -> bool {
        matches!(self, Origin::Tuple { .. })
    }

    /// [Same origin](https://html.spec.whatwg.org/multipage/#same-origin):
    /// both are tuple origins with equal scheme, host and port. An opaque
    /// origin is never same origin with anything here (see the type's docs).
    pub fn same_origin(&self, other: &Origin) -> bool {
        match (self, other) {
            (
                Origin::Tuple {
                    scheme: scheme_a,
                    host: host_a,
                    port: port_a,
                },
                Origin::Tuple {
                    scheme: scheme_b,
                    host: host_b,
                    port: port_b,
                },
            ) => scheme_a == scheme_b && host_a == host_b && port_a == port_b,
            _ => false,
        }
    }

    /// Same origin with the origin of `url`, without building that origin for
    /// the common `http`/`https` case.
    pub fn same_origin_with_url(&self, url: &Url) -> bool {
        match self {
            Origin::Opaque => false,
            Origin::Tuple { scheme, host, port } => match url.scheme() {
                "http" | "https" | "ws" | "wss" => {
                    url.scheme() == scheme
                        && url.port_or_known_default() == Some(*port)
                        && url
                            .host()
                            .is_some_and(|url_host| host_matches(host, &url_host))
                },
                _ => self.same_origin(&Origin::from_url(url)),
            },
        }
    }

    /// The [ASCII serialization of an origin](https://html.spec.whatwg.org/multipage/#ascii-serialisation-of-an-origin).
    pub fn ascii_serialization(&self) -> String {
        self.to_url_origin().ascii_serialization()
    }

    /// The [Unicode serialization of an origin](https://html.spec.whatwg.org/multipage/#unicode-serialisation-of-an-origin):
    /// what `ForeignFetchEvent.origin` holds (`"null"` for an opaque origin).
    pub fn unicode_serialization(&self) -> String {
        self.to_url_origin().unicode_serialization()
    }

    /// <https://w3c.github.io/webappsec-secure-contexts/#is-origin-trustworthy>,
    /// as Servo's `ImmutableOrigin::is_potentially_trustworthy` implements it
    /// (minus `file:`, whose origin is opaque here and so "Not Trustworthy").
    pub fn is_potentially_trustworthy(&self) -> bool {
        match self {
            // Step 1. If origin is an opaque origin, return "Not Trustworthy".
            Origin::Opaque => false,
            Origin::Tuple { scheme, host, .. } => {
                // Step 3. If origin's scheme is either "https" or "wss", return
                // "Potentially Trustworthy".
                if scheme == "https" || scheme == "wss" {
                    return true;
                }
                match host {
                    // Step 4. If origin's host matches one of the CIDR notations
                    // 127.0.0.0/8 or ::1/128, return "Potentially Trustworthy".
                    Host::Ipv4(address) => IpAddr::V4(*address).is_loopback(),
                    Host::Ipv6(address) => IpAddr::V6(*address).is_loopback(),
                    // Step 5. If the user agent conforms to the name resolution
                    // rules in [let-localhost-be-localhost] and one of the
                    // following is true: origin's host is "localhost" or
                    // "localhost."; origin's host ends with ".localhost" or
                    // ".localhost.", then return "Potentially Trustworthy".
                    Host::Domain(domain) => {
                        let domain = domain.strip_suffix('.').unwrap_or(domain);
                        domain == "localhost" || domain.ends_with(".localhost")
                    },
                }
            },
        }
    }

    fn to_url_origin(&self) -> url::Origin {
        match self {
            Origin::Opaque => url::Origin::new_opaque(),
            Origin::Tuple { scheme, host, port } => {
                url::Origin::Tuple(scheme.clone(), host.clone(), *port)
            },
        }
    }
}

fn host_matches(host: &Host<String>, url_host: &Host<&str>) -> bool {
    match (host, url_host) {
        (Host::Domain(a), Host::Domain(b)) => a == b,
        (Host::Ipv4(a), Host::Ipv4(b)) => a == b,
        (Host::Ipv6(a), Host::Ipv6(b)) => a == b,
        _ => false,
    }
}

impl From<url::Origin> for Origin {
    fn from(origin: url::Origin) -> Origin {
        match origin {
            url::Origin::Opaque(_) => Origin::Opaque,
            url::Origin::Tuple(scheme, host, port) => Origin::Tuple { scheme, host, port },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn origin(s: &str) -> Origin {
        Origin::parse(s).expect("test origin parses")
    }

    #[test]
    fn same_origin_compares_scheme_host_and_default_port() {
        assert!(origin("https://a.test").same_origin(&origin("https://a.test:443/x")));
        assert!(!origin("https://a.test").same_origin(&origin("http://a.test")));
        assert!(!origin("https://a.test").same_origin(&origin("https://a.test:8443")));
        assert!(!origin("https://a.test").same_origin(&origin("https://b.test")));
    }

    #[test]
    fn opaque_origins_are_never_same_origin() {
        assert!(!Origin::Opaque.same_origin(&Origin::Opaque));
        let data = Origin::from_url(&Url::parse("data:text/plain,hi").unwrap());
        assert_eq!(data, Origin::Opaque);
        assert!(!data.same_origin(&origin("https://a.test")));
    }

    #[test]
    fn same_origin_with_url_matches_same_origin() {
        for (a, b) in [
            ("https://a.test", "https://a.test/x"),
            ("https://a.test", "https://a.test:443/"),
            ("https://a.test:8443", "https://a.test/"),
            ("http://127.0.0.1:8000", "http://127.0.0.1:8000/x"),
            ("http://[::1]", "http://[::1]/"),
            ("https://a.test", "blob:https://a.test/uuid"),
            ("https://a.test", "data:,x"),
        ] {
            let url = Url::parse(b).unwrap();
            assert_eq!(
                origin(a).same_origin_with_url(&url),
                origin(a).same_origin(&Origin::from_url(&url)),
                "{a} vs {b}"
            );
        }
    }

    #[test]
    fn serializations() {
        assert_eq!(
            origin("https://a.test:443/").ascii_serialization(),
            "https://a.test"
        );
        assert_eq!(
            origin("https://a.test:8443").ascii_serialization(),
            "https://a.test:8443"
        );
        assert_eq!(Origin::Opaque.unicode_serialization(), "null");
        assert_eq!(
            origin("https://xn--caf-dma.test").unicode_serialization(),
            "https://café.test"
        );
    }

    #[test]
    fn potentially_trustworthy() {
        for trusted in [
            "https://a.test",
            "wss://a.test",
            "http://127.0.0.1",
            "http://127.9.9.9:81",
            "http://[::1]",
            "http://localhost:8000",
            "http://localhost.",
            "http://a.localhost",
        ] {
            assert!(origin(trusted).is_potentially_trustworthy(), "{trusted}");
        }
        for untrusted in [
            "http://a.test",
            "http://10.0.0.1",
            "http://localhost.test",
            "null",
        ] {
            assert!(
                !origin(untrusted).is_potentially_trustworthy(),
                "{untrusted}"
            );
        }
    }
}
