package pagos

import (
	"bytes"
	"encoding/json"
	"errors"
)

// Text is an identifier a provider sends sometimes as a JSON string and
// sometimes as a number (or a boolean): it keeps the text either way, a
// number's digits exactly as sent. null decodes to "". Provider packages
// re-export it under the same name (toku.Text, conekta.Text, fygaro.Text).
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
