-- Giảm nghèo Desktop — baseline schema (version 1).
--
-- Rules for this file:
--  * Text is stored in Unicode NFC. Every *_fold column holds the folded search key
--    (NFD, marks stripped, đ→d, lower-case, spaces collapsed), maintained in Python
--    (giamngheo_desktop.text.fold), because SQLite's lower()/LIKE fold ASCII only.
--  * Dates are ISO text 'YYYY-MM-DD'; timestamps ISO 'YYYY-MM-DDTHH:MM:SS' in local time.
--  * Money is INTEGER VND. Booleans are INTEGER 0/1, NULL = not known.
--  * Deletion is soft (deleted_at) for registry data so undo is a restore.
--  * Until the first release this file may be edited; afterwards it is frozen and
--    every change is a numbered step in giamngheo_desktop/storage/migrations.py.

-- ---------------------------------------------------------------- commune ----
CREATE TABLE commune (
    id               INTEGER PRIMARY KEY CHECK (id = 1),   -- one commune per file
    name             TEXT NOT NULL,                        -- "xã Tân Lập"
    kind             TEXT NOT NULL DEFAULT 'xa'
                     CHECK (kind IN ('xa', 'phuong', 'dac_khu')),
    code             TEXT NOT NULL CHECK (length(code) = 5 AND code GLOB '[0-9][0-9][0-9][0-9][0-9]'),
    code_system      TEXT NOT NULL DEFAULT 'QD19-2025',     -- administrative code list
    province         TEXT NOT NULL,
    province_code    TEXT,
    area_type        TEXT NOT NULL CHECK (area_type IN ('rural', 'urban')),
    receiving_office TEXT NOT NULL DEFAULT '',             -- who receives reports
    address          TEXT NOT NULL DEFAULT '',
    chairman_name    TEXT NOT NULL DEFAULT '',             -- signs reports and certificates
    preparer_name    TEXT NOT NULL DEFAULT '',             -- "Người lập biểu"
    local_standard_id TEXT,                                -- optional provincial standard
    created_at       TEXT NOT NULL,
    updated_at       TEXT NOT NULL
);

-- Administrative codes from older code systems (before 1 Jul 2025), old→new.
CREATE TABLE admin_code_map (
    code_system  TEXT NOT NULL,
    code         TEXT NOT NULL,
    name         TEXT NOT NULL,
    new_code     TEXT,
    PRIMARY KEY (code_system, code)
);

-- Key/value settings stored with the data (not UI state, which lives in QSettings).
CREATE TABLE app_setting (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);

CREATE TABLE village (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_fold   TEXT NOT NULL,
    kind        TEXT NOT NULL DEFAULT 'thon' CHECK (kind IN ('thon', 'to_dan_pho', 'ban', 'ap', 'khom', 'buon', 'khac')),
    area_type   TEXT CHECK (area_type IN ('rural', 'urban')),   -- NULL = commune's
    head_name   TEXT NOT NULL DEFAULT '',
    sort_order  INTEGER NOT NULL DEFAULT 0,
    deleted_at  TEXT
);
CREATE UNIQUE INDEX village_code_live ON village(code) WHERE deleted_at IS NULL;

-- ------------------------------------------------------------- code lists ----
-- Every controlled vocabulary, with the code system it comes from (§7.3: several
-- ethnic code lists exist). list_name examples: ethnicity, relationship,
-- poverty_cause, support_type, funding_source, education_level, schooling,
-- employment, housing_material, water_source, latrine_type, info_device,
-- nutrition, disability, hi_group, loan_programme.
-- extra is JSON with list-specific attributes, e.g. {"durable": true} for
-- materials, {"hygienic": true} for water sources and latrines.
CREATE TABLE code_list (
    list_name   TEXT NOT NULL,
    code_system TEXT NOT NULL,
    code        TEXT NOT NULL,
    name        TEXT NOT NULL,
    name_fold   TEXT NOT NULL,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    extra       TEXT NOT NULL DEFAULT '{}',
    active      INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (list_name, code_system, code)
);
CREATE INDEX code_list_fold ON code_list(list_name, name_fold);

