package main

import (
	"bufio"
	"context"
	"encoding/json"
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

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/toku/tokutest"
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

func TestEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	ctx := context.Background()
	addr := freeAddr(t)
	base := "http://" + addr

	// Toku: a customer pays an invoice; the fake delivers transaction.success.
	tk := tokutest.NewServer(t)
	tc, _ := tk.Client()
	cus, err := tc.Customers.Create(ctx, &toku.CustomerParams{GovernmentID: "11111111-1", Mail: "ana@example.com"})
	if err != nil {
		t.Fatal(err)
	}
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan", DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.NewAmount(19990)})
	if err != nil {
		t.Fatal(err)
	}
	ep, err := tc.WebhookEndpoints.Create(ctx, &toku.WebhookEndpointParams{URL: base + "/webhooks/toku", EnabledEvents: []toku.EventType{toku.EventTransactionSuccess}})
	if err != nil {
		t.Fatal(err)
	}

	srv := startServer(t, addr, "TOKU_WEBHOOK_SECRET="+string(ep.Secret))

	pay, err := tk.PayInvoice(ctx, inv.ID)
	if err != nil || len(pay.Deliveries) != 1 || pay.Deliveries[0].StatusCode != 200 {
		t.Fatalf("toku delivery: %+v, %v", pay, err)
	}
	again, err := tk.Resend(ctx, pay.Deliveries[0].EventID)
	if err != nil || again[0].StatusCode != 200 {
		t.Fatalf("toku duplicate delivery: %+v, %v", again, err)
	}
	if got := srv.received("toku"); len(got) != 1 || got[pay.Deliveries[0].EventID] != 1 {
		t.Fatalf("toku events received: %v, want %s once", got, pay.Deliveries[0].EventID)
	}

	// Forged requests are refused.
	forged := map[string]struct {
		header http.Header
		body   string
	}{
		"/webhooks/toku": {http.Header{"Toku-Signature": {"t=1700000000,s=" + strings.Repeat("0", 64)}}, `{"id":"evt_forged","event_type":"transaction.success"}`},
	}
	for path, f := range forged {
		if code := srv.post(t, path, f.header, f.body); code != http.StatusUnauthorized && code != http.StatusBadRequest {
			t.Errorf("forged request to %s answered %d, want 401 or 400", path, code)
		}
	}
	if code := srv.post(t, "/webhooks/toku", nil, "{}"); code != http.StatusUnauthorized {
		t.Errorf("unsigned request answered %d", code)
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

func TestStartupSettings(t *testing.T) {
	t.Parallel()
	env := func(kv ...string) lookupEnv {
		m := map[string]string{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	for _, bad := range []lookupEnv{
		env("TOKU_WEBHOOK_SECRET", ""),
		env("TOKU_WEBHOOK_SECRET", "  "),
		env("TOKU_WEBHOOK_SECRET", " whesec_padded "),
	} {
		err := run(context.Background(), []string{"-addr", "127.0.0.1:0"}, bad, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "TOKU_WEBHOOK_SECRET") {
			t.Errorf("malformed setting: err = %v, want a message naming TOKU_WEBHOOK_SECRET", err)
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
			if !strings.Contains(s, `"reason":"TOKU_WEBHOOK_SECRET is not set"`) {
				t.Errorf("start-up log does not say why Toku is off:\n%s", s)
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
	if testing.Short() {
		t.Skip("builds and runs the server binary")
	}
	dsn := testutil.PostgresDSN(t)
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
	inv, err := tc.Invoices.Create(ctx, &toku.InvoiceParams{Customer: cus.ID, ProductID: "plan", DueDate: toku.Date{Year: 2026, Month: 12, Day: 1}, Amount: toku.NewAmount(5000)})
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
