-- Timed SQL extracts: one row per run and per dataset in a run (counts only, never row content).
CREATE TABLE extract_run (
    id         VARCHAR(36)  NOT NULL PRIMARY KEY,
    trigger_by VARCHAR(255) NOT NULL,            -- schedule, or the system id of who triggered it
    mode       VARCHAR(8)   NOT NULL,            -- LIVE or FILE
    since_date VARCHAR(40),                      -- the last-import date bound to the queries
    started    TIMESTAMP    NOT NULL,
    ended      TIMESTAMP,
    outcome    VARCHAR(16)  NOT NULL,            -- RUNNING, SUCCESS, PARTIAL_FAILURE, FAILED
    error      VARCHAR(1000)
);
CREATE INDEX ix_extract_run_started ON extract_run (started);

CREATE TABLE extract_run_dataset (
    run_id          VARCHAR(36)  NOT NULL,
    dataset         VARCHAR(255) NOT NULL,
    rows_read       BIGINT       NOT NULL,
    batches         INT          NOT NULL,
    failed_rows     INT          NOT NULL,
    failed_ids      TEXT,                        -- ReqCheck error_objects_ids, comma-separated
    import_ids      TEXT,                        -- ReqCheck data_import_id of each batch
    outcome         VARCHAR(16)  NOT NULL,
    error           VARCHAR(1000),
    PRIMARY KEY (run_id, dataset)
);

-- Work that must run on one replica at a time (extracts) holds a lease row.
CREATE TABLE job_lease (
    name       VARCHAR(64)  NOT NULL PRIMARY KEY,
    owner      VARCHAR(255),
    expires_at TIMESTAMP
);
INSERT INTO job_lease (name, owner, expires_at) VALUES ('extracts', NULL, NULL);
