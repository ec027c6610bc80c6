// Package app wires Veil together: configuration → store → keyring →
// pipeline stages → dispatcher → channel. One App serves `veil serve`
// (the WhatsApp webhook) and `veil chat` (the terminal), so both run the
// very same pipeline.
//
// Messages are accepted into the store's inbox (encrypted with the user's
// key; the message ID is deduplicated in the same transaction), then
// processed by a dispatcher that keeps each user's messages in arrival
// order and runs different users in parallel. Pending inbox items are
// replayed at start, so a message acknowledged to WhatsApp is never lost
// by a restart.
package app
