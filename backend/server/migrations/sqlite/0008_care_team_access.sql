-- The care team's way into patients' charts (issue 10): the patient search, break-the-glass
-- grants, and the patient's access log.
--
-- `charts.name` is the Patient's official name as written, kept clear (like the MRN and birth
-- date) so the care team can find a patient; `search_name` is it in lower case, what a search
-- compares with. Charts imported before this migration get both when the service starts
-- (`records::chart_names`: it opens their sealed Patient resource).
--
-- A break-the-glass grant opens one chart to one physician or clinical staff member outside
-- their care, for a stated reason (sealed at rest like message bodies, bound to the row's id),
-- until `until`. Times are Unix milliseconds (UTC).

ALTER TABLE charts ADD COLUMN name TEXT;
ALTER TABLE charts ADD COLUMN search_name TEXT;
CREATE INDEX charts_by_birth_date ON charts (birth_date);
CREATE INDEX charts_by_search_name ON charts (search_name);

CREATE TABLE break_the_glass_grants (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chart_id   INTEGER NOT NULL REFERENCES charts (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    -- The reason given, sealed.
    reason     TEXT NOT NULL,
    granted_at INTEGER NOT NULL,
    until      INTEGER NOT NULL
);
CREATE INDEX break_the_glass_grants_by_user ON break_the_glass_grants (user_id, chart_id, until);
CREATE INDEX break_the_glass_grants_by_chart ON break_the_glass_grants (chart_id, granted_at);

-- The access log reads a patient's rows newest first, a page at a time.
CREATE INDEX audit_events_by_subject_id ON audit_events (subject_user_id, id);
