package main

import (
	"bufio"
	"context"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net"
	"net/http"
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
	"github.com/pagos-go/pagos/conekta/conektatest"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/fygaro/fygarotest"
	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/tpaga/tpagatest"
	"github.com/pagos-go/pagos/webhook"
)

// serverBinary builds the example once per test binary.
var serverBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "webhook-server-e2e")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "webhook-server")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %v\n%s", err, out)
	}
	return bin, nil
})

// freeAddr returns a loopback address that was free a moment ago. The
// server's address must be known before it starts, because provider
// endpoints are registered (and their secrets issued) with its URL.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// proc is a running webhook-server with its JSON log lines.
type proc struct {
	t    *testing.T
	cmd  *exec.Cmd
	url  string
	mu   sync.Mutex
	logs []map[string]any
	done chan error
}

func startServer(t *testing.T, addr string, env ...string) *proc {
	t.Helper()
	bin, err := serverBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-addr", addr, "-log-format", "json")
	cmd.Env = append([]string{"PATH=" + os.Getenv("PATH")}, env...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p := &proc{t: t, cmd: cmd, url: "http://" + addr, done: make(chan error, 1)}
	listening := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		var once sync.Once
		for sc.Scan() {
			var m map[string]any
			if json.Unmarshal(sc.Bytes(), &m) != nil {
				t.Errorf("non-JSON log line: %s", sc.Text())
				continue
			}
			p.mu.Lock()
			p.logs = append(p.logs, m)
			p.mu.Unlock()
			if m["msg"] == "listening" {
				once.Do(func() { close(listening) })
			}
		}
		p.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-p.done
	})
	select {
	case <-listening:
	case err := <-p.done:
		t.Fatalf("server exited before listening: %v\n%v", err, p.lines())
	case <-time.After(30 * time.Second):
		t.Fatal("server did not start")
	}
	return p
}

func (p *proc) lines() []map[string]any {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]map[string]any(nil), p.logs...)
}

// received counts "event received" lines per event key.
func (p *proc) received(provider string) map[string]int {
	out := map[string]int{}
	for _, l := range p.lines() {
		if l["msg"] == "event received" && l["provider"] == provider {
			out[fmt.Sprint(l["event"])]++
		}
	}
	return out
}

