//! Stage 8 — batch: runs the pipeline over many inputs in parallel and hands the results back in
//! input order. One input's failure is reported and the batch goes on. Work is dispatched through
//! a bounded window, so memory stays flat however many files there are.

pub mod outdir;
pub mod walk;

use std::collections::BTreeMap;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;

use crate::decode::Compression;
use crate::emit::{self, Format};
use crate::{Config, Diagnostic, InputError};
use outdir::{OutDir, OutError};

/// One input named on the command line, in a list, or found in a folder.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    Stdin,
    Path(PathBuf),
}

impl Input {
    /// The name used in `source.path` and in messages (see [`show`]).
    pub fn name(&self) -> String {
        match self {
            Input::Stdin => "<stdin>".to_string(),
            Input::Path(p) => show(p),
        }
    }

    /// Reads the input, refusing (without reading) a file larger than `max` bytes.
    pub fn read(&self, max: u64) -> Result<Vec<u8>, FileError> {
        match self {
            Input::Stdin => read_capped(io::stdin().lock(), 0, max),
            Input::Path(p) => match compression(p) {
                Some(c) => read_compressed(p, c, max),
                None => {
                    // The size comes from the open file, not the path: one lookup of the path
                    // per file instead of two.
                    let file = std::fs::File::open(p).map_err(InputError::from)?;
                    let size = file.metadata().map_err(InputError::from)?.len();
                    if size > max {
                        return Err(FileError::TooLarge { size, max });
                    }
                    read_capped(file, size as usize, max)
                }
            },
        }
    }
}

/// A path as text that names it exactly and stays on one line: control characters are escaped
/// (`\n`, `\t`, `\x1b`, `\u{85}`), so a newline in a file name cannot split a message or forge
/// a line of its own, and bytes that are not UTF-8 are written `\xff` instead of being replaced,
/// so two names that differ only there stay two names. On Unix a backslash is written `\\`, so
/// that an escape can always be told from the name it stands for.
pub fn show(p: &Path) -> String {
    let mut out = String::new();
    let text = |s: &str, out: &mut String| {
        for c in s.chars() {
            match c {
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                '\\' if cfg!(unix) => out.push_str("\\\\"),
                c if c.is_control() => {
                    let code = c as u32;
                    if code < 0x80 {
                        out.push_str(&format!("\\x{code:02x}"));
                    } else {
                        out.push_str(&format!("\\u{{{code:x}}}"));
                    }
                }
                c => out.push(c),
            }
        }
    };
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        for chunk in p.as_os_str().as_bytes().utf8_chunks() {
            text(chunk.valid(), &mut out);
            for b in chunk.invalid() {
                out.push_str(&format!("\\x{b:02x}"));
            }
        }
    }
    #[cfg(not(unix))]
    text(&p.to_string_lossy(), &mut out);
    out
}

/// Reads a compressed file through its decompressor. The limit is on what it decompresses to,
/// read as it comes: a small file that inflates to gigabytes (a zip bomb) is stopped there.
fn read_compressed(p: &Path, c: Compression, max: u64) -> Result<Vec<u8>, FileError> {
    let file = std::fs::File::open(p).map_err(InputError::from)?;
    let (name, reader): (&str, Box<dyn Read>) = match c {
        Compression::Zstd => (
            "zstd",
            Box::new(ruzstd::decoding::StreamingDecoder::new(file).map_err(|e| {
                InputError::Io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("zstd: {e}"),
                ))
            })?),
        ),
        Compression::Gzip => ("gzip", Box::new(flate2::read::MultiGzDecoder::new(file))),
    };
    read_capped(reader, 0, max).map_err(|e| match e {
        FileError::TooLarge { max, .. } => FileError::Inflates { max },
        FileError::Input(InputError::Io(io)) => FileError::Input(InputError::Io(io::Error::new(
            io.kind(),
            format!("{name}: {io}"),
        ))),
        other => other,
    })
}

/// How a path's file is compressed, if its name says so.
fn compression(p: &Path) -> Option<Compression> {
    Compression::of(&p.file_name()?.to_string_lossy()).map(|(c, _)| c)
}

