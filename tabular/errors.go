package tabular

import "fmt"

// Fatal error codes (FatalError.Code).
const (
	CodeEmptyFile         = "empty_file"
	CodeBlankHeader       = "blank_header"
	CodeDuplicateHeader   = "duplicate_header"
	CodeNotText           = "not_text"
	CodeBadEncoding       = "bad_encoding"
	CodeBadXLSX           = "bad_xlsx"
	CodeEncrypted         = "encrypted_or_legacy_excel"
	CodeSheetNotFound     = "sheet_not_found"
	CodeCellTooLarge      = "cell_too_large"
	CodeTooLarge          = "too_large"
	CodeUnterminatedQuote = "unterminated_quote"
	CodeBadOption         = "bad_option"
	CodeIO                = "io_error"
)

// Row error codes (RowError.Code).
const (
	CodeWrongCellCount = "wrong_cell_count"
	CodeBadQuote       = "bad_quote"
	CodeBadCell        = "bad_cell"
	CodeCellError      = "cell_error" // an XLSX cell holds an error such as #N/A, not a value
	// CodeBadEncoding is shared with FatalError.
)

// FatalError means the file as a whole cannot be read any further.
type FatalError struct {
	Code    string
	Message string
}

// Error implements error.
func (e *FatalError) Error() string { return e.Message }

func fatalf(code, format string, args ...any) *FatalError {
	return &FatalError{Code: code, Message: fmt.Sprintf(format, args...)}
}

// RowError explains why one row cannot be used; reading goes on after it.
type RowError struct {
	Column  int    // 0-based cell index, -1 for the whole row
	Ref     string // XLSX cell reference such as "F3"; "" for CSV
	Code    string
	Message string
}

// Error implements error.
func (e *RowError) Error() string { return e.Message }
