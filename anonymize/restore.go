package anonymize

import (
	"context"
	"fmt"
)

// Restore puts back this conversation's own values for the tokens in a
// trusted text, such as a dialog reply built from a business-written
// template and slot pseudonyms. Unlike Reidentify it runs no output guard:
// use Reidentify for anything a model generated.
func (e *Engine) Restore(ctx context.Context, conv Conversation, text string) (string, error) {
	toks := findTokens(text)
	if len(toks) == 0 || e.vault == nil || e.sealer == nil {
		return text, nil
	}
	entries, err := e.vault.Entries(ctx, conv.ID)
	if err != nil {
		return "", fmt.Errorf("anonymize: vault entries: %w", err)
	}
	now := e.cfg.Now()
	values := make([]string, len(toks))
	for i, t := range toks {
		tok := text[t[0]:t[1]]
		values[i] = tok
		for _, en := range entries {
			if en.Token != tok || en.Conversation != conv.ID || en.Subject != conv.Subject ||
				(!en.Expires.IsZero() && !en.Expires.After(now)) {
				continue
			}
			pt, err := e.sealer.Open(ctx, conv.Subject, en.Value, vaultAAD(conv.ID, tok))
			if err != nil {
				return "", fmt.Errorf("anonymize: open %s: %w", tok, err)
			}
			values[i] = string(pt)
			break
		}
	}
	return replaceAll(text, toks, nil, func(i int) (string, bool) { return values[i], true }), nil
}
