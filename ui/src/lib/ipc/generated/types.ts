// Generated from the Rust types by `portal-desktop`'s `contract` module: do not edit.
// After changing a type, a limit, an error code or a command, run
//   UPDATE_GENERATED=1 cargo test -p portal-desktop --lib contract

/**
 * `GET /api/v1/patients/{patient_id}/access-log`: newest first.
 */
export type AccessLog = { entries: Array<AccessLogEntry>, next_cursor: string | null, };

/**
 * One look at a patient's data by someone other than the patient, or the same person's
 * repeated looks at the same part within an hour (an open list refreshing itself, say), told
 * once: `times` looks from `first_at` to `at`.
 */
export type AccessLogEntry = { 
/**
 * When they looked (the latest of the repeated looks).
 */
at: string, 
/**
 * The first of the repeated looks (`at` for a single look).
 */
first_at: string, 
/**
 * How many looks this entry tells (at least 1).
 */
times: number, 
/**
 * Who looked, by name.
 */
who: string, role: Role, what: AccessedPart, 
/**
 * Whether this look was made outside the person's care of the patient, under a stated
 * reason ("break the glass").
 */
break_the_glass: boolean, 
/**
 * The reason they gave, when they broke the glass.
 */
reason: string | null, 
/**
 * Whether the person looked as someone the patient authorized (acting for them).
 */
authorized_person: boolean, };

/**
 * Which part of a patient's data someone looked at.
 */
export type AccessedPart = { "kind": "summary" } | { "kind": "section", section: RecordSection, } | { "kind": "result_series", code: string, } | { "kind": "export" } | { "kind": "conversations" } | { "kind": "conversation" } | { "kind": "attachment" } | { "kind": "break_the_glass" };

/**
 * Whether an account is turned off, as stored.
 */
export type AccountStatus = { id: number, 
/**
 * When the practice turned it off; `null` while it is on.
 */
disabled_at: string | null, };

/**
 * A patient the caller may act for now (`GET /me`), with what they may do.
 */
export type ActingFor = { 
/**
 * The patient's chart id: send it in [`ACTING_FOR_HEADER`].
 */
patient_id: number, 
/**
 * The patient's name, as on their chart.
 */
patient_name: string, scopes: Array<GrantScope>, until: string | null, };

/**
 * `add_draft_attachment`: the draft the file went to (new if it had no id yet) and the file.
 */
export type AddedAttachment = { draft_id: string, attachment: DraftAttachment, };

/**
 * How dangerous a future reaction could be.
 */
export type AllergyCriticality = "low" | "high" | "unable_to_assess";

/**
 * An allergy or intolerance.
 */
export type AllergyEntry = { id: string, substance: Coded, 
/**
 * FHIR clinical status: `active`, `inactive`, `resolved`.
 */
clinical_status: string | null, active: boolean, 
/**
 * `allergy` or `intolerance`.
 */
kind: string | null, 
/**
 * `food`, `medication`, `environment`, `biologic`.
 */
categories: Array<string>, criticality: AllergyCriticality | null, reactions: Array<AllergyReaction>, 
/**
 * The most serious of the reactions' severities.
 */
severity: ReactionSeverity | null, onset: ChartDate | null, recorded: ChartDate | null, };

/**
 * One reaction to an allergy's substance.
 */
export type AllergyReaction = { 
/**
 * What happened ("Hives").
 */
manifestations: Array<Coded>, severity: ReactionSeverity | null, description: string | null, 
/**
 * The substance this reaction was to, when the chart names it more precisely.
 */
substance: Coded | null, };

/**
 * The codes the app answers itself; the server's codes ([`ErrorCode`]) pass through.
 */
export type AppErrorCode = "invalid_server_url" | "ca_file" | "managed_setting" | "server_unreachable" | "untrusted_certificate" | "unexpected_answer" | "preferences" | "vault_locked" | "vault_previous_passphrase" | "wrong_previous_passphrase" | "vault_unavailable" | "draft_damaged" | "attachment_damaged" | "draft_not_found" | "save_failed" | "earlier_version_sent" | "screen_locked" | "no_update_ready" | "update_not_installed";

/**
 * Whose threads a triage list shows.
 */
export type AssignedFilter = "me" | "unassigned";

/**
 * An attachment as listed on a message. The bytes come from `GET /api/v1/attachments/{id}`.
 */
