package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/herald-news/herald"
)

// statuses maps error codes to HTTP statuses; it is the only place that does.
var statuses = map[string]int{
	herald.ECONFLICT:  http.StatusConflict,
	herald.EINVALID:   http.StatusBadRequest,
	herald.ENOTFOUND:  http.StatusNotFound,
	herald.EFORBIDDEN: http.StatusForbidden,
	herald.EINTERNAL:  http.StatusInternalServerError,
}

func errorStatus(err error) int {
	if s, ok := statuses[herald.ErrorCode(err)]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// error answers a failed request: a JSON error for the API, a page for
// everyone else. Internal errors are logged here, once, and the client
// sees only "Internal error".
func (s *Server) error(w http.ResponseWriter, r *http.Request, err error) {
	code, status := herald.ErrorCode(err), errorStatus(err)
	if code == herald.EINTERNAL {
		s.Logger.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	if isAPI(r) {
		writeJSON(w, status, map[string]any{
			"error": map[string]string{"code": code, "message": herald.ErrorMessage(err)},
		})
		return
	}
	s.errorPage(w, r, status, herald.ErrorMessage(err))
}

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, message string) {
	v := errorView{Status: status, Message: message}
	switch status {
	case http.StatusNotFound:
		v.Title, v.Message = "Page not found", "There is no page at this address. It may have moved, or the link may be mistyped."
	case http.StatusBadRequest:
		v.Title = "That request did not make sense"
	case http.StatusMethodNotAllowed:
		v.Title = "This address does not take that request"
	default:
		v.Title, v.Message = "Something went wrong", "Herald could not show this page. Please try again in a moment."
	}
	v.layout = s.newLayout(v.Title, r.URL.Path)
	v.NoIndex = true
	body, err := s.render("error.html", v)
	if err != nil {
		s.Logger.Error("render error page", "err", err)
		http.Error(w, "Internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(body)
}

type errorView struct {
	layout
	Status  int
	Message string
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		http.Error(w, `{"error":{"code":"internal","message":"Internal error."}}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(append(body, '\n'))
}
