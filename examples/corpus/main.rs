//! Writes a synthetic corpus for the benchmarks: `cargo run --release --example corpus --
//! FILES DIR [SIZE] [--html]` writes FILES files of about SIZE bytes (default 25000) into nested
//! folders under DIR, and prints how many records and bytes it wrote. With `--html`, each file
//! is a saved government page holding one record, not pipe text.

mod synth;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let html = args.iter().any(|a| a == "--html");
    args.retain(|a| a != "--html");
    let (Some(files), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: corpus FILES DIR [SIZE] [--html]");
        std::process::exit(2);
    };
    let files: usize = files.parse().expect("FILES is a number");
    let size: usize = args
        .get(2)
        .map_or(25_000, |s| s.parse().expect("SIZE is a number"));
    let dir = PathBuf::from(dir);
    let (mut records, mut bytes) = (0, 0);
    for n in 0..files {
        let (g, path) = if html {
            (synth::page(42, n, size), synth::page_path(n))
        } else {
            (synth::file(42, n, size), synth::path(n))
        };
        let path = dir.join(path);
        std::fs::create_dir_all(path.parent().expect("a file has a parent"))?;
        std::fs::write(&path, &g.bytes)?;
        records += g.records;
        bytes += g.bytes.len();
    }
    println!(
        "{files} files, {records} records, {bytes} bytes in {}",
        dir.display()
    );
    Ok(())
}
