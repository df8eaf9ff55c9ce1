package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
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

	// Conekta's clock moves forward through the control (subscriptions are billed on it).
	out, errOut, code = pagos(t, ctl, nil, "fake", "conekta-advance", "744h")
	var adv struct {
		OK  bool      `json:"ok"`
		Now time.Time `json:"now"`
	}
	if err := json.Unmarshal([]byte(out), &adv); code != 0 || err != nil || !adv.OK || adv.Now.Before(time.Now().Add(743*time.Hour)) {
		t.Errorf("conekta-advance: exit %d, %v, %+v\n%s%s", code, err, adv, out, errOut)
	}

	// The till payment settled with the advance: a payout run sends it to
	// the bank, and a second run has nothing left.
	out, errOut, code = pagos(t, ctl, nil, "fake", "conekta-transfer", "MXN")
	var tr struct {
		Transfer struct {
			Amount int64 `json:"amount"`
		} `json:"transfer"`
	}
	if err := json.Unmarshal([]byte(out), &tr); code != 0 || err != nil || tr.Transfer.Amount <= 0 || tr.Transfer.Amount > 20015 {
		t.Errorf("conekta-transfer: exit %d, %v, %+v\n%s%s", code, err, tr, out, errOut)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "conekta-transfer"); code != 1 || !strings.Contains(out, "no available balance") {
		t.Errorf("a second conekta-transfer: exit %d, want 1\n%s", code, out)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "conekta-collect-payout", "payout_nope"); code != 1 {
		t.Errorf("collecting an unknown payout order: exit %d, want 1\n%s", code, out)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "fygaro-resume-hook"); code != 0 || !strings.Contains(out, `"was_suspended":false`) {
		t.Errorf("fygaro-resume-hook: exit %d\n%s", code, out)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "tpaga-notify-url", recv.URL+"/tpaga", tpagaAuthFake); code != 0 {
		t.Errorf("tpaga-notify-url: exit %d\n%s", code, out)
	}

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
		{"fake", "conekta-advance", "-5h", "-fake", "http://127.0.0.1:1"},
		{"fake", "conekta-checkout-pay", "checkout_1", "paypal", "-fake", "http://127.0.0.1:1"},
		{"fake", "conekta-checkout-pay", "-fake", "http://127.0.0.1:1"},
		{"fake", "toku-advance", "-1h", "-fake", "http://127.0.0.1:1"},
		{"fake", "toku-advance", "2562047h", "-fake", "http://127.0.0.1:1"},
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

// runningFake is a pagos fake process started by startFake.
type runningFake struct {
	cmd    *exec.Cmd
	env    map[string]string
	stderr *bytes.Buffer
	done   chan error
}

// startFake starts pagos fake -json with args and reads its settings.
func startFake(t *testing.T, args ...string) *runningFake {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"fake", "-json"}, args...)...)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	f := &runningFake{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan error, 1)}
	cmd.Stderr = f.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { f.done <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		f.done <- <-f.done
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("pagos fake printed no settings: %v", err)
	}
	if err := json.Unmarshal([]byte(line), &f.env); err != nil {
		t.Fatalf("settings %q: %v", line, err)
	}
	return f
}

// end signals the fake and returns how it exited.
func (f *runningFake) end(t *testing.T, sig os.Signal) error {
	t.Helper()
	if err := f.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	err := <-f.done
	f.done <- err
	return err
}

