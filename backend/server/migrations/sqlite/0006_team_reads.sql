-- Unread is per person on the care team (issue 9, 6.4). Until now one counter per thread
-- (`unread_by_team`) said what "the team" had not read, so the front desk opening a
-- patient's message cleared it for the physician who never saw it.
--
-- Now a thread counts its patient's messages (`patient_messages`), and `team_reads` keeps,
-- for each care-team member who read the thread, how many of them there were when they last
-- read it. A member's unread count is `patient_messages` minus that (or minus
-- `team_read_baseline` when they never read it: the messages the team had read before this
-- change, so an upgrade does not mark the whole history unread for everyone).

ALTER TABLE threads ADD COLUMN patient_messages INTEGER NOT NULL DEFAULT 0;
ALTER TABLE threads ADD COLUMN team_read_baseline INTEGER NOT NULL DEFAULT 0;
UPDATE threads SET patient_messages =
    (SELECT COUNT(*) FROM messages m WHERE m.thread_id = threads.id AND m.from_patient = 1);
UPDATE threads SET team_read_baseline = MAX(patient_messages - unread_by_team, 0);
DROP INDEX threads_unread_by_team;
ALTER TABLE threads DROP COLUMN unread_by_team;

CREATE TABLE team_reads (
    thread_id  INTEGER NOT NULL REFERENCES threads (id),
    user_id    INTEGER NOT NULL REFERENCES users (id),
    read_count INTEGER NOT NULL,
    PRIMARY KEY (thread_id, user_id)
);
