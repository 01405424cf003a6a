package importer_test

// Tests of the whole pipeline on the kinds of files admins really send:
// exports of other systems in their native encodings and delimiters,
// Excel's "Unicode text", real XLSX workbooks, and the public sample files
// in /work/shared/testdata.

import (
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"roster"
	"roster/importer"
)

// encodedFile writes content encoded with enc (nil: as is) to a temp file.
func (e *env) encodedFile(name string, enc encoding.Encoding, content string) string {
	e.t.Helper()
	b := []byte(content)
	if enc != nil {
		var err error
		if b, err = enc.NewEncoder().Bytes(b); err != nil {
			e.t.Fatalf("encoding %s: %v", name, err)
		}
	}
	p := filepath.Join(e.t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		e.t.Fatal(err)
	}
	return p
}

// importPath imports the file at path as env.run does a CSV string.
func (e *env) importPath(path string, mods ...func(*importer.Options)) *importer.Result {
	e.t.Helper()
	opts := importer.Options{ImportOptions: roster.ImportOptions{CreateCompanies: true}, BatchSize: 3}
	for _, m := range mods {
		m(&opts)
	}
	im := &importer.Importer{Store: e.s}
	res, err := im.Run(e.ctx, e.tenant, path, opts)
	if err != nil {
		e.t.Fatalf("import %s: %v", filepath.Base(path), err)
	}
	return res
}

func batch(n int) func(*importer.Options) { return func(o *importer.Options) { o.BatchSize = n } }

// allCompanies lists every company, page by page.
func (e *env) allCompanies() []*roster.Company {
	e.t.Helper()
	var out []*roster.Company
	cursor := ""
	for {
		l, next, err := e.s.ListCompanies(e.ctx, e.tenant.ID, roster.CompanyFilter{Page: roster.Page{Cursor: cursor, Limit: roster.MaxLimit}})
		if err != nil {
			e.t.Fatal(err)
		}
		out = append(out, l...)
		if next == "" {
			return out
		}
		cursor = next
	}
}

func companyNames(cos []*roster.Company) []string {
	var names []string
	for _, co := range cos {
		names = append(names, co.Name)
	}
	slices.Sort(names)
	return names
}

func membershipNames(c *roster.Contact) []string {
	var names []string
	for _, m := range c.Companies {
		names = append(names, m.CompanyName)
	}
	return names
}

// detected fails unless the file was read as encoding and delimiter.
func detected(t *testing.T, res *importer.Result, enc, delim string) {
	t.Helper()
	if res.Info.Format != "csv" || res.Info.Encoding != enc || res.Info.Delimiter != delim {
		t.Fatalf("read as %+v, want csv in %s with delimiter %q", res.Info, enc, delim)
	}
}

// noWarnings fails if a column of the file was left unmapped.
func noWarnings(t *testing.T, res *importer.Result) {
	t.Helper()
	if len(res.Warnings) != 0 {
		t.Fatalf("warnings %q; columns mapped %q", res.Warnings, res.Columns)
	}
}

func TestRealKoreanFreshdeskCP949(t *testing.T) {
	const file = "이름,이메일,전화번호,회사,태그\r\n" +
		"김민준,MinJun.Kim@Example.co.kr,010-1234-5678,삼성전자,\"VIP, 신규\"\r\n" +
		"이서연,seoyeon.lee@example.co.kr,02-312-4567,엘지전자,\r\n" +
		"박지훈,jihoon.park@example.co.kr,010 9876 5432,삼성전자,기존\r\n" +
		"최수아,sua.choi@example.co.kr,+82 10-5555-1234,한국전력공사,\r\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("freshdesk-contacts.csv", korean.EUCKR, file), region("KR"))
		detected(t, res, "cp949", ",")
		noWarnings(t, res)
		e.counts(res, 4, 0, 0, 0)
		if res.Import.Counts.CompaniesCreated != 3 {
			t.Fatalf("companies created %d, want 3", res.Import.Counts.CompaniesCreated)
		}
		if got, want := companyNames(e.allCompanies()), []string{"삼성전자", "엘지전자", "한국전력공사"}; !reflect.DeepEqual(got, want) {
			t.Fatalf("companies %q, want %q", got, want)
		}
		for _, tc := range []struct {
			email, name, phone, company string
			tags                        []string
		}{
			{"minjun.kim@example.co.kr", "김민준", "+821012345678", "삼성전자", []string{"VIP", "신규"}},
			{"seoyeon.lee@example.co.kr", "이서연", "+8223124567", "엘지전자", nil},
			{"jihoon.park@example.co.kr", "박지훈", "+821098765432", "삼성전자", []string{"기존"}},
			{"sua.choi@example.co.kr", "최수아", "+821055551234", "한국전력공사", nil},
		} {
			c := e.byEmail(tc.email)
			if c.Name != tc.name || c.Phone != tc.phone || !reflect.DeepEqual(membershipNames(c), []string{tc.company}) ||
				len(c.Tags) != len(tc.tags) || len(tc.tags) > 0 && !reflect.DeepEqual(c.Tags, tc.tags) {
				t.Errorf("%s stored as name %q phone %q companies %q tags %q; want %q %q %q %q",
					tc.email, c.Name, c.Phone, membershipNames(c), c.Tags, tc.name, tc.phone, tc.company, tc.tags)
			}
		}
		// Both contacts of 삼성전자 are linked to the same company.
		if a, b := e.byEmail("minjun.kim@example.co.kr"), e.byEmail("jihoon.park@example.co.kr"); a.Companies[0].CompanyID != b.Companies[0].CompanyID {
			t.Errorf("two 삼성전자 companies: %d and %d", a.Companies[0].CompanyID, b.Companies[0].CompanyID)
		}
	})
}

