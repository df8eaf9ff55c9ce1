package testutil

import (
	"io"
	"net"
	"sync"
	"testing"
)

// Silent starts a loopback server that accepts connections and reads what
// is sent but never answers, closed when t ends, and returns its base URL:
// a provider that hangs, for timeout tests.
func Silent(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var conns []net.Conn
	closed := false
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			if closed {
				c.Close()
			} else {
				conns = append(conns, c)
				go func() { _, _ = io.Copy(io.Discard, c) }()
			}
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		mu.Lock()
		defer mu.Unlock()
		closed = true
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + ln.Addr().String()
}
