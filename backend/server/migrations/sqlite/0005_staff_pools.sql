-- The triage pools each staff member works in (comma-separated: clinical, front_desk,
-- billing). Staff see only the threads of their pools (HIPAA's minimum necessary). Staff
-- accounts that existed before keep every pool, as they had; an admin narrows them with
-- `portal-server user pools`.
ALTER TABLE users ADD COLUMN staff_pools TEXT NOT NULL DEFAULT '';
UPDATE users SET staff_pools = 'clinical,front_desk,billing' WHERE role = 'staff';
