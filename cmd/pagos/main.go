package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses.
const (
	exitOK     = 0
	exitFailed = 1 // a check failed
	exitUsage  = 2 // bad usage
)

// env looks a variable up; tests and main give os.LookupEnv.
type env func(string) (string, bool)

// cli is what a command runs with: its streams and environment.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	env            env
}

// getenv returns the variable's value or "".
func (c *cli) getenv(name string) string {
	v, _ := c.env(name)
	return v
}

// errUsage marks an error that is the user's invocation: exit 2.
var errUsage = errors.New("usage")

// usagef returns a usage error with a message.
func usagef(format string, a ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, a...)...)
}

// errFailed marks a check that failed after its result was printed: exit 1.
var errFailed = errors.New("check failed")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	c := &cli{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, env: os.LookupEnv}
	code := c.run(ctx, os.Args[1:])
	stop()
	os.Exit(code)
}

const mainUsage = `pagos: signed test events, a verifier and local fakes for Toku, Conekta, Fygaro and Tpaga.

Usage:
  pagos trigger PROVIDER EVENT -to URL [flags]   send one correctly signed delivery to your receiver
  pagos trigger -list                            list every event type of every provider
  pagos verify PROVIDER [flags] [FILE]           say whether a captured request verifies, and why not
  pagos fake [flags]                             run the providers' fakes as HTTP servers on loopback
  pagos fake CONTROL [args]                      pay an invoice, a till reference, a link; advance the clock
  pagos help [COMMAND]                           this text, or a command's

Providers: toku, conekta, fygaro, tpaga.
Exit status: 0 success, 1 a check failed (refused delivery, failed verification), 2 bad usage.

Examples:
  pagos fake -env-file .pagos.env &     # then: set -a; . ./.pagos.env; set +a
  pagos fake toku-pay in_000002
  pagos trigger toku invoice.updated -to http://127.0.0.1:8080/webhooks/toku -secret whesec_test
  pagos trigger conekta inbound_payment -to http://127.0.0.1:8080/webhooks/conekta/sync -key-file key.pem
  pagos verify fygaro -key-id fyg_test_hook_key < captured.http
`

// run parses the command line and runs a command, returning the exit status.
func (c *cli) run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(c.stderr, mainUsage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "help", "-h", "-help", "--help":
		if len(rest) > 0 && cmd == "help" {
			return c.run(ctx, []string{rest[0], "-h"})
		}
		fmt.Fprint(c.stdout, mainUsage)
		return exitOK
	case "trigger":
		err = c.trigger(ctx, rest)
	case "verify":
		err = c.verify(rest)
	case "fake":
		err = c.fake(ctx, rest)
	default:
		fmt.Fprintf(c.stderr, "pagos: unknown command %q\n\n%s", cmd, mainUsage)
		return exitUsage
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintln(c.stderr, "pagos:", err)
		return exitUsage
	case errors.Is(err, errFailed):
		return exitFailed
	default:
		fmt.Fprintln(c.stderr, "pagos:", err)
		return exitFailed
	}
}

// flags returns a FlagSet whose -h prints usage (with examples) to stdout.
func (c *cli) flags(name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(c.stderr)
	fs.Usage = func() {
		fmt.Fprint(c.stdout, usage)
		fmt.Fprintln(c.stdout, "\nFlags:")
		fs.SetOutput(c.stdout)
		fs.PrintDefaults()
		fs.SetOutput(c.stderr)
	}
	return fs
}

// parse parses flags interspersed with positional arguments (Go's flag
// package stops at the first positional one), returning the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, fmt.Errorf("%w: %v", errUsage, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}
