-- Accounts, sessions, sign-in throttling, the versioned portal policy and the audit log.
-- Times are Unix milliseconds (UTC) in both engines.

CREATE TABLE practice (
    id    BIGINT PRIMARY KEY CHECK (id = 1),
    name  TEXT NOT NULL,
    phone TEXT NOT NULL
);

CREATE TABLE users (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('patient', 'physician', 'staff', 'admin')),
    password_hash TEXT NOT NULL,
    created_at    BIGINT NOT NULL,
    disabled_at   BIGINT
);

CREATE TABLE sessions (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,
    user_id      BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    client_addr  TEXT
);
CREATE INDEX sessions_by_user ON sessions (user_id);

-- Keyed by the normalised e-mail address whether or not an account has it, so that
-- lockouts cannot be used to find out which addresses have accounts.
CREATE TABLE login_throttle (
    email           TEXT PRIMARY KEY,
    failures        BIGINT NOT NULL,
    locked_until    BIGINT,
    last_failure_at BIGINT NOT NULL
);

CREATE TABLE policy_versions (
    version      BIGINT PRIMARY KEY,
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at BIGINT NOT NULL
);

CREATE TABLE policy_acceptances (
    user_id     BIGINT NOT NULL REFERENCES users (id),
    version     BIGINT NOT NULL REFERENCES policy_versions (version),
    accepted_at BIGINT NOT NULL,
    client_addr TEXT,
    PRIMARY KEY (user_id, version)
);

-- Append-only: who (actor), acting for whom (subject), what, when, from where.
CREATE TABLE audit_events (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at              BIGINT NOT NULL,
    actor_user_id   BIGINT,
    subject_user_id BIGINT,
    action          TEXT NOT NULL,
    object          TEXT,
    client_addr     TEXT
);
CREATE INDEX audit_events_by_subject ON audit_events (subject_user_id, at);
