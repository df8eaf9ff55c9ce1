package testutil

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"slices"
	"testing"
)

// FieldsDecided fails tb unless decided names every field of root, and of
// every struct type of root's package reachable from it (and the structs it
// embeds from other packages), as "Type.Field", and nothing else. The fakes'
// state tests use it so a field added to a fake without a decision on
// saving it, or a decision about a field that is gone, fails a test rather
// than losing objects at a restart.
func FieldsDecided(tb testing.TB, root reflect.Type, decided map[string]string) {
	tb.Helper()
	got := structFields(root)
	var missing, stale []string
	have := map[string]bool{}
	for _, f := range got {
		have[f] = true
		if _, ok := decided[f]; !ok {
			missing = append(missing, f)
		}
	}
	for f := range decided {
		if !have[f] {
			stale = append(stale, f)
		}
	}
	slices.Sort(stale)
	if len(missing) > 0 || len(stale) > 0 {
		tb.Fatalf("fields not decided on (save them in state.go, then list them): %v\nlisted fields that no longer exist: %v", missing, stale)
	}
}

// structFields lists "Type.Field" for root and the struct types reachable
// from it that FieldsDecided covers.
func structFields(root reflect.Type) []string {
	var out []string
	seen := map[reflect.Type]bool{}
	var walk func(reflect.Type)
	walk = func(t reflect.Type) {
		if seen[t] {
			return
		}
		seen[t] = true
		for i := range t.NumField() {
			f := t.Field(i)
			out = append(out, t.Name()+"."+f.Name)
			ft := f.Type
			for ft.Kind() == reflect.Pointer || ft.Kind() == reflect.Slice || ft.Kind() == reflect.Map || ft.Kind() == reflect.Array {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct && (ft.PkgPath() == root.PkgPath() || f.Anonymous) {
				walk(ft)
			}
		}
	}
	walk(root)
	return out
}

// StateFile is what a fake offers for keeping its state.
type StateFile interface {
	SaveState(w io.Writer) error
	LoadState(r io.Reader) error
}

// FuzzState fuzzes a fake's LoadState, seeded with the fake's own saved
// state and an empty one of the fake named name. A file that loads must
// save, and what it saves must load again; then, when not nil, use runs
// against whatever the fake now holds. No input may panic.
func FuzzState(f *testing.F, fk StateFile, name string, use func()) {
	f.Helper()
	var saved bytes.Buffer
	if err := fk.SaveState(&saved); err != nil {
		f.Fatal(err)
	}
	f.Add(saved.Bytes())
	f.Add([]byte(`{"fake":"` + name + `","version":1,"state":{}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if err := fk.LoadState(bytes.NewReader(b)); err != nil {
			return
		}
		var out bytes.Buffer
		if err := fk.SaveState(&out); err != nil {
			t.Fatalf("SaveState after a successful LoadState: %v", err)
		}
		if err := fk.LoadState(&out); err != nil {
			t.Fatalf("LoadState of what SaveState wrote: %v", err)
		}
		if use != nil {
			use()
		}
	})
}

// EditState returns a fake's saved state file with edit applied to the
// objects inside its envelope, to build files LoadState must refuse.
func EditState(tb testing.TB, saved []byte, edit func(st map[string]any)) string {
	tb.Helper()
	var env map[string]any
	if err := json.Unmarshal(saved, &env); err != nil {
		tb.Fatal(err)
	}
	edit(env["state"].(map[string]any))
	b, err := json.Marshal(env)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}
