package testutil

import (
	"testing"
)

// The tests' PostgreSQL: .ci/run starts a throwaway cluster and sets both.
const (
	PostgresDSNEnv      = "PAGOS_TEST_POSTGRES_DSN"
	PostgresRequiredEnv = "PAGOS_TEST_POSTGRES_REQUIRED"
)

const noPostgres = PostgresDSNEnv + ` is not set. To run the PostgreSQL tests, start a throwaway server and point them at it:
	docker run --rm -d --name pagos-pg -p 127.0.0.1:55432:5432 -e POSTGRES_PASSWORD=pagos postgres:17
	` + PostgresDSNEnv + `='postgres://postgres:pagos@127.0.0.1:55432/postgres?sslmode=disable' go test -race ./...
or run bash .ci/run, which installs PostgreSQL from Debian's packages and starts one (see the README).`

// PostgresDSN returns the test database's DSN, read through getenv (pass
// os.Getenv from the test). Without one it skips the test, unless
// PostgresRequiredEnv=1 or CI=true (a skip in CI would prove nothing) makes
// that a failure.
func PostgresDSN(t testing.TB, getenv func(string) string) string {
	t.Helper()
	if dsn := getenv(PostgresDSNEnv); dsn != "" {
		return dsn
	}
	if getenv(PostgresRequiredEnv) == "1" || getenv("CI") == "true" {
		t.Fatal(PostgresRequiredEnv + "=1 or CI=true makes a database required. " + noPostgres)
	}
	t.Skip(noPostgres)
	return ""
}