export type AttachmentInfo = { 
/**
 * Server-generated id (random, not guessable).
 */
id: string, filename: string, media_type: MediaType, 
/**
 * Bytes as stored (after metadata was removed).
 */
size: number, };

/**
 * The answer to a [`BreakTheGlassRequest`]: the chart is open to the caller until then.
 */
export type BreakTheGlassGrant = { patient_id: number, until: string, };

/**
 * One activity of a care plan.
 */
export type CarePlanActivity = { name: Coded, 
/**
 * FHIR code: `not-started`, `scheduled`, `in-progress`, `completed`…
 */
status: string | null, };

/**
 * A care plan.
 */
export type CarePlanEntry = { id: string, title: string | null, description: string | null, categories: Array<Coded>, 
/**
 * FHIR code: `active`, `completed`, `revoked`…
 */
status: string, active: boolean, start: ChartDate | null, end: ChartDate | null, 
/**
 * The problems it is for.
 */
addresses: Array<Coded>, activities: Array<CarePlanActivity>, };

/**
 * What a patient writes about; decides which pool of the care team receives it.
 */
export type Category = "medical_question" | "prescription_renewal" | "appointment" | "billing" | "other";

/**
 * When something happened, as the chart says it.
 */
export type ChartDate = { 
/**
 * The calendar date as written in the chart (in the chart's own time zone); a date of
 * [`DatePrecision::Year`] or [`DatePrecision::Month`] is the first day of that period.
 */
date: string, precision: DatePrecision, 
/**
 * The instant, when the chart gives a time of day.
 */
at: string | null, };

/**
 * The patient the record belongs to.
 */
export type ChartPatient = { 
/**
 * The Patient resource's FHIR id.
 */
id: string, 
/**
 * The official (else the first) name as written, prefixes and suffixes included.
 */
name: string, birth_date: string | null, 
/**
 * FHIR administrative gender (`female`, `male`, `other`, `unknown`).
 */
gender: string | null, };

/**
 * A coded thing (a condition, a test, a vaccine…) in the chart's words.
 */
export type Coded = { 
/**
 * What to show: the concept's text, else its first coding's display, else its code.
 */
text: string, 
/**
 * The code system of the first coding that has a code (`http://loinc.org`…).
 */
system: string | null, code: string | null, };

/**
 * How much of a date the chart gives: FHIR dates may be only a year or a year and month.
 */
export type DatePrecision = "year" | "month" | "day";

/**
 * One part of a document: its text when it is text.
 */
export type DocumentContent = { title: string | null, 
/**
 * The MIME type the chart gives.
 */
content_type: string | null, 
/**
 * The text, when the part is plain text held in the chart (none for a PDF, an image or a
 * part held elsewhere).
 */
text: string | null, };

/**
 * A document or report the chart holds (a note, an imaging report).
 */
export type DocumentEntry = { 
/**
 * The DocumentReference's or DiagnosticReport's FHIR id.
 */
id: string, 
/**
 * What kind of document it is ("History and physical note", "Chest X-ray report").
 */
kind: Coded | null, description: string | null, categories: Array<Coded>, date: ChartDate | null, 
/**
 * Who wrote it, by name.
 */
authors: Array<string>, 
/**
 * FHIR code: `current`, `superseded` (a DocumentReference), `final`… (a report).
 */
status: string, contents: Array<DocumentContent>, };

/**
 * A draft as the UI edits it (`load_draft`, `save_draft`, `remove_draft_attachment`).
 */
export type Draft = { 
/**
 * `None` for a draft never saved: `save_draft` then creates one and answers its id.
 */
draft_id: string | null, 
/**
 * The thread this draft replies to; `None` for a new conversation.
 */
thread_id: number | null, category: Category | null, subject: string, body: string, 
/**
 * Answered by the app; ignored by `save_draft` (files are attached and removed with
 * their own commands, so an autosave racing an upload cannot drop a file).
 */
attachments: Array<DraftAttachment>, };

/**
 * A file attached to a draft, as listed (the bytes stay in the vault).
 */
export type DraftAttachment = { 
/**
 * Chosen by the app (random), unique within the draft.
 */
id: string, 
/**
 * For display only: the file's base name, cleaned (see `filename`).
 */
filename: string, 
/**
 * Found from the content, not from the name.
 */
media_type: MediaType, 
/**
 * Bytes.
 */
size: number, };

