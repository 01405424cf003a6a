package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"text/tabwriter"

	"roster"
)

func (m *Main) migrate(ctx context.Context, args []string) error {
	var c common
	if err := parse(m.flags("migrate", "", &c), args); err != nil {
		return err
	}
	s, err := open(ctx, c.db) // opening migrates
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(m.Stdout, "database %s is up to date\n", redact(c.db))
	return nil
}

func (m *Main) tenants(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("tenants", "list | create NAME", &c)
	if err := parse(fs, args); err != nil {
		return err
	}
	s, err := open(ctx, c.db)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub := fs.Arg(0); {
	case sub == "list" || sub == "":
		ts, err := s.ListTenants(ctx)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tCREATED")
		for _, t := range ts {
			fmt.Fprintf(w, "%d\t%s\t%s\n", t.ID, t.Name, t.CreatedAt.Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case sub == "create" && fs.NArg() == 2:
		t, err := s.CreateTenant(ctx, fs.Arg(1))
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "created tenant %q (id %d)\n", t.Name, t.ID)
		return nil
	default:
		return usagef("tenants: want 'list' or 'create NAME'")
	}
}

func (m *Main) tokens(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("tokens", "create [--name NAME] [--read-only]", &c)
	name := fs.String("name", "cli", "a name to remember the token by")
	readOnly := fs.Bool("read-only", false, "the token may only read")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.Arg(0) != "create" {
		return usagef("tokens: want 'create'")
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	secret := roster.NewTokenSecret()
	if err := s.CreateToken(ctx, &roster.Token{TenantID: t.ID, Name: *name, ReadOnly: *readOnly}, secret); err != nil {
		return err
	}
	fmt.Fprintln(m.Stdout, secret)
	return nil
}

func (m *Main) fields(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("fields", "add|list|remove --kind contacts|companies [...]", &c)
	kind := fs.String("kind", "contacts", "contacts or companies")
	name := fs.String("name", "", "add, remove: the field's key (a-z, 0-9, _)")
	label := fs.String("label", "", "add: the label people see (default: the key)")
	typ := fs.String("type", "text", "add: "+fieldTypes())
	choices := fs.String("choices", "", "add: comma-separated choices of a dropdown")
	maxLen := fs.Int("max-length", 0, "add: maximum length of text values (default 255)")
	required := fs.Bool("required", false, "add: records must have a value")
	// Let flags follow the subcommand: roster fields add --kind contacts …
	sub := ""
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	k, err := roster.ParseKind(*kind)
	if err != nil {
		return usagef("%v", err)
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch sub {
	case "add":
		f := &roster.FieldDef{Kind: k, Key: *name, Label: *label, Type: roster.FieldType(*typ), MaxLength: *maxLen, Required: *required}
		if *choices != "" {
			f.Choices = strings.Split(*choices, ",")
		}
		if err := s.CreateField(ctx, t.ID, f); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "added %s field %q (%s)\n", k, f.Key, f.Type)
		return nil
	case "list", "":
		defs, err := s.ListFields(ctx, t.ID, k)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "KEY\tLABEL\tTYPE\tREQUIRED\tCHOICES")
		for _, f := range defs {
			fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\n", f.Key, f.Label, f.Type, f.Required, strings.Join(f.Choices, ","))
		}
		return w.Flush()
	case "remove":
		if err := s.DeleteField(ctx, t.ID, k, *name); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "removed %s field %q\n", k, *name)
		return nil
	default:
		return usagef("fields: want add, list or remove")
	}
}

func fieldTypes() string {
	var names []string
	for _, t := range roster.FieldTypes {
		names = append(names, string(t))
	}
	return strings.Join(names, ", ")
}

// redact hides a password in a database URL before it is logged or printed.
func redact(db string) string {
	u, err := url.Parse(db)
	if err != nil || u.User == nil {
		return db
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
