package anonymize

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/veilhq/veil/store"
)

// Sealer is the cryptography the Engine needs, per subject (user): the
// keyring package implements it with a data key per user wrapped by the
// master key.
type Sealer interface {
	// Seal encrypts plaintext for subject, binding aad (authenticated, not
	// encrypted). The result is only readable with Open and the same aad.
	Seal(ctx context.Context, subject string, plaintext, aad []byte) ([]byte, error)
	// Open decrypts what Seal returned; it fails when ciphertext or aad was
	// altered or the subject's key was erased.
	Open(ctx context.Context, subject string, ciphertext, aad []byte) ([]byte, error)
	// BlindIndex returns a keyed hash of value for subject: equal values give
	// equal indexes, and the index reveals nothing without the key.
	BlindIndex(ctx context.Context, subject string, value []byte) ([]byte, error)
}

// Conversation names the conversation a text belongs to.
type Conversation struct {
	ID       string // vault partition: tokens are consistent within it
	Subject  string // the user (keyed hash of the WhatsApp number): whose key seals the values
	Region   string // default phone region, e.g. RegionForNumber(waID)
	Language string // "en", "es"
}

// EngineConfig configures an Engine.
type EngineConfig struct {
	// Operators maps an entity type to how it is replaced; types not in the
	// map use Default.
	Operators map[string]OperatorConfig
	// Default is the operator for types not in Operators; the zero value
	// means pseudonymize.
	Default OperatorConfig
	// VaultTTL is how long a pseudonym mapping lives; 0 means 30 days.
	VaultTTL time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Hash is the keyed hash of the hash operator, called with the subject
	// and the type-tagged normalized value; nil means the sealer's
	// BlindIndex. It must be keyed (HMAC): an unsalted hash of a phone
	// number is reversed by enumeration.
	Hash func(ctx context.Context, subject string, value []byte) ([]byte, error)
	// GuardTypes are the entity types the output guard of Reidentify masks
	// when a reply carries one that is not the user's own. Nil means
	// DefaultGuardTypes: identifiers a model has no business writing.
	// Names, places and dates are not guarded by default: a model writes
	// "Monday", "Madrid" or its own persona's name legitimately, and it never
	// saw another user's real ones.
	GuardTypes []string
}

// DefaultGuardTypes are the types the output guard masks by default.
var DefaultGuardTypes = []string{EntityEmail, EntityPhone, EntityCreditCard, EntityIBAN, EntityIP, EntityMAC, EntityCrypto,
	EntityUSSSN, EntityUKNINO, EntityESNIF, EntityUSDriver, EntityBRCPF, EntityMXCURP, EntityCLRUT, EntityARCUIT}

// DefaultVaultTTL is the vault expiry when EngineConfig.VaultTTL is 0.
const DefaultVaultTTL = 30 * 24 * time.Hour

// Engine anonymizes texts of conversations and re-identifies replies.
// It is safe for concurrent use.
type Engine struct {
	cfg      EngineConfig
	analyzer *Analyzer
	vault    store.Vault
	sealer   Sealer
	locks    [64]sync.Mutex
	seed     maphash.Seed
	// surrogates is true when an operator writes surrogates, which
	// Reidentify must look for in replies.
	surrogates bool
	guardTypes map[string]bool
}

// Result is an anonymized text.
type Result struct {
	Text string
	// Spans are what was found, with offsets in the original text.
	Spans []Span
	// Tokens[i] is what replaced Spans[i] in Text.
	Tokens []string
}

