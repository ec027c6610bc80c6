package audit

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteText prints the report for a person. Like the JSON form it holds
// references and counts only, never stored content.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p("Veil compliance report, generated %s\n", r.GeneratedAt.Format(time.RFC3339))
	if r.Since != nil {
		p("Ledger, transcripts and admin access since %s\n", r.Since.Format(time.RFC3339))
	}
	p("Findings: %d\n", r.Findings)

	e := r.Expired
	p("\n== Past retention, not purged yet: %d ==\n", e.Total)
	for _, k := range sortedKeys(e.Records) {
		p("  records %-8s %d\n", k, e.Records[k])
	}
	for _, k := range sortedKeys(e.VaultEntries) {
		p("  vault   %-8s %d\n", k, e.VaultEntries[k])
	}
	if e.States > 0 {
		p("  dialog states    %d\n", e.States)
	}
	for _, it := range e.Sample {
		p("  - %s %s subject %s ref %s expired %s\n", it.Collection, it.Kind, it.Subject, it.Ref, it.Expires.Format(time.RFC3339))
	}
	if e.Total > 0 {
		p("  Run `veil purge`, and check that the purge timer runs.\n")
	}

	c := r.Consent
	p("\n== Consent events without evidence: %d of %d ==\n", c.WithoutEvidence, c.EventsScanned)
	for _, k := range sortedKeys(c.ByAction) {
		p("  %-12s %d\n", k, c.ByAction[k])
	}
	for _, ref := range c.Sample {
		p("  - seq %d subject %s %s at %s\n", ref.Seq, ref.Subject, ref.Action, ref.At.Format(time.RFC3339))
	}

	pi := r.PII
	if !pi.Scanned {
		p("\n== Stored texts flagged by the PII detector: not scanned (no detector) ==\n")
	} else {
		p("\n== Stored texts flagged by the PII detector: %d of %d records ==\n", pi.RecordsFlagged, pi.RecordsScanned)
		for _, k := range sortedKeys(pi.ByType) {
			p("  %-18s %d\n", k, pi.ByType[k])
		}
		for _, ref := range pi.Sample {
			types := make([]string, len(ref.Hits))
			for i, h := range ref.Hits {
				types[i] = fmt.Sprintf("%s@%d-%d", h.Type, h.Start, h.End)
			}
			p("  - subject %s %s message %s at %s: %s\n", ref.Subject, ref.Kind, ref.MessageID, ref.At.Format(time.RFC3339), strings.Join(types, ", "))
		}
	}

	if a := r.AdminAccess; a != nil {
		p("\n== Admin API access: %d requests ==\n", a.Requests)
		for _, k := range sortedKeys(a.ByOutcome) {
			p("  outcome %-16s %d\n", k, a.ByOutcome[k])
		}
		for _, k := range sortedKeys(a.ByAction) {
			p("  action  %-16s %d\n", k, a.ByAction[k])
		}
		for _, k := range sortedKeys(a.ByActor) {
			p("  actor   %-16s %d\n", k, a.ByActor[k])
		}
	}

	rp := r.Processing
	p("\n== Record of processing ==\n")
	if rp.Controller != "" {
		p("Controller: %s\n", rp.Controller)
	}
	p("Purposes: %s (notice %s)\n", strings.Join(rp.Purposes, ", "), rp.NoticeVersion)
	p("Legal basis: %s\n", rp.LegalBasis)
	p("Data subjects: %s\n", rp.DataSubjects)
	if rp.Storage != "" {
		p("Storage: %s\n", rp.Storage)
	}
	p("Data categories:\n")
	for _, d := range rp.DataCategories {
		p("  - %s: %s\n", d.Name, d.Handling)
	}
	p("Recipients:\n")
	for _, rc := range rp.Recipients {
		state := "active"
		if !rc.Enabled {
			state = "not configured"
		}
		where := ""
		if rc.Host != "" {
			where = " at " + rc.Host
		}
		p("  - %s%s, %s, %s: %s\n", rc.Name, where, rc.Role, state, rc.Data)
	}
	p("Retention:\n")
	for _, rt := range rp.Retention {
		note := ""
		if rt.Note != "" {
			note = " (" + rt.Note + ")"
		}
		p("  - %s: %s%s\n", rt.Kind, rt.Period, note)
	}
	p("Safeguards:\n")
	for _, s := range rp.Safeguards {
		p("  - %s\n", s)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
