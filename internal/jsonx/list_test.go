package jsonx

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestDecodePage(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]Page[string]{
		` ["a","b"]`: {Data: []string{"a", "b"}},
		`{"object":"list","has_more":true,"data":["a"],"next_page_url":"https://x"}`: {Data: []string{"a"}, HasMore: true},
		`{"items":["a"],"next_cursor":"c2"}`:                                         {Data: []string{"a"}, NextCursor: "c2"},
		`{"items":["a"],"next_cursor":null}`:                                         {Data: []string{"a"}},
		`{"data":["d"],"items":["i"]}`:                                               {Data: []string{"d"}},
		`{}`:                                                                         {},
	} {
		got, err := DecodePage[string]([]byte(in))
		if err != nil {
			t.Errorf("DecodePage(%s): %v", in, err)
			continue
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("DecodePage(%s) (-want +got):\n%s", in, diff)
		}
	}
	for _, bad := range []string{`{"data":{}}`, `"x"`, `[1]`, `{"next_cursor":5}`} {
		if got, err := DecodePage[string]([]byte(bad)); err == nil {
			t.Errorf("DecodePage(%s) = %+v, want an error", bad, got)
		}
	}
}

// FuzzDecodePage: list answers come from the network.
func FuzzDecodePage(f *testing.F) {
	for _, s := range []string{`[]`, `{"data":[1],"has_more":true}`, `{"items":[],"next_cursor":"c"}`, `null`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = DecodePage[map[string]any](b)
	})
}
