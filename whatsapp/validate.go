package whatsapp

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// WhatsApp limits, counted in Unicode code points (runes).
const (
	MaxTextRunes            = 4096 // text message body
	MaxTextParts            = 5    // messages SendText may split one text into (Veil's cap, not WhatsApp's)
	MaxInteractiveBodyRunes = 1024 // interactive message body
	MaxButtons              = 3    // reply buttons per message
	MaxButtonTitleRunes     = 20   // reply button title
	MaxButtonIDRunes        = 256  // reply button ID
)

// Button is one reply button. ID comes back as Message.ButtonID when the
// user taps it; Title is what the user sees (and comes back as
// Message.ButtonTitle).
type Button struct {
	ID    string
	Title string
}

// ButtonMessage is an interactive message with reply buttons.
type ButtonMessage struct {
	Body    string
	Buttons []Button
}

// Validate checks every WhatsApp limit and returns all violations joined;
// each is a *ValidationError and errors.Is(err, ErrInvalidMessage) holds.
// It never shortens anything: use ShortenTitle explicitly if you want that.
//
// Titles must be unique ignoring case and surrounding spaces (stricter than
// WhatsApp, which would otherwise show the user two look-alike buttons);
// IDs must be unique exactly.
func (m ButtonMessage) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	if strings.TrimSpace(m.Body) == "" {
		add("body", "must not be empty")
	} else if n := utf8.RuneCountInString(m.Body); n > MaxInteractiveBodyRunes {
		add("body", "is %d characters, max %d", n, MaxInteractiveBodyRunes)
	}
	switch n := len(m.Buttons); {
	case n == 0:
		add("buttons", "need at least 1 button")
	case n > MaxButtons:
		add("buttons", "has %d buttons, max %d", n, MaxButtons)
	}
	titles := make(map[string]int, len(m.Buttons))
	ids := make(map[string]int, len(m.Buttons))
	for i, b := range m.Buttons {
		field := fmt.Sprintf("buttons[%d]", i)
		if err := b.Validate(); err != nil {
			for _, e := range unjoin(err) {
				if ve, ok := errors.AsType[*ValidationError](e); ok {
					add(field+"."+ve.Field, "%s", ve.Reason)
				}
			}
		}
		key := strings.ToLower(strings.TrimSpace(b.Title))
		if j, dup := titles[key]; dup && key != "" {
			add(field+".title", "duplicates buttons[%d].title", j)
		} else {
			titles[key] = i
		}
		if j, dup := ids[b.ID]; dup && b.ID != "" {
			add(field+".id", "duplicates buttons[%d].id", j)
		} else {
			ids[b.ID] = i
		}
	}
	return errors.Join(errs...)
}

// Validate checks one button on its own: ID non-empty, at most 256 runes,
// no leading or trailing spaces; Title non-blank and at most 20 runes.
func (b Button) Validate() error {
	var errs []error
	add := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	switch n := utf8.RuneCountInString(b.ID); {
	case n == 0:
		add("id", "must not be empty")
	case n > MaxButtonIDRunes:
		add("id", "is %d characters, max %d", n, MaxButtonIDRunes)
	case strings.TrimSpace(b.ID) != b.ID:
		add("id", "must not start or end with spaces")
	}
	switch n := utf8.RuneCountInString(b.Title); {
	case strings.TrimSpace(b.Title) == "":
		add("title", "must not be empty")
	case n > MaxButtonTitleRunes:
		add("title", "is %d characters, max %d", n, MaxButtonTitleRunes)
	}
	return errors.Join(errs...)
}

func unjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// ShortenTitle returns title trimmed of surrounding spaces and, if it is
// longer than MaxButtonTitleRunes, cut at the last word boundary that keeps
// at least half of it (else at a rune boundary that does not split a
// combining sequence) and ended with "…", for at most 20 runes in all.
// Shortening can make two titles equal; Validate will then refuse them.
func ShortenTitle(title string) string {
	title = strings.TrimSpace(title)
	if utf8.RuneCountInString(title) <= MaxButtonTitleRunes {
		return title
	}
	return cutRunes(title, MaxButtonTitleRunes-1) + "…"
}

