package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// pagosBinary builds the pagos command once per test binary.
var pagosBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "pagos-cmd-e2e")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "pagos")
	out, err := exec.Command("go", "build", "-o", bin, "github.com/pagos-go/pagos/cmd/pagos").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// runPagos runs one pagos command to its end and returns its stdout and
// exit code.
func runPagos(t *testing.T, env []string, args ...string) (string, int) {
	t.Helper()
	bin, err := pagosBinary()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return stdout.String() + stderr.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return stdout.String(), 0
}

// fakeProc is a running pagos fake and the settings it printed.
type fakeProc struct {
	cmd    *exec.Cmd
	env    map[string]string
	stderr *bytes.Buffer
	done   chan error
}

func startPagosFake(t *testing.T, args ...string) *fakeProc {
	t.Helper()
	bin, err := pagosBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, append([]string{"fake", "-json"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p := &fakeProc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		p.done <- <-p.done // a stop before the cleanup already took it and put it back
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("pagos fake printed no settings: %v", err)
	}
	if err := json.Unmarshal([]byte(line), &p.env); err != nil {
		t.Fatalf("settings %q: %v", line, err)
	}
	return p
}

// ctl is the environment a control subcommand needs.
func (p *fakeProc) ctl() []string { return []string{"PAGOS_FAKE_URL=" + p.env["PAGOS_FAKE_URL"]} }

// stop sends SIGTERM and expects exit 0.
func (p *fakeProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-p.done:
		p.done <- err
		if err != nil {
			t.Fatalf("pagos fake after SIGTERM: %v\n%s", err, p.stderr)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("pagos fake did not stop after SIGTERM")
	}
}

// control runs a pagos fake control and decodes its JSON answer.
func control(t *testing.T, p *fakeProc, args ...string) map[string]any {
	t.Helper()
	out, code := runPagos(t, p.ctl(), append([]string{"fake"}, args...)...)
	if code != 0 {
		t.Fatalf("pagos fake %v: exit %d\n%s", args, code, out)
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("pagos fake %v: %v\n%s", args, err, out)
	}
	return m
}

// TestPagosCommandWithServer runs the pagos command and the example server
// as two processes, as a developer would on a laptop: pagos fake serves the
// four providers, the server is configured from what it printed and from
// endpoints registered through the providers' API, payments made through
// the controls are delivered and processed once, pagos trigger sends every
// event type of every provider to the server, tampered triggers are
// refused, and a restart of the fake with -state finds the objects again.
func TestPagosCommandWithServer(t *testing.T) {
	ctx := t.Context()
	addr := freeAddr(t)
	base := "http://" + addr
	const tpagaAuth = "Basic cGFnb3MtY21kLWUyZQ=="
	state := filepath.Join(t.TempDir(), "state.json")
	fk := startPagosFake(t, "-state", state, "-tpaga-notify", base+"/webhooks/tpaga", "-tpaga-auth", tpagaAuth,
		"-fygaro-hook", base+"/webhooks/fygaro", "-conekta-approval", base+"/webhooks/conekta/sync")
	env := fk.env

	// Endpoints through the providers' own API, with the printed keys.
	tc, err := toku.NewClient(env["TOKU_API_KEY"], toku.WithBaseURL(env["TOKU_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	ep, err := tc.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: base + "/webhooks/toku",
		EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}})
	if err != nil {
		t.Fatal(err)
	}
	cc, err := conekta.NewClient(env["CONEKTA_API_KEY"], conekta.WithBaseURL(env["CONEKTA_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cc.Webhooks.Create(ctx, &conekta.WebhookParams{URL: base + "/webhooks/conekta",
		SubscribedEvents: []conekta.EventType{conekta.EventOrderPaid}}); err != nil {
		t.Fatal(err)
	}
	cashCus, err := cc.Customers.Create(ctx, &conekta.CustomerParams{Name: "Fulanito", Email: "fulanito@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{cc.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	cashRef, ok := cashCus.CashReference()
	if !ok {
		t.Fatalf("no recurring cash reference on %+v", cashCus)
	}

	// The server trusts the fake's Conekta key and the key pagos trigger
	// signs with (the fake's private half never leaves it).
	triggerKey := filepath.Join(t.TempDir(), "trigger.pem")
	der, err := x509.MarshalPKCS8PrivateKey(testutil.RSAKey())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(triggerKey, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, addr,
		"TOKU_WEBHOOK_SECRET="+string(ep.Secret),
		"CONEKTA_WEBHOOK_PUBLIC_KEY="+env["CONEKTA_WEBHOOK_PUBLIC_KEY"]+publicPEM(t),
		"CONEKTA_SYNC_BOOK="+cashRef+":5000-1000000",
		"FYGARO_KEY_ID="+env["FYGARO_KEY_ID"], "FYGARO_SECRET="+env["FYGARO_SECRET"],
		"TPAGA_NOTIFY_AUTHORIZATION="+tpagaAuth,
	)

	// Toku: an invoice paid at the fake is processed once, its resend not again.
	cus, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan-42",
		DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990)})
	if err != nil {
		t.Fatal(err)
	}
	tokuEvent := firstDelivery(t, control(t, fk, "toku-pay", inv.ID))
	control(t, fk, "resend", "toku", tokuEvent)

	// Conekta: an OXXO order paid at the till, the recurring reference
	// approved synchronously by the server, and a payment link paid by card.
	ord, err := cc.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: cashCus.ID},
		LineItems: []*conekta.LineItem{{Name: "Vasija de Cerámica", UnitPrice: 20015, Quantity: 1}},
		Charges:   []*conekta.ChargeParams{conekta.ChargeCash(conekta.TimeOf(time.Now().Add(72 * time.Hour)))}})
	if err != nil {
		t.Fatal(err)
	}
	oxxoRef, _ := ord.CashReference()
	if till := control(t, fk, "conekta-till", oxxoRef, "20015"); till["paid"] != true {
		t.Fatalf("till: %v", till)
	}
	till := control(t, fk, "conekta-till", cashRef, "25000")
	if till["paid"] != true || till["lookup"] == nil || till["attempt"] == nil {
		t.Fatalf("recurring till: %v", till)
	}
	link, err := cc.Checkouts.Create(ctx, &conekta.CheckoutParams{Name: "Clase de yoga", ExpiresAt: conekta.TimeOf(time.Now().Add(48 * time.Hour)),
		AllowedPaymentMethods: []conekta.CheckoutMethod{conekta.CheckoutCard, conekta.CheckoutCash},
		OrderTemplate:         &conekta.CheckoutOrderTemplate{Currency: "MXN", LineItems: []*conekta.LineItem{{Name: "Curso", UnitPrice: 50000, Quantity: 1}}}})
	if err != nil {
		t.Fatal(err)
	}
	linkPaid := control(t, fk, "conekta-checkout-pay", link.ID, "card")
	if linkPaid["payment_status"] != "paid" {
		t.Fatalf("payment link: %v", linkPaid)
	}

	// Tpaga: a reference paid at Efecty; Fygaro: a link paid at the fake.
	pc, err := tpaga.NewClient(env["TPAGA_TOKEN"], tpaga.WithBaseURL(env["TPAGA_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	tref, err := pc.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
		DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
	if err != nil {
		t.Fatal(err)
	}
	dep := control(t, fk, "tpaga-pay", tref.Reference, "20000")
	control(t, fk, "resend", "tpaga", fmt.Sprint(dep["efecty_order_id"]))
	btn, err := fygaro.NewButton(env["FYGARO_BUTTON_URL"], env["FYGARO_API_KEY"], env["FYGARO_API_SECRET"])
	if err != nil {
		t.Fatal(err)
	}
	flink, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42"})
	if err != nil {
		t.Fatal(err)
	}
	fpay := control(t, fk, "fygaro-pay", flink)

	// Each payment was processed once by the server, duplicates included.
	conektaPaid := map[string]bool{}
	for _, d := range control(t, fk, "deliveries", "conekta")["deliveries"].([]any) {
		d := d.(map[string]any)
		if d["type"] == "order.paid" && d["status"] == float64(200) { // JSON numbers; a status, not money
			conektaPaid[d["id"].(string)] = true
		}
	}
	if len(conektaPaid) != 3 {
		t.Errorf("order.paid delivered for %d orders, want 3 (OXXO, recurring, link)", len(conektaPaid))
	}
	for id := range conektaPaid {
		if n := srv.received("conekta")[id]; n != 1 {
			t.Errorf("conekta %s processed %d times, want 1", id, n)
		}
	}
	for provider, key := range map[string]string{"toku": tokuEvent, "tpaga": tref.Reference + "/" + fmt.Sprint(dep["efecty_order_id"]),
		"fygaro": fmt.Sprint(fpay["reference"])} {
		if n := srv.received(provider)[key]; n != 1 {
			t.Errorf("%s %s processed %d times, want 1 (received %v)", provider, key, n, srv.received(provider))
		}
	}
	if !srv.logged("sync request answered", "type", "inbound_payment.payment_attempt") {
		t.Error("the server never answered the till's payment attempt")
	}

	// pagos trigger: every event type of every provider is accepted;
	// tampered deliveries are refused.
	out, code := runPagos(t, nil, "trigger", "-list", "-json")
	var events map[string][]string
	if err := json.Unmarshal([]byte(out), &events); code != 0 || err != nil || len(events) != 4 {
		t.Fatalf("trigger -list: exit %d, %v\n%s", code, err, out)
	}
	tenv := []string{"TOKU_WEBHOOK_SECRET=" + string(ep.Secret), "CONEKTA_WEBHOOK_PRIVATE_KEY=" + triggerKey,
		"FYGARO_KEY_ID=" + env["FYGARO_KEY_ID"], "FYGARO_SECRET=" + env["FYGARO_SECRET"], "TPAGA_NOTIFY_AUTHORIZATION=" + tpagaAuth}
	sent := 0
	for provider, evs := range events {
		for _, e := range evs {
			path, extra := "/webhooks/"+provider, []string(nil)
			if strings.HasPrefix(e, "inbound_payment") {
				path, extra = "/webhooks/conekta/sync", []string{"-reference", cashRef, "-amount", "10000"}
			}
			args := append([]string{"trigger", provider, e, "-to", base + path}, extra...)
			if out, code := runPagos(t, tenv, args...); code != 0 {
				t.Errorf("trigger %s %s: exit %d\n%s", provider, e, code, out)
			}
			sent++
		}
	}
	if sent < 40 {
		t.Errorf("only %d event types triggered", sent)
	}
	for _, tamper := range [][]string{
		{"toku", "transaction.success", "/webhooks/toku", "secret"},
		{"toku", "invoice.updated", "/webhooks/toku", "timestamp"},
		{"conekta", "order.paid", "/webhooks/conekta", "secret"},
		{"conekta", "order.paid", "/webhooks/conekta", "body"},
		{"conekta", "inbound_payment", "/webhooks/conekta/sync", "body"},
		{"fygaro", "payment", "/webhooks/fygaro", "secret"},
		{"fygaro", "payment", "/webhooks/fygaro", "timestamp"},
		{"tpaga", "deposit", "/webhooks/tpaga", "secret"},
	} {
		if out, code := runPagos(t, tenv, "trigger", tamper[0], tamper[1], "-to", base+tamper[2], "-tamper", tamper[3], "-reference", cashRef); code != 1 {
			t.Errorf("trigger %v tampered: exit %d, want 1 (refused)\n%s", tamper, code, out)
		}
	}

	// A restart with -state finds the objects, at the same URLs and keys.
	fk.stop(t)
	fk2 := startPagosFake(t, "-state", state)
	for _, k := range []string{"TOKU_BASE_URL", "CONEKTA_BASE_URL", "CONEKTA_WEBHOOK_PUBLIC_KEY", "TPAGA_BASE_URL", "TPAGA_NOTIFY_AUTHORIZATION", "FYGARO_BUTTON_URL"} {
		if fk2.env[k] != env[k] {
			t.Errorf("%s after the restart: %q, want %q", k, fk2.env[k], env[k])
		}
	}
	if got, err := tc.Invoices.Get(ctx, inv.ID); err != nil || !got.IsPaid {
		t.Errorf("invoice after the restart: %+v, %v", got, err)
	}
	if got, err := cc.Orders.Get(ctx, ord.ID); err != nil || got.PaymentStatus != "paid" {
		t.Errorf("order after the restart: %+v, %v", got, err)
	}
	if got, err := pc.ReferenceDetails.Get(ctx, tref.Reference); err != nil || len(got.DepositIntents) != 1 {
		t.Errorf("reference after the restart: %+v, %v; want its one deposit", got, err)
	}
	// The endpoint's secret survived: a resend still verifies at the server.
	control(t, fk2, "resend", "toku", tokuEvent)
	if n := srv.received("toku")[tokuEvent]; n != 1 {
		t.Errorf("toku %s processed %d times after a resend from the restarted fake, want 1", tokuEvent, n)
	}
	fk2.stop(t)
}

// firstDelivery returns the id of a control's first delivery, which must
// have reached the server.
func firstDelivery(t *testing.T, res map[string]any) string {
	t.Helper()
	ds, _ := res["deliveries"].([]any)
	if len(ds) == 0 || res["ok"] != true {
		t.Fatalf("no successful delivery: %v", res)
	}
	return fmt.Sprint(ds[0].(map[string]any)["id"])
}
