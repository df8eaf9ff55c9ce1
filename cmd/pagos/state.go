package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// stateFile is what pagos fake -state FILE keeps: for each provider, the
// address its fake served on (objects such as payment links embed it, so a
// restarted fake listens there again) and the fake's own state file.
type stateFile struct {
	Kind      string                   `json:"kind"`    // stateKind
	Version   int                      `json:"version"` // stateVersion
	Providers map[string]providerState `json:"providers"`
}

type providerState struct {
	Addr  string          `json:"addr"`
	State json.RawMessage `json:"state"`
}

const (
	stateKind    = "pagos-fake-state"
	stateVersion = 1
	// saveEvery is how often a changed state is written while the fakes
	// run, so a crash or kill -9 loses at most these last seconds.
	saveEvery = 2 * time.Second
)

// readStateFile reads -state FILE. A file that does not exist yet is an
// empty state (the first run creates it); a file that cannot be read or
// parsed is refused, and left as it is: a fake never starts empty over
// objects it could not read.
func readStateFile(path string) (*stateFile, error) {
	sf := &stateFile{Kind: stateKind, Version: stateVersion, Providers: map[string]providerState{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return sf, nil
	}
	if err != nil {
		return nil, fmt.Errorf("-state %s: %w", path, err)
	}
	refuse := func(why string) error {
		return fmt.Errorf("-state %s: %s; the file is left as it is: fix it, or move it away to start with empty fakes", path, why)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(sf); err != nil {
		return nil, refuse("not a pagos fake state file (" + err.Error() + ")")
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, refuse("data after the end of the JSON value")
	}
	if sf.Kind != stateKind || sf.Version != stateVersion {
		return nil, refuse(fmt.Sprintf("kind %q version %d, want %q version %d", sf.Kind, sf.Version, stateKind, stateVersion))
	}
	if sf.Providers == nil {
		return nil, refuse(`"providers" is missing or null`)
	}
	addrs := map[string]string{}
	for name, ps := range sf.Providers {
		if eventsOf(name) == nil {
			return nil, refuse(fmt.Sprintf("unknown provider %q", name))
		}
		_, port, _ := net.SplitHostPort(ps.Addr)
		if n, err := strconv.Atoi(port); !isLoopbackAddr(ps.Addr) || err != nil || n < 1 || n > 65535 {
			return nil, refuse(fmt.Sprintf("%s's address %q is not a loopback host:port", name, ps.Addr))
		}
		if other, dup := addrs[ps.Addr]; dup {
			return nil, refuse(fmt.Sprintf("%s and %s both have the address %s", other, name, ps.Addr))
		}
		addrs[ps.Addr] = name
	}
	return sf, nil
}

// listen opens the listener of a provider's fake: where the state file
// says it served before, or a new loopback port.
func (sf *stateFile) listen(name string) (net.Listener, error) {
	addr := "127.0.0.1:0"
	if ps, ok := sf.Providers[name]; ok {
		addr = ps.Addr
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil && addr != "127.0.0.1:0" {
		return nil, fmt.Errorf("%s's fake served on %s before, and the state's objects name that address, but it is taken now (%v): stop what listens there", name, addr, err)
	}
	return ln, err
}

// saver writes the state file when the fakes' objects changed.
type saver struct {
	path string
	sf   *stateFile // the providers not served this run are kept as read
	f    *fakes

	mu   sync.Mutex
	last []byte
}

// save writes the state file if it changed since the last write.
func (s *saver) save() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for name, st := range s.f.states() {
		var buf bytes.Buffer
		if err := st.save(&buf); err != nil {
			return err
		}
		s.sf.Providers[name] = providerState{Addr: st.addr, State: buf.Bytes()}
	}
	b, err := json.MarshalIndent(s.sf, "", " ")
	if err != nil {
		return err
	}
	if bytes.Equal(b, s.last) {
		return nil
	}
	if err := writeAtomic(s.path, append(b, '\n')); err != nil {
		return fmt.Errorf("-state %s: %w", s.path, err)
	}
	s.last = b
	return nil
}

// run saves every saveEvery until ctx ends, reporting failures on warn.
func (s *saver) run(ctx context.Context, warn func(error)) {
	t := time.NewTicker(saveEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.save(); err != nil {
				warn(err)
			}
		}
	}
}

// fakeState is one served fake's address and its SaveState.
type fakeState struct {
	addr string
	save func(*bytes.Buffer) error
}

// states lists the served fakes by provider name.
func (f *fakes) states() map[string]fakeState {
	m := map[string]fakeState{}
	add := func(name, url string, save func(*bytes.Buffer) error) {
		m[name] = fakeState{addr: strings.TrimPrefix(url, "http://"), save: save}
	}
	if f.toku != nil {
		add("toku", f.toku.URL, func(b *bytes.Buffer) error { return f.toku.SaveState(b) })
	}
	if f.conekta != nil {
		add("conekta", f.conekta.URL, func(b *bytes.Buffer) error { return f.conekta.SaveState(b) })
	}
	if f.fygaro != nil {
		add("fygaro", f.fygaro.URL, func(b *bytes.Buffer) error { return f.fygaro.SaveState(b) })
	}
	if f.tpaga != nil {
		add("tpaga", f.tpaga.URL, func(b *bytes.Buffer) error { return f.tpaga.SaveState(b) })
	}
	return m
}
