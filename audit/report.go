package audit

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/veilhq/veil/anonymize"
	"github.com/veilhq/veil/store"
)

// Detector finds personal data in a text: the same analysis the PII stage
// runs (analyzer, threshold, disabled recognizers).
type Detector func(text string) []anonymize.Span

// Default batch and sample sizes.
const (
	DefaultBatch  = 500
	DefaultSample = 20
)

// Options tune one report. The zero value reports on everything.
type Options struct {
	// Since restricts the ledger events, the transcript records re-scanned
	// and the admin access summary to those at or after it. Expired items
	// are always counted in full. Zero means from the beginning.
	Since time.Time
	// Sample is how many references each finding lists (DefaultSample
	// when zero; negative lists none).
	Sample int
	// Batch is the page size of every store scan (DefaultBatch when zero).
	Batch int
}

// Auditor builds reports. Source is required; the others are optional.
type Auditor struct {
	Source store.Inspector
	// Log, when set, adds a summary of admin API access.
	Log store.AuditLog
	// Detect, when set, re-scans stored transcript texts for personal
	// data; without it that section says it was skipped.
	Detect     Detector
	Processing Processing
	Now        func() time.Time // nil = time.Now
}

// Report is the compliance report.
type Report struct {
	GeneratedAt time.Time          `json:"generated_at"`
	Since       *time.Time         `json:"since,omitempty"`
	Findings    int                `json:"findings"` // expired items + evidence-less events + flagged records
	Expired     ExpiredSection     `json:"expired"`
	Consent     ConsentSection     `json:"consent"`
	PII         PIISection         `json:"pii"`
	AdminAccess *AccessSection     `json:"admin_access,omitempty"`
	Processing  RecordOfProcessing `json:"record_of_processing"`
}

// ExpiredSection lists items past their retention not purged yet.
type ExpiredSection struct {
	Total        int                      `json:"total"`
	Records      map[store.RecordKind]int `json:"records"`
	VaultEntries map[string]int           `json:"vault_entries"`
	States       int                      `json:"dialog_states"`
	Sample       []store.ExpiredItem      `json:"sample"`
}

// ConsentSection covers ledger events lacking evidence.
type ConsentSection struct {
	EventsScanned   int            `json:"events_scanned"`
	WithoutEvidence int            `json:"without_evidence"`
	ByAction        map[string]int `json:"without_evidence_by_action"`
	Sample          []ConsentRef   `json:"sample"`
}

// ConsentRef points at a ledger event.
type ConsentRef struct {
	Seq     uint64    `json:"seq"`
	Subject string    `json:"subject"`
	Action  string    `json:"action"`
	At      time.Time `json:"at"`
}

// PIISection covers stored texts the detector still flags.
type PIISection struct {
	Scanned        bool           `json:"scanned"` // false when no detector was given
	RecordsScanned int            `json:"records_scanned"`
	RecordsFlagged int            `json:"records_flagged"`
	ByType         map[string]int `json:"by_type"` // detections per entity type
	Sample         []RecordRef    `json:"sample"`
}

// RecordRef points at a stored record and says what was found where,
// never the value.
type RecordRef struct {
	Subject      string    `json:"subject"`
	Conversation string    `json:"conversation"`
	Kind         string    `json:"kind"`
	MessageID    string    `json:"message_id,omitempty"`
	At           time.Time `json:"at"`
	Hits         []Hit     `json:"hits"`
}