// post sends a raw request to the server.
func (p *proc) post(t *testing.T, path string, header http.Header, body string) int {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, p.url+path, strings.NewReader(body))
	for k, v := range header {
		req.Header[k] = v
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// TestEndToEnd runs the server as a real process with every provider
// configured, and drives each provider's fake at it: a paid Toku invoice, a
// Conekta card order, an OXXO till payment with its synchronous approval, a
// Fygaro checkout and a Tpaga Efecty deposit. Each is delivered twice and must
// be received once; a forged request to each route is refused.
func TestEndToEnd(t *testing.T) {
	ctx := context.Background()
	addr := freeAddr(t)
	base := "http://" + addr

	// Toku: a customer, an invoice and an endpoint pointing at the server.
	tk := tokutest.NewServer(t)
	tc, _ := tk.Client()
	tcus, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: tcus.ID, ProductID: "plan", DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(19990)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := tc.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: base + "/webhooks/toku", EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}})
	if err != nil {
		t.Fatal(err)
	}

	// Conekta: a webhook, the signing key's PEM, a card customer and a
	// customer with a recurring cash reference for the till.
	ck := conektatest.NewServer(t)
	cc, _ := ck.Client()
	if _, err := cc.Webhooks.Create(ctx, &conekta.WebhookParams{URL: base + "/webhooks/conekta",
		SubscribedEvents: []conekta.EventType{conekta.EventOrderPaid, conekta.EventChargePaid}}); err != nil {
		t.Fatal(err)
	}
	keys, err := cc.WebhookKeys.List(ctx, nil)
	if err != nil || len(keys.Data) == 0 {
		t.Fatalf("webhook keys: %+v, %v", keys, err)
	}
	tok, err := cc.Tokens.Create(ctx, &conekta.TokenCard{Number: conektatest.CardVisa, Name: "Felipe Gómez", ExpMonth: "12", ExpYear: "30", CVC: "123"})
	if err != nil {
		t.Fatal(err)
	}
	cardCus, err := cc.Customers.Create(ctx, &conekta.CustomerParams{Name: "Felipe Gómez", Email: "felipe@example.com", Phone: "+5215555555555",
		PaymentSources: []*conekta.PaymentSourceParams{conekta.CardSourceParams(tok.ID)}})
	if err != nil {
		t.Fatal(err)
	}
	cashCus, err := cc.Customers.Create(ctx, &conekta.CustomerParams{Name: "Fulanito", Email: "fulanito@example.com", Phone: "+5218181818181",
		PaymentSources: []*conekta.PaymentSourceParams{cc.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	cashRef := string(cashCus.PaymentSources.Data[0].Cash.Reference)
	unbooked, err := cc.Customers.Create(ctx, &conekta.CustomerParams{Name: "Mengano", Email: "mengano@example.com", Phone: "+5218181818182",
		PaymentSources: []*conekta.PaymentSourceParams{cc.RecurringCashSource()}})
	if err != nil {
		t.Fatal(err)
	}
	if err := ck.SetApprovalURL(base + "/webhooks/conekta/sync"); err != nil {
		t.Fatal(err)
	}

	// Fygaro: the fake checkout posts hooks to the server.
	fg := fygarotest.NewServer(t)
	fg.SetHookURL(base + "/webhooks/fygaro")

	// Tpaga: the fake notifies the server with the agreed Authorization.
	const tpagaAuth = "Basic ZTJlLXRwYWdhLWFncmVlZA=="
	tp := tpagatest.NewServer(t, tpagatest.WithNotify(base+"/webhooks/tpaga", tpagaAuth))
	tpc, _ := tp.Client()
	sim, _ := tp.EfectySimulator()

	srv := startServer(t, addr,
		"TOKU_WEBHOOK_SECRET="+string(ep.Secret),
		"CONEKTA_WEBHOOK_PUBLIC_KEY="+keys.Data[0].PublicKey,
		"CONEKTA_SYNC_BOOK="+cashRef+":5000-1000000",
		"FYGARO_KEY_ID="+fg.HookKeyID, "FYGARO_SECRET="+string(fg.HookSecret),
		"TPAGA_NOTIFY_AUTHORIZATION="+tpagaAuth,
	)
	for _, want := range []string{"POST /webhooks/toku", "POST /webhooks/conekta", "POST /webhooks/conekta/sync", "POST /webhooks/fygaro", "POST /webhooks/tpaga"} {
		if !srv.logged("route live", "route", want) {
			t.Errorf("route %s is not live: %v", want, srv.lines())
		}
	}

	t.Run("toku", func(t *testing.T) {
		pay, err := tk.PayInvoice(ctx, inv.ID)
		if err != nil || len(pay.Deliveries) != 1 || pay.Deliveries[0].StatusCode != 200 {
			t.Fatalf("delivery: %+v, %v", pay, err)
		}
		id := pay.Deliveries[0].EventID
		if again, err := tk.Resend(ctx, id); err != nil || again[0].StatusCode != 200 {
			t.Fatalf("duplicate delivery: %+v, %v", again, err)
		}
		if got := srv.received("toku"); len(got) != 1 || got[id] != 1 {
			t.Fatalf("received %v, want %s once", got, id)
		}
	})

	t.Run("conekta card order", func(t *testing.T) {
		o, err := cc.Orders.Create(ctx, &conekta.OrderParams{Currency: "MXN", CustomerInfo: &conekta.CustomerInfo{CustomerID: cardCus.ID},
			LineItems: []*conekta.LineItem{{Name: "Vasija", UnitPrice: 20015, Quantity: 1}}, Charges: []*conekta.ChargeParams{conekta.ChargeDefault()}})
		if err != nil || o.PaymentStatus != "paid" {
			t.Fatalf("order: %+v, %v", o, err)
		}
		if err := ck.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		paid := conektaEvent(t, ck, conekta.EventOrderPaid)
		if _, err := ck.Resend(ctx, paid); err != nil {
			t.Fatal(err)
		}
		if got := srv.received("conekta")[paid]; got != 1 {
			t.Fatalf("order.paid %s received %d times, want 1", paid, got)
		}
	})

	t.Run("conekta oxxo till", func(t *testing.T) {
		till, err := ck.PayAtTill(ctx, cashRef, 20000)
		if err != nil || !till.Paid || till.Lookup == nil || till.Attempt == nil {
			t.Fatalf("till payment: %+v, %v", till, err)
		}
		if err := ck.Settle(ctx); err != nil {
			t.Fatal(err)
		}
		if !srv.logged("sync request answered", "type", "inbound_payment.lookup") || !srv.logged("sync request answered", "type", "inbound_payment.payment_attempt") {
			t.Fatalf("the approval requests were not answered by the server: %v", srv.lines())
		}
		paid := conektaEvent(t, ck, conekta.EventChargePaid)
		if _, err := ck.Resend(ctx, paid); err != nil {
			t.Fatal(err)
		}
		if got := srv.received("conekta")[paid]; got != 1 {
			t.Fatalf("charge.paid %s received %d times, want 1", paid, got)
		}
		// A reference the server's book does not know is declined at the till.
		other, err := ck.PayAtTill(ctx, string(unbooked.PaymentSources.Data[0].Cash.Reference), 20000)
		if err != nil || other.Paid || other.FailureCode != conekta.FailureReferenceNotFound {
			t.Fatalf("unbooked reference: %+v, %v; want declined with %s", other, err, conekta.FailureReferenceNotFound)
		}
	})

	t.Run("fygaro", func(t *testing.T) {
		btn, err := fg.Button()
		if err != nil {
			t.Fatal(err)
		}
		link, err := btn.Link(&fygaro.LinkParams{Amount: fygaro.AmountFromCents(2500), Currency: "USD", CustomReference: "order-42", ExpiresAt: time.Now().Add(time.Hour)})
		if err != nil {
			t.Fatal(err)
		}
		pay, err := fg.Pay(ctx, link, nil)
		if err != nil || pay.Delivery == nil || pay.Delivery.StatusCode != 200 {
			t.Fatalf("delivery: %+v, %v", pay, err)
		}
		if again, err := fg.Resend(ctx, pay.Reference); err != nil || again.StatusCode != 200 {
			t.Fatalf("duplicate delivery: %+v, %v", again, err)
		}
		if got := srv.received("fygaro"); len(got) != 1 || got[pay.Reference] != 1 {
			t.Fatalf("received %v, want %s once", got, pay.Reference)
		}
	})

	t.Run("tpaga", func(t *testing.T) {
		ref, err := tpc.References.Create(ctx, &tpaga.ReferenceParams{Requester: tpaga.Requester{FirstNames: "Noa", LastNames: "Tamayo",
			DocumentType: tpaga.DocumentCC, DocumentNumber: "111222333", PhoneNumber: "+573000000000"}, Description: "Recarga", Amount: 20000})
		if err != nil {
			t.Fatal(err)
		}
		paid, err := sim.Pay(ctx, &tpaga.EfectyPaymentParams{Reference: ref.Reference, Amount: 20000})
		if err != nil {
			t.Fatal(err)
		}
		if again, err := tp.Resend(ctx, paid.EfectyOrderID); err != nil || again.StatusCode != 200 {
			t.Fatalf("duplicate delivery: %+v, %v", again, err)
		}
		key := ref.Reference + "/" + paid.EfectyOrderID
		if got := srv.received("tpaga"); len(got) != 1 || got[key] != 1 {
			t.Fatalf("received %v, want %s once", got, key)
		}
	})

	t.Run("forged requests", func(t *testing.T) {
		otherKey := testutil.RSAKey()
		forgedConekta := `{"id":"evt_forged","type":"order.paid","data":{"object":{}}}`
		badDigest, _ := webhook.SignConekta([]byte(`{"something":"else"}`), otherKey) // a signature over another body
		forgedFygaro := `{"reference":"FYG-forged","customReference":"order-42","jwt":"a.b.c"}`
		fygSig, _ := webhook.SignFygaro([]byte(forgedFygaro), "not-the-secret", time.Now())
		for _, f := range []struct {
			path   string
			header http.Header
			body   string
		}{
			{"/webhooks/toku", http.Header{"Toku-Signature": {"t=1700000000,s=" + strings.Repeat("0", 64)}}, `{"id":"evt_forged","event_type":"transaction.success"}`},
			{"/webhooks/conekta", http.Header{"Digest": {badDigest}}, forgedConekta},
			{"/webhooks/conekta/sync", http.Header{"Digest": {badDigest}}, `{"id":"evt_forged","type":"inbound_payment.lookup","data":{"object":{"amount":0}}}`},
			{"/webhooks/fygaro", http.Header{webhook.FygaroSignatureHeader: {fygSig}, webhook.FygaroKeyIDHeader: {fg.HookKeyID}}, forgedFygaro},
			{"/webhooks/tpaga", http.Header{"Authorization": {"Basic bm90LWFncmVlZA=="}}, `{"reference":"1","amount":1,"efecty_order_id":"9"}`},
		} {
			if code := srv.post(t, f.path, f.header, f.body); code != http.StatusUnauthorized && code != http.StatusBadRequest {
				t.Errorf("forged request to %s answered %d, want 401 or 400", f.path, code)
			}
			if code := srv.post(t, f.path, nil, f.body); code != http.StatusUnauthorized && code != http.StatusBadRequest {
				t.Errorf("unauthenticated request to %s answered %d, want 401 or 400", f.path, code)
			}
		}
	})

	// Nothing secret reached the log.
	for _, l := range srv.lines() {
		text := fmt.Sprint(l)
		for _, secret := range []string{string(ep.Secret), string(fg.HookSecret), "ZTJlLXRwYWdhLWFncmVlZA", conektatest.CardVisa} {
			if strings.Contains(text, secret) {
				t.Fatalf("log line carries a secret or card number: %s", text)
			}
		}
	}

	// SIGTERM: graceful stop, exit 0.
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.done:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v", err)
		}
		srv.done <- nil // for the cleanup
	case <-time.After(30 * time.Second):
		t.Fatal("server did not stop after SIGTERM")
	}
	if _, err := http.Get(base + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

// conektaEvent returns the id of the latest event of type typ the fake
// delivered; each subtest causes one event of the type it checks.
func conektaEvent(t *testing.T, ck *conektatest.Server, typ conekta.EventType) string {
	t.Helper()
	id := ""
	for _, d := range ck.Deliveries() {
		if d.EventType == typ && d.StatusCode == 200 {
			id = d.EventID
		}
	}
	if id == "" {
		t.Fatalf("no delivered %s in %+v", typ, ck.Deliveries())
	}
	return id
}

// publicPEM is the PEM of the tests' shared RSA key.
func publicPEM(t *testing.T) string {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(testutil.RSAKey().Public())
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}

// logged reports whether a log line has msg and the attribute key = value.
func (p *proc) logged(msg, key, value string) bool {
	for _, l := range p.lines() {
		if l["msg"] == msg && fmt.Sprint(l[key]) == value {
			return true
		}
	}
	return false
}

func TestStartupSettings(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) lookupEnv {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, c := range []struct {
		env  lookupEnv
		want string // the variable the error must name
	}{
		{env("TOKU_WEBHOOK_SECRET", ""), "TOKU_WEBHOOK_SECRET"},
		{env("TOKU_WEBHOOK_SECRET", "  "), "TOKU_WEBHOOK_SECRET"},
		{env("TOKU_WEBHOOK_SECRET", " whesec_padded "), "TOKU_WEBHOOK_SECRET"},
		{env("CONEKTA_WEBHOOK_PUBLIC_KEY", "-----BEGIN PUBLIC KEY-----\nnot base64\n-----END PUBLIC KEY-----\n"), "CONEKTA_WEBHOOK_PUBLIC_KEY"},
		{env("CONEKTA_WEBHOOK_PUBLIC_KEY", "/nonexistent/key.pem"), "CONEKTA_WEBHOOK_PUBLIC_KEY"},
		{env("CONEKTA_WEBHOOK_PUBLIC_KEY", publicPEM(t), "CONEKTA_SYNC_FAILURE_CODE", "xx"), "CONEKTA_SYNC_FAILURE_CODE"},
		{env("CONEKTA_WEBHOOK_PUBLIC_KEY", publicPEM(t), "CONEKTA_SYNC_BOOK", "ref:100"), "CONEKTA_SYNC_BOOK"},
		{env("FYGARO_KEY_ID", "fyg_key"), "FYGARO_SECRET"},
		{env("FYGARO_KEY_ID", " "), "FYGARO_KEY_ID"},
		{env("FYGARO_KEY_ID", "fyg_key", "FYGARO_SECRET", " padded "), "FYGARO_SECRET"},
		{env("FYGARO_KEY_ID", "fyg_key", "FYGARO_SECRET", "s", "FYGARO_JWT_ONLY_MAX_AGE", "forever"), "FYGARO_JWT_ONLY_MAX_AGE"},
		{env("TPAGA_NOTIFY_AUTHORIZATION", " Basic x "), "TPAGA_NOTIFY_AUTHORIZATION"},
		{env("PAGOS_RECONCILE_EVERY", "daily"), "PAGOS_RECONCILE_EVERY"},
		{env("PAGOS_RECONCILE_EVERY", "-1h"), "PAGOS_RECONCILE_EVERY"},
	} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, c.env, io.Discard)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("malformed setting: err = %v, want a message naming %s", err, c.want)
		}
	}
	if err := run(context.Background(), []string{"-log-format", "xml"}, env(), io.Discard); err == nil {
		t.Error("bad -log-format accepted")
	}

	// Nothing configured: only /healthz, and the log says why each route is off.
	ctx, cancel := context.WithCancel(context.Background())
	var out strings.Builder
	var mu sync.Mutex
	w := writerFunc(func(b []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return out.Write(b) })
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"-addr", "127.0.0.1:0", "-log-format", "json"}, env(), w) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		mu.Lock()
		s := out.String()
		mu.Unlock()
		if strings.Contains(s, `"msg":"listening"`) {
			for _, why := range []string{"TOKU_WEBHOOK_SECRET is not set", "CONEKTA_WEBHOOK_PUBLIC_KEY is not set", "FYGARO_KEY_ID is not set", "TPAGA_NOTIFY_AUTHORIZATION is not set"} {
				if !strings.Contains(s, `"reason":"`+why+`"`) {
					t.Errorf("start-up log does not say %q:\n%s", why, s)
				}
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no listening line:\n%s", s)
		}
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }

