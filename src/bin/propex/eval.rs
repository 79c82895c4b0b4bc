//! `propex eval`: extracts each input that has a gold file, scores its records against the gold
//! ones field by field, prints the report, and gates the exit code on accuracy and a baseline.

use std::collections::{HashMap, HashSet};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use serde_json::Value;

use propex::Config;
use propex::batch::walk::{self, WalkError};
use propex::batch::{self, Input, Job};
use propex::eval::{self, Report};

use crate::inputs::InputArgs;
use crate::{Outcome, Usage};

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// A table for the terminal.
    Human,
    /// One JSON object (what `--baseline` reads).
    Json,
    /// A Markdown table for a pull request.
    Markdown,
}

#[derive(Args, Debug)]
pub struct EvalArgs {
    /// Inputs are read as `extract` reads them; gold files themselves (`*.gold.json`,
    /// `*.gold.yaml`) are never inputs.
    #[command(flatten)]
    inputs: InputArgs,
    /// Look for `X.gold.json` / `X.gold.yaml` under DIR, mirroring each input's relative path,
    /// instead of beside the input.
    #[arg(long, value_name = "DIR")]
    gold: Option<PathBuf>,
    /// How the report is written.
    #[arg(long, value_enum, default_value = "human")]
    format: Format,
    /// Also list every wrong field: `path: field: expected … got …`.
    #[arg(long)]
    misses: bool,
    /// Exit 1 when any field's accuracy is below this (0 to 1).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    min_field_accuracy: Option<f64>,
    /// Exit 1 when the share of records with every field right is below this (0 to 1).
    #[arg(long, value_name = "RATE", value_parser = parse_rate)]
    min_record_accuracy: Option<f64>,
    /// A report of an earlier run (`--format json`): exit 1 when any field is less accurate now.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
}

fn parse_rate(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("not a rate between 0 and 1: {s:?}")),
    }
}

/// The endings that make a file a gold file, in the order they are looked for.
const GOLD_ENDINGS: &[(&str, bool)] = &[
    (".gold.json", false),
    (".gold.yaml", true),
    (".gold.yml", true),
];

fn is_gold(p: &Path) -> bool {
    p.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| GOLD_ENDINGS.iter().any(|(e, _)| n.ends_with(e)))
}

/// What one input gave.
enum Item {
    /// No gold file was found: passed over, counted.
    NoGold,
    /// The gold file cannot be used (exit 2).
    BadGold(String),
    /// The walk could not read something (exit 1).
    WalkFailed(String),
    Scored {
        gold: PathBuf,
        /// Why the input gave no record, if it gave none.
        failed: Option<String>,
        records: Vec<Vec<eval::FieldScore>>,
    },
}

