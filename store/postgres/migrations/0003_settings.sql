-- 0003_settings: values every replica must agree on.
--
-- master_key_check holds a keyed hash that proves which master key the data
-- was sealed under (never the key): a replica started with another key
-- refuses to run instead of writing data no other replica can read.
CREATE TABLE settings (
    name  text  PRIMARY KEY,
    value bytea NOT NULL
);
