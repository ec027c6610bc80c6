package anonymize

// Entity types Veil recognizes. Recognizers may emit others (custom regex
// recognizers from config), but these are the canonical names that eval
// label maps target.
const (
	EntityEmail         = "EMAIL_ADDRESS"
	EntityPhone         = "PHONE_NUMBER"
	EntityCreditCard    = "CREDIT_CARD"
	EntityIBAN          = "IBAN_CODE"
	EntityIP            = "IP_ADDRESS"
	EntityURL           = "URL"
	EntityMAC           = "MAC_ADDRESS"
	EntityCrypto        = "CRYPTO"
	EntityUSSSN         = "US_SSN"
	EntityUKNINO        = "UK_NINO"
	EntityESNIF         = "ES_NIF"
	EntityUSDriver      = "US_DRIVER_LICENSE"
	EntityDateTime      = "DATE_TIME"
	EntityPerson        = "PERSON"
	EntityStreetAddress = "STREET_ADDRESS"
	EntityLocation      = "LOCATION"
	// National IDs of Latin American countries, checksum-validated.
	EntityBRCPF  = "BR_CPF"
	EntityMXCURP = "MX_CURP"
	EntityCLRUT  = "CL_RUT"
	EntityARCUIT = "AR_CUIT"
)

// Span is one piece of personal data found in a text.
//
// Start and End are byte offsets into the analysed string, end-exclusive,
// always on UTF-8 rune boundaries.
type Span struct {
	Start      int     `json:"start"`
	End        int     `json:"end"`
	Type       string  `json:"type"`
	Score      float64 `json:"score"`
	Recognizer string  `json:"recognizer"`
	// Validated is true when a checksum or a parser confirmed the value
	// (Luhn, mod-97, libphonenumber). Validated spans win conflicts.
	Validated bool `json:"validated,omitempty"`
}

// Len is the span's length in bytes.
func (s Span) Len() int { return s.End - s.Start }

// Overlaps reports whether two spans share at least one byte.
func (s Span) Overlaps(o Span) bool { return s.Start < o.End && o.Start < s.End }

// Recognizer finds one or more entity types in text.
//
// Recognize must be safe for concurrent use, must not modify text, and must
// return spans on rune boundaries within [0, len(text)]. It may return spans
// in any order and spans that overlap; the Analyzer resolves them.
type Recognizer interface {
	Name() string
	Recognize(text string) []Span
}