func TestRealCzechExcelWindows1250(t *testing.T) {
	// What Czech Excel writes for "CSV (oddělený středníkem)".
	const file = "Jméno;Příjmení;E-mail;Telefon;Společnost\r\n" +
		"Jiří;Dvořák;jiri.dvorak@firma.cz;603 123 456;Škoda Auto a.s.\r\n" +
		"Žofie;Šťastná;zofie.stastna@firma.cz;+420 777 888 999;Pražská energetika, a.s.\r\n" +
		"Ondřej;Čermák;ondrej.cermak@firma.cz;212 345 678;ŠKODA AUTO A.S.\r\n" +
		"Bořivoj;Ťoupalík;borivoj(at)firma.cz;12 34;Úřad práce ČR\r\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("kontakty.csv", charmap.Windows1250, file), region("CZ"))
		detected(t, res, "windows-1250", ";")
		noWarnings(t, res)
		e.counts(res, 3, 0, 0, 1)
		// The last row has a bad email and a bad phone: both are reported, by header name.
		var got []string
		for _, er := range res.Errors {
			if er.Row != 5 || er.Cell != "" {
				t.Errorf("error %+v: want row 5, no cell reference in a CSV", er)
			}
			got = append(got, er.Column+"="+er.Code)
		}
		if want := []string{"E-mail=invalid_email", "Telefon=invalid_phone"}; !reflect.DeepEqual(got, want) {
			t.Errorf("errors %q, want %q", got, want)
		}
		for _, tc := range []struct{ email, first, last, name, phone, company string }{
			{"jiri.dvorak@firma.cz", "Jiří", "Dvořák", "Jiří Dvořák", "+420603123456", "Škoda Auto a.s."},
			{"zofie.stastna@firma.cz", "Žofie", "Šťastná", "Žofie Šťastná", "+420777888999", "Pražská energetika, a.s."},
			{"ondrej.cermak@firma.cz", "Ondřej", "Čermák", "Ondřej Čermák", "+420212345678", "Škoda Auto a.s."},
		} {
			c := e.byEmail(tc.email)
			if c.FirstName != tc.first || c.LastName != tc.last || c.Name != tc.name || c.Phone != tc.phone ||
				!reflect.DeepEqual(membershipNames(c), []string{tc.company}) {
				t.Errorf("%s stored as %q %q %q %q %q; want %q %q %q %q %q", tc.email, c.FirstName, c.LastName, c.Name, c.Phone,
					membershipNames(c), tc.first, tc.last, tc.name, tc.phone, tc.company)
			}
		}
		// ŠKODA AUTO A.S. is the same company as Škoda Auto a.s. (case-insensitive, Unicode).
		if got, want := companyNames(e.allCompanies()), []string{"Pražská energetika, a.s.", "Škoda Auto a.s."}; !reflect.DeepEqual(got, want) {
			t.Errorf("companies %q, want %q", got, want)
		}
	})
}

