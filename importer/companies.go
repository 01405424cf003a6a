package importer

import (
	"slices"

	"roster"
)

func (b *batch) prefetchCompanies(recs []*record) error {
	var names, exts []string
	for _, r := range recs {
		if !r.failed() {
			names = append(names, r.company.Name)
			exts = append(exts, r.company.ExternalID, salesforceAlt(r.company.ExternalID)) // "" is compacted away
		}
	}
	var err error
	if b.companyByKey, err = b.tx.CompaniesByName(compact(names)); err != nil {
		return err
	}
	b.companyByExt, err = b.tx.CompaniesByExternalID(compact(exts))
	return err
}

// importCompany plans and writes one company row.
func (b *batch) importCompany(r *record) error {
	row := r.company
	var target *roster.Company
	for _, m := range b.run.opts.Match {
		if target != nil {
			break
		}
		switch {
		case m == roster.MatchName && row.Name != "":
			target = b.companyByKey[roster.NameKey(row.Name)]
		case m == roster.MatchExternalID && row.ExternalID != "":
			if target = b.companyByExt[row.ExternalID]; target == nil {
				target = b.companyByExt[salesforceAlt(row.ExternalID)] // the file's form of the id then replaces it
			}
		}
	}
	next := &roster.Company{Custom: map[string]any{}}
	if target != nil {
		next = cloneCompany(target)
	} else if row.Name == "" {
		return failRow(b.run.parser.firstMapped("name"), "missing_name", "a new company needs a name")
	}
	b.applyCompanyRow(next, r, target == nil || b.madeHere(target.ID, target.CreatedAt))
	next.Normalize()
	if err := next.Validate(b.run.companyDefs); err != nil {
		return domainError(err)
	}
	if c := b.companyByKey[roster.NameKey(next.Name)]; c != nil && (target == nil || c.ID != target.ID) {
		return failRow("name", "duplicate_name", "company name %s already belongs to %s", next.Name, owner(roster.KindCompanies, c.ID))
	}
	if c := b.companyByExt[next.ExternalID]; next.ExternalID != "" && c != nil && (target == nil || c.ID != target.ID) {
		return failRow("external_id", "duplicate_external_id", "external id %s already belongs to %s", next.ExternalID, owner(roster.KindCompanies, c.ID))
	}
	if target == nil {
		next.CreatedAt = b.tx.Now()
		next.UpdatedAt = next.CreatedAt
		if err := b.tx.CreateCompany(next); err != nil {
			return domainError(err)
		}
		b.rememberCompany(next)
		b.change(r, roster.KindCompanies, next.ID, roster.ActionCreated, nil, roster.Contact{}, *next)
		b.wrote(next.ID, true)
		b.run.counts.Created++
		return nil
	}
	if sameCompany(target, next) {
		b.run.counts.Unchanged++
		return nil
	}
	next.UpdatedAt = b.tx.Now()
	if err := b.tx.UpdateCompany(next); err != nil {
		return domainError(err)
	}
	b.forgetCompany(target)
	b.rememberCompany(next)
	b.change(r, roster.KindCompanies, next.ID, roster.ActionUpdated, target, roster.Contact{}, *next)
	b.run.counts.Updated++
	if b.writtenHere(target.ID, target.UpdatedAt) {
		b.rewritten.add(r.row)
	}
	b.wrote(next.ID, false)
	return nil
}

func (b *batch) applyCompanyRow(c *roster.Company, r *record, creating bool) {
	o := b.run.opts
	p := b.run.parser
	clear := o.Blank == roster.BlankClear
	row := r.company
	// A blank name never clears: a company always has one.
	b.run.applyScalars(r, []scalar{
		{"name", &c.Name, &row.Name}, {"external_id", &c.ExternalID, &row.ExternalID}, {"website", &c.Website, &row.Website},
		{"phone", &c.Phone, &row.Phone}, {"description", &c.Description, &row.Description},
		{"industry", &c.Industry, &row.Industry}, {"address", &c.Address, &row.Address},
	}, "name")
	replace := o.Lists == roster.ListsReplace
	for _, l := range []struct {
		key      string
		dst, src *[]string
	}{{"domains", &c.Domains, &row.Domains}, {"tags", &c.Tags, &row.Tags}} {
		switch {
		case r.has(l.key) && !replace:
			*l.dst = append(slices.Clone(*l.dst), *l.src...)
		case r.has(l.key) || clear && p.mapped(l.key):
			*l.dst = *l.src
		}
	}
	b.run.applyCustom(c.Custom, r, creating)
}
