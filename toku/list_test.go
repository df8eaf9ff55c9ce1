package toku

import (
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

// A list decodes from Toku's {"items", "next_cursor"} object, the same under
// "data", and from a bare array; HasMore follows the cursor.
func TestListDecodes(t *testing.T) {
	t.Parallel()
	testutil.DecodesTo(t, map[string]List[string]{
		`{"items":["a","b"],"next_cursor":"c2"}`: {Data: []string{"a", "b"}, HasMore: true, NextCursor: "c2"},
		`{"data":["a"],"next_cursor":null}`:      {Data: []string{"a"}},
		` ["a"] `:                                {Data: []string{"a"}},
	})
}

// All pages through a bare-array answer (one page) and refuses a page that
// says has_more without a cursor rather than stopping short.
func TestAllPageShapes(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/customers", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 200, `[{"id":"cus_1"},{"id":"cus_2"}]`)
	})
	mux.HandleFunc("/invoices", func(w http.ResponseWriter, r *http.Request) {
		respond(w, 200, `{"data":[{"id":"in_1"}],"has_more":true}`)
	})
	var ids []string
	for cus, err := range c.Customers.All(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, cus.ID)
	}
	if diff := cmp.Diff([]string{"cus_1", "cus_2"}, ids); diff != "" {
		t.Errorf("All (-want +got):\n%s", diff)
	}
	var got []string
	var last error
	for inv, err := range c.Invoices.All(t.Context(), &InvoiceListParams{CustomerID: "cus_1"}) {
		if err != nil {
			last = err
			break
		}
		got = append(got, inv.ID)
	}
	if len(got) != 0 || last == nil {
		t.Fatalf("All = %v, %v; want only an error", got, last)
	}
}
