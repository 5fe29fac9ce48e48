//! Benchmarks: one five-year Birmingham replication, and 100 replications on all cores.
//! `cargo bench -p caseload` runs them; peak memory is measured separately (see the README).

use std::hint::black_box;
use std::sync::Arc;

use caseload::engine;
use caseload::load;
use caseload::metrics::Metrics;
use caseload::replicate::{RunOptions, run};
use criterion::{Criterion, criterion_group, criterion_main};

fn birmingham(c: &mut Criterion) {
    let model = Arc::new(load::baseline().expect("the baseline is valid").model);
    let metrics = Arc::new(Metrics::new(&model));
    let mut group = c.benchmark_group("birmingham_5y");
    group.sample_size(20);
    group.bench_function("1_replication", |b| {
        b.iter(|| black_box(engine::simulate(&model, &metrics, 1, 0)))
    });
    group.sample_size(10);
    group.bench_function("100_replications", |b| {
        let options = RunOptions {
            replications: 100,
            seed: 1,
            threads: None,
        };
        b.iter(|| black_box(run(&model, &options, &|| {}).expect("thread pool")))
    });
    group.finish();
}

criterion_group!(benches, birmingham);
criterion_main!(benches);
