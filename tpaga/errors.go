package tpaga

import (
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Sentinels matched by errors.Is against any error from this package. Every
// *Error matches the one for its HTTP status. They are the pagos sentinels,
// shared by every provider package (tpaga.ErrNotFound == pagos.ErrNotFound ==
// toku.ErrNotFound): errors.Is tells the kind of failure, not the provider;
// use errors.As with *Error for that.
var (
	ErrUnauthorized   = pagos.ErrUnauthorized   // 401: a wrong or missing token (or simulator key)
	ErrForbidden      = pagos.ErrForbidden      // 403
	ErrNotFound       = pagos.ErrNotFound       // 404: an unknown reference, among others
	ErrInvalidRequest = pagos.ErrInvalidRequest // 400, 409, 422, or refused by pagos before sending
	ErrRateLimited    = pagos.ErrRateLimited    // 429 after retries
	ErrServer         = pagos.ErrServer         // 5xx after retries
	// ErrOutcomeUnknown: a write may have taken effect at Tpaga, but no
	// answer confirms it. For References.Create, repeat the call with the
	// same IdempotencyToken (OutcomeUnknownError.Sent names it): Tpaga then
	// returns the reference it made, never a second one. For the others, see
	// each method.
	ErrOutcomeUnknown = pagos.ErrOutcomeUnknown
)

// OutcomeUnknownError is the error behind ErrOutcomeUnknown; errors.As
// finds it, its Sent field names what identifies the write
// ("idempotency_token=…"), and its Err field holds the *Error or transport
// error.
type OutcomeUnknownError = pagos.OutcomeUnknownError

// ParamError reports parameters refused before any request was sent. It
// matches ErrInvalidRequest and names the field to fix.
type ParamError = pagos.ParamError

// Error is an error answer from Tpaga.
//
// Tpaga does not publish its error format, so Error keeps the raw body and
// reads what it can: a message under "message", "detail", "error_message",
// "error_description" or "error" (a string, or an object with a message),
// and field errors shaped {"field": ["problem", …]}. Check the category with
// errors.Is (errors.Is(err, tpaga.ErrNotFound)) and read the fields with
// errors.As.
type Error struct {
	StatusCode int                 // HTTP status
	Message    string              // Tpaga's message, when the body has one
	Fields     map[string][]string // problems by request field, when the body lists them
	Body       []byte              // the raw response body
}

// Error describes the answer: status and Tpaga's message.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "tpaga: %d", e.StatusCode)
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case len(e.Fields) == 0:
		b.WriteString(": " + http.StatusText(e.StatusCode))
	}
	for i, k := range slices.Sorted(maps.Keys(e.Fields)) {
		if i == 0 && e.Message == "" {
			b.WriteString(":")
		} else {
			b.WriteString(";")
		}
		b.WriteString(" " + k + ": " + strings.Join(e.Fields[k], ", "))
	}
	return b.String()
}

// Unwrap returns the shared sentinel for the status, so errors.Is works.
func (e *Error) Unwrap() error { return httpcore.SentinelFor(e.StatusCode) }

// decodeError builds an *Error from any error response, readable or not.
func decodeError(status int, _ http.Header, body []byte) error {
	e := &Error{StatusCode: status, Body: body}
	var top map[string]json.RawMessage
	if json.Unmarshal(body, &top) != nil {
		return e
	}
	for _, k := range []string{"message", "detail", "error_message", "error_description", "error"} {
		raw, ok := top[k]
		if !ok {
			continue
		}
		var s string
		var obj struct {
			Message string `json:"message"`
		}
		if json.Unmarshal(raw, &s) == nil && s != "" {
			e.Message = s
		} else if json.Unmarshal(raw, &obj) == nil && obj.Message != "" {
			e.Message = obj.Message
		} else {
			continue
		}
		delete(top, k)
		break
	}
	for k, raw := range top {
		var msgs []string
		if json.Unmarshal(raw, &msgs) == nil && len(msgs) > 0 {
			if e.Fields == nil {
				e.Fields = map[string][]string{}
			}
			e.Fields[k] = msgs
		}
	}
	return e
}
