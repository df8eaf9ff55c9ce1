package fake

import (
	"bytes"
	"strings"
	"testing"
)

type testState struct {
	Customers map[string]string `json:"customers"`
	IDs       int               `json:"ids"`
}

func TestStateRoundTrip(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	in := testState{Customers: map[string]string{"cus_000001": "Ana"}, IDs: 3}
	if err := WriteState(&buf, "toku", in); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"fake": "toku"`) || !strings.Contains(buf.String(), `"version": 1`) {
		t.Fatalf("envelope: %s", buf.String())
	}
	var out testState
	if err := ReadState(&buf, "toku", &out); err != nil {
		t.Fatal(err)
	}
	if out.IDs != 3 || out.Customers["cus_000001"] != "Ana" {
		t.Fatalf("read back %+v", out)
	}
}

func TestReadStateRefusesWhatIsNotItsState(t *testing.T) {
	t.Parallel()
	var good bytes.Buffer
	if err := WriteState(&good, "toku", testState{IDs: 1}); err != nil {
		t.Fatal(err)
	}
	half := good.String()[:good.Len()/2]
	for _, tc := range []struct{ name, file, want string }{
		{"empty", "", "empty"},
		{"blank", " \n", "empty"},
		{"truncated", half, "not a fake's state"},
		{"not json", "customers: 1", "not a fake's state"},
		{"other fake", `{"fake":"conekta","version":1,"state":{}}`, `written by the "conekta" fake`},
		{"other version", `{"fake":"toku","version":2,"state":{}}`, "format version 2"},
		{"no state", `{"fake":"toku","version":1}`, "no state"},
		{"null state", `{"fake":"toku","version":1,"state":null}`, "no state"},
		{"unknown envelope field", `{"fake":"toku","version":1,"state":{},"x":1}`, "not a fake's state"},
		{"unknown state field", `{"fake":"toku","version":1,"state":{"orders":{}}}`, "do not parse"},
		{"wrong type", `{"fake":"toku","version":1,"state":{"ids":"3"}}`, "do not parse"},
		{"trailing data", good.String() + "{}", "after the end"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out testState
			err := ReadState(strings.NewReader(tc.file), "toku", &out)
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "tokutest: ") {
				t.Fatalf("err = %v, want one starting tokutest: and containing %q", err, tc.want)
			}
		})
	}
}

func FuzzReadState(f *testing.F) {
	f.Add([]byte(`{"fake":"toku","version":1,"state":{"customers":{"a":"b"},"ids":2}}`))
	f.Add([]byte(`{"fake":"toku","version":1,"state":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var out testState
		_ = ReadState(bytes.NewReader(b), "toku", &out) // must not panic
	})
}