/**
 * Whether a listed draft can be opened. A damaged one is listed once (so the person learns
 * about it), set aside, and not listed again.
 */
export type DraftStatus = "ok" | "damaged";

/**
 * `list_drafts`: one draft, without its body.
 */
export type DraftSummary = { draft_id: string, thread_id: number | null, subject: string, updated_at: string, status: DraftStatus, };

/**
 * The answer to an email change: where the code went, and until when it works.
 */
export type EmailChangePending = { email: string, expires_at: string, };

/**
 * `emergency_check`: the phrase found, if any.
 */
export type EmergencyCheck = { matched: string | null, };

/**
 * Where a result's flag comes from.
 */
export type FlagSource = "interpretation" | "reference_range";

/**
 * A grant as its patient sees it.
 */
export type Grant = { id: number, patient_id: number, grantee_name: string, grantee_email: string, scopes: Array<GrantScope>, until: string | null, status: GrantStatus, created_at: string, 
/**
 * Set up by the practice for a patient who could not do it themselves (a parent of a
 * child under 12, a legal guardian); the patient's own account may still end it.
 */
by_practice: boolean, };

/**
 * `GET /api/v1/patients/{patient_id}/grants`: the patient's grants, the newest first.
 */
export type GrantList = { grants: Array<Grant>, };

/**
 * A grant as the person it is given to sees it: whose, for what, until when.
 */
export type GrantReceived = { id: number, patient_id: number, 
/**
 * The patient's name, as on their chart.
 */
patient_name: string, scopes: Array<GrantScope>, until: string | null, status: GrantStatus, };

/**
 * `POST /api/v1/patients/{patient_id}/grants`: whom to authorize, for what, until when.
 */
export type GrantRequest = { 
/**
 * The person's name, as the patient knows them.
 */
name: string, email: string, scopes: Array<GrantScope>, 
/**
 * The last day the access works; none: until the patient ends it.
 */
until?: string, };

/**
 * What a grant lets its holder do for the patient.
 */
export type GrantScope = "read_messages" | "write_messages" | "record" | "results";

/**
 * Where a grant stands.
 */
export type GrantStatus = "invited" | "active" | "declined" | "ended" | "expired";

/**
 * `GET /api/v1/me/grants`: the grants given to the caller (invitations to accept, and the
 * patients they may act for).
 */
export type GrantsReceived = { grants: Array<GrantReceived>, };

/**
 * A vaccine given (or recorded as not given).
 */
export type ImmunizationEntry = { id: string, vaccine: Coded, 
/**
 * FHIR code: `completed`, `not-done`.
 */
status: string, date: ChartDate | null, 
/**
 * Who gave it, by name.
 */
performers: Array<string>, 
/**
 * Where it was given, by name.
 */
location: string | null, lot_number: string | null, site: Coded | null, 
/**
 * The dose as written ("0.5 mL").
 */
dose: string | null, };

/**
 * An invitation sent: to whom, and until when its code works.
 */
export type InvitationSent = { email: string, expires_at: string, };

/**
 * What every command rejects with (the UI's `IpcError`).
 */
export type IpcError = { 
/**
 * An `AppErrorCode` or a `ServerErrorCode`; a newer server may send codes this app does
 * not know, so the UI treats it as any string.
 */
code: string, 
/**
 * Written for the person using the app: no internals, no secrets, no health data.
 */
message: string, };

/**
 * The answer to `keep_alive`: the server saw a request from the session just now, and ends it
 * after this many seconds without another.
 */
export type KeepAlive = { idle_timeout_secs: number, };

/**
 * A language the portal's texts are written in.
 */
export type Language = "en" | "es";

/**
 * Which settings the organization set in the managed configuration (`managed`), so the UI
 * shows them read-only.
 */
export type ManagedFields = { server_url: boolean, ca_file: boolean, };

/**
 * An attachment's type. On the wire it is the MIME type (`"image/jpeg"`, …).
 */
export type MediaType = "image/jpeg" | "image/png" | "application/pdf";

/**
 * A medication, current or past.
 */
