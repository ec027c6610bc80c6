// Package redactcmd implements `veil redact`: it reads messages (one per
// line, or JSONL objects) from stdin or files and writes them with their
// personal data replaced, or the spans found as JSON.
//
//	echo "mail ana@example.com" | veil redact
//	mail <EMAIL_ADDRESS>
//	veil redact --operator pseudonymize --json --lang es chats.jsonl
package redactcmd
