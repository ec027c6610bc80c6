package bolt

import (
	"bytes"
	"encoding/binary"
	"time"

	bbolt "go.etcd.io/bbolt"
)

// Buckets and their keys. lp(x) is x prefixed with its uvarint length, so a
// prefix scan on lp(subject) never matches a longer subject; time(t) is
// 12 bytes that sort in time order; seq is a big-endian uint64.
var (
	// consent: lp(subject) seq -> ConsentEvent JSON. seq is the bucket sequence.
	bConsent = []byte("consent")

	// inbox: seq -> InboxItem JSON, in acceptance order.
	bInbox = []byte("inbox")
	// inbox_ids: id -> seq of the pending item.
	bInboxIDs = []byte("inbox_ids")
	// inbox_subject: lp(subject) seq -> nil.
	bInboxSubject = []byte("inbox_subject")
	// seen: id -> time(received).
	bSeen = []byte("seen")
	// seen_time: time(received) id -> nil, walked by Purge.
	bSeenTime = []byte("seen_time")

	// keys: subject -> wrapped data key.
	bKeys = []byte("keys")

	// vault: lp(conversation) token -> VaultEntry JSON (the "vault key").
	bVault = []byte("vault")
	// vault_index: lp(conversation) index -> token.
	bVaultIndex = []byte("vault_index")
	// vault_subject: lp(subject) vaultkey -> nil.
	bVaultSubject = []byte("vault_subject")
	// vault_exp: time(expires) vaultkey -> nil.
	bVaultExp = []byte("vault_exp")

	// records: lp(subject) time(at) seq -> Record JSON.
	bRecords = []byte("records")
	// records_exp: time(expires) seq -> record key.
	bRecordsExp = []byte("records_exp")

	// states: conversation -> stateValue JSON.
	bStates = []byte("states")
	// states_subject: lp(subject) conversation -> nil.
	bStatesSubject = []byte("states_subject")
	// states_exp: time(expires) conversation -> nil.
	bStatesExp = []byte("states_exp")

	// audit: time(at) seq -> AuditEvent JSON. Append-only.
	bAudit = []byte("audit")

	allBuckets = [][]byte{
		bConsent,
		bInbox, bInboxIDs, bInboxSubject, bSeen, bSeenTime,
		bKeys,
		bVault, bVaultIndex, bVaultSubject, bVaultExp,
		bRecords, bRecordsExp,
		bStates, bStatesSubject, bStatesExp,
		bAudit,
	}
)

const timeLen = 12

// stateValue is what the states bucket holds.
type stateValue struct {
	Subject string    `json:"subject"`
	State   []byte    `json:"state"`
	Expires time.Time `json:"expires"`
}

// key concatenates parts into a new slice.
func key(parts ...[]byte) []byte {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	out := make([]byte, 0, n)
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// lp returns s prefixed with its uvarint length.
func lp(s string) []byte {
	out := binary.AppendUvarint(make([]byte, 0, len(s)+2), uint64(len(s)))
	return append(out, s...)
}

func seqKey(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// timeKey encodes t so that byte order is time order: seconds since the
// epoch with the sign bit flipped, then nanoseconds. It is defined for every
// time.Time, including the zero value.
func timeKey(t time.Time) []byte {
	out := binary.BigEndian.AppendUint64(make([]byte, 0, timeLen), uint64(t.Unix())^(1<<63))
	return binary.BigEndian.AppendUint32(out, uint32(t.Nanosecond()))
}

// prefixKeys returns copies of the keys of b that start with prefix.
func prefixKeys(b *bbolt.Bucket, prefix []byte) [][]byte {
	var out [][]byte
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		out = append(out, bytes.Clone(k))
	}
	return out
}

// keysBefore returns copies of the keys of b that sort before limit.
func keysBefore(b *bbolt.Bucket, limit []byte) [][]byte {
	var out [][]byte
	c := b.Cursor()
	for k, _ := c.First(); k != nil && bytes.Compare(k, limit) < 0; k, _ = c.Next() {
		out = append(out, bytes.Clone(k))
	}
	return out
}
