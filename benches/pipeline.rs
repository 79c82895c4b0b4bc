//! Throughput of the single-record pipeline (bytes of input per second): extraction alone, and
//! extraction plus each output format, on synthetic records of about 25 KB in the corpus
//! generator's shapes. `cargo bench --bench pipeline`.

#[path = "../examples/corpus/synth.rs"]
#[allow(dead_code)]
mod synth;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use propex::emit::{self, Format};
use propex::{Config, extract};

/// A few files of each shape the generator makes.
fn inputs() -> Vec<Vec<u8>> {
    (0..40).map(|n| synth::file(7, n, 25_000).bytes).collect()
}

fn pipeline(c: &mut Criterion) {
    let files = inputs();
    let bytes: usize = files.iter().map(Vec::len).sum();
    // As `propex extract` reads: without the spans only `validate` needs.
    let config = Config {
        spans: false,
        ..Config::default()
    };
    let mut group = c.benchmark_group("pipeline");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);

    group.bench_function("extract", |b| {
        b.iter(|| {
            for f in &files {
                std::hint::black_box(extract("bench.txt", f, &config).ok());
            }
        })
    });
    for format in [Format::Jsonl, Format::Json, Format::Yaml, Format::Csv] {
        group.bench_with_input(
            BenchmarkId::new("extract+emit", format.extension()),
            &format,
            |b, &format| {
                let mut out = Vec::with_capacity(1 << 20);
                b.iter(|| {
                    for f in &files {
                        out.clear();
                        if let Ok(x) = extract("bench.txt", f, &config) {
                            for r in x.records.iter().map(|e| &e.record) {
                                emit::record(&mut out, r, format).expect("in memory");
                            }
                        }
                        std::hint::black_box(&out);
                    }
                })
            },
        );
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
