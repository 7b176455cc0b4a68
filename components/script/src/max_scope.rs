/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! The `Service-Worker-Allowed` steps of
//! [Update](https://w3c.github.io/ServiceWorker/#update-algorithm)'s fetch
//! hook: a registration's scope may not be above the script's directory
//! unless the script's response allows it.

use url::Url;

use crate::lifecycle::ScriptFailure;

/// Whether a worker whose script is `script_url` (the job's script URL) may
/// control `scope` (the registration's scope URL), given the value of the
/// script response's `Service-Worker-Allowed` header (`None`: no header;
/// `Some(Err(()))`: a value that is not a single string).
pub fn check_max_scope(
    scope: &Url,
    script_url: &Url,
    service_worker_allowed: Option<Result<&str, ()>>,
) -> Result<(), ScriptFailure> {
    let max_scope = match service_worker_allowed {
        // "If serviceWorkerAllowed is failure, then: Asynchronously complete
        // these steps with a network error."
        Some(Err(())) => return Err(ScriptFailure::Fetch),
        // "If serviceWorkerAllowed is null, then: Let resolvedScope be the
        // result of parsing "./" using job's script url as the base URL. Set
        // maxScopeString to "/", followed by the strings in resolvedScope's
        // path (including empty strings), separated from each other by "/"."
        None => script_url.join("./").ok(),
        // "Else: Let maxScope be the result of parsing serviceWorkerAllowed
        // using job's script url as the base URL. If maxScope's origin is
        // job's script url's origin, then: Set maxScopeString to "/", followed
        // by the strings in maxScope's path (including empty strings),
        // separated from each other by "/"."
        Some(Ok(allowed)) => script_url
            .join(allowed)
            .ok()
            .filter(|max_scope| max_scope.origin() == script_url.origin()),
    };
    // "Let scopeString be "/", followed by the strings in scopeURL's path
    // (including empty strings), separated from each other by "/"."
    // "If maxScopeString is null or scopeString does not start with
    // maxScopeString, then: Invoke Reject Job Promise with job and
    // "SecurityError" DOMException."
    match max_scope {
        Some(max_scope) if scope.path().starts_with(max_scope.path()) => Ok(()),
        _ => Err(ScriptFailure::ScopeNotAllowed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(url: &str) -> Url {
        Url::parse(url).unwrap()
    }

    #[test]
    fn the_scripts_directory_and_below_are_allowed() {
        let script = url("https://api.test/sw/worker.js");
        assert_eq!(
            check_max_scope(&url("https://api.test/sw/"), &script, None),
            Ok(())
        );
        assert_eq!(
            check_max_scope(&url("https://api.test/sw/a/"), &script, None),
            Ok(())
        );
        assert_eq!(
            check_max_scope(&url("https://api.test/"), &script, None),
            Err(ScriptFailure::ScopeNotAllowed)
        );
        assert_eq!(
            check_max_scope(&url("https://api.test/s"), &script, None),
            Err(ScriptFailure::ScopeNotAllowed)
        );
    }

    #[test]
    fn service_worker_allowed_widens_the_maximum() {
        let script = url("https://api.test/sw/worker.js");
        let root = url("https://api.test/api/");
        assert_eq!(check_max_scope(&root, &script, Some(Ok("/"))), Ok(()));
        assert_eq!(check_max_scope(&root, &script, Some(Ok("../api/"))), Ok(()));
        assert_eq!(
            check_max_scope(&root, &script, Some(Ok("/other/"))),
            Err(ScriptFailure::ScopeNotAllowed)
        );
        // Another origin's path allows nothing.
        assert_eq!(
            check_max_scope(&root, &script, Some(Ok("https://evil.test/"))),
            Err(ScriptFailure::ScopeNotAllowed)
        );
        assert_eq!(
            check_max_scope(&root, &script, Some(Err(()))),
            Err(ScriptFailure::Fetch)
        );
    }
}
