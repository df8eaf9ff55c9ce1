package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"

	"github.com/pagos-go/pagos"
)

// IDText returns a JSON id as text: a string's content, or a number's digits
// exactly as sent (a signature over the id covers the text as sent).
// Providers document string ids but may send numbers.
func IDText(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", errors.New("no id")
	}
	if raw[0] == '"' {
		s, err := strconv.Unquote(string(raw))
		if err != nil && json.Unmarshal(raw, &s) != nil {
			return "", errors.New("bad id")
		}
		if s == "" {
			return "", errors.New("empty id")
		}
		return s, nil
	}
	var n json.Number
	if raw[0] == '{' || raw[0] == '[' || json.Unmarshal(raw, &n) != nil {
		return "", errors.New("id must be a string or number")
	}
	return string(raw), nil
}

// Loose is the text of a JSON value in a field whose shape is not part of
// any envelope: a string's content, a number's or boolean's text as sent, ""
// for null, and any other value (an object, an array) as its compact JSON.
// Decoding it never fails, so an authentic delivery is never refused for
// such a field, and two copies of one value give the same text.
type Loose string

// UnmarshalJSON keeps the value's text; it never fails.
func (l *Loose) UnmarshalJSON(b []byte) error {
	var t pagos.Text
	if t.UnmarshalJSON(b) == nil {
		*l = Loose(t)
		return nil
	}
	var buf bytes.Buffer
	if json.Compact(&buf, b) != nil {
		*l = Loose(b)
		return nil
	}
	*l = Loose(buf.String())
	return nil
}
