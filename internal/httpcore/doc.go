// Package httpcore is the one HTTP pipeline every pagos provider client sends
// through: base URL and credentials, JSON in and out, retries by a rule that
// never repeats a write that may have taken effect, provider error decoding,
// a response size cap, and logging that never shows a secret.
//
// It sits on go-retryablehttp with every default replaced: our CheckRetry
// (retry rule), a Backoff of zero with the real wait taken in PrepareRetry
// through an injectable, context-aware sleeper (exponential with full jitter,
// capped; Retry-After honoured, capped), no logger of its own, and
// PassthroughErrorHandler so the last response is still decoded.
//
// Retry rule: GET, PUT and DELETE are retried on transport errors, 408, 429,
// 500, 502, 503 and 504. POST and PATCH are retried only on 429 and on
// failures before the request could be written: DNS, dial (a refused
// connection among them), proxy CONNECT and TLS handshake errors, told apart
// by their types. Any other failure may follow the write, so it returns an
// *OutcomeUnknownError matching ErrOutcomeUnknown. A Request marked Repeatable (Tpaga's single-use
// reference, made idempotent by its token) is retried like a GET; when its
// retries run out it too returns an *OutcomeUnknownError, whose Sent names the
// token to repeat it with.
//
// Writes are never replayed by net/http: a guard round-tripper hides GetBody
// and the canonical Idempotency-Key spelling from the transport for every
// write, so a dead keep-alive connection yields an outcome unknown instead of
// a silent second POST. An attempt that cannot be sent (context already done,
// a header net/http would refuse) never reaches the transport and is a plain
// error. Path ids are checked (check.ID, and the whole path again in Do): an
// empty id or a dot segment is a *pagos.ParamError. The errors it returns
// are the root package pagos's types and sentinels (SentinelFor maps a
// status to one); its RequestOptions are pagos.RequestOption values.
//
// Redirects are refused, and the base URL must be https unless its host is
// loopback. Log lines carry provider, method, path, status, attempts and
// timing; never headers, bodies or query strings. Error bodies, headers and
// transport errors are scrubbed of the client's credentials (Provider.Secrets,
// Provider.SecretHeaders) before any error text is built.
package httpcore
