package webhook_test

import (
	"bufio"
	"bytes"
	"errors"
	"go/ast"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestOptionsMisuseDoesNotCompile proves what a normal test cannot: that an
// option given to a constructor it does not apply to is a type error. One
// `go list -export` builds the export data of webhook and conektasync;
// go/types then checks each snippet against it in process.
func TestOptionsMisuseDoesNotCompile(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the go command; skipped under -short")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("no go command on PATH; CI must run this check")
		}
		t.Skip("no go command on PATH")
	}
	const (
		webhookPath = "github.com/pagos-go/pagos/webhook"
		syncPath    = webhookPath + "/conektasync"
	)
	out, err := exec.CommandContext(t.Context(), goTool, "list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}", webhookPath, syncPath).Output()
	if err != nil {
		t.Fatalf("go list -export: %v", err)
	}
	exports := map[string]string{}
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		if path, file, ok := strings.Cut(sc.Text(), "\t"); ok && file != "" {
			exports[path] = file
		}
	}
	fset := token.NewFileSet()
	imp := importer.ForCompiler(fset, "gc", func(path string) (io.ReadCloser, error) { return os.Open(exports[path]) })

	check := func(stmts string) error {
		src := `package probe

import (
	"context"
	"crypto/rsa"
	"net/http"
	"time"

	"github.com/pagos-go/pagos/conekta"
	"github.com/pagos-go/pagos/fygaro"
	"github.com/pagos-go/pagos/toku"
	"github.com/pagos-go/pagos/tpaga"
	"github.com/pagos-go/pagos/webhook"
	"github.com/pagos-go/pagos/webhook/conektasync"
)

var (
	_ = context.Background
	_ rsa.PublicKey
	_ http.Header
	_ time.Duration
	_ conekta.Event
	_ fygaro.Hook
	_ toku.Event
	_ tpaga.Notification
	_ conektasync.Auth
	_ webhook.Key
)

func tokuFn(context.Context, *toku.Event) error          { return nil }
func conektaFn(context.Context, *conekta.Event) error    { return nil }
func fygaroFn(context.Context, *fygaro.Hook) error       { return nil }
func tpagaFn(context.Context, *tpaga.Notification) error { return nil }

func probe(keys []*rsa.PublicKey, r conektasync.Responder, c *toku.Client) {
` + stmts + `
}
`
		f, err := parser.ParseFile(fset, "probe.go", src, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("snippet does not parse: %v\n%s", err, stmts)
		}
		conf := types.Config{Importer: imp}
		_, err = conf.Check("probe", fset, []*ast.File{f}, nil)
		return err
	}

	// What the README promises compiles.
	if err := check(`
	shared := webhook.HandlerOptions(webhook.WithTimeout(time.Second), webhook.WithLogger(nil))
	_, _ = webhook.NewTokuHandler("s", tokuFn, shared, webhook.WithStore(nil), webhook.WithClock(time.Now), webhook.WithTolerance(time.Minute), webhook.WithTokuConfirmation(c))
	_, _ = webhook.VerifyToku(nil, "", "s", webhook.WithClock(time.Now), webhook.WithTolerance(time.Minute))
	_, _ = webhook.NewConektaHandler(keys, conektaFn, shared, webhook.WithNamespace("n"), webhook.WithLease(time.Minute))
	_, _ = webhook.VerifyConekta(nil, "", keys)
	_, _ = webhook.NewFygaroHandler(nil, fygaroFn, shared, webhook.WithClock(time.Now), webhook.WithFygaroJWTOnly(time.Hour), webhook.WithBusyWait(0))
	_, _ = webhook.VerifyFygaro(nil, http.Header{}, nil, webhook.WithTolerance(time.Minute), webhook.WithFygaroJWTOnly(time.Hour))
	_, _ = webhook.NewTpagaHandler("a", tpagaFn, shared, webhook.WithTpagaHeader("X-T"), webhook.WithTpagaPreviousAuthorization("b"), webhook.WithMaxBodyBytes(1))
	_, _ = webhook.VerifyTpaga(nil, "", "a", webhook.WithTpagaPreviousAuthorization("b"))
	_, _ = conektasync.NewHandler(conektasync.Auth{Keys: keys}, r, conektasync.WithBudget(time.Second), conektasync.WithRemember(1), conektasync.WithLogger(nil))
	fy := []webhook.FygaroOption{shared, webhook.WithFygaroJWTOnly(time.Hour)}
	_ = fy`); err != nil {
		t.Fatalf("the valid uses do not compile: %v", err)
	}

	misuses := map[string]string{
		"a Fygaro option on the Toku handler":          `_, _ = webhook.NewTokuHandler("s", tokuFn, webhook.WithFygaroJWTOnly(time.Hour))`,
		"a Tpaga option on the Toku handler":           `_, _ = webhook.NewTokuHandler("s", tokuFn, webhook.WithTpagaHeader("X"))`,
		"a Toku option on the Fygaro handler":          `_, _ = webhook.NewFygaroHandler(nil, fygaroFn, webhook.WithTokuConfirmation(c))`,
		"a timestamp option on the Tpaga handler":      `_, _ = webhook.NewTpagaHandler("a", tpagaFn, webhook.WithTolerance(time.Minute))`,
		"a timestamp option on the Conekta handler":    `_, _ = webhook.NewConektaHandler(keys, conektaFn, webhook.WithClock(time.Now))`,
		"an option on VerifyConekta":                   `_, _ = webhook.VerifyConekta(nil, "", keys, webhook.WithTolerance(time.Minute))`,
		"a handler option on VerifyToku":               `_, _ = webhook.VerifyToku(nil, "", "s", webhook.WithStore(nil))`,
		"a handler-only Toku option on VerifyToku":     `_, _ = webhook.VerifyToku(nil, "", "s", webhook.WithTokuConfirmation(c))`,
		"a handler option on VerifyFygaro":             `_, _ = webhook.VerifyFygaro(nil, http.Header{}, nil, webhook.WithLogger(nil))`,
		"a handler-only Tpaga option on VerifyTpaga":   `_, _ = webhook.VerifyTpaga(nil, "", "a", webhook.WithTpagaHeader("X"))`,
		"an engine option on the Conekta sync handler": `_, _ = conektasync.NewHandler(conektasync.Auth{Keys: keys}, r, webhook.WithStore(nil))`,
		"a sync option on the Conekta event handler":   `_, _ = webhook.NewConektaHandler(keys, conektaFn, conektasync.WithBudget(time.Second))`,
	}
	for name, stmt := range misuses {
		err := check(stmt)
		if err == nil {
			t.Errorf("%s compiles: %s", name, stmt)
			continue
		}
		t.Logf("%s: %v", name, err)
		var te types.Error
		if !errors.As(err, &te) || !strings.Contains(te.Msg, "cannot use") && !strings.Contains(te.Msg, "too many arguments") {
			t.Errorf("%s: %v, want a type error refusing the option", name, err)
		}
	}
}
