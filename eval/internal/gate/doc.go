// Package gate turns thresholds and a baseline report into pass/fail checks
// for CI: "--min-f2 PERSON=0.85,ALL=0.9", "--max-leak 0.01",
// "--baseline old.json --tolerance 0.01".
//
// Reports are compared as flat metric maps ("overall.f2",
// "entities.PERSON.f2", "leak_rate"), so pii and nlu share the logic.
package gate
