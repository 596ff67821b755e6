//! The name the app gives its device at sign-in, shown in the person's list of sessions
//! ("Patient Portal on Linux, front-desk-2"): the system and the computer's name, nothing of
//! the person.

use portal_api::MAX_DEVICE_NAME;

/// This computer's device name.
pub fn device_name() -> String {
    let computer = whoami::fallible::devicename()
        .or_else(|_| whoami::fallible::hostname())
        .ok();
    named(std::env::consts::OS, computer.as_deref())
}

/// The device name for system `os` (Rust's `std::env::consts::OS`) and computer `computer`:
/// control characters dropped, at most [`MAX_DEVICE_NAME`] characters.
fn named(os: &str, computer: Option<&str>) -> String {
    let system = match os {
        "linux" => "Linux",
        "macos" => "macOS",
        "windows" => "Windows",
        other => other,
    };
    let computer: String = computer
        .unwrap_or_default()
        .chars()
        .filter(|c| !c.is_control())
        .collect();
    let name = match computer.trim() {
        "" => format!("Patient Portal on {system}"),
        computer => format!("Patient Portal on {system}, {computer}"),
    };
    name.chars()
        .take(MAX_DEVICE_NAME as usize)
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_and_the_computer_name_the_device() {
        assert_eq!(
            named("linux", Some("front-desk-2")),
            "Patient Portal on Linux, front-desk-2"
        );
        assert_eq!(named("macos", Some("  ")), "Patient Portal on macOS");
        assert_eq!(named("windows", None), "Patient Portal on Windows");
        assert_eq!(named("linux", Some("desk\n\u{7}2")), "Patient Portal on Linux, desk2");
        let long = named("linux", Some(&"é".repeat(300)));
        assert_eq!(long.chars().count(), MAX_DEVICE_NAME as usize);
        let here = device_name();
        assert!(here.starts_with("Patient Portal on ") && here.chars().count() <= MAX_DEVICE_NAME as usize);
    }
}
