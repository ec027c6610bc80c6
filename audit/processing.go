package audit

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/veilhq/veil/anonymize"
)

// Processing is what the record of processing is generated from. The
// caller fills it from configuration; nothing here is secret (an API key
// is only reported as present or not).
type Processing struct {
	Controller    string   // who runs this Veil (optional, free text)
	Purposes      []string // consent.purposes
	NoticeVersion string   // consent.notice_version
	// EntityTypes are the personal-data types the anonymizer detects and
	// replaces: the data categories of message text.
	EntityTypes []string
	// Operators maps an entity type to its operator (anonymize.operators);
	// unlisted types are pseudonymized.
	Operators map[string]string
	// Storage describes where data is kept, e.g. "embedded bbolt file" or
	// "PostgreSQL".
	Storage string
	// WhatsAppAPIURL is the Graph API base (whatsapp.api_url).
	WhatsAppAPIURL string
	// LLMBaseURL and LLMModel name the OpenAI-compatible endpoint; the LLM
	// vendor is a recipient only when LLMEnabled (a base URL and an API key
	// are configured).
	LLMBaseURL string
	LLMModel   string
	LLMEnabled bool
	Retention  Retention
}

// KnownEntityTypes are the canonical entity types of package anonymize, a
// default for Processing.EntityTypes.
func KnownEntityTypes() []string {
	return []string{
		anonymize.EntityEmail, anonymize.EntityPhone, anonymize.EntityCreditCard, anonymize.EntityIBAN,
		anonymize.EntityIP, anonymize.EntityURL, anonymize.EntityMAC, anonymize.EntityCrypto,
		anonymize.EntityUSSSN, anonymize.EntityUKNINO, anonymize.EntityESNIF, anonymize.EntityUSDriver,
		anonymize.EntityDateTime, anonymize.EntityPerson, anonymize.EntityStreetAddress, anonymize.EntityLocation,
	}
}

// Retention mirrors config.Retention.
type Retention struct {
	UserText, BotText, Status, Vault, DialogState, Dedupe, PurgeEvery time.Duration
}

// RecordOfProcessing describes the processing, in the spirit of GDPR
// Art. 30.
type RecordOfProcessing struct {
	Controller     string            `json:"controller,omitempty"`
	Purposes       []string          `json:"purposes"`
	NoticeVersion  string            `json:"notice_version"`
	LegalBasis     string            `json:"legal_basis"`
	DataSubjects   string            `json:"data_subjects"`
	DataCategories []DataCategory    `json:"data_categories"`
	Recipients     []Recipient       `json:"recipients"`
	Retention      []RetentionPeriod `json:"retention"`
	Storage        string            `json:"storage,omitempty"`
	Safeguards     []string          `json:"safeguards"`
}

// DataCategory is one kind of personal data and how Veil handles it.
type DataCategory struct {
	Name     string `json:"name"`
	Handling string `json:"handling"`
}

// Recipient is someone data is disclosed to.
type Recipient struct {
	Name    string `json:"name"`
	Role    string `json:"role"`
	Host    string `json:"host,omitempty"`
	Data    string `json:"data"`
	Enabled bool   `json:"enabled"`
}

// RetentionPeriod is how long one kind of record is kept.
type RetentionPeriod struct {
	Kind   string `json:"kind"`
	Period string `json:"period"` // a Go duration, or a rule
	Note   string `json:"note,omitempty"`
}

// operatorHandling says what an anonymize operator does with a value.
var operatorHandling = map[string]string{
	"pseudonymize": "replaced by a per-conversation pseudonym; the value is sealed in the vault with the user's data key",
	"encrypt":      "replaced by a ciphertext under the user's data key",
	"hash":         "replaced by a keyed hash",
	"mask":         "partly masked; the unmasked characters remain in the stored text",
	"redact":       "removed",
	"replace":      "replaced by the type name",
}

// Record builds the record of processing.
func (p Processing) Record() RecordOfProcessing {
	rop := RecordOfProcessing{
		Controller:    p.Controller,
		Purposes:      slices.Clone(p.Purposes),
		NoticeVersion: p.NoticeVersion,
		LegalBasis:    "consent (opt-in recorded in the consent ledger with its evidence message ID)",
		DataSubjects:  "WhatsApp users who message the business number",
		Storage:       p.Storage,
		DataCategories: []DataCategory{
			{"WhatsApp number", "kept only as a keyed hash (the subject); logs carry a separate shorter keyed hash"},
			{"message text", "stored pseudonymized; the personal details in it are handled per type below"},
			{"consent decisions", "append-only ledger: action, time, notice version, purposes, evidence message ID"},
			{"delivery statuses", "status and message ID only, no content"},
		},
		Safeguards: []string{
			"per-user data keys wrapped by a master key; erasure destroys the key (crypto-shredding)",
			"personal details replaced before any NLU, LLM, log or table sees the text",
			"replies re-identified for their own user only",
			"every stored record expires and is purged",
			"admin access by role-scoped bearer tokens, each request written to an append-only audit log",
		},
	}
	types := slices.Clone(p.EntityTypes)
	slices.Sort(types)
	for _, t := range slices.Compact(types) {
		op := p.Operators[t]
		if op == "" {
			op = "pseudonymize"
		}
		h := operatorHandling[op]
		if h == "" {
			h = "operator " + op
		}
		rop.DataCategories = append(rop.DataCategories, DataCategory{Name: t, Handling: op + ": " + h})
	}
	rop.Recipients = []Recipient{{
		Name: "Meta Platforms (WhatsApp Business Cloud API)", Role: "processor (channel)",
		Host: host(p.WhatsAppAPIURL), Data: "the messages users send and the replies, as in any WhatsApp conversation",
		Enabled: true,
	}, {
		Name: "LLM vendor (OpenAI-compatible API)", Role: "processor (answers turns no dialog handles)",
		Host: host(p.LLMBaseURL), Data: "pseudonymized message text only" + modelNote(p.LLMModel),
		Enabled: p.LLMEnabled,
	}}
	r := p.Retention
	rop.Retention = []RetentionPeriod{
		{"user messages (pseudonymized)", r.UserText.String(), ""},
		{"bot replies (pseudonymized)", r.BotText.String(), ""},
		{"delivery statuses", r.Status.String(), ""},
		{"vault (personal details, encrypted)", r.Vault.String(), ""},
		{"dialog state", r.DialogState.String(), ""},
		{"message IDs (deduplication)", r.Dedupe.String(), ""},
		{"inbox (encrypted message awaiting processing)", "until processed", ""},
		{"consent ledger", "kept", "proof of consent; after erasure only a tombstone keyed by the subject hash remains"},
		{"admin audit log", "kept", "append-only"},
	}
	if r.PurgeEvery > 0 {
		for i := range rop.Retention[:6] {
			rop.Retention[i].Note = "purged every " + r.PurgeEvery.String()
		}
	}
	return rop
}

func modelNote(model string) string {
	if model == "" {
		return ""
	}
	return " (model " + model + ")"
}

// host returns the host of a URL, never its user info or query.
func host(raw string) string {
	if raw == "" {
		return ""
	}
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.ToLower(u.Hostname())
}
