// Package admin is Veil's admin API: an http.Handler mounted under /admin
// that lets people with a bearer token read the consent ledger and the
// compliance report (auditor), read pseudonymized transcripts (operator)
// and erase a user's data on request (admin). Every request, allowed or
// denied, is written to an append-only audit log (store.AuditLog) with the
// token's name, its role, the action, the target subject hash and the
// outcome, never with message content, a token or a raw number.
//
// Tokens are configured by name and role, each either as the SHA-256 of
// the token (token_sha256) or as the name of an environment variable that
// holds it (token_env), so the configuration file never holds a usable
// token:
//
//	admin:
//	  tokens:
//	    - name: dpo
//	      role: auditor
//	      token_sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08
//	    - name: support-lead
//	      role: admin
//	      token_env: VEIL_ADMIN_TOKEN_SUPPORT
//
// Endpoints (JSON in and out):
//
//	GET  /admin/ledger?subject=H          auditor   a subject's consent history
//	GET  /admin/ledger?after=C&limit=N    auditor   the whole ledger, page by page
//	GET  /admin/report[?since=30d]        auditor   the compliance report (package audit)
//	GET  /admin/audit[?since=T&limit=N]   auditor   the admin audit log itself
//	GET  /admin/transcripts?subject=H     operator  pseudonymized records, never re-identified
//	POST /admin/erase {"wa_id":"..."}     admin     crypto-shred and delete a user's data
//
// Roles do not include each other: a person who needs two roles holds two
// tokens. Status codes: 401 without a token or with an unknown one, 403 for
// a role not allowed the endpoint, 404 for an unknown path, 405 for a wrong
// method, 400 for bad input, 500 when the store fails. Authentication is
// checked first, so an unauthenticated caller learns nothing about routes.
// A read is answered only after its audit row is written (fail closed).
package admin
