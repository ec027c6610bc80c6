// Package logging builds Veil's zerolog logger: JSON by default, console
// format with --pretty. Callers never put message text or raw identifiers
// in a log event; users appear as a short keyed hash (keyring.LogID).
package logging

import (
	"io"
	"time"

	"github.com/rs/zerolog"
)

// New returns a logger writing to w at level ("debug", "info"...; an
// unknown level means info).
func New(w io.Writer, level string, pretty bool) zerolog.Logger {
	lvl, err := zerolog.ParseLevel(level)
	if err != nil || level == "" {
		lvl = zerolog.InfoLevel
	}
	if pretty {
		w = zerolog.ConsoleWriter{Out: w, TimeFormat: time.TimeOnly}
	}
	return zerolog.New(w).Level(lvl).With().Timestamp().Logger()
}
