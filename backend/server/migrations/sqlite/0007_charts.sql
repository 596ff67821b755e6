-- Patients' charts, loaded from FHIR R4 bundles (issue 10). A chart is one Patient resource
-- and every resource its bundles brought. Each resource's JSON is sealed at rest like message
-- bodies (`sealed_text`, bound to the row's id); only what lookups need stays clear: the
-- Patient's FHIR id, MRN and birth date, and each resource's type, id, code, time and status.
-- Times are Unix milliseconds (UTC).

CREATE TABLE charts (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    patient_fhir_id TEXT NOT NULL UNIQUE,
    mrn             TEXT,
    birth_date      TEXT,
    -- The portal account the chart belongs to (a patient's), once linked.
    user_id         INTEGER UNIQUE REFERENCES users (id),
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL
);
CREATE INDEX charts_by_mrn ON charts (mrn);

CREATE TABLE chart_resources (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    chart_id      INTEGER NOT NULL REFERENCES charts (id),
    resource_type TEXT NOT NULL,
    fhir_id       TEXT NOT NULL,
    -- SHA-256 of the resource's canonical JSON: an import of the same resource changes nothing.
    content_hash  TEXT NOT NULL,
    -- The resource's JSON, sealed.
    content       TEXT NOT NULL,
    -- Whether the record shows this type (US Core's); others are kept for the export.
    shown         INTEGER NOT NULL CHECK (shown IN (0, 1)),
    code_system   TEXT,
    code          TEXT,
    effective_at  INTEGER,
    status        TEXT,
    imported_at   INTEGER NOT NULL,
    UNIQUE (chart_id, resource_type, fhir_id)
);
CREATE INDEX chart_resources_by_time ON chart_resources (chart_id, resource_type, effective_at);
CREATE INDEX chart_resources_by_code ON chart_resources (chart_id, code_system, code, effective_at);