/// Reads `r` to its end, but never more than `max` bytes (a file that grew since it was
/// measured, or a stream) plus the one byte that proves it. The buffer is sized for `expected`
/// bytes up front and is not zeroed first (std reads into its spare room).
fn read_capped(r: impl Read, expected: usize, max: u64) -> Result<Vec<u8>, FileError> {
    let mut buf = Vec::with_capacity(expected.saturating_add(1));
    r.take(max.saturating_add(1))
        .read_to_end(&mut buf)
        .map_err(InputError::from)?;
    if buf.len() as u64 > max {
        return Err(FileError::TooLarge {
            size: buf.len() as u64,
            max,
        });
    }
    Ok(buf)
}

/// An input and where its outputs go under `--out-dir` (its path relative to the folder it was
/// found under).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub input: Input,
    pub rel: PathBuf,
}

/// Why one input of a batch gave nothing.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{0}")]
    Input(#[from] InputError),
    #[error("larger than --max-bytes ({size} > {max} bytes), skipped")]
    TooLarge { size: u64, max: u64 },
    #[error("decompresses to more than --max-bytes ({max} bytes), skipped")]
    Inflates { max: u64 },
    #[error("{0}")]
    Walk(String),
    /// Passed over on purpose (a FIFO in a folder): not a failure.
    #[error("{0}")]
    Skipped(String),
    #[error("{0}")]
    Output(#[from] OutError),
    #[error("cannot format a record: {0}")]
    Emit(io::Error),
}

/// Settings of one `extract` run, built once.
#[derive(Debug, Default)]
pub struct Options {
    pub config: Config,
    pub format: Format,
    pub max_bytes: u64,
    pub out_dir: Option<OutDir>,
}

/// What one input gave.
#[derive(Debug)]
pub struct Converted {
    pub records: usize,
    pub diagnostics: Vec<Diagnostic>,
    /// The records in the output format, for standard output (empty with `--out-dir`).
    pub output: Vec<u8>,
    /// The outputs staged under `--out-dir`, put in place by [`commit`].
    pub staged: Vec<outdir::Staged>,
    /// The files written under `--out-dir` (after [`commit`]).
    pub written: Vec<PathBuf>,
}

/// One input's result, in input order.
#[derive(Debug)]
pub struct FileReport {
    pub name: String,
    pub result: Result<Converted, FileError>,
}

/// Reads, extracts and renders one input (the work of one batch task). A failure is the
/// report's `result`, never a panic, so that one bad input never stops the others.
///
/// ```
/// use propex::batch::{Input, Job, Options, convert};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("a.txt");
/// std::fs::write(&path, "标题: | 关于路灯的建议 |\n").unwrap();
/// let opts = Options { format: propex::emit::Format::Jsonl, max_bytes: 1 << 20, ..Options::default() };
/// for (file, ok) in [("a.txt", true), ("missing.txt", false)] {
///     let job = Job { input: Input::Path(dir.path().join(file)), rel: file.into() };
///     let report = convert(Ok(job), &opts);
///     assert_eq!(report.result.is_ok(), ok);
/// }
/// ```
pub fn convert(item: Result<Job, walk::WalkError>, opts: &Options) -> FileReport {
    let job = match item {
        Ok(job) => job,
        Err(e) => {
            let error = if e.skipped {
                FileError::Skipped(e.message)
            } else {
                FileError::Walk(e.message)
            };
            return FileReport {
                name: e.name,
                result: Err(error),
            };
        }
    };
    let name = job.input.name();
    let result = convert_job(&job, &name, opts);
    FileReport { name, result }
}

fn convert_job(job: &Job, name: &str, opts: &Options) -> Result<Converted, FileError> {
    let bytes = job.input.read(opts.max_bytes)?;
    let x = crate::extract(name, &bytes, &opts.config)?;
    // The input is not needed past here: its memory goes back before the output's is taken.
    drop(bytes);
    // Output runs a little longer than the text (keys, escapes); one allocation, no regrowth.
    // The decoded text, not the input: GBK grows by half on its way to UTF-8.
    let size = x.text.len();
    let mut output = Vec::with_capacity(if opts.out_dir.is_none() {
        size + size / 4
    } else {
        0
    });
    let mut staged = Vec::new();
    match &opts.out_dir {
        None => {
            for r in &x.records {
                emit::record(&mut output, &r.record, opts.format).map_err(FileError::Emit)?;
            }
        }
        Some(dir) => {
            let input = match &job.input {
                Input::Path(p) => Some(p.as_path()),
                Input::Stdin => None,
            };
            let names = OutDir::names(&job.rel, x.records.len(), opts.format.extension());
            for (r, rel) in x.records.iter().zip(names) {
                let mut buf = emit::header(opts.format);
                emit::record(&mut buf, &r.record, opts.format).map_err(FileError::Emit)?;
                staged.push(dir.stage(&rel, &buf, input)?);
            }
        }
    }
    Ok(Converted {
        records: x.records.len(),
        diagnostics: x.diagnostics,
        output,
        staged,
        written: Vec::new(),
    })
}

/// Puts a converted input's `--out-dir` outputs in place, all or none. The caller calls it on
/// each report in input order (the order `run_ordered` hands them over), which decides which
/// input keeps an output two of them map to: the first, whatever `-j` says.
pub fn commit(mut report: FileReport, opts: &Options) -> FileReport {
    if let (Some(dir), Ok(converted)) = (&opts.out_dir, &mut report.result) {
        match dir.commit(std::mem::take(&mut converted.staged)) {
            Ok(written) => converted.written = written,
            Err(e) => report.result = Err(FileError::Output(e)),
        }
    }
    report
}

/// Items per task. Handing every file between threads cost four context switches a file
/// (hand-out, worker, writer), a large share of a two-thread run on small files (BENCHMARKS.md).
/// Four files per task ran as fast as eight, and keep fewer files in memory at once (`window × CHUNK` files, inputs
/// and outputs, which matters when files are tens of megabytes).
const CHUNK: usize = 4;

/// Runs `work` on every item on `threads` rayon threads and hands the results to `sink` in the
/// items' order, as soon as each one's predecessors are done. `sink` returns false to stop the
/// run (`--fail-fast`, a closed output); items not started then are never started.
pub fn run_ordered<J, T>(
    items: impl Iterator<Item = J> + Send,
    threads: usize,
    work: impl Fn(J) -> T + Sync,
    mut sink: impl FnMut(T) -> bool,
) where
    J: Send,
    T: Send,
{
    let sequential = |items: &mut dyn Iterator<Item = J>, sink: &mut dyn FnMut(T) -> bool| {
        for item in items {
            if !sink(work(item)) {
                break;
            }
        }
    };
    let mut items = items;
    // One thread: do the work here, in order, without handing every file between threads.
    if threads <= 1 {
        return sequential(&mut items, &mut sink);
    }
    let Ok(pool) = rayon::ThreadPoolBuilder::new().num_threads(threads).build() else {
        return sequential(&mut items, &mut sink);
    };
    // Tasks in flight: enough to keep every thread busy behind one slow file, and no more.
    let window = threads * 2 + 2;
    let stopped = AtomicBool::new(false);
    let (tx, rx) = mpsc::channel::<(usize, Vec<T>)>();
    // This thread hands out tasks and writes their results in order: it sleeps only while the
    // workers have a full window of tasks, and no third thread competes with them for cores.
    pool.in_place_scope(|s| {
        let (stopped, work) = (&stopped, &work);
        let mut pending = BTreeMap::new();
        let (mut started, mut written) = (0, 0);
        let mut exhausted = false;
        loop {
            while !exhausted && !stopped.load(Ordering::Relaxed) && started < written + window {
                let chunk: Vec<J> = items.by_ref().take(CHUNK).collect();
                if chunk.is_empty() {
                    exhausted = true;
                    break;
                }
                let (tx, task) = (tx.clone(), started);
                started += 1;
                s.spawn(move |_| {
                    let mut done = Vec::with_capacity(chunk.len());
                    // A panic in `work` (a bug) must still report the task, or this thread
                    // would wait for it forever; the scope raises the panic again at its end.
                    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        for item in chunk {
                            if stopped.load(Ordering::Relaxed) {
                                break;
                            }
                            done.push(work(item));
                        }
                    }));
                    // The receiver outlives every task: this thread waits for all of them.
                    let _ = tx.send((task, done));
                    if let Err(panic) = run {
                        std::panic::resume_unwind(panic);
                    }
                });
            }
            if written == started {
                break;
            }
            let Ok((task, done)) = rx.recv() else {
                break;
            };
            pending.insert(task, done);
            while let Some(done) = pending.remove(&written) {
                written += 1;
                for t in done {
                    if !stopped.load(Ordering::Relaxed) && !sink(t) {
                        stopped.store(true, Ordering::Relaxed);
                    }
                }
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out at most `step` bytes a read, as a pipe does.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            let n = self.step.min(out.len()).min(self.data.len());
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn capped_reads_keep_every_byte_and_stop_past_the_cap() {
        let data: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
        for (expected, step) in [(0, 7), (100, 4096), (50_000, 50_000), (60_000, 333)] {
            let got = read_capped(Trickle { data: &data, step }, expected, 1 << 20).unwrap();
            assert_eq!(got, data, "expected {expected}, step {step}");
        }
        let exact = read_capped(
            Trickle {
                data: &data,
                step: 999,
            },
            10,
            50_000,
        )
        .unwrap();
        assert_eq!(exact.len(), 50_000);
        match read_capped(
            Trickle {
                data: &data,
                step: 999,
            },
            10,
            49_999,
        ) {
            Err(FileError::TooLarge { size, max }) => assert_eq!((size, max), (50_000, 49_999)),
            other => panic!("not refused: {other:?}"),
        }
    }

    #[test]
    fn shown_paths_stay_on_one_line_and_keep_every_byte() {
        assert_eq!(show(Path::new("a/b 甲.txt")), "a/b 甲.txt");
        assert_eq!(
            show(Path::new("x\npropex: forged.txt")),
            "x\\npropex: forged.txt"
        );
        assert_eq!(show(Path::new("t\tab\x1b\u{85}")), "t\\tab\\x1b\\u{85}");
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            let a = show(Path::new(std::ffi::OsStr::from_bytes(b"a\xff.txt")));
            let b = show(Path::new(std::ffi::OsStr::from_bytes(b"a\xfe.txt")));
            assert_eq!(a, "a\\xff.txt");
            assert_ne!(a, b);
            // a name that spells an escape is told apart from the byte
            assert_eq!(show(Path::new("a\\xff.txt")), "a\\\\xff.txt");
        }
    }

    /// A panicking item is raised again once the run is over; the run does not hang.
    #[test]
    fn a_panic_in_the_work_is_raised_not_waited_for() {
        let run = std::panic::catch_unwind(|| {
            let mut got = Vec::new();
            run_ordered(
                0..100u32,
                2,
                |i| {
                    assert!(i != 37, "item 37");
                    i
                },
                |i| {
                    got.push(i);
                    true
                },
            );
        });
        assert!(run.is_err());
    }

    #[test]
    fn results_come_back_in_order_whatever_the_threads() {
        for threads in [1, 2, 4, 8] {
            let mut got = Vec::new();
            run_ordered(
                0..200u64,
                threads,
                |i| {
                    // later items finish first
                    std::thread::sleep(std::time::Duration::from_micros((200 - i) * 5));
                    i * 2
                },
                |v| {
                    got.push(v);
                    true
                },
            );
            assert_eq!(
                got,
                (0..200).map(|i| i * 2).collect::<Vec<_>>(),
                "{threads}"
            );
        }
    }

    #[test]
    fn stopping_starts_nothing_more() {
        let started = std::sync::atomic::AtomicUsize::new(0);
        let mut seen = 0;
        run_ordered(
            0..10_000,
            2,
            |i| {
                started.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                i
            },
            |i| {
                seen += 1;
                i < 5
            },
        );
        assert_eq!(seen, 6);
        assert!(
            started.into_inner() < 100,
            "the window bounds the work started"
        );
    }
}
