// Package conektasync answers Conekta's synchronous inbound_payment.*
// requests: the approval URL of recurring cash payments (OXXO Pay
// recurrente), which Conekta calls while a customer pays at a till and
// declines unless it gets an answer within 2 seconds.
//
// It is not the asynchronous event flow. Events such as charge.paid go to
// webhook.NewConektaHandler, which dedupes them in a store and retries on
// failure; this handler keeps no store and answers every request within a
// budget:
//
//	h, err := conektasync.NewHandler(conektasync.Auth{Keys: keys}, myResponder{},
//		conektasync.WithBudget(1500*time.Millisecond))
//	mux.Handle("POST /conekta/approval", h)
//
// A Responder answers three requests. Lookup says whether a reference is
// payable and for how much (conekta.ApproveLookup in centavos, or
// conekta.Decline); PaymentAttempt accepts or declines the amount handed
// over; Reverse is told that the till cancelled an accepted attempt.
// Approving an attempt is not payment: settle on the charge.paid event.
//
// The budget (default 1.5 s, WithBudget) starts when the request arrives,
// verification included. When the Responder errs, panics, answers something
// invalid or runs out of time, the handler declines with a failure code
// (WithFailureCode, default "19"); WithLateAnswer reports an answer that
// came after the decline was sent, so you can undo what you recorded. A
// repeat of an event id already answered gets the same answer without
// asking the Responder again (WithRemember ids per process).
//
// Conekta does not document how it authenticates these requests, so Auth
// takes the public keys of your webhook keys (the Digest header, verified
// as webhook.VerifyConekta does), the Basic credentials of the approval URL
// you configured in Conekta's panel, or both.
//
// Refused requests (405, 413, 401, 400) are logged at warn, and failures
// of your code at error, through slog.Default() unless WithLogger gives
// another logger; no log line carries a body, a Digest or a credential.
package conektasync
