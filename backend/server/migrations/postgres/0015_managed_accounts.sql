-- Accounts the practice keeps for a patient who does not sign in (issue 12: a child under 12
-- whose parent the front desk authorized). Such an account holds the patient's conversations
-- so that an authorized person can write for them; nobody signs in to it, its address is a
-- reserved one no mail can reach (`domain::managed_accounts`), and the patient's own
-- invitation to the chart later turns it into theirs, conversations and all. NULL: an account
-- a person owns.
ALTER TABLE users ADD COLUMN managed_at BIGINT;
