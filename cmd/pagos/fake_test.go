package main

import (
	"bufio"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
)

// lateHandler serves 503 until its handler is set: a receiver whose
// secret is only known once the endpoint is registered at the fake.
type lateHandler struct{ h atomic.Pointer[http.Handler] }

func (l *lateHandler) set(h http.Handler) { l.h.Store(&h) }

func (l *lateHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if h := l.h.Load(); h != nil {
		(*h).ServeHTTP(w, r)
		return
	}
	http.Error(w, "not ready", http.StatusServiceUnavailable)
}

// TestFakeServesAndControls runs pagos fake as a user would: it reads the
// printed settings, creates objects over HTTP with the printed keys, pays
// them through the control subcommands, sees the signed deliveries reach a
// receiver built from the webhook handlers, and stops the fake with SIGTERM.
func TestFakeServesAndControls(t *testing.T) {
	ctx := t.Context()
	const tpagaAuthFake = "Basic fake-test-777"
	var mu sync.Mutex
	seen := map[string]int{}
	count := func(k string) {
		mu.Lock()
		defer mu.Unlock()
		seen[k]++
	}
	quiet := webhook.WithLogger(slog.New(slog.DiscardHandler))
	var tokuH, conektaH lateHandler
	fh, err := webhook.NewFygaroHandler(webhook.FygaroKeys{fygarotest.DefaultHookKeyID: fygarotest.DefaultHookSecret},
		func(_ context.Context, h *fygaro.Hook) error { count("fygaro/" + h.Reference); return nil }, quiet)
	if err != nil {
		t.Fatal(err)
	}
	ph, err := webhook.NewTpagaHandler(tpagaAuthFake, func(_ context.Context, n *tpaga.Notification) error {
		count("tpaga/" + n.Reference)
		return nil
	}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("POST /toku", &tokuH)
	mux.Handle("POST /conekta", &conektaH)
	mux.Handle("POST /fygaro", fh)
	mux.Handle("POST /tpaga", ph)
	recv := httptest.NewServer(mux)
	defer recv.Close()

	cmd := exec.Command(binary, "fake", "-json", "-tpaga-notify", recv.URL+"/tpaga", "-tpaga-auth", tpagaAuthFake, "-fygaro-hook", recv.URL+"/fygaro")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := false
	defer func() {
		if !exited {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("reading the settings: %v; stderr %s", err, stderr.String())
	}
	var env map[string]string
	if err := json.Unmarshal([]byte(line), &env); err != nil {
		t.Fatalf("settings %q: %v", line, err)
	}
	for _, k := range []string{"TOKU_BASE_URL", "TOKU_API_KEY", "CONEKTA_BASE_URL", "CONEKTA_API_KEY", "CONEKTA_WEBHOOK_PUBLIC_KEY",
		"FYGARO_BUTTON_URL", "FYGARO_API_KEY", "FYGARO_API_SECRET", "FYGARO_KEY_ID", "FYGARO_SECRET",
		"TPAGA_BASE_URL", "TPAGA_TOKEN", "TPAGA_EFECTY_API_KEY", "TPAGA_NOTIFY_AUTHORIZATION", "PAGOS_FAKE_URL"} {
		if env[k] == "" {
			t.Errorf("the fake printed no %s", k)
		}
	}
	ctl := []string{"PAGOS_FAKE_URL=" + env["PAGOS_FAKE_URL"]}

	// pagos fake env prints the same settings as sourceable lines.
	out, _, code := pagos(t, ctl, nil, "fake", "env")
	if code != 0 || !strings.Contains(out, "TOKU_API_KEY="+env["TOKU_API_KEY"]+"\n") || !strings.Contains(out, "CONEKTA_WEBHOOK_PUBLIC_KEY='-----BEGIN PUBLIC KEY-----") {
		t.Errorf("fake env: exit %d\n%s", code, out)
	}

	// Toku: customer, invoice and endpoint through the API; paid by the control.
	tc, err := toku.NewClient(env["TOKU_API_KEY"], toku.WithBaseURL(env["TOKU_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	cus, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan-42",
		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := tc.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: recv.URL + "/toku",
		EnabledEvents: []toku.EventType{toku.EventTransactionSuccess, toku.EventInvoiceUpdated}})
	if err != nil {
		t.Fatal(err)
	}
	th, err := webhook.NewTokuHandler(string(ep.Secret), func(_ context.Context, e *toku.Event) error { count("toku/" + string(e.Type)); return nil }, quiet)
	if err != nil {
		t.Fatal(err)
	}
	tokuH.set(th)
	if out, errOut, code := pagos(t, ctl, nil, "fake", "toku-pay", inv.ID); code != 0 {
		t.Errorf("toku-pay: exit %d\n%s%s", code, out, errOut)
	}
	// The deliveries list names the events; a resend is a duplicate the receiver acknowledges without processing.
	out, _, code = pagos(t, ctl, nil, "fake", "deliveries", "toku")
	var dl struct {
		Deliveries []struct {
			ID, Type string
			Status   int
		}
	}
	if err := json.Unmarshal([]byte(out), &dl); code != 0 || err != nil || len(dl.Deliveries) != 2 {
		t.Fatalf("deliveries: exit %d, %v\n%s", code, err, out)
	}
	for _, d := range dl.Deliveries {
		if d.Status != http.StatusOK {
			t.Errorf("delivery %+v", d)
		}
	}
	if out, errOut, code := pagos(t, ctl, nil, "fake", "resend", "toku", dl.Deliveries[0].ID); code != 0 || !strings.Contains(out, `"status":200`) {
		t.Errorf("resend: exit %d\n%s%s", code, out, errOut)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "toku-pay", "in_nope"); code != 1 {
		t.Errorf("toku-pay of an unknown invoice: exit %d\n%s", code, out)
	}

	// Conekta: a cash order paid at the till; order.paid reaches the receiver.
	pub, err := conekta.ParsePublicKey(env["CONEKTA_WEBHOOK_PUBLIC_KEY"])
	if err != nil {
		t.Fatal(err)
	}
	paid := make(chan string, 4)
	ch, err := webhook.NewConektaHandler([]*rsa.PublicKey{pub}, func(_ context.Context, e *conekta.Event) error {
		count("conekta/" + string(e.Type))
		if e.Type == conekta.EventOrderPaid {
			paid <- e.ID
		}
		return nil
	}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	conektaH.set(ch)
	cc, err := conekta.NewClient(env["CONEKTA_API_KEY"], conekta.WithBaseURL(env["CONEKTA_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Webhooks.Create(ctx, &conekta.WebhookParams{URL: recv.URL + "/conekta"}); err != nil {
		t.Fatal(err)
	}
	ccus, err := cc.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555"})
	if err != nil {
		t.Fatal(err)
	}
	ord, err := cc.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: ccus.ID},
		LineItems: []*conekta.LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeCash(conekta.TimeOf(time.Unix(1893456000, 0)))}})
	if err != nil {
		t.Fatal(err)
	}
	ref := string(ord.Charges.Data[0].PaymentMethod.Cash.Reference)
	if out, errOut, code := pagos(t, ctl, nil, "fake", "conekta-till", ref, "20015"); code != 0 {
		t.Errorf("conekta-till: exit %d\n%s%s", code, out, errOut)
	}
	select {
	case <-paid:
	case <-ctx.Done():
		t.Fatal("order.paid never arrived")
	}

	// Tpaga: a single-use reference paid at Efecty; the notification arrives before the control returns.
	pc, err := tpaga.NewClient(env["TPAGA_TOKEN"], tpaga.WithBaseURL(env["TPAGA_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	tref, err := pc.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	if out, errOut, code := pagos(t, ctl, nil, "fake", "tpaga-pay", tref.Reference, "20000"); code != 0 {
		t.Errorf("tpaga-pay: exit %d\n%s%s", code, out, errOut)
	}

	// Fygaro: a dynamic link signed with the printed credential, paid by the control.
	btn, err := fygaro.NewButton(env["FYGARO_BUTTON_URL"], env["FYGARO_API_KEY"], env["FYGARO_API_SECRET"])
	if err != nil {
		t.Fatal(err)
	}
	link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := pagos(t, ctl, nil, "fake", "fygaro-pay", link)
	if code != 0 {
		t.Errorf("fygaro-pay: exit %d\n%s%s", code, out, errOut)
	}
	var fp struct {
		Reference string `json:"reference"`
	}
	_ = json.Unmarshal([]byte(out), &fp)

	mu.Lock()
	for _, k := range []string{"toku/transaction.success", "toku/invoice.updated", "conekta/order.paid", "tpaga/" + tref.Reference, "fygaro/" + fp.Reference} {
		if seen[k] != 1 {
			t.Errorf("%s processed %d times, want 1 (seen %v)", k, seen[k], seen)
		}
	}
	mu.Unlock()

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	exited = true
	var ee *exec.ExitError
	if errors.As(err, &ee) || err != nil {
		t.Fatalf("after SIGTERM: %v; stderr %s", err, stderr.String())
	}
	if !strings.Contains(stderr.String(), "fakes stopped") {
		t.Errorf("stderr: %s", stderr.String())
	}
}

func TestFakeUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fake", "-addr", "0.0.0.0:0"},
		{"fake", "-providers", "toku,paypal"},
		{"fake", "-state", "x.json"},
		{"fake", "toku-pay"},
		{"fake", "toku-pay", "in_1", "-fake", "http://127.0.0.1:1", "extra"},
		{"fake", "no-such-control", "-fake", "http://127.0.0.1:1"},
		{"fake", "tpaga-pay", "ref", "ten", "-fake", "http://127.0.0.1:1"},
	} {
		if _, _, code := pagos(t, nil, nil, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
}
