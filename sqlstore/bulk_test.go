package sqlstore

import (
	"context"
	"database/sql"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestSharedColumns(t *testing.T) {
	at := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name string
		rows [][]any
		want uint64
	}{
		{"one row shares nothing", [][]any{{int64(1), "a", nil}}, 0},
		{"alike columns are shared", [][]any{
			{int64(7), "Ann", "", nil, at, true},
			{int64(7), "Bob", "", nil, at, true},
		}, 0b111101},
		{"a value that differs in one row is not", [][]any{
			{int64(7), "x", at},
			{int64(7), "x", at},
			{int64(8), "x", at.Add(time.Second)},
		}, 0b010},
		{"values of other types are never shared", [][]any{
			{[]byte("a"), int32(1), "s"},
			{[]byte("a"), int32(1), "t"},
		}, 0},
		{"rows alike in every column keep the first in the rows", [][]any{
			{int64(1), "a"},
			{int64(1), "a"},
		}, 0b10},
	} {
		if got := sharedColumns(tc.rows); got != tc.want {
			t.Errorf("%s: %b, want %b", tc.name, got, tc.want)
		}
	}
}

func TestValuesSQL(t *testing.T) {
	s := &Store{}
	if got, want := s.valuesSQL("t", "a, b, c", 3, 2, 0b101), "INSERT INTO t (a, b, c) SELECT ?, column1, ? FROM (VALUES (?),(?))"; got != want {
		t.Errorf("shared a and c:\n got %s\nwant %s", got, want)
	}
	if got, want := s.valuesSQL("t", "a, b", 2, 2, 0), "INSERT INTO t (a, b) VALUES (?,?),(?,?)"; got != want {
		t.Errorf("nothing shared:\n got %s\nwant %s", got, want)
	}
	s.Dialect.Numbered = true
	if got, want := s.valuesSQL("t", "a, b", 2, 2, 0b01), "INSERT INTO t (a, b) SELECT $1, column1 FROM (VALUES ($2),($3))"; got != want {
		t.Errorf("numbered:\n got %s\nwant %s", got, want)
	}
}

// A sparse column, empty in some statements' rows only, must not give
// each statement a shape of its own: a transaction keeps every shape it
// prepared.
func TestInsertValuesKeepsOneShapeACall(t *testing.T) {
	rows := make([][]any, 250)
	for i := range rows {
		rows[i] = []any{int64(7), "", int64(i)}
	}
	rows[120][1] = "only here"
	shapes := map[string]bool{}
	var got [][]any
	exec := func(_ context.Context, query string, args ...any) (sql.Result, error) {
		if n := strings.Count(query, "?"); n != len(args) {
			t.Fatalf("%d parameters, %d arguments: %s", n, len(args), query)
		}
		shapes[query] = true
		// SELECT ?, column1, column2 FROM (VALUES (?,?),…): the tenant
		// first, then each row's own two values.
		for i := 1; i < len(args); i += 2 {
			got = append(got, []any{args[0], args[i], args[i+1]})
		}
		return nil, nil
	}
	s := &Store{}
	if err := s.insertValues(context.Background(), exec, "t", "a, b, c", rows); err != nil {
		t.Fatal(err)
	}
	if len(shapes) != 2 {
		t.Errorf("%d shapes of statement, want 2 (100 rows and 50)", len(shapes))
	}
	if !reflect.DeepEqual(got, rows) {
		t.Errorf("rows written differ from rows given")
	}
}
