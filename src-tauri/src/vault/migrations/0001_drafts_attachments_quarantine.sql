-- Version 1: the tables every vault had before the schema was versioned. A vault made then
-- already has them (at user_version 0), so each is created only if missing: this step
-- adopts such a file unchanged. `record` columns hold sealed records (see seal.rs); nothing
-- here is readable without the user's data key.

-- One key header per app user: the data key, wrapped under a key derived from the
-- pass-phrase with these Argon2id parameters and salt.
CREATE TABLE IF NOT EXISTS vault_keys (
    user_id     TEXT PRIMARY KEY NOT NULL,
    algorithm   TEXT NOT NULL,
    m_cost_kib  INTEGER NOT NULL,
    t_cost      INTEGER NOT NULL,
    p_cost      INTEGER NOT NULL,
    salt        BLOB NOT NULL,
    nonce       BLOB NOT NULL,
    wrapped_key BLOB NOT NULL,
    updated_at  INTEGER NOT NULL
);

-- The latest sealed record of each draft, with its version.
CREATE TABLE IF NOT EXISTS drafts (
    user_id    TEXT NOT NULL,
    draft_id   TEXT NOT NULL,
    version    INTEGER NOT NULL,
    record     BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, draft_id)
);

-- Draft records that failed to open, set aside.
CREATE TABLE IF NOT EXISTS quarantine (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        TEXT NOT NULL,
    draft_id       TEXT NOT NULL,
    version        INTEGER NOT NULL,
    record         BLOB NOT NULL,
    updated_at     INTEGER NOT NULL,
    quarantined_at INTEGER NOT NULL
);

-- Each file attached to a draft, sealed once.
CREATE TABLE IF NOT EXISTS draft_attachments (
    user_id       TEXT NOT NULL,
    draft_id      TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    record        BLOB NOT NULL,
    created_at    INTEGER NOT NULL,
    PRIMARY KEY (user_id, draft_id, attachment_id)
);

-- Attachment records that failed to open, or that went with a draft set aside.
CREATE TABLE IF NOT EXISTS quarantined_attachments (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id        TEXT NOT NULL,
    draft_id       TEXT NOT NULL,
    attachment_id  TEXT NOT NULL,
    record         BLOB NOT NULL,
    created_at     INTEGER NOT NULL,
    quarantined_at INTEGER NOT NULL
);
