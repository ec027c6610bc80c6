// Package htmlreport holds what the pii and nlu HTML reports share: the
// page style and inline SVG charts. Everything is inline so a report is one
// self-contained file with no external resources.
package htmlreport
