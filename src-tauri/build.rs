//! Generates the app's permissions (`allow-<command>`) from its command list, so the window's
//! capability can allow exactly these commands and nothing else.

// `with_commands!`: the one list of commands (`src/commands/list.rs`).
include!("src/commands/list.rs");

macro_rules! command_names {
    ($($module:ident :: $command:ident),* $(,)?) => {
        &[$(stringify!($command)),*]
    };
}

/// Every `#[tauri::command]` the app registers.
const COMMANDS: &[&str] = with_commands!(command_names);

fn main() {
    let attributes = tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS));
    if let Err(error) = tauri_build::try_build(attributes) {
        eprintln!("tauri-build failed: {error:#}");
        std::process::exit(1);
    }
}
