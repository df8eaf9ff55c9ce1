package pagos

import (
	"encoding/json"
	"testing"
)

func TestText(t *testing.T) {
	t.Parallel()
	var v struct{ A, B, C, D, E Text }
	if err := json.Unmarshal([]byte(`{"A":"ref-1","B":12345678901234567890,"C":null,"D":true,"E":"a\u00e9"}`), &v); err != nil {
		t.Fatal(err)
	}
	if v.A != "ref-1" || v.B != "12345678901234567890" || v.C != "" || v.D != "true" || v.E != "aé" {
		t.Fatalf("decoded %+v", v)
	}
	for _, bad := range []string{`{"A":{}}`, `{"A":[1]}`} {
		if err := json.Unmarshal([]byte(bad), &v); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// FuzzText: providers' ids and references come from the network.
func FuzzText(f *testing.F) {
	for _, s := range []string{`"x"`, `1`, `null`, `true`, `{}`, `"\u00e9"`, `-1.5e3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var x Text
		_ = x.UnmarshalJSON(b)
	})
}
