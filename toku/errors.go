package toku

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Sentinels matched by errors.Is against any error from this package. Every
// *Error matches the one for its HTTP status. They are the pagos sentinels,
// shared by every provider package (toku.ErrNotFound == pagos.ErrNotFound ==
// conekta.ErrNotFound): errors.Is tells the kind of failure, not the provider;
// use errors.As with *Error for that.
var (
	ErrUnauthorized   = pagos.ErrUnauthorized   // 401: missing or malformed API key
	ErrForbidden      = pagos.ErrForbidden      // 403
	ErrNotFound       = pagos.ErrNotFound       // 404; Toku also answers 404 when the key lacks permission
	ErrInvalidRequest = pagos.ErrInvalidRequest // 400, 409, 422, or refused by pagos before sending
	ErrRateLimited    = pagos.ErrRateLimited    // 429 after retries
	ErrServer         = pagos.ErrServer         // 5xx after retries
	// ErrOutcomeUnknown: a create or other write may have taken effect at
	// Toku, but no answer confirms it. pagos never repeats such a write, since
	// Toku documents no idempotency key. Look the object up before sending
	// it again: a customer with Customers.GetByExternalID, a subscription by
	// its ProductID in Subscriptions.List, an invoice in Invoices.ListByCustomer.
	ErrOutcomeUnknown = pagos.ErrOutcomeUnknown
)

// OutcomeUnknownError is the error behind ErrOutcomeUnknown; errors.As
// finds it and its Err field holds the *Error or transport error.
type OutcomeUnknownError = pagos.OutcomeUnknownError

// ParamError reports parameters refused before any request was sent. It
// matches ErrInvalidRequest and names the field to fix.
type ParamError = pagos.ParamError

// Error is an error answer from the Toku API.
//
// Toku answers {"error":{"code":"TK…","message":"…"}}, and for a 422 a
// pydantic-style list of field details. Check the category with errors.Is
// (errors.Is(err, toku.ErrNotFound)) and read the fields with errors.As.
type Error struct {
	StatusCode int           // HTTP status
	Code       string        // Toku's code, such as "TK30000"; may be empty
	Message    string        // Toku's message, in Spanish
	Details    []ErrorDetail // field problems of a 422
	RequestID  string        // X-Request-Id of the response, when Toku sends one
	Body       []byte        // the raw response body
}

// ErrorDetail is one field problem of a 422 answer.
type ErrorDetail struct {
	Loc  []string // where the problem is, such as ["body", "goverment_id"]
	Msg  string   // such as "field required"
	Type string   // such as "value_error.missing"
}

// Error describes the answer: status, Toku's code, message and field details.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "toku: %d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	} else if len(e.Details) == 0 {
		b.WriteString(": " + http.StatusText(e.StatusCode))
	}
	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(":")
		} else {
			b.WriteString(";")
		}
		fmt.Fprintf(&b, " %s: %s", strings.Join(d.Loc, "."), d.Msg)
		if d.Type != "" {
			b.WriteString(" (" + d.Type + ")")
		}
	}
	return b.String()
}

// Unwrap returns the shared sentinel for the status, so errors.Is works.
func (e *Error) Unwrap() error { return httpcore.SentinelFor(e.StatusCode) }

// decodeError builds an *Error from any error response, readable or not.
func decodeError(status int, h http.Header, body []byte) error {
	e := &Error{StatusCode: status, RequestID: h.Get("X-Request-Id"), Body: body}
	var v struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Details []struct {
				Loc  []json.RawMessage `json:"loc"`
				Msg  string            `json:"msg"`
				Type string            `json:"type"`
			} `json:"details"`
		} `json:"error"`
		Detail string `json:"detail"` // FastAPI's default error shape
	}
	if json.Unmarshal(body, &v) == nil {
		e.Code, e.Message = v.Error.Code, v.Error.Message
		if e.Message == "" {
			e.Message = v.Detail
		}
		for _, d := range v.Error.Details {
			loc := make([]string, 0, len(d.Loc))
			for _, l := range d.Loc {
				// A location holds field names and, inside lists, indexes.
				if s, err := strconv.Unquote(string(l)); err == nil {
					loc = append(loc, s)
				} else {
					loc = append(loc, string(l))
				}
			}
			e.Details = append(e.Details, ErrorDetail{Loc: loc, Msg: d.Msg, Type: d.Type})
		}
	}
	return e
}
