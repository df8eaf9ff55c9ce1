package tpaga

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestReferenceDetailsGet(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t)
	mux.HandleFunc(api+"/reference-details/", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "reference=TSREYSANTANA", "")
		respond(w, 200, `{"is_permanent":true,"enabled":true,"deposit_intents":[]}`)
	})
	got, err := c.ReferenceDetails.Get(t.Context(), "TSREYSANTANA")
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(&ReferenceDetails{IsPermanent: true, Enabled: true, DepositIntents: []*DepositIntent{}}, got); diff != "" {
		t.Errorf("details (-want +got):\n%s", diff)
	}
	if _, err := c.ReferenceDetails.Get(t.Context(), "TS REY"); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("bad reference err = %v", err)
	}
}

// Tpaga does not publish the deposit intent's fields: each is kept raw, the
// fields named as in the notification are read, and an intent of any other
// shape still decodes.
func TestDepositIntentsKeptRaw(t *testing.T) {
	t.Parallel()
	body := `{"is_permanent":true,"enabled":false,"deposit_intents":[
		{"id":"di_1","amount":20000,"efecty_order_id":"999777555","status":"approved"},
		{"amount":"15000.00","efecty_order_id":123456},
		{"amount":12.5,"efecty_order_id":{}},
		"an intent of a new shape"
	]}`
	var d ReferenceDetails
	if err := json.Unmarshal([]byte(body), &d); err != nil {
		t.Fatal(err)
	}
	type typed struct {
		Amount  int64
		OrderID string
	}
	var got []typed
	for _, di := range d.DepositIntents {
		got = append(got, typed{di.Amount, di.EfectyOrderID})
	}
	want := []typed{{20000, "999777555"}, {15000, "123456"}, {0, ""}, {0, ""}}
	if diff := cmp.Diff(want, got); diff != "" || d.Enabled || !d.IsPermanent {
		t.Errorf("typed fields (-want +got):\n%s", diff)
	}
	if string(d.DepositIntents[0].Raw) != `{"id":"di_1","amount":20000,"efecty_order_id":"999777555","status":"approved"}` ||
		string(d.DepositIntents[3].Raw) != `"an intent of a new shape"` {
		t.Errorf("raw not kept: %s / %s", d.DepositIntents[0].Raw, d.DepositIntents[3].Raw)
	}
	again, _ := json.Marshal(d.DepositIntents[0])
	if string(again) != string(d.DepositIntents[0].Raw) {
		t.Errorf("re-encoded %s", again)
	}
}

func TestErrorFormats(t *testing.T) {
	t.Parallel()
	c, _, mux := setup(t, WithMaxRetries(0))
	bodies := map[int]string{
		400: `{"requester_document_type":["\"NIT\" no es una elección válida."],"description":["Este campo es requerido."]}`,
		401: `{"detail":"Las credenciales de autenticación no se proveyeron."}`,
		403: `{"error":{"message":"Referencias permanentes no habilitadas"}}`,
		404: `{"message":"Reference not found"}`,
		409: `{"error_message":"conflict"}`,
		429: `{"error":"slow down"}`,
		500: `<html>Internal Server Error</html>`,
	}
	mux.HandleFunc(api+"/reference-details/", func(w http.ResponseWriter, r *http.Request) {
		status, _ := strconv.Atoi(r.URL.Query().Get("reference")[1:])
		respond(w, status, bodies[status])
	})
	cases := []struct {
		status   int
		sentinel error
		text     string
	}{
		{400, ErrInvalidRequest, `tpaga: 400: description: Este campo es requerido.; requester_document_type: "NIT" no es una elección válida.`},
		{401, ErrUnauthorized, "tpaga: 401: Las credenciales de autenticación no se proveyeron."},
		{403, ErrForbidden, "tpaga: 403: Referencias permanentes no habilitadas"},
		{404, ErrNotFound, "tpaga: 404: Reference not found"},
		{409, ErrInvalidRequest, "tpaga: 409: conflict"},
		{429, ErrRateLimited, "tpaga: 429: slow down"},
		{500, ErrServer, "tpaga: 500: Internal Server Error"},
	}
	for _, tc := range cases {
		_, err := c.ReferenceDetails.Get(t.Context(), "R"+strconv.Itoa(tc.status))
		var te *Error
		if !errors.Is(err, tc.sentinel) || !errors.As(err, &te) || te.StatusCode != tc.status || string(te.Body) != bodies[tc.status] {
			t.Errorf("status %d: err = %v", tc.status, err)
			continue
		}
		if te.Error() != tc.text {
			t.Errorf("status %d: text %q, want %q", tc.status, te.Error(), tc.text)
		}
	}
}

// FuzzDecodeError: error bodies come from the network and must never panic.
func FuzzDecodeError(f *testing.F) {
	f.Add(400, []byte(`{"description":["required"],"detail":"bad"}`))
	f.Add(403, []byte(`{"error":{"message":"x"}}`))
	f.Add(500, []byte(`<html>`))
	f.Add(404, []byte(`{"error":5,"message":null}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		err := decodeError(status, http.Header{}, body)
		var te *Error
		if !errors.As(err, &te) || te.StatusCode != status || string(te.Body) != string(body) {
			t.Fatalf("decodeError lost the status or body: %v", err)
		}
		_ = err.Error()
	})
}

// FuzzReferenceDetails: details come from the network; an intent of any
// shape must decode without panicking.
func FuzzReferenceDetails(f *testing.F) {
	f.Add([]byte(`{"is_permanent":true,"enabled":true,"deposit_intents":[{"amount":"1.0","efecty_order_id":1}]}`))
	f.Add([]byte(`{"deposit_intents":[null,[],"x",{"amount":{}}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var d ReferenceDetails
		_ = json.Unmarshal(b, &d)
	})
}
