// Every `#[tauri::command]` the app registers, written once (as `module::command`, the module
// under `src/commands/`). Read by `lib.rs` (the invoke handler), `build.rs` (one
// `allow-<command>` permission each), `commands::NAMES` (checked against
// `capabilities/main.json`) and the generated TypeScript (`CommandName`). To add a command:
// add it here, grant `allow-<command-with-dashes>` in the capability file, and run
// `UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract`.
//
// Plain `//` comments and one macro only: `build.rs` includes this file too.
macro_rules! with_commands {
    ($callback:ident) => {
        $callback! {
            settings::get_settings,
            settings::save_settings,
            settings::practice_info,
            session::sign_in,
            session::current_session,
            session::sign_out,
            session::keep_alive,
            account::list_sessions,
            account::end_session,
            account::end_other_sessions,
            account::activate,
            account::request_reset,
            account::confirm_reset,
            account::change_passphrase,
            account::recover_drafts,
            account::discard_locked_drafts,
            account::change_email,
            account::confirm_email,
            account::notice_preferences,
            account::set_notice_preferences,
            account::invite_patient,
            account::start_totp_enrolment,
            account::confirm_totp,
            account::disable_totp,
            account::new_recovery_codes,
            policy::get_policy,
            policy::accept_policy,
            drafts::list_drafts,
            drafts::load_draft,
            drafts::save_draft,
            drafts::discard_draft,
            drafts::add_draft_attachment,
            drafts::remove_draft_attachment,
            messages::list_threads,
            messages::get_thread,
            messages::mark_thread_read,
            messages::care_team,
            messages::assign_thread,
            messages::close_thread,
            messages::reopen_thread,
            messages::emergency_check,
            messages::get_attachment,
            messages::save_attachment,
            messages::send_draft,
            staff::list_staff,
            staff::set_staff_pools,
            staff::set_account_disabled,
            records::record_summary,
            records::record_section,
            records::result_series,
            records::access_log,
            records::result_preferences,
            records::set_result_preferences,
            records::export_record,
            result_release::review_result,
            result_release::result_release_rule,
            result_release::set_result_release_rule,
            patients::find_patients,
            patients::break_the_glass,
        }
    };
}