// cutRunes returns a prefix of s of at most max runes, preferring a word
// boundary in the second half, with trailing spaces and punctuation removed.
func cutRunes(s string, max int) string {
	end := byteIndexOfRune(s, max)
	window := s[:end]
	if i := lastSpace(window); i > 0 && utf8.RuneCountInString(window[:i]) >= max/2 {
		end = i
	} else {
		end = safeCut(s, end)
	}
	return strings.TrimRightFunc(s[:end], func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) })
}

// SplitText splits s into parts of at most limit runes each (limit <= 0
// means MaxTextRunes), for sending as consecutive text messages. A text that
// fits is returned unchanged as the only part. Otherwise each cut is made at
// the best boundary in the second half of the window, preferring a blank
// line, then a line break, then a sentence end, then any space; the
// whitespace at a cut is dropped. A word longer than the limit is cut hard,
// but never inside a combining sequence (accents, ZWJ emoji, skin tones,
// variation selectors) when a safe point exists. Parts of a split text are
// never blank, and together they hold every non-space character of s, in
// order; a blank text that does not fit yields no parts. Invalid UTF-8 is
// first replaced by U+FFFD, as JSON encoding would do anyway.
func SplitText(s string, limit int) []string {
	if limit <= 0 {
		limit = MaxTextRunes
	}
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD") // as encoding/json would anyway
	}
	if utf8.RuneCountInString(s) <= limit {
		return []string{s}
	}
	var parts []string
	rest := s
	// Track the rune count instead of recounting rest: linear time even
	// for tiny limits.
	for runes := utf8.RuneCountInString(rest); runes > limit; {
		end := byteIndexOfRune(rest, limit)
		cut := bestBreak(rest[:end])
		if cut <= 0 {
			cut = safeCut(rest, end)
		}
		part := strings.TrimRightFunc(rest[:cut], unicode.IsSpace)
		if part != "" {
			parts = append(parts, part)
		}
		next := strings.TrimLeftFunc(rest[cut:], unicode.IsSpace)
		runes -= utf8.RuneCountInString(rest[:len(rest)-len(next)])
		rest = next
	}
	if strings.TrimSpace(rest) != "" {
		parts = append(parts, rest)
	}
	return parts
}

// bestBreak returns the byte index to cut window at, or 0 if it has no
// suitable boundary in its second half (or in its non-blank part).
func bestBreak(window string) int {
	half := len(window) / 2
	for _, sep := range []string{"\n\n", "\n"} {
		if i := strings.LastIndex(window, sep); i > 0 && i >= half && strings.TrimSpace(window[:i]) != "" {
			return i
		}
	}
	// Sentence ends: keep the punctuation with the first part.
	for _, sep := range []string{". ", "! ", "? ", "; ", "。", "！", "？"} {
		if i := strings.LastIndex(window, sep); i >= half && strings.TrimSpace(window[:i]) != "" {
			return i + len(strings.TrimRight(sep, " "))
		}
	}
	if i := lastSpace(window); i > 0 && strings.TrimSpace(window[:i]) != "" {
		return i
	}
	return 0
}

// lastSpace returns the byte index of the last whitespace rune, or -1.
func lastSpace(s string) int {
	return strings.LastIndexFunc(s, unicode.IsSpace)
}

// byteIndexOfRune returns the byte offset of the n-th rune (len(s) if s is
// shorter).
func byteIndexOfRune(s string, n int) int {
	i := 0
	for k := range s {
		if i == n {
			return k
		}
		i++
	}
	return len(s)
}

// safeCut moves a cut at byte end backwards (at most 16 runes) so that it
// does not separate a rune from the combining marks, joiners or modifiers
// that belong to it. If no safe point is found, it returns end.
func safeCut(s string, end int) int {
	for i, cut := 0, end; i < 16 && cut > 0; i++ {
		next, _ := utf8.DecodeRuneInString(s[cut:])
		prev, size := utf8.DecodeLastRuneInString(s[:cut])
		if !extends(next) && prev != '\u200d' {
			return cut
		}
		cut -= size
	}
	return end
}

// extends reports whether r attaches to the rune before it.
func extends(r rune) bool {
	return unicode.In(r, unicode.Mn, unicode.Me, unicode.Mc) ||
		r == '\u200d' || // zero-width joiner
		(r >= '\ufe00' && r <= '\ufe0f') || // variation selectors
		(r >= 0x1f3fb && r <= 0x1f3ff) || // emoji skin-tone modifiers
		(r >= 0xe0020 && r <= 0xe007f) // emoji tag sequences
}