-- ------------------------------------------------------------- households ----
CREATE TABLE household (
    id                 INTEGER PRIMARY KEY,
    code               TEXT NOT NULL,                   -- mã hộ
    code_fold          TEXT NOT NULL,
    village_id         INTEGER NOT NULL REFERENCES village(id),
    address            TEXT NOT NULL DEFAULT '',
    phone              TEXT NOT NULL DEFAULT '',
    area_type          TEXT CHECK (area_type IN ('rural', 'urban')),  -- NULL = village/commune
    head_member_id     INTEGER REFERENCES member(id) DEFERRABLE INITIALLY DEFERRED,
    -- current class (from the latest decision) -------------------------------
    poverty_class      TEXT NOT NULL DEFAULT 'not_poor'
                       CHECK (poverty_class IN ('poor', 'near_poor', 'newly_escaped', 'average', 'not_poor')),
    class_date         TEXT,                            -- date of the decision
    class_decision     TEXT NOT NULL DEFAULT '',        -- decision number
    escaped_date       TEXT,                            -- last escape from poverty (36-month window)
    -- flags (NULL = unknown) ---------------------------------------------------
    ethnic_minority    INTEGER NOT NULL DEFAULT 0,
    local_indigenous   INTEGER NOT NULL DEFAULT 0,      -- dân tộc tại chỗ (DTTC)
    has_merit_person   INTEGER NOT NULL DEFAULT 0,      -- người có công
    no_labour_capacity INTEGER NOT NULL DEFAULT 0,
    female_head        INTEGER NOT NULL DEFAULT 0,
    social_protection  INTEGER NOT NULL DEFAULT 0,      -- bảo trợ xã hội
    is_farming         INTEGER NOT NULL DEFAULT 0,      -- nông, lâm, ngư, diêm nghiệp
    -- what the indicators need (§2.3) ------------------------------------------
    income_per_capita  INTEGER,                         -- VND / person / month, latest estimate
    wall_material      TEXT,                            -- code_list housing_material
    column_material    TEXT,
    roof_material      TEXT,
    floor_area         REAL,                            -- m²
    water_source       TEXT,                            -- code_list water_source
    latrine_type       TEXT,                            -- code_list latrine_type
    internet_use       INTEGER,                         -- a member uses fixed or mobile internet
    info_devices       TEXT NOT NULL DEFAULT '',        -- comma-separated code_list info_device codes
    loudspeaker_reach  INTEGER,                         -- hears the commune/village loudspeaker
    waste_treatment    INTEGER,                         -- 2027–2030 standard: handles domestic waste hygienically
    note               TEXT NOT NULL DEFAULT '',
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL,
    deleted_at         TEXT
);
CREATE UNIQUE INDEX household_code_live ON household(code) WHERE deleted_at IS NULL;
CREATE INDEX household_village ON household(village_id, code);
CREATE INDEX household_class ON household(poverty_class);
CREATE INDEX household_code_fold ON household(code_fold);

CREATE TABLE household_cause (
    household_id INTEGER NOT NULL REFERENCES household(id),
    cause_code   TEXT NOT NULL,                         -- code_list poverty_cause
    PRIMARY KEY (household_id, cause_code)
) WITHOUT ROWID;

CREATE TABLE member (
    id                  INTEGER PRIMARY KEY,
    household_id        INTEGER NOT NULL REFERENCES household(id),
    full_name           TEXT NOT NULL,
    name_fold           TEXT NOT NULL,
    birth_date          TEXT,                           -- full date when known
    birth_year          INTEGER,                        -- always filled when anything is known
    sex                 TEXT CHECK (sex IN ('M', 'F')),
    id_number           TEXT,                           -- 12-digit personal ID (or legacy 9-digit CMND)
    id_kind             TEXT CHECK (id_kind IN ('cccd', 'cmnd')),
    id_issue_date       TEXT,
    ethnicity_system    TEXT,                           -- code_list ethnicity code_system
    ethnicity_code      TEXT,
    relationship_code   TEXT,                           -- code_list relationship
    education_level     TEXT,                           -- code_list education_level (highest finished)
    schooling           TEXT,                           -- code_list schooling (in school now, level)
    trained_on_job      INTEGER NOT NULL DEFAULT 0,     -- certified on-the-job training (indicator 5)
    occupation          TEXT NOT NULL DEFAULT '',
    employment          TEXT,                           -- code_list employment
    labour_contract     INTEGER,                        -- works for wages with a labour contract
    hi_card_number      TEXT,                           -- health insurance
    hi_group            TEXT,
    hi_valid_from       TEXT,
    hi_valid_to         TEXT,
    disability          TEXT,                           -- code_list disability; NULL/'' = none
    social_allowance    INTEGER NOT NULL DEFAULT 0,     -- monthly social allowance, VND
    nutrition           TEXT,                           -- code_list nutrition (children under 16)
    life_status         TEXT NOT NULL DEFAULT 'living'
                        CHECK (life_status IN ('living', 'deceased', 'moved_away')),
    life_status_date    TEXT,
    sort_order          INTEGER NOT NULL DEFAULT 0,
    note                TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL,
    deleted_at          TEXT
);
CREATE INDEX member_household ON member(household_id, sort_order);
CREATE INDEX member_name_fold ON member(name_fold);
CREATE INDEX member_id_number ON member(id_number);

