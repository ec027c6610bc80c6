// Package anonymize finds personal data in text and replaces it.
//
// Recognizers find Spans; an Analyzer runs many recognizers and resolves
// overlaps; Operators turn each span into its replacement (a pseudonym such
// as <EMAIL_1>, a mask, a hash...); the Vault keeps pseudonym ↔ value
// mappings per conversation, encrypted, so that a reply can be re-identified
// for its own user and no one else.
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
// masks personal data that appears raw in the reply unless it is one of the
// conversation's own values (the output guard).
package anonymize