func TestRealChineseUTF8BOM(t *testing.T) {
	const file = "\uFEFF姓名,电子邮件,手机,组织名称,外部组织ID,职位\n" +
		"张伟,zhang.wei@example.cn,138 0013 8000,阿里巴巴集团,ORG-001,产品经理\n" +
		"王芳,wang.fang@example.cn,+86 139-1234-5678,腾讯科技,ORG-002,\n" +
		"李娜,li.na@example.cn,13700001111,阿里巴巴集团,ORG-001,工程师\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("contacts-zh.csv", nil, file), region("CN"))
		detected(t, res, "utf-8", ",")
		noWarnings(t, res)
		if res.Header[0] != "姓名" {
			t.Fatalf("header %q: the BOM must not stick to the first column", res.Header)
		}
		e.counts(res, 3, 0, 0, 0)
		cos := e.allCompanies()
		if len(cos) != 2 {
			t.Fatalf("companies %q", companyNames(cos))
		}
		ext := map[string]string{}
		for _, co := range cos {
			ext[co.Name] = co.ExternalID
		}
		if !reflect.DeepEqual(ext, map[string]string{"阿里巴巴集团": "ORG-001", "腾讯科技": "ORG-002"}) {
			t.Errorf("companies by external id %v", ext)
		}
		zw := e.byEmail("zhang.wei@example.cn")
		if zw.Name != "张伟" || zw.Mobile != "+8613800138000" || zw.Phone != "" || zw.JobTitle != "产品经理" ||
			!reflect.DeepEqual(membershipNames(zw), []string{"阿里巴巴集团"}) {
			t.Errorf("张伟 stored as %+v", zw)
		}
		if c := e.byEmail("wang.fang@example.cn"); c.Name != "王芳" || c.Mobile != "+8613912345678" {
			t.Errorf("王芳 stored as %+v", c)
		}
		if c := e.byEmail("li.na@example.cn"); c.Mobile != "+8613700001111" || len(c.Companies) != 1 || c.Companies[0].CompanyID != zw.Companies[0].CompanyID {
			t.Errorf("李娜 stored as %+v", c)
		}
	})
}

func TestRealChineseGBK(t *testing.T) {
	// The same kind of export from a Chinese Windows Excel: GBK, no BOM.
	const file = "姓名,邮箱,手机号码,公司名称,标签\r\n" +
		"刘洋,liu.yang@example.cn,186-0000-1234,北京字节跳动科技有限公司,\"重要客户，华北\"\r\n" +
		"陈静,chen.jing@example.cn,15900001234,上海浦东发展银行,\r\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("客户.csv", simplifiedchinese.GBK, file), region("CN"))
		detected(t, res, "gbk", ",")
		noWarnings(t, res)
		e.counts(res, 2, 0, 0, 0)
		c := e.byEmail("liu.yang@example.cn")
		if c.Name != "刘洋" || c.Mobile != "+8618600001234" || !reflect.DeepEqual(c.Tags, []string{"重要客户", "华北"}) ||
			!reflect.DeepEqual(membershipNames(c), []string{"北京字节跳动科技有限公司"}) {
			t.Errorf("刘洋 stored as %+v", c)
		}
		if c := e.byEmail("chen.jing@example.cn"); c.Name != "陈静" || c.Mobile != "+8615900001234" {
			t.Errorf("陈静 stored as %+v", c)
		}
	})
}

func TestRealJapaneseShiftJIS(t *testing.T) {
	// ソ and 表 end in the byte 0x5C ('\') in Shift_JIS: a reader that
	// looks at bytes before decoding would see a backslash.
	const file = "氏名,メールアドレス,携帯電話,会社名,役職\r\n" +
		"山田太郎,taro.yamada@example.jp,090-1234-5678,株式会社ソニー企画,代表取締役\r\n" +
		"佐藤花子,hanako.sato@example.jp,080-9876-5432,表計算サービス株式会社,\r\n" +
		"鈴木一郎,ichiro@example.jp,03-1234-5678,株式会社ソニー企画,課長\r\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("アドレス帳.csv", japanese.ShiftJIS, file), region("JP"))
		detected(t, res, "shift_jis", ",")
		noWarnings(t, res)
		e.counts(res, 3, 0, 0, 0)
		if got, want := companyNames(e.allCompanies()), []string{"株式会社ソニー企画", "表計算サービス株式会社"}; !reflect.DeepEqual(got, want) {
			t.Errorf("companies %q, want %q", got, want)
		}
		if c := e.byEmail("taro.yamada@example.jp"); c.Name != "山田太郎" || c.Mobile != "+819012345678" || c.JobTitle != "代表取締役" {
			t.Errorf("山田太郎 stored as %+v", c)
		}
		if c := e.byEmail("hanako.sato@example.jp"); c.Name != "佐藤花子" || c.Mobile != "+818098765432" ||
			!reflect.DeepEqual(membershipNames(c), []string{"表計算サービス株式会社"}) {
			t.Errorf("佐藤花子 stored as %+v", c)
		}
		// A landline in the mobile column is still a valid number.
		if c := e.byEmail("ichiro@example.jp"); c.Mobile != "+81312345678" {
			t.Errorf("鈴木一郎 stored as %+v", c)
		}
	})
}

