// Command bench measures Roster's import on a generated file of realistic
// contacts: new rows, then the same file again (every row unchanged).
//
//	go run ./bench -rows 1000000                      # SQLite in a temp dir
//	go run ./bench -rows 1000000 -db postgres://…     # PostgreSQL
//	go run ./bench -file F -db roster.db -again       # re-import into an earlier run's database
//
// It prints rows per second and the process's peak memory (VmHWM).
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"runtime/trace"
	"strings"
	"time"

	"roster"
	"roster/importer"
	"roster/postgres"
	"roster/sqlite"
	"roster/sqlstore"
)

func main() {
	rows := flag.Int("rows", 100000, "contacts in the generated file")
	db := flag.String("db", "", "database: empty for SQLite in a temp dir, a SQLite file path (replaced), or a postgres:// URL (a fresh schema is made)")
	keep := flag.String("file", "", "reuse (or create) the generated file at this path")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the imports to this file")
	batch := flag.Int("batch", 0, "rows per transaction (default: the importer's)")
	newOnly := flag.Bool("new-only", false, "import once (new rows), not twice")
	xlsx := flag.Bool("xlsx", false, "generate an XLSX workbook instead of a CSV file, its text in shared strings as Excel saves it")
	inline := flag.Bool("inline", false, "with -xlsx: the text in the cells themselves, as streaming writers save it")
	dry := flag.Bool("dry-run", false, "import as dry runs (nothing written to the directory; the second pass then also counts new rows)")
	memprofile := flag.String("memprofile", "", "write a heap profile to this file 5 s into the first import")
	from := flag.Int("from", 0, "number the generated contacts from this on (a file of other people than the default's)")
	again := flag.Bool("again", false, "keep the database of an earlier run (-db FILE, or -db postgres://… with -schema) and only re-import the file")
	schema := flag.String("schema", "", "PostgreSQL: import into this schema and keep it, instead of a fresh one dropped at the end")
	floorToo := flag.Bool("floor", false, "then time the engine alone: the imported rows copied into an empty database in one transaction")
	traceFile := flag.String("trace", "", "write an execution trace to this file (go tool trace; -pprof=sync shows where goroutines wait)")
	flag.Parse()
	if *memprofile != "" {
		time.AfterFunc(5*time.Second, func() {
			f, err := os.Create(*memprofile)
			if err != nil {
				log.Fatal(err)
			}
			pprof.WriteHeapProfile(f)
			f.Close()
		})
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			log.Fatal(err)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			log.Fatal(err)
		}
		if err := trace.Start(f); err != nil {
			log.Fatal(err)
		}
		defer trace.Stop()
	}
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "roster-bench")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	path := *keep
	if path == "" {
		path = filepath.Join(dir, "contacts.csv")
		if *xlsx {
			path = filepath.Join(dir, "contacts.xlsx")
		}
	}
	if _, err := os.Stat(path); err != nil {
		start := time.Now()
		f, err := os.Create(path)
		if err != nil {
			log.Fatal(err)
		}
		bw := bufio.NewWriterSize(f, 1<<20)
		write := writeContacts
		switch {
		case *xlsx && *inline:
			write = writeContactsInlineXLSX
		case *xlsx:
			write = writeContactsXLSX
		}
		if err := write(bw, *rows, 1, *from); err != nil {
			log.Fatal(err)
		}
		bw.Flush()
		f.Close()
		st, _ := os.Stat(path)
		fmt.Printf("generated %d rows, %.1f MB in %s\n", *rows, float64(st.Size())/1e6, time.Since(start).Round(time.Millisecond))
		resetPeakRSS() // the peak printed is the imports', not the generator's
	}

	if *again && (*db == "" || strings.Contains(*db, "://") && *schema == "") {
		log.Fatal("-again needs the database of an earlier run: -db FILE, or -db postgres://… -schema NAME")
	}
	if *floorToo && strings.Contains(*db, "://") && *schema == "" {
		*schema = fmt.Sprintf("bench_%d", time.Now().UnixNano())
		defer dropSchema(*db, *schema)
	}
	store, cleanup := openStore(ctx, *db, dir, *schema, !*again)
	defer cleanup()
	tenant, err := benchTenant(ctx, store, *again)
	if err != nil {
		log.Fatal(err)
	}
	im := &importer.Importer{Store: store}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(importer.MemoryLimit(1)) // as roster import does
	}
	opts := importer.Options{ImportOptions: roster.ImportOptions{CreateCompanies: true, Region: "CZ"}, BatchSize: *batch, DryRun: *dry}
	passes := []string{"new rows", "re-import (unchanged)"}
	switch {
	case *again:
		passes = passes[1:]
	case *newOnly:
		passes = passes[:1]
	}
	for _, pass := range passes {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		res, err := im.Run(ctx, tenant, path, opts)
		if err != nil {
			log.Fatal(err)
		}
		d := time.Since(start)
		c := res.Import.Counts
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		// Bytes allocated a row: unlike the time, the same from run to
		// run, and what the collector works through.
		perRow := float64(ms.TotalAlloc-before.TotalAlloc) / float64(max(c.Rows, 1))
		fmt.Printf("%-22s %8d rows in %7.2fs = %7.0f rows/s  created %d updated %d unchanged %d failed %d  peak RSS %d MB (Go runtime %d MB)  allocated %.1f KB a row\n",
			pass, c.Rows, d.Seconds(), float64(c.Rows)/d.Seconds(), c.Created, c.Updated, c.Unchanged, c.Failed, peakRSS()/1024, ms.Sys>>20, perRow/1024)
		for i, e := range res.Errors {
			if i == 3 {
				break
			}
			fmt.Printf("  row %d %s: %s\n", e.Row, e.Column, e.Message)
		}
	}
	if *floorToo {
		if err := floor(ctx, *db, dir, *schema); err != nil {
			log.Fatal(err)
		}
	}
}

