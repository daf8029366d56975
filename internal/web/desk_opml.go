package web

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/desk"
	"github.com/herald-news/herald/internal/opml"
)

// opmlView shows what an OPML import did.
type opmlView struct {
	deskView
	Result  *desk.ImportResult
	DryRun  bool
	Licence string
}

// handleExportOPML sends every followed source as an OPML list, the file
// feed readers import.
func (s *Server) handleExportOPML(w http.ResponseWriter, r *http.Request) {
	if s.deskUser(w, r, "source") == nil {
		return
	}
	outlines, err := s.desk().ExportOPML(r.Context())
	if err != nil {
		s.error(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := opml.Write(&b, s.Config.SiteName+" sources", outlines); err != nil {
		s.error(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/x-opml; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="herald-sources.opml"`)
	h.Set("Cache-Control", "private, no-store")
	w.Write(b.Bytes())
}

// handleImportOPML follows the feeds of an uploaded OPML list.
func (s *Server) handleImportOPML(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, opml.MaxSize+64<<10)
	v := opmlView{deskView: s.deskView(u, "Import sources", "/admin/sources", nil)}
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "The upload could not be read: an OPML list is at most %d MB.", opml.MaxSize>>20))
		return
	}
	defer r.MultipartForm.RemoveAll()
	actor := desk.Actor{Email: u.Email, Role: u.Role, Request: strings.TrimSpace(r.FormValue("request"))}
	v.DryRun, v.Licence = r.FormValue("dry_run") == "yes", r.FormValue("licence")
	licence, err := herald.ParseLicence(v.Licence)
	if err != nil {
		v.Errors["licence"] = herald.ErrorMessage(err)
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_opml.html", v)
		return
	}
	f, _, err := r.FormFile("file")
	if err != nil {
		v.Errors["file"] = "Choose an OPML file: the list of feeds a feed reader exports."
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_opml.html", v)
		return
	}
	defer f.Close()
	outlines, err := opml.Parse(f)
	if err != nil {
		v.Errors["file"] = strings.TrimPrefix(err.Error(), "opml: ")
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_opml.html", v)
		return
	}
	if v.Result, err = s.desk().ImportOPML(r.Context(), actor, outlines, licence, v.DryRun); err != nil {
		s.error(w, r, err)
		return
	}
	if !v.DryRun {
		s.refreshVersion(r.Context())
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_opml.html", v)
}

func (s *Server) handleImportOPMLForm(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "source")
	if u == nil {
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_opml.html", opmlView{deskView: s.deskView(u, "Import sources", "/admin/sources", r),
		Licence: string(herald.DefaultLicence)})
}