func TestRealExcelUnicodeText(t *testing.T) {
	// Excel's "Unicode text (*.txt)": UTF-16LE with a BOM, TAB separated, CRLF.
	const file = "Name\tEmail\tMobile\tCompany\tTags\r\n" +
		"Zoë Åström\tzoe.astrom@example.se\t070-123 45 67\tÅkerlund & Rausing\tnordic\r\n" +
		"Łukasz Żółć\tlukasz@example.pl\t+48 601 234 567\tŻabka Polska sp. z o.o.\t\r\n" +
		"\"Quoted, Name\"\tq@example.se\t\t\"Tab\tCompany\"\t\r\n"
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("contacts.txt", unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), file), region("SE"))
		detected(t, res, "utf-16le", "\t")
		noWarnings(t, res)
		e.counts(res, 3, 0, 0, 0)
		if c := e.byEmail("zoe.astrom@example.se"); c.Name != "Zoë Åström" || c.Mobile != "+46701234567" ||
			!reflect.DeepEqual(membershipNames(c), []string{"Åkerlund & Rausing"}) || !reflect.DeepEqual(c.Tags, []string{"nordic"}) {
			t.Errorf("Zoë stored as %+v", c)
		}
		if c := e.byEmail("lukasz@example.pl"); c.Name != "Łukasz Żółć" || c.Mobile != "+48601234567" {
			t.Errorf("Łukasz stored as %+v", c)
		}
		if c := e.byEmail("q@example.se"); c.Name != "Quoted, Name" || !reflect.DeepEqual(membershipNames(c), []string{"Tab\tCompany"}) {
			t.Errorf("quoted cells stored as %q %q", c.Name, membershipNames(c))
		}
	})
}