// dropSchema drops a PostgreSQL schema the run made.
func dropSchema(db, schema string) {
	admin, err := postgres.Open(context.Background(), db)
	if err != nil {
		return
	}
	admin.DB.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE")
	admin.Close()
}

// benchTenant creates the tenant "bench" and its custom fields, or with
// existing finds the one an earlier run made.
func benchTenant(ctx context.Context, store *sqlstore.Store, existing bool) (*roster.Tenant, error) {
	if existing {
		return store.FindTenant(ctx, "bench")
	}
	tenant, err := store.CreateTenant(ctx, "bench")
	if err != nil {
		return nil, err
	}
	for _, f := range []*roster.FieldDef{
		{Kind: roster.KindContacts, Key: "plan", Label: "Plan", Type: roster.FieldDropdown, Choices: []string{"Free", "Pro", "Enterprise"}},
		{Kind: roster.KindContacts, Key: "vip", Label: "VIP", Type: roster.FieldCheckbox},
		{Kind: roster.KindContacts, Key: "seats", Label: "Seats", Type: roster.FieldNumber},
	} {
		if err := store.CreateField(ctx, tenant.ID, f); err != nil {
			return nil, err
		}
	}
	return tenant, nil
}

func openStore(ctx context.Context, db, dir, schema string, fresh bool) (*sqlstore.Store, func()) {
	if db == "" || !strings.Contains(db, "://") {
		if db == "" {
			db = filepath.Join(dir, "bench.db")
		}
		if fresh {
			if err := removeSQLite(db); err != nil {
				log.Fatal(err)
			}
		}
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			log.Fatal(err)
		}
		return s, func() { s.Close() }
	}
	keep := schema != ""
	if !keep {
		schema = fmt.Sprintf("bench_%d", time.Now().UnixNano())
	}
	admin, err := postgres.Open(ctx, db)
	if err != nil {
		log.Fatal(err)
	}
	if fresh {
		if _, err := admin.DB.Exec("DROP SCHEMA IF EXISTS " + schema + " CASCADE; CREATE SCHEMA " + schema); err != nil {
			log.Fatal(err)
		}
	}
	s, err := postgres.Open(ctx, withSearchPath(db, schema))
	if err != nil {
		log.Fatal(err)
	}
	return s, func() {
		s.Close()
		if !keep {
			admin.DB.Exec("DROP SCHEMA " + schema + " CASCADE")
		}
		admin.Close()
	}
}

// removeSQLite removes a SQLite file and the WAL and shared-memory files
// beside it, so a run starts from nothing.
func removeSQLite(path string) error {
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}

// resetPeakRSS returns the memory the generator held to the system and
// restarts the peak (VmHWM) from the memory held now. Writing an XLSX
// workbook holds far more than importing one: without the reset, a run
// that generated its workbook printed a peak of 318 MB for an import
// that peaked at 180 MB.
func resetPeakRSS() {
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		fmt.Fprintln(os.Stderr, "bench: the peak memory printed includes generating the file:", err)
	}
}

// peakRSS returns the process's peak resident memory in KiB (Linux).
func peakRSS() int {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "VmHWM:") {
			var kb int
			fmt.Sscanf(strings.TrimPrefix(line, "VmHWM:"), "%d", &kb)
			return kb
		}
	}
	return 0
}
