/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Fuzzes `registerForeignFetch` option validation.
//!
//! Oracle: no panic; an accepted configuration only holds scopes under the
//! registration scope, without fragments, one per given scope, and tuple
//! origins; a rejection always explains itself.

#![no_main]

use foreign_fetch::options::{
    AllowedOrigins, ErrorKind, ForeignFetchOptions, InstallContext, validate,
};
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use url::{Position, Url};

#[derive(Arbitrary, Debug)]
struct Input {
    dispatch_flag: bool,
    script: String,
    scope: String,
    scopes: Vec<String>,
    origins: Vec<String>,
}

fuzz_target!(|input: Input| {
    let base = Url::parse("https://worker.example/sw/").unwrap();
    let Ok(script) = base.join(&input.script) else {
        return;
    };
    // As Start Register does, never resolve the scope against a script URL
    // that is not http(s) (url 2.5.8 can trip a debug_assert! there); the
    // script URL itself still reaches validate(), which must reject it.
    let registration_scope = if matches!(script.scheme(), "http" | "https") {
        let Ok(scope) = script.join(&input.scope) else {
            return;
        };
        scope
    } else {
        base.clone()
    };
    let options = ForeignFetchOptions {
        scopes: input.scopes,
        origins: input.origins,
    };
    let context = InstallContext {
        dispatch_flag: input.dispatch_flag,
        api_base_url: &script,
        registration_scope: &registration_scope,
    };
    match validate(&options, &context) {
        Ok(config) => {
            assert!(input.dispatch_flag);
            assert_eq!(config.scopes.len(), options.scopes.len());
            let scope_string = &registration_scope[..Position::AfterQuery];
            for sub_scope in &config.scopes {
                assert!(
                    sub_scope.as_str().starts_with(scope_string),
                    "{sub_scope} / {scope_string}"
                );
                assert!(sub_scope.fragment().is_none());
            }
            match config.origins {
                AllowedOrigins::Any => assert_eq!(options.origins, ["*"]),
                AllowedOrigins::List(origins) => {
                    assert_eq!(origins.len(), options.origins.len());
                    assert!(origins.iter().all(|origin| origin.is_tuple()));
                },
            }
        },
        Err(error) => {
            assert!(!error.message.is_empty());
            assert_eq!(
                error.kind == ErrorKind::InvalidStateError,
                !input.dispatch_flag
            );
        },
    }
});