// Two server processes share one PostgreSQL dedupe store: Toku delivers the
// same event to both (two endpoints subscribed to it), and it is processed
// once in total.
func TestTwoReplicasShareDedupe(t *testing.T) {
	dsn := testutil.PostgresDSN(t, os.Getenv)
	ctx := context.Background()
	// The database outlives this run: ids unique to the run keep a done
	// event of an earlier run from answering for this one.
	run := time.Now().UnixNano()
	var n atomic.Int64
	tk := tokutest.NewServer(t, tokutest.WithIDs(func(prefix string) string {
		return fmt.Sprintf("%s%d_%d", prefix, run, n.Add(1))
	}))
	tc, _ := tk.Client()
	cus, _ := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "22222222-2"})
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan", DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.AmountFromWhole(5000)})
	if err != nil {
		t.Fatal(err)
	}
	var replicas []*proc
	for range 2 {
		addr := freeAddr(t)
		ep, err := tc.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: "http://" + addr + "/webhooks/toku", EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}})
		if err != nil {
			t.Fatal(err)
		}
		replicas = append(replicas, startServer(t, addr, "TOKU_WEBHOOK_SECRET="+string(ep.Secret), "PAGOS_DEDUPE_DSN="+dsn))
	}
	for _, r := range replicas {
		found := false
		for _, l := range r.lines() {
			if l["msg"] == "dedupe store" && l["kind"] == "postgresql" {
				found = true
			}
		}
		if !found {
			t.Fatalf("replica did not log the shared store: %v", r.lines())
		}
	}
	pay, err := tk.PayInvoice(ctx, inv.ID)
	if err != nil || len(pay.Deliveries) != 2 {
		t.Fatalf("deliveries %+v, %v", pay, err)
	}
	for _, d := range pay.Deliveries {
		if d.StatusCode != 200 {
			t.Fatalf("delivery %+v", d)
		}
	}
	total := 0
	for _, r := range replicas {
		total += r.received("toku")[pay.Deliveries[0].EventID]
	}
	if total != 1 {
		t.Fatalf("event %s processed %d times across two replicas, want 1", pay.Deliveries[0].EventID, total)
	}
}