-- History of household operations (split, merge, move, head change, death …).
-- Feeds the "other increase / other decrease" movement categories.
CREATE TABLE household_event (
    id                   INTEGER PRIMARY KEY,
    household_id         INTEGER NOT NULL REFERENCES household(id),
    event_type           TEXT NOT NULL,   -- create, update, split_from, split_to, merge_into, merged_from,
                                          -- member_add, member_remove, member_move_in, member_move_out,
                                          -- head_change, member_deceased, member_moved_away, delete, restore
    event_date           TEXT NOT NULL,
    related_household_id INTEGER REFERENCES household(id),
    member_id            INTEGER REFERENCES member(id),
    details              TEXT NOT NULL DEFAULT '{}',    -- JSON
    user_id              INTEGER REFERENCES app_user(id),
    created_at           TEXT NOT NULL
);
CREATE INDEX household_event_household ON household_event(household_id, event_date);

-- ---------------------------------------------------- standards and review ----
-- A poverty standard is data (resources/standards/*.json); the definition used is
-- copied here so results stay explainable even if the file changes.
CREATE TABLE poverty_standard (
    id             TEXT PRIMARY KEY,                    -- e.g. 'VN-2022-2025'
    name           TEXT NOT NULL,
    level          TEXT NOT NULL CHECK (level IN ('national', 'provincial')),
    province_code  TEXT,
    valid_from     TEXT NOT NULL,
    valid_to       TEXT,
    provisional    INTEGER NOT NULL DEFAULT 0,
    definition     TEXT NOT NULL,                       -- JSON, the whole standard file
    loaded_at      TEXT NOT NULL
);

-- Scoring cards (B1 …) as data: questions → options → points, with cut-offs.
CREATE TABLE scoring_card (
    id            TEXT PRIMARY KEY,
    standard_id   TEXT NOT NULL,
    card_type     TEXT NOT NULL,                        -- 'B1'
    region        TEXT NOT NULL DEFAULT '',
    area_type     TEXT CHECK (area_type IN ('rural', 'urban')),
    name          TEXT NOT NULL,
    is_sample     INTEGER NOT NULL DEFAULT 0,           -- sample card, not official points
    definition    TEXT NOT NULL,                        -- JSON
    updated_at    TEXT NOT NULL
);

CREATE TABLE review_round (
    id               INTEGER PRIMARY KEY,
    kind             TEXT NOT NULL CHECK (kind IN ('annual', 'monthly')),
    year             INTEGER NOT NULL,
    month            INTEGER,                           -- monthly rounds
    name             TEXT NOT NULL,
    reference_date   TEXT NOT NULL,                     -- selects the standard; ages computed on it
    standard_id      TEXT NOT NULL REFERENCES poverty_standard(id),
    local_standard_id TEXT REFERENCES poverty_standard(id),
    step             TEXT NOT NULL DEFAULT 'list'
                     CHECK (step IN ('list', 'collect', 'meeting', 'posting', 'decision', 'certificates', 'closed')),
    list_date        TEXT,
    collect_date     TEXT,
    posting_from     TEXT,
    posting_to       TEXT,
    decision_number  TEXT NOT NULL DEFAULT '',
    decision_date    TEXT,
    certificates_date TEXT,
    opened_at        TEXT NOT NULL,
    closed_at        TEXT,
    note             TEXT NOT NULL DEFAULT ''
);

-- One row per household reviewed in a round; frozen (snapshot) when the round closes.
CREATE TABLE round_household (
    round_id            INTEGER NOT NULL REFERENCES review_round(id),
    household_id        INTEGER NOT NULL REFERENCES household(id),
    source              TEXT NOT NULL DEFAULT 'list' CHECK (source IN ('list', 'request', 'manual')),
    status              TEXT NOT NULL DEFAULT 'pending'
                        CHECK (status IN ('pending', 'collected', 'computed', 'approved', 'rejected')),
    village_id          INTEGER REFERENCES village(id),
    area_type           TEXT CHECK (area_type IN ('rural', 'urban')),
    member_count        INTEGER,
    income_per_capita   INTEGER,
    b1_score            REAL,
    b1_answers          TEXT,                           -- JSON {question: option}
    b2_score            REAL,
    deprivation_count   INTEGER,
    class_before        TEXT,                           -- household class when the round opened
    computed_class      TEXT,
    final_class         TEXT,                           -- after meeting / decision
    local_class         TEXT,                           -- by the provincial standard, if any
    reason              TEXT NOT NULL DEFAULT '',
    standard_id         TEXT REFERENCES poverty_standard(id),
    computed_at         TEXT,
    movement            TEXT,                           -- movement category vs previous snapshot
    certificate_number  TEXT,
    snapshot            TEXT,                           -- JSON of household + members when frozen
    frozen              INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, household_id)
);
CREATE INDEX round_household_household ON round_household(household_id);

CREATE TABLE round_indicator (
    round_id       INTEGER NOT NULL,
    household_id   INTEGER NOT NULL,
    indicator_code TEXT NOT NULL,
    deprived       INTEGER NOT NULL,
    source         TEXT NOT NULL CHECK (source IN ('computed', 'entered')),
    note           TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (round_id, household_id, indicator_code),
    FOREIGN KEY (round_id, household_id) REFERENCES round_household(round_id, household_id)
) WITHOUT ROWID;

-- Person-level snapshot for person counts and low-income workers.
CREATE TABLE round_member (
    round_id           INTEGER NOT NULL,
    household_id       INTEGER NOT NULL,
    member_id          INTEGER NOT NULL REFERENCES member(id),
    age                INTEGER,
    sex                TEXT,
    ethnicity_code     TEXT,
    low_income_worker  INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (round_id, member_id),
    FOREIGN KEY (round_id, household_id) REFERENCES round_household(round_id, household_id)
) WITHOUT ROWID;

CREATE TABLE village_meeting (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER NOT NULL REFERENCES review_round(id),
    village_id    INTEGER NOT NULL REFERENCES village(id),
    meeting_date  TEXT NOT NULL,
    attendees     INTEGER NOT NULL CHECK (attendees >= 0),
    agreed        INTEGER NOT NULL CHECK (agreed >= 0),
    chair         TEXT NOT NULL DEFAULT '',
    secretary     TEXT NOT NULL DEFAULT '',
    minutes       TEXT NOT NULL DEFAULT '',
    UNIQUE (round_id, village_id, meeting_date)
);

-- Household requests: Mẫu số 01 (review request) and Mẫu số 04 (escape request).
CREATE TABLE household_request (
    id            INTEGER PRIMARY KEY,
    household_id  INTEGER NOT NULL REFERENCES household(id),
    form          TEXT NOT NULL CHECK (form IN ('01', '04')),
    request_date  TEXT NOT NULL,
    content       TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'in_round', 'done', 'rejected')),
    round_id      INTEGER REFERENCES review_round(id),
    result_note   TEXT NOT NULL DEFAULT '',
    created_at    TEXT NOT NULL
);

CREATE TABLE certificate (
    id            INTEGER PRIMARY KEY,
    round_id      INTEGER REFERENCES review_round(id),
    household_id  INTEGER NOT NULL REFERENCES household(id),
    number        TEXT NOT NULL,                       -- "12/GCN-HN.HCN"
    poverty_class TEXT NOT NULL,
    issue_date    TEXT NOT NULL,
    valid_until   TEXT,
    revoked_at    TEXT
);

-- ---------------------------------------------------------------- support ----
-- Programme → project → sub-project catalogue (data: resources/catalogue/*.json).
CREATE TABLE programme (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL UNIQUE,                   -- 'MTQG-GNBV-2021-2025/DA4/TDA1'
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('programme', 'project', 'subproject')),
    parent_id   INTEGER REFERENCES programme(id),
    valid_from  TEXT,
    valid_to    TEXT,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE support_batch (
    id           INTEGER PRIMARY KEY,
    description  TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    user_id      INTEGER REFERENCES app_user(id),
    undone_at    TEXT
);

CREATE TABLE support_record (
    id              INTEGER PRIMARY KEY,
    household_id    INTEGER NOT NULL REFERENCES household(id),
    member_id       INTEGER REFERENCES member(id),      -- NULL = the household as a whole
    type_code       TEXT NOT NULL,                      -- code_list support_type
    support_date    TEXT NOT NULL,
    quantity        REAL NOT NULL DEFAULT 1,
    unit            TEXT NOT NULL DEFAULT '',
    amount          INTEGER NOT NULL DEFAULT 0,         -- VND
    funding_source  TEXT,                               -- code_list funding_source
    programme_id    INTEGER REFERENCES programme(id),
    note            TEXT NOT NULL DEFAULT '',
    batch_id        INTEGER REFERENCES support_batch(id),
    recorded_by     INTEGER REFERENCES app_user(id),
    created_at      TEXT NOT NULL,
    deleted_at      TEXT
);
CREATE INDEX support_household ON support_record(household_id, support_date);
CREATE INDEX support_date ON support_record(support_date, id);
CREATE INDEX support_type ON support_record(type_code, support_date);

CREATE TABLE loan (
    id                 INTEGER PRIMARY KEY,
    support_record_id  INTEGER NOT NULL UNIQUE REFERENCES support_record(id),
    programme_code     TEXT NOT NULL,                   -- code_list loan_programme (VBSP programme)
    amount             INTEGER NOT NULL CHECK (amount > 0),
    term_months        INTEGER NOT NULL CHECK (term_months > 0),
    interest_rate      REAL NOT NULL,                   -- % per year
    disbursement_date  TEXT NOT NULL,
    due_date           TEXT,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'repaid', 'overdue', 'written_off'))
);

CREATE TABLE loan_repayment (
    id         INTEGER PRIMARY KEY,
    loan_id    INTEGER NOT NULL REFERENCES loan(id),
    paid_date  TEXT NOT NULL,
    principal  INTEGER NOT NULL DEFAULT 0 CHECK (principal >= 0),
    interest   INTEGER NOT NULL DEFAULT 0 CHECK (interest >= 0),
    note       TEXT NOT NULL DEFAULT '',
    deleted_at TEXT
);

CREATE TABLE production_model (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    year            INTEGER NOT NULL,
    start_date      TEXT,
    end_date        TEXT,
    village_id      INTEGER REFERENCES village(id),
    budget          INTEGER NOT NULL DEFAULT 0,
    funding_source  TEXT,
    programme_id    INTEGER REFERENCES programme(id),
    description     TEXT NOT NULL DEFAULT '',
    deleted_at      TEXT
);

CREATE TABLE model_participant (
    model_id      INTEGER NOT NULL REFERENCES production_model(id),
    household_id  INTEGER NOT NULL REFERENCES household(id),
    amount        INTEGER NOT NULL DEFAULT 0,           -- support to this household within the model
    joined_date   TEXT,
    PRIMARY KEY (model_id, household_id)
) WITHOUT ROWID;

CREATE TABLE training_class (
    id              INTEGER PRIMARY KEY,
    name            TEXT NOT NULL,
    occupation      TEXT NOT NULL DEFAULT '',
    year            INTEGER NOT NULL,
    start_date      TEXT,
    end_date        TEXT,
    organiser       TEXT NOT NULL DEFAULT '',
    budget          INTEGER NOT NULL DEFAULT 0,
    funding_source  TEXT,
    programme_id    INTEGER REFERENCES programme(id),
    deleted_at      TEXT
);

CREATE TABLE class_trainee (
    class_id      INTEGER NOT NULL REFERENCES training_class(id),
    member_id     INTEGER NOT NULL REFERENCES member(id),
    completed     INTEGER NOT NULL DEFAULT 0,
    employed      INTEGER NOT NULL DEFAULT 0,
    employed_date TEXT,
    PRIMARY KEY (class_id, member_id)
) WITHOUT ROWID;

CREATE TABLE staff_training (
    id          INTEGER PRIMARY KEY,
    title       TEXT NOT NULL,
    year        INTEGER NOT NULL,
    held_date   TEXT,
    organiser   TEXT NOT NULL DEFAULT '',
    deleted_at  TEXT
);

CREATE TABLE staff_training_attendee (
    id           INTEGER PRIMARY KEY,
    training_id  INTEGER NOT NULL REFERENCES staff_training(id),
    full_name    TEXT NOT NULL,
    position     TEXT NOT NULL DEFAULT '',
    user_id      INTEGER REFERENCES app_user(id)
);

-- Officers doing poverty work (denominator of "100 % staff trained").
CREATE TABLE staff_member (
    id         INTEGER PRIMARY KEY,
    full_name  TEXT NOT NULL,
    position   TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1
);

-- ------------------------------------------------------------------- plans ----
CREATE TABLE plan (
    id                INTEGER PRIMARY KEY,
    year              INTEGER NOT NULL,
    number            TEXT NOT NULL DEFAULT '',         -- "47/KH-UBND"
    issued_date       TEXT,
    title             TEXT NOT NULL,
    baseline_round_id INTEGER REFERENCES review_round(id),
    -- baseline counts when there is no closed round (the register on baseline_date, e.g. 1 Jan)
    baseline_date       TEXT,
    baseline_households INTEGER,
    baseline_poor       INTEGER,
    baseline_near_poor  INTEGER,
    note              TEXT NOT NULL DEFAULT '',
    deleted_at        TEXT
);

CREATE TABLE plan_target (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER NOT NULL REFERENCES plan(id),
    code         TEXT NOT NULL,                          -- metric code, e.g. 'models', 'poor_reduction'
    label        TEXT NOT NULL,
    kind         TEXT NOT NULL CHECK (kind IN ('count', 'reduction', 'reduction_pct', 'coverage_pct')),
    target_value REAL NOT NULL,
    unit         TEXT NOT NULL DEFAULT '',
    sort_order   INTEGER NOT NULL DEFAULT 0,
    UNIQUE (plan_id, code)
);

-- ------------------------------------------------------- users and audit ----
CREATE TABLE app_user (
    id               INTEGER PRIMARY KEY,
    username         TEXT NOT NULL UNIQUE COLLATE NOCASE,
    full_name        TEXT NOT NULL,
    role             TEXT NOT NULL CHECK (role IN ('admin', 'officer', 'leader')),
    password_hash    TEXT,                               -- scrypt, with its salt and parameters
    failed_attempts  INTEGER NOT NULL DEFAULT 0,
    locked_until     TEXT,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    active           INTEGER NOT NULL DEFAULT 1,
    created_at       TEXT NOT NULL
);

-- Append-only change log, linked by a hash chain (see services/audit.py).
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    ts          TEXT NOT NULL,
    user_id     INTEGER,
    username    TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,                           -- insert / update / delete / or a named operation
    entity      TEXT NOT NULL,                           -- table name
    entity_id   TEXT,
    household_id INTEGER,
    old_values  TEXT,                                    -- JSON
    new_values  TEXT,                                    -- JSON
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_household ON audit_log(household_id, id);
CREATE INDEX audit_entity ON audit_log(entity, entity_id);

-- ------------------------------------------------------- upload packages ----
CREATE TABLE report_package (
    id           INTEGER PRIMARY KEY,
    period       TEXT NOT NULL,                          -- '2026-11', '2026-Q4', '2026', 'round:7', custom range
    sequence     INTEGER NOT NULL,
    created_at   TEXT NOT NULL,
    file_name    TEXT NOT NULL,
    sha256       TEXT NOT NULL,
    UNIQUE (period, sequence)
);
