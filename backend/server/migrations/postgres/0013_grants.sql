-- Authorized persons (issue 12): a patient's grant to someone they trust, addressed by email,
-- holding what it allows (`domain::grants`), until when, and where it stands. Times are Unix
-- milliseconds (UTC); `last_day` is the last day it works (YYYY-MM-DD).
CREATE TABLE grants (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    chart_id        BIGINT NOT NULL REFERENCES charts (id),
    grantee_email   TEXT NOT NULL,
    grantee_name    TEXT NOT NULL,
    -- The account that accepted it.
    grantee_user_id BIGINT REFERENCES users (id),
    scopes          TEXT NOT NULL,
    last_day        TEXT,
    created_by      BIGINT NOT NULL REFERENCES users (id),
    created_at      BIGINT NOT NULL,
    accepted_at     BIGINT,
    declined_at     BIGINT,
    ended_at        BIGINT,
    ended_by        BIGINT REFERENCES users (id)
);
CREATE INDEX grants_by_chart ON grants (chart_id);
CREATE INDEX grants_by_grantee_email ON grants (grantee_email);
CREATE INDEX grants_by_grantee ON grants (grantee_user_id);
