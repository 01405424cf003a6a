package main

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"

	"github.com/xuri/excelize/v2"
)

// Realistic contact files: names in several scripts, phones written the
// ways exports write them, companies shared by many contacts, tags and
// custom fields. Every row is valid, so the import does all its work.
var (
	firstNames = []string{"Jan", "Eva", "Petr", "Jana", "Anna", "Lukáš", "Zoë", "François", "José", "Müller", "민준", "서연", "伟", "芳", "陽翔", "さくら", "Олег", "Ιωάννης", "Fatima", "Björn"}
	lastNames  = []string{"Novák", "Svobodová", "Dvořák", "Schmidt", "Dubois", "García", "김", "이", "王", "李", "佐藤", "鈴木", "Smith", "Ivanov", "Papadopoulos", "O'Brien", "Łukasz", "Nguyễn", "Øster", "Hernández"}
	companies  = []string{"Acme", "Globex", "Initech", "Umbrella", "Stark", "Wayne", "Tyrell", "Cyberdyne", "Soylent", "Hooli"}
	suffixes   = []string{"s.r.o.", "GmbH", "Ltd", "Inc.", "a.s.", "株式会社", "주식회사", "有限公司", "SA", "BV"}
	tagsPool   = []string{"vip", "beta", "newsletter", "partner", "churn-risk", "enterprise", "smb", "trial"}
	plans      = []string{"Free", "Pro", "Enterprise"}
)

// scramble maps row numbers to distinct keys in no particular order: an
// export lists its contacts by name or date, not by email or phone, so
// their keys reach the indexes in random order (in order, a B-tree insert
// always lands on the page the last one did, and the import looks twice
// as fast as it is on real files).
func scramble(i int, mult uint32) uint32 { return uint32(i) * mult } // odd mult: one to one

// phone writes the i-th number in one of several real-world forms; all
// are valid numbers (international form, or national for the CZ default).
func phone(r *rand.Rand, i int) string {
	n := (i*7919 + 12345) % 1000000 // one to one on a million rows, spread out
	switch r.IntN(6) {
	case 0:
		return fmt.Sprintf("+420 60%d %03d %03d", 1+n%8, n/1000%1000, n%1000)
	case 1:
		return fmt.Sprintf("77%d-%03d-%03d", n%10, n/1000%1000, n%1000) // CZ national
	case 2:
		return fmt.Sprintf("+49 151 %08d", n)
	case 3:
		return fmt.Sprintf("+82 10-%04d-%04d", n/10000, n%10000)
	case 4:
		return fmt.Sprintf("+1 (212) 4%02d-%04d", n/10000%100, n%10000)
	default:
		return fmt.Sprintf("+81 90-1%03d-%04d", n/10000%1000, n%10000)
	}
}

// writeContacts writes a header and n contact rows as CSV.
func writeContacts(w io.Writer, n int, seed uint64, from int) error {
	cw := csv.NewWriter(w)
	if err := contactRows(n, seed, from, cw.Write); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}

// writeContactsInlineXLSX writes the same rows as the only sheet of a
// workbook, every cell as text, as exports write phones and ids, and the
// text in the cells, as streaming writers (excelize's among them) do.
func writeContactsInlineXLSX(w io.Writer, n int, seed uint64, from int) error {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	line := 0
	cells := make([]any, 11)
	err = contactRows(n, seed, from, func(row []string) error {
		line++
		for i, v := range row {
			cells[i] = v
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		return sw.SetRow(cell, cells[:len(row)])
	})
	if err != nil {
		return err
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}

// writeContactsXLSX writes the same rows as writeContactsInlineXLSX, the
// text in the workbook's shared strings, as Excel saves a workbook: each
// text once, in the order the rows first use it.
func writeContactsXLSX(w io.Writer, n int, seed uint64, from int) error {
	zw := zip.NewWriter(w)
	sheet, err := zw.Create("xl/worksheets/sheet1.xml")
	if err != nil {
		return err
	}
	sw := bufio.NewWriterSize(sheet, 1<<20)
	sw.WriteString(xml.Header + `<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	index := map[string]int{}
	var texts []string
	line := 0
	err = contactRows(n, seed, from, func(row []string) error {
		line++
		fmt.Fprintf(sw, `<row r="%d">`, line)
		for c, v := range row {
			i, ok := index[v]
			if !ok {
				i = len(texts)
				index[v] = i
				texts = append(texts, v)
			}
			ref, _ := excelize.CoordinatesToCellName(c+1, line)
			fmt.Fprintf(sw, `<c r="%s" t="s"><v>%d</v></c>`, ref, i)
		}
		_, err := sw.WriteString(`</row>`)
		return err
	})
	if err != nil {
		return err
	}
	sw.WriteString(`</sheetData></worksheet>`)
	if err := sw.Flush(); err != nil {
		return err
	}
	index = nil
	sst, err := zw.Create("xl/sharedStrings.xml")
	if err != nil {
		return err
	}
	sw = bufio.NewWriterSize(sst, 1<<20)
	fmt.Fprintf(sw, xml.Header+`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">`, len(texts), len(texts))
	for _, t := range texts {
		sw.WriteString(`<si><t>`)
		xml.EscapeText(sw, []byte(t))
		sw.WriteString(`</t></si>`)
	}
	sw.WriteString(`</sst>`)
	if err := sw.Flush(); err != nil {
		return err
	}
	for _, p := range [][2]string{
		{"[Content_Types].xml", `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>`},
		{"_rels/.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Contacts" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>`},
	} {
		f, err := zw.Create(p[0])
		if err != nil {
			return err
		}
		if _, err := io.WriteString(f, p[1]); err != nil {
			return err
		}
	}
	return zw.Close()
}

// contactRows hands write a header and n contact rows, the contacts
// numbered from from on: files with other numbers hold other people.
func contactRows(n int, seed uint64, from int, write func([]string) error) error {
	r := rand.New(rand.NewPCG(seed, 1))
	if err := write([]string{"First Name", "Last Name", "Email", "Phone", "Company", "Job Title", "Tags", "Plan", "VIP", "Seats", "External ID"}); err != nil {
		return err
	}
	for i := from; i < from+n; i++ {
		first, last := firstNames[r.IntN(len(firstNames))], lastNames[r.IntN(len(lastNames))]
		// About twenty contacts a company, as in a real directory.
		ci := r.IntN(max(n/20, 1))
		company := fmt.Sprintf("%s %d %s", companies[ci%len(companies)], ci, suffixes[ci%len(suffixes)])
		tags := tagsPool[r.IntN(len(tagsPool))] + ", " + tagsPool[r.IntN(len(tagsPool))]
		vip := "no"
		if r.IntN(10) == 0 {
			vip = "yes"
		}
		row := []string{first, last, fmt.Sprintf("user%08x@example%d.com", scramble(i, 2654435761), i%97), phone(r, i), company,
			"Engineer", tags, plans[r.IntN(len(plans))], vip, fmt.Sprint(1 + r.IntN(500)), fmt.Sprintf("X-%08x", scramble(i, 2246822519))}
		if err := write(row); err != nil {
			return err
		}
	}
	return nil
}
