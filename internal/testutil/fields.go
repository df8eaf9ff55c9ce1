package testutil

import (
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
