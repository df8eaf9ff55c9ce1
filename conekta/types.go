package conekta

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

const provider = "conekta"

// MaxAmount is the most centavos pagos sends as a charge, capture, refund
// or test amount: 2^53−1 (about 90 trillion pesos). Conekta documents these
// amounts as int64 with no maximum; the bound is pagos's own, the largest
// integer that every JSON reader, including those that read numbers as
// float64, reads exactly. Larger amounts are refused before sending with a
// *ParamError naming the field.
const MaxAmount = 1<<53 - 1

// tooLarge refuses an amount above MaxAmount.
func tooLarge(field string, centavos int64) error {
	return check.Invalid(provider, field, "is %d centavos; pagos sends at most %d (MaxAmount)", centavos, int64(MaxAmount))
}

// Time is a Conekta timestamp: Unix seconds on the wire. 0 and null decode
// to the zero Time (Conekta sends expires_at 0 for "never"); a numeric string
// is accepted too, as spei_recurrent sources send one.
type Time struct {
	time.Time
}

// Unix returns t as a Time.
func Unix(sec int64) Time {
	if sec == 0 {
		return Time{}
	}
	return Time{time.Unix(sec, 0).UTC()}
}

// TimeOf returns t truncated to the second, as Conekta keeps it.
func TimeOf(t time.Time) Time {
	if t.IsZero() {
		return Time{}
	}
	return Time{t.Truncate(time.Second).UTC()}
}

// UnmarshalJSON reads Unix seconds as a number or a string.
func (t *Time) UnmarshalJSON(b []byte) error {
	digits := bytes.Trim(b, `"`)
	if string(digits) == "null" || len(digits) == 0 {
		*t = Time{}
		return nil
	}
	// Parsed by hand: this runs for every object of every event, and
	// strconv would need a string copy.
	var n int64
	neg := digits[0] == '-'
	if neg {
		digits = digits[1:]
	}
	for _, c := range digits {
		if c < '0' || c > '9' || n > (1<<62)/10 {
			return fmt.Errorf("conekta: timestamp %q is not Unix seconds", truncate(string(b)))
		}
		n = n*10 + int64(c-'0')
	}
	if len(digits) == 0 {
		return fmt.Errorf("conekta: timestamp %q is not Unix seconds", truncate(string(b)))
	}
	if neg {
		n = -n
	}
	*t = Unix(n)
	return nil
}

// MarshalJSON writes Unix seconds; the zero Time is 0.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("0"), nil
	}
	return strconv.AppendInt(nil, t.Unix(), 10), nil
}

// Text is a value Conekta sends sometimes as a string and sometimes as a
// number, such as a cash reference (10001140326893401915, too large for any
// integer type) or an authorization code. It keeps the text either way. It
// is pagos.Text, the type toku.Text and fygaro.Text name too.
type Text = pagos.Text

// Metadata is free data you attach to a customer or order. On orders Conekta
// allows at most 100 keys with scalar values: strings of at most 249
// characters, integers (int, int64, json.Number) and booleans. Decoded
// numbers are json.Number, so no value loses digits.
type Metadata map[string]any

// UnmarshalJSON keeps numbers exact as json.Number.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*m = nil
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v map[string]any
	if err := d.Decode(&v); err != nil {
		return fmt.Errorf("conekta: metadata must be an object: %w", err)
	}
	*m = v
	return nil
}

const (
	maxMetadataKeys  = 100
	maxMetadataValue = 249
)

func (m Metadata) check(field string) error {
	if len(m) > maxMetadataKeys {
		return check.Invalid(provider, field, "has %d keys; Conekta allows at most %d", len(m), maxMetadataKeys)
	}
	for k, v := range m {
		if strings.TrimSpace(k) == "" {
			return check.Invalid(provider, field, "has an empty key")
		}
		switch v := v.(type) {
		case string:
			if n := utf8.RuneCountInString(v); n > maxMetadataValue {
				return check.Invalid(provider, field, "value of %q has %d characters; Conekta allows at most %d", k, n, maxMetadataValue)
			}
		case bool, int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, json.Number:
		default:
			return check.Invalid(provider, field, "value of %q is a %T; Conekta takes only strings, integers and booleans (no objects or lists)", k, v)
		}
	}
	return nil
}

// Bool returns a pointer to v, for optional fields of params.
func Bool(v bool) *bool { return &v }

// sendsNothing reports whether params would encode to an empty JSON object,
// which makes an update a no-op the caller surely did not mean.
func sendsNothing(params any) bool {
	b, err := json.Marshal(params)
	return err == nil && string(b) == "{}"
}

func checkEmail(field, v string) error {
	if v != "" && !check.LooksLikeEmail(v) {
		return check.Invalid(provider, field, "%q is not an email address such as ana@example.com", v)
	}
	return nil
}

func checkURL(field, v string) error {
	if u, err := url.Parse(v); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return check.Invalid(provider, field, "must be an absolute https URL such as https://example.com/webhooks/conekta")
	}
	return nil
}

func truncate(s string) string {
	if len(s) > 24 {
		return s[:24] + "…"
	}
	return s
}

// call sends r and decodes a 2xx answer into a new T. Whenever the error is
// non-nil the result is nil, never a zero or half-decoded value, so every
// service method keeps the rule "a nil *T with every error" by returning
// what call returns.
func call[T any](ctx context.Context, c *Client, r *httpcore.Request, opts []RequestOption) (*T, error) {
	out := new(T)
	if err := c.do(ctx, r, out, opts); err != nil {
		return nil, err
	}
	return out, nil
}
