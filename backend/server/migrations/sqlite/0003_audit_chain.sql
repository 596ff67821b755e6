-- The audit log becomes tamper-evident and append-only.
--
-- Every row carries the hash of the row before it (prev_hash) and its own (row_hash): SHA-256
-- over its fields and prev_hash, as written in backend/server/src/audit_chain/mod.rs; the
-- first row chains to 64 zeros. New rows take the ids after the chain's head, computed by the
-- service inside the transaction that inserts them. Rows written before this migration are
-- chained by the service when it first opens the database after it (they are read in id
-- order; SQLite cannot compute SHA-256 here), before anything else is written.
--
-- The database refuses to change or remove rows, and to insert one outside the chain. Someone
-- with the file can drop these guards; `portal-server audit verify` then still finds what
-- they changed.

ALTER TABLE audit_events ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_events ADD COLUMN row_hash TEXT;

-- The chain's last row: appends lock it, so the chain stays one line.
CREATE TABLE audit_chain_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   INTEGER NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_events_refuse_unchained BEFORE INSERT ON audit_events
WHEN NEW.prev_hash IS NULL OR NEW.row_hash IS NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: a new row must carry its place in the chain');
END;

-- The one change allowed: a row written before the chain joins it (its hashes are filled in,
-- nothing else moves).
CREATE TRIGGER audit_events_refuse_update BEFORE UPDATE ON audit_events
WHEN OLD.row_hash IS NOT NULL OR NEW.row_hash IS NULL OR NEW.prev_hash IS NULL
    OR NEW.id IS NOT OLD.id OR NEW.at IS NOT OLD.at
    OR NEW.actor_user_id IS NOT OLD.actor_user_id OR NEW.subject_user_id IS NOT OLD.subject_user_id
    OR NEW.action IS NOT OLD.action OR NEW.object IS NOT OLD.object
    OR NEW.client_addr IS NOT OLD.client_addr
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be changed');
END;

CREATE TRIGGER audit_events_refuse_delete BEFORE DELETE ON audit_events
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: rows cannot be removed');
END;

CREATE TRIGGER audit_chain_head_refuse_delete BEFORE DELETE ON audit_chain_head
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its chain head cannot be removed');
END;

CREATE TRIGGER audit_chain_head_only_forward BEFORE UPDATE ON audit_chain_head
WHEN NEW.id IS NOT OLD.id OR NEW.last_id < OLD.last_id
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only: its chain head only moves forward');
END;
