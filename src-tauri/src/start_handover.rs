//! The main window, created with what its first page needs before it can show anything: the
//! settings in force (the language of the first screen, workstation mode), handed over in an
//! initialization script the webview runs before the page's own scripts. Asked for through a
//! command instead, they would cross the isolation frame, which loads a frame of its own
//! first: the first screen would wait a round trip longer on every start.
//!
//! No session exists when the window is created, so the handover also tells the page that
//! nobody is signed in. Both hold for the window's first page only: a page loaded again (a
//! reload) asks for the settings and the session (`ui/src/lib/start-up.ts`).

use serde::Serialize;
use tauri::{Manager, Runtime};
use ts_rs::TS;

use crate::core::{DesktopCore, Settings};

/// The global the handover is in (`window[START_HANDOVER_GLOBAL]`), read-only.
pub const START_HANDOVER_GLOBAL: &str = "__PORTAL_START__";

/// The window the app shows (`app.windows` in tauri.conf.json, created here, not by Tauri).
pub const MAIN_WINDOW: &str = "main";

/// What the window's first page is handed (nobody is signed in yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct StartHandover {
    /// The settings in force when the window was created.
    pub settings: Settings,
}

/// The initialization script defining the handover: a frozen, read-only global.
pub fn script(handover: &StartHandover) -> String {
    // JSON is a JavaScript expression (ES2019 allows U+2028 and U+2029 in strings).
    let json = serde_json::to_string(handover).expect("the handover is plain data");
    format!(
        "Object.defineProperty(window, {name}, {{ value: Object.freeze({json}), writable: false, configurable: false }});",
        name = serde_json::Value::from(START_HANDOVER_GLOBAL),
    )
}

/// Creates the main window from its configuration, with the handover of the settings the
/// app's core holds now. Call once the core is managed.
pub fn open_main_window<R: Runtime>(app: &tauri::App<R>) -> tauri::Result<()> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|window| window.label == MAIN_WINDOW)
        .ok_or_else(|| tauri::Error::WindowNotFound)?
        .clone();
    let handover = StartHandover {
        settings: app.state::<DesktopCore>().settings(),
    };
    tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
        .initialization_script(script(&handover))
        .build()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::ManagedFields;

    #[test]
    fn the_script_defines_the_settings_as_a_read_only_global() {
        let handover = StartHandover {
            settings: Settings {
                server_url: "https://portal.example.org/\u{2028}\"</script>".into(),
                ca_file: String::new(),
                managed: ManagedFields::default(),
                workstation: None,
                language: None,
            },
        };
        let script = script(&handover);
        assert!(script.starts_with("Object.defineProperty(window, \"__PORTAL_START__\", { value: Object.freeze({"));
        // The value is the JSON the command would answer, quotes escaped.
        let json = serde_json::to_string(&handover).unwrap();
        assert!(script.contains(&json));
        assert!(json.contains(r#"\"</script>"#));
        assert!(script.ends_with("writable: false, configurable: false });"));
    }
}