// writeXLSX saves a workbook whose first sheet holds rows; string cells
// are text cells, other values are stored as Excel numbers.
func writeXLSX(t *testing.T, rows [][]any) string {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sheet := f.GetSheetName(0)
	for r, row := range rows {
		for c, v := range row {
			ref, err := excelize.CoordinatesToCellName(c+1, r+1)
			if err != nil {
				t.Fatal(err)
			}
			if s, ok := v.(string); ok {
				err = f.SetCellStr(sheet, ref, s)
			} else {
				err = f.SetCellValue(sheet, ref, v)
			}
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	p := filepath.Join(t.TempDir(), "contacts.xlsx")
	if err := f.SaveAs(p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestRealXLSX(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		path := writeXLSX(t, [][]any{
			{"Name", "Email", "Phone", "Company", "Seats"},
			{"Olivia Brown", "olivia@example.co.uk", "07400 123456", "Brown & Co", 12},   // row 2: phone as text, leading zero
			{"Harry Smith", "harry at example.co.uk", "07400123457", "Smith Ltd", 3},     // row 3: bad email in B3
			{"Amelia Jones", "amelia@example.co.uk", 7400123458, "Brown & Co", 1},        // row 4: phone stored as a number
			{"Jack Taylor", "jack@example.co.uk", "020 7946 0018", "Taylor Partners", 7}, // row 5
		})
		e.field(roster.KindContacts, "seats", roster.FieldNumber)
		res := e.importPath(path, region("GB"))
		if res.Info.Format != "xlsx" {
			t.Fatalf("read as %+v", res.Info)
		}
		noWarnings(t, res)
		e.counts(res, 3, 0, 0, 1)
		if len(res.Errors) != 1 {
			t.Fatalf("errors %+v", res.Errors)
		}
		if er := res.Errors[0]; er.Row != 3 || er.Cell != "B3" || er.Column != "Email" || er.Code != "invalid_email" {
			t.Fatalf("error %+v, want row 3, cell B3, column Email, invalid_email", er)
		}
		if c := e.byEmail("olivia@example.co.uk"); c.Phone != "+447400123456" || c.Custom["seats"] != int64(12) {
			t.Errorf("Olivia stored as phone %q custom %#v", c.Phone, c.Custom)
		}
		if c := e.byEmail("amelia@example.co.uk"); c.Phone != "+447400123458" || c.Custom["seats"] != int64(1) {
			t.Errorf("Amelia (numeric phone cell) stored as phone %q custom %#v", c.Phone, c.Custom)
		}
		if c := e.byEmail("jack@example.co.uk"); c.Phone != "+442079460018" {
			t.Errorf("Jack stored as phone %q", c.Phone)
		}
		// The journal keeps the failed row's cells as the file has them.
		var failed []roster.FailedRow
		if err := e.s.FailedRows(e.ctx, e.tenant.ID, res.Import.ID, func(fr roster.FailedRow) error {
			failed = append(failed, fr)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if len(failed) != 1 || failed[0].Row != 3 || !reflect.DeepEqual(failed[0].Cells, []string{"Harry Smith", "harry at example.co.uk", "07400123457", "Smith Ltd", "3"}) ||
			len(failed[0].Errors) != 1 || failed[0].Errors[0].Cell != "B3" {
			t.Errorf("journaled failed rows %+v", failed)
		}
		if got, want := companyNames(e.allCompanies()), []string{"Brown & Co", "Taylor Partners"}; !reflect.DeepEqual(got, want) {
			t.Errorf("companies %q, want %q (a failed row creates no company)", got, want)
		}
	})
}

func TestRealBadEncodingCell(t *testing.T) {
	t.Run("declared utf-8", func(t *testing.T) {
		each(t, func(t *testing.T, e *env) {
			file := "name,email,company\n" +
				"Ann Example,ann@example.com,Alpha\n" +
				"Bad Byte,bad@example.com,Caf\xe9 Latin1\n" + // row 3: ISO-8859-1 é in a UTF-8 file
				"Cid Example,cid@example.com,Gamma\n"
			res := e.importPath(e.encodedFile("mixed.csv", nil, file), func(o *importer.Options) { o.Encoding = "utf-8" })
			e.counts(res, 2, 0, 0, 1)
			if len(res.Errors) != 1 {
				t.Fatalf("errors %+v", res.Errors)
			}
			if er := res.Errors[0]; er.Row != 3 || er.Column != "company" || er.Code != "bad_encoding" {
				t.Fatalf("error %+v, want row 3, column company, bad_encoding", er)
			}
			if got, want := companyNames(e.allCompanies()), []string{"Alpha", "Gamma"}; !reflect.DeepEqual(got, want) {
				t.Errorf("companies %q, want %q: nothing of the broken row imports", got, want)
			}
			for _, c := range e.contacts() {
				if strings.ContainsRune(c.Name+strings.Join(membershipNames(c), ""), '\uFFFD') {
					t.Errorf("a replacement character was stored: %+v", c)
				}
			}
		})
	})
	t.Run("detected cp949", func(t *testing.T) {
		// A Korean export with English headers (as Freshdesk writes them),
		// enough good Korean for detection to be sure, and one cell whose
		// two bytes are no CP949 character (0xC9 0x21: a lead byte and an
		// ASCII trail byte). The file is CP949 with one broken cell: that
		// row fails, the others import in Hangul.
		var b strings.Builder
		b.WriteString("Name,Email,Company\r\n")
		names := []string{"김민준", "이서연", "박지훈", "최수아", "정우진", "강하은", "조서준", "윤지아", "장도윤", "임하윤"}
		for i, n := range names {
			b.WriteString(n + ",user" + string(rune('a'+i)) + "@example.kr,한국전자주식회사\r\n")
		}
		each(t, func(t *testing.T, e *env) {
			good, err := korean.EUCKR.NewEncoder().Bytes([]byte(b.String()))
			if err != nil {
				t.Fatal(err)
			}
			bad, _ := korean.EUCKR.NewEncoder().Bytes([]byte("홍길동,hong@example.kr,주식회사"))
			bad = append(append(bad, 0xC9, 0x21), "\r\n"...)
			p := filepath.Join(t.TempDir(), "broken.csv")
			if err := os.WriteFile(p, append(good, bad...), 0o644); err != nil {
				t.Fatal(err)
			}
			res := e.importPath(p)
			if res.Info.Encoding != "cp949" {
				var stored []string
				for _, c := range e.contacts() {
					stored = append(stored, c.Name)
				}
				t.Errorf("read as %s, not cp949: %d rows imported, %d failed; names stored: %q",
					res.Info.Encoding, res.Import.Counts.Created, res.Import.Counts.Failed, stored)
			}
			e.counts(res, len(names), 0, 0, 1)
			if er := res.Errors[0]; er.Row != len(names)+2 || er.Column != "Company" || er.Code != "bad_encoding" {
				t.Fatalf("error %+v, want row %d, column Company, bad_encoding", er, len(names)+2)
			}
			if c := e.byEmail("usera@example.kr"); c.Name != "김민준" || !reflect.DeepEqual(membershipNames(c), []string{"한국전자주식회사"}) {
				t.Errorf("stored %q %q", c.Name, membershipNames(c))
			}
			if n := len(e.allCompanies()); n != 1 {
				t.Errorf("%d companies, want 1", n)
			}
		})
	})
}

// sharedFile returns the path of a shared test file, relative to the package.
func sharedFile(t *testing.T, rel string) string {
	t.Helper()
	p := filepath.Join("..", "..", "shared", "testdata", rel)
	if _, err := os.Stat(p); err != nil {
		t.Fatalf("shared test file missing: %v", err)
	}
	return p
}

// readCSV reads a UTF-8 CSV file with encoding/csv, independently of tabular.
func readCSV(t *testing.T, path string) (header []string, rows []map[string]string) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	all, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, rec := range all[1:] {
		m := map[string]string{}
		for i, h := range all[0] {
			m[h] = rec[i]
		}
		rows = append(rows, m)
	}
	return all[0], rows
}

// failedRows returns an import's journaled failed rows by row number and
// checks that every one of their errors names a code and, if it concerns
// a cell, a column of the file whose cell is not blank.
func (e *env) failedRows(res *importer.Result) map[int]roster.FailedRow {
	e.t.Helper()
	out := map[int]roster.FailedRow{}
	err := e.s.FailedRows(e.ctx, e.tenant.ID, res.Import.ID, func(fr roster.FailedRow) error {
		out[fr.Row] = fr
		if len(fr.Errors) == 0 {
			e.t.Errorf("failed row %d has no error", fr.Row)
		}
		for _, er := range fr.Errors {
			if er.Code == "" || er.Message == "" || er.Row != fr.Row {
				e.t.Errorf("row %d: error without a code or message: %+v", fr.Row, er)
			}
			if er.Column == "" {
				continue
			}
			i := slices.Index(res.Header, er.Column)
			if i < 0 {
				e.t.Errorf("row %d: error names %q, not a column of the file: %+v", fr.Row, er.Column, er)
			} else if strings.TrimSpace(fr.Cells[i]) == "" && er.Code != "missing_name" {
				e.t.Errorf("row %d: error %+v on a blank cell", fr.Row, er)
			}
		}
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(out) != res.Import.Counts.Failed {
		e.t.Errorf("%d failed rows journaled, counts say %d", len(out), res.Import.Counts.Failed)
	}
	return out
}

func TestRealDatablistCustomers(t *testing.T) {
	path := sharedFile(t, "contacts-datablist/customers-1000.csv")
	_, rows := readCSV(t, path)
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(path, region("US"), batch(250))
		c := res.Import.Counts
		if c.Rows != len(rows) || c.Created+c.Failed != len(rows) || c.Updated != 0 || c.Unchanged != 0 || c.Created == 0 {
			t.Fatalf("counts %+v for %d rows of distinct customers: every row is created or fails", c, len(rows))
		}
		failed := e.failedRows(res)
		stored := e.contacts()
		if len(stored) != c.Created {
			t.Fatalf("%d contacts stored, %d created", len(stored), c.Created)
		}
		// Every row that did not fail is stored as the file has it.
		byExt := map[string]*roster.Contact{}
		for _, ct := range stored {
			byExt[ct.ExternalID] = ct
		}
		companies := map[string]bool{}
		for i, r := range rows {
			if _, bad := failed[i+2]; bad {
				if byExt[r["Customer Id"]] != nil {
					t.Errorf("row %d failed but was stored", i+2)
				}
				continue
			}
			companies[strings.ToLower(r["Company"])] = true
			ct := byExt[r["Customer Id"]]
			if ct == nil {
				t.Errorf("row %d (customer %s) neither failed nor was stored", i+2, r["Customer Id"])
				continue
			}
			if ct.Email != strings.ToLower(r["Email"]) || ct.FirstName != r["First Name"] || ct.LastName != r["Last Name"] ||
				ct.Name != r["First Name"]+" "+r["Last Name"] || !reflect.DeepEqual(membershipNames(ct), []string{r["Company"]}) {
				t.Errorf("row %d %v stored as %+v", i+2, r, ct)
			}
			for _, p := range []string{ct.Phone, ct.Mobile} {
				if p != "" && (!strings.HasPrefix(p, "+") || strings.Trim(p[1:], "0123456789") != "") {
					t.Errorf("row %d: phone %q is not E.164", i+2, p)
				}
			}
		}
		if n := len(e.allCompanies()); n != len(companies) || c.CompaniesCreated != n {
			t.Errorf("%d companies stored, %d created; %d distinct companies among the imported rows", n, c.CompaniesCreated, len(companies))
		}
		again := e.importPath(path, region("US"), batch(250))
		if a := again.Import.Counts; a.Created != 0 || a.Updated != 0 || a.Unchanged != c.Created || a.Failed != c.Failed || a.CompaniesCreated != 0 {
			t.Errorf("re-import counts %+v, want 0 created, 0 updated, %d unchanged, %d failed", a, c.Created, c.Failed)
		}
	})
}

func TestRealDatablistOrganizations(t *testing.T) {
	path := sharedFile(t, "contacts-datablist/organizations-1000.csv")
	_, rows := readCSV(t, path)
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(path, kind(roster.KindCompanies), batch(250))
		c := res.Import.Counts
		failed := e.failedRows(res)
		// Companies match by name: a name that comes again updates the first.
		names := map[string]bool{}
		for i, r := range rows {
			if _, bad := failed[i+2]; !bad {
				names[strings.ToLower(r["Name"])] = true
			}
		}
		if c.Rows != len(rows) || c.Created != len(names) || c.Created+c.Updated+c.Unchanged+c.Failed != len(rows) || c.Created == 0 {
			t.Fatalf("counts %+v for %d rows with %d distinct names among the rows that did not fail", c, len(rows), len(names))
		}
		stored := e.allCompanies()
		if len(stored) != len(names) {
			t.Fatalf("%d companies stored, want %d", len(stored), len(names))
		}
		byName := map[string]*roster.Company{}
		for _, co := range stored {
			byName[strings.ToLower(co.Name)] = co
		}
		// The last row of a name wins.
		last := map[string]map[string]string{}
		for i, r := range rows {
			if _, bad := failed[i+2]; !bad {
				last[strings.ToLower(r["Name"])] = r
			}
		}
		for k, r := range last {
			co := byName[k]
			if co == nil || co.Name != r["Name"] || co.ExternalID != r["Organization Id"] || co.Industry != r["Industry"] || co.Description != r["Description"] {
				t.Errorf("company %q stored as %+v, want the file's last row %v", k, co, r)
			}
		}
		again := e.importPath(path, kind(roster.KindCompanies), batch(250))
		// On the second run every row matches a stored company; the first
		// row of a repeated name now differs from what is stored (the last
		// row's values) and updates it, and the last row updates it back.
		a := again.Import.Counts
		if a.Created != 0 || a.Failed != c.Failed || a.Rows != len(rows) || a.Updated+a.Unchanged+a.Failed != len(rows) {
			t.Errorf("re-import counts %+v", a)
		}
		if n := len(e.allCompanies()); n != len(names) {
			t.Errorf("%d companies after re-import, want %d", n, len(names))
		}
	})
}

func TestRealDatablistPeopleDuplicates(t *testing.T) {
	path := sharedFile(t, "contacts-datablist/people-10000.csv")
	_, rows := readCSV(t, path)
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(path, region("US"), batch(500))
		c := res.Import.Counts
		if c.Rows != len(rows) || c.Created+c.Updated+c.Unchanged+c.Failed != len(rows) {
			t.Fatalf("counts %+v for %d rows", c, len(rows))
		}
		failed := e.failedRows(res)
		emails := map[string]bool{}
		dups := 0
		for i, r := range rows {
			if _, bad := failed[i+2]; bad {
				continue
			}
			k := strings.ToLower(r["Email"])
			if emails[k] {
				dups++
			}
			emails[k] = true
		}
		stored := e.contacts()
		if len(stored) != len(emails) || c.Created != len(emails) || c.Updated+c.Unchanged != dups {
			t.Fatalf("%d contacts stored, counts %+v; the %d rows that did not fail hold %d distinct emails (%d repeats)",
				len(stored), c, len(rows)-len(failed), len(emails), dups)
		}
		seen := map[string]bool{}
		for _, ct := range stored {
			for _, em := range ct.Emails() {
				if seen[em] {
					t.Errorf("email %s stored twice", em)
				}
				seen[em] = true
			}
			if !emails[ct.Email] {
				t.Errorf("contact %+v has an email of no imported row", ct)
			}
		}
	})
}

