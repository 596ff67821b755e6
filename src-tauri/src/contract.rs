//! The contract with the UI, generated from Rust into TypeScript so the two cannot drift:
//!
//! - `ui/src/lib/ipc/generated/types.ts`: every type a command answers or takes (ts-rs, from
//!   the types themselves, with their doc comments), and the types they use.
//! - `ui/src/lib/ipc/generated/values.ts`: the limits, the error codes (the service's and the
//!   app's), the emergency phrases and the command names, as constants.
//!
//! Both files are committed. A unit test regenerates them in memory and fails when the
//! committed ones differ; `UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract`
//! rewrites them. A new command result or argument type goes in [`ipc_types`]; a new limit in
//! [`values_ts`].

use std::any::TypeId;
use std::collections::BTreeMap;
use std::fmt::Write;

use portal_api::emergency;
use ts_rs::{Config, TypeVisitor, TS};

use crate::error::{AppErrorCode, ErrorBody};

/// Where the generated files live, from the workspace's root.
pub const GENERATED_DIR: &str = "ui/src/lib/ipc/generated";

/// The command that rewrites them.
pub const UPDATE_COMMAND: &str = "UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract";

const HEADER: &str = "// Generated from the Rust types by `portal-desktop`'s `contract` module: do not edit.\n\
// After changing a type, a limit, an error code or a command, run\n\
//   UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract\n";

/// The generated files: name (in [`GENERATED_DIR`]) and content.
pub fn generated_files() -> Vec<(&'static str, String)> {
    vec![("types.ts", types_ts()), ("values.ts", values_ts())]
}

/// Collects the declaration of every type reached from the roots, once, by TypeScript name.
struct Declarations {
    config: Config,
    by_name: BTreeMap<String, (TypeId, String)>,
}

impl Declarations {
    fn add<T: TS + 'static + ?Sized>(&mut self) {
        self.visit::<T>();
    }
}

impl TypeVisitor for Declarations {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        // Only declared types (structs and enums); primitives and containers have no name.
        if T::output_path().is_none() {
            return;
        }
        let name = T::ident(&self.config);
        if let Some((seen, _)) = self.by_name.get(&name) {
            assert!(
                *seen == TypeId::of::<T>(),
                "two Rust types are called {name} in TypeScript: rename one with #[ts(rename = \"…\")]"
            );
            return;
        }
        let mut declaration = T::docs().unwrap_or_default();
        declaration.push_str("export ");
        declaration.push_str(&T::decl(&self.config));
        self.by_name.insert(name, (TypeId::of::<T>(), declaration));
        T::visit_dependencies(self);
    }
}

