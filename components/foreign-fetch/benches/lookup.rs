/* This Source Code Form is subject to the terms of the Mozilla Public
 * License, v. 2.0. If a copy of the MPL was not distributed with this
 * file, You can obtain one at https://mozilla.org/MPL/2.0/. */

//! `Registry::lookup` against the linear reference scan, with 10,000
//! registrations. Run with `cargo bench -p foreign-fetch --bench lookup`.
//!
//! Two layouts: "spread" (1,000 origins × 10 registrations, the realistic
//! case) and "one-origin" (10,000 registrations under one origin, the worst
//! case for a per-origin index). Each lookup batch mixes hits, misses inside
//! a registration scope and misses on unknown origins. After criterion's own
//! report, a summary prints nanoseconds per lookup and the speed-up.

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, Throughput};
use foreign_fetch::origin::Origin;
use foreign_fetch::registry::{
    AllowedOrigins, ForeignFetchConfig, ForeignFetchRegistration, PartitionKey, RegistrationId,
    Registry, WorkerState, lookup_linear,
};
use url::Url;

const REGISTRATIONS: usize = 10_000;
const QUERIES: usize = 1_000;

struct Setup {
    name: &'static str,
    registry: Registry,
    linear: Vec<(PartitionKey, ForeignFetchRegistration)>,
    queries: Vec<Url>,
}

/// A small deterministic generator, so runs are comparable.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % bound
    }
}

fn registration(id: usize, scope: &str) -> ForeignFetchRegistration {
    let scope = Url::parse(scope).expect("bench scope parses");
    let foreign = scope.join("ff/").expect("bench foreign scope parses");
    ForeignFetchRegistration::new(
        RegistrationId(id as u64),
        scope,
        ForeignFetchConfig {
            scopes: vec![foreign],
            origins: AllowedOrigins::Any,
        },
        WorkerState::Activated,
    )
}

fn setup(name: &'static str, scopes: Vec<String>) -> Setup {
    let mut registry = Registry::new();
    for (id, scope) in scopes.iter().enumerate() {
        registry.insert(PartitionKey::Unpartitioned, registration(id, scope));
    }
    let linear: Vec<_> = registry
        .iter()
        .map(|(key, registration)| (key.clone(), registration.clone()))
        .collect();
    assert_eq!(linear.len(), REGISTRATIONS);

    let mut random = Lcg(0x5eed);
    let queries = (0..QUERIES)
        .map(|index| {
            let scope = &scopes[random.below(scopes.len())];
            let url = match index % 3 {
                // A hit: inside a foreign fetch scope.
                0 => format!("{scope}ff/fonts/roboto-{index}.woff2?v=3"),
                // A registration, but outside its foreign fetch scopes.
                1 => format!("{scope}page-{index}.html"),
                // An origin without registrations.
                _ => format!("https://nobody-{index}.test/ff/x.js"),
            };
            Url::parse(&url).expect("bench query parses")
        })
        .collect();
    Setup {
        name,
        registry,
        linear,
        queries,
    }
}

fn spread() -> Setup {
    let scopes = (0..REGISTRATIONS)
        .map(|index| {
            let (origin, slot) = (index / 10, index % 10);
            match slot {
                0 => format!("https://service-{origin}.test/"),
                1..=4 => format!("https://service-{origin}.test/api/v{slot}/"),
                _ => format!("https://service-{origin}.test/static/{slot}/"),
            }
        })
        .collect();
    setup("spread", scopes)
}

fn one_origin() -> Setup {
    let scopes = (0..REGISTRATIONS)
        .map(|index| {
            format!(
                "https://cdn.test/tenant-{}/app-{}/",
                index / 100,
                index % 100
            )
        })
        .collect();
    setup("one-origin", scopes)
}

fn run_indexed(setup: &Setup, from: &Origin) -> usize {
    setup
        .queries
        .iter()
        .filter(|url| {
            setup
                .registry
                .lookup(&PartitionKey::Unpartitioned, black_box(url), from)
                .is_some()
        })
        .count()
}

fn run_linear(setup: &Setup, from: &Origin) -> usize {
    setup
        .queries
        .iter()
        .filter(|url| {
            lookup_linear(
                &setup.linear,
                &PartitionKey::Unpartitioned,
                black_box(url),
                from,
            )
            .is_some()
        })
        .count()
}

fn page() -> Origin {
    Origin::parse("https://page.test").expect("page origin parses")
}

fn criterion_benches(criterion: &mut Criterion, setups: &[Setup]) {
    let from = page();
    for setup in setups {
        let mut group = criterion.benchmark_group(format!("lookup/{}", setup.name));
        group.throughput(Throughput::Elements(QUERIES as u64));
        group.sample_size(20);
        group.warm_up_time(Duration::from_millis(500));
        group.measurement_time(Duration::from_secs(3));
        group.bench_function("indexed", |bencher| {
            bencher.iter(|| run_indexed(setup, &from))
        });
        group.bench_function("linear", |bencher| {
            bencher.iter(|| run_linear(setup, &from))
        });
        group.finish();
    }
}

/// Nanoseconds per lookup, timing whole batches for at least `budget`.
fn ns_per_lookup(budget: Duration, mut batch: impl FnMut() -> usize) -> f64 {
    let start = Instant::now();
    let mut batches = 0u32;
    while batches < 3 || start.elapsed() < budget {
        black_box(batch());
        batches += 1;
    }
    start.elapsed().as_nanos() as f64 / (f64::from(batches) * QUERIES as f64)
}

fn summary(setups: &[Setup]) {
    let from = page();
    println!(
        "\nforeign-fetch registry lookup, {REGISTRATIONS} registrations, batches of {QUERIES} lookups:"
    );
    for setup in setups {
        // Both implementations must find the same registrations.
        for url in &setup.queries {
            let indexed = setup
                .registry
                .lookup(&PartitionKey::Unpartitioned, url, &from)
                .map(|registration| registration.id);
            let linear = lookup_linear(&setup.linear, &PartitionKey::Unpartitioned, url, &from)
                .map(|registration| registration.id);
            assert_eq!(indexed, linear, "{url}");
        }
        let hits = run_indexed(setup, &from);
        let indexed = ns_per_lookup(Duration::from_secs(2), || run_indexed(setup, &from));
        let linear = ns_per_lookup(Duration::from_secs(2), || run_linear(setup, &from));
        println!(
            "  {:<10}  indexed {:>8.1} ns/lookup   linear {:>10.1} ns/lookup   ratio {:>7.1}x   ({hits} hits)",
            setup.name,
            indexed,
            linear,
            linear / indexed
        );
    }
}

fn main() {
    let setups = [spread(), one_origin()];
    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &setups);
    // `cargo bench` passes --bench; `cargo test --benches` only smoke-tests.
    if std::env::args().any(|arg| arg == "--bench") {
        summary(&setups);
    }
    criterion.final_summary();
}
