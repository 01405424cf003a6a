package sqlstore

import (
	"strings"
	"testing"
	"time"

	"roster"
)

// The in-progress message says how far the running import is, or that it
// is still counting its file's rows (its total is not known yet).
func TestInProgressSaysHowFar(t *testing.T) {
	since := time.Date(2026, 12, 1, 3, 25, 0, 0, time.UTC)
	for _, tc := range []struct {
		done, total int
		want        string
	}{
		{0, 0, "(counting its rows)"},
		{2000, 150000, "(2000 of 150000 rows done)"},
	} {
		err := inProgress(&roster.ImportLock{ImportID: 7, StartedAt: since, RowsDone: tc.done, RowsTotal: tc.total})
		if msg := err.Error(); roster.ErrorCode(err) != roster.EINPROGRESS || !strings.Contains(msg, "another import (#7)") || !strings.Contains(msg, tc.want) {
			t.Errorf("%d of %d: %v", tc.done, tc.total, err)
		}
	}
}
