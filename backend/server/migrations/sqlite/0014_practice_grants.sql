-- Grants the practice set up for a patient who cannot give one themselves (issue 12: a parent
-- of a child under 12, a legal guardian): why, and the document the front desk saw. Both are
-- sealed under the service's key, bound to the grant's id (`sealed_text`); the grant itself,
-- with its last day, is in `grants` (created_by: the staff member).
CREATE TABLE practice_grants (
    grant_id INTEGER PRIMARY KEY REFERENCES grants (id),
    reason   TEXT NOT NULL,
    document TEXT NOT NULL
);
