//! Patient Portal desktop app.
//!
//! - [`core`]: what the commands do, with no Tauri in it ([`core::DesktopCore`]): settings,
//!   the in-memory session, and the calls to the portal server through `portal-api`'s client.
//! - [`commands`]: the thin `#[tauri::command]` wrappers the UI calls.
//! - [`contract`]: the TypeScript generated from the types, limits, error codes and command
//!   names the UI shares with this crate (`ui/src/lib/ipc/generated/`).
//! - [`error`]: [`error::CommandError`], which reaches the UI as `{code, message}`.
//! - [`vault`]: the local encrypted draft vault (`drafts.db` in the app's data folder),
//!   used through [`core::drafts`].
//! - [`navigation`]: the window never leaves the app's own pages.
//! - [`updates`]: signed updates from the address the practice sets.
//! - [`start_handover`]: the main window, created with the settings its first page needs.
//! - [`run`]: builds and runs the app (plugins, state, commands).

#[macro_use]
pub mod commands;
pub mod contract;
pub mod core;
pub mod error;
pub mod navigation;
mod preferences_file;
pub mod start_handover;
pub mod updates;
pub mod vault;

use tauri::{Manager, Runtime};
use tauri_plugin_store::StoreExt;

use crate::core::drafts::DRAFTS_FILE;
use crate::core::{DesktopCore, MemoryPreferences, PreferencesStore, StartupOverrides};
use crate::preferences_file::{PluginStorePreferences, PREFERENCES_FILE};

/// Environment variable with a `tracing` filter for the app's log (default `warn`).
pub const LOG_ENV: &str = "PORTAL_LOG";

/// The invoke handler for the commands of `src/commands/list.rs`.
macro_rules! invoke_handler {
    ($($module:ident :: $command:ident),* $(,)?) => {
        tauri::generate_handler![$(commands::$module::$command),*]
    };
}

/// The app's builder, generic over the runtime so it can be driven by Tauri's mock runtime.
/// `dev_url` is the development server the window may also show (`None` when the UI is
/// bundled in).
pub fn builder<R: Runtime>(dev_url: Option<tauri::Url>) -> tauri::Builder<R> {
    tauri::Builder::<R>::new()
        .plugin(navigation::guard(dev_url))
        .plugin(tauri_plugin_store::Builder::new().build())
        // The save dialog of "Download my record", opened from Rust only (the window is granted
        // none of the plugin's commands).
        .plugin(tauri_plugin_dialog::init())
        // Phone numbers and email addresses only (the capability's scope); the UI opens them
        // itself, so the plugin's own click handler for links is left out.
        .plugin(
            tauri_plugin_opener::Builder::new()
                .open_js_links_on_click(false)
                .build(),
        )
        // Signed updates, looked for from Rust only (the window is granted none of the
        // plugin's commands); the public key is `plugins.updater.pubkey` in tauri.conf.json.
        .plugin(tauri_plugin_updater::Builder::new().build())
        .setup(|app| {
            let preferences: Box<dyn PreferencesStore> = match app.store(PREFERENCES_FILE) {
                Ok(store) => Box::new(PluginStorePreferences::new(store)),
                Err(error) => {
                    tracing::warn!(%error, "preferences cannot be opened; they will not be kept");
                    Box::new(MemoryPreferences::default())
                }
            };
            let base_dir = std::env::current_dir().unwrap_or_else(|_| std::path::PathBuf::from("/"));
            let vault_path = match app.path().app_data_dir() {
                Ok(dir) => {
                    create_private_dir(&dir);
                    Some(dir.join(DRAFTS_FILE))
                }
                Err(error) => {
                    tracing::warn!(%error, "the app has no data folder; drafts cannot be saved");
                    None
                }
            };
            app.manage(DesktopCore::new(
                preferences,
                &StartupOverrides::from_env(),
                base_dir,
                vault_path,
            ));
            app.manage(updates::Updates::default());
            start_handover::open_main_window(app)?;
            watch_idle_session(app.handle().clone());
            updates::watch(app.handle().clone());
            Ok(())
        })
        .invoke_handler(with_commands!(invoke_handler))
}

/// Ends the session (and locks the drafts) once it has been idle for the server's timeout,
/// and in workstation mode locks the screen after its idle minutes (with some slack for the
/// window's keep-alive interval), checked here on a timer of the app's own, whatever the window does.
fn watch_idle_session<R: Runtime>(app: tauri::AppHandle<R>) {
    tauri::async_runtime::spawn(async move {
        let mut every = tokio::time::interval(crate::core::IDLE_CHECK_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            let core = app.state::<DesktopCore>();
            if core.end_idle_session().await {
                tracing::info!("the session was idle too long; signed out and drafts locked");
            } else if core.lock_idle_screen_at(std::time::Instant::now()).await {
                tracing::info!("workstation mode: the screen was idle too long; locked");
            }
        }
    });
}

/// Creates the app's data folder if missing, and makes it its owner's only where the system
/// has such permissions: it holds the draft vault, whose key header, copied by another user of
/// the computer, would allow guessing the pass-phrase offline. Failures are only logged; the
/// vault then says it cannot be opened.
fn create_private_dir(dir: &std::path::Path) {
    if let Err(error) = std::fs::create_dir_all(dir) {
        tracing::warn!(%error, "the app's data folder could not be created");
        return;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Err(error) = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)) {
            tracing::warn!(%error, "the app's data folder could not be made private");
        }
    }
}

#[cfg_attr(mobile, tauri::mobile_entry_point)]
pub fn run() {
    let filter = tracing_subscriber::EnvFilter::try_from_env(LOG_ENV)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();

    let context = tauri::generate_context!();
    let dev_url = if tauri::is_dev() {
        context.config().build.dev_url.clone()
    } else {
        None
    };
    if let Err(error) = builder::<tauri::Wry>(dev_url).run(context) {
        eprintln!("Patient Portal could not start: {error}");
        std::process::exit(1);
    }
}
