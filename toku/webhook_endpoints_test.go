package toku

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/pagos-go/pagos/internal/testutil"
)

const endpointResponse = `{
  "enabled_events": ["payment_method.attached", "payment_intent.succeeded"],
  "status": "enabled",
  "url": "https://prueba.com",
  "id": "whe_oJJDbbiXBgwOEzpIBzJMWAids_5xgmHS",
  "secret": "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn"
}`

func TestWebhookEndpointsCreateDefaultsToEnabled(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/webhook_endpoints", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"enabled_events":["payment_method.attached","payment_intent.succeeded"],"status":"enabled","url":"https://prueba.com"}`)
		respond(w, 201, endpointResponse)
	})
	ep, err := c.WebhookEndpoints.Create(t.Context(), &WebhookEndpointParams{
		URL: "https://prueba.com", EnabledEvents: []EventType{EventPaymentMethodAttached, EventPaymentIntentSucceeded},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := &WebhookEndpoint{ID: "whe_oJJDbbiXBgwOEzpIBzJMWAids_5xgmHS", URL: "https://prueba.com", Status: EndpointEnabled,
		EnabledEvents: []EventType{EventPaymentMethodAttached, EventPaymentIntentSucceeded}, Secret: "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn"}
	if diff := cmp.Diff(want, ep); diff != "" {
		t.Errorf("endpoint (-want +got):\n%s", diff)
	}
}

func TestSecretNeverPrints(t *testing.T) {
	t.Parallel()
	ep := &WebhookEndpoint{ID: "whe_1", Secret: "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn"}
	var logs testutil.LogBuffer
	logs.Logger().Info("endpoint", "ep", ep, "secret", ep.Secret)
	js, _ := json.Marshal(ep)
	for _, s := range []string{fmt.Sprint(ep), fmt.Sprintf("%+v %#v", *ep, *ep), logs.String(), string(js)} {
		if strings.Contains(s, "DTouU4ek2") {
			t.Fatalf("secret leaked: %s", s)
		}
	}
	if !strings.Contains(logs.String(), "[redacted]") {
		t.Fatalf("log lacks the placeholder, so the check proves nothing: %s", logs.String())
	}
	if string(ep.Secret) != "whesec_DTouU4ek2-tMhBO9sBUZNVC8tIIJuZsn" {
		t.Fatal("conversion lost the value")
	}
	_ = slog.Default()
}

func TestWebhookEndpointsGetListUpdateTest(t *testing.T) {
	t.Parallel()
	c, mux := setup(t)
	mux.HandleFunc("/webhook_endpoints", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "GET", "", "")
		respond(w, 200, "["+endpointResponse+"]")
	})
	mux.HandleFunc("/webhook_endpoints/whe_1", func(w http.ResponseWriter, r *http.Request) {
		if r.Method == "PUT" {
			wire(t, r, "PUT", "", `{"status":"disabled"}`)
		} else {
			wire(t, r, "GET", "", "")
		}
		respond(w, 200, `{"id":"whe_1","status":"disabled","url":"https://x","enabled_events":["transaction.success"]}`)
	})
	mux.HandleFunc("/dummy_webhook", func(w http.ResponseWriter, r *http.Request) {
		wire(t, r, "POST", "", `{"event_type":"transaction.success","url":"https://example.com/hook"}`)
		respond(w, 200, `{"message":"sent"}`)
	})
	ctx := t.Context()
	list, err := c.WebhookEndpoints.List(ctx)
	if err != nil || len(list) != 1 || list[0].ID != "whe_oJJDbbiXBgwOEzpIBzJMWAids_5xgmHS" {
		t.Fatalf("List = %v, %v", list, err)
	}
	if ep, err := c.WebhookEndpoints.Get(ctx, "whe_1"); err != nil || ep.Status != EndpointDisabled {
		t.Fatalf("Get = %+v, %v", ep, err)
	}
	if ep, err := c.WebhookEndpoints.Update(ctx, "whe_1", &WebhookEndpointParams{Status: EndpointDisabled}); err != nil || ep.Status != EndpointDisabled {
		t.Fatalf("Update = %+v, %v", ep, err)
	}
	res, err := c.WebhookEndpoints.Test(ctx, &TestParams{EventType: EventTransactionSuccess, URL: "https://example.com/hook"})
	if err != nil || string(res.Raw) != `{"message":"sent"}` {
		t.Fatalf("Test = %s, %v", res.Raw, err)
	}
}

func TestWebhookEndpointsValidate(t *testing.T) {
	t.Parallel()
	c, _ := setup(t)
	ctx := t.Context()
	bad := []*WebhookEndpointParams{
		{EnabledEvents: []EventType{EventTransactionSuccess}},
		{URL: "https://x"},
		{URL: "not a url", EnabledEvents: []EventType{EventTransactionSuccess}},
		{URL: "https://x", EnabledEvents: []EventType{EventTransactionSuccess}, Status: "on"},
	}
	for _, p := range bad {
		if _, err := c.WebhookEndpoints.Create(ctx, p); !errors.Is(err, ErrInvalidRequest) {
			t.Errorf("Create(%+v) err = %v", p, err)
		}
	}
	if _, err := c.WebhookEndpoints.Update(ctx, "whe_1", &WebhookEndpointParams{}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("empty Update err = %v", err)
	}
	if _, err := c.WebhookEndpoints.Test(ctx, &TestParams{EventType: EventTransactionSuccess}); !errors.Is(err, ErrInvalidRequest) {
		t.Errorf("Test without URL err = %v", err)
	}
}
