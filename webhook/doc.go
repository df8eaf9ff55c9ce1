// Package webhook verifies and handles the webhooks of Toku, Conekta, Fygaro
// and Tpaga.
//
// Each provider has a verification function that works on the raw body
// bytes and headers (never re-encoded JSON), and a constructor returning an
// http.Handler you mount in the server you already run:
//
//	h, err := webhook.NewTokuHandler(secret, func(ctx context.Context, e *toku.Event) error {
//		return recordPayment(ctx, e) // nil acknowledges the event
//	})
//	mux.Handle("POST /webhooks/toku", h)
//
// # Mounting
//
// Every handler is an http.Handler: mount it on http.ServeMux with a Go 1.22
// method pattern (Example_serveMux), behind middleware (Example_middleware)
// or under a path prefix with http.StripPrefix (Example_pathPrefix). Other
// routers take it through their adapter: chi's r.Method("POST", path, h),
// echo's echo.WrapHandler(h), gin's gin.WrapH(h). Mount it before any
// middleware that reads or rewrites the body: signatures cover the raw
// bytes. examples/webhook-server serves all four providers from one process.
//
// # What a handler does
//
// A handler accepts POST only (405 otherwise) and bodies up to 1 MiB (413).
// It authenticates the delivery (401 when that fails) and decodes only the
// envelope: event id, type and dedupe key (400 when an authentic body lacks
// them). Nothing else can give 400: the payload is decoded on demand by
// accessors whose error your code sees (toku.Event.PaymentIntent,
// conekta.Event.Charge, fygaro.Hook.Claims, tpaga.Notification.Amount, …),
// and informative fields take the value they can (a numeric Toku
// id_account keeps its digits; a Fygaro customReference of another shape
// its compact JSON). So an event with a new payload shape still reaches
// your code, with its raw JSON, instead of being retried for ever.
//
// Your code runs under a context detached from the request, so a provider
// hanging up does not cut work in half, bounded by a timeout (default 20 s).
// Returning nil answers 200; an error, a panic or the timeout answers 500 so
// the provider retries. Deliveries are at least once; the handler makes
// processing exactly once with a dedupe store. Honour ctx in your code: it
// ends at the timeout, and a claim's lease is not renewed beyond it.
//
// # Dedupe
//
// Before calling your code, a handler claims the event in a Store with a
// lease longer than the timeout. An event already Done is answered 200
// without calling your code. A duplicate that arrives while another delivery
// holds the claim waits (default up to 5 s) for its outcome and is never
// acknowledged before the first succeeded: if the first fails, the waiting
// duplicate processes the event itself; if the wait runs out it gets 503
// with Retry-After. A store failure answers 503: no event is processed
// without the guarantee.
//
// The default MemoryStore dedupes per process and remembers Done keys for 7
// days (100,000 at most). For Conekta, Tpaga and JWT-only Fygaro hooks,
// which carry no signed timestamp, that memory is the only replay defence: a
// restart or a second replica reopens replay. Behind several replicas, share
// one store (WithStore), such as webhook/pgstore's on PostgreSQL; set
// WithNamespace when two services share it.
//
// # Missed deliveries
//
// ReplayToku, ReplayConekta and ReplayTpaga list what a provider's API
// says happened in a window, skip what the handler's store has Done, and
// run the rest through the handler's own user function under the same
// claim contract, so a live redelivery and a replay never both run it.
// They return a ReplaySummary and log it. A store that implements the
// optional StateReader (MemoryStore, webhook/pgstore) answers the skip with
// one read. Fygaro has no API: its dedupe store is the only record of what
// arrived, and nothing replays a hook it gave up on.
//
// # Verification
//
// Secrets and keys are required: an empty one is refused at construction,
// never treated as "skip verification". Comparisons are constant-time.
// Signed timestamps are checked in both directions against a tolerance
// (default 5 minutes; WithTolerance, WithClock).
//
// Toku: Toku-Signature "t=<unix>,s=<hex>", HMAC-SHA256 with the endpoint
// secret over "t.<event id>" (as documented) or "t.<raw body>"; either is
// accepted and recorded in Event.Signed. When only the id was signed the
// payload is not authenticated; WithTokuConfirmation confirms money-moving
// events through the API (toku.Client.ConfirmEvent, every field compared)
// before your code runs, and refuses one the API does not bear out: your
// code does not run and the handler answers 500, releasing the event id so
// the honest delivery is still processed. SignToku signs deliveries for
// tests.
//
// Conekta: Digest header, the base64 RSASSA-PKCS1-v1_5 SHA-256 signature of
// the raw body; give the public keys of your active webhook keys (several
// during a rotation). Conekta signs no timestamp, so dedupe is the replay
// defence. NewConektaHandler serves events; the synchronous
// inbound_payment.* requests of recurring cash, answered within a budget
// under Conekta's 2 s limit and without a store, are served by package
// webhook/conektasync. SignConekta signs deliveries for tests.
//
// Fygaro: Fygaro-Signature "t=<unix>,v1=<hex>[,v1=…]", HMAC-SHA256 over
// "t.<raw body>" with the secret of the hook credential Fygaro-Key-ID names
// (a FygaroKeys keyring holds several while you rotate); and the body's jwt:
// HS256/384/512 only, exp, nbf and iat within the tolerance, its
// customReference and transaction reference equal to the body's. The header
// is required unless WithFygaroJWTOnly accepts hooks authenticated by the
// JWT alone, which can be replayed: those are refused past a maximum age
// (default 72 h) and otherwise only the dedupe store stops a replay. The
// dedupe key is the transaction reference. SignFygaro and fygaro.SignJWT
// sign deliveries for tests.
//
// Tpaga: no signature exists. The header value agreed with Tpaga (such as
// "Basic …" in Authorization) is compared in constant time, so authenticity
// rests on that value and on TLS; a deposit is identified by its
// efecty_order_id with its reference. Put an IP allow-list in front where
// Tpaga gives you its addresses.
//
// # Options
//
// Options are typed by the constructors they apply to, so one that does not
// apply does not compile. Each constructor takes its family's interface:
// TokuOption, ConektaOption, FygaroOption, TpagaOption for the handlers,
// TokuVerifyOption, FygaroVerifyOption, TpagaVerifyOption for the Verify
// functions that take options (VerifyConekta takes none). HandlerOption
// (WithStore, WithNamespace, WithMaxBodyBytes, WithTimeout, WithLease,
// WithBusyWait, WithLogger) satisfies every handler family and no verify
// family; TimestampOption (WithClock, WithTolerance) satisfies Toku's and
// Fygaro's families; WithTokuConfirmation, WithFygaroJWTOnly, WithTpagaHeader
// and WithTpagaPreviousAuthorization satisfy their provider's only.
// HandlerOptions bundles the settings several providers' handlers share:
//
//	shared := webhook.HandlerOptions(webhook.WithStore(store), webhook.WithLogger(log))
//	h, err := webhook.NewTokuHandler(secret, fn, shared, webhook.WithTokuConfirmation(c))
//
// Values are checked when the handler is built: a negative duration, a nil
// store, clock or logger is an error naming the option.
//
// # Errors and logs
//
// Verification failures match the sentinels ErrNoSignature,
// ErrInvalidHeader, ErrSignatureMismatch, ErrTooOld, ErrTooNew,
// ErrUnauthorized and ErrMalformedPayload. Handlers log refusals (405, 413,
// 401, 400) at warn, with the reason, and failures, panics and timeouts of
// your code at error, through slog.Default() unless WithLogger gives another
// logger; no log line carries a body, a signature or a secret.
//
// # Testing
//
// The fakes in tokutest, conektatest, fygarotest and tpagatest deliver
// correctly signed webhooks to a handler mounted on a loopback server.
// Package storetest checks a Store implementation against the dedupe
// contract.
package webhook
