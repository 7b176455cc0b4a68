/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! Property tests of the registry: the indexed lookup agrees with the
//! reference scan of the spec's algorithms on random registrations and
//! requests, and `registerForeignFetch` validation only ever accepts scopes
//! under the registration scope.

use foreign_fetch::options::{self, ForeignFetchOptions, InstallContext};
use foreign_fetch::origin::Origin;
use foreign_fetch::registry::{
    ActiveWorker, AllowedOrigins, ForeignFetchConfig, ForeignFetchRegistration, PartitionKey,
    RegistrationId, Registry, WorkerState, lookup_linear,
};
use proptest::prelude::*;
use url::Url;

const ORIGINS: [&str; 5] = [
    "https://a.test",
    "https://b.test",
    "https://a.test:8443",
    "http://a.test",
    "https://page.test",
];

/// Short paths over a tiny alphabet, so that scopes often prefix each other.
fn path() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ab/]{0,6}").unwrap()
}

fn origin_index() -> impl Strategy<Value = usize> {
    0..ORIGINS.len()
}

fn partition() -> impl Strategy<Value = PartitionKey> {
    prop_oneof![
        3 => Just(PartitionKey::Unpartitioned),
        1 => Just(PartitionKey::TopLevelSite("https://site.test".to_owned())),
    ]
}

fn state() -> impl Strategy<Value = WorkerState> {
    prop_oneof![
        1 => Just(WorkerState::Installing),
        1 => Just(WorkerState::Installed),
        1 => Just(WorkerState::Activating),
        4 => Just(WorkerState::Activated),
        1 => Just(WorkerState::Redundant),
    ]
}

fn allowed_origins() -> impl Strategy<Value = AllowedOrigins> {
    prop_oneof![
        Just(AllowedOrigins::Any),
        proptest::collection::vec(origin_index(), 1..3).prop_map(|indices| {
            AllowedOrigins::List(
                indices
                    .into_iter()
                    .map(|index| Origin::parse(ORIGINS[index]).unwrap())
                    .collect(),
            )
        }),
    ]
}

#[derive(Clone, Debug)]
struct GeneratedRegistration {
    partition: PartitionKey,
    origin: usize,
    scope_path: String,
    foreign_suffixes: Vec<String>,
    origins: AllowedOrigins,
    state: WorkerState,
}

fn generated_registration() -> impl Strategy<Value = GeneratedRegistration> {
    (
        partition(),
        origin_index(),
        path(),
        proptest::collection::vec(path(), 0..3),
        allowed_origins(),
        state(),
    )
        .prop_map(
            |(partition, origin, scope_path, foreign_suffixes, origins, state)| {
                GeneratedRegistration {
                    partition,
                    origin,
                    scope_path,
                    foreign_suffixes,
                    origins,
                    state,
                }
            },
        )
}

