//! Words people read are spelled one way (issue 9, 6.5): "email", the US usage, never
//! "e-mail". The sign-in screen said "Email address" while the service answered "The e-mail
//! address or pass-phrase is not correct." and the policy said "Your e-mail address".
//!
//! Checked: everything in the UI (`ui/src`), the policy text the app shows
//! (`backend/server/policy`), and every line of code (not comments) of the service, the wire
//! types and the desktop app, where the messages people read are written.

use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("the workspace")
        .to_path_buf()
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// `path:line: text` for each line of `path` that spells it "e-mail" (`code_only`: leaving
/// out comment lines).
fn misspelled(path: &Path, code_only: bool) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new(); // not text (an icon)
    };
    text.lines()
        .enumerate()
        .filter(|(_, line)| !(code_only && line.trim_start().starts_with("//")))
        .filter(|(_, line)| line.to_lowercase().contains("e-mail"))
        .map(|(n, line)| format!("{}:{}: {}", path.display(), n + 1, line.trim()))
        .collect()
}

#[test]
fn email_is_spelled_one_way_wherever_people_read_it() {
    let root = root();
    let mut found = Vec::new();
    for (dir, code_only) in [
        ("ui/src", false),
        ("backend/server/policy", false),
        ("backend/server/src", true),
        ("backend/api/src", true),
        ("src-tauri/src", true),
    ] {
        let mut paths = Vec::new();
        files(&root.join(dir), &mut paths);
        assert!(!paths.is_empty(), "{dir} has files");
        for path in paths {
            found.extend(misspelled(&path, code_only));
        }
    }
    assert!(
        found.is_empty(),
        "write \"email\", not \"e-mail\":\n{}",
        found.join("\n")
    );
}