export type MedicationEntry = { id: string, source: MedicationSource, name: Coded, 
/**
 * FHIR code: `active`, `stopped`, `completed`, `on-hold`…
 */
status: string, 
/**
 * Whether it is current (status `active`).
 */
active: boolean, 
/**
 * When it was prescribed or started.
 */
start: ChartDate | null, 
/**
 * When it ended, when the chart says (a reported medication's period; a prescription
 * has none).
 */
end: ChartDate | null, 
/**
 * Who prescribed it, by name.
 */
prescriber: string | null, 
/**
 * The dosage instructions as written.
 */
dosage: Array<string>, 
/**
 * Take only when needed.
 */
as_needed: boolean, reasons: Array<Coded>, };

/**
 * How the chart records a medication.
 */
export type MedicationSource = "prescription" | "statement";

export type Message = { id: number, author: Person, 
/**
 * Plain text: show it as text, never as HTML.
 */
body: string, created_at: string, 
/**
 * When the other side first read it, or null.
 */
read_at: string | null, attachments: Array<AttachmentInfo>, 
/**
 * Written by an authorized person for the patient: the patient's name (show "Jane Doe
 * for John Doe"); null when the author wrote for themselves.
 */
written_for: string | null, };

/**
 * `GET /api/v1/limits`: what the service accepts in a message, so a client checks a file
 * against the figure its operator chose before it sends anything.
 */
export type MessagingLimits = { 
/**
 * Largest attachment, in bytes.
 */
max_attachment_bytes: number, 
/**
 * Most attachments on one message.
 */
max_attachments_per_message: number, 
/**
 * Longest subject, in characters.
 */
max_subject_chars: number, 
/**
 * Longest message body, in characters.
 */
max_body_chars: number, };

/**
 * `GET`/`PUT /api/v1/me/notices`: which notices the person gets by email. Security notices
 * (pass-phrase changed, a new device, an address change) always go.
 */
export type NoticePreferences = { 
/**
 * "You have a new secure message".
 */
messages: boolean, 
/**
 * "A new test result is available".
 */
results: boolean, };

/**
 * What a result says.
 */
export type ObservedValue = { "kind": "number", value: number, unit: string | null, 
/**
 * `<`, `<=`, `>=` or `>` when the value is a bound ("< 5").
 */
comparator: string | null, } | { "kind": "coded", value: Coded, } | { "kind": "text", value: string, } | { "kind": "boolean", value: boolean, };

/**
 * The answer to `change_passphrase`.
 */
export type PassphraseChange = { 
/**
 * How many other sessions (devices) the change signed out.
 */
sessions_ended: number, 
/**
 * Whether the drafts on this computer are now under the new pass-phrase (false when they
 * were locked under an older one, or cannot be saved here).
 */
drafts_kept: boolean, };

/**
 * A patient the care team's search found.
 */
export type PatientMatch = { 
/**
 * The chart's id (`/patients/{patient_id}/…`).
 */
patient_id: number, name: string, birth_date: string | null, mrn: string | null, 
/**
 * Whether the caller cares for this patient; otherwise opening the chart needs a stated
 * reason (`POST …/break-the-glass`).
 */
in_care: boolean, };

/**
 * `GET /api/v1/patients?query=`: at most [`MAX_PATIENT_MATCHES`], by name.
 */
export type PatientMatches = { patients: Array<PatientMatch>, 
/**
 * More patients matched than are listed: the query should say more.
 */
more: boolean, };

/**
 * A person as shown beside a message or a thread: no email address.
 */
export type Person = { id: number, name: string, role: Role, };

/**
 * `GET /api/v1/policy`: the current portal policy and the caller's acceptance of it.
 */
export type Policy = { version: number, 
/**
 * The language of `title` and `text`: the one asked for (`Accept-Language`) when the
 * version has a text in it, else English.
 */
language: Language, title: string, text: string, published_at: string, 
/**
 * When the caller accepted this version, or null if not yet.
 */
accepted_at: string | null, };

/**
 * A triage inbox of the care team.
 */
export type Pool = "clinical" | "front_desk" | "billing";

/**
 * `POST /api/v1/patients/{patient_id}/grants/by-practice`: the practice (front desk) sets up
 * a grant for a patient who cannot do it themselves, recording why and the document seen. It
 * always has a last day (a child's 12th birthday, for instance).
 */
