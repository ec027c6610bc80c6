// Package dialogs runs the flows a bot is made of, defined in YAML.
//
// A Bot lists intents (with keywords for the rules NLU and examples for a
// trained one) and flows. A flow starts on one of its intents, fills its
// slots from the pseudonymized text (a slot with an entity type is filled
// only by a pseudonym of that type, e.g. <EMAIL_1>, so PII stays a
// pseudonym until the reply is re-identified), asks for missing slots,
// re-prompts on invalid values (validator/v10 rules), optionally asks for
// confirmation, then answers from a template. State is kept per
// conversation in a store.DialogStates; a flow interrupted by another one
// resumes when that one ends.
package dialogs
