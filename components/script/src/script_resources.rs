/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! A service worker's
//! [script resource map](https://w3c.github.io/ServiceWorker/#dfn-script-resource-map)
//! for the scripts it imports: `importScripts()` fetches and records them
//! while the worker is *parsed* or *installing*; afterwards it only reads
//! them from the map, and a URL that is not there is a network error
//! (<https://w3c.github.io/ServiceWorker/#importscripts>). The map is stored
//! with the registration, so a worker restored after a restart imports its
//! scripts without the network.

use serde::{Deserialize, Serialize};
use url::Url;

/// An imported script as its fetch gave it.
#[derive(Clone, Debug, Deserialize, Eq, PartialEq, Serialize)]
pub struct ImportedScript {
    /// The response's URL (after redirects), which the script runs as.
    pub final_url: Url,
    /// Whether the response was CORS-cross-origin (its errors are muted).
    pub muted_errors: bool,
    /// The response body.
    pub bytes: Vec<u8>,
}

/// What `importScripts()` does for one URL.
#[derive(Debug, Eq, PartialEq)]
pub enum Import {
    /// Run this script, from the map.
    Stored(ImportedScript),
    /// Fetch the script, then [`ScriptResourceMap::record`] it.
    Fetch,
    /// The worker is installed and the map does not hold the URL: a network
    /// error.
    NetworkError,
}

/// The imported scripts of one service worker, in the order they were
/// first imported.
#[derive(Clone, Debug, Default, Deserialize, Eq, PartialEq, Serialize)]
pub struct ScriptResourceMap {
    scripts: Vec<(Url, ImportedScript)>,
    /// Set once the worker is no longer *parsed* or *installing*.
    sealed: bool,
}

impl ScriptResourceMap {
    /// <https://w3c.github.io/ServiceWorker/#importscripts>, the fetch hook:
    /// "If map[url] exists ... set response to map[url]"; "If
    /// serviceWorker's state is not "parsed" or "installing" ... return a
    /// network error"; else fetch.
    pub fn import(&self, url: &Url) -> Import {
        match self.scripts.iter().find(|(key, _)| key == url) {
            Some((_, script)) => Import::Stored(script.clone()),
            None if self.sealed => Import::NetworkError,
            None => Import::Fetch,
        }
    }

    /// "Set map[request's URL] to response" (an ok response with a
    /// JavaScript MIME type), while the worker is *parsed* or *installing*.
    pub fn record(&mut self, url: Url, script: ImportedScript) {
        if self.sealed {
            return;
        }
        self.scripts.retain(|(key, _)| *key != url);
        self.scripts.push((url, script));
    }

    /// The worker left the *installing* state: from now on, imports come
    /// from the map only.
    pub fn seal(&mut self) {
        self.sealed = true;
    }

    /// Whether the map is sealed.
    pub fn is_sealed(&self) -> bool {
        self.sealed
    }

    /// The imported scripts, in the order they were first imported.
    pub fn scripts(&self) -> impl Iterator<Item = &(Url, ImportedScript)> {
        self.scripts.iter()
    }

    /// The map of a worker restored after a restart (sealed: it was
    /// activated).
    pub fn restored(scripts: Vec<(Url, ImportedScript)>) -> ScriptResourceMap {
        ScriptResourceMap {
            scripts,
            sealed: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn script(text: &str) -> ImportedScript {
        ImportedScript {
            final_url: Url::parse("https://a.example/lib.js").unwrap(),
            muted_errors: false,
            bytes: text.as_bytes().to_vec(),
        }
    }

    #[test]
    fn installing_fetches_then_reads_the_map() {
        let url = Url::parse("https://a.example/lib.js").unwrap();
        let mut map = ScriptResourceMap::default();
        assert_eq!(map.import(&url), Import::Fetch);
        map.record(url.clone(), script("one"));
        assert_eq!(map.import(&url), Import::Stored(script("one")));
    }

    #[test]
    fn an_installed_worker_imports_only_what_the_map_holds() {
        let url = Url::parse("https://a.example/lib.js").unwrap();
        let other = Url::parse("https://a.example/other.js").unwrap();
        let mut map = ScriptResourceMap::default();
        map.record(url.clone(), script("one"));
        map.seal();
        assert_eq!(map.import(&url), Import::Stored(script("one")));
        assert_eq!(map.import(&other), Import::NetworkError);
        // Nothing is recorded any more.
        map.record(other.clone(), script("two"));
        assert_eq!(map.import(&other), Import::NetworkError);
        assert_eq!(map.scripts().count(), 1);
    }

    #[test]
    fn a_restored_map_is_sealed_and_keeps_its_order() {
        let a = Url::parse("https://a.example/a.js").unwrap();
        let b = Url::parse("https://a.example/b.js").unwrap();
        let map =
            ScriptResourceMap::restored(vec![(b.clone(), script("b")), (a.clone(), script("a"))]);
        assert!(map.is_sealed());
        let order: Vec<&Url> = map.scripts().map(|(url, _)| url).collect();
        assert_eq!(order, vec![&b, &a]);
        assert_eq!(map.import(&a), Import::Stored(script("a")));
    }
}
