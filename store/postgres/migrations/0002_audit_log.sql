-- 0002_audit_log: the append-only log of admin API access.
--
-- One row per admin request, allowed or denied: who (the token's configured
-- name, never the token), in which role, what, on whom (a subject hash or
-- '*'), and how it ended. No message content, no raw number.
--
-- Unlike the consent ledger there is no erasure exception: the trigger
-- rejects every UPDATE, DELETE and TRUNCATE. Recommended grants (see 0001):
--
--   REVOKE ALL ON audit_log FROM PUBLIC, veil_app;
--   GRANT SELECT, INSERT ON audit_log TO veil_app;
--   GRANT USAGE ON SEQUENCE audit_log_seq_seq TO veil_app;
CREATE TABLE audit_log (
    seq     bigserial   PRIMARY KEY,
    at      timestamptz NOT NULL,
    actor   text        NOT NULL,
    role    text        NOT NULL DEFAULT '',
    action  text        NOT NULL,
    target  text        NOT NULL DEFAULT '',
    outcome text        NOT NULL,
    request text        NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_at ON audit_log (at, seq);

CREATE FUNCTION veil_audit_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % rejected', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only
    BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION veil_audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate
    BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION veil_audit_log_append_only();
