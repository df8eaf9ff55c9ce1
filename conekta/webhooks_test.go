package conekta

import (
	"errors"
	"net/http"
	"strings"
	"testing"
)

func TestWebhooks(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	const hook = `{"id":"6307a5f4b0d4a1000145d3b0","description":"","livemode":false,"active":true,"object":"webhook","status":"listening",
		"subscribed_events":["order.paid","charge.paid"],"url":"https://example.com/webhooks/conekta"}`
	mux.HandleFunc("/webhooks", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "POST" {
			wire(t, r, "POST", "", `{"url":"https://example.com/webhooks/conekta","subscribed_events":["order.paid","charge.paid"]}`)
			respond(w, 200, hook)
			return
		}
		wire(t, r, "GET", "", "")
		respond(w, 200, `{"object":"list","has_more":false,"data":[`+hook+`]}`)
	})
	mux.HandleFunc("/webhooks/6307a5f4b0d4a1000145d3b0", func(w http.ResponseWriter, r *http.Request) {
		switch r.Method {
		case "PUT":
			wire(t, r, "PUT", "", `{"active":false}`)
			respond(w, 200, strings.Replace(hook, `"active":true`, `"active":false`, 1))
		case "DELETE":
			wire(t, r, "DELETE", "", "")
			respond(w, 200, hook)
		default:
			wire(t, r, "GET", "", "")
			respond(w, 200, hook)
		}
	})
	mux.HandleFunc("/webhooks/6307a5f4b0d4a1000145d3b0/test", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", "")
		respond(w, 200, hook)
	})
	ctx := t.Context()
	wh, err := c.Webhooks.Create(ctx, &WebhookParams{URL: "https://example.com/webhooks/conekta", SubscribedEvents: []EventType{EventOrderPaid, EventChargePaid}})
	if err != nil || wh.Status != "listening" || !wh.Active || len(wh.SubscribedEvents) != 2 {
		t.Fatalf("Create = %+v, %v", wh, err)
	}
	if l, err := c.Webhooks.List(ctx, nil); err != nil || len(l.Data) != 1 {
		t.Fatalf("List = %+v, %v", l, err)
	}
	if g, err := c.Webhooks.Get(ctx, wh.ID); err != nil || g.URL != wh.URL {
		t.Fatalf("Get = %+v, %v", g, err)
	}
	if u, err := c.Webhooks.Update(ctx, wh.ID, &WebhookUpdateParams{Active: Bool(false)}); err != nil || u.Active {
		t.Fatalf("Update = %+v, %v", u, err)
	}
	if _, err := c.Webhooks.Test(ctx, wh.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Webhooks.Delete(ctx, wh.ID); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*WebhookParams{nil, {}, {URL: "example.com/hook"}} {
		if _, err := c.Webhooks.Create(ctx, p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v", p, err)
		}
	}
	if _, err := c.Webhooks.Update(ctx, wh.ID, &WebhookUpdateParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty Update: %v", err)
	}
}