// TestFakeStateSurvivesRestarts keeps the fakes' objects in -state FILE:
// the periodic save survives kill -9, a graceful stop saves, a restart
// serves the same objects at the same URLs with the same keys and goes on
// with new ids, and a state file that cannot be used is refused with exit
// 1 and left byte for byte as it was.
func TestFakeStateSurvivesRestarts(t *testing.T) {
	ctx := t.Context()
	state := filepath.Join(t.TempDir(), "state.json")
	f := startFake(t, "-state", state)
	tc, err := toku.NewClient(f.env["TOKU_API_KEY"], toku.WithBaseURL(f.env["TOKU_BASE_URL"]))
	if err != nil {
		t.Fatal(err)
	}
	cus, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com", Name: "Ana"})
	if err != nil {
		t.Fatal(err)
	}
	// The periodic save writes the new customer without any stop.
	saved := time.After(30 * time.Second)
	for {
		b, _ := os.ReadFile(state)
		if bytes.Contains(b, []byte(cus.ID)) {
			break
		}
		select {
		case <-saved:
			t.Fatalf("the state file never held %s:\n%s", cus.ID, b)
		case <-time.After(100 * time.Millisecond):
		}
	}
	if err := f.end(t, syscall.SIGKILL); err == nil {
		t.Fatal("kill -9 reported success")
	}

	f2 := startFake(t, "-state", state)
	for _, k := range []string{"TOKU_BASE_URL", "CONEKTA_BASE_URL", "CONEKTA_WEBHOOK_PUBLIC_KEY", "FYGARO_BUTTON_URL", "TPAGA_BASE_URL"} {
		if f2.env[k] != f.env[k] {
			t.Errorf("%s after the restart: %q, want %q", k, f2.env[k], f.env[k])
		}
	}
	got, err := tc.Customers.Get(ctx, cus.ID)
	if err != nil || got.Name != "Ana" {
		t.Fatalf("customer after kill -9 and restart: %+v, %v", got, err)
	}
	cus2, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "22222222-2", Mail: "bea@example.com", Name: "Bea"})
	if err != nil || cus2.ID == cus.ID {
		t.Fatalf("a new customer after the restart: %+v, %v; want a new id", cus2, err)
	}
	if err := f2.end(t, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, f2.stderr)
	}
	if !strings.Contains(f2.stderr.String(), "state saved to "+state) {
		t.Errorf("stderr: %s", f2.stderr)
	}
	good, err := os.ReadFile(state)
	if err != nil || !bytes.Contains(good, []byte(cus2.ID)) {
		t.Fatalf("the graceful stop did not save %s: %v", cus2.ID, err)
	}

	// Files that cannot be used are refused, and never emptied.
	var doc map[string]any
	if err := json.Unmarshal(good, &doc); err != nil {
		t.Fatal(err)
	}
	doc["providers"].(map[string]any)["toku"].(map[string]any)["state"].(map[string]any)["state"].(map[string]any)["bogus"] = 1
	unknownField, _ := json.Marshal(doc)
	for _, tc := range []struct {
		name string
		file []byte
		want string
	}{
		{"truncated", good[:len(good)/2], "not a pagos fake state file"},
		{"not json", []byte("customers=1\n"), "not a pagos fake state file"},
		{"another kind", []byte(`{"kind":"something-else","version":1,"providers":{}}`), `kind "something-else"`},
		{"unknown provider", []byte(`{"kind":"pagos-fake-state","version":1,"providers":{"paypal":{"addr":"127.0.0.1:1","state":{}}}}`), `unknown provider "paypal"`},
		{"remote address", []byte(`{"kind":"pagos-fake-state","version":1,"providers":{"toku":{"addr":"10.0.0.1:80","state":{}}}}`), "not a loopback"},
		{"a fake's objects", unknownField, "tokutest: "},
		{"trailing data", append(append([]byte(nil), good...), "xyz"...), "after the end"},
		{"null providers", []byte(`{"kind":"pagos-fake-state","version":1,"providers":null}`), "missing or null"},
		{"bad port", []byte(`{"kind":"pagos-fake-state","version":1,"providers":{"toku":{"addr":"127.0.0.1:99999","state":{}}}}`), "not a loopback"},
		{"one address twice", []byte(`{"kind":"pagos-fake-state","version":1,"providers":{"toku":{"addr":"127.0.0.1:4000","state":{}},"tpaga":{"addr":"127.0.0.1:4000","state":{}}}}`), "both have the address"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := os.WriteFile(path, tc.file, 0o600); err != nil {
				t.Fatal(err)
			}
			_, errOut, code := pagos(t, nil, nil, "fake", "-state", path)
			if code != 1 || !strings.Contains(errOut, tc.want) || !strings.Contains(errOut, "left as it is") {
				t.Errorf("exit %d, want 1 with %q:\n%s", code, tc.want, errOut)
			}
			if after, _ := os.ReadFile(path); !bytes.Equal(after, tc.file) {
				t.Errorf("the refused file changed:\n%s", after)
			}
		})
	}

	// A second pagos fake on the same file is refused while the first runs.
	f3 := startFake(t, "-state", state)
	if _, errOut, code := pagos(t, nil, nil, "fake", "-state", state); code != 1 || !strings.Contains(errOut, "another pagos fake is using this file") {
		t.Errorf("a second fake on one state file: exit %d, want 1\n%s", code, errOut)
	}
	if err := f3.end(t, syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v\n%s", err, f3.stderr)
	}

	// The address the objects name is taken: refused with the reason.
	ln, err := net.Listen("tcp", strings.TrimPrefix(f.env["TOKU_BASE_URL"], "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if _, errOut, code := pagos(t, nil, nil, "fake", "-state", state); code != 1 || !strings.Contains(errOut, "taken") {
		t.Errorf("toku's port taken: exit %d, want 1\n%s", code, errOut)
	}
}

