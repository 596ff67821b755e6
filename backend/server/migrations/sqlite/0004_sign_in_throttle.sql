-- Sign-in throttling charged before a pass-phrase is checked (domain::sign_in_throttle).
-- One row per bucket: an e-mail address (whether or not an account has it, so that lockouts
-- do not reveal which addresses have accounts), or an account and a network it signed in
-- from before. The old per-address counter is replaced; its counts start again.
DROP TABLE login_throttle;

CREATE TABLE sign_in_throttle (
    bucket               TEXT PRIMARY KEY,
    round_guesses        INTEGER NOT NULL,
    consecutive_failures INTEGER NOT NULL,
    locked_until         INTEGER,
    held                 INTEGER NOT NULL,
    version              INTEGER NOT NULL
);

-- Networks (an IPv4 address, an IPv6 /64) each account has signed in from.
CREATE TABLE sign_in_networks (
    user_id         INTEGER NOT NULL REFERENCES users (id),
    network         TEXT NOT NULL,
    last_success_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, network)
);
