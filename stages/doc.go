// Package stages adapts Veil's engines to pipeline stages: PII
// pseudonymization (anonymize), routing (nlu + dialogs + fallback),
// response (re-identification for this user only) and the
// minimal-retention record (store). The consent gate lives in package
// consent.
package stages
