-- Counsellor and coordinator accounts. Young people never have one.
-- `active` is INTEGER 0/1 on both engines so the Any driver decodes it alike.
CREATE TABLE counsellors (
    id            BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login         TEXT    NOT NULL UNIQUE,  -- lowercased
    first_name    TEXT    NOT NULL,         -- shown to young people
    role          TEXT    NOT NULL CHECK (role IN ('counsellor', 'coordinator')),
    password_hash TEXT    NOT NULL,         -- pbkdf2-sha256$iterations$salt$hash
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    BIGINT  NOT NULL          -- Unix milliseconds
);