func TestRealThunderbirdAddressBooks(t *testing.T) {
	// Thunderbird writes its header with a trailing comma, one empty
	// column more than any value, and the same in its rows.
	for _, tc := range []struct {
		file, enc, name, first, last, email string
	}{
		{"shiftjis_addressbook.csv", "shift_jis", "名無しの権兵衛", "権兵衛", "名無し", "名無しの権兵衛@host.invalid"},
		{"utf16_addressbook.csv", "utf-16le", "John Doe", "John", "Doe", "johndoe@host.invalid"},
		{"basic_addressbook.csv", "utf-8", "John Doe", "John", "Doe", "johndoe@host.invalid"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			path := sharedFile(t, "crm-exports/thunderbird-addrbook-import/"+tc.file)
			each(t, func(t *testing.T, e *env) {
				res := e.importPath(path)
				detected(t, res, tc.enc, ",")
				e.counts(res, 1, 0, 0, 0)
				for _, col := range []string{"Display Name", "First Name", "Last Name", "Primary Email", "Secondary Email", "Work Phone", "Mobile Number", "Organization", "Job Title"} {
					i := slices.Index(res.Header, col)
					if i < 0 || res.Columns[i] == "" {
						t.Errorf("column %q is not mapped (columns %q)", col, res.Columns)
					}
				}
				all := e.contacts()
				if len(all) != 1 {
					t.Fatalf("%d contacts", len(all))
				}
				if c := all[0]; c.Name != tc.name || c.FirstName != tc.first || c.LastName != tc.last || c.Email != tc.email {
					t.Errorf("stored %+v, want %q %q %q %q", c, tc.name, tc.first, tc.last, tc.email)
				}
				e.counts(e.importPath(path), 0, 0, 1, 0)
			})
		})
	}
}

