// Generated from the Rust types by `portal-desktop`'s `contract` module: do not edit.
// After changing a type, a limit, an error code or a command, run
//   UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract

// Limits of this version of the API (portal-api).

/** Longest subject, in characters. */
export const MAX_SUBJECT_CHARS = 200;

/** Longest message body, in characters. */
export const MAX_BODY_CHARS = 20000;

/** Most attachments on one message. */
export const MAX_ATTACHMENTS_PER_MESSAGE = 5;

/** Largest attachment of a service started without options; the service's own figure is the session's `limits`. */
export const DEFAULT_MAX_ATTACHMENT_BYTES = 10485760;

/** Longest file name shown, in characters. */
export const MAX_FILE_NAME_CHARS = 120;

/** Fewest threads a page can be asked for. */
export const MIN_PAGE = 1;

/** Threads on one page unless fewer are asked for. */
export const DEFAULT_PAGE = 50;

/** Most threads on one page. */
export const MAX_PAGE = 100;

/** How long an activation code works, in days. */
export const ACTIVATION_CODE_DAYS = 7;

/** How long a pass-phrase reset code works, in minutes. */
export const RESET_CODE_MINUTES = 15;

/** How long the code confirming a new email address works, in minutes. */
export const EMAIL_CHANGE_CODE_MINUTES = 60;

/** Entries of a record's section on one page unless fewer are asked for. */
export const DEFAULT_RECORD_PAGE = 25;

/** Shortest patient search, in characters (once trimmed). */
export const MIN_PATIENT_QUERY = 2;

/** Longest patient search, in characters. */
export const MAX_PATIENT_QUERY = 100;

/** Shortest reason to open a chart outside one's care, in characters (once trimmed). */
export const MIN_BREAK_THE_GLASS_REASON = 10;

/** Longest reason to open a chart outside one's care, in characters. */
export const MAX_BREAK_THE_GLASS_REASON = 500;

/** Longest note a physician's review of a result may carry, in characters. */
export const MAX_REVIEW_NOTE = 2000;

/** Fewest days the practice may hold results back before patients see them. */
export const MIN_RELEASE_DELAY_DAYS = 1;

/** Most days the practice may hold results back before patients see them. */
export const MAX_RELEASE_DELAY_DAYS = 30;

/** Every error code a command can reject with: the service's and the app's own. */
export const ERROR_CODES = {
  InvalidCredentials: "invalid_credentials",
  AccountLocked: "account_locked",
  AccountDisabled: "account_disabled",
  SecondFactorRequired: "second_factor_required",
  SecondFactorEnrolmentRequired: "second_factor_enrolment_required",
  WrongPassphrase: "wrong_passphrase",
  InvalidCode: "invalid_code",
  RateLimited: "rate_limited",
  Unauthenticated: "unauthenticated",
  SessionExpired: "session_expired",
  Forbidden: "forbidden",
  BreakTheGlassRequired: "break_the_glass_required",
  GrantEnded: "grant_ended",
  PolicyNotAccepted: "policy_not_accepted",
  PolicyOutdated: "policy_outdated",
  NotFound: "not_found",
  MethodNotAllowed: "method_not_allowed",
  Validation: "validation",
  WeakPassphrase: "weak_passphrase",
  Conflict: "conflict",
  PayloadTooLarge: "payload_too_large",
  UnsupportedMediaType: "unsupported_media_type",
  RequestTimeout: "request_timeout",
  ActiveContent: "active_content",
  Internal: "internal",
  Unavailable: "unavailable",
  Other: "other",
  InvalidServerUrl: "invalid_server_url",
  CaFile: "ca_file",
  ManagedSetting: "managed_setting",
  ServerUnreachable: "server_unreachable",
  UntrustedCertificate: "untrusted_certificate",
  UnexpectedAnswer: "unexpected_answer",
  Preferences: "preferences",
  VaultLocked: "vault_locked",
  VaultPreviousPassphrase: "vault_previous_passphrase",
  WrongPreviousPassphrase: "wrong_previous_passphrase",
  VaultUnavailable: "vault_unavailable",
  DraftDamaged: "draft_damaged",
  AttachmentDamaged: "attachment_damaged",
  DraftNotFound: "draft_not_found",
  SaveFailed: "save_failed",
  EarlierVersionSent: "earlier_version_sent",
  ScreenLocked: "screen_locked",
  NoUpdateReady: "no_update_ready",
  UpdateNotInstalled: "update_not_installed",
} as const;