export type PracticeGrantRequest = { name: string, email: string, scopes: Array<GrantScope>, 
/**
 * The last day the access works.
 */
until: string, 
/**
 * Why the patient cannot give it themselves (a parent of a child under 12, a guardian).
 */
reason: string, 
/**
 * The document the practice saw (a birth certificate, a guardianship order).
 */
document: string, };

/**
 * `GET /api/v1/practice`: who runs this portal and how to reach them by phone.
 */
export type PracticeInfo = { name: string, 
/**
 * The number to call for urgent requests (the portal is never for emergencies).
 */
phone: string, };

/**
 * A problem (FHIR Condition), current or past.
 */
export type ProblemEntry = { id: string, name: Coded, 
/**
 * FHIR clinical status: `active`, `recurrence`, `relapse`, `inactive`, `remission`, `resolved`.
 */
clinical_status: string | null, active: boolean, onset: ChartDate | null, 
/**
 * When it ended.
 */
resolved: ChartDate | null, recorded: ChartDate | null, categories: Array<Coded>, severity: Coded | null, };

/**
 * A procedure done (or planned).
 */
export type ProcedureEntry = { id: string, name: Coded, 
/**
 * FHIR code: `completed`, `in-progress`, `not-done`…
 */
status: string, start: ChartDate | null, end: ChartDate | null, 
/**
 * Who did it, by name.
 */
performers: Array<string>, reasons: Array<Coded>, body_sites: Array<Coded>, outcome: Coded | null, };

/**
 * How serious a reaction was.
 */
export type ReactionSeverity = "mild" | "moderate" | "severe";

/**
 * `export_record`: where the record was saved, or that the person closed the save dialog
 * (not an error: nothing was asked of the service and nothing was written).
 */
export type RecordExportOutcome = { "status": "saved", path: string, } | { "status": "cancelled" };

/**
 * `GET /api/v1/patients/{patient_id}/record/{section}`.
 */
export type RecordPage = { entries: SectionEntries, 
/**
 * How many entries the section holds in all.
 */
total: number, 
/**
 * Pass as `cursor` for the next page; none on the last.
 */
next_cursor: string | null, };

/**
 * The sections of a record, as `GET …/record/{section}` names them.
 */
export type RecordSection = "visits" | "results" | "medications" | "allergies" | "problems" | "immunizations" | "procedures" | "care-plans" | "documents";

/**
 * `GET /api/v1/patients/{patient_id}/record`: the summary a patient sees first.
 */
export type RecordSummary = { patient: ChartPatient, 
/**
 * Problems whose clinical status is active, recurrence or relapse, newest first.
 */
active_problems: Array<ProblemEntry>, 
/**
 * Allergies and intolerances still active (or with no clinical status), newest first.
 */
allergies: Array<AllergyEntry>, 
/**
 * Medications whose status is active, newest first.
 */
current_medications: Array<MedicationEntry>, 
/**
 * Each vaccine once, with its latest dose, the latest first.
 */
immunizations: Array<VaccineSummary>, 
/**
 * The earliest visit after now that is not cancelled.
 */
next_visit: VisitEntry | null, 
/**
 * The latest visit that has started and is not planned or cancelled.
 */
last_visit: VisitEntry | null, };

/**
 * One-time recovery codes, shown once (only their hashes are kept).
 */
export type RecoveryCodes = { codes: Array<string>, };

/**
 * What is expected of a result.
 */
export type ReferenceRange = { 
/**
 * Lowest expected value, inclusive.
 */
low: number | null, 
/**
 * Highest expected value, inclusive.
 */
high: number | null, 
/**
 * The unit of `low` and `high`.
 */
unit: string | null, 
/**
 * The range in words, when the chart gives it so.
 */
text: string | null, };

/**
 * When the practice releases results to patients.
 */
export type ReleaseRule = { "kind": "at_once" } | { "kind": "after_days", days: number, } | { "kind": "after_review" };

/**
 * One part of a result measured in parts (a blood pressure's systolic and diastolic).
 */
export type ResultComponent = { name: Coded, value: ObservedValue | null, reference_range: ReferenceRange | null, flag: ResultFlag | null, flag_source: FlagSource | null, };

/**
 * Whether a result lies outside what is expected.
 */
export type ResultFlag = "normal" | "high" | "low" | "abnormal" | "critically_high" | "critically_low" | "critically_abnormal";

/**
 * `GET`/`PUT /api/v1/me/result-preferences` (patients).
 */