func TestRealXLSXCompanyExternalIDErrorCell(t *testing.T) {
	// A HubSpot-style sheet links contacts to companies by the company's
	// id. When the id is unknown, the error must point at the cell that
	// holds it (D3), not at the blank Company cell beside it.
	each(t, func(t *testing.T, e *env) {
		path := writeXLSX(t, [][]any{
			{"Name", "Email", "Company", "Company External ID"},
			{"Ann", "ann@example.com", "Alpha", "A-1"},
			{"Bob", "bob@example.com", "", "NOPE-9"},
		})
		res := e.importPath(path)
		e.counts(res, 1, 0, 0, 1)
		if er := res.Errors[0]; er.Row != 3 || er.Code != "company_not_found" || er.Column != "Company External ID" || er.Cell != "D3" {
			t.Fatalf("error %+v, want row 3, company_not_found in column Company External ID, cell D3", er)
		}
	})
}

// A workbook's date columns teach the order of their dates as a CSV
// file's do: the pass that counts the rows reads those columns' text,
// and only the other columns' is passed over (tabular.Narrower).
func TestXLSXDateOrderLearnt(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.field(roster.KindContacts, "born", roster.FieldDate)
		path := writeXLSX(t, [][]any{
			{"Name", "Email", "Born", "Note"},
			{"Ann", "ann@x.com", "7/2/1992", "10/26/1945"}, // Born is ambiguous, and read by the row below
			{"Bob", "bob@x.com", "10/26/1945", "7/2/1992"},
			{"", "", "", "only a note"}, // a row with a value in a column the pass passes over: counted
		})
		var total int
		res := e.importPath(path, func(o *importer.Options) { o.Progress = func(_, n int) { total = n } })
		e.counts(res, 2, 0, 0, 1)
		if total != 3 {
			t.Errorf("the first pass counted %d rows, want 3", total)
		}
		if got := e.byEmail("ann@x.com").Custom["born"]; got != "1992-07-02" {
			t.Errorf("ann born %v, want 1992-07-02 (the column writes MM/DD/YYYY)", got)
		}
		want := `column "Born": dates read as MM/DD/YYYY, the only order "10/26/1945" (row 3) fits`
		if !slices.Contains(res.Warnings, want) {
			t.Errorf("warnings %q, want %q", res.Warnings, want)
		}
	})
}

