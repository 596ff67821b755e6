//! The commands the UI may call (`ui/src/lib/ipc/index.ts`). Each one only delegates to
//! [`crate::core::DesktopCore`]. Arguments arrive camelCase from JavaScript as snake_case
//! parameters; results are snake_case; errors are `{code, message}`.

pub mod drafts;
pub mod messages;
pub mod policy;
pub mod session;
pub mod settings;
pub mod staff;

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    const BUILD_RS: &str = include_str!("../../build.rs");
    const CAPABILITY: &str = include_str!("../../capabilities/main.json");
    const TAURI_CONF: &str = include_str!("../../tauri.conf.json");

    /// The command names listed in `build.rs` (which generates their permissions).
    fn commands_in_build_rs() -> Vec<String> {
        let list = BUILD_RS
            .split("const COMMANDS")
            .nth(1)
            .and_then(|rest| rest.split("];").next())
            .expect("COMMANDS");
        list.split('"').skip(1).step_by(2).map(str::to_owned).collect()
    }

    #[test]
    fn the_main_window_may_call_exactly_the_app_commands_and_open_phone_and_mail_links() {
        let capability: Value = serde_json::from_str(CAPABILITY).expect("capability JSON");
        assert_eq!(capability["windows"], json!(["main"]));
        let permissions = capability["permissions"].as_array().expect("permissions");
        let mut granted: Vec<String> = permissions
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect();
        let mut expected: Vec<String> = commands_in_build_rs()
            .iter()
            .map(|c| format!("allow-{}", c.replace('_', "-")))
            .collect();
        assert_eq!(expected.len(), 28, "{expected:?}");
        granted.sort();
        expected.sort();
        assert_eq!(granted, expected, "the app's own commands, no core permissions");
        // One plugin permission: the opener, for phone numbers and email addresses only
        // (never web addresses or files).
        let scoped: Vec<&Value> = permissions.iter().filter(|p| !p.is_string()).collect();
        assert_eq!(
            scoped,
            [&json!({
                "identifier": "opener:allow-open-url",
                "allow": [{ "url": "tel:*" }, { "url": "mailto:*" }]
            })]
        );
    }

    #[test]
    fn the_window_runs_under_a_strict_policy() {
        let conf: Value = serde_json::from_str(TAURI_CONF).expect("tauri.conf.json");
        let security = &conf["app"]["security"];
        assert_eq!(
            security["csp"],
            "default-src 'self'; connect-src ipc: http://ipc.localhost; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        assert_eq!(security["freezePrototype"], true);
        assert_eq!(security["capabilities"], json!(["main"]));
        let windows = conf["app"]["windows"].as_array().expect("windows");
        assert_eq!(windows.len(), 1);
        assert_eq!(windows[0]["label"], "main");
        // Dropped files reach the page as File objects (HTML5 drop), not as paths through
        // Tauri's own drop events.
        assert_eq!(windows[0]["dragDropEnabled"], false);
    }
}
