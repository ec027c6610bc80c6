// Package anonymize finds personal data in text and replaces it.
//
// Recognizers find Spans; an Analyzer runs many recognizers and resolves
// overlaps; Operators turn each span into its replacement (a pseudonym such
// as <EMAIL_1>, a surrogate, a mask, a keyed hash...); the Vault keeps
// pseudonym ↔ value mappings per conversation, encrypted, so that a reply
// can be re-identified for its own user and no one else.
//
// The pipeline uses an Engine:
//
//	analyzer := anonymize.DefaultAnalyzer()
//	engine, err := anonymize.NewEngine(anonymize.EngineConfig{}, analyzer, vault, keyring)
//	conv := anonymize.Conversation{ID: convID, Subject: subject,
//		Region: anonymize.RegionForNumber(waID), Language: "es"}
//	res, err := engine.Anonymize(ctx, conv, "mi email es ana@example.com")
//	// res.Text == "mi email es <EMAIL_1>"
//	reply, err := engine.Reidentify(ctx, conv, "Te escribo a <EMAIL_1>")
//	// reply == "Te escribo a ana@example.com"
//
// Reidentify restores only the tokens of the conversation's own vault, and
// masks identifiers that appear raw in a generated reply unless they are
// the conversation's own values (the output guard); Restore does the same
// without the guard for trusted, business-written text.
//
// Built-in recognizers scan bytes with cheap prefilters (a text without a
// digit never reaches the number recognizers) and share one tokenization
// for the word-based ones (names, places, addresses, dates), which read the
// gazetteers embedded from data/ (see data/README.md for sources and
// licences). Custom regexes, deny and allow lists and context words come
// from AnalyzerConfig. README.md has the measured accuracy and speed.
package anonymize
