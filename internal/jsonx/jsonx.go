package jsonx

import (
	"bytes"
	"encoding/json"
	"errors"
	"strconv"
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
