//! Benchmarks: one five-year Birmingham replication, and 100 replications on all cores, with
//! throughput in engine events per second. `cargo bench -p caseload --features bench` runs them
//! (the feature keeps criterion out of the test build). The long runs
//! (1,000 Birmingham replications, the national scenario) and peak memory are measured through the
//! command line by `scripts/bench.sh` (see docs/benchmarks.md).

#![forbid(unsafe_code)]

use std::hint::black_box;
use std::sync::Arc;

use caseload::engine;
use caseload::load;
use caseload::metrics::Metrics;
use caseload::replicate::{Replications, RunOptions};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

fn birmingham(c: &mut Criterion) {
    let model = Arc::new(load::baseline().expect("the baseline is valid").model);
    let metrics = Arc::new(Metrics::new(&model));
    let mut group = c.benchmark_group("birmingham_5y");
    group.sample_size(20);
    let (_, one) = engine::simulate(&model, &metrics, 1, 0);
    group.throughput(Throughput::Elements(one.events));
    group.bench_function("1_replication", |b| {
        b.iter(|| black_box(engine::simulate(&model, &metrics, 1, 0)))
    });
    group.sample_size(10);
    let options = RunOptions {
        replications: 100,
        seed: 1,
        threads: None,
    };
    let replications = Replications::from(Arc::clone(&model));
    let hundred = replications.run(&options, &|| {}).expect("thread pool");
    group.throughput(Throughput::Elements(hundred.stats.events));
    group.bench_function("100_replications", |b| {
        b.iter(|| black_box(replications.run(&options, &|| {}).expect("thread pool")))
    });
    group.finish();
}

criterion_group!(benches, birmingham);
criterion_main!(benches);