pub fn run(args: EvalArgs) -> Result<Outcome> {
    let baseline = match &args.baseline {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .map_err(|e| Usage(format!("--baseline {}: {e}", batch::show(path))))?;
            let report: Report = serde_json::from_str(&text).map_err(|e| {
                Usage(format!(
                    "--baseline {}:{}: not an eval report: {e}",
                    batch::show(path),
                    e.line()
                ))
            })?;
            Some(report)
        }
        None => None,
    };
    let walk_opts = args
        .inputs
        .walk_options(None, crate::inputs::RECORD_FILES)?;
    let jobs = walk::jobs(args.inputs.arguments()?, &walk_opts)
        .filter(|j| !matches!(j, Ok(Job { input: Input::Path(p), .. }) if is_gold(p)));
    let config = args.inputs.config();
    let max = args.inputs.max_bytes;

    let mut report = Report::default();
    let mut used: HashSet<PathBuf> = HashSet::new();
    let mut bad_gold = 0u64;
    let mut walk_failed = 0u64;
    batch::run_ordered(
        jobs,
        args.inputs.threads(),
        |item| evaluate(item, args.gold.as_deref(), &config, max),
        |(name, item)| {
            match item {
                Item::NoGold => report.without_gold += 1,
                Item::BadGold(message) => {
                    bad_gold += 1;
                    eprintln!("propex: {message}");
                }
                Item::WalkFailed(message) => {
                    walk_failed += 1;
                    eprintln!("propex: {name}: {message}");
                }
                Item::Scored {
                    gold,
                    failed,
                    records,
                } => {
                    used.insert(gold.canonicalize().unwrap_or(gold));
                    report.inputs += 1;
                    if let Some(why) = failed {
                        report.failed += 1;
                        eprintln!("propex: {name}: {why} (its gold fields count as wrong)");
                    }
                    for (i, scores) in records.into_iter().enumerate() {
                        report.add_record(&name, i + 1, scores, args.misses);
                    }
                }
            }
            true
        },
    );

    for orphan in orphans(&args, &used) {
        bad_gold += 1;
        eprintln!("propex: {}: gold file without input", batch::show(&orphan));
    }

    let mut out = io::stdout().lock();
    let text = match args.format {
        Format::Human => {
            let mut s = if args.misses {
                report.miss_lines()
            } else {
                String::new()
            };
            if args.misses && !report.misses.is_empty() {
                s.push('\n');
            }
            s.push_str(&report.human());
            s
        }
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&report).context("cannot write the report")?;
            s.push('\n');
            s
        }
        Format::Markdown => {
            let mut s = report.markdown();
            if args.misses && !report.misses.is_empty() {
                s.push_str("\n```\n");
                s.push_str(&report.miss_lines());
                s.push_str("```\n");
            }
            s
        }
    };
    out.write_all(text.as_bytes())
        .and_then(|()| out.flush())
        .context("cannot write the report")?;

    if bad_gold > 0 {
        return Err(Usage(format!(
            "{bad_gold} gold file{} cannot be used",
            if bad_gold == 1 { "" } else { "s" }
        ))
        .into());
    }
    let mut failed = walk_failed > 0;
    if let Some(min) = args.min_field_accuracy {
        for (field, t) in report.ranked() {
            if t.accuracy() < min {
                failed = true;
                eprintln!(
                    "propex: eval: {field} is {:.1}% right, below --min-field-accuracy {min}",
                    t.accuracy() * 100.0
                );
            }
        }
    }
    if let Some(min) = args.min_record_accuracy
        && report.whole_records.accuracy() < min
    {
        failed = true;
        eprintln!(
            "propex: eval: {:.1}% of records are wholly right, below --min-record-accuracy {min}",
            report.whole_records.accuracy() * 100.0
        );
    }
    if let Some(base) = &baseline {
        for (field, before, now) in report.drops(base) {
            failed = true;
            eprintln!(
                "propex: eval: {field} dropped from {:.1}% to {:.1}% (baseline {})",
                before * 100.0,
                now * 100.0,
                args.baseline
                    .as_deref()
                    .map(batch::show)
                    .unwrap_or_default()
            );
        }
    }
    Ok(if failed {
        Outcome::SomeFailed
    } else {
        Outcome::Ok
    })
}

/// Where an input's gold file is, if it has one: beside it, or under `gold_dir` mirroring its
/// relative path.
fn find_gold(job: &Job, gold_dir: Option<&Path>) -> Option<(PathBuf, bool)> {
    let base = match (gold_dir, &job.input) {
        (Some(dir), _) => dir.join(&job.rel),
        (None, Input::Path(p)) => p.clone(),
        (None, Input::Stdin) => return None,
    };
    let stem = base.file_stem()?.to_os_string();
    GOLD_ENDINGS.iter().find_map(|(ending, yaml)| {
        let mut name = stem.clone();
        name.push(ending);
        let candidate = base.with_file_name(name);
        candidate.is_file().then_some((candidate, *yaml))
    })
}

