-- Secure messaging: threads between a patient and the care team, their messages, attachments
-- (encrypted at rest with the server's attachment key), idempotency keys of sends, and which
-- clinicians care for which patients. Times are Unix milliseconds (UTC).

CREATE TABLE care_relationships (
    patient_id   BIGINT NOT NULL REFERENCES users (id),
    clinician_id BIGINT NOT NULL REFERENCES users (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (patient_id, clinician_id)
);
CREATE INDEX care_relationships_by_clinician ON care_relationships (clinician_id, patient_id);

CREATE TABLE threads (
    id                BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    patient_id        BIGINT NOT NULL REFERENCES users (id),
    category          TEXT NOT NULL CHECK (category IN ('medical_question', 'prescription_renewal', 'appointment', 'billing', 'other')),
    pool              TEXT NOT NULL CHECK (pool IN ('clinical', 'front_desk', 'billing')),
    subject           TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('open', 'closed')),
    urgent            BIGINT NOT NULL CHECK (urgent IN (0, 1)),
    assigned_to       BIGINT REFERENCES users (id),
    created_by        BIGINT NOT NULL REFERENCES users (id),
    created_at        BIGINT NOT NULL,
    last_message_at   BIGINT NOT NULL,
    message_count     BIGINT NOT NULL,
    -- Messages of the other side not read yet, kept with every send and read so lists and
    -- badges never count rows.
    unread_by_patient BIGINT NOT NULL,
    unread_by_team    BIGINT NOT NULL
);
CREATE INDEX threads_by_patient ON threads (patient_id, last_message_at, id);
CREATE INDEX threads_by_pool ON threads (pool, status, urgent, last_message_at, id);
CREATE INDEX threads_by_assignee ON threads (assigned_to, last_message_at, id);
CREATE INDEX threads_by_activity ON threads (last_message_at, id);
CREATE INDEX threads_unread_by_team ON threads (unread_by_team) WHERE unread_by_team > 0;

CREATE TABLE messages (
    id           BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    thread_id    BIGINT NOT NULL REFERENCES threads (id),
    author_id    BIGINT NOT NULL REFERENCES users (id),
    from_patient BIGINT NOT NULL CHECK (from_patient IN (0, 1)),
    body         TEXT NOT NULL,
    created_at   BIGINT NOT NULL,
    read_at      BIGINT
);
CREATE INDEX messages_by_thread ON messages (thread_id, id);

CREATE TABLE attachments (
    id         TEXT PRIMARY KEY,
    owner_id   BIGINT NOT NULL REFERENCES users (id),
    message_id BIGINT REFERENCES messages (id),
    filename   TEXT NOT NULL,
    media_type TEXT NOT NULL CHECK (media_type IN ('image/jpeg', 'image/png', 'application/pdf')),
    size       BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX attachments_by_message ON attachments (message_id);
CREATE INDEX attachments_unsent_by_owner ON attachments (owner_id) WHERE message_id IS NULL;

-- The bytes, sealed with AES-256-GCM under the server's attachment key (`key_id` names it).
CREATE TABLE attachment_blobs (
    attachment_id TEXT PRIMARY KEY REFERENCES attachments (id),
    key_id        TEXT NOT NULL,
    nonce         BYTEA NOT NULL,
    sealed        BYTEA NOT NULL
);

CREATE TABLE idempotency_keys (
    user_id      BIGINT NOT NULL REFERENCES users (id),
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    thread_id    BIGINT NOT NULL REFERENCES threads (id),
    message_id   BIGINT NOT NULL REFERENCES messages (id),
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (user_id, key)
);
