-- Every request that reaches the HL7 inbound pipeline (and later every outbound message) is a row.
-- Portable between PostgreSQL and H2.
CREATE TABLE hl7_message (
    uuid                VARCHAR(36)  NOT NULL PRIMARY KEY,
    created             TIMESTAMP    NOT NULL,            -- UTC: when Caravan received it
    created_by          VARCHAR(255) NOT NULL,
    modified            TIMESTAMP    NOT NULL,            -- UTC
    modified_by         VARCHAR(255) NOT NULL,
    content             TEXT,                             -- decoded HL7 text as received (raw base64 / request text when undecodable)
    message_type        VARCHAR(255),                     -- raw MSH-9, set once validation passed
    sent_at             VARCHAR(40),                      -- MSH-7 as ISO-8601 with millis and offset
    is_processed        BOOLEAN      NOT NULL,
    src_description     VARCHAR(64)  NOT NULL,
    dst_description     VARCHAR(64)  NOT NULL,
    message_control_id  VARCHAR(255),                     -- MSH-10.1, unique; NULL for rejected and duplicate rows
    received_control_id VARCHAR(255),                     -- MSH-10.1 whatever the outcome, for tracing
    ack                 TEXT,                             -- the ACK we sent (inbound)
    ack_status          VARCHAR(8),                       -- MSA-1 of that ACK
    nhs_number          VARCHAR(64),
    mrn                 VARCHAR(64),
    visit_id            VARCHAR(64),
    has_identifiers     BOOLEAN      NOT NULL,            -- patient_identifiers set (true once validation passed)
    state               VARCHAR(32)  NOT NULL,            -- ACCEPTED, REJECTED, ERROR, DUPLICATE, NOT_HL7, UNDECODABLE, INVALID_REQUEST
    error_text          VARCHAR(2000),                    -- why it was not accepted (no PHI: rule texts only)
    transport           VARCHAR(16)  NOT NULL,            -- MLLP or HTTP
    listener            VARCHAR(64),                      -- which listener / endpoint received it
    remote_address      VARCHAR(255),
    charset             VARCHAR(32)
);

CREATE UNIQUE INDEX ix_hl7_message_message_control_id ON hl7_message (message_control_id);
CREATE INDEX ix_hl7_message_nhs_number ON hl7_message (nhs_number);
CREATE INDEX ix_hl7_message_mrn ON hl7_message (mrn);
CREATE INDEX ix_hl7_message_visit_id ON hl7_message (visit_id);

-- Who read or changed which message, and when (never the content).
CREATE TABLE audit_event (
    id           VARCHAR(36)  NOT NULL PRIMARY KEY,
    at           TIMESTAMP    NOT NULL,
    actor        VARCHAR(255) NOT NULL,
    action       VARCHAR(64)  NOT NULL,
    message_uuid VARCHAR(36),
    detail       VARCHAR(500)
);
CREATE INDEX ix_audit_event_message_uuid ON audit_event (message_uuid);
