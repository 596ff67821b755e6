//! `bench-records-read`: seeds 1,000 patients with 100,000 results in all (their charts
//! imported from FHIR bundles, sealed as the service stores them), starts the portal service on
//! them (in this process, HTTPS on a random port), then measures over HTTPS with keep-alive:
//!
//! - the bare `GET /api/v1/health`, the ceiling of this server on this machine;
//! - a patient's record summary (`GET /patients/{id}/record`), each read audited;
//! - one result's series over time (`GET /patients/{id}/record/results/29463-7/series`), under
//!   the same load and from a single connection (the latency a person waits for).
//!
//! Figures are printed, never asserted. Run with
//! `cargo run --profile perf -p portal-bench --bin bench-records-read -- [--seconds 10] [--database-url …]`.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use clap::Parser;
use portal_bench::load::{self, Target};
use portal_bench::records_seed::{self, WEIGHT};
use portal_server::{Application, Config, Limits, SystemClock};

#[derive(Debug, Parser)]
#[command(about = "Seed 1,000 charts and measure record reads over HTTPS")]
struct Args {
    /// Concurrent connections (each its own client task).
    #[arg(long, default_value_t = 64)]
    connections: usize,
    /// Measured seconds per scenario (after one second of warm-up).
    #[arg(long, default_value_t = 10)]
    seconds: u64,
    #[arg(long, default_value_t = 1_000)]
    patients: usize,
    /// Results in all, shared evenly by the patients.
    #[arg(long, default_value_t = 100_000)]
    observations: usize,
    /// A PostgreSQL URL (an empty database) instead of the embedded SQLite file.
    #[arg(long)]
    database_url: Option<String>,
    /// Worker threads of the server's runtime (the load generator gets its own).
    #[arg(long, default_value_t = 2)]
    server_threads: usize,
}

fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let data_dir = tempfile::tempdir()?;
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(args.server_threads)
        .thread_name("server")
        .enable_all()
        .build()?;
    let mut config = Config::new(data_dir.path());
    config.database_url = args.database_url.clone();
    config.listen = SocketAddr::from(([127, 0, 0, 1], 0));
    config.limits = Limits {
        login_per_address: u32::MAX,
        max_connections_per_client: usize::MAX,
        ..Limits::default()
    };
    let (app, fixture) = server_rt.block_on(async {
        let app = Application::build(config, Arc::new(SystemClock)).await?;
        let started = std::time::Instant::now();
        let fixture = records_seed::seed(app.state(), args.patients, args.observations, args.connections).await?;
        println!(
            "seeded {} patients' charts, {} results in all, on {} in {:.1} s",
            fixture.patients,
            fixture.observations,
            if args.database_url.is_some() {
                "PostgreSQL"
            } else {
                "SQLite (WAL, synchronous=FULL)"
            },
            started.elapsed().as_secs_f64()
        );
        anyhow::Ok((app, fixture))
    })?;
    let port = app.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    server_rt.spawn(app.run_until_stopped(async {
        let _ = stopped.await;
    }));

    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("load")
        .enable_all()
        .build()?;
    let target = Target {
        base: format!("https://localhost:{port}/api/v1"),
        ca: std::fs::read(data_dir.path().join("tls/ca.pem"))?,
        connections: args.connections,
        duration: Duration::from_secs(args.seconds),
    };
    let single = Target {
        connections: 1,
        ..target.clone()
    };
    println!(
        "{} connections, {} s per scenario, {} cores on this machine; server and load share them\n",
        args.connections,
        args.seconds,
        std::thread::available_parallelism().map_or(0, usize::from)
    );
    let charts = Arc::new(fixture.charts.clone());
    let tokens = fixture.tokens.clone();
    client_rt.block_on(async {
        let health = load::health(&target).await?;
        health.print("GET /health (ceiling)");
        let of = Arc::clone(&charts);
        let summary = load::authed_get(&target, tokens.clone(), move |c| {
            format!("/patients/{}/record", of[c % of.len()])
        })
        .await?;
        summary.print("GET /patients/{id}/record (summary)");
        let of = Arc::clone(&charts);
        let series_path = move |c: usize| format!("/patients/{}/record/results/{WEIGHT}/series", of[c % of.len()]);
        let series = load::authed_get(&target, tokens.clone(), series_path.clone()).await?;
        series.print("GET …/results/29463-7/series (loaded)");
        let alone = load::authed_get(&single, tokens.clone(), series_path).await?;
        alone.print("GET …/results/29463-7/series (1 connection)");
        println!();
        println!(
            "summary / health: {:.0}% (target >= 25%)",
            100.0 * summary.per_second() / health.per_second().max(1.0)
        );
        println!(
            "series p99: {:.2} ms from one connection, {:.2} ms under {} connections (target < 10 ms)",
            alone.percentile_ms(99.0),
            series.percentile_ms(99.0),
            args.connections
        );
        anyhow::Ok(())
    })?;
    let _ = stop.send(());
    drop(client_rt);
    server_rt.shutdown_timeout(Duration::from_secs(5));
    Ok(())
}
