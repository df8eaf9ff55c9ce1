// Package tpaga is a client for Tpaga's cash-in API (Colombia): deposit
// references that people pay in cash at Efecty kiosks, their details, the
// deposit notification Tpaga posts to your server, and the staging Efecty
// simulator.
//
// # Usage
//
//	c, err := tpaga.NewClient(token, tpaga.WithBaseURL(tpaga.StagingURL)) // ProductionURL for real cash
//	ref, err := c.References.Create(ctx, &tpaga.ReferenceParams{
//		Requester: tpaga.Requester{
//			FirstNames: "Noa", LastNames: "Tamayo Carreño",
//			DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333",
//			PhoneNumber: "+573000000000",
//		},
//		Description: "Recarga de saldo",
//		Amount:      20000, // whole pesos; 0 accepts any amount
//	})
//	// The depositor gives ref.Reference and ref.Agreement at the kiosk.
//
//	perm, err := c.PermanentReferences.Create(ctx, &tpaga.PermanentReferenceParams{
//		Reference: "reysantana", // 10 letters and digits; Tpaga returns "TSREYSANTANA"
//		Requester: ..., Description: "Referencia de Mireya",
//	})
//	_, err = c.PermanentReferences.Disable(ctx, perm.Reference)
//	det, err := c.ReferenceDetails.Get(ctx, perm.Reference) // det.DepositIntents
//
// Every service method takes a context first and per-call options last,
// and returns a nil result whenever it returns an error.
// Parameters are validated before anything is sent; a refusal is a
// *ParamError naming the field to fix, matching ErrInvalidRequest.
//
// There is no default host: NewClient fails until you choose StagingURL or
// ProductionURL with WithBaseURL, so that nothing reaches production by
// accident. The API lives under /api/cashin/v1/public on either host; pagos
// adds that prefix.
//
// # Authentication
//
// Tpaga's operations team issues a token, sent as "Authorization: Basic
// <token>" exactly as issued (pagos does not base64-encode it). It never
// reaches a log line or an error message (even a Tpaga message that echoes
// it), and WithHeader cannot set Authorization or X-Api-Key. NewClient
// refuses a token with whitespace, control characters or non-ASCII bytes.
//
// # Money
//
// Amounts are int64 whole Colombian pesos (COP), exactly as Tpaga sends
// them, not centavos: 20000 is twenty thousand pesos. An amount pagos sends
// (a reference's fixed amount, a simulated deposit) must be from 1 to
// MaxAmount (2,147,483,647): Tpaga documents no range, so that bound is
// pagos's own, one that fits a 32-bit integer. Anything else is refused
// before sending with a *ParamError naming the field.
//
// # Errors
//
// Tpaga does not publish its error format. An error answer is an *Error with
// the HTTP status, the raw body, and whatever message and field problems the
// body carries. Match the category with errors.Is against ErrUnauthorized,
// ErrForbidden, ErrNotFound, ErrInvalidRequest, ErrRateLimited or ErrServer,
// and read the details with errors.As.
//
// The sentinels are the root package pagos's, shared by every provider:
// errors.Is(err, tpaga.ErrNotFound) is the same test as errors.Is(err,
// pagos.ErrNotFound) or errors.Is(err, toku.ErrNotFound). ParamError and
// OutcomeUnknownError are pagos's types too.
//
// # Retries and idempotency
//
// Reads are retried on network errors, 408, 429 and 5xx, with capped
// exponential backoff and Retry-After honoured; each attempt waits at most
// 30 s for the response (WithTimeout changes that). Writes are retried like
// reads only where Tpaga makes a repeat harmless:
//
//   - References.Create sends an idempotency_token (yours, or one pagos
//     generates and returns) that makes a repeat return the same reference.
//     It is retried with the same token; if retries run out, the error
//     matches ErrOutcomeUnknown and its *OutcomeUnknownError.Sent names the
//     token: repeat the create with it, never with a fresh one.
//   - PermanentReferences.Create with a Reference: Tpaga enables an existing
//     reference instead of making a second one.
//   - Enable and Disable set an absolute state.
//
// The Efecty simulator's Pay is retried only when Tpaga provably did not act
// on it (a 429, or a failure before the request was written).
//
// # Webhooks
//
// When a deposit succeeds Tpaga posts a Notification (reference, amount,
// idempotency_token, efecty_order_id) to a URL, with headers, that you agree
// with Tpaga by contacting it, and retries until it gets 200 OK. Tpaga signs
// nothing: authenticity rests on the agreed header value and TLS. Serve it
// with webhook.NewTpagaHandler, which compares that value in constant time,
// processes each deposit (efecty_order_id with reference) once, and answers
// 200 only after your code succeeded. Only reference and efecty_order_id
// (strings or numbers) are read strictly; Notification.Amount reads the
// amount on demand and returns an error for a shape it cannot read exactly
// (a fraction of a peso, an object), so such a notification still reaches
// your code.
//
// # Testing
//
// In staging, NewEfectySimulator(EfectyStagingAPIKey) plays the kiosk: Lookup
// a reference, then Pay it, and Tpaga notifies your webhook. Package
// tpagatest is a stateful, in-process fake of the cash-in API and the
// simulator that delivers notifications to your handler: point a client at
// it with WithBaseURL.
package tpaga
