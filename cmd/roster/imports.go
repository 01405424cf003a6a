package main

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"roster"
	"roster/importer"
)

func (m *Main) imports(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("imports", "list | show ID | errors ID", &c)
	asJSON := fs.Bool("json", false, "print JSON")
	limit := fs.Int("limit", 20, "list: at most this many imports")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"list"}
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch {
	case pos[0] == "list":
		list, _, err := s.ListImports(ctx, t.ID, roster.Page{Limit: *limit})
		if err != nil {
			return err
		}
		if *asJSON {
			return m.printJSON(list)
		}
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tLABEL\tKIND\tFILE\tSTATUS\tROWS\tCREATED\tUPDATED\tUNCHANGED\tFAILED")
		for _, imp := range list {
			c := imp.Counts
			status := imp.Status
			if imp.DryRun {
				status += " (dry run)"
			}
			fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\n", imp.ID, imp.Label, imp.Kind, imp.FileName, status,
				c.Rows, c.Created, c.Updated, c.Unchanged, c.Failed)
		}
		return w.Flush()
	case len(pos) == 2 && (pos[0] == "show" || pos[0] == "errors"):
		id, err := strconv.ParseInt(pos[1], 10, 64)
		if err != nil {
			return usagef("imports %s: %q is not an id", pos[0], pos[1])
		}
		if pos[0] == "show" {
			imp, err := s.FindImport(ctx, t.ID, id)
			if err != nil {
				return err
			}
			return m.printJSON(imp)
		}
		// The failed-rows file, as --errors writes it: fix it and import it again.
		imp, err := s.FindImport(ctx, t.ID, id)
		if err != nil {
			return err
		}
		return importer.WriteFailedRows(ctx, s, imp, func() io.Writer { return m.Stdout }, nil)
	default:
		return usagef("imports: want list, show ID or errors ID")
	}
}

func (m *Main) undo(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("undo", "ID", &c)
	asJSON := fs.Bool("json", false, "print the undo report as JSON")
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("undo: want the import ID")
	}
	id, err := strconv.ParseInt(pos[0], 10, 64)
	if err != nil {
		return usagef("undo: %q is not an import id", pos[0])
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	rep, err := s.UndoImport(ctx, t.ID, id)
	if err != nil {
		return err
	}
	if *asJSON {
		return m.printJSON(rep)
	}
	fmt.Fprintf(m.Stdout, "undid import %d: %d records deleted, %d restored, %d re-created\n", id, rep.Deleted, rep.Restored, rep.Recreated)
	for _, n := range rep.Conflicts {
		fmt.Fprintf(m.Stdout, "  left alone: %s %d: %s\n", n.Kind.Noun(), n.RecordID, n.Reason)
	}
	for _, n := range rep.Kept {
		fmt.Fprintf(m.Stdout, "  kept: %s %d: %s\n", n.Kind.Noun(), n.RecordID, n.Reason)
	}
	return nil
}

func (m *Main) profiles(ctx context.Context, args []string) error {
	var c common
	fs := m.flags("profiles", "save NAME [import options] | list | delete NAME", &c)
	f := bindImportFlags(fs)
	pos, err := parseInterspersed(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		pos = []string{"list"}
	}
	s, t, err := c.openTenant(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	switch {
	case pos[0] == "list":
		ps, err := s.ListProfiles(ctx, t.ID)
		if err != nil {
			return err
		}
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "NAME\tKIND\tMATCH\tMAP\tUPDATED")
		for _, p := range ps {
			var maps []string
			for h, k := range p.Options.Map {
				maps = append(maps, h+"="+k)
			}
			fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", p.Name, p.Options.Kind, strings.Join(p.Options.Match, ","), strings.Join(maps, ","),
				p.UpdatedAt.Format("2006-01-02 15:04"))
		}
		return w.Flush()
	case pos[0] == "save" && len(pos) == 2:
		opts, err := f.options(fs, defaultImportOptions())
		if err != nil {
			return err
		}
		p := &roster.Profile{Name: pos[1], Options: opts}
		if err := importer.CheckProfile(ctx, s, t.ID, p); err != nil {
			return err
		}
		if err := s.SaveProfile(ctx, t.ID, p); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "saved profile %q: roster import --profile %s FILE\n", p.Name, p.Name)
		return nil
	case pos[0] == "delete" && len(pos) == 2:
		if err := s.DeleteProfile(ctx, t.ID, pos[1]); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "deleted profile %q\n", pos[1])
		return nil
	default:
		return usagef("profiles: want save NAME, list or delete NAME")
	}
}
