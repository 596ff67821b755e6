//! Logging. Quiet by default in tests (set `TEST_LOG=1` to see it). Nothing with health data,
//! pass-phrases or tokens is ever logged: handlers log ids and error kinds only.

use tracing_subscriber::EnvFilter;

pub fn init(default_filter: &str) {
    let filter = EnvFilter::try_from_env("PORTAL_LOG").unwrap_or_else(|_| EnvFilter::new(default_filter));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .try_init();
}
