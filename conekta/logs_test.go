package conekta

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// The spec's log_response_for_request example (its headers shortened).
const logJSON = `{"created_at":1661445644,"id":"6307a60c41de27127515a575","ip_address":"54.235.131.48","livemode":true,
	"loggable_id":"ord_87632467832","loggable_type":"order","method":"POST","oauth_token_id":null,"query_string":{"amount":3000,"payable":true},
	"related":"FilterResource","request_body":{"page":"0","report_type":"charges","testMode":false},
	"request_headers":{"Accept":"application/vnd.conekta-v2.3.0+json","Apiversion":"2.3.0"},"response_body":{},
	"response_headers":{"Content-Type":"application/json; charset=utf-8"},"searchable_tags":["6307a60c41de27127515a575","6307a60c41de27127515a571"],
	"status":200,"updated_at":"2022-08-25 16:40:44.887000+00:00","url":"/filter_resource","user_account_id":"5a0b7001edbb6e1725b0b2c6","version":"2.3.0"}`

func TestLogs(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/logs", func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("next") {
		case "":
			wire(t, r, "GET", "limit=1&search=ord_87632467832", "")
			respond(w, 200, `{"object":"list","has_more":true,"next_page_url":"https://api.conekta.io/logs?next=6307a60c41de27127515a575","previous_page_url":null,"data":[`+logJSON+`]}`)
		default:
			wire(t, r, "GET", "limit=1&next=6307a60c41de27127515a575&search=ord_87632467832", "")
			respond(w, 200, `{"object":"list","has_more":false,"next_page_url":null,"previous_page_url":null,"data":null}`)
		}
	})
	mux.HandleFunc("/logs/6307a60c41de27127515a575", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, logJSON)
	})
	ctx := t.Context()
	got, err := c.Logs.Get(ctx, "6307a60c41de27127515a575")
	if err != nil {
		t.Fatal(err)
	}
	want := &RequestLog{ID: "6307a60c41de27127515a575", Livemode: true, CreatedAt: Unix(1661445644), UpdatedAt: "2022-08-25 16:40:44.887000+00:00",
		Method: "POST", URL: "/filter_resource", Status: "200", Version: "2.3.0", IPAddress: "54.235.131.48", LoggableType: "order",
		LoggableID: "ord_87632467832", Related: "FilterResource", UserAccountID: "5a0b7001edbb6e1725b0b2c6",
		SearchableTags:  []string{"6307a60c41de27127515a575", "6307a60c41de27127515a571"},
		QueryString:     json.RawMessage(`{"amount":3000,"payable":true}`),
		RequestBody:     json.RawMessage(`{"page":"0","report_type":"charges","testMode":false}`),
		ResponseBody:    json.RawMessage(`{}`),
		RequestHeaders:  map[string]string{"Accept": "application/vnd.conekta-v2.3.0+json", "Apiversion": "2.3.0"},
		ResponseHeaders: map[string]string{"Content-Type": "application/json; charset=utf-8"}}
	if diff := cmp.Diff(want, got, cmpopts.IgnoreFields(RequestLog{}, "Raw")); diff != "" {
		t.Errorf("Get (-want +got):\n%s", diff)
	}
	p := &ListParams{Limit: 1, Search: "ord_87632467832"}
	l, err := c.Logs.List(ctx, p)
	if err != nil || len(l.Data) != 1 || !l.HasMore || l.NextCursor != want.ID {
		t.Fatalf("List = %+v, %v", l, err)
	}
	var ids []string
	for lg, err := range c.Logs.All(ctx, p) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, lg.ID)
	}
	if len(ids) != 1 || ids[0] != want.ID || p.Next != "" {
		t.Errorf("All gave %v; params now %+v", ids, p)
	}
	for _, id := range []string{"", ".."} {
		if _, err := c.Logs.Get(ctx, id); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Get(%q): %v", id, err)
		}
	}
}