export type ResultPreferences = { 
/**
 * Show results only once a physician has reviewed them, whatever the practice's rule.
 */
only_after_review: boolean, };

/**
 * Whether the patient sees a result yet.
 */
export type ResultRelease = { "state": "released", at: string, } | { "state": "waiting", until: string | null, reviewer: string | null, };

/**
 * `GET`/`PUT /api/v1/practice/result-release` (setting it: admins).
 */
export type ResultReleaseSetting = { rule: ReleaseRule, };

/**
 * A report of results (FHIR DiagnosticReport), or one result reported on its own.
 */
export type ResultReport = { 
/**
 * The DiagnosticReport's FHIR id, or the Observation's for a result on its own.
 */
id: string, 
/**
 * Whether this is a DiagnosticReport (else one Observation).
 */
is_report: boolean, name: Coded, 
/**
 * The categories ("Laboratory", "vital-signs").
 */
categories: Array<Coded>, date: ChartDate | null, 
/**
 * When the report was issued.
 */
issued: string | null, status: string, 
/**
 * Who reported it, by name.
 */
performers: Array<string>, values: Array<ResultValue>, 
/**
 * The report's conclusion as written.
 */
conclusion: string | null, 
/**
 * Whether any value or component is flagged out of range.
 */
has_flags: boolean, 
/**
 * Whether the patient sees it yet, by the practice's release rule and the patient's
 * preference (set by the service; none where no rule was applied).
 */
release: ResultRelease | null, 
/**
 * A physician's review, with the note the patient reads beside the result.
 */
review: ResultReview | null, };

/**
 * A physician's review of a result, with the note the patient reads beside it.
 */
export type ResultReview = { 
/**
 * Who reviewed it, by name.
 */
by: string, at: string, note: string | null, };

/**
 * `GET …/record/results/{code}/series`: one code over time, for a trend chart.
 */
export type ResultSeries = { 
/**
 * The code asked for (a LOINC code).
 */
code: string, 
/**
 * Its name as the newest result says it.
 */
name: Coded | null, 
/**
 * One line per measured part and unit: one for a weight, two for a blood pressure
 * (systolic, diastolic). Lines with the most points first.
 */
lines: Array<SeriesLine>, };

/**
 * One result (FHIR Observation).
 */
export type ResultValue = { 
/**
 * The Observation's FHIR id.
 */
id: string, name: Coded, date: ChartDate | null, 
/**
 * FHIR code: `final`, `preliminary`, `amended`…
 */
status: string, 
/**
 * None when the result is measured in parts ([`ResultValue::components`]) or was not
 * obtained.
 */
value: ObservedValue | null, reference_range: ReferenceRange | null, flag: ResultFlag | null, flag_source: FlagSource | null, components: Array<ResultComponent>, 
/**
 * Notes the chart holds about this result.
 */
notes: Array<string>, };

/**
 * `POST /api/v1/patients/{patient_id}/record/results/{result_id}/review` (physicians).
 */
export type ReviewRequest = { note: string | null, };

/**
 * What a person may do in the portal.
 */
export type Role = "patient" | "physician" | "staff" | "admin";

/**
 * The answer of `save_settings`: `{"status": "saved", ...settings}` or
 * `{"status": "needs_confirmation", server_url, ca_file, message}`.
 */
export type SaveSettingsOutcome = { "status": "saved" } & Settings | { "status": "needs_confirmation" } & ServerChange;

/**
 * `save_draft`: what was written.
 */
export type SavedDraft = { draft_id: string, 
/**
 * Increases with every save of this draft (including attaching and removing files).
 */
version: number, saved_at: string, };

/**
 * `save_attachment`
 */
export type SavedFile = { path: string, };

/**
 * One page of a section's entries, newest first.
 */
export type SectionEntries = { "section": "visits", "items": Array<VisitEntry> } | { "section": "results", "items": Array<ResultReport> } | { "section": "medications", "items": Array<MedicationEntry> } | { "section": "allergies", "items": Array<AllergyEntry> } | { "section": "problems", "items": Array<ProblemEntry> } | { "section": "immunizations", "items": Array<ImmunizationEntry> } | { "section": "procedures", "items": Array<ProcedureEntry> } | { "section": "care-plans", "items": Array<CarePlanEntry> } | { "section": "documents", "items": Array<DocumentEntry> };

