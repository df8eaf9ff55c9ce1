package testutil

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// JSONEqual fails t when got and want are not the same JSON value, showing a
// go-cmp diff. Key order and whitespace do not matter; numbers compare by
// their text, so 100 and 100.0 differ. It reports with t.Errorf, never
// t.Fatal, since test servers call it (through Wire) from their handler
// goroutines.
func JSONEqual(t testing.TB, got []byte, want string) {
	t.Helper()
	g, err := decode(got)
	if err != nil {
		t.Errorf("got invalid JSON %q: %v", got, err)
		return
	}
	w, err := decode([]byte(want))
	if err != nil {
		t.Errorf("want is invalid JSON %q: %v", want, err)
		return
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("JSON mismatch (-want +got):\n%s\ngot: %s", diff, got)
	}
}

func decode(b []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// LogBuffer collects everything a logger writes, at debug level and up.
type LogBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

// Logger returns a debug-level JSON logger writing into b.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewJSONHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
