//! `portal-server`: the operator's command line. All logic lives in the library.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    portal_server::cli::main().await
}
