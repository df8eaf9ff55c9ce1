package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

// newShop starts the four fakes and wires each provider's webhooks to the
// shop in one Subscribe call: the fake registers the handler's URL and
// builds it with the secret or keys (and clock) it issued.
func newShop(t *testing.T) (*Shop, *httptest.Server, *tokutest.Server, *conektatest.Server, *fygarotest.Server, *tpagatest.Server) {
	tk, ck, fg, tp := tokutest.NewServer(t), conektatest.NewServer(t), fygarotest.NewServer(t), tpagatest.NewServer(t)
	s := &Shop{Toku: tk.Client(), Conekta: ck.Client(), Fygaro: fg.Button(), Tpaga: tp.Client()}
	tk.Subscribe(s.OnToku, webhook.WithTokuConfirmation(s.Toku))
	ck.Subscribe(s.OnConekta)
	fg.Subscribe(s.OnFygaro)
	tp.Subscribe(s.OnTpaga)
	api := httptest.NewServer(s.Routes())
	t.Cleanup(api.Close)
	return s, api, tk, ck, fg, tp
}

// post sends an order to the shop's API and decodes its answer.
func post(t *testing.T, url, body string) map[string]string {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]string
	if resp.StatusCode != http.StatusOK || json.NewDecoder(resp.Body).Decode(&out) != nil {
		t.Fatalf("POST %s: %s", url, resp.Status)
	}
	return out
}

func TestCustomersPayAndWebhooksRecordIt(t *testing.T) {
	ctx := context.Background()
	s, api, tk, ck, fg, tp := newShop(t)

	// Toku: an invoice, paid at Toku's portal.
	inv := post(t, api.URL+"/invoices", `{"id":"o-1","name":"Ana","email":"ana@example.com","document":"11111111-1","amount":19990}`)
	pay, err := tk.PayInvoice(ctx, inv["invoice"])
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Paid("toku", pay.TransactionID); got != "19990" {
		t.Errorf("toku: paid %q, want 19990", got)
	}

	// Conekta: an OXXO reference, paid at the till (200.00 MXN, in centavos).
	oxxo := post(t, api.URL+"/oxxo", `{"id":"o-2","name":"Fulanito","email":"f@example.com","phone":"+5218181818181","amount":200}`)
	if _, err := ck.PayAtTill(ctx, oxxo["reference"], 20000); err != nil {
		t.Fatal(err)
	}
	if err := ck.Settle(ctx); err != nil { // Conekta delivers after answering
		t.Fatal(err)
	}
	if got := s.Paid("conekta", oxxo["order"]); got != "20000" {
		t.Errorf("conekta: paid %q, want 20000", got)
	}

	// Fygaro: a link, paid at Fygaro's checkout.
	link := post(t, api.URL+"/links", `{"id":"o-3","amount":25}`)
	fpay, err := fg.Pay(ctx, link["link"], nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Paid("fygaro", fpay.Reference); got != "25.00 USD" {
		t.Errorf("fygaro: paid %q, want 25.00 USD", got)
	}

	// Tpaga: an Efecty reference, paid at a kiosk (the staging simulator).
	ref := post(t, api.URL+"/efecty", `{"id":"o-4","name":"Noa","document":"111222333","amount":20000}`)
	if _, err := tp.EfectySimulator().Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref["reference"], Amount: 20000, EfectyOrderID: "999777555"}); err != nil {
		t.Fatal(err)
	}
	if got := s.Paid("tpaga", "999777555"); got != "20000" {
		t.Errorf("tpaga: paid %q, want 20000", got)
	}
}

// Input pagos refuses is a 400 naming the field, before anything is sent.
func TestRefusedInputIsABadRequest(t *testing.T) {
	_, api, _, _, _, _ := newShop(t)
	resp, err := http.Post(api.URL+"/efecty", "application/json", strings.NewReader(`{"id":"o-5","name":"Noa","amount":20000}`))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var msg strings.Builder
	_, _ = io.Copy(&msg, resp.Body)
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(msg.String(), "DocumentNumber") {
		t.Fatalf("%s: %s", resp.Status, msg.String())
	}
}

// main refuses to start without the providers' credentials.
func TestNewServerNeedsCredentials(t *testing.T) {
	if _, err := newServer(context.Background(), func(string) string { return "" }); err == nil {
		t.Fatal("started without credentials")
	}
}
