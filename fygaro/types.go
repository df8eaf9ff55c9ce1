package fygaro

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/pagos-go/pagos"
)

// Amount is an exact decimal amount in the currency's major unit (dollars,
// colones, balboas; not cents). Fygaro sends and expects decimal strings with
// at most two places, such as "100.01"; Amount decodes them exactly. It is
// pagos.Amount, whose methods add, subtract and compare exactly; compare
// with Cmp or Equal, never ==.
type Amount = pagos.Amount

// ErrInvalidAmount matches the error ParseAmount returns for text that is
// not a decimal number; it is pagos.ErrInvalidAmount.
var ErrInvalidAmount = pagos.ErrInvalidAmount

// ParseAmount reads a decimal amount such as "100.01" or "25".
func ParseAmount(s string) (Amount, error) { return pagos.ParseAmount(s) }

// AmountFromWhole returns n whole units (dollars, colones): AmountFromWhole(100)
// is 100 dollars, not 1.00.
func AmountFromWhole(n int64) Amount { return pagos.AmountFromWhole(n) }

// AmountFromCents returns cents hundredths of the currency's unit, exactly:
// AmountFromCents(10001) is 100.01.
func AmountFromCents(cents int64) Amount { return pagos.AmountFromCents(cents) }

// Text is a value Fygaro sends sometimes as a string and sometimes as a
// number, such as a reference; it keeps the text either way. It is
// pagos.Text, the type toku.Text and conekta.Text name too.
type Text = pagos.Text

// ClientData is the customer's name, email and phone: what a dynamic link
// pre-fills on the checkout page (clientData) and what the hook reports the
// customer entered.
type ClientData struct {
	Name  string `json:"name,omitempty"`
	Email string `json:"email,omitempty"`
	Phone string `json:"phone,omitempty"`
}

// Time is a Unix time as Fygaro sends it in createdAt: whole seconds as a
// JSON number, or the same digits in a string. A fraction of a second, if
// one is sent, is kept exactly; milliseconds (13 digits) and RFC 3339 text
// are read too.
type Time struct {
	time.Time
}

// UnmarshalJSON reads createdAt in any of the forms above. It never fails:
// a form it cannot read leaves t zero, so an authentic hook is never refused
// over its timestamp's shape (a JWT-only hook then has its age checked by
// its iat, or is refused for having none).
func (t *Time) UnmarshalJSON(b []byte) error {
	t.Time = time.Time{}
	if len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' {
		b = b[1 : len(b)-1]
	}
	if v, ok := parseUnix(b); ok {
		t.Time = v
	} else if v, ok := parseUnixMilli(b); ok {
		t.Time = v
	} else if v, err := time.Parse(time.RFC3339Nano, string(b)); err == nil {
		t.Time = v
	}
	return nil
}

// parseUnixMilli reads whole milliseconds since the Unix epoch (13 digits).
func parseUnixMilli(b []byte) (time.Time, bool) {
	if len(b) != 13 {
		return time.Time{}, false
	}
	var ms int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		ms = ms*10 + int64(c-'0')
	}
	return time.UnixMilli(ms).UTC(), true
}

// parseUnix reads "1700000000" or "1700000000.25": digits, and at most nine
// after a point, without floating point.
func parseUnix(b []byte) (time.Time, bool) {
	secText, frac, dot := bytes.Cut(b, []byte{'.'})
	if len(secText) == 0 || len(secText) > 12 || len(frac) > 9 || (dot && len(frac) == 0) {
		return time.Time{}, false
	}
	var sec, nsec int64
	for _, c := range secText {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
		sec = sec*10 + int64(c-'0')
	}
	for i := range 9 {
		nsec *= 10
		if i < len(frac) {
			if frac[i] < '0' || frac[i] > '9' {
				return time.Time{}, false
			}
			nsec += int64(frac[i] - '0')
		}
	}
	return time.Unix(sec, nsec).UTC(), true
}

// MarshalJSON writes Unix seconds as a number, or null for the zero Time.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	s := strconv.FormatInt(t.Unix(), 10)
	if ns := t.Nanosecond(); ns != 0 {
		s += strings.TrimRight(fmt.Sprintf(".%09d", ns), "0")
	}
	return []byte(s), nil
}

// Secret is a Fygaro API secret. It prints, logs and JSON-encodes as a
// redacted placeholder so it cannot leak by accident; convert it with
// string(s) where you need the value.
type Secret = pagos.Secret

func truncate(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
