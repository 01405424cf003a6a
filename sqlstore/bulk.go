package sqlstore

import (
	"context"
	"strings"
)

// maxParams keeps a multi-row statement below both databases' limits on
// bound parameters (SQLite 32766, PostgreSQL 65535).
const maxParams = 30000

// insertRows writes rows into table with as few statements as the
// parameter limit allows: one round trip for hundreds of rows, which is
// what makes bulk writes fast on PostgreSQL, and fewer statement steps on SQLite.
func (s *Store) insertRows(ctx context.Context, tx *Tx, table, columns string, rows [][]any) error {
	if len(rows) == 0 {
		return nil
	}
	width := len(rows[0])
	per := max(1, maxParams/width)
	for start := 0; start < len(rows); start += per {
		chunk := rows[start:min(start+per, len(rows))]
		args := make([]any, 0, len(chunk)*width)
		for _, r := range chunk {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, s.insertSQL(table, columns, width, len(chunk)), args...); err != nil {
			return err
		}
	}
	return nil
}

// insertSQL returns "INSERT INTO table (columns) VALUES (?,…),(?,…)" for n rows, for the dialect.
func (s *Store) insertSQL(table, columns string, width, n int) string {
	row := "(" + placeholders(width) + ")"
	var b strings.Builder
	b.Grow(len(table) + len(columns) + n*(len(row)+1) + 32)
	b.WriteString("INSERT INTO ")
	b.WriteString(table)
	b.WriteString(" (")
	b.WriteString(columns)
	b.WriteString(") VALUES ")
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(row)
	}
	return s.Q(b.String())
}
