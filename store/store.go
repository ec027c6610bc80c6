// Package store defines where Veil keeps state, behind interfaces.
//
// Implementations live in sub-packages named after what they wrap:
// store/bolt (the embedded single-file default) and store/postgres.
// Nothing passed to a store carries a raw identifier: users are named by
// their Subject (a keyed hash of the WhatsApp number, see package keyring),
// transcript text is pseudonymized, and every value that could be personal
// (vault values, inbox payloads) arrives already encrypted with the user's
// data key.
package store

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned when a key, state or entry does not exist.
// Callers treat it as "absent", not as a failure.
var ErrNotFound = errors.New("store: not found")

// ConsentAction is what a consent ledger event records.
type ConsentAction string

const (
	ConsentNoticeShown ConsentAction = "notice_shown"
	ConsentOptIn       ConsentAction = "opt_in"
	ConsentDecline     ConsentAction = "decline"
	ConsentWithdraw    ConsentAction = "withdraw"
	// ConsentErased is the tombstone left when a user's data is erased.
	ConsentErased ConsentAction = "erased"
)

// ConsentEvent is one append-only ledger entry.
type ConsentEvent struct {
	Seq           uint64        `json:"seq"` // assigned by the store, increasing
	Subject       string        `json:"subject"`
	At            time.Time     `json:"at"`
	Action        ConsentAction `json:"action"`
	NoticeVersion string        `json:"notice_version"`
	Purposes      []string      `json:"purposes,omitempty"`
	Evidence      string        `json:"evidence"` // the WhatsApp message ID that carried the decision
}

// ConsentLedger is append-only: there is no update and no delete.
type ConsentLedger interface {
	// AppendConsent stores ev and returns it with Seq set.
	AppendConsent(ctx context.Context, ev ConsentEvent) (ConsentEvent, error)
	// ConsentHistory returns a subject's events, oldest first.
	ConsentHistory(ctx context.Context, subject string) ([]ConsentEvent, error)
}

// InboxItem is a webhook message accepted for processing. Payload is
// encrypted with the subject's data key by the caller.
type InboxItem struct {
	ID       string    `json:"id"` // the WhatsApp message ID (wamid)
	Subject  string    `json:"subject"`
	Received time.Time `json:"received"`
	Payload  []byte    `json:"payload"`
}

// Inbox makes accepted messages durable and processes each message ID once.
type Inbox interface {
	// Accept stores item unless its ID was accepted before (even if it was
	// completed since); it reports whether the item is new. Accepting and
	// marking the ID as seen happen atomically.
	Accept(ctx context.Context, item InboxItem) (bool, error)
	// Pending returns accepted, uncompleted items in acceptance order.
	Pending(ctx context.Context) ([]InboxItem, error)
	// Complete deletes the item's payload; its ID stays marked as seen
	// until the dedupe window passes (see Purge).
	Complete(ctx context.Context, id string) error
}

// KeyStore holds each subject's data key, wrapped by the master key.
// Deleting a key is crypto-shredding: every value sealed with it becomes
// unreadable.
type KeyStore interface {
	// PutKey stores a wrapped key unless the subject has one; it returns the
	// key that is stored afterwards (the existing one wins a race).
	PutKey(ctx context.Context, subject string, wrapped []byte) ([]byte, error)
	GetKey(ctx context.Context, subject string) ([]byte, error)
	DeleteKey(ctx context.Context, subject string) error
}

// VaultEntry maps a pseudonym to its (encrypted) value in one conversation.
type VaultEntry struct {
	Conversation string    `json:"conversation"`
	Subject      string    `json:"subject"`
	Token        string    `json:"token"` // e.g. <EMAIL_1>
	Type         string    `json:"type"`  // entity type
	Index        []byte    `json:"index"` // blind index: keyed hash of the normalized value
	Value        []byte    `json:"value"` // ciphertext
	Expires      time.Time `json:"expires"`
}

// Vault stores pseudonym mappings.
type Vault interface {
	PutEntry(ctx context.Context, e VaultEntry) error
	// LookupIndex finds the entry of a conversation with that blind index.
	LookupIndex(ctx context.Context, conversation string, index []byte) (VaultEntry, error)
	// Entries returns every entry of a conversation.
	Entries(ctx context.Context, conversation string) ([]VaultEntry, error)
}

// RecordKind names a kind of retained record; each kind has its own expiry.
type RecordKind string

const (
	RecordUser   RecordKind = "user"   // a pseudonymized user message
	RecordBot    RecordKind = "bot"    // a pseudonymized reply
	RecordStatus RecordKind = "status" // a delivery status, no content
)

// Record is one minimal-retention transcript entry. Text is pseudonymized.
type Record struct {
	Subject      string     `json:"subject"`
	Conversation string     `json:"conversation"`
	Kind         RecordKind `json:"kind"`
	MessageID    string     `json:"message_id,omitempty"`
	Text         string     `json:"text,omitempty"`
	Intent       string     `json:"intent,omitempty"`
	At           time.Time  `json:"at"`
	Expires      time.Time  `json:"expires"`
}

// Transcripts stores pseudonymized records with an expiry.
type Transcripts interface {
	AppendRecord(ctx context.Context, r Record) error
	// Records returns a subject's unexpired and expired-but-unpurged records, oldest first.
	Records(ctx context.Context, subject string) ([]Record, error)
}

