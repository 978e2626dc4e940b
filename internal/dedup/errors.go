package dedup

import (
	"errors"
	"fmt"
)

// Sentinel errors shared by every layer. Wrap them with %w; callers test with errors.Is.
var (
	// ErrNotFound means the requested article, cluster or event does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalid means the caller's input is malformed; a retry with the same input fails again.
	ErrInvalid = errors.New("invalid input")
	// ErrConflict means the request collides with stored state (for example a unique key).
	ErrConflict = errors.New("conflict")
	// ErrUnavailable means the store cannot be reached right now; a retry may succeed.
	ErrUnavailable = errors.New("store unavailable")
)

// ValidationError reports one invalid input field. It matches ErrInvalid with errors.Is.
type ValidationError struct {
	Field   string
	Message string
}

func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s", e.Field, e.Message)
}

// Is makes errors.Is(err, ErrInvalid) true for every ValidationError.
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }
