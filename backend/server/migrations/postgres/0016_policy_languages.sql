-- The policy in more than one language (issue 13): a version's own text is in
-- `policy_versions` (English); its Spanish text, published with `policy publish FILE --lang es`,
-- is here (publishing it again replaces it). Each acceptance records which text was accepted:
-- its language and the SHA-256 of its title and text (`domain::policy::text_digest`), so a
-- text replaced later does not blur what a person agreed to. Times are Unix milliseconds.
CREATE TABLE policy_translations (
    version      BIGINT NOT NULL REFERENCES policy_versions (version),
    language     TEXT NOT NULL CHECK (language IN ('es')),
    title        TEXT NOT NULL,
    body         TEXT NOT NULL,
    published_at BIGINT NOT NULL,
    PRIMARY KEY (version, language)
);
ALTER TABLE policy_acceptances ADD COLUMN language TEXT NOT NULL DEFAULT 'en' CHECK (language IN ('en', 'es'));
ALTER TABLE policy_acceptances ADD COLUMN text_sha256 TEXT;
