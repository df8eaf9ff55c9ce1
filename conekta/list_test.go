package conekta

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

// A list decodes from Conekta's list object and from the bare array some
// event payloads carry; NextCursor is left to the service's List method.
func TestListDecodes(t *testing.T) {
	t.Parallel()
	testutil.DecodesTo(t, map[string]List[string]{
		`{"object":"list","has_more":true,"next_page_url":"https://x","data":["a","b"]}`: {Data: []string{"a", "b"}, HasMore: true},
		`{"object":"list","has_more":false,"total":1,"data":["a"]}`:                      {Data: []string{"a"}},
		` ["a"] `: {Data: []string{"a"}},
	})
	b, err := json.Marshal(List[string]{NextCursor: "x"})
	if err != nil || string(b) != `{"object":"list","has_more":false,"data":[]}` {
		t.Errorf("MarshalJSON = %s, %v", b, err)
	}
}

// All follows NextCursor (the last object's id) while has_more, through a
// bare-array page too, and refuses a has_more page with no id to page from.
func TestAllPageShapes(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/events", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("next") {
		case "":
			wire(t, r, "GET", "", "")
			respond(w, 200, `{"object":"list","has_more":true,"data":[{"id":"evt_1","type":"order.paid"}]}`)
		case "evt_1":
			respond(w, 200, `[{"id":"evt_2","type":"order.paid"}]`)
		}
	})
	mux.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 200, `{"object":"list","has_more":true,"data":[{"url":"https://example.com/hook"}]}`)
	})
	var ids []string
	for e, err := range c.Events.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, e.ID)
	}
	if diff := cmp.Diff([]string{"evt_1", "evt_2"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	var last error
	n := 0
	for _, err := range c.Webhooks.All(t.Context(), nil) {
		if err != nil {
			last = err
			break
		}
		n++
	}
	if n != 0 || last == nil {
		t.Fatalf("All gave %d webhooks, %v; want only an error", n, last)
	}
}
