package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pagos-go/pagos/internal/testutil"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
)

// logLines decodes JSON log lines.
func logLines(t *testing.T, logs *testutil.LogBuffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for l := range strings.Lines(logs.String()) {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// findLog returns the first line at level whose status (when status is
// not 0) is status, or nil.
func findLog(lines []map[string]any, level string, status int) map[string]any {
	for _, l := range lines {
		if l["level"] == level && (status == 0 || l["status"] == float64(status)) {
			return l
		}
	}
	return nil
}

// Handlers built without WithLogger log through slog.Default(), as it is
// when they log: a misconfigured secret or failing user code must leave a
// trace. Not parallel: it replaces slog's default logger.
func TestHandlersLogThroughSlogDefault(t *testing.T) {
	var logs testutil.LogBuffer
	prev := slog.Default()
	t.Cleanup(func() { slog.SetDefault(prev) })

	fail := errors.New("ledger unavailable")
	th := newTokuHarness(t, func(_ context.Context, e *toku.Event) error {
		switch e.ID {
		case "evt_fails":
			return fail
		case "evt_panics":
			panic("bug in user code")
		}
		return nil
	}, WithMaxBodyBytes(4096))
	slog.SetDefault(logs.Logger()) // after construction: the handler must follow it

	body := tokuBody("evt_wrong_secret")
	const wrongSecret = "whesec_someone-elses-secret-value"
	sig, err := SignToku(body, wrongSecret, th.now, toku.SignedEventID)
	if err != nil {
		t.Fatal(err)
	}
	if w := th.send(http.MethodPost, body, sig); w.Code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", w.Code)
	}
	if w := th.send(http.MethodGet, nil, ""); w.Code != http.StatusMethodNotAllowed {
		t.Fatalf("GET: %d", w.Code)
	}
	if w := th.send(http.MethodPost, []byte(`{"id":"`+strings.Repeat("x", 5000)+`"}`), ""); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("large body: %d", w.Code)
	}
	noID := []byte(`{"object":"event"}`)
	bodySig, err := SignToku(noID, vecSecret, th.now, toku.SignedBody)
	if err != nil {
		t.Fatal(err)
	}
	if w := th.send(http.MethodPost, noID, bodySig); w.Code != http.StatusBadRequest {
		t.Fatalf("authentic body without an id: %d", w.Code)
	}
	if w := th.post(tokuBody("evt_fails")); w.Code != http.StatusInternalServerError {
		t.Fatalf("failing user code: %d", w.Code)
	}
	if w := th.post(tokuBody("evt_panics")); w.Code != http.StatusInternalServerError {
		t.Fatalf("panicking user code: %d", w.Code)
	}

	out := logs.String()
	for _, secret := range []string{vecSecret, wrongSecret, sig[strings.Index(sig, "s=")+2:], string(body)} {
		if strings.Contains(out, secret) {
			t.Errorf("the log carries %q:\n%s", secret, out)
		}
	}
	lines := logLines(t, &logs)
	for _, status := range []int{http.StatusUnauthorized, http.StatusMethodNotAllowed, http.StatusRequestEntityTooLarge, http.StatusBadRequest} {
		l := findLog(lines, "WARN", status)
		if l == nil || l["provider"] != "toku" {
			t.Errorf("no warning with status %d and the provider in:\n%s", status, out)
		}
	}
	if l := findLog(lines, "WARN", http.StatusUnauthorized); l != nil && !strings.Contains(l["reason"].(string), "signature mismatch") {
		t.Errorf("the 401 warning does not say why: %v", l)
	}
	var failed, panicked bool
	for _, l := range lines {
		if l["level"] != "ERROR" {
			continue
		}
		e, _ := l["error"].(string)
		failed = failed || (l["event"] == "evt_fails" && strings.Contains(e, fail.Error()))
		panicked = panicked || (l["event"] == "evt_panics" && strings.Contains(e, "bug in user code"))
	}
	if !failed || !panicked {
		t.Errorf("user code's error logged: %v, its panic: %v, in:\n%s", failed, panicked, out)
	}
}

// A logger given with WithLogger, bundled by HandlerOptions, takes the
// place of slog.Default(); the bundle applies every option in it.
func TestHandlerOptionsBundle(t *testing.T) {
	t.Parallel()
	var logs testutil.LogBuffer
	shared := HandlerOptions(WithLogger(logs.Logger()), WithMaxBodyBytes(64))
	th := newTokuHarness(t, func(context.Context, *toku.Event) error { return nil }, shared)
	if w := th.post(tokuBody(strings.Repeat("e", 100))); w.Code != http.StatusRequestEntityTooLarge {
		t.Fatalf("a body past the bundled limit: %d", w.Code)
	}
	if findLog(logLines(t, &logs), "WARN", http.StatusRequestEntityTooLarge) == nil {
		t.Errorf("the refusal did not reach the bundled logger:\n%s", logs.String())
	}
	if _, err := NewTpagaHandler(tpagaAuth, func(context.Context, *tpaga.Notification) error { return nil },
		HandlerOptions(WithLogger(logs.Logger()), WithTimeout(-time.Second))); err == nil || !strings.Contains(err.Error(), "WithTimeout") {
		t.Errorf("a bad option inside a bundle: %v", err)
	}
	if _, err := NewConektaHandler(nil, nil, HandlerOption{}); err == nil || !strings.Contains(err.Error(), "zero HandlerOption") {
		t.Errorf("a zero HandlerOption: %v", err)
	}
}