fn build(generated: &[GeneratedRegistration]) -> Registry {
    let mut registry = Registry::new();
    for (id, registration) in generated.iter().enumerate() {
        let scope = format!(
            "{}/{}",
            ORIGINS[registration.origin], registration.scope_path
        );
        let foreign_scopes = registration
            .foreign_suffixes
            .iter()
            .map(|suffix| Url::parse(&format!("{scope}{suffix}")).unwrap())
            .collect();
        registry.insert(
            registration.partition.clone(),
            ForeignFetchRegistration::new(
                RegistrationId(id as u64),
                Url::parse(&scope).unwrap(),
                ForeignFetchConfig {
                    scopes: foreign_scopes,
                    origins: registration.origins.clone(),
                },
                registration.state,
            ),
        );
    }
    registry
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn lookup_agrees_with_the_linear_reference(
        generated in proptest::collection::vec(generated_registration(), 0..24),
        requests in proptest::collection::vec((partition(), origin_index(), path(), prop_oneof![origin_index().prop_map(Some), Just(None)]), 1..16),
    ) {
        let registry = build(&generated);
        let all: Vec<(PartitionKey, ForeignFetchRegistration)> =
            registry.iter().map(|(key, registration)| (key.clone(), registration.clone())).collect();
        for (key, url_origin, request_path, request_origin) in requests {
            let url = Url::parse(&format!("{}/{}", ORIGINS[url_origin], request_path)).unwrap();
            let from = match request_origin {
                Some(index) => Origin::parse(ORIGINS[index]).unwrap(),
                None => Origin::Opaque,
            };
            let indexed = registry.lookup(&key, &url, &from).map(|registration| registration.id);
            let linear = lookup_linear(&all, &key, &url, &from).map(|registration| registration.id);
            prop_assert_eq!(indexed, linear, "{} from {:?} in {:?}", url, from, key);

            let url_origin = Origin::from_url(&url);
            let any_foreign = all.iter().any(|(partition, registration)| {
                *partition == key &&
                    registration.has_foreign_fetch() &&
                    registration.worker_origin.same_origin(&url_origin)
            });
            prop_assert_eq!(registry.has_foreign_registrations(&key, &url_origin), any_foreign);
        }
    }

    /// The index by id and the controlled clients follow every insert
    /// (replacing a registration of the same scope) and removal: a client is
    /// controlled exactly while its registration is there with an active
    /// worker, and no client is remembered for a registration that is gone.
    #[test]
    fn controllers_follow_the_registrations(
        generated in proptest::collection::vec(generated_registration(), 0..24),
        removals in proptest::collection::vec((partition(), origin_index(), path()), 0..8),
    ) {
        let mut registry = build(&generated);
        // The manager says who each active worker is (same ids: a
        // replacement that keeps the clients).
        let known: Vec<_> = registry
            .iter()
            .map(|(key, registration)| (key.clone(), registration.clone()))
            .collect();
        for (key, registration) in known {
            let worker = ActiveWorker {
                key: registration.id.0,
                script_url: registration.scope.join("sw.js").unwrap(),
                handles_fetch: true,
            };
            registry.insert(key, registration.with_active_worker(worker));
        }
        // Client `n` is controlled by registration `n`, if it is there.
        let clients = generated.len() as u64;
        for client in 0..clients {
            registry.set_controller(client, Some(RegistrationId(client)));
        }
        let check = |registry: &Registry| -> Result<(), TestCaseError> {
            let mut any_controlled = false;
            for client in 0..clients {
                let id = RegistrationId(client);
                let present = registry
                    .iter()
                    .find(|(_, registration)| registration.id == id)
                    .map(|(_, registration)| registration);
                prop_assert_eq!(registry.registration(id), present);
                let active = present.is_some_and(|registration| registration.state.is_active());
                prop_assert_eq!(
                    registry.controller(client).map(|registration| registration.id),
                    active.then_some(id)
                );
                any_controlled |= present.is_some();
            }
            prop_assert_eq!(registry.has_controlled_clients(), any_controlled);
            Ok(())
        };
        check(&registry)?;
        for (key, origin, scope_path) in removals {
            let scope = Url::parse(&format!("{}/{}", ORIGINS[origin], scope_path)).unwrap();
            registry.remove(&key, &scope);
            check(&registry)?;
        }
    }

    #[test]
    fn validation_only_accepts_scopes_under_the_registration_scope(
        scopes in proptest::collection::vec(proptest::string::string_regex("[a-z./#?:%]{0,12}").unwrap(), 0..4),
        origins in proptest::collection::vec(proptest::string::string_regex("(\\*|https://[a-z]{1,3}\\.test|[a-z:/]{0,8})").unwrap(), 0..3),
        dispatch_flag in any::<bool>(),
    ) {
        let script = Url::parse("https://w.test/res/sw.js").unwrap();
        let scope = Url::parse("https://w.test/res/").unwrap();
        let result = options::validate(
            &ForeignFetchOptions { scopes: scopes.clone(), origins: origins.clone() },
            &InstallContext { dispatch_flag, api_base_url: &script, registration_scope: &scope },
        );
        if let Ok(config) = result {
            prop_assert!(dispatch_flag);
            prop_assert_eq!(config.scopes.len(), scopes.len());
            for sub_scope in &config.scopes {
                prop_assert!(sub_scope.as_str().starts_with(scope.as_str()));
                prop_assert!(sub_scope.fragment().is_none());
            }
            if let AllowedOrigins::List(list) = config.origins {
                prop_assert!(list.iter().all(Origin::is_tuple));
                prop_assert!(!origins.iter().any(|origin| origin == "*"));
            }
        } else {
            prop_assert!(!result.unwrap_err().message.is_empty());
        }
    }
}