/// The types that cross the IPC boundary: what every command answers and takes (and
/// through them the `portal-api` types they hold).
fn ipc_types(types: &mut Declarations) {
    use crate::core::accounts::PassphraseChange;
    use crate::core::drafts::{AddedAttachment, Draft, DraftSummary, SavedDraft};
    use crate::core::messages::{EmergencyCheck, SavedFile, UnreadTotal};
    use crate::core::records::RecordExport;
    use crate::core::send::{SendProgress, Sent};
    use crate::core::{KeepAlive, SaveOutcome, SessionView, Settings, Workstation};
    use portal_api::{
        AccessLog, AccountStatus, AssignedFilter, BreakTheGlassGrant, ErrorCode, Language, PatientMatches, Person,
        PolicyResponse, PracticeInfo, RecordPage, RecordSection, RecordSummary, ReleaseRule, ResultPreferences,
        ResultReleaseSetting, ResultReview, ResultSeries, ReviewRequest, SessionList, SessionsEnded, StaffMember,
        ThreadDetail, ThreadList, ThreadStatus, ThreadSummary,
    };

    // Errors: the body every command rejects with, and the codes it carries.
    types.add::<ErrorBody>();
    types.add::<ErrorCode>();
    types.add::<AppErrorCode>();
    // settings (also handed to the window's first page)
    types.add::<Settings>();
    types.add::<crate::start_handover::StartHandover>();
    types.add::<Workstation>();
    types.add::<SaveOutcome>();
    types.add::<PracticeInfo>();
    // updates
    types.add::<crate::updates::UpdateStatus>();
    // session, policy
    types.add::<SessionView>();
    types.add::<KeepAlive>();
    types.add::<PolicyResponse>();
    types.add::<Language>();
    // drafts
    types.add::<Draft>();
    types.add::<DraftSummary>();
    types.add::<SavedDraft>();
    types.add::<AddedAttachment>();
    // messages (arguments of list_threads included)
    types.add::<ThreadList>();
    types.add::<ThreadDetail>();
    types.add::<ThreadSummary>();
    types.add::<ThreadStatus>();
    types.add::<AssignedFilter>();
    types.add::<UnreadTotal>();
    types.add::<Person>();
    types.add::<EmergencyCheck>();
    types.add::<SavedFile>();
    types.add::<SendProgress>();
    types.add::<Sent>();
    // staff (an admin's)
    types.add::<StaffMember>();
    types.add::<AccountStatus>();
    types.add::<SessionList>();
    types.add::<SessionsEnded>();
    // a patient's record (arguments of record_section included)
    types.add::<RecordSummary>();
    types.add::<RecordSection>();
    types.add::<RecordPage>();
    types.add::<ResultSeries>();
    types.add::<AccessLog>();
    types.add::<ResultPreferences>();
    types.add::<RecordExport>();
    // results' release: a physician's review (its note as `ReviewRequest` holds it), the
    // practice's rule (an admin's)
    types.add::<ReviewRequest>();
    types.add::<ResultReview>();
    types.add::<ResultReleaseSetting>();
    types.add::<ReleaseRule>();
    // a person's own account (issue 11), and a patient's invitation by the practice
    types.add::<PassphraseChange>();
    types.add::<portal_api::EmailChangePending>();
    types.add::<portal_api::NoticePreferences>();
    types.add::<portal_api::InvitationSent>();
    // the second factor (TOTP)
    types.add::<portal_api::TotpEnrolment>();
    types.add::<portal_api::RecoveryCodes>();
    // the care team's way into charts
    types.add::<PatientMatches>();
    types.add::<BreakTheGlassGrant>();
    // authorized persons (issue 12): a patient's grants, those given to the person, and whom
    // the session acts for (in `SessionView`)
    types.add::<portal_api::GrantRequest>();
    types.add::<portal_api::PracticeGrantRequest>();
    types.add::<portal_api::GrantList>();
    types.add::<portal_api::GrantsReceived>();
    types.add::<portal_api::ActingFor>();
}

/// `generated/types.ts`.
pub fn types_ts() -> String {
    let mut types = Declarations {
        // Ids and counts are far below 2^53: plain numbers, as JSON carries them.
        config: Config::new().with_large_int("number"),
        by_name: BTreeMap::new(),
    };
    ipc_types(&mut types);
    let mut out = String::from(HEADER);
    for (_, declaration) in types.by_name.values() {
        out.push('\n');
        out.push_str(declaration);
        out.push('\n');
    }
    out
}

/// The members of a TypeScript union of string literals (`"a" | "b"`): the values of a unit
/// enum as serde writes them.
fn string_members<T: TS + ?Sized>() -> Vec<String> {
    let inline = T::inline(&Config::new());
    inline
        .split(" | ")
        .map(|member| {
            member
                .strip_prefix('"')
                .and_then(|m| m.strip_suffix('"'))
                .unwrap_or_else(|| panic!("{inline} is not a union of strings"))
                .to_owned()
        })
        .collect()
}

