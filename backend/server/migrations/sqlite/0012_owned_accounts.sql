-- Accounts a person owns (issue 11): invitations that become accounts when their code is
-- used; one-time codes (activation, pass-phrase reset, email change), kept only as keyed
-- hashes; a second factor (TOTP, its secret sealed under the service's key) with one-time
-- recovery codes; and which notices a person wants. Times are Unix milliseconds (UTC).

-- An account the practice asked someone to open. It becomes one (user_id) when its code is
-- used; the person picks the pass-phrase, so the practice never knows it.
CREATE TABLE invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    email       TEXT NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL CHECK (role IN ('patient', 'physician', 'staff', 'admin')),
    staff_pools TEXT,
    -- A patient's chart: the account is linked to it, and the date of birth on it is asked.
    chart_id    INTEGER REFERENCES charts (id),
    -- The language of the invitation's mail, and of the account's.
    language    TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es')),
    invited_by  INTEGER REFERENCES users (id),
    created_at  INTEGER NOT NULL,
    user_id     INTEGER REFERENCES users (id)
);

-- A one-time code sent by email. A code is found by its purpose and address, never by its
-- value; a wrong code counts against the open one, which dies after a few.
CREATE TABLE account_codes (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    purpose       TEXT NOT NULL CHECK (purpose IN ('activation', 'reset', 'email_change')),
    -- Where the code was sent (for an email change: the new address).
    email         TEXT NOT NULL,
    user_id       INTEGER REFERENCES users (id),
    invitation_id INTEGER REFERENCES invitations (id),
    code_hash     TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    expires_at    INTEGER NOT NULL,
    used_at       INTEGER,
    failed_tries  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX account_codes_by_address ON account_codes (purpose, email);
CREATE INDEX account_codes_by_user ON account_codes (user_id);

-- The second factor. NULL secret: none. A pending secret waits for its first code.
ALTER TABLE users ADD COLUMN totp_secret TEXT;
ALTER TABLE users ADD COLUMN totp_pending_secret TEXT;
ALTER TABLE users ADD COLUMN totp_enabled_at INTEGER;
-- The last 30-second step a code was accepted for: no code is accepted twice.
ALTER TABLE users ADD COLUMN totp_last_step INTEGER;

CREATE TABLE recovery_codes (
    id        INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id   INTEGER NOT NULL REFERENCES users (id),
    code_hash TEXT NOT NULL,
    used_at   INTEGER
);
CREATE INDEX recovery_codes_by_user ON recovery_codes (user_id);

-- Notices a person may turn off (security notices always go): 1 on, 0 off.
ALTER TABLE users ADD COLUMN notify_messages INTEGER NOT NULL DEFAULT 1;
ALTER TABLE users ADD COLUMN notify_results INTEGER NOT NULL DEFAULT 1;

-- How many of a chart's results were released to its patient when last counted: a count
-- that grows means "a new test result is available" (see records::result_notices).
CREATE TABLE result_notices (
    chart_id   INTEGER PRIMARY KEY REFERENCES charts (id),
    released   INTEGER NOT NULL,
    checked_at INTEGER NOT NULL
);
