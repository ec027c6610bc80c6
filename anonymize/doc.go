// Package anonymize finds personal data in text and replaces it.
//
// Recognizers find Spans; an Analyzer runs many recognizers and resolves
// overlaps; Operators turn each span into its replacement (a pseudonym such
// as <EMAIL_1>, a mask, a hash...); the Vault keeps pseudonym ↔ value
// mappings per conversation, encrypted, so that a reply can be re-identified
// for its own user and no one else.
package anonymize