/// `invalid_server_url` → `InvalidServerUrl`.
fn pascal_case(snake: &str) -> String {
    snake
        .split('_')
        .map(|word| {
            let mut chars = word.chars();
            chars
                .next()
                .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Every error code a command can reject with: the service's (passed through) and the app's.
pub fn error_codes() -> Vec<String> {
    let mut codes = string_members::<portal_api::ErrorCode>();
    codes.extend(string_members::<AppErrorCode>());
    codes
}

/// `generated/values.ts`.
pub fn values_ts() -> String {
    let limits: &[(&str, u64, &str)] = &[
        (
            "MAX_SUBJECT_CHARS",
            portal_api::MAX_SUBJECT_CHARS as u64,
            "Longest subject, in characters.",
        ),
        (
            "MAX_BODY_CHARS",
            portal_api::MAX_BODY_CHARS as u64,
            "Longest message body, in characters.",
        ),
        (
            "MAX_ATTACHMENTS_PER_MESSAGE",
            portal_api::MAX_ATTACHMENTS_PER_MESSAGE as u64,
            "Most attachments on one message.",
        ),
        (
            "DEFAULT_MAX_ATTACHMENT_BYTES",
            portal_api::DEFAULT_MAX_ATTACHMENT_BYTES,
            "Largest attachment of a service started without options; the service's own figure is the session's `limits`.",
        ),
        (
            "MAX_FILE_NAME_CHARS",
            portal_api::file_name::MAX_FILE_NAME_CHARS as u64,
            "Longest file name shown, in characters.",
        ),
        ("MIN_PAGE", u64::from(portal_api::MIN_PAGE), "Fewest threads a page can be asked for."),
        (
            "DEFAULT_PAGE",
            u64::from(portal_api::DEFAULT_PAGE),
            "Threads on one page unless fewer are asked for.",
        ),
        ("MAX_PAGE", u64::from(portal_api::MAX_PAGE), "Most threads on one page."),
        (
            "ACTIVATION_CODE_DAYS",
            u64::from(portal_api::ACTIVATION_CODE_DAYS),
            "How long an activation code works, in days.",
        ),
        (
            "RESET_CODE_MINUTES",
            u64::from(portal_api::RESET_CODE_MINUTES),
            "How long a pass-phrase reset code works, in minutes.",
        ),
        (
            "EMAIL_CHANGE_CODE_MINUTES",
            u64::from(portal_api::EMAIL_CHANGE_CODE_MINUTES),
            "How long the code confirming a new email address works, in minutes.",
        ),

        (
            "DEFAULT_RECORD_PAGE",
            u64::from(portal_api::DEFAULT_RECORD_PAGE),
            "Entries of a record's section on one page unless fewer are asked for.",
        ),
        (
            "MIN_PATIENT_QUERY",
            u64::from(portal_api::MIN_PATIENT_QUERY),
            "Shortest patient search, in characters (once trimmed).",
        ),
        (
            "MAX_PATIENT_QUERY",
            u64::from(portal_api::MAX_PATIENT_QUERY),
            "Longest patient search, in characters.",
        ),
        (
            "MIN_BREAK_THE_GLASS_REASON",
            u64::from(portal_api::MIN_BREAK_THE_GLASS_REASON),
            "Shortest reason to open a chart outside one's care, in characters (once trimmed).",
        ),
        (
            "MAX_BREAK_THE_GLASS_REASON",
            u64::from(portal_api::MAX_BREAK_THE_GLASS_REASON),
            "Longest reason to open a chart outside one's care, in characters.",
        ),
        (
            "MAX_REVIEW_NOTE",
            u64::from(portal_api::MAX_REVIEW_NOTE),
            "Longest note a physician's review of a result may carry, in characters.",
        ),
        (
            "MIN_RELEASE_DELAY_DAYS",
            u64::from(portal_api::MIN_RELEASE_DELAY_DAYS),
            "Fewest days the practice may hold results back before patients see them.",
        ),
        (
            "MAX_RELEASE_DELAY_DAYS",
            u64::from(portal_api::MAX_RELEASE_DELAY_DAYS),
            "Most days the practice may hold results back before patients see them.",
        ),
    ];
    let mut out = String::from(HEADER);
    out.push_str("\n// Limits of this version of the API (portal-api).\n");
    for (name, value, doc) in limits {
        let _ = write!(out, "\n/** {doc} */\nexport const {name} = {value};\n");
    }

    out.push_str("\n/** Every error code a command can reject with: the service's and the app's own. */\n");
    out.push_str("export const ERROR_CODES = {\n");
    for code in error_codes() {
        let _ = writeln!(out, "  {}: \"{code}\",", pascal_case(&code));
    }
    out.push_str("} as const;\n");

    out.push_str(
        "\n/** Phrases that suggest an emergency, folded (lower case, no accents or apostrophes), in the\n * service's order: the first found in a text is the one reported. */\n",
    );
    out.push_str("export const EMERGENCY_PHRASES: readonly string[] = [\n");
    for phrase in emergency::PHRASES {
        let _ = writeln!(out, "  \"{phrase}\",");
    }
    out.push_str("];\n");

    let _ = write!(
        out,
        "\n/** The global the window's first page finds its settings in (`StartHandover`). */\nexport const START_HANDOVER_GLOBAL = \"{}\";\n",
        crate::start_handover::START_HANDOVER_GLOBAL
    );

    out.push_str("\n/** Every command the app registers (`src-tauri/src/commands/list.rs`). */\n");
    out.push_str("export const COMMANDS = [\n");
    for name in crate::commands::NAMES {
        let _ = writeln!(out, "  \"{name}\",");
    }
    out.push_str("] as const;\n\nexport type CommandName = (typeof COMMANDS)[number];\n");
    out
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;

    fn generated_dir() -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(GENERATED_DIR)
    }

    #[test]
    fn the_committed_typescript_is_what_the_rust_types_give() {
        let dir = generated_dir();
        let files = generated_files();
        if std::env::var_os("UPDATE_GENERATED").is_some() {
            std::fs::create_dir_all(&dir).expect("create the generated folder");
            for (name, text) in &files {
                std::fs::write(dir.join(name), text).expect("write a generated file");
            }
        }
        let mut differ: Vec<String> = files
            .iter()
            .filter(|(name, text)| std::fs::read_to_string(dir.join(name)).ok().as_ref() != Some(text))
            .map(|(name, _)| name.to_string())
            .collect();
        let known: Vec<&str> = files.iter().map(|(name, _)| *name).collect();
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if !known.contains(&name.as_str()) {
                differ.push(format!("{name} (not generated: delete it)"));
            }
        }
        assert!(
            differ.is_empty(),
            "{GENERATED_DIR}: {differ:?} differ from what the Rust types give. Rewrite them with\n\n    {UPDATE_COMMAND}\n"
        );
    }

    #[test]
    fn the_app_codes_are_written_as_serde_writes_them_and_differ_from_the_services() {
        let app = string_members::<AppErrorCode>();
        let service = string_members::<portal_api::ErrorCode>();
        assert!(app.len() >= 14 && service.len() >= 19, "{app:?} {service:?}");
        for code in &app {
            let parsed: AppErrorCode = serde_json::from_value(code.as_str().into()).expect("a code");
            assert_eq!(parsed.as_str(), code);
            assert!(!service.contains(code), "{code} is a code of the service too");
        }
    }

    #[test]
    fn the_generated_types_keep_the_wire_names() {
        let types = types_ts();
        for expected in [
            "export type User = { id: number, email: string, name: string, role: Role,",
            "export type Session = {",
            "export type Policy = {",
            "export type IpcError = {",
            "export type SaveSettingsOutcome = ",
            "export type ServerErrorCode = ",
            "limits: MessagingLimits",
            "media_type: MediaType",
            "\"image/jpeg\"",
        ] {
            assert!(types.contains(expected), "{expected:?} missing from\n{types}");
        }
        assert!(!types.contains("bigint"), "{types}");
        let values = values_ts();
        assert!(
            values.contains("export const DEFAULT_MAX_ATTACHMENT_BYTES = 10485760;"),
            "{values}"
        );
        assert!(
            values.contains("  InvalidServerUrl: \"invalid_server_url\","),
            "{values}"
        );
        assert_eq!(
            values.matches("\n  \"").count(),
            emergency::PHRASES.len() + crate::commands::NAMES.len()
        );
    }
}
