package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"roster"
	"roster/postgres"
	"roster/sqlite"
	"roster/sqlstore"
)

// common holds the flags every command takes.
type common struct {
	db     string
	tenant string
	notice io.Writer // where a created default tenant is announced
}

// flags returns a FlagSet for a subcommand with --db and --tenant bound.
func (m *Main) flags(name, usage string, c *common) *flag.FlagSet {
	fs := flag.NewFlagSet("roster "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	c.notice = m.Stderr
	def := m.Getenv("ROSTER_DB")
	if def == "" {
		def = "roster.db"
	}
	fs.StringVar(&c.db, "db", def, "database: a SQLite file path or a postgres:// URL (env ROSTER_DB)")
	fs.StringVar(&c.tenant, "tenant", roster.DefaultTenant, "tenant to act for")
	fs.Usage = func() {
		fmt.Fprintf(m.Stderr, "Usage: roster %s %s\n\nFlags:\n", name, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning flag errors into usage errors. Flags may come
// before, between or after the positional arguments (roster tokens create
// --db x.db), as the usage lines show them; "--" ends the flags.
func parse(fs *flag.FlagSet, args []string) error {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if err == flag.ErrHelp {
				return err
			}
			return usagef("%v", err)
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			positional = append(positional, rest...)
			break
		}
		if len(rest) == 0 {
			break
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
	// Leave the positional arguments in fs.Args() for the caller.
	return fs.Parse(append([]string{"--"}, positional...))
}

// open opens the database a --db value names: a postgres:// URL or a SQLite file.
func open(ctx context.Context, db string) (*sqlstore.Store, error) {
	if strings.HasPrefix(db, "postgres://") || strings.HasPrefix(db, "postgresql://") {
		return postgres.Open(ctx, db)
	}
	return sqlite.Open(ctx, db)
}

// openTenant opens the database and finds the tenant. A database with no
// tenant at all gets the default one on first use, as `roster serve`
// does, so `roster import people.csv` works on a fresh install.
func (c *common) openTenant(ctx context.Context) (*sqlstore.Store, *roster.Tenant, error) {
	s, err := open(ctx, c.db)
	if err != nil {
		return nil, nil, err
	}
	t, err := s.FindTenant(ctx, c.tenant)
	if roster.ErrorCode(err) == roster.ENOTFOUND && c.tenant == roster.DefaultTenant {
		var made *roster.Tenant
		if made, err = createFirstTenant(ctx, s); made != nil && c.notice != nil {
			fmt.Fprintf(c.notice, "roster: created tenant %q (the database had none); 'roster tokens create' makes an API token for it\n", made.Name)
		}
		if err == nil {
			// Made now, or by another process, or the database has other
			// tenants and this finds the default missing still.
			t, err = s.FindTenant(ctx, c.tenant)
		}
	}
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, t, nil
}