// TestFakeControlsRefuseBrowsersAndSayWhatIsMissing: the control server
// answers loopback Host names only and JSON writes only, so a web page
// can neither read /env by DNS rebinding nor post a form to it; a payment
// that reaches no receiver is a failure that says which flag is missing.
func TestFakeControlsRefuseBrowsersAndSayWhatIsMissing(t *testing.T) {
	f := startFake(t, "-providers", "fygaro,tpaga")
	base := f.env["PAGOS_FAKE_URL"]
	req, _ := http.NewRequest(http.MethodGet, base+"/env", nil)
	req.Host = "attacker.example"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("/env for Host attacker.example: %d, want 403", resp.StatusCode)
	}
	resp, err = http.Post(base+"/fygaro/resume-hook", "text/plain", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnsupportedMediaType {
		t.Errorf("a text/plain control: %d, want 415", resp.StatusCode)
	}
	ctl := []string{"PAGOS_FAKE_URL=" + base}
	if out, _, code := pagos(t, ctl, nil, "fake", "deliveries", "stripe"); code != 2 {
		t.Errorf("deliveries of an unknown provider: exit %d, want 2\n%s", code, out)
	}
	btn, err := fygaro.NewButton(f.env["FYGARO_BUTTON_URL"], f.env["FYGARO_API_KEY"], f.env["FYGARO_API_SECRET"])
	if err != nil {
		t.Fatal(err)
	}
	link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-7"})
	if err != nil {
		t.Fatal(err)
	}
	if out, _, code := pagos(t, ctl, nil, "fake", "fygaro-pay", link); code != 1 || !strings.Contains(out, "-fygaro-hook") {
		t.Errorf("fygaro-pay with no hook URL: exit %d, want 1 naming -fygaro-hook\n%s", code, out)
	}
	// The authorization a control sets is what pagos fake env prints.
	if out, _, code := pagos(t, ctl, nil, "fake", "tpaga-notify-url", "http://127.0.0.1:9/n", "Basic bmV3LWF1dGg="); code != 0 {
		t.Fatalf("tpaga-notify-url: exit %d\n%s", code, out)
	}
	if out, _, _ := pagos(t, ctl, nil, "fake", "env"); !strings.Contains(out, "TPAGA_NOTIFY_AUTHORIZATION='Basic bmV3LWF1dGg='") {
		t.Errorf("env after tpaga-notify-url:\n%s", out)
	}
}
