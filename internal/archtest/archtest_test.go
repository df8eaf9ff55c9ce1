package archtest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The real tree keeps every rule.
func TestTreeKeepsImportRules(t *testing.T) {
	pkgs := listModule(t)
	if len(pkgs) < 10 {
		t.Fatalf("go list found %d packages; the test is not reading the module", len(pkgs))
	}
	for _, v := range violations(pkgs) {
		t.Error(v)
	}
}

// Each rule fails on a tree that breaks it, and only there.
func TestEachRuleCanFail(t *testing.T) {
	const m = module + "/"
	base := []pkg{
		{Path: m + "internal/httpcore", Imports: []string{"net/http", "github.com/hashicorp/go-retryablehttp"}},
		{Path: m + "toku", Imports: []string{m + "internal/httpcore"}},
		{Path: m + "toku/tokutest", Imports: []string{m + "toku", m + "webhook"}},
		{Path: m + "fygaro", Imports: []string{"github.com/golang-jwt/jwt/v5"}},
		{Path: m + "fygaro/fygarotest", Imports: []string{m + "fygaro", "github.com/golang-jwt/jwt/v5"}},
		{Path: m + "webhook", Imports: []string{m + "toku", m + "fygaro", "github.com/golang-jwt/jwt/v5"}},
		{Path: m + "webhook/pgstore", Imports: []string{"database/sql", m + "webhook"}, TestImports: []string{"github.com/lib/pq"}},
		{Path: m + "internal/helper", Imports: []string{"strings"}},
		{Path: m + "examples/quickstart", Imports: []string{m + "toku/tokutest", "github.com/golang-jwt/jwt/v5", "github.com/jackc/pgx/v5/stdlib"}},
	}
	// with returns base with extra imports added to the package at rel.
	with := func(rel string, imports, testImports []string) []pkg {
		out := make([]pkg, len(base))
		copy(out, base)
		for i, p := range out {
			if p.Path == m+rel {
				out[i].Imports = append(append([]string(nil), p.Imports...), imports...)
				out[i].TestImports = append(append([]string(nil), p.TestImports...), testImports...)
				return out
			}
		}
		return append(out, pkg{Path: m + rel, Imports: imports, TestImports: testImports})
	}
	// fygaroViaHelper: fygaro imports a helper that imports the pipeline.
	fygaroViaHelper := with("fygaro", []string{m + "internal/helper"}, nil)
	for i := range fygaroViaHelper {
		if fygaroViaHelper[i].Path == m+"internal/helper" {
			fygaroViaHelper[i].Imports = []string{m + "internal/httpcore"}
		}
	}
	tests := []struct {
		name string
		pkgs []pkg
		want []string
	}{
		{"the synthetic tree keeps every rule", base, nil},
		{"a fake may import webhook", with("conekta/conektatest", []string{m + "conekta", m + "webhook"}, nil), nil},
		{"provider imports webhook", with("toku", []string{m + "webhook"}, nil), []string{
			m + "toku reaches " + m + "webhook: a provider never imports webhook",
		}},
		{"a package other than a provider may import webhook", with("internal/helper", []string{m + "webhook/pgstore"}, nil), nil},
		{"provider reaches webhook/pgstore through a helper", with("conekta", []string{m + "internal/helper", m + "webhook/pgstore"}, nil), []string{
			m + "conekta reaches " + m + "webhook/pgstore: a provider never imports webhook",
			m + "conekta reaches " + m + "webhook: a provider never imports webhook",
		}},
		{"a provider's test may import webhook", with("tpaga", nil, []string{m + "webhook"}), nil},
		{"library imports examples", with("webhook", []string{m + "examples/webhook-server"}, nil), []string{
			m + "webhook imports " + m + "examples/webhook-server: nothing imports examples",
		}},
		{"a test imports examples", with("tpaga", nil, []string{m + "examples/webhook-server"}), []string{
			m + "tpaga imports " + m + "examples/webhook-server: nothing imports examples",
		}},
		{"retryablehttp outside httpcore", with("conekta", []string{"github.com/hashicorp/go-retryablehttp"}, nil), []string{
			m + "conekta imports github.com/hashicorp/go-retryablehttp: only internal/httpcore may",
		}},
		{"retryablehttp in a test outside httpcore", with("webhook", nil, []string{"github.com/hashicorp/go-retryablehttp"}), []string{
			m + "webhook imports github.com/hashicorp/go-retryablehttp: only internal/httpcore may",
		}},
		{"jwt outside fygaro and webhook", with("toku", []string{"github.com/golang-jwt/jwt/v5"}, nil), []string{
			m + "toku imports github.com/golang-jwt/jwt/v5: only fygaro and webhook (and their subpackages) may",
		}},
		{"jwt in a test outside fygaro and webhook", with("internal/httpcore", nil, []string{"github.com/golang-jwt/jwt/v4"}), []string{
			m + "internal/httpcore imports github.com/golang-jwt/jwt/v4: only fygaro and webhook (and their subpackages) may",
		}},
		{"the root's tests may import the providers", append(base, pkg{Path: module, Imports: []string{"errors"}, TestImports: []string{m + "toku"}}), nil},
		{"the root imports the module", append(base, pkg{Path: module, Imports: []string{m + "internal/helper"}}), []string{
			module + " imports " + m + "internal/helper: the root package imports nothing of the module",
		}},
		{"fygaro may import a helper that keeps off the pipeline", with("fygaro", []string{m + "internal/helper"}, nil), nil},
		{"fygaro reaches the pipeline through a helper", fygaroViaHelper, []string{
			m + "fygaro reaches " + m + "internal/httpcore: fygaro has no API and never reaches the HTTP pipeline",
		}},
		{"fygaro imports the pipeline", with("fygaro", []string{m + "internal/httpcore"}, nil), []string{
			m + "fygaro reaches " + m + "internal/httpcore: fygaro has no API and never reaches the HTTP pipeline",
		}},
		{"webhook imports the pipeline", with("webhook/pgstore", []string{m + "internal/httpcore"}, nil), []string{
			m + "webhook/pgstore imports " + m + "internal/httpcore: webhook never imports the HTTP pipeline itself",
		}},
		{"library imports a driver", with("webhook/pgstore", []string{"github.com/jackc/pgx/v5/stdlib"}, nil), []string{
			m + "webhook/pgstore reaches github.com/jackc/pgx/v5/stdlib: a library package never imports a database driver",
		}},
		{"library reaches a driver through a helper", with("internal/helper", []string{"github.com/lib/pq"}, nil), []string{
			m + "internal/helper reaches github.com/lib/pq: a library package never imports a database driver",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, violations(tt.pkgs)); diff != "" {
				t.Errorf("violations (-want +got):\n%s", diff)
			}
		})
	}
}

// listModule lists every package of the module this test lives in, with
// its imports, through `go list` (the same loader the build uses, so build
// tags and file selection match what `go build` and `go test` see).
func listModule(t *testing.T) []pkg {
	t.Helper()
	gomod, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatalf("go env GOMOD: %v", err)
	}
	cmd := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	cmd.Dir = filepath.Dir(strings.TrimSpace(string(gomod)))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []pkg
	dec := json.NewDecoder(bytes.NewReader(out))
	for {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decoding go list's output: %v", err)
		}
		pkgs = append(pkgs, pkg{Path: p.ImportPath, Imports: p.Imports, TestImports: append(p.TestImports, p.XTestImports...)})
	}
	return pkgs
}
