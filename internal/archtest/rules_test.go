package archtest

import (
	"fmt"
	"sort"
	"strings"
)

// module is the import path of the module whose rules this package checks.
const module = "github.com/pagos-go/pagos"

// pkg is what the rules need to know of one package of the module: its
// import path and its direct imports, those of its non-test files apart
// from those its _test.go files add.
type pkg struct {
	Path        string
	Imports     []string // from non-test files
	TestImports []string // from _test.go files, internal and external
}

// The provider packages: they hold API clients and event types, and webhook
// imports them, never the other way round.
var providers = []string{"toku", "conekta", "fygaro", "tpaga"}

// databaseDrivers are import path prefixes of database/sql drivers. The
// library takes a *sql.DB and leaves the choice of driver to its user.
var databaseDrivers = []string{
	"github.com/jackc/pgx",
	"github.com/lib/pq",
	"github.com/go-sql-driver/mysql",
	"github.com/mattn/go-sqlite3",
	"modernc.org/sqlite",
	"github.com/microsoft/go-mssqldb",
	"github.com/denisenkom/go-mssqldb",
	"github.com/sijms/go-ora",
}

// violations returns one line per broken import rule, sorted; none when the
// packages keep every rule. Rules on what a package may reach hold for its
// non-test code, directly or through other packages of the module; rules on
// who may import a dependency hold for every file, tests included. pkgs
// under examples/ may import anything, as a user's program may.
func violations(pkgs []pkg) []string {
	byPath := make(map[string]pkg, len(pkgs))
	for _, p := range pkgs {
		byPath[p.Path] = p
	}
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }

	for _, p := range pkgs {
		rel := relative(p.Path)
		if under(rel, "examples") {
			continue
		}
		for _, imp := range append(append([]string(nil), p.Imports...), p.TestImports...) {
			switch {
			case under(relative(imp), "examples") && strings.HasPrefix(imp, module+"/"):
				add("%s imports %s: nothing imports examples", p.Path, imp)
			case under(imp, "github.com/hashicorp/go-retryablehttp") && rel != "internal/httpcore":
				add("%s imports %s: only internal/httpcore may", p.Path, imp)
			case under(imp, "github.com/golang-jwt/jwt") && !under(rel, "fygaro") && !under(rel, "webhook"):
				add("%s imports %s: only fygaro and webhook (and their subpackages) may", p.Path, imp)
			}
		}
		reach := reachable(byPath, p)
		// The root package holds what every provider shares, so it imports
		// nothing of the module; a package with no API (fygaro) never
		// reaches the HTTP pipeline, and webhook reaches it only through
		// the providers whose event types it uses.
		for _, imp := range p.Imports {
			switch {
			case rel == "." && strings.HasPrefix(imp, module+"/"):
				add("%s imports %s: the root package imports nothing of the module", p.Path, imp)
			case under(rel, "webhook") && imp == module+"/internal/httpcore":
				add("%s imports %s: webhook never imports the HTTP pipeline itself", p.Path, imp)
			}
		}
		if rel == "fygaro" {
			for _, imp := range reach {
				if imp == module+"/internal/httpcore" {
					add("%s reaches %s: fygaro has no API and never reaches the HTTP pipeline", p.Path, imp)
				}
			}
		}
		if isProvider(rel) {
			for _, imp := range reach {
				if strings.HasPrefix(imp, module+"/") && under(relative(imp), "webhook") {
					add("%s reaches %s: a provider never imports webhook", p.Path, imp)
				}
			}
		}
		for _, imp := range reach {
			for _, d := range databaseDrivers {
				if under(imp, d) {
					add("%s reaches %s: a library package never imports a database driver", p.Path, imp)
				}
			}
		}
	}
	sort.Strings(out)
	return out
}

// reachable returns every import path p's non-test code reaches, directly
// or through packages of pkgs, sorted.
func reachable(pkgs map[string]pkg, p pkg) []string {
	seen := map[string]bool{}
	stack := append([]string(nil), p.Imports...)
	for len(stack) > 0 {
		imp := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if seen[imp] {
			continue
		}
		seen[imp] = true
		if q, ok := pkgs[imp]; ok {
			stack = append(stack, q.Imports...)
		}
	}
	out := make([]string, 0, len(seen))
	for imp := range seen {
		out = append(out, imp)
	}
	sort.Strings(out)
	return out
}

// isProvider reports whether rel (a path relative to the module) is a
// provider package or one of its subpackages other than its fake.
func isProvider(rel string) bool {
	for _, name := range providers {
		if under(rel, name) && !under(rel, name+"/"+name+"test") {
			return true
		}
	}
	return false
}

// relative returns path relative to the module root, or path itself when
// it lies outside the module.
func relative(path string) string {
	if path == module {
		return "."
	}
	if rest, ok := strings.CutPrefix(path, module+"/"); ok {
		return rest
	}
	return path
}

// under reports whether path is dir or lies inside it.
func under(path, dir string) bool {
	return path == dir || strings.HasPrefix(path, dir+"/")
}
