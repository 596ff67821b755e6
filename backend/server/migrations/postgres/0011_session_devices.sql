-- The name the app gives its device at sign-in ("Patient Portal on Linux, front-desk-2"),
-- shown in the person's list of their sessions (issue 11). NULL: a client that gave none.
ALTER TABLE sessions ADD COLUMN device TEXT;