// TestRealLateCzech: a Czech export whose first names hold only letters
// windows-1250 shares with windows-1252 (Novák, Pokorný) reads the same in
// both; its later ř and ň tell which it is, and every row is read in it.
func TestRealLateCzech(t *testing.T) {
	var b strings.Builder
	b.WriteString("Jm\xe9no;E-mail;Firma\r\n")
	for i := 0; b.Len() < 100<<10; i++ {
		fmt.Fprintf(&b, "Jan Nov\xe1k %d;novak%d@example.cz;Praha\r\n", i, i)
	}
	b.WriteString("Anton\xedn Dvo\xf8\xe1k;dvorak@example.cz;Plze\xf2\r\n")
	each(t, func(t *testing.T, e *env) {
		res := e.importPath(e.encodedFile("kontakty.csv", nil, b.String()), func(o *importer.Options) { o.BatchSize = 500 })
		if res.Info.Encoding != "windows-1250" {
			t.Errorf("read as %s", res.Info.Encoding)
		}
		if res.Import.Counts.Failed != 0 {
			t.Fatalf("failed rows: %+v", res.Errors)
		}
		if c := e.byEmail("dvorak@example.cz"); c == nil || c.Name != "Antonín Dvořák" {
			t.Errorf("stored %+v", c)
		}
		if c := e.byEmail("novak7@example.cz"); c == nil || c.Name != "Jan Novák 7" {
			t.Errorf("stored %+v", c)
		}
	})
}
