-- Accounts, sessions, sign-in throttling, the versioned portal policy and the audit log.
-- Times are Unix milliseconds (UTC) in both engines.

CREATE TABLE practice (
    id    INTEGER PRIMARY KEY CHECK (id = 1),
    name  TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('patient', 'physician', 'staff', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    client_addr  TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Keyed by the normalised e-mail address whether or not an account has it, so that
-- lockouts cannot be used to find out which addresses have accounts.
CREATE TABLE login_throttle (
    email           TEXT PRIMARY KEY,
    failures        INTEGER NOT NULL,
    locked_until    INTEGER,
    last_failure_at INTEGER NOT NULL
);

CREATE TABLE policy_versions (
    version      INTEGER PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at INTEGER NOT NULL
);

CREATE TABLE policy_acceptances (
    user_id     INTEGER NOT NULL REFERENCES users (id),
    version     INTEGER NOT NULL REFERENCES policy_versions (version),
    accepted_at INTEGER NOT NULL,
    client_addr TEXT,
    PRIMARY KEY (user_id, version)
);

-- Append-only: who (actor), acting for whom (subject), what, when, from where.
CREATE TABLE audit_events (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    at              INTEGER NOT NULL,
    actor_user_id   INTEGER,
    subject_user_id INTEGER,
    action          TEXT NOT NULL,
    object          TEXT,
    client_addr     TEXT
);
CREATE INDEX audit_events_by_subject ON audit_events (subject_user_id, at);
