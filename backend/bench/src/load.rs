//! The load: `connections` tasks, each with its own HTTPS client and one kept-alive
//! connection, sending requests back to back for the measured time after a second of
//! warm-up. Latency is measured per request, from send to the last byte of the answer.

use std::time::{Duration, Instant};

use reqwest::{Client, Method};

use crate::cpu::{self, Usage};
use crate::seed::Fixture;

#[derive(Clone)]
pub struct Target {
    pub base: String,
    pub ca: Vec<u8>,
    pub connections: usize,
    pub duration: Duration,
}

const WARM_UP: Duration = Duration::from_secs(1);

pub struct Outcome {
    /// Answered with success during the measured time.
    pub ok: u64,
    pub failed: u64,
    /// Answered with success at any time, warm-up included.
    pub acknowledged: u64,
    pub elapsed: Duration,
    /// CPU of the whole process (server and load) over the measured time.
    pub usage: Usage,
    /// Microseconds, sorted.
    latencies: Vec<u32>,
}

impl Outcome {
    pub fn per_second(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// CPU microseconds (server and load generator together) per answered request.
    pub fn cpu_us_per_request(&self) -> f64 {
        self.usage.cpu_seconds * 1e6 / (self.ok.max(1) as f64)
    }

    pub fn percentile_ms(&self, p: f64) -> f64 {
        if self.latencies.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * (self.latencies.len() - 1) as f64).round() as usize;
        f64::from(self.latencies[rank]) / 1000.0
    }

    pub fn print(&self, name: &str) {
        println!(
            "{name:<48} {:>7.0} req/s  p50 {:>6.2} ms  p99 {:>6.2} ms  max {:>7.2} ms  ok {:>7}  failed {}  \
             cpu {:>4.0} us/req on {:.2} cores, steal {:.0}%",
            self.per_second(),
            self.percentile_ms(50.0),
            self.percentile_ms(99.0),
            self.percentile_ms(100.0),
            self.ok,
            self.failed,
            self.cpu_us_per_request(),
            self.usage.cores,
            self.usage.steal * 100.0
        );
    }
}

fn client(ca: &[u8]) -> anyhow::Result<Client> {
    Ok(Client::builder()
        .use_rustls_tls()
        .tls_built_in_root_certs(false)
        .add_root_certificate(reqwest::Certificate::from_pem(ca)?)
        .http1_only()
        .pool_max_idle_per_host(1)
        .build()?)
}

/// Runs `connections` loops of `request(connection, n)` and gathers the outcome.
async fn run<F>(target: &Target, request: F) -> anyhow::Result<Outcome>
where
    F: Fn(&Client, usize, u64) -> reqwest::RequestBuilder + Send + Sync + Clone + 'static,
{
    let start = Instant::now() + WARM_UP;
    let end = start + target.duration;
    let mut tasks = Vec::with_capacity(target.connections);
    for connection in 0..target.connections {
        let http = client(&target.ca)?;
        let request = request.clone();
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(16_384);
            let (mut ok, mut failed, mut acknowledged) = (0u64, 0u64, 0u64);
            let mut n = 0u64;
            loop {
                let sent = Instant::now();
                if sent >= end {
                    break;
                }
                n += 1;
                let result = request(&http, connection, n).send().await;
                let good = match result {
                    Ok(resp) => {
                        let status = resp.status();
                        resp.bytes().await.is_ok() && status.is_success()
                    }
                    Err(_) => false,
                };
                acknowledged += u64::from(good);
                if sent < start {
                    continue;
                }
                if good {
                    ok += 1;
                    latencies.push(u32::try_from(sent.elapsed().as_micros()).unwrap_or(u32::MAX));
                } else {
                    failed += 1;
                }
            }
            (ok, failed, acknowledged, latencies)
        }));
    }
    tokio::time::sleep_until(start.into()).await;
    let before = cpu::sample();
    let mut outcome = Outcome {
        ok: 0,
        failed: 0,
        acknowledged: 0,
        elapsed: target.duration,
        usage: Usage::default(),
        latencies: Vec::new(),
    };
    tokio::time::sleep_until(end.into()).await;
    outcome.usage = before.until(cpu::sample());
    for task in tasks {
        let (ok, failed, acknowledged, latencies) = task.await?;
        outcome.ok += ok;
        outcome.failed += failed;
        outcome.acknowledged += acknowledged;
        outcome.latencies.extend(latencies);
    }
    outcome.latencies.sort_unstable();
    Ok(outcome)
}

pub async fn health(target: &Target) -> anyhow::Result<Outcome> {
    let url = format!("{}/health", target.base);
    run(target, move |http, _, _| http.get(&url)).await
}

/// `GET {base}{path(connection)}` with the connection's session (`tokens[connection]`, round
/// robin).
pub async fn authed_get<F>(target: &Target, tokens: Vec<String>, path: F) -> anyhow::Result<Outcome>
where
    F: Fn(usize) -> String + Send + Sync + Clone + 'static,
{
    let base = target.base.clone();
    run(target, move |http, c, _| {
        http.get(format!("{base}{}", path(c)))
            .bearer_auth(&tokens[c % tokens.len()])
    })
    .await
}

pub async fn inbox(target: &Target, fixture: &Fixture) -> anyhow::Result<Outcome> {
    let url = format!("{}/threads?limit=50", target.base);
    let tokens = fixture.tokens.clone();
    run(target, move |http, c, _| {
        http.get(&url).bearer_auth(&tokens[c % tokens.len()])
    })
    .await
}

pub async fn sends(target: &Target, fixture: &Fixture) -> anyhow::Result<Outcome> {
    let tokens = fixture.tokens.clone();
    let threads = fixture.reply_threads.clone();
    let base = target.base.clone();
    let run_id = hex::encode(rand::random::<[u8; 6]>());
    let body = serde_json::json!({
        "body": "Thank you, doctor. I will send a new photo of the spot tomorrow morning in daylight, with a ruler beside it as you asked.",
        "attachment_ids": []
    })
    .to_string();
    run(target, move |http, c, n| {
        let i = c % tokens.len();
        http.request(Method::POST, format!("{base}/threads/{}/messages", threads[i]))
            .bearer_auth(&tokens[i])
            .header("idempotency-key", format!("bench-{run_id}-{c}-{n}"))
            .header("content-type", "application/json")
            .body(body.clone())
    })
    .await
}