// NewEngine returns an engine. vault and sealer may be nil only when no
// operator needs them (pseudonymize and encrypt do).
func NewEngine(cfg EngineConfig, analyzer *Analyzer, vault store.Vault, sealer Sealer) (*Engine, error) {
	if analyzer == nil {
		return nil, errors.New("anonymize: engine: nil analyzer")
	}
	if cfg.VaultTTL < 0 {
		return nil, fmt.Errorf("anonymize: engine: negative vault ttl %v", cfg.VaultTTL)
	}
	if cfg.VaultTTL == 0 {
		cfg.VaultTTL = DefaultVaultTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Default.Operator == "" {
		cfg.Default.Operator = OpPseudonymize
	}
	ops := make(map[string]OperatorConfig, len(cfg.Operators))
	for t, oc := range cfg.Operators {
		if oc.Operator == "" {
			oc.Operator = cfg.Default.Operator
		}
		ops[t] = oc
	}
	cfg.Operators = ops
	needVault, surrogates := false, false
	for _, oc := range append([]OperatorConfig{cfg.Default}, mapValues(ops)...) {
		if err := oc.validate(); err != nil {
			return nil, fmt.Errorf("anonymize: engine: %w", err)
		}
		if oc.Operator == OpPseudonymize || oc.Operator == OpSurrogate {
			needVault = true
		}
		if oc.Operator == OpSurrogate {
			surrogates = true
		}
	}
	if needVault && (vault == nil || sealer == nil) {
		return nil, errors.New("anonymize: engine: pseudonymize and surrogate need a vault and a sealer")
	}
	if cfg.GuardTypes == nil {
		cfg.GuardTypes = DefaultGuardTypes
	}
	guard := make(map[string]bool, len(cfg.GuardTypes))
	for _, t := range cfg.GuardTypes {
		guard[t] = true
	}
	return &Engine{cfg: cfg, analyzer: analyzer, vault: vault, sealer: sealer, seed: maphash.MakeSeed(), surrogates: surrogates, guardTypes: guard}, nil
}

func mapValues[K comparable, V any](m map[K]V) []V {
	out := make([]V, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// Analyzer returns the engine's analyzer.
func (e *Engine) Analyzer() *Analyzer { return e.analyzer }

func (e *Engine) operator(typ string) OperatorConfig {
	if oc, ok := e.cfg.Operators[typ]; ok {
		return oc
	}
	return e.cfg.Default
}

func (e *Engine) lock(conv string) *sync.Mutex {
	return &e.locks[maphash.String(e.seed, conv)%uint64(len(e.locks))]
}

func (e *Engine) analyzeOpts(conv Conversation) []AnalyzeOption {
	return []AnalyzeOption{WithLanguage(conv.Language), WithRegion(conv.Region)}
}

// Anonymize finds the personal data in text and replaces each value by its
// entity type's operator. The result is valid UTF-8 even when text is not
// (invalid bytes become U+FFFD). With pseudonymize (the default) a value becomes a
// token such as <EMAIL_1>, the same token for the same normalized value all
// conversation long (e-mail lower-cased, phone in E.164, card digits only);
// the mapping goes to the vault: Index is the sealer's blind index of the
// type and normalized value, Value the sealed original text, bound by aad to
// the conversation and token.
func (e *Engine) Anonymize(ctx context.Context, conv Conversation, text string) (Result, error) {
	spans := echoSpans(text, e.analyzer.Analyze(text, e.analyzeOpts(conv)...))
	res := Result{Spans: spans, Tokens: make([]string, len(spans))}
	if len(spans) == 0 {
		res.Text = strings.ToValidUTF8(text, "\uFFFD")
		return res, nil
	}
	var b strings.Builder
	b.Grow(len(text) + 8*len(spans))
	pe := pseudonymizer{e: e, conv: conv}
	defer pe.unlock()
	last := 0
	for i, s := range spans {
		value := text[s.Start:s.End]
		oc := e.operator(s.Type)
		var repl string
		var err error
		switch oc.Operator {
		case OpPseudonymize, OpSurrogate:
			repl, err = pe.token(ctx, s.Type, value, oc.Operator == OpSurrogate)
		default:
			repl, err = e.apply(ctx, conv, oc, s, value)
		}
		if err != nil {
			return Result{}, err
		}
		res.Tokens[i] = repl
		b.WriteString(strings.ToValidUTF8(text[last:s.Start], "\uFFFD"))
		b.WriteString(repl)
		last = s.End
	}
	b.WriteString(strings.ToValidUTF8(text[last:], "\uFFFD"))
	res.Text = b.String()
	return res, nil
}

// pseudonymizer allocates tokens for one Anonymize call; it holds the
// conversation's lock from its first new token to the end of the call so
// that two messages never get the same number for different values.
type pseudonymizer struct {
	e       *Engine
	conv    Conversation
	locked  *sync.Mutex
	counts  map[string]int    // token label → highest number in use
	byIndex map[string]string // blind index → token, this call
	used    map[string]bool   // tokens and surrogates in use
	entries []store.VaultEntry
}

func (p *pseudonymizer) unlock() {
	if p.locked != nil {
		p.locked.Unlock()
		p.locked = nil
	}
}

// ErrNoConversation is returned when a pseudonym is needed for a
// Conversation without an ID: the caller must name the conversation the
// vault entries belong to.
var ErrNoConversation = errors.New("anonymize: conversation has no id")

func (p *pseudonymizer) token(ctx context.Context, typ, value string, surrogate bool) (string, error) {
	if p.conv.ID == "" {
		return "", ErrNoConversation
	}
	e := p.e
	if p.locked == nil {
		p.locked = e.lock(p.conv.ID)
		p.locked.Lock()
	}
	norm := NormalizeValue(typ, value, p.conv.Region)
	idx, err := e.sealer.BlindIndex(ctx, p.conv.Subject, indexInput(typ, norm))
	if err != nil {
		return "", fmt.Errorf("anonymize: blind index: %w", err)
	}
	if tok, ok := p.byIndex[string(idx)]; ok {
		return tok, nil
	}
	ent, err := e.vault.LookupIndex(ctx, p.conv.ID, idx)
	switch {
	case err == nil && !ent.Expires.IsZero() && !ent.Expires.After(e.cfg.Now()):
		// expired but not purged yet: allocate a fresh token
	case err == nil:
		p.remember(idx, ent.Token)
		return ent.Token, nil
	case !errors.Is(err, store.ErrNotFound):
		return "", fmt.Errorf("anonymize: vault lookup: %w", err)
	}
	if err := p.loadEntries(ctx); err != nil {
		return "", err
	}
	// "John" after "John Smith" (or the reverse) is the same person when
	// exactly one earlier name matches it word for word.
	if typ == EntityPerson {
		tok, err := p.samePerson(ctx, norm)
		if err != nil {
			return "", err
		}
		if tok != "" {
			p.remember(idx, tok)
			return tok, nil
		}
	}
	var tok string
	if surrogate {
		for attempt := 0; ; attempt++ {
			tok = Surrogate(typ, value, idx, attempt)
			if !p.used[tok] && NormalizeValue(typ, tok, p.conv.Region) != norm || attempt > 20 {
				break
			}
		}
	} else {
		label := TokenLabel(typ)
		p.counts[label]++
		tok = FormatToken(label, p.counts[label])
	}
	sealed, err := e.sealer.Seal(ctx, p.conv.Subject, []byte(value), vaultAAD(p.conv.ID, tok))
	if err != nil {
		return "", fmt.Errorf("anonymize: seal: %w", err)
	}
	ent = store.VaultEntry{
		Conversation: p.conv.ID,
		Subject:      p.conv.Subject,
		Token:        tok,
		Type:         typ,
		Index:        idx,
		Value:        sealed,
		Expires:      e.cfg.Now().Add(e.cfg.VaultTTL),
	}
	if err := e.vault.PutEntry(ctx, ent); err != nil {
		return "", fmt.Errorf("anonymize: vault put: %w", err)
	}
	p.entries = append(p.entries, ent)
	p.used[tok] = true
	p.remember(idx, tok)
	return tok, nil
}

// loadEntries reads the conversation's entries once per call.
func (p *pseudonymizer) loadEntries(ctx context.Context) error {
	if p.counts != nil {
		return nil
	}
	entries, err := p.e.vault.Entries(ctx, p.conv.ID)
	if err != nil {
		return fmt.Errorf("anonymize: vault entries: %w", err)
	}
	now := p.e.cfg.Now()
	p.counts = make(map[string]int)
	p.used = make(map[string]bool)
	for _, en := range entries {
		if label, n, ok := ParseToken(en.Token); ok && n > p.counts[label] {
			p.counts[label] = n
		}
		p.used[en.Token] = true
		if en.Subject == p.conv.Subject && (en.Expires.IsZero() || en.Expires.After(now)) {
			p.entries = append(p.entries, en)
		}
	}
	return nil
}

// samePerson returns the token of the one earlier PERSON whose words
// contain norm's words, or whose words norm contains ("John" and "John
// Smith"), or "" when none or several do.
func (p *pseudonymizer) samePerson(ctx context.Context, norm string) (string, error) {
	words := strings.Fields(foldAccents(norm))
	if len(words) == 0 {
		return "", nil
	}
	found := ""
	for _, en := range p.entries {
		if en.Type != EntityPerson {
			continue
		}
		pt, err := p.e.sealer.Open(ctx, p.conv.Subject, en.Value, vaultAAD(p.conv.ID, en.Token))
		if err != nil {
			return "", fmt.Errorf("anonymize: open %s: %w", en.Token, err)
		}
		other := strings.Fields(foldAccents(NormalizeValue(EntityPerson, string(pt), "")))
		if subsetWords(words, other) || subsetWords(other, words) {
			if found != "" && found != en.Token {
				return "", nil // ambiguous
			}
			found = en.Token
		}
	}
	return found, nil
}

// subsetWords reports whether every word of a is in b.
func subsetWords(a, b []string) bool {
	for _, w := range a {
		if !slices.Contains(b, w) {
			return false
		}
	}
	return true
}

func (p *pseudonymizer) remember(idx []byte, tok string) {
	if p.byIndex == nil {
		p.byIndex = make(map[string]string)
	}
	p.byIndex[string(idx)] = tok
}

// indexInput is what the blind index hashes: the type and the normalized
// value, so that equal strings of different types never share a token.
func indexInput(typ, norm string) []byte {
	return []byte("veil/pii/v1\x00" + typ + "\x00" + norm)
}

// vaultAAD binds a sealed value to its conversation and token: a value
// copied to another conversation or token fails to open.
func vaultAAD(conv, token string) []byte {
	return []byte("veil/vault/v1\x00" + conv + "\x00" + token)
}

// NormalizeValue returns the form of a value under which equal values get
// one pseudonym: e-mail lower-cased, phone in E.164 (read in region), card
// and other numbers as digits only, anything else lower-cased with runs of
// spaces collapsed.
func NormalizeValue(typ, value, region string) string {
	switch typ {
	case EntityEmail:
		return strings.ToLower(strings.TrimSpace(value))
	case EntityPhone:
		return NormalizePhone(value, region)
	case EntityCreditCard:
		return digitsOnly(value)
	default:
		return strings.Join(strings.Fields(strings.ToLower(value)), " ")
	}
}

func digitsOnly(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

var tokenLabels = map[string]string{
	EntityEmail:         "EMAIL",
	EntityPhone:         "PHONE",
	EntityCreditCard:    "CARD",
	EntityIBAN:          "IBAN",
	EntityIP:            "IP",
	EntityStreetAddress: "ADDRESS",
	EntityUSDriver:      "DRIVER_LICENSE",
	EntityDateTime:      "DATE",
	EntityMAC:           "MAC",
}

// TokenLabel is the label of an entity type in tokens: EMAIL for
// EMAIL_ADDRESS, PHONE for PHONE_NUMBER, CARD for CREDIT_CARD…; other types
// keep their name (PERSON, URL, US_SSN).
func TokenLabel(typ string) string {
	if l, ok := tokenLabels[typ]; ok {
		return l
	}
	var b strings.Builder
	for i := 0; i < len(typ); i++ {
		c := typ[i]
		switch {
		case c >= 'a' && c <= 'z':
			b.WriteByte(c - 32)
		case c >= 'A' && c <= 'Z', isDigit(c), c == '_':
			b.WriteByte(c)
		default:
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "PII"
	}
	return b.String()
}

// TypeOfLabel is TokenLabel's inverse for the built-in types
// (EMAIL → EMAIL_ADDRESS); any other label is its own type.
func TypeOfLabel(label string) string {
	for typ, l := range tokenLabels {
		if l == label {
			return typ
		}
	}
	return label
}

// FormatToken returns the pseudonym "<LABEL_n>".
func FormatToken(label string, n int) string {
	return "<" + label + "_" + strconv.Itoa(n) + ">"
}

// ParseToken splits "<LABEL_n>" into its label and number.
func ParseToken(tok string) (label string, n int, ok bool) {
	if len(tok) < 5 || tok[0] != '<' || tok[len(tok)-1] != '>' {
		return "", 0, false
	}
	body := tok[1 : len(tok)-1]
	u := strings.LastIndexByte(body, '_')
	if u <= 0 || u == len(body)-1 {
		return "", 0, false
	}
	label = body[:u]
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !(c >= 'A' && c <= 'Z' || isDigit(c) || c == '_') {
			return "", 0, false
		}
	}
	if label[0] < 'A' || label[0] > 'Z' {
		return "", 0, false
	}
	digits := body[u+1:]
	if len(digits) > 9 || digits[0] == '0' {
		return "", 0, false
	}
	for i := 0; i < len(digits); i++ {
		if !isDigit(digits[i]) {
			return "", 0, false
		}
	}
	n, _ = strconv.Atoi(digits)
	return label, n, true
}

// findTokens returns the [start, end) offsets of every well-formed token
// in text.
func findTokens(text string) [][2]int {
	var out [][2]int
	from := 0
	for {
		k := strings.IndexByte(text[from:], '<')
		if k < 0 {
			return out
		}
		s := from + k
		e := s + 1
		for e < len(text) && e-s < 64 && (text[e] >= 'A' && text[e] <= 'Z' || isDigit(text[e]) || text[e] == '_') {
			e++
		}
		if e < len(text) && text[e] == '>' {
			if _, _, ok := ParseToken(text[s : e+1]); ok {
				out = append(out, [2]int{s, e + 1})
				from = e + 1
				continue
			}
		}
		from = s + 1
	}
}

// Reidentify restores the tokens (and surrogates) of this conversation in
// text, a reply written from anonymized text such as an LLM's answer, to
// their original values.
//
// Only tokens present in this conversation's vault, for this subject and
// unexpired, are restored; a token of another conversation, an expired or
// unknown token stays as it is (a placeholder such as <EMAIL_3> carries no
// personal data). The output is guarded: a value of a guarded type
// (EngineConfig.GuardTypes) written in text itself, which the model made up
// or copied from elsewhere, is replaced by its type label, e.g.
// <PHONE_NUMBER>, unless it is one of this conversation's own values.
func (e *Engine) Reidentify(ctx context.Context, conv Conversation, text string) (string, error) {
	var guard []Span
	for _, s := range e.analyzer.Analyze(text, e.analyzeOpts(conv)...) {
		if e.guardTypes[s.Type] {
			guard = append(guard, s)
		}
	}
	toks, values, err := e.restoreValues(ctx, conv, text)
	if err != nil {
		return "", err
	}
	if len(toks) == 0 && len(guard) == 0 {
		return text, nil
	}
	if e.vault == nil || e.sealer == nil {
		// Nothing can be restored or recognised as the user's own.
		return replaceAll(text, nil, guard, nil), nil
	}
	keep := make([]bool, len(guard))
	for i, s := range guard {
		norm := NormalizeValue(s.Type, text[s.Start:s.End], conv.Region)
		idx, err := e.sealer.BlindIndex(ctx, conv.Subject, indexInput(s.Type, norm))
		if err != nil {
			return "", fmt.Errorf("anonymize: blind index: %w", err)
		}
		_, err = e.vault.LookupIndex(ctx, conv.ID, idx)
		switch {
		case err == nil:
			keep[i] = true
		case !errors.Is(err, store.ErrNotFound):
			return "", fmt.Errorf("anonymize: vault lookup: %w", err)
		}
	}
	return replaceAll(text, toks, guard, func(i int) (string, bool) {
		if i < len(values) {
			return values[i], true
		}
		return "", keep[i-len(values)]
	}), nil
}

// Restore puts back this conversation's own values for the tokens (and
// surrogates) in a trusted text, such as a dialog reply built from a
// business-written template and slot pseudonyms. Unlike Reidentify it runs
// no output guard: use Reidentify for anything a model generated.
func (e *Engine) Restore(ctx context.Context, conv Conversation, text string) (string, error) {
	toks, values, err := e.restoreValues(ctx, conv, text)
	if err != nil || len(toks) == 0 {
		return text, err
	}
	return replaceAll(text, toks, nil, func(i int) (string, bool) { return values[i], true }), nil
}

// restoreValues finds the tokens (and, when surrogates are in use, the
// surrogates) in text and returns their offsets and the values they stand
// for in this conversation; unknown ones map to themselves.
func (e *Engine) restoreValues(ctx context.Context, conv Conversation, text string) ([][2]int, []string, error) {
	toks := findTokens(text)
	if len(toks) == 0 && !e.surrogates || e.vault == nil || e.sealer == nil {
		return toks, nil, nil
	}
	entries, err := e.vault.Entries(ctx, conv.ID)
	if err != nil {
		return nil, nil, fmt.Errorf("anonymize: vault entries: %w", err)
	}
	now := e.cfg.Now()
	byToken := make(map[string]store.VaultEntry, len(entries))
	for _, en := range entries {
		if en.Conversation != conv.ID || en.Subject != conv.Subject {
			continue
		}
		if !en.Expires.IsZero() && !en.Expires.After(now) {
			continue
		}
		byToken[en.Token] = en
	}
	if e.surrogates {
		toks = addSurrogates(text, toks, byToken)
	}
	values := make([]string, len(toks))
	for i, t := range toks {
		tok := text[t[0]:t[1]]
		en, ok := byToken[tok]
		if !ok {
			values[i] = tok
			continue
		}
		pt, err := e.sealer.Open(ctx, conv.Subject, en.Value, vaultAAD(conv.ID, tok))
		if err != nil {
			return nil, nil, fmt.Errorf("anonymize: open %s: %w", tok, err)
		}
		values[i] = string(pt)
	}
	return toks, values, nil
}

// replaceAll writes text with every token toks[i] replaced by repl(i) and
// every guard span g replaced by "<TYPE>" unless repl(len(toks)+j) keeps it.
// Guard spans overlapping a token are ignored.
func replaceAll(text string, toks [][2]int, guard []Span, repl func(int) (string, bool)) string {
	type edit struct {
		s, e int
		with string
	}
	edits := make([]edit, 0, len(toks)+len(guard))
	for i, t := range toks {
		v := text[t[0]:t[1]]
		if repl != nil {
			v, _ = repl(i)
		}
		edits = append(edits, edit{t[0], t[1], v})
	}
	for j, g := range guard {
		overlap := false
		for _, t := range toks {
			if g.Start < t[1] && t[0] < g.End {
				overlap = true
				break
			}
		}
		if overlap {
			continue
		}
		if repl != nil {
			if _, keep := repl(len(toks) + j); keep {
				continue
			}
		}
		edits = append(edits, edit{g.Start, g.End, "<" + g.Type + ">"})
	}
	if len(edits) == 0 {
		return text
	}
	sortEdits := func(a, b edit) int { return a.s - b.s }
	slices.SortFunc(edits, sortEdits)
	var b strings.Builder
	last := 0
	for _, ed := range edits {
		if ed.s < last {
			continue
		}
		b.WriteString(text[last:ed.s])
		b.WriteString(ed.with)
		last = ed.e
	}
	b.WriteString(text[last:])
	return b.String()
}

// addSurrogates adds to toks every occurrence in text of a surrogate (a
// vault token that is not a <LABEL_n> pseudonym), longest first, and
// returns them sorted and non-overlapping.
func addSurrogates(text string, toks [][2]int, byToken map[string]store.VaultEntry) [][2]int {
	var surr []string
	for tok := range byToken {
		if _, _, ok := ParseToken(tok); !ok && tok != "" {
			surr = append(surr, tok)
		}
	}
	if len(surr) == 0 {
		return toks
	}
	slices.SortFunc(surr, func(a, b string) int { return len(b) - len(a) })
	taken := func(s, e int) bool {
		for _, t := range toks {
			if s < t[1] && t[0] < e {
				return true
			}
		}
		return false
	}
	for _, sg := range surr {
		for from := 0; ; {
			k := strings.Index(text[from:], sg)
			if k < 0 {
				break
			}
			s := from + k
			e := s + len(sg)
			if !taken(s, e) && !letterBefore(text, s) && !letterAt(text, e) {
				toks = append(toks, [2]int{s, e})
			}
			from = e
		}
	}
	slices.SortFunc(toks, func(a, b [2]int) int { return a[0] - b[0] })
	return toks
}

// echoSpans adds a span for every other standalone occurrence of a value
// already found in text ("my zip is 28013 … 28013"): a value found once is
// replaced everywhere in the message. Values shorter than 4 bytes are left
// alone (too likely to be ordinary words or numbers).
func echoSpans(text string, spans []Span) []Span {
	if len(spans) == 0 {
		return spans
	}
	var extra []Span
	seen := map[string]bool{}
	cov := make([]bool, len(text)) // bytes already in a span
	mark := func(st, en int) {
		for b := st; b < en; b++ {
			cov[b] = true
		}
	}
	for _, s := range spans {
		mark(s.Start, s.End)
	}
	for _, s := range spans {
		v := text[s.Start:s.End]
		if len(v) < 4 || seen[v] {
			continue
		}
		seen[v] = true
		for from := 0; from < len(text); {
			k := strings.Index(text[from:], v)
			if k < 0 {
				break
			}
			st, en := from+k, from+k+len(v)
			from = en
			if letterBefore(text, st) || letterAt(text, en) {
				continue
			}
			if slices.Contains(cov[st:en], true) {
				continue
			}
			mark(st, en)
			extra = append(extra, Span{Start: st, End: en, Type: s.Type, Score: s.Score, Recognizer: s.Recognizer, Validated: s.Validated})
		}
	}
	if len(extra) == 0 {
		return spans
	}
	out := append(slices.Clone(spans), extra...)
	slices.SortFunc(out, func(a, b Span) int { return a.Start - b.Start })
	return out
}
