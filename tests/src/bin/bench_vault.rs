//! Figures for the draft vault, printed (never asserted: timings depend on the machine).
//!
//! `cargo run --release -p portal-tests --bin bench-vault [DIR]` (DIR: where the vault file is
//! written, default a temporary folder; put it on the disk the app will use, since
//! `synchronous=FULL` makes every save wait for the disk).
//!
//! - draft save, as the app does it on every autosave: seal + durable write, one transaction;
//!   p50/p99/mean over 2,000 saves of a 4 KiB and of a 64 KiB draft, and the same through the
//!   app's drafts logic (JSON, read-modify-write) for 4 KiB;
//! - sealing alone at 64 KiB in MiB/s (in place, as autosave does, and from a borrowed slice),
//!   beside ring's raw AES-256-GCM `seal_in_place` on the same machine in the same run, and
//!   their ratio (target ≥ 80 %);
//! - unlocking (Argon2id at the production parameters, then unwrapping the key).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use portal_desktop::core::drafts::{Draft, Drafts};
use portal_desktop::vault::cipher::DataKey;
use portal_desktop::vault::seal::RecordBuffer;
use portal_desktop::vault::{seal, DraftVault, KdfParams};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::rand::{SecureRandom, SystemRandom};

const SAVES: usize = 2_000;
const USER: &str = "1@bench.example:443";
const PASSPHRASE: &[u8] = b"benchmark pass phrase of decent length";

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run());
}

async fn run() {
    let temp = tempfile::tempdir().expect("temp dir");
    let dir = std::env::args()
        .nth(1)
        .map_or_else(|| temp.path().to_path_buf(), PathBuf::from);
    let path = dir.join(format!("bench-{}.db", std::process::id()));
    println!("vault file: {}", path.display());
    println!(
        "build: {}",
        if cfg!(debug_assertions) {
            "DEBUG (use --release)"
        } else {
            "release"
        }
    );

    let vault = DraftVault::open(&path).await.expect("open");
    let started = Instant::now();
    let user = vault
        .create_user(USER, PASSPHRASE, KdfParams::PRODUCTION)
        .await
        .expect("create");
    println!(
        "create user (Argon2id m={} MiB t={} p={}): {}",
        KdfParams::PRODUCTION.m_cost_kib / 1024,
        KdfParams::PRODUCTION.t_cost,
        KdfParams::PRODUCTION.p_cost,
        ms(started.elapsed())
    );

    println!("\n== draft save: seal + durable write (WAL, synchronous=FULL), {SAVES} saves each ==");
    for size in [4 * 1024, 64 * 1024] {
        let plaintext = filler(size);
        let draft_id = format!("bench-{size}");
        user.save_draft(&draft_id, &plaintext).await.expect("warm-up");
        let mut times = Vec::with_capacity(SAVES);
        for _ in 0..SAVES {
            let started = Instant::now();
            user.save_draft(&draft_id, &plaintext).await.expect("save");
            times.push(started.elapsed());
        }
        println!("{:>6} KiB: {}", size / 1024, summary(&mut times));
    }

    let drafts = Drafts::new(Some(path.clone()), KdfParams::PRODUCTION);
    drafts.unlock(USER, PASSPHRASE).await.expect("unlock");
    let body = String::from_utf8(filler(4 * 1024)).expect("ascii");
    let first = drafts.save(Draft::new("Benchmark", body.clone())).await.expect("save");
    let mut times = Vec::with_capacity(SAVES);
    for _ in 0..SAVES {
        let mut draft = Draft::new("Benchmark", body.clone());
        draft.draft_id = Some(first.draft_id.clone());
        let started = Instant::now();
        drafts.save(draft).await.expect("save");
        times.push(started.elapsed());
    }
    println!(
        "     4 KiB through the app's save_draft (load + JSON + seal + write): {}",
        summary(&mut times)
    );
    drafts.close().await;

    println!("\n== sealing at 64 KiB, in memory ==");
    let rng = SystemRandom::new();
    let key = DataKey::generate(&rng).expect("key");
    let plaintext = filler(64 * 1024);
    // What every autosave does: the JSON is written straight into the record buffer (not
    // timed: that is serializing, and the bytes are then hot in the cache as they are in the
    // app), then the buffer is sealed in place (timed: fresh nonce from the system, AES key
    // schedule, bound additional data, encryption, tag).
    let mut in_place = || {
        let started = Instant::now();
        let mut record = RecordBuffer::new(&rng, plaintext.len()).expect("record");
        let mut took = started.elapsed();
        record.extend_from_slice(&plaintext);
        let started = Instant::now();
        let sealed = record
            .seal(&key, &seal::additional_data(USER, "bench-draft", 42))
            .expect("seal");
        took += started.elapsed();
        std::hint::black_box(sealed);
        took
    };
    // The same from a borrowed slice: one copy of the plaintext into the record on top.
    let mut from_slice = || {
        let started = Instant::now();
        let sealed = seal::seal(&rng, &key, USER, "bench-draft", 42, &plaintext).expect("seal");
        let took = started.elapsed();
        std::hint::black_box(sealed);
        took
    };
    let mut raw_key = [0u8; 32];
    rng.fill(&mut raw_key).expect("random");
    let raw = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &raw_key).expect("key"));
    let mut buffer = plaintext.clone();
    let mut counter = 0u64;
    let mut ring_raw = || {
        counter += 1;
        let mut nonce = [0u8; 12];
        nonce[..8].copy_from_slice(&counter.to_le_bytes());
        let started = Instant::now();
        let tag = raw
            .seal_in_place_separate_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut buffer)
            .expect("seal");
        let took = started.elapsed();
        let _ = std::hint::black_box(tag);
        took
    };
    let [in_place, from_slice, ring_raw] =
        throughputs(plaintext.len(), [&mut in_place, &mut from_slice, &mut ring_raw]);
    println!("vault seal in place (RecordBuffer, the autosave path): {in_place:8.0} MiB/s");
    println!("vault seal from a slice (seal::seal, one more copy):   {from_slice:8.0} MiB/s");
    println!("ring AES-256-GCM seal_in_place_separate_tag (raw):     {ring_raw:8.0} MiB/s");
    println!(
        "ratio to raw ring: in place {:.1} %, from a slice {:.1} % (target >= 80 %)",
        100.0 * in_place / ring_raw,
        100.0 * from_slice / ring_raw
    );

    println!("\n== unlock at production parameters ==");
    drop(user);
    let mut times = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let unlocked = vault.unlock(USER, PASSPHRASE).await.expect("unlock");
        times.push(started.elapsed());
        drop(unlocked);
    }
    times.sort();
    println!(
        "unlock (Argon2id + unwrap), 5 runs: min {} / median {} / max {}",
        ms(times[0]),
        ms(times[2]),
        ms(times[4])
    );
    vault.close().await;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
    }
}

