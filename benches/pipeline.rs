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
        origin: false,
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

/// Saved government pages (`synth::page`): the HTML parse, finding the letter among the page's
/// furniture, flattening, then the same reading as text; beside it the parse alone, the part
/// propex cannot make faster.
fn pages(c: &mut Criterion) {
    let pages: Vec<Vec<u8>> = (0..40).map(|n| synth::page(7, n, 25_000).bytes).collect();
    let bytes: usize = pages.iter().map(Vec::len).sum();
    let config = Config {
        origin: false,
        ..Config::default()
    };
    let mut group = c.benchmark_group("html");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.sample_size(20);
    group.bench_function("extract", |b| {
        b.iter(|| {
            for p in &pages {
                std::hint::black_box(extract("bench.html", p, &config).ok());
            }
        })
    });
    let texts: Vec<String> = pages
        .iter()
        .map(|p| {
            let (text, _, _) = encoding_rs::GB18030.decode(p);
            match std::str::from_utf8(p) {
                Ok(s) => s.to_string(),
                Err(_) => text.into_owned(),
            }
        })
        .collect();
    group.bench_function("html5ever parse alone", |b| {
        b.iter(|| {
            for t in &texts {
                std::hint::black_box(scraper::Html::parse_document(t));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, pipeline, pages);
criterion_main!(benches);
