package mapping

// Some exports write a contact's several companies in one cell with a
// separator of their own: HubSpot's "Associated Company" ("Acme;Globex")
// and "Associated Company IDs" ("9001;9002"). Such a column is known by
// its header alone: a plain company column's ";" may be part of a name.
//
// These columns are the contact's links to company records, and the
// export writes them beside the contact's own "Company Name" text, which
// they win over whatever the columns' order.
var listColumns = map[string]phrases{
	"company":             {"export": {"Associated Company"}},
	"company_external_id": {"export": {"Associated Company IDs"}},
}

// listSeparator is the separator the cells of those columns use, besides
// Roster's own "||".
const listSeparator = ";"

// listIndex maps a folded list-column header to its contact key.
var listIndex = func() map[string]string {
	idx := mustIndex(Contacts, listColumns)
	for _, k := range canonicalKeys[Contacts] {
		delete(idx, Fold(k)) // the index holds the keys too; "company" is no list column
	}
	return idx
}()

// setSeparators notes, per column, the separator a list column's cells
// use, for the columns that map to the key their header names.
func (m *Mapping) setSeparators(kind Kind, header []string) {
	m.Separators = make([]string, len(header))
	if kind != Contacts {
		return
	}
	for i, h := range header {
		if key, ok := listIndex[Fold(h)]; ok && m.Columns[i] == key {
			m.Separators[i] = listSeparator
		}
	}
}

// primaryColumns name the primary one of a list column's companies:
// HubSpot writes it beside the whole list, which holds it too.
var primaryColumns = func() map[string]string {
	idx := map[string]string{}
	for key, hs := range map[string][]string{
		"company":             {"Associated Company (Primary)"},
		"company_external_id": {"Associated Company IDs (Primary)", "Primary Associated Company ID"},
	} {
		for _, h := range hs {
			idx[Fold(h)] = key
		}
	}
	return idx
}()

// primaryOf reports whether column col, which lost key to column list,
// names the primary one of the list column's values.
func primaryOf(header []string, key string, list, col int) bool {
	return listIndex[Fold(header[list])] == key && primaryColumns[Fold(header[col])] == key
}