/// `len` bytes of printable text.
fn filler(len: usize) -> Vec<u8> {
    (0..len).map(|i| b"abcdefghijklmnopqrstuvwxyz "[i % 27]).collect()
}

/// MiB/s over `bytes` per call for each contender, from the time each call reports (so setup a
/// call needs is left out the same way for all). The contenders take turns, 50 ms of measured
/// time each, 40 turns, so a change in the machine's load (other builds) hits them alike.
fn throughputs<const N: usize>(bytes: usize, mut runs: [&mut dyn FnMut() -> Duration; N]) -> [f64; N] {
    let mut measured = [Duration::ZERO; N];
    let mut calls = [0u64; N];
    for run in runs.iter_mut() {
        for _ in 0..200 {
            run();
        }
    }
    for _ in 0..40 {
        for (i, run) in runs.iter_mut().enumerate() {
            let turn_end = measured[i] + Duration::from_millis(50);
            while measured[i] < turn_end {
                measured[i] += run();
                calls[i] += 1;
            }
        }
    }
    std::array::from_fn(|i| (calls[i] as f64) * (bytes as f64) / (1024.0 * 1024.0) / measured[i].as_secs_f64())
}

fn summary(times: &mut [Duration]) -> String {
    times.sort();
    let at = |q: f64| times[((times.len() as f64 - 1.0) * q).round() as usize];
    let mean = times.iter().sum::<Duration>() / u32::try_from(times.len()).expect("count");
    format!("p50 {}  p99 {}  mean {}", ms(at(0.50)), ms(at(0.99)), ms(mean))
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1000.0)
}
