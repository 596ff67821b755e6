-- The audit log becomes tamper-evident and append-only.
--
-- Every row carries the hash of the row before it (prev_hash) and its own (row_hash): SHA-256
-- over its fields and prev_hash, as written in backend/server/src/audit_chain/mod.rs; the
-- first row chains to 64 zeros. New rows take the ids after the chain's head, computed by the
-- service inside the transaction that inserts them (so ids no longer come from a sequence,
-- which leaves gaps). Rows written before this migration are chained by the service when it
-- first opens the database after it (in id order, with the same Rust code as new rows),
-- before anything else is written. Every instance on the database must run this version:
-- an older one can no longer write audit rows.
--
-- The database refuses to change or remove rows, and to insert one outside the chain. Someone
-- who owns the tables can drop these guards; `portal-server audit verify` then still finds
-- what they changed.

ALTER TABLE audit_events ALTER COLUMN id DROP IDENTITY IF EXISTS;
ALTER TABLE audit_events ADD COLUMN prev_hash TEXT, ADD COLUMN row_hash TEXT;
-- New rows only (rows written before the chain are filled in by the service).
ALTER TABLE audit_events ADD CONSTRAINT audit_events_chained
    CHECK (prev_hash IS NOT NULL AND row_hash IS NOT NULL) NOT VALID;

-- The chain's last row: appends lock it (UPDATE … RETURNING) until they commit, so the chain
-- stays one line however many instances write.
CREATE TABLE audit_chain_head (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    last_id   BIGINT NOT NULL,
    last_hash TEXT NOT NULL
);
INSERT INTO audit_chain_head (id, last_id, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- The one change allowed: a row written before the chain joins it (its hashes are filled
    -- in, nothing else moves).
    IF TG_OP = 'UPDATE' AND OLD.row_hash IS NULL
        AND NEW.row_hash IS NOT NULL AND NEW.prev_hash IS NOT NULL
        AND (NEW.id, NEW.at, NEW.actor_user_id, NEW.subject_user_id, NEW.action, NEW.object, NEW.client_addr)
            IS NOT DISTINCT FROM
            (OLD.id, OLD.at, OLD.actor_user_id, OLD.subject_user_id, OLD.action, OLD.object, OLD.client_addr)
    THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'the audit log is append-only: rows cannot be changed';
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: rows cannot be removed';
END;
$$;

CREATE TRIGGER audit_events_refuse_change BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_refuse_change();
CREATE TRIGGER audit_events_refuse_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_refuse_change();

CREATE FUNCTION audit_chain_head_only_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.id = OLD.id AND NEW.last_id >= OLD.last_id THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'the audit log is append-only: its chain head only moves forward';
END;
$$;

CREATE TRIGGER audit_chain_head_only_forward BEFORE UPDATE OR DELETE ON audit_chain_head
    FOR EACH ROW EXECUTE FUNCTION audit_chain_head_only_forward();
CREATE TRIGGER audit_chain_head_refuse_truncate BEFORE TRUNCATE ON audit_chain_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_head_only_forward();
