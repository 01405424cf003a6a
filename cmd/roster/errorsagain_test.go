package main

import (
	"bytes"
	"encoding/csv"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// readFailed reads a --errors file: a UTF-8 BOM, then CSV.
func readFailed(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(b, []byte("\uFEFF")))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, b)
	}
	return recs
}

// "Fix them and import that file again", more than once: a failed-rows
// file imported again is read without a warning for its error column, and
// its own failed rows file keeps one error column, with the new reasons,
// so that it too can be fixed and imported (a second "error" column made
// a header no import accepts).
func TestCLIFailedRowsFileImportsAgainAndAgain(t *testing.T) {
	t.Parallel()
	db := tempDB(t)
	dir := t.TempDir()
	mustCLI(t, "tenants", "create", "default", "--db", db)
	in := writeTestFile(t, dir, "in.csv", []byte("name,email,phone\nAnn,ann@x.cz,\nBob,bad,12\nCid,cid@x.cz,601 000 00x\n"))
	first, second, third := filepath.Join(dir, "e1.csv"), filepath.Join(dir, "e2.csv"), filepath.Join(dir, "e3.csv")
	wantCounts(t, importJSONRun(t, "--region", "CZ", "--errors", first, "--db", db, in), 3, 1, 0, 0, 2)

	res := importJSONRun(t, "--region", "CZ", "--errors", second, "--db", db, first)
	wantCounts(t, res, 2, 0, 0, 0, 2)
	if len(res.Warnings) != 0 {
		t.Errorf("warnings %q", res.Warnings)
	}
	recs := readFailed(t, second)
	if want := []string{"name", "email", "phone", "error"}; len(recs) != 3 || !reflect.DeepEqual(recs[0], want) {
		t.Fatalf("second failed rows file %q, want the header %q and 2 rows", recs, want)
	}
	if !reflect.DeepEqual(recs[1][:3], []string{"Bob", "bad", "12"}) || !strings.HasPrefix(recs[1][3], "email: ") || strings.Count(recs[1][3], "email: ") != 1 {
		t.Errorf("Bob's row %q: want his cells and this import's reasons only", recs[1])
	}

	// Bob fixed, Cid not.
	recs[1][1], recs[1][2] = "bob@x.cz", "601 000 001"
	var b bytes.Buffer
	csv.NewWriter(&b).WriteAll(recs)
	fixed := writeTestFile(t, dir, "fixed.csv", b.Bytes())
	wantCounts(t, importJSONRun(t, "--region", "CZ", "--errors", third, "--db", db, fixed), 2, 1, 0, 0, 1)
	if recs := readFailed(t, third); len(recs) != 2 || len(recs[0]) != 4 || recs[1][0] != "Cid" || !strings.HasPrefix(recs[1][3], "phone: ") {
		t.Errorf("third failed rows file %q", recs)
	}
}
