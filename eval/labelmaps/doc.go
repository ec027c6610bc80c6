// Package labelmaps maps a dataset's entity labels onto Veil's entity names
// (anonymize.Entity*), and ships the maps for the reference sets in
// ../shared/data/pii/.
//
// A map is a JSON object: dataset label → Veil label, or "IGNORE" for labels
// that are not personal data in Veil's sense (organisations, ages, …). Keys
// match case-insensitively; labels a map does not mention are kept as they
// are (upper-cased).
//
//	m, err := labelmaps.Load("presidio") // a shipped map, or a file path
//	label, keep := m.Apply("GPE")        // "LOCATION", true
package labelmaps
