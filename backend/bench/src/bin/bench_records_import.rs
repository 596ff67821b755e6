//! `bench-records-import`: the import of each FHIR bundle given (default: the shared Synthea
//! samples) into a fresh SQLite database (WAL, `synchronous=FULL`, as the service runs it),
//! the way `portal-server records import` does it: read and check the bundle, then store it
//! sealed in one transaction. Also a bundle of 1 MB made from the first sample (its resources
//! copied, the copies with ids of their own), and a re-import of the same bundle
//! (nothing changes). Figures are printed, never asserted. Run with
//! `cargo run --profile perf -p portal-bench --bin bench-records-import -- [--runs 5] [FILE…]`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use clap::Parser;
use portal_server::attachments::AttachmentCipher;
use portal_server::domain::records::ChartBundle;
use portal_server::records::import::import_bundle;
use portal_server::sealed_text::TextSealer;
use portal_server::store::Db;
use serde_json::Value;

#[derive(Debug, Parser)]
#[command(about = "Measure the import of FHIR bundles into a fresh SQLite database")]
struct Args {
    /// Imports per bundle, each into a fresh database (the median and the fastest are printed).
    #[arg(long, default_value_t = 5)]
    runs: usize,
    /// Bundle files (default: every .json in ../shared/fhir-samples).
    files: Vec<PathBuf>,
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let files = if args.files.is_empty() {
        samples()?
    } else {
        args.files.clone()
    };
    let sealer = TextSealer::new(Arc::new(AttachmentCipher::from_key(&[7u8; 32]).expect("key")));
    let mut bundles: Vec<(String, Vec<u8>)> = Vec::new();
    for file in &files {
        let name: String = file
            .file_name()
            .map(|n| n.to_string_lossy().chars().take(24).collect())
            .unwrap_or_default();
        bundles.push((name, std::fs::read(file)?));
    }
    if let Some((name, bytes)) = bundles.first() {
        let (grown, copies) = grown_to_1_mb(bytes)?;
        bundles.push((format!("{} ×{copies}", &name[..name.len().min(20)]), grown));
    }
    println!(
        "records import, SQLite (WAL, synchronous=FULL), {} run(s) each on a fresh database",
        args.runs
    );
    for (name, bytes) in &bundles {
        let entries = ChartBundle::parse(bytes).map(|b| b.resources.len()).unwrap_or(0);
        let mut parse = Vec::new();
        let mut json = Vec::new();
        let mut first = Vec::new();
        let mut again = Vec::new();
        for _ in 0..args.runs {
            let started = Instant::now();
            let value: Value = serde_json::from_slice(bytes)?;
            json.push(started.elapsed());
            ChartBundle::from_value(value)?;
            parse.push(started.elapsed());
            let dir = tempfile::tempdir()?;
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("portal.db").display());
            let db = Db::connect(&url).await?;
            db.migrate().await?;
            let started = Instant::now();
            import_bundle(&db, &sealer, bytes, chrono::Utc::now()).await?;
            first.push(started.elapsed());
            let started = Instant::now();
            let report = import_bundle(&db, &sealer, bytes, chrono::Utc::now()).await?;
            again.push(started.elapsed());
            assert_eq!(
                report.outcome.stored + report.outcome.replaced,
                0,
                "a re-import changes nothing"
            );
            db.pool.close().await;
        }
        println!(
            "{name:<28} {:.2} MB {entries:>4} resources: import median {} (min {}), of which reading {} (JSON {}); again (unchanged) median {}",
            bytes.len() as f64 / 1_000_000.0,
            ms(median(&mut first)),
            ms(*first.iter().min().unwrap_or(&Duration::ZERO)),
            ms(median(&mut parse)),
            ms(median(&mut json)),
            ms(median(&mut again)),
        );
    }
    Ok(())
}

fn samples() -> anyhow::Result<Vec<PathBuf>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fhir-samples");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    Ok(files)
}

/// The bundle grown to at least 1 MB (as compact JSON): every resource but the Patient copied
/// as many times as it takes, each copy with an id and fullUrl of its own (its references
/// still point at the originals).
fn grown_to_1_mb(bytes: &[u8]) -> anyhow::Result<(Vec<u8>, usize)> {
    let mut bundle: Value = serde_json::from_slice(bytes)?;
    let entries = bundle["entry"]
        .as_array_mut()
        .ok_or_else(|| anyhow::anyhow!("no entries"))?;
    let originals: Vec<Value> = entries
        .iter()
        .filter(|e| e["resource"]["resourceType"] != "Patient")
        .cloned()
        .collect();
    let mut copies = 1;
    loop {
        let grown = serde_json::to_vec(&bundle)?;
        if grown.len() >= 1_000_000 {
            return Ok((grown, copies));
        }
        copies += 1;
        let entries = bundle["entry"]
            .as_array_mut()
            .ok_or_else(|| anyhow::anyhow!("no entries"))?;
        entries.extend(originals.iter().map(|e| {
            let mut copy = e.clone();
            let id = format!("{}-{copies}", copy["resource"]["id"].as_str().unwrap_or("x"));
            copy["fullUrl"] = Value::String(format!("urn:uuid:{id}"));
            copy["resource"]["id"] = Value::String(id);
            copy
        }));
    }
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    times.get(times.len() / 2).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}
