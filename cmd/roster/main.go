// Command roster runs Roster: the API server, imports and exports, and
// the administration of tenants, tokens and custom fields.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"slices"
	"strings"
	"syscall"

	"roster"
	"roster/importer"
)

// Exit codes scripts depend on.
const (
	exitOK         = 0
	exitFatal      = 1
	exitUsage      = 2
	exitInProgress = 3
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	m := NewMain()
	if os.Getenv("GOMEMLIMIT") == "" {
		m.limitMemory = debug.SetMemoryLimit
	}
	os.Exit(m.Run(ctx, os.Args[1:]))
}

// Main is the program, with its streams and environment, so tests run the
// real thing end to end.
type Main struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// Ready, if set, receives the address serve listens on (tests).
	Ready chan<- string
	// limitMemory, if set, sets the runtime's soft memory limit for the
	// imports a command runs at once (importer.MemoryLimit).
	limitMemory func(int64) int64
}

// importsAtOnce sets the memory limit for n imports running at once.
func (m *Main) importsAtOnce(n int) {
	if m.limitMemory != nil {
		m.limitMemory(importer.MemoryLimit(n))
	}
}

// NewMain returns a Main wired to the process's streams and environment.
func NewMain() *Main {
	return &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
}

// command is one subcommand.
type command struct {
	name, summary string
	run           func(m *Main, ctx context.Context, args []string) error
}

func (m *Main) commands() []command {
	return []command{
		{"serve", "run the HTTP API server", (*Main).serve},
		{"worker", "run import job workers only", (*Main).worker},
		{"migrate", "apply pending database migrations", (*Main).migrate},
		{"tenants", "list or create tenants", (*Main).tenants},
		{"tokens", "create API tokens", (*Main).tokens},
		{"fields", "add, list or remove custom fields", (*Main).fields},
		{"import", "import contacts or companies from a CSV or XLSX file", (*Main).importCmd},
		{"imports", "list imports, show one, or get its failed rows", (*Main).imports},
		{"undo", "undo an import", (*Main).undo},
		{"profiles", "save, list or delete import profiles", (*Main).profiles},
		{"contacts", "list or show contacts", (*Main).contacts},
		{"companies", "list or show companies", (*Main).companies},
		{"export", "export contacts or companies as CSV or XLSX", (*Main).export},
		{"webhooks", "set, show or remove the webhook called when an import ends", (*Main).webhooks},
	}
}

// Run runs the command line args and returns the exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	args = globalsLast(args)
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		m.usage()
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range m.commands() {
		if c.name == args[0] {
			return m.exit(c.run(m, ctx, args[1:]))
		}
	}
	fmt.Fprintf(m.Stderr, "roster: unknown command %q\n\n", args[0])
	m.usage()
	return exitUsage
}

// globalsLast moves the flags every command takes (--db, --tenant) from
// before the command to the end, where every command reads its flags:
// "roster --db x.db import FILE" is how many other tools are called.
func globalsLast(args []string) []string {
	var globals []string
	for len(args) > 0 {
		name, _, withValue := strings.Cut(strings.TrimLeft(args[0], "-"), "=")
		if !strings.HasPrefix(args[0], "-") || name != "db" && name != "tenant" {
			break
		}
		n := 2
		if withValue || len(args) == 1 {
			n = 1
		}
		globals, args = append(globals, args[:n]...), args[n:]
	}
	return append(slices.Clip(args), globals...)
}

func (m *Main) usage() {
	fmt.Fprintln(m.Stderr, "Usage: roster <command> [flags]\n\nCommands:")
	for _, c := range m.commands() {
		fmt.Fprintf(m.Stderr, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(m.Stderr, "\nEvery command takes --db (or ROSTER_DB) and --tenant, before or after it; 'roster <command> --help' for more.")
}

// usageError marks errors in how a command was called (exit code 2).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitError carries a specific exit code with its message.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }

// Unwrap lets the error's code through (--json says import_in_progress).
func (e *exitError) Unwrap() error { return e.err }

func (m *Main) exit(err error) int {
	var ue *usageError
	var ee *exitError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintln(m.Stderr, "roster:", err)
		return exitUsage
	case errors.As(err, &ee):
		fmt.Fprintln(m.Stderr, "roster:", err)
		return ee.code
	default:
		fmt.Fprintln(m.Stderr, "roster:", flagWords(err))
		return exitFatal
	}
}

// importOptions are the import options whose errors name them by their
// JSON key, as the API takes them.
var importOptions = []string{"kind", "match", "merge", "blank", "lists", "custom_fields", "max_rows", "delimiter",
	"region", "date_format", "encoding", "sheet", "map"}

// flagWords is err's message with the import option it names said as
// the CLI's flag: "--date-format: …" where the API says "date_format: …".
func flagWords(err error) string {
	msg := err.Error()
	var e *roster.Error
	if !errors.As(err, &e) {
		return msg
	}
	for _, key := range importOptions {
		flag := "--" + strings.ReplaceAll(key, "_", "-")
		if rest, ok := strings.CutPrefix(msg, key+": "); ok && e.Details["field"] == key {
			return flag + ": " + rest
		}
		if _, ok := e.Details[key]; ok {
			msg = strings.ReplaceAll(msg, "("+key+")", "("+flag+")")
		}
	}
	return msg
}
