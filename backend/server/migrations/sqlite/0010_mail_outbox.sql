-- E-mail (issue 11): the outbox the service writes in the same transaction as the change
-- that causes a mail, drained by the sending worker; whether an address is verified; the
-- language a person's mails are written in; when each thread's last message notice was
-- queued. Times are Unix milliseconds (UTC).

-- NULL: not verified. Notices go only to verified addresses.
ALTER TABLE users ADD COLUMN email_verified_at INTEGER;
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));

-- One mail to send. The payload (what the template needs: the practice's name, a code) is
-- sealed under the service's key, bound to the row's id; no health data goes in it, and
-- last_error never holds an address, a code or a payload.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    recipient       TEXT NOT NULL,
    kind            TEXT NOT NULL,
    language        TEXT NOT NULL CHECK (language IN ('en', 'es')),
    payload         TEXT NOT NULL,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    -- A worker's claim: until claimed_until no other worker takes the row.
    claimed_by      TEXT,
    claimed_until   INTEGER,
    sent_at         INTEGER,
    -- Set when the last attempt failed for good (attempts reached the maximum).
    failed_at       INTEGER,
    last_error      TEXT
);
CREATE INDEX mail_outbox_due ON mail_outbox (next_attempt_at) WHERE sent_at IS NULL AND failed_at IS NULL;

-- The last message notice queued for a thread (at most one per thread per 15 minutes).
CREATE TABLE thread_notices (
    thread_id      INTEGER PRIMARY KEY REFERENCES threads (id),
    last_notice_at INTEGER NOT NULL
);