/** Phrases that suggest an emergency, folded (lower case, no accents or apostrophes), in the
 * service's order: the first found in a text is the one reported. */
export const EMERGENCY_PHRASES: readonly string[] = [
  "chest pain",
  "chest pressure",
  "chest tightness",
  "pain in my chest",
  "heart attack",
  "cant breathe",
  "cannot breathe",
  "can not breathe",
  "trouble breathing",
  "difficulty breathing",
  "hard to breathe",
  "short of breath",
  "shortness of breath",
  "not breathing",
  "choking",
  "stroke",
  "face drooping",
  "slurred speech",
  "suicidal",
  "suicide",
  "kill myself",
  "end my life",
  "want to die",
  "hurt myself",
  "harm myself",
  "overdose",
  "overdosed",
  "heavy bleeding",
  "bleeding heavily",
  "bleeding a lot",
  "wont stop bleeding",
  "severe allergic reaction",
  "allergic reaction",
  "anaphylaxis",
  "anaphylactic",
  "throat is swelling",
  "throat swelling",
  "swollen throat",
  "tongue swelling",
  "unconscious",
  "passed out",
  "seizure",
  "severe burn",
  "dolor de pecho",
  "dolor en el pecho",
  "presion en el pecho",
  "ataque al corazon",
  "infarto",
  "no puedo respirar",
  "dificultad para respirar",
  "falta de aire",
  "me ahogo",
  "derrame cerebral",
  "suicidio",
  "suicida",
  "quiero morir",
  "quitarme la vida",
  "matarme",
  "hacerme dano",
  "sobredosis",
  "sangrado abundante",
  "sangrado fuerte",
  "sangra mucho",
  "no para de sangrar",
  "reaccion alergica",
  "anafilaxia",
  "se me cierra la garganta",
  "garganta hinchada",
  "inconsciente",
  "me desmaye",
  "convulsion",
  "convulsiones",
  "quemadura grave",
];

/** The global the window's first page finds its settings in (`StartHandover`). */
export const START_HANDOVER_GLOBAL = "__PORTAL_START__";

/** Every command the app registers (`src-tauri/src/commands/list.rs`). */
export const COMMANDS = [
  "get_settings",
  "save_settings",
  "practice_info",
  "update_status",
  "restart_to_update",
  "sign_in",
  "current_session",
  "sign_out",
  "keep_alive",
  "lock_screen",
  "unlock_screen",
  "switch_user",
  "list_sessions",
  "end_session",
  "end_other_sessions",
  "activate",
  "request_reset",
  "confirm_reset",
  "change_passphrase",
  "recover_drafts",
  "discard_locked_drafts",
  "change_email",
  "confirm_email",
  "notice_preferences",
  "set_notice_preferences",
  "invite_patient",
  "start_totp_enrolment",
  "confirm_totp",
  "disable_totp",
  "new_recovery_codes",
  "get_policy",
  "accept_policy",
  "set_language",
  "list_drafts",
  "load_draft",
  "save_draft",
  "discard_draft",
  "add_draft_attachment",
  "remove_draft_attachment",
  "list_threads",
  "get_thread",
  "mark_thread_read",
  "care_team",
  "assign_thread",
  "close_thread",
  "reopen_thread",
  "emergency_check",
  "get_attachment",
  "save_attachment",
  "send_draft",
  "list_staff",
  "set_staff_pools",
  "set_account_disabled",
  "record_summary",
  "record_section",
  "result_series",
  "access_log",
  "result_preferences",
  "set_result_preferences",
  "export_record",
  "review_result",
  "result_release_rule",
  "set_result_release_rule",
  "find_patients",
  "break_the_glass",
  "list_grants",
  "give_grant",
  "give_grant_by_practice",
  "end_grant",
  "grants_received",
  "accept_grant",
  "decline_grant",
  "act_for",
] as const;

export type CommandName = (typeof COMMANDS)[number];
