package roster

import (
	"errors"
	"fmt"
)

// Error codes. Each maps to one HTTP status in the web package.
const (
	ECONFLICT     = "conflict"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINPROGRESS   = "import_in_progress"
	ETOOLARGE     = "too_large"
	// ELOCKLOST: an import batch found its worker no longer holds the
	// tenant's import lock (internal: the job goes on elsewhere).
	ELOCKLOST = "import_lock_lost"
	ELIMIT    = "limit_exceeded"     // a tenant's quota, such as imports per day
	EMETHOD   = "method_not_allowed" // an endpoint asked with a method it does not take
)

// Error is the one error type Roster shows to people: a code, a message
// safe to display and optional details (the field that conflicts, the
// record it conflicts with...). Anything else is internal and is logged,
// never shown.
type Error struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Details map[string]any `json:"details,omitempty"`
}

// Error implements error.
func (e *Error) Error() string { return e.Message }

// Errorf returns an *Error with the given code and formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// With returns the error with one more detail set.
func (e *Error) With(key string, value any) *Error {
	if e.Details == nil {
		e.Details = map[string]any{}
	}
	e.Details[key] = value
	return e
}

// ErrorCode returns the code of err if it is (or wraps) an *Error,
// EINTERNAL for any other error and "" for nil.
func ErrorCode(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Code
	default:
		return EINTERNAL
	}
}

// ErrorMessage returns the message of err if it is an *Error and a generic
// message otherwise, so internal details never reach users.
func ErrorMessage(err error) string {
	var e *Error
	switch {
	case err == nil:
		return ""
	case errors.As(err, &e):
		return e.Message
	default:
		return "internal error"
	}
}
