// Package conversations runs QA's scripted end-to-end conversations
// through the real pipeline and checks the replies, intents, consent states
// and Veil's privacy invariant: no raw PII value from a user turn reaches
// the LLM, the intent model, the logs or the store.
//
// A suite is YAML:
//
//	language: en            # defaults for every conversation
//	region: GB
//	conversations:
//	  - name: opt in, then ask for an order with an e-mail
//	    user_id: "+447700900123"        # optional raw WhatsApp ID
//	    turns:
//	      - user: hi
//	        expect:
//	          consent: notice_shown
//	          reply_contains: [privacy]
//	      - button: consent_yes          # a reply-button press, by ID
//	        expect: {consent: opted_in}
//	      - user: where is my order? i'm ana@example.com
//	        pii: [ana@example.com]       # must never leave the PII boundary
//	        expect:
//	          intent: order_status
//	          reply_contains: [order]
//	          reply_not_contains: ["<EMAIL"]
//
// The pipeline side is a Runner (implemented by the application with a
// recording fake LLM); Run drives it and returns a Report, which writes a
// table, JSON or JUnit XML.
package conversations