/**
 * Upload progress of one attached file, for the UI's progress bars.
 */
export type SendProgress = { attachment_id: string, sent: number, total: number, };

/**
 * `send_draft`
 */
export type Sent = { thread_id: number, message_id: number, };

/**
 * One line of a trend chart: values of one code in one unit, oldest first.
 */
export type SeriesLine = { 
/**
 * The code of the values (a component's code for a blood pressure's part).
 */
code: string, name: Coded, unit: string | null, 
/**
 * The newest value's reference range, to draw as a band.
 */
reference_range: ReferenceRange | null, points: Array<SeriesPoint>, };

/**
 * One value on a trend chart.
 */
export type SeriesPoint = { 
/**
 * The Observation's FHIR id.
 */
observation_id: string, date: ChartDate, value: number, flag: ResultFlag | null, };

/**
 * What a save would change, and what to tell the person before they confirm.
 */
export type ServerChange = { server_url: SettingChange | null, ca_file: SettingChange | null, 
/**
 * Written for people, e.g. "You are about to connect to a different portal server: …".
 */
message: string, };

/**
 * Stable error codes. Clients act on these; unknown future codes parse as `Other`.
 */
export type ServerErrorCode = "invalid_credentials" | "account_locked" | "account_disabled" | "second_factor_required" | "second_factor_enrolment_required" | "wrong_passphrase" | "invalid_code" | "rate_limited" | "unauthenticated" | "session_expired" | "forbidden" | "break_the_glass_required" | "grant_ended" | "policy_not_accepted" | "policy_outdated" | "not_found" | "method_not_allowed" | "validation" | "weak_passphrase" | "conflict" | "payload_too_large" | "unsupported_media_type" | "request_timeout" | "active_content" | "internal" | "unavailable" | "other";

/**
 * What the UI is told about the session: who is signed in, the current policy, and after how
 * long without activity the server ends the session. It has no token field, by construction.
 */
export type Session = { user: User, policy: Policy, 
/**
 * The server ends the session this many seconds after its last request (`GET /me`); the
 * UI warns before and signs out when the person has been inactive this long.
 */
idle_timeout_secs: number, 
/**
 * What the service accepts in a message (its operator sets the attachment size); the app
 * checks files against it and the UI says it.
 */
limits: MessagingLimits, 
/**
 * The charts the person may open as their own record (a patient's, once the practice
 * linked it to the account; none for the care team): the UI offers "My record" for these.
 */
patient_ids: Array<number>, 
/**
 * The patients who authorized the person and whom they may act for now (issue 12), as the
 * server last said: the UI offers an "Acting for" switcher when there is one.
 */
may_act_for: Array<ActingFor>, 
/**
 * Whom the app acts for now (every request carries that patient's chart id), or null when
 * the person acts for themselves. The UI shows whose portal this is and hides what the
 * grant does not allow.
 */
acting_for: ActingFor | null, };

/**
 * One open session of the caller's: a device signed in to their account.
 */
export type SessionInfo = { id: number, 
/**
 * The device, as the app named it at sign-in (none for a client that did not).
 */
device: string | null, 
/**
 * The address it signed in from.
 */
signed_in_from: string | null, started_at: string, last_active_at: string, 
/**
 * Whether this is the session the request came with.
 */
current: boolean, };

/**
 * `GET /api/v1/me/sessions`: the caller's open sessions, the most recently active first.
 */
export type SessionList = { sessions: Array<SessionInfo>, };

/**
 * `POST /api/v1/me/sessions/end-others`: how many sessions were ended.
 */
export type SessionsEnded = { ended: number, };

/**
 * One value before and after.
 */
export type SettingChange = { from: string, to: string, };

/**
 * The settings in force, as `get_settings` and `save_settings` answer them.
 */
export type Settings = { server_url: string, ca_file: string, 
/**
 * Which of these the organization's managed configuration sets (read-only in the UI).
 */
managed: ManagedFields, 
/**
 * Workstation mode (a shared clinic computer), set only by the managed configuration:
 * null outside it.
 */
workstation: Workstation | null, 
/**
 * The language the person chose with the app's switch, kept between runs; null when
 * they never chose (the app follows the operating system's language).
 */
language: Language | null, };

/**
 * A staff member as an admin sees them.
 */