// DialogStates persists dialog state per conversation.
type DialogStates interface {
	GetState(ctx context.Context, conversation string) ([]byte, error) // ErrNotFound when none
	PutState(ctx context.Context, conversation, subject string, state []byte, expires time.Time) error
	DeleteState(ctx context.Context, conversation string) error
}

// PurgeStats counts what a purge removed.
type PurgeStats struct {
	Records      int `json:"records"`
	VaultEntries int `json:"vault_entries"`
	States       int `json:"states"`
	SeenIDs      int `json:"seen_ids"`
}

// Total is the number of items removed.
func (p PurgeStats) Total() int { return p.Records + p.VaultEntries + p.States + p.SeenIDs }

// Store is everything Veil keeps.
type Store interface {
	ConsentLedger
	Inbox
	KeyStore
	Vault
	Transcripts
	DialogStates
	// Purge removes everything whose expiry is before now, and message IDs
	// seen before now minus the dedupe window.
	Purge(ctx context.Context, now time.Time, dedupeWindow time.Duration) (PurgeStats, error)
	// EraseSubject deletes a subject's key, vault entries, records, states
	// and inbox items. The consent ledger is kept (the caller appends a tombstone).
	EraseSubject(ctx context.Context, subject string) error
	Close() error
}

// ---- optional abilities: the admin audit log and compliance reads ----
//
// They are separate interfaces, not part of Store, so wrappers and fakes of
// Store keep compiling; store/bolt and store/postgres implement both. Find
// them with a type assertion (st.(store.AuditLog)).

// AuditEvent is one entry of the append-only log of admin API access. It
// names who asked for what, never with message content or a raw number.
type AuditEvent struct {
	Seq     uint64    `json:"seq"` // assigned by the store, increasing
	At      time.Time `json:"at"`
	Actor   string    `json:"actor"`   // the token's configured name, never the token
	Role    string    `json:"role"`    // the token's role; empty when unauthenticated
	Action  string    `json:"action"`  // what was asked, e.g. "ledger.read"
	Target  string    `json:"target"`  // a subject (keyed hash) or "*"
	Outcome string    `json:"outcome"` // e.g. "allowed", "denied", "failed"
	// Request is the request's ID; a ledger event the request caused (an
	// erasure tombstone) carries it as its Evidence.
	Request string `json:"request,omitempty"`
}

// AuditLog is append-only: there is no update and no delete.
type AuditLog interface {
	// AppendAudit stores ev and returns it with Seq set.
	AppendAudit(ctx context.Context, ev AuditEvent) (AuditEvent, error)
	// AuditTrail returns at most limit events with At at or after since,
	// ordered by At, ties by Seq. limit must be positive.
	AuditTrail(ctx context.Context, since time.Time, limit int) ([]AuditEvent, error)
}

// ErrInvalidCursor is returned by a scan given a cursor that the same
// method of the same store did not return. Start again from "".
var ErrInvalidCursor = errors.New("store: invalid cursor")

// Cursor is a position in a scan. The empty Cursor is the start; a scan
// returns the empty Cursor as next once it reached the end. Cursors are
// opaque and valid only for the method and the store that returned them.
type Cursor string

// ExpiredItem names one item past its expiry that Purge has not removed
// yet. It carries references only, never content.
type ExpiredItem struct {
	Collection string    `json:"collection"` // "records", "vault_entries" or "dialog_states"
	Kind       string    `json:"kind"`       // record kind or vault entry type; empty for states
	Subject    string    `json:"subject"`
	Ref        string    `json:"ref"` // record: message ID; vault entry: token; state: conversation
	Expires    time.Time `json:"expires"`
}

// ExpiredSummary counts what is past its expiry and not purged yet.
type ExpiredSummary struct {
	Records      map[RecordKind]int `json:"records"`       // by kind
	VaultEntries map[string]int     `json:"vault_entries"` // by entity type
	States       int                `json:"dialog_states"`
	// Sample holds up to the requested number of items of each
	// collection, earliest expiry first: records, then vault entries, then
	// states.
	Sample []ExpiredItem `json:"sample"`
}

// Total is the number of expired items.
func (e ExpiredSummary) Total() int {
	n := e.States
	for _, c := range e.Records {
		n += c
	}
	for _, c := range e.VaultEntries {
		n += c
	}
	return n
}

// Inspector is the narrow, bounded read access a compliance report needs.
// Every method reads at most limit (or sample) items per call, so a large
// database is walked in batches rather than loaded.
type Inspector interface {
	// ScanConsent returns up to limit ledger events after the position
	// after, in an order stable for the store (not necessarily Seq order),
	// and the cursor to continue from. limit must be positive.
	ScanConsent(ctx context.Context, after Cursor, limit int) ([]ConsentEvent, Cursor, error)
	// ScanRecords is ScanConsent for transcript records, expired but
	// unpurged ones included.
	ScanRecords(ctx context.Context, after Cursor, limit int) ([]Record, Cursor, error)
	// Expired counts records, vault entries and dialog states whose expiry
	// is before now (the test Purge uses) and samples up to sample items of
	// each. It reads no vault value or state content.
	Expired(ctx context.Context, now time.Time, sample int) (ExpiredSummary, error)
}
