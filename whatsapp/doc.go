// Package whatsapp is Veil's WhatsApp Cloud API channel: the webhook that
// receives user messages and delivery statuses, and the client that sends
// replies. It does not depend on the rest of Veil.
//
// Inbound, a delivery goes through these steps, in order:
//
//  1. the body is read up to HandlerConfig.MaxBodyBytes (413 beyond);
//  2. X-Hub-Signature-256 is checked against the raw bytes with the app
//     secret (401 if missing, malformed or wrong), before any parsing;
//  3. Parse turns it into a Batch of Message and Status (400 if malformed
//     or not a whatsapp_business_account notification);
//  4. Receiver.Receive gets the batch and must enqueue it durably and return
//     quickly (500 on error, so WhatsApp redelivers; else 200).
//
// Wiring it up:
//
//	h, err := whatsapp.NewHandler(whatsapp.HandlerConfig{
//		VerifyToken: cfg.VerifyToken,
//		AppSecret:   cfg.AppSecret,
//		Receiver: whatsapp.ReceiverFunc(func(ctx context.Context, b whatsapp.Batch) error {
//			return queue.Enqueue(ctx, b) // durable, idempotent per Message.ID
//		}),
//		Logger: logger,
//	})
//	if err != nil {
//		return err
//	}
//	mux.Handle("/webhook", h)
//
// Sending:
//
//	c := &whatsapp.Client{AccessToken: token, PhoneNumberID: phoneID, Logger: logger}
//	id, err := c.SendText(ctx, msg.From, "Hello!")
//	id, err = c.SendButtons(ctx, msg.From, "Did that help?", []whatsapp.Button{
//		{ID: "yes", Title: "Yes"}, {ID: "no", Title: "No"},
//	})
//	if errors.Is(err, whatsapp.ErrInvalidMessage) { /* fix the content */ }
//	if whatsapp.IsTemporary(err) { /* reschedule */ }
//
// Privacy: message text, profile names and phone numbers are never logged,
// neither by the Handler nor by the Client; logs carry counts, types,
// statuses, wamids and Graph error codes. Errors returned by this package
// are content-free as well (APIError.Message, which may quote request data,
// is kept out of APIError.Error()).
package whatsapp