export type StaffMember = { id: number, name: string, email: string, 
/**
 * The triage pools they work in: they see only these pools' threads.
 */
pools: Array<Pool>, 
/**
 * When the practice turned their account off; `null` while it is on.
 */
disabled_at: string | null, };

/**
 * What the window's first page is handed (nobody is signed in yet).
 */
export type StartHandover = { 
/**
 * The settings in force when the window was created.
 */
settings: Settings, };

/**
 * `GET /api/v1/threads/{id}`
 */
export type ThreadDetail = { thread: ThreadSummary, messages: Array<Message>, };

/**
 * `GET /api/v1/threads`
 */
export type ThreadList = { threads: Array<ThreadSummary>, 
/**
 * Unread messages over all the caller's threads (not only this page).
 */
unread_total: number, 
/**
 * Pass as `cursor` for the next page; null on the last page.
 */
next_cursor: string | null, };

export type ThreadStatus = "open" | "closed";

/**
 * One thread in a list.
 */
export type ThreadSummary = { id: number, subject: string, category: Category, pool: Pool, status: ThreadStatus, 
/**
 * Words suggesting an emergency were found: triage lists these first.
 */
urgent: boolean, patient: Person, assigned_to: Person | null, created_at: string, last_message_at: string, message_count: number, 
/**
 * Messages from the other side the caller's side has not read yet.
 */
unread: number, };

/**
 * `POST /api/v1/me/totp`: a new secret to add to an authenticator app, shown as a QR code and
 * as text. It takes effect once a code from it is confirmed.
 */
export type TotpEnrolment = { 
/**
 * The secret in base32, grouped for typing by hand.
 */
secret: string, 
/**
 * The `otpauth://totp/…` address the QR code holds.
 */
otpauth_uri: string, 
/**
 * The QR code as an SVG document.
 */
qr_svg: string, };

/**
 * `mark_thread_read`
 */
export type UnreadTotal = { unread_total: number, };

/**
 * What `update_status` answers: the version of a verified update waiting for a restart, or
 * null.
 */
export type UpdateStatus = { ready_version: string | null, };

/**
 * A signed-in person, as the portal shows them.
 */
export type User = { id: number, email: string, name: string, role: Role, 
/**
 * A staff member's triage pools (they see only these pools' threads); empty for others.
 */
pools: Array<Pool>, 
/**
 * Whether the address is verified (notices go only to a verified address).
 */
email_verified: boolean, 
/**
 * Whether the account has a second factor (TOTP).
 */
second_factor: boolean, };

/**
 * One vaccine in the summary.
 */
export type VaccineSummary = { vaccine: Coded, 
/**
 * The latest dose given.
 */
last_given: ChartDate | null, 
/**
 * Doses of this vaccine the chart records as given.
 */
doses: number, };

/**
 * A visit (FHIR Encounter) and what was done and found at it.
 */
export type VisitEntry = { id: string, start: ChartDate | null, end: ChartDate | null, 
/**
 * FHIR code: `planned`, `arrived`, `in-progress`, `finished`, `cancelled`…
 */
status: string, 
/**
 * The encounter class's code (`AMB` ambulatory, `EMER` emergency, `IMP` inpatient…).
 */
class: string | null, 
/**
 * The visit's types ("Encounter for check up").
 */
kinds: Array<Coded>, 
/**
 * The clinicians who took part, by name.
 */
clinicians: Array<string>, 
/**
 * The organization that provided the visit, by name.
 */
provider: string | null, 
/**
 * Why: the reason codes and the conditions the visit was for.
 */
reasons: Array<Coded>, 
/**
 * Problems diagnosed at this visit.
 */
diagnoses: Array<Coded>, 
/**
 * Procedures done.
 */
procedures: Array<Coded>, 
/**
 * Vaccines given.
 */
immunizations: Array<Coded>, 
/**
 * Medications prescribed or recorded.
 */
medications: Array<Coded>, 
/**
 * Results recorded (measurements and tests), in the chart's order.
 */
results: Array<ResultValue>, };

/**
 * Workstation mode (a shared clinic computer), as the managed configuration sets it (see
 * `core::managed` and `core::workstation`).
 */
export type Workstation = { 
/**
 * The screen locks after this many seconds without activity.
 */
idle_lock_secs: number, };