// Hit is one detection: its type and byte offsets in the stored text.
type Hit struct {
	Type  string `json:"type"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// AccessSection summarizes the admin audit log.
type AccessSection struct {
	Requests  int            `json:"requests"`
	ByOutcome map[string]int `json:"by_outcome"`
	ByAction  map[string]int `json:"by_action"`
	ByActor   map[string]int `json:"by_actor"`
}

// Report builds the report, reading the store in batches.
func (a *Auditor) Report(ctx context.Context, opts Options) (*Report, error) {
	if a.Source == nil {
		return nil, errors.New("audit: no store to report on")
	}
	if opts.Batch <= 0 {
		opts.Batch = DefaultBatch
	}
	switch {
	case opts.Sample == 0:
		opts.Sample = DefaultSample
	case opts.Sample < 0:
		opts.Sample = 0
	}
	now := time.Now
	if a.Now != nil {
		now = a.Now
	}
	rep := &Report{GeneratedAt: now().UTC(), Processing: a.Processing.Record()}
	if !opts.Since.IsZero() {
		s := opts.Since.UTC()
		rep.Since = &s
	}
	if err := a.expired(ctx, rep, opts); err != nil {
		return nil, err
	}
	if err := a.consent(ctx, rep, opts); err != nil {
		return nil, err
	}
	if err := a.pii(ctx, rep, opts); err != nil {
		return nil, err
	}
	if a.Log != nil {
		if err := a.access(ctx, rep, opts); err != nil {
			return nil, err
		}
	}
	rep.Findings = rep.Expired.Total + rep.Consent.WithoutEvidence + rep.PII.RecordsFlagged
	return rep, nil
}

func (a *Auditor) expired(ctx context.Context, rep *Report, opts Options) error {
	sum, err := a.Source.Expired(ctx, rep.GeneratedAt, opts.Sample)
	if err != nil {
		return fmt.Errorf("audit: expired: %w", err)
	}
	rep.Expired = ExpiredSection{Total: sum.Total(), Records: sum.Records, VaultEntries: sum.VaultEntries, States: sum.States, Sample: sum.Sample}
	if rep.Expired.Records == nil {
		rep.Expired.Records = map[store.RecordKind]int{}
	}
	if rep.Expired.VaultEntries == nil {
		rep.Expired.VaultEntries = map[string]int{}
	}
	if rep.Expired.Sample == nil {
		rep.Expired.Sample = []store.ExpiredItem{}
	}
	return nil
}

func (a *Auditor) consent(ctx context.Context, rep *Report, opts Options) error {
	c := ConsentSection{ByAction: map[string]int{}, Sample: []ConsentRef{}}
	var cur store.Cursor
	for {
		evs, next, err := a.Source.ScanConsent(ctx, cur, opts.Batch)
		if err != nil {
			return fmt.Errorf("audit: consent ledger: %w", err)
		}
		for _, ev := range evs {
			if ev.At.Before(opts.Since) {
				continue
			}
			c.EventsScanned++
			if ev.Evidence != "" {
				continue
			}
			c.WithoutEvidence++
			c.ByAction[string(ev.Action)]++
			if len(c.Sample) < opts.Sample {
				c.Sample = append(c.Sample, ConsentRef{Seq: ev.Seq, Subject: ev.Subject, Action: string(ev.Action), At: ev.At.UTC()})
			}
		}
		if next == "" {
			break
		}
		cur = next
	}
	// Scans need not be in Seq order; the sample is.
	slices.SortFunc(c.Sample, func(x, y ConsentRef) int { return compare(x.Seq, y.Seq) })
	rep.Consent = c
	return nil
}

func compare(x, y uint64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

func (a *Auditor) pii(ctx context.Context, rep *Report, opts Options) error {
	p := PIISection{ByType: map[string]int{}, Sample: []RecordRef{}}
	if a.Detect == nil {
		rep.PII = p
		return nil
	}
	p.Scanned = true
	var cur store.Cursor
	for {
		rs, next, err := a.Source.ScanRecords(ctx, cur, opts.Batch)
		if err != nil {
			return fmt.Errorf("audit: transcripts: %w", err)
		}
		for _, r := range rs {
			if r.Kind == store.RecordStatus || r.At.Before(opts.Since) {
				continue // statuses carry no text
			}
			p.RecordsScanned++
			spans := a.Detect(r.Text)
			if len(spans) == 0 {
				continue
			}
			p.RecordsFlagged++
			hits := make([]Hit, 0, len(spans))
			for _, s := range spans {
				p.ByType[s.Type]++
				hits = append(hits, Hit{Type: s.Type, Start: s.Start, End: s.End})
			}
			if len(p.Sample) < opts.Sample {
				slices.SortFunc(hits, func(x, y Hit) int { return x.Start - y.Start })
				p.Sample = append(p.Sample, RecordRef{Subject: r.Subject, Conversation: r.Conversation, Kind: string(r.Kind),
					MessageID: r.MessageID, At: r.At.UTC(), Hits: hits})
			}
		}
		if next == "" {
			break
		}
		cur = next
	}
	rep.PII = p
	return nil
}

// access pages through the audit trail. AuditTrail pages by time, so
// each page re-reads the events at the last time already read: they are
// skipped by Seq, and the page is that much longer so it always brings new
// ones.
func (a *Auditor) access(ctx context.Context, rep *Report, opts Options) error {
	s := &AccessSection{ByOutcome: map[string]int{}, ByAction: map[string]int{}, ByActor: map[string]int{}}
	since := opts.Since
	seen := map[uint64]bool{} // Seqs read at time since
	for {
		limit := opts.Batch + len(seen)
		evs, err := a.Log.AuditTrail(ctx, since, limit)
		if err != nil {
			return fmt.Errorf("audit: admin audit log: %w", err)
		}
		for _, ev := range evs {
			if ev.At.Equal(since) && seen[ev.Seq] {
				continue
			}
			s.Requests++
			s.ByOutcome[ev.Outcome]++
			s.ByAction[ev.Action]++
			s.ByActor[ev.Actor]++
			if !ev.At.Equal(since) {
				since = ev.At
				clear(seen)
			}
			seen[ev.Seq] = true
		}
		if len(evs) < limit {
			break
		}
	}
	rep.AdminAccess = s
	return nil
}

// sortedKeys returns m's keys in order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	return slices.Sorted(maps.Keys(m))
}
