package conekta

import "encoding/json"

// keepRaw decodes b into v (a plain copy of a result type, without its
// UnmarshalJSON) and keeps b in raw, so a field pagos does not model is
// still at hand.
func keepRaw(b []byte, v any, raw *json.RawMessage) error {
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	*raw = append(json.RawMessage(nil), b...)
	return nil
}