fn evaluate(
    item: Result<Job, WalkError>,
    gold_dir: Option<&Path>,
    config: &Config,
    max: u64,
) -> (String, Item) {
    let job = match item {
        Ok(job) => job,
        Err(e) if e.skipped => return (e.name, Item::NoGold),
        Err(e) => return (e.name, Item::WalkFailed(e.message)),
    };
    let name = job.input.name();
    let Some((gold_path, yaml)) = find_gold(&job, gold_dir) else {
        return (name, Item::NoGold);
    };
    let shown = batch::show(&gold_path);
    let gold = match std::fs::read(&gold_path) {
        Err(e) => return (name, Item::BadGold(format!("{shown}: cannot read: {e}"))),
        Ok(bytes) => {
            let text = String::from_utf8_lossy(&bytes);
            match eval::parse_gold(text.trim_start_matches('\u{feff}'), yaml) {
                Ok(g) => g,
                Err(e) => {
                    let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                    return (name, Item::BadGold(format!("{shown}{at}: {e}")));
                }
            }
        }
    };
    let extracted = job
        .input
        .read(max)
        .map_err(|e| e.to_string())
        .and_then(|bytes| propex::extract(&name, &bytes, config).map_err(|e| e.to_string()));
    let (outputs, failed): (Vec<Value>, Option<String>) = match extracted {
        Ok(x) => (
            x.records
                .iter()
                .map(|r| serde_json::to_value(&r.record).unwrap_or(Value::Null))
                .collect(),
            None,
        ),
        Err(e) => (Vec::new(), Some(e)),
    };
    let records = gold
        .iter()
        .enumerate()
        .map(|(i, g)| eval::score(g, outputs.get(i).unwrap_or(&Value::Null)))
        .collect();
    (
        name,
        Item::Scored {
            gold: gold_path,
            failed,
            records,
        },
    )
}

/// Gold files that no input of the run was scored against: under `--gold DIR`, any gold file
/// in DIR; otherwise a gold file in a folder named as input that has no file beside it it
/// could belong to (`X.gold.json` without any `X.*`).
fn orphans(args: &EvalArgs, used: &HashSet<PathBuf>) -> Vec<PathBuf> {
    let golds_under = |dir: &Path| -> Vec<PathBuf> {
        walkdir::WalkDir::new(dir)
            .sort_by_file_name()
            .into_iter()
            .flatten()
            .filter(|e| e.file_type().is_file() && is_gold(e.path()))
            .map(|e| e.into_path())
            .collect()
    };
    let is_used = |p: &Path| used.contains(&p.canonicalize().unwrap_or_else(|_| p.to_path_buf()));
    if let Some(dir) = &args.gold {
        return golds_under(dir)
            .into_iter()
            .filter(|p| !is_used(p))
            .collect();
    }
    // The stems of the files that are not gold files, per folder, read once per folder.
    let mut stems: HashMap<PathBuf, HashSet<String>> = HashMap::new();
    let mut out = Vec::new();
    for arg in &args.inputs.paths {
        let dir = Path::new(arg);
        if !dir.is_dir() {
            continue;
        }
        for gold in golds_under(dir) {
            if is_used(&gold) {
                continue;
            }
            let (Some(folder), Some(stem)) = (gold.parent(), gold_stem(&gold)) else {
                continue;
            };
            let beside = stems
                .entry(folder.to_path_buf())
                .or_insert_with(|| input_stems(folder));
            if !beside.contains(stem) {
                out.push(gold);
            }
        }
    }
    out
}

/// `X` of `X.gold.json`.
fn gold_stem(gold: &Path) -> Option<&str> {
    let name = gold.file_name()?.to_str()?;
    GOLD_ENDINGS.iter().find_map(|(e, _)| name.strip_suffix(e))
}

/// The stems of the files in a folder that are not gold files (`X` of `X.txt`).
fn input_stems(dir: &Path) -> HashSet<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .flatten()
        .map(|e| e.path())
        .filter(|p| !is_gold(p) && p.is_file())
        .filter_map(|p| p.file_stem().and_then(|s| s.to_str()).map(str::to_string))
        .collect()
}
