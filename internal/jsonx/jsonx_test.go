package jsonx

import (
	"encoding/json"
	"testing"
)

func TestIDText(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]string{`"evt_1"`: "evt_1", `12345678901234567890`: "12345678901234567890", ` "a\"b" `: `a"b`} {
		if got, err := IDText(json.RawMessage(raw)); err != nil || got != want {
			t.Errorf("IDText(%s) = %q, %v; want %q", raw, got, err, want)
		}
	}
	for _, bad := range []string{``, `null`, `""`, `true`, `{}`, `[1]`, `1x`} {
		if _, err := IDText(json.RawMessage(bad)); err == nil {
			t.Errorf("IDText(%s) accepted", bad)
		}
	}
}

// FuzzIDText: event ids come from the network.
func FuzzIDText(f *testing.F) {
	for _, s := range []string{`"x"`, `1`, `null`, `true`, `{}`, `"\u00e9"`, `-1.5e3`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = IDText(b)
		var l Loose
		if err := l.UnmarshalJSON(b); err != nil {
			t.Fatalf("Loose refused %q: %v", b, err)
		}
	})
}

func TestLoose(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{`"x"`: "x", `12`: "12", `null`: "", `true`: "true", `{ "a" : [1, 2] }`: `{"a":[1,2]}`, `[ ]`: `[]`} {
		var l Loose
		if err := l.UnmarshalJSON([]byte(in)); err != nil || string(l) != want {
			t.Errorf("Loose(%s) = %q, %v; want %q", in, l, err, want)
		}
	}
}
