package web

import (
	"encoding/json"
	"errors"
	"net/http"

	"oasis/engine/practice"
	"oasis/engine/roleplay"
	"oasis/engine/store"
)

// apiError is an error meant for a person, with a code clients can act on.
// It is the one place codes meet HTTP statuses.
type apiError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	status  int
}

func (e *apiError) Error() string { return e.Message }

func errBadRequest(msg string) *apiError { return &apiError{"bad_request", msg, http.StatusBadRequest} }
func errNotFound(msg string) *apiError   { return &apiError{"not_found", msg, http.StatusNotFound} }
func errForbidden(msg string) *apiError  { return &apiError{"forbidden", msg, http.StatusForbidden} }
func errConflict(msg string) *apiError   { return &apiError{"conflict", msg, http.StatusConflict} }

var (
	errUnauthenticated = &apiError{"unauthenticated", "Please sign in.", http.StatusUnauthorized}
	errInternal        = &apiError{"internal", "Something went wrong on the server; nothing was changed. Please try again.", http.StatusInternalServerError}
	errBusy            = &apiError{"busy", "The server could not save that in time; it will be sent again.", http.StatusServiceUnavailable}
	errRunEnded        = &apiError{"run_ended", "This run has ended; start the scenario again to play another run.", http.StatusConflict}
)

// toAPIError maps an error from the engine or the store to what a client
// is told. Anything unexpected becomes "internal" and is logged.
func toAPIError(err error) (*apiError, bool) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae, false
	case errors.Is(err, store.ErrNotFound):
		return errNotFound("Not found."), false
	case errors.Is(err, store.ErrRunEnded), errors.Is(err, roleplay.ErrEnded):
		return errRunEnded, false
	case errors.Is(err, store.ErrStale):
		return errBusy, false
	case errors.Is(err, roleplay.ErrBadOption), errors.Is(err, roleplay.ErrNoOptions),
		errors.Is(err, practice.ErrEmptyAnswer), errors.Is(err, practice.ErrTooLong), errors.Is(err, practice.ErrNoTask):
		return errBadRequest(capitalise(err.Error()) + "."), false
	}
	return errInternal, true
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	b := []byte(s)
	if b[0] >= 'a' && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

// fail writes an error response, logging it when it was unexpected.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	ae, unexpected := toAPIError(err)
	if unexpected {
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	writeJSON(w, ae.status, map[string]*apiError{"error": ae})
}
