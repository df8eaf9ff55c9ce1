package toku

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pagos-go/pagos"
	"github.com/pagos-go/pagos/internal/check"
	"github.com/pagos-go/pagos/internal/httpcore"
)

// Amount is an exact decimal amount in the currency's major unit (pesos, not
// centavos): Toku sends 1000, 100.0 or "10000.0000" for the same kind of
// field, and all decode exactly. It is pagos.Amount, whose methods add,
// subtract and compare exactly; compare with Cmp or Equal, never ==.
type Amount = pagos.Amount

// ErrInvalidAmount matches the error ParseAmount returns for text that is
// not a decimal number; it is pagos.ErrInvalidAmount.
var ErrInvalidAmount = pagos.ErrInvalidAmount

// ParseAmount reads a decimal amount such as "19990" or "100.50".
func ParseAmount(s string) (Amount, error) { return pagos.ParseAmount(s) }

// AmountFromWhole returns n whole pesos: AmountFromWhole(19990) is 19990
// pesos, not 199.90.
func AmountFromWhole(n int64) Amount { return pagos.AmountFromWhole(n) }

// AmountFromCents returns cents hundredths of a peso, exactly:
// AmountFromCents(19990) is 199.90 pesos.
func AmountFromCents(cents int64) Amount { return pagos.AmountFromCents(cents) }

// Date is a calendar date without a time zone, sent as "YYYY-MM-DD".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

// ParseDate reads "YYYY-MM-DD".
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("toku: date %q is not YYYY-MM-DD", s)
	}
	return DateOf(t), nil
}

// String returns "YYYY-MM-DD", or "" for the zero Date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// IsZero reports whether d is the zero Date.
func (d Date) IsZero() bool { return d == Date{} }

// valid reports whether d names a real calendar day.
func (d Date) valid() bool {
	return !d.IsZero() && DateOf(d.time()) == d
}

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// AddDays returns d moved by n days.
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Before reports whether d is earlier than o.
func (d Date) Before(o Date) bool { return d.time().Before(o.time()) }

// MarshalJSON writes "YYYY-MM-DD".
func (d Date) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(d.String())), nil }

// UnmarshalJSON reads "YYYY-MM-DD", tolerating a time part after the date;
// null and "" leave d zero.
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if string(b) == "null" {
		return nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("toku: date must be a string: %w", err)
	}
	if s == "" {
		return nil
	}
	if len(s) > 10 {
		s = s[:10]
	}
	v, err := ParseDate(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Time is a timestamp as Toku sends it: RFC 3339, or a local-looking
// "2021-04-22T14:03:39.410000" or "2025-06-16 20:02:45.377877" with no zone,
// which Toku does not document; those are read as UTC.
type Time struct {
	time.Time
}

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.DateOnly,
}

// UnmarshalJSON reads any of Toku's timestamp forms, or a Unix time number.
func (t *Time) UnmarshalJSON(b []byte) error {
	s := string(b)
	if s == "null" || s == `""` {
		return nil
	}
	if n, err := strconv.ParseInt(s, 10, 64); err == nil {
		t.Time = time.Unix(n, 0).UTC()
		return nil
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("toku: timestamp must be a string: %w", err)
	}
	for _, l := range timeLayouts {
		if v, err := time.Parse(l, s); err == nil {
			t.Time = v
			return nil
		}
	}
	return fmt.Errorf("toku: unrecognised timestamp %q", s)
}

// MarshalJSON writes RFC 3339, or null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return []byte(strconv.Quote(t.Format(time.RFC3339Nano))), nil
}

// Metadata holds text values keyed by names created beforehand in Toku's web
// app. Each value may have at most 256 characters. Decoding keeps numbers and
// booleans as their text.
type Metadata map[string]string

// UnmarshalJSON accepts any scalar values, keeping their text.
func (m *Metadata) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("toku: metadata must be an object: %w", err)
	}
	out := make(Metadata, len(raw))
	for k, v := range raw {
		if string(v) == "null" {
			continue
		}
		if s, err := strconv.Unquote(string(v)); err == nil {
			out[k] = s
		} else {
			out[k] = string(v) // a number, boolean or nested value as JSON text
		}
	}
	*m = out
	return nil
}

const maxMetadataValue = 256

func (m Metadata) check(field string) error {
	for k, v := range m {
		if strings.TrimSpace(k) == "" {
			return check.Invalid("toku", field, "has an empty key; use the names created in Toku's web app")
		}
		if n := utf8.RuneCountInString(v); n > maxMetadataValue {
			return check.Invalid("toku", field, "value of %q has %d characters; Toku allows at most %d", k, n, maxMetadataValue)
		}
	}
	return nil
}

// Secret is a credential Toku returns, such as a webhook endpoint's signing
// secret ("whesec_…"). It prints, logs and JSON-encodes as a redacted
// placeholder so it cannot leak by accident; convert it with string(s) where
// you need the value, such as when creating the webhook handler.
type Secret = pagos.Secret

// Text is an identifier Toku sends sometimes as a number and sometimes as a
// string, such as a response code; it keeps the text either way. It is
// pagos.Text, the type conekta.Text and fygaro.Text name too.
type Text = pagos.Text

// Bool returns a pointer to v, for optional fields of params.
func Bool(v bool) *bool { return &v }

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
