package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// StateVersion is the format of the state files the fakes write. A fake
// refuses a file of another version rather than guess at it.
const StateVersion = 1

// maxState bounds a state file read back: a fake's objects from a day of
// local development are a few megabytes at most.
const maxState = 64 << 20

// envelope is the outside of every fake's state file: which fake wrote it,
// in which format, and the fake's own objects.
type envelope struct {
	Fake    string          `json:"fake"`
	Version int             `json:"version"`
	State   json.RawMessage `json:"state"`
}

// WriteState writes v, a fake's objects, as the state file of the fake
// named name ("toku", "conekta", "fygaro", "tpaga").
func WriteState(w io.Writer, name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%stest: saving state: %w", name, err)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", " ")
	if err := enc.Encode(envelope{Fake: name, Version: StateVersion, State: b}); err != nil {
		return fmt.Errorf("%stest: saving state: %w", name, err)
	}
	return nil
}

// ReadState reads a state file WriteState wrote for the fake named name into
// v. It refuses, with an error that says what is wrong, a file that is not
// JSON, was written by another fake or format version, holds fields the
// fake does not know, or has anything after its end, so a corrupt or
// foreign file is never taken for an empty fake.
func ReadState(r io.Reader, name string, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, maxState+1))
	if err != nil {
		return fmt.Errorf("%stest: reading state: %w", name, err)
	}
	if len(b) > maxState {
		return fmt.Errorf("%stest: the state file is over %d MiB", name, maxState>>20)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return fmt.Errorf("%stest: the state file is empty", name)
	}
	var env envelope
	if err := strict(b, &env); err != nil {
		return fmt.Errorf("%stest: the state file is not a fake's state: %w", name, err)
	}
	switch {
	case env.Fake != name:
		return fmt.Errorf("%stest: the state file was written by the %q fake, not %q", name, env.Fake, name)
	case env.Version != StateVersion:
		return fmt.Errorf("%stest: the state file has format version %d; this fake reads version %d", name, env.Version, StateVersion)
	case len(env.State) == 0 || string(env.State) == "null":
		return fmt.Errorf("%stest: the state file has no state", name)
	}
	if err := strict(env.State, v); err != nil {
		return fmt.Errorf("%stest: the state file's objects do not parse: %w", name, err)
	}
	return nil
}

// strict decodes exactly one JSON value with no unknown fields.
func strict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("data after the end of the JSON value")
	}
	return nil
}
