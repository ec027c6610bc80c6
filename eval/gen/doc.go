// Package gen writes synthetic WhatsApp-style labeled messages: short,
// informal, with typos, emoji and lowercase names; phone numbers valid for
// their country (checked with libphonenumber) in national, international
// and E.164 formats; e-mails; card numbers that pass Luhn; IBANs with valid
// mod-97 check digits; street addresses, cities and dates; English and
// Spanish. Output is Veil's canonical JSONL with code-point offsets.
//
// The same Options give the same messages. Synthetic data supplements the
// real reference sets; it never replaces them in reported numbers.
//
//	err := gen.Write(os.Stdout, gen.Options{N: 1000, Seed: 7, Langs: []string{"en", "es"}})
package gen
