// Package audit builds Veil's compliance report, printed by `veil audit`
// and served to auditors at GET /admin/report.
//
// The report lists what an auditor asks about first:
//
//   - records past their retention that the purge has not removed yet
//     (counts per kind, a sample of references);
//   - consent ledger events without evidence (no WhatsApp message ID);
//   - stored transcript texts that the PII detector still flags: counts by
//     entity type and record references, never the flagged value;
//   - a summary of admin API access (when the store keeps an audit log);
//   - the record of processing generated from configuration: purposes,
//     data categories, recipients, retention periods.
//
// The store is read in bounded batches (store.Inspector), so the report's
// memory does not grow with the database.
//
//	a := &audit.Auditor{Source: st, Log: st, Detect: detect, Processing: p}
//	rep, err := a.Report(ctx, audit.Options{})
//	if err != nil {
//		return err
//	}
//	rep.WriteText(os.Stdout)
package audit
