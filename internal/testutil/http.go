package testutil

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// Mux starts a test server on a new ServeMux, closed when t ends. Requests
// to paths the test did not register fail t.
func Mux(t testing.TB) (*http.ServeMux, string) {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("unexpected request %s %s", r.Method, r.URL)
		http.Error(w, "unexpected", http.StatusTeapot)
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return mux, srv.URL
}

// Wire checks what a request carried: its method and raw query; each header
// of header (an empty value means the header must be absent); a User-Agent
// naming pagos and provider; and its JSON body against body, "" meaning no
// body.
func Wire(t testing.TB, r *http.Request, method, query string, header map[string]string, provider, body string) {
	t.Helper()
	if r.Method != method {
		t.Errorf("method = %s, want %s", r.Method, method)
	}
	if r.URL.RawQuery != query {
		t.Errorf("query = %q, want %q", r.URL.RawQuery, query)
	}
	for name, want := range header {
		if got := r.Header.Get(name); got != want {
			t.Errorf("header %s = %q, want %q", name, got, want)
		}
	}
	if ua := r.Header.Get("User-Agent"); !strings.HasPrefix(ua, "pagos-go/") || !strings.Contains(ua, provider) {
		t.Errorf("User-Agent = %q", ua)
	}
	b, _ := io.ReadAll(r.Body)
	if body == "" {
		if len(b) != 0 {
			t.Errorf("unexpected body %s", b)
		}
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q", ct)
	}
	JSONEqual(t, b, body)
}

// Respond answers with status and a JSON body.
func Respond(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	io.WriteString(w, body)
}
