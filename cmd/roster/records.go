package main

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"text/tabwriter"

	"roster"
)

// recordFlags are the list/get options shared by contacts and companies.
type recordFlags struct {
	common
	query, tag, externalID, cursor string
	limit                          int
	asJSON                         bool
}

func (m *Main) recordCommand(name string, args []string, rf *recordFlags) (sub string, arg string, err error) {
	fs := m.flags(name, "list [--q TEXT] [--tag T] [--external-id ID] [--limit N] [--json] | get ID", &rf.common)
	fs.StringVar(&rf.query, "q", "", "list: text in the name (or email)")
	fs.StringVar(&rf.tag, "tag", "", "list: only records with this tag")
	fs.StringVar(&rf.externalID, "external-id", "", "list: only the record with this external id")
	fs.StringVar(&rf.cursor, "cursor", "", "list: continue after this cursor")
	fs.IntVar(&rf.limit, "limit", 50, "list: at most this many records")
	fs.BoolVar(&rf.asJSON, "json", false, "print JSON")
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		sub, args = args[0], args[1:]
	}
	if len(args) > 0 && sub == "get" && !strings.HasPrefix(args[0], "-") {
		arg, args = args[0], args[1:]
	}
	if err := parse(fs, args); err != nil {
		return "", "", err
	}
	if sub == "" {
		sub = "list"
	}
	if sub != "list" && sub != "get" || sub == "get" && arg == "" {
		return "", "", usagef("%s: want 'list' or 'get ID'", name)
	}
	return sub, arg, nil
}

func (m *Main) printJSON(v any) error {
	enc := json.NewEncoder(m.Stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func (m *Main) contacts(ctx context.Context, args []string) error {
	var rf recordFlags
	sub, arg, err := m.recordCommand("contacts", args, &rf)
	if err != nil {
		return err
	}
	s, t, err := rf.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "get" {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return usagef("contacts get: %q is not an id", arg)
		}
		c, err := s.FindContact(ctx, t.ID, id)
		if err != nil {
			return err
		}
		return m.printJSON(c)
	}
	cs, next, err := s.ListContacts(ctx, t.ID, roster.ContactFilter{Query: rf.query, Tag: rf.tag, ExternalID: rf.externalID,
		Page: roster.Page{Cursor: rf.cursor, Limit: rf.limit}})
	if err != nil {
		return err
	}
	if rf.asJSON {
		return m.printJSON(map[string]any{"data": cs, "next_cursor": next})
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tEMAIL\tPHONE\tCOMPANY")
	for _, c := range cs {
		company := ""
		if len(c.Companies) > 0 {
			company = c.Companies[0].CompanyName
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Name, c.Email, firstOf(c.Phone, c.Mobile), company)
	}
	w.Flush()
	if next != "" {
		fmt.Fprintf(m.Stdout, "more: --cursor %s\n", next)
	}
	return nil
}

func (m *Main) companies(ctx context.Context, args []string) error {
	var rf recordFlags
	sub, arg, err := m.recordCommand("companies", args, &rf)
	if err != nil {
		return err
	}
	s, t, err := rf.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if sub == "get" {
		id, err := strconv.ParseInt(arg, 10, 64)
		if err != nil {
			return usagef("companies get: %q is not an id", arg)
		}
		c, err := s.FindCompany(ctx, t.ID, id)
		if err != nil {
			return err
		}
		return m.printJSON(c)
	}
	cs, next, err := s.ListCompanies(ctx, t.ID, roster.CompanyFilter{Query: rf.query, Tag: rf.tag, ExternalID: rf.externalID,
		Page: roster.Page{Cursor: rf.cursor, Limit: rf.limit}})
	if err != nil {
		return err
	}
	if rf.asJSON {
		return m.printJSON(map[string]any{"data": cs, "next_cursor": next})
	}
	w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tEXTERNAL ID\tWEBSITE\tDOMAINS")
	for _, c := range cs {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\n", c.ID, c.Name, c.ExternalID, c.Website, strings.Join(c.Domains, ","))
	}
	w.Flush()
	if next != "" {
		fmt.Fprintf(m.Stdout, "more: --cursor %s\n", next)
	}
	return nil
}

func firstOf(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}
