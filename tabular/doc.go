// Package tabular turns uploaded spreadsheet bytes (CSV/TSV in any common
// encoding, or XLSX) into a header and a stream of rows with bounded memory.
//
// It never drops or replaces input bytes silently: a cell that cannot be
// decoded marks its row with a RowError, and problems that make the whole
// file unusable are returned as *FatalError.
package tabular
