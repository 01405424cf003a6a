package normalize

import "fmt"

// Stable error codes carried by *Error.
const (
	CodeInvalidEmail   = "invalid_email"
	CodeTooManyEmails  = "too_many_emails"
	CodeInvalidPhone   = "invalid_phone"
	CodeInvalidRegion  = "invalid_region"
	CodeInvalidURL     = "invalid_url"
	CodeInvalidChoice  = "invalid_choice"
	CodeInvalidDate    = "invalid_date"
	CodeAmbiguousDate  = "ambiguous_date"
	CodeInvalidLayout  = "invalid_date_format"
	CodeTooLong        = "too_long"
	CodeInvalidNumber  = "invalid_number"
	CodeInvalidDecimal = "invalid_decimal"
)

// Error is a validation failure with a stable code and a user-facing message.
type Error struct {
	Code    string // snake_case, stable; meant for programs
	Message string // safe to show to a user; names the offending value
}

// Error implements the error interface.
func (e *Error) Error() string { return e.Message }

// errorf builds an *Error; values in messages are quoted with %q so that
// control characters and invisible spaces show up.
func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}
