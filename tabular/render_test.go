package tabular

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// render turns everything a Reader yields into stable text for golden
// files. Cells are Go-quoted so invisible characters show.
func render(r Reader, openErr error) string {
	var b strings.Builder
	if openErr != nil {
		var fe *FatalError
		if errors.As(openErr, &fe) {
			fmt.Fprintf(&b, "fatal: %s: %s\n", fe.Code, fe.Message)
		} else {
			fmt.Fprintf(&b, "error: %v\n", openErr)
		}
		return b.String()
	}
	defer r.Close()
	in := r.Info()
	fmt.Fprintf(&b, "info: format=%s encoding=%s delimiter=%q sheet=%q\n", in.Format, in.Encoding, in.Delimiter, in.Sheet)
	fmt.Fprintf(&b, "header: %s\n", quoteAll(r.Header()))
	for i := 0; ; i++ {
		row, err := r.Next()
		if err == io.EOF {
			if fr, ok := r.(FooterReader); ok && fr.Footer() != nil {
				f := fr.Footer()
				fmt.Fprintf(&b, "footer: after row %d, lines %d-%d (%d), source %q: %q\n", f.After, f.From, f.To, f.Lines, f.Source, f.First)
			}
			b.WriteString("EOF\n")
			break
		}
		if err != nil {
			var fe *FatalError
			if errors.As(err, &fe) {
				fmt.Fprintf(&b, "fatal: %s: %s\n", fe.Code, fe.Message)
			} else {
				fmt.Fprintf(&b, "error: %v\n", err)
			}
			break
		}
		fmt.Fprintf(&b, "row %d: %s\n", row.Number, quoteAll(row.Cells))
		if row.Err != nil {
			fmt.Fprintf(&b, "  error: column=%d ref=%q code=%s: %s\n", row.Err.Column, row.Err.Ref, row.Err.Code, row.Err.Message)
		}
	}
	return b.String()
}

func quoteAll(cells []string) string {
	q := make([]string, len(cells))
	for i, c := range cells {
		q[i] = strconv.Quote(c)
	}
	return "[" + strings.Join(q, " ") + "]"
}
