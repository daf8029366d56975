package web

import (
	"net/http"
	"net/url"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/desk"
)

// usersView lists the users, with the forms that add and invite.
type usersView struct {
	deskView
	Users      []*herald.User
	Roles      []herald.Role
	Email      string
	Role       string
	InviteLink string // shown once, after an invitation is made
}

var roles = []herald.Role{herald.RoleModerator, herald.RoleEditor, herald.RoleAdmin}

func (s *Server) usersView(r *http.Request, u *herald.User) (usersView, error) {
	v := usersView{deskView: s.deskView(u, "Users", "/admin/users", r), Roles: roles, Role: string(herald.RoleModerator)}
	var err error
	v.Users, err = s.Store.FindUsers(r.Context())
	return v, err
}

func (s *Server) handleDeskUsers(w http.ResponseWriter, r *http.Request) {
	u := s.deskUser(w, r, "user")
	if u == nil {
		return
	}
	v, err := s.usersView(r, u)
	if err != nil {
		s.error(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_users.html", v)
}

// handleAddUser adds a user with a password (do=add) or makes an
// invitation link (do=invite).
func (s *Server) handleAddUser(w http.ResponseWriter, r *http.Request) {
	u, actor, ok := s.deskForm(w, r, "user")
	if !ok {
		return
	}
	ctx, d := r.Context(), s.desk()
	email, role := r.PostFormValue("email"), r.PostFormValue("role")
	var err error
	var token string
	if r.PostFormValue("do") == "invite" {
		token, _, err = d.Invite(ctx, actor, email, role)
	} else {
		_, err = d.AddUser(ctx, actor, email, role, r.PostFormValue("password"))
	}
	if desk.AlreadyDone(err, actor) {
		s.done(w, r, "/admin/users", "That was already done.")
		return
	}
	v, verr := s.usersView(r, u)
	if verr != nil {
		s.error(w, r, verr)
		return
	}
	v.Message = ""
	if err != nil {
		v.Email, v.Role = email, role
		if s.failed(w, r, &v.deskView, err) {
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_users.html", v)
		}
		return
	}
	if token == "" {
		s.done(w, r, "/admin/users", "Added "+herald.NormalizeEmail(email)+".")
		return
	}
	// The link is shown once, here: only its hash is stored.
	s.refreshVersion(ctx)
	v.InviteLink = s.Config.BaseURL + "/admin/join/" + token
	v.Message = "Invitation made for " + herald.NormalizeEmail(email) + ". Send them this link; it works once, for 7 days."
	s.renderPrivate(w, r, http.StatusOK, "desk_users.html", v)
}

// handleUserAction changes a user's role (do=role) or disables or enables
// them.
func (s *Server) handleUserAction(w http.ResponseWriter, r *http.Request) {
	_, actor, ok := s.deskForm(w, r, "user")
	if !ok {
		return
	}
	id, err := desk.ParseUserID(r.PathValue("id"))
	if err != nil {
		s.error(w, r, err)
		return
	}
	ctx, d := r.Context(), s.desk()
	var target *herald.User
	switch r.PostFormValue("do") {
	case "role":
		target, err = d.SetRole(ctx, actor, id, r.PostFormValue("role"))
	case "disable":
		target, err = d.SetDisabled(ctx, actor, id, true)
	case "enable":
		target, err = d.SetDisabled(ctx, actor, id, false)
	default:
		err = herald.Errorf(herald.EINVALID, "unknown action %q", r.PostFormValue("do"))
	}
	switch {
	case desk.AlreadyDone(err, actor):
		s.done(w, r, "/admin/users", "That was already done.")
	case herald.ErrorCode(err) == herald.EINVALID || herald.ErrorCode(err) == herald.ECONFLICT:
		s.done(w, r, "/admin/users", herald.ErrorMessage(err))
	case err != nil:
		s.error(w, r, err)
	default:
		state := "enabled"
		if target.Disabled {
			state = "disabled"
		}
		s.done(w, r, "/admin/users", target.Email+" is now "+string(target.Role)+", "+state+".")
	}
}

// joinView is the page where an invited person chooses a password.
type joinView struct {
	layout
	Token   string
	Email   string
	Errors  map[string]string
	Problem string
}

func (s *Server) handleJoinForm(w http.ResponseWriter, r *http.Request) {
	token := r.PathValue("token")
	inv, err := s.Store.FindInvitation(r.Context(), auth.HashToken(token))
	if err != nil {
		if herald.ErrorCode(err) == herald.ENOTFOUND {
			err = herald.Errorf(herald.ENOTFOUND, "This invitation has expired or was used. Ask for a new one.")
		}
		s.error(w, r, err)
		return
	}
	s.renderPrivate(w, r, http.StatusOK, "desk_join.html", joinView{layout: s.adminLayout("Join"), Token: token, Email: inv.Email,
		Errors: map[string]string{}})
}

func (s *Server) handleJoin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		s.error(w, r, herald.Errorf(herald.EINVALID, "The form could not be read."))
		return
	}
	token := r.PathValue("token")
	v := joinView{layout: s.adminLayout("Join"), Token: token, Errors: map[string]string{}}
	if r.PostFormValue("password") != r.PostFormValue("again") {
		v.Errors["again"] = "The two passwords differ."
		s.renderPrivate(w, r, http.StatusBadRequest, "desk_join.html", v)
		return
	}
	u, err := s.desk().Join(r.Context(), token, r.PostFormValue("password"))
	if err != nil {
		switch herald.ErrorCode(err) {
		case herald.EINVALID, herald.ECONFLICT:
			if f := desk.FieldOf(err); f != "" {
				v.Errors[f] = herald.ErrorMessage(err)
			} else {
				v.Problem = herald.ErrorMessage(err)
			}
			s.renderPrivate(w, r, http.StatusBadRequest, "desk_join.html", v)
		case herald.ENOTFOUND:
			s.error(w, r, herald.Errorf(herald.ENOTFOUND, "This invitation has expired or was used. Ask for a new one."))
		default:
			s.error(w, r, err)
		}
		return
	}
	http.Redirect(w, r, "/admin/signin?email="+url.QueryEscape(u.Email), http.StatusSeeOther)
}
