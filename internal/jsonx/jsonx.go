package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
)

// Text is an identifier a provider sends sometimes as a JSON string and
// sometimes as a number (or a boolean): it keeps the text either way, a
// number's digits exactly as sent. null decodes to "". Provider packages
// re-export it (toku.Code, conekta.Text).
type Text string

// UnmarshalJSON accepts a string, number or boolean.
func (t *Text) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*t = ""
	case len(b) >= 2 && b[0] == '"' && b[len(b)-1] == '"' && bytes.IndexByte(b, '\\') < 0:
		*t = Text(b[1 : len(b)-1]) // no escapes: the text is as sent, decoded without a second pass
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*t = Text(s)
	case string(b) == "true" || string(b) == "false":
		*t = Text(b)
	default:
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return errors.New("expected a string, number or boolean")
		}
		*t = Text(b)
	}
	return nil
}

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
	var t Text
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
