-- C-CDA examples library: every permalink ever seen or assigned (never deleted: a permalink whose
-- example is gone answers 410), and one row per sync run.
CREATE TABLE example_permalink (
    permalink_id VARCHAR(64)   NOT NULL PRIMARY KEY,
    example_path VARCHAR(1000) NOT NULL,
    section      VARCHAR(255)  NOT NULL,
    in_readme    BOOLEAN       NOT NULL,          -- false: assigned by Caravan, not yet written back
    deleted      TIMESTAMP,                       -- when its example disappeared from the repository
    created      TIMESTAMP     NOT NULL,
    updated      TIMESTAMP     NOT NULL
);

CREATE TABLE examples_sync_run (
    id                  VARCHAR(36)  NOT NULL PRIMARY KEY,
    trigger_by          VARCHAR(64)  NOT NULL,    -- startup, poll, webhook, manual
    started             TIMESTAMP    NOT NULL,
    ended               TIMESTAMP,
    duration_ms         BIGINT,
    outcome             VARCHAR(16)  NOT NULL,    -- RUNNING, SUCCEEDED, FAILED
    commit_id           VARCHAR(40),
    previous_commit     VARCHAR(40),
    sections            INT,
    examples            INT,
    files               INT,
    permalinks_assigned INT,
    permalinks_deleted  INT,
    pushed              BOOLEAN,
    warnings            TEXT,                     -- JSON array of {example, warning}
    error               VARCHAR(2000)
);
CREATE INDEX ix_examples_sync_run_started ON examples_sync_run (started);
