package conekta

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Sentinels matched by errors.Is against any error from this package. Every
// *Error matches the one for its HTTP status. They are the pagos sentinels,
// shared by every provider package (conekta.ErrNotFound == pagos.ErrNotFound ==
// toku.ErrNotFound): errors.Is tells the kind of failure, not the provider;
// use errors.As with *Error for that.
var (
	ErrUnauthorized   = pagos.ErrUnauthorized   // 401 authentication_error: missing or wrong private key
	ErrForbidden      = pagos.ErrForbidden      // 403: the key lacks permission, or the IP is not whitelisted
	ErrNotFound       = pagos.ErrNotFound       // 404 resource_not_found_error
	ErrInvalidRequest = pagos.ErrInvalidRequest // 400, 409, 422 parameter_validation_error, 428 precondition_required_error, or refused by pagos before sending
	ErrRateLimited    = pagos.ErrRateLimited    // 429 after retries
	ErrServer         = pagos.ErrServer         // 5xx api_error after retries
	// ErrOutcomeUnknown: a create or other write may have taken effect at
	// Conekta, but no answer confirms it. pagos never repeats such a write:
	// look the object up (each create's doc says how) before sending it again.
	ErrOutcomeUnknown = pagos.ErrOutcomeUnknown
	// ErrDeclined: Conekta could not process the payment (402
	// processing_error), such as a declined card or an used token. The
	// *Error's Details say why; retrying the same charge will not help.
	ErrDeclined = errors.New("conekta: payment declined")
)

// OutcomeUnknownError is the error behind ErrOutcomeUnknown; errors.As
// finds it and its Err field holds the *Error or transport error.
type OutcomeUnknownError = pagos.OutcomeUnknownError

// ParamError reports parameters refused before any request was sent. It
// matches ErrInvalidRequest and names the field to fix.
type ParamError = pagos.ParamError

// Error is an error answer from the Conekta API:
//
//	{"object":"error","type":"parameter_validation_error","log_id":"…",
//	 "details":[{"code":"conekta.errors…","param":"…","message":"…","debug_message":"…"}]}
//
// Check the category with errors.Is (errors.Is(err, conekta.ErrDeclined))
// and read the fields with errors.As.
type Error struct {
	StatusCode int           // HTTP status
	Type       string        // such as "parameter_validation_error" or "processing_error"
	LogID      string        // Conekta's log id of the request: quote it to Conekta's support
	Details    []ErrorDetail // what went wrong, field by field
	Body       []byte        // the raw response body
}

// ErrorDetail is one problem of an error answer.
type ErrorDetail struct {
	Code         string `json:"code"`          // such as "conekta.errors.processing.tokenization.used"
	Param        string `json:"param"`         // the request field at fault, when there is one
	Message      string `json:"message"`       // for your customer, in the Accept-Language
	DebugMessage string `json:"debug_message"` // for you
}

// Error describes the answer: status, Conekta's error type and its details.
func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "conekta: %d", e.StatusCode)
	if e.Type != "" {
		b.WriteString(" " + e.Type)
	}
	if len(e.Details) == 0 {
		b.WriteString(": " + http.StatusText(e.StatusCode))
	}
	for i, d := range e.Details {
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		if d.Param != "" {
			b.WriteString(d.Param + ": ")
		}
		msg := d.DebugMessage
		if msg == "" {
			msg = d.Message
		}
		b.WriteString(msg)
		if d.Code != "" {
			b.WriteString(" (" + d.Code + ")")
		}
	}
	if e.LogID != "" {
		b.WriteString(" [log_id " + e.LogID + "]")
	}
	return b.String()
}

// Unwrap returns the shared sentinel for the status, and ErrDeclined for a
// 402, so errors.Is works with either.
func (e *Error) Unwrap() []error {
	switch e.StatusCode {
	case http.StatusPaymentRequired:
		return []error{ErrDeclined}
	case http.StatusPreconditionRequired: // the object's state forbids the change
		return []error{ErrInvalidRequest}
	}
	if s := httpcore.SentinelFor(e.StatusCode); s != nil {
		return []error{s}
	}
	return nil
}

// decodeError builds an *Error from any error response, readable or not.
func decodeError(status int, _ http.Header, body []byte) error {
	e := &Error{StatusCode: status, Body: body}
	var v struct {
		Type    string        `json:"type"`
		LogID   *string       `json:"log_id"`
		Details []ErrorDetail `json:"details"`
	}
	if json.Unmarshal(body, &v) == nil {
		e.Type, e.Details = v.Type, v.Details
		if v.LogID != nil {
			e.LogID = *v.LogID
		}
	}
	return e
}
