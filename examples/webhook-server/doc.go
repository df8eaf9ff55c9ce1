// Command webhook-server serves the webhook handlers of every pagos provider
// from one process, ready to deploy behind TLS.
//
//	cd examples/webhook-server # a module of its own: its PostgreSQL driver stays out of pagos's graph
//	TOKU_WEBHOOK_SECRET=whesec_… go run . -addr 127.0.0.1:8080
//
// Each provider is mounted only when its settings are present; the start-up
// log says which routes are live and which are not, and why. A malformed
// setting stops the start with a message saying what to fix. SIGINT or
// SIGTERM shuts the server down gracefully: requests in flight finish, new
// ones are refused, and the process exits 0.
//
// Routes:
//
//	POST /webhooks/toku          Toku events            TOKU_WEBHOOK_SECRET
//	POST /webhooks/conekta       Conekta events         CONEKTA_WEBHOOK_PUBLIC_KEY (PEM text or file)
//	POST /webhooks/conekta/sync  Conekta approvals      the same key; CONEKTA_SYNC_FAILURE_CODE, CONEKTA_SYNC_BOOK
//	POST /webhooks/fygaro        Fygaro hooks           FYGARO_KEY_ID, FYGARO_SECRET
//	POST /webhooks/tpaga         Tpaga deposits         TPAGA_NOTIFY_AUTHORIZATION
//	GET  /healthz                liveness
//
// Deduplication is per process by default. Behind several replicas, give
// them one PostgreSQL database with -dedupe-dsn (or PAGOS_DEDUPE_DSN): an
// event delivered to two replicas is then processed once. The table is
// created at start if missing.
//
// Missed deliveries (the server was down longer than the provider retries,
// or user code failed until it gave up) are replayed with
// -reconcile-every DURATION (or PAGOS_RECONCILE_EVERY), at start and then
// at that interval, for each live provider whose API credentials are set:
//
//	TOKU_API_KEY      Toku payments of the last day (and the interval), with their invoices
//	CONEKTA_API_KEY   Conekta events of the last day (and the interval)
//	TPAGA_TOKEN       the deposits to TPAGA_RECONCILE_REFERENCES (comma-separated)
//
// TOKU_BASE_URL, CONEKTA_BASE_URL and TPAGA_BASE_URL point a client at a
// sandbox, as in the quickstart. Each round's summary is logged ("webhook: replay done"); a
// provider that cannot be listed is logged at error and tried again next
// round, never stopping the server. Fygaro has no API: nothing replays it.
package main
