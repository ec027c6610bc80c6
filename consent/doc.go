// Package consent is the pipeline's first stage: nothing personal is
// processed until the user has opted in to the current, versioned privacy
// notice. Opt-in, decline, withdrawal ("STOP") and erasure are appended to
// the consent ledger with the notice version, purposes and the message ID
// that carried the decision. The data-subject commands ("MY DATA",
// "DELETE MY DATA") work in every state.
package consent
