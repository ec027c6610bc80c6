-- 0001_init: every table Veil keeps on PostgreSQL.
--
-- Runs inside one transaction (see Migrate); objects are created in the
-- first schema of the search_path. Nothing here stores a raw identifier:
-- subjects are keyed hashes, payloads and vault values are ciphertext.

-- pgvector. On a managed database an administrator may have to create it
-- once (CREATE EXTENSION vector); IF NOT EXISTS then needs no privilege.
CREATE EXTENSION IF NOT EXISTS vector;

-- ---------------------------------------------------------------------------
-- Consent ledger: append-only.
--
-- The trigger below rejects UPDATE, DELETE and TRUNCATE unless the
-- transaction ran `SET LOCAL veil.erasure = 'on'` (reserved for an erasure
-- that must rewrite the ledger). The trigger guards against mistakes; the
-- privileges are what stop a compromised application. Recommended grants,
-- with `veil_app` the role `veil serve` logs in as and `veil_owner` the role
-- that runs `veil migrate up`:
--
--   REVOKE ALL ON consent_ledger FROM PUBLIC, veil_app;
--   GRANT SELECT, INSERT ON consent_ledger TO veil_app;
--   GRANT USAGE ON SEQUENCE consent_ledger_seq_seq TO veil_app;
--   GRANT SELECT, INSERT, UPDATE, DELETE ON
--       seen_messages, inbox, subject_keys, vault_entries, records,
--       dialog_states, intent_vectors, outbox TO veil_app;
--   GRANT USAGE ON ALL SEQUENCES IN SCHEMA <schema> TO veil_app;
--   -- erasure on request (admin API) only, if it must touch the ledger:
--   GRANT UPDATE, DELETE ON consent_ledger TO veil_eraser;
-- ---------------------------------------------------------------------------
CREATE TABLE consent_ledger (
    seq            bigserial   PRIMARY KEY,
    subject        text        NOT NULL,
    at             timestamptz NOT NULL,
    action         text        NOT NULL,
    notice_version text        NOT NULL DEFAULT '',
    purposes       text[]      NOT NULL DEFAULT '{}',
    evidence       text        NOT NULL DEFAULT ''
);
CREATE INDEX consent_ledger_subject ON consent_ledger (subject, seq);

CREATE FUNCTION veil_consent_ledger_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('veil.erasure', true), '') = 'on' THEN
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'consent_ledger is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'only the erasure path may change the ledger (SET LOCAL veil.erasure = on)';
END
$$;

CREATE TRIGGER consent_ledger_append_only
    BEFORE UPDATE OR DELETE ON consent_ledger
    FOR EACH ROW EXECUTE FUNCTION veil_consent_ledger_append_only();
CREATE TRIGGER consent_ledger_no_truncate
    BEFORE TRUNCATE ON consent_ledger
    FOR EACH STATEMENT EXECUTE FUNCTION veil_consent_ledger_append_only();

-- ---------------------------------------------------------------------------
-- Dedupe and inbox.
-- seen_messages remembers every accepted WhatsApp message ID (seen_at is the
-- item's Received time) until the dedupe window passes; inbox holds the
-- accepted, not yet completed items. Accept writes both in one transaction.
-- claimed_by/claimed_until/attempts are for workers that lease rows with
-- FOR UPDATE SKIP LOCKED.
-- ---------------------------------------------------------------------------
CREATE TABLE seen_messages (
    id      text        PRIMARY KEY,
    seen_at timestamptz NOT NULL
);
CREATE INDEX seen_messages_seen_at ON seen_messages (seen_at);

CREATE TABLE inbox (
    seq           bigserial   PRIMARY KEY,
    id            text        NOT NULL UNIQUE,
    subject       text        NOT NULL,
    received      timestamptz NOT NULL,
    payload       bytea       NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_by    text,
    claimed_until timestamptz
);
CREATE INDEX inbox_subject ON inbox (subject, seq);

-- ---------------------------------------------------------------------------
-- Keys, vault, transcripts, dialog state.
-- ---------------------------------------------------------------------------
CREATE TABLE subject_keys (
    subject text        PRIMARY KEY,
    wrapped bytea       NOT NULL,
    created timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE vault_entries (
    conversation text        NOT NULL,
    token        text        NOT NULL,
    subject      text        NOT NULL,
    type         text        NOT NULL,
    idx          bytea       NOT NULL,
    value        bytea       NOT NULL,
    expires      timestamptz NOT NULL,
    PRIMARY KEY (conversation, token)
);
CREATE INDEX vault_entries_idx ON vault_entries (conversation, idx);
CREATE INDEX vault_entries_subject ON vault_entries (subject);
CREATE INDEX vault_entries_expires ON vault_entries (expires);

CREATE TABLE records (
    id           bigserial   PRIMARY KEY,
    subject      text        NOT NULL,
    conversation text        NOT NULL,
    kind         text        NOT NULL,
    message_id   text        NOT NULL DEFAULT '',
    text         text        NOT NULL DEFAULT '',
    intent       text        NOT NULL DEFAULT '',
    at           timestamptz NOT NULL,
    expires      timestamptz NOT NULL
);
CREATE INDEX records_subject ON records (subject, at, id);
CREATE INDEX records_expires ON records (expires);

CREATE TABLE dialog_states (
    conversation text        PRIMARY KEY,
    subject      text        NOT NULL,
    state        bytea       NOT NULL,
    expires      timestamptz NOT NULL
);
CREATE INDEX dialog_states_subject ON dialog_states (subject);
CREATE INDEX dialog_states_expires ON dialog_states (expires);

-- ---------------------------------------------------------------------------
-- Intent vectors (NLU training examples, no personal data).
-- The column has no fixed dimension so one table serves any embedding
-- model; dim is derived. HNSW needs a fixed dimension, so the cosine index
-- is a partial expression index per dimension,
--   CREATE INDEX intent_vectors_hnsw_<n> ON intent_vectors
--       USING hnsw ((embedding::vector(<n>)) vector_cosine_ops) WHERE dim = <n>;
-- created by Migrate for Options.VectorDim (see vectors.go).
-- ---------------------------------------------------------------------------
CREATE TABLE intent_vectors (
    id        bigserial PRIMARY KEY,
    model     text      NOT NULL,
    intent    text      NOT NULL,
    example   text      NOT NULL DEFAULT '',
    embedding vector    NOT NULL,
    dim       integer   GENERATED ALWAYS AS (vector_dims(embedding)) STORED
);
CREATE INDEX intent_vectors_model ON intent_vectors (model, dim);

-- ---------------------------------------------------------------------------
-- Outbox of replies to send: written in the same transaction that completes
-- the turn, deleted (or marked sent) once WhatsApp accepted it.
-- ---------------------------------------------------------------------------
CREATE TABLE outbox (
    id            bigserial   PRIMARY KEY,
    subject       text        NOT NULL,
    payload       bytea       NOT NULL,
    created       timestamptz NOT NULL,
    attempts      integer     NOT NULL DEFAULT 0,
    claimed_until timestamptz,
    sent_at       timestamptz
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
CREATE INDEX outbox_subject ON outbox (subject);
