//! Writes a synthetic corpus for the benchmarks: `cargo run --release --example corpus --
//! FILES DIR [SIZE]` writes FILES files of about SIZE bytes (default 25000) into nested folders
//! under DIR, and prints how many records and bytes it wrote.

mod synth;

use std::path::PathBuf;

fn main() -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(files), Some(dir)) = (args.first(), args.get(1)) else {
        eprintln!("usage: corpus FILES DIR [SIZE]");
        std::process::exit(2);
    };
    let files: usize = files.parse().expect("FILES is a number");
    let size: usize = args
        .get(2)
        .map_or(25_000, |s| s.parse().expect("SIZE is a number"));
    let dir = PathBuf::from(dir);
    let (mut records, mut bytes) = (0, 0);
    for n in 0..files {
        let g = synth::file(42, n, size);
        let path = dir.join(synth::path(n));
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
