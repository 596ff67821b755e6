-- Results' release to patients (issue 10): the practice's rule, each patient's preference,
-- and physicians' reviews of results with the note the patient reads beside them. Times are
-- Unix milliseconds (UTC).

-- The practice's settings (one row; none yet means the defaults: results released at once).
CREATE TABLE practice_settings (
    id                  INTEGER PRIMARY KEY CHECK (id = 1),
    -- When results are released: 'at_once', 'after_days' (result_release_days after they
    -- were issued, or at a review if sooner) or 'after_review'.
    result_release      TEXT NOT NULL CHECK (result_release IN ('at_once', 'after_days', 'after_review')),
    result_release_days INTEGER CHECK (result_release_days BETWEEN 1 AND 365),
    updated_at          INTEGER NOT NULL,
    CHECK ((result_release = 'after_days') = (result_release_days IS NOT NULL))
);

-- A patient's choice to see results only after their physician reviewed them (no row: no).
CREATE TABLE result_preferences (
    user_id           INTEGER PRIMARY KEY REFERENCES users (id),
    only_after_review INTEGER NOT NULL CHECK (only_after_review IN (0, 1)),
    updated_at        INTEGER NOT NULL
);

-- A physician's review of one result of a chart (a DiagnosticReport's or a lone
-- Observation's FHIR id). Reviewing again replaces the reviewer, time and note; the first
-- review's time stays (it released the result).
CREATE TABLE result_reviews (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    chart_id          INTEGER NOT NULL REFERENCES charts (id),
    result_fhir_id    TEXT NOT NULL,
    reviewer_id       INTEGER NOT NULL REFERENCES users (id),
    first_reviewed_at INTEGER NOT NULL,
    reviewed_at       INTEGER NOT NULL,
    -- The note for the patient, sealed (`sealed_text`, bound to the row's id); none: no note.
    note              TEXT,
    UNIQUE (chart_id, result_fhir_id)
);
