package pgstore_test

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/pgstore"
)

// These tests run Toku handlers as replicas sharing one table, and act as
// Toku: they sign deliveries, post them over loopback HTTP and retry
// whatever is not a 200.

const secret = "whesec_pgstore_replicas"

// replicaEnv makes the test binary a replica process serving the table it
// names (see TestMain).
const replicaEnv = "PAGOS_PGSTORE_TEST_REPLICA"

// The dead replica's handler settings.
const (
	deadTimeout = time.Second
	deadLease   = 2 * time.Second
)

func TestMain(m *testing.M) {
	if table := os.Getenv(replicaEnv); table != "" {
		if err := runReplicaProcess(table); err != nil {
			fmt.Fprintln(os.Stderr, "replica:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runReplicaProcess serves a Toku handler whose user code announces the
// event on stdout and then hangs, until the test kills the process.
func runReplicaProcess(table string) error {
	db, err := sql.Open("postgres", os.Getenv(testutil.PostgresDSNEnv))
	if err != nil {
		return err
	}
	st, err := pgstore.New(db, pgstore.Config{Table: table})
	if err != nil {
		return err
	}
	h, err := webhook.NewTokuHandler(secret, func(_ context.Context, e *toku.Event) error {
		fmt.Println("started", e.ID)
		select {} // stuck mid-event: only SIGKILL ends it
	}, webhook.WithStore(st), webhook.WithTimeout(deadTimeout), webhook.WithLease(deadLease))
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	fmt.Println("listening http://" + ln.Addr().String())
	return http.Serve(ln, h)
}

// serve runs a replica's handler on a loopback server and returns its URL.
func serve(t *testing.T, st webhook.Store, fn webhook.TokuHandlerFunc, opts ...webhook.Option) string {
	t.Helper()
	h, err := webhook.NewTokuHandler(secret, fn, append([]webhook.Option{webhook.WithStore(st)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// sender is Toku's side of the connection, keeping connections to the
// replicas for concurrent deliveries.
var sender = &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}

// deliver posts a signed Toku event to url and returns the status, 0 when
// the request failed. It may run on any goroutine.
func deliver(t testing.TB, url, event string) (int, http.Header) {
	t.Helper()
	body := []byte(`{"id":"` + event + `","event_type":"transaction.success","transaction":{"id":"trs_` + event + `","amount":19990}}`)
	sig, err := webhook.SignToku(body, secret, time.Now(), toku.SignedEventID)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(string(body)))
	req.Header.Set(webhook.TokuSignatureHeader, sig)
	resp, err := sender.Do(req)
	if err != nil {
		return 0, nil
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode, resp.Header
}

// deliverUntilOK retries like a provider until a 200, at most within limit,
// and returns how many 503s it got on the way. Any other answer fails t.
func deliverUntilOK(t *testing.T, url, event string, limit time.Duration) (busy int) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		code, h := deliver(t, url, event)
		switch code {
		case http.StatusOK:
			return busy
		case http.StatusServiceUnavailable:
			if h.Get("Retry-After") == "" {
				t.Errorf("%s: 503 without Retry-After", event)
			}
			busy++
		default:
			t.Errorf("%s: delivery answered %d", event, code)
			return busy
		}
		// Pace the retries as a provider does; this orders nothing (the
		// answer, not the pause, decides), and the test's end stops it.
		select {
		case <-time.After(25 * time.Millisecond):
		case <-t.Context().Done():
			return busy
		}
	}
	t.Errorf("%s: not acknowledged within %s (%d answers of 503)", event, limit, busy)
	return busy
}

// Two replicas share one table: 50 events, each delivered 4 times at once,
// 2 copies to each replica. User code runs exactly once per event, every
// delivery is acknowledged in the end, and none before its event succeeded.
func TestTwoReplicasProcessEachEventOnce(t *testing.T) {
	t.Parallel()
	admin := openDB(t)
	table := newTable(t, admin)
	var mu sync.Mutex
	runs := map[string]int{}
	succeeded := map[string]bool{}
	fn := func(ctx context.Context, e *toku.Event) error {
		mu.Lock()
		runs[e.ID]++
		mu.Unlock()
		select { // some work, so duplicates overlap it
		case <-time.After(time.Duration(rand.IntN(30)) * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
		mu.Lock()
		succeeded[e.ID] = true
		mu.Unlock()
		return nil
	}
	opts := []webhook.Option{webhook.WithTimeout(10 * time.Second), webhook.WithBusyWait(200 * time.Millisecond)}
	var urls [2]string
	for i := range urls {
		db := openDB(t) // a pool per replica, as two processes would have
		urls[i] = serve(t, newStore(t, db, table), fn, opts...)
	}

	const events, copies = 50, 4
	start := make(chan struct{})
	var wg sync.WaitGroup
	var early atomic.Int32
	for i := range events * copies {
		ev := fmt.Sprintf("evt_%02d", i/copies)
		url := urls[i%2] // copies alternate between the replicas
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			deliverUntilOK(t, url, ev, time.Minute)
			mu.Lock()
			if !succeeded[ev] {
				early.Add(1)
			}
			mu.Unlock()
		}()
	}
	close(start)
	wg.Wait()

	if early.Load() != 0 {
		t.Errorf("%d deliveries acknowledged before their event succeeded", early.Load())
	}
	if len(runs) != events {
		t.Errorf("user code saw %d events, want %d", len(runs), events)
	}
	for ev, n := range runs {
		if n != 1 {
			t.Errorf("%s processed %d times, want once", ev, n)
		}
	}
	var done, attempts int
	if err := admin.QueryRow(`SELECT count(*) FILTER (WHERE status = 'done'), coalesce(sum(attempts), 0) FROM `+table).Scan(&done, &attempts); err != nil {
		t.Fatal(err)
	}
	if done != events || attempts != events {
		t.Errorf("table: %d done with %d attempts in all, want %d and %d", done, attempts, events, events)
	}
}

// A replica is killed (SIGKILL) while user code is in the middle of an
// event. Its claim holds until the lease runs out by the database's clock;
// then a redelivery to the other replica processes the event, once.
func TestDeadReplicasEventIsProcessedAfterItsLease(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	table := newTable(t, db)
	var runs atomic.Int32
	survivor := serve(t, newStore(t, db, table), func(context.Context, *toku.Event) error { runs.Add(1); return nil },
		webhook.WithTimeout(deadTimeout), webhook.WithLease(deadLease), webhook.WithBusyWait(100*time.Millisecond))

	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), replicaEnv+"="+table)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 4)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	next := func(prefix string) string {
		select {
		case l, ok := <-lines:
			if ok && strings.HasPrefix(l, prefix) {
				return strings.TrimPrefix(l, prefix)
			}
			t.Fatalf("replica process said %q, want %q…; stderr: %s", l, prefix, stderr.String())
		case <-time.After(30 * time.Second):
			t.Fatalf("replica process silent, want %q…; stderr: %s", prefix, stderr.String())
		}
		return ""
	}
	dying := next("listening ")

	first := make(chan int, 1)
	go func() { code, _ := deliver(t, dying, "evt_dead"); first <- code }()
	if ev := next("started "); ev != "evt_dead" {
		t.Fatalf("replica started %q", ev)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if code := <-first; code == http.StatusOK {
		t.Fatal("the killed replica acknowledged the event")
	}

	busy := deliverUntilOK(t, survivor, "evt_dead", time.Minute)
	if runs.Load() != 1 {
		t.Fatalf("the survivor ran user code %d times, want 1", runs.Load())
	}
	if busy == 0 {
		t.Error("the survivor processed the event at once, while the dead replica's lease was live")
	}
	var status string
	var attempts int
	var heldMicros int64
	if err := db.QueryRow(`SELECT status, attempts, (extract(epoch FROM done_at - first_seen) * 1e6)::bigint FROM `+table+` WHERE event_key = 'evt_dead'`).
		Scan(&status, &attempts, &heldMicros); err != nil {
		t.Fatal(err)
	}
	held := time.Duration(heldMicros) * time.Microsecond
	if status != "done" || attempts != 2 || held < deadLease {
		t.Fatalf("row: %s after %d attempts, done %s after the first claim; want done, 2 attempts, not before the lease of %s ran out", status, attempts, held, deadLease)
	}
	if code, _ := deliver(t, survivor, "evt_dead"); code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("a redelivery answered %d after %d runs; want 200 without running again", code, runs.Load())
	}
}

// User code fails on one replica; Toku's retry reaches the other, which
// processes the event; later copies are acknowledged without running.
func TestFailedEventIsProcessedByTheRetry(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	table := newTable(t, db)
	var runs atomic.Int32
	fn := func(context.Context, *toku.Event) error {
		if runs.Add(1) == 1 {
			return errors.New("ledger unavailable")
		}
		return nil
	}
	a := serve(t, newStore(t, db, table), fn)
	b := serve(t, newStore(t, openDB(t), table), fn)
	if code, _ := deliver(t, a, "evt_retry"); code != http.StatusInternalServerError {
		t.Fatalf("failing user code answered %d, want 500 so Toku retries", code)
	}
	if code, _ := deliver(t, b, "evt_retry"); code != http.StatusOK {
		t.Fatalf("the retry answered %d", code)
	}
	for _, url := range []string{a, b} {
		if code, _ := deliver(t, url, "evt_retry"); code != http.StatusOK {
			t.Fatalf("a later copy answered %d", code)
		}
	}
	if runs.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2: the failure and the retry", runs.Load())
	}
	var status, lastError string
	var attempts int
	if err := db.QueryRow(`SELECT status, attempts, last_error FROM `+table+` WHERE event_key = 'evt_retry'`).Scan(&status, &attempts, &lastError); err != nil {
		t.Fatal(err)
	}
	if status != "done" || attempts != 2 || lastError != "ledger unavailable" {
		t.Fatalf("row: %s, %d attempts, last error %q", status, attempts, lastError)
	}
}

// The database becomes unreachable mid-run (the test cuts its own TCP proxy
// to the server): deliveries get 503 with Retry-After, user code does not
// run, the failure is logged; when the database is back the same handler
// processes what was missed, by itself.
func TestDatabaseOutageAnswers503ThenRecovers(t *testing.T) {
	t.Parallel()
	direct := openDB(t)
	table := newTable(t, direct)
	dsn, err := url.Parse(testDSN(t))
	if err != nil || dsn.Host == "" {
		t.Fatalf("this test needs a URL DSN (postgres://user@host:port/db): %v", err)
	}
	server := dsn.Host
	if dsn.Port() == "" {
		server = net.JoinHostPort(dsn.Hostname(), "5432")
	}
	p := startProxy(t, server)
	q := dsn.Query()
	q.Set("connect_timeout", "2")
	dsn.Host, dsn.RawQuery = p.addr(), q.Encode()
	db, err := sql.Open("postgres", dsn.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	configurePool(db)

	var runs atomic.Int32
	var logs testutil.LogBuffer
	url := serve(t, newStore(t, db, table), func(context.Context, *toku.Event) error { runs.Add(1); return nil },
		webhook.WithLogger(logs.Logger()), webhook.WithBusyWait(100*time.Millisecond))
	if code, _ := deliver(t, url, "evt_before"); code != http.StatusOK || runs.Load() != 1 {
		t.Fatalf("before the outage: %d with %d runs", code, runs.Load())
	}

	p.cut()
	for _, ev := range []string{"evt_during", "evt_during", "evt_before"} {
		code, h := deliver(t, url, ev)
		if code != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Fatalf("%s during the outage: %d (Retry-After %q), want 503 with Retry-After", ev, code, h.Get("Retry-After"))
		}
	}
	if runs.Load() != 1 {
		t.Fatalf("user code ran %d times during the outage; nothing may run without the dedupe guarantee", runs.Load())
	}
	if !strings.Contains(logs.String(), "dedupe store failed") {
		t.Errorf("the outage was not logged: %s", logs.String())
	}

	p.restore()
	deliverUntilOK(t, url, "evt_during", 30*time.Second)
	for _, ev := range []string{"evt_before", "evt_during"} {
		if code, _ := deliver(t, url, ev); code != http.StatusOK {
			t.Fatalf("%s after the outage: %d", ev, code)
		}
	}
	if runs.Load() != 2 {
		t.Fatalf("user code ran %d times, want 2: each event once", runs.Load())
	}
}

// proxy is a loopback TCP proxy to the database that the test can cut.
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	down   bool
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
}

func startProxy(t *testing.T, target string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target, conns: map[net.Conn]bool{}}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(func() {
		ln.Close()
		p.cut()
		p.wg.Wait()
	})
	return p
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

func (p *proxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		if p.down {
			p.mu.Unlock()
			c.Close() // as if the database were gone
			continue
		}
		s, err := net.DialTimeout("tcp", p.target, 5*time.Second)
		if err != nil {
			p.mu.Unlock()
			c.Close()
			continue
		}
		p.conns[c], p.conns[s] = true, true
		p.mu.Unlock()
		p.wg.Add(2)
		go p.pipe(c, s)
		go p.pipe(s, c)
	}
}

func (p *proxy) pipe(dst, src net.Conn) {
	defer p.wg.Done()
	io.Copy(dst, src)
	dst.Close()
	src.Close()
	p.mu.Lock()
	delete(p.conns, dst)
	delete(p.conns, src)
	p.mu.Unlock()
}

// cut closes every connection and refuses new ones until restore.
func (p *proxy) cut() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.down = true
	for c := range p.conns {
		c.Close()
	}
	clear(p.conns)
}

func (p *proxy) restore() {
	p.mu.Lock()
	p.down = false
	p.mu.Unlock()
}

// An authentic event whose id holds a NUL or a lone surrogate (JSON
// "\u0000", "\ud800") is processed once and acknowledged, never answered
// 503 for a key the table cannot hold.
func TestOddEventIDsAreProcessedOnce(t *testing.T) {
	t.Parallel()
	db := openDB(t)
	st := newStore(t, db, newTable(t, db))
	var calls atomic.Int32
	url := serve(t, st, func(context.Context, *toku.Event) error { calls.Add(1); return nil })
	for i, event := range []string{`evt_\u0000`, `evt_\u0000\u0000`, `evt_\ud800`, `evt_\\u0000`} {
		for range 2 {
			if code, _ := deliver(t, url, event); code != http.StatusOK {
				t.Fatalf("event %s: %d, want 200", event, code)
			}
		}
		if got := calls.Load(); got != int32(i+1) {
			t.Fatalf("event %s: user code ran %d times in all, want %d", event, got, i+1)
		}
	}
}
