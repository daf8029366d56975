package storetest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

// The desk's contract (issue 21): the audit log written with each
// editorial change, users and invitations, paused sources, the desk's
// counts, and takedowns.

// audited returns ctx carrying a new entry for action by actor.
func audited(actor, action, request string) (context.Context, *herald.AuditEntry) {
	e := &herald.AuditEntry{Actor: actor, Action: action, Subject: "s", After: `{"x":1}`, Request: request}
	return herald.WithAudit(context.Background(), e), e
}

func mustAudit(tb testing.TB, s herald.Store, f herald.AuditFilter) []*herald.AuditEntry {
	tb.Helper()
	list, err := s.FindAudit(context.Background(), f)
	if err != nil {
		tb.Fatalf("FindAudit(%+v): %v", f, err)
	}
	return list
}

func auditActions(list []*herald.AuditEntry) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.Action)
	}
	return out
}

func ptr[T any](v T) *T { return &v }

// testAuditEachCall makes every audited call with an entry in its context
// and checks that the entry is in the log, with its id and time filled.
func testAuditEachCall(t *testing.T, s herald.Store) {
	bg := context.Background()
	a, b := NewArticle(1, "Audit Outlet"), NewArticle(2, "Audit Outlet")
	addPlaced(t, s, a, "audit")
	addPlaced(t, s, b, "other")
	c := NewComment(1, a.ID, "reader@example.com")
	mustAddComment(t, s, c)
	topic := mustAddTopic(t, s, "Audit topic", "audit")
	point := newPoint(topic.ID, a.ID, "article:1", a.PublishedAt, "A point.")
	if err := s.PutDigestPoint(bg, point); err != nil {
		t.Fatal(err)
	}
	admin := &herald.User{Email: "admin@example.com", Role: herald.RoleAdmin, PasswordHash: "h"}
	src := NewFollowedSource(1)
	var userID int64
	var storyA, storyB int64

	calls := []struct {
		action string
		call   func(ctx context.Context) error
	}{
		{"source.add", func(ctx context.Context) error { return s.AddSource(ctx, src) }},
		{"source.update", func(ctx context.Context) error {
			_, err := s.UpdateSource(ctx, src.Slug, herald.SourceUpdate{Paused: ptr(true)})
			return err
		}},
		{"source.remove", func(ctx context.Context) error { return s.RemoveSource(ctx, src.Slug, false) }},
		{"topic.add", func(ctx context.Context) error {
			return s.AddTopic(ctx, &herald.Topic{Name: "Second topic", Rules: herald.TopicRules{Match: []string{"tramway"}}})
		}},
		{"topic.update", func(ctx context.Context) error { topic.Name = "Renamed"; return s.UpdateTopic(ctx, topic) }},
		{"digest.edit", func(ctx context.Context) error {
			return s.EditDigestPoint(ctx, point.ID, herald.DigestEdit{Pinned: ptr(true)})
		}},
		{"story.split", func(ctx context.Context) error {
			st, err := s.SplitArticle(ctx, a.ID)
			if err == nil {
				storyA = st.ID
			}
			return err
		}},
		{"story.merge", func(ctx context.Context) error {
			storyB = storyOf(t, s, b.ID)
			return s.MergeStories(ctx, storyB, storyA)
		}},
		{"comment.moderate", func(ctx context.Context) error {
			_, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c.ID}, Status: herald.CommentApproved})
			return err
		}},
		{"user.add", func(ctx context.Context) error { return s.AddUser(ctx, admin) }},
		{"user.invite", func(ctx context.Context) error {
			return s.AddInvitation(ctx, &herald.Invitation{TokenHash: "tok", Email: "ed@example.com",
				Role: herald.RoleEditor, InvitedBy: admin.Email, ExpiresAt: time.Now().Add(time.Hour)})
		}},
		{"user.accept", func(ctx context.Context) error {
			u, err := s.AcceptInvitation(ctx, "tok", "hash")
			if err == nil {
				userID = u.ID
			}
			return err
		}},
		{"user.update", func(ctx context.Context) error {
			_, err := s.UpdateUser(ctx, userID, herald.UserUpdate{Role: ptr(herald.RoleModerator)}, "")
			return err
		}},
		{"article.takedown", func(ctx context.Context) error {
			_, err := s.TakeDownArticle(ctx, b.Slug, herald.StatusTakenDown, "Legal request")
			return err
		}},
		{"article.restore", func(ctx context.Context) error {
			_, err := s.RestoreArticle(ctx, b.Slug)
			return err
		}},
	}
	for _, tc := range calls {
		before := mustVersion(t, s)
		ctx, e := audited("editor@example.com", tc.action, "req-"+tc.action)
		if err := tc.call(ctx); err != nil {
			t.Fatalf("%s: %v", tc.action, err)
		}
		if e.ID == 0 || e.At.IsZero() {
			t.Errorf("%s: entry id %d, at %v; want both filled", tc.action, e.ID, e.At)
		}
		got := mustAudit(t, s, herald.AuditFilter{Limit: 1})
		if len(got) != 1 || got[0].ID != e.ID || got[0].Action != tc.action || got[0].Actor != e.Actor ||
			got[0].Subject != "s" || got[0].After != e.After || got[0].Request != e.Request || !got[0].At.Equal(e.At) {
			t.Errorf("%s: newest entry %+v, want %+v", tc.action, got, e)
		}
		if tc.action != "user.add" && tc.action != "user.invite" && tc.action != "user.accept" &&
			tc.action != "user.update" && mustVersion(t, s) == before {
			t.Errorf("%s: version did not move", tc.action)
		}
	}
	if n := len(mustAudit(t, s, herald.AuditFilter{Limit: herald.MaxPageSize})); n != len(calls) {
		t.Errorf("%d entries, want one per call (%d)", n, len(calls))
	}
}

// testAuditOnlyWithChange checks that a call that fails writes no entry,
// that a bad entry fails the call and changes nothing, and that a second
// call carrying the same Request is refused and changes nothing.
func testAuditOnlyWithChange(t *testing.T, s herald.Store) {
	bg := context.Background()
	followed := NewFollowedSource(1)
	mustAddSource(t, s, followed)

	ctx, _ := audited("ed@example.com", "source.add", "")
	if err := s.AddSource(ctx, NewFollowedSource(1)); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Fatalf("AddSource of a followed source = %v, want ECONFLICT", err)
	}
	if _, err := s.UpdateSource(ctx, "no-such-source", herald.SourceUpdate{CheckNow: true}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Fatalf("UpdateSource of no source = %v, want ENOTFOUND", err)
	}
	if got := mustAudit(t, s, herald.AuditFilter{}); len(got) != 0 {
		t.Errorf("failed calls left entries %v", auditActions(got))
	}

	for name, e := range map[string]*herald.AuditEntry{
		"NoActor":     {Action: "source.add"},
		"NoKind":      {Actor: "ed@example.com", Action: "add"},
		"LongRequest": {Actor: "ed@example.com", Action: "source.add", Request: string(make([]byte, herald.MaxRequestLen+1))},
	} {
		err := s.AddSource(herald.WithAudit(bg, e), NewFollowedSource(2))
		if herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: AddSource = %v, want EINVALID", name, err)
		}
	}
	if _, err := s.FindSourceBySlug(bg, herald.Slugify(NewFollowedSource(2).Name)); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("a call with a bad entry stored its source: %v", err)
	}

	ctx, first := audited("ed@example.com", "topic.add", "form-1")
	if err := s.AddTopic(ctx, &herald.Topic{Name: "First", Rules: herald.TopicRules{Match: []string{"harbour"}}}); err != nil {
		t.Fatal(err)
	}
	before := mustVersion(t, s)
	ctx, _ = audited("ed@example.com", "topic.add", "form-1")
	err := s.AddTopic(ctx, &herald.Topic{Name: "Second", Rules: herald.TopicRules{Match: []string{"ferry"}}})
	if herald.ErrorCode(err) != herald.ECONFLICT {
		t.Fatalf("second call with the same request = %v, want ECONFLICT", err)
	}
	ctx, _ = audited("ed@example.com", "source.update", "form-1")
	if _, err := s.UpdateSource(ctx, followed.Slug, herald.SourceUpdate{Paused: ptr(true)}); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("another call with the same request = %v, want ECONFLICT", err)
	}
	if src := mustFindSource(t, s, followed.Slug); src.Paused() {
		t.Errorf("refused update paused the source")
	}
	topics, err := s.FindTopics(bg)
	if err != nil || len(topics) != 1 {
		t.Errorf("topics after a refused second submit: %d (%v), want 1", len(topics), err)
	}
	if got := mustAudit(t, s, herald.AuditFilter{}); len(got) != 1 || got[0].ID != first.ID {
		t.Errorf("entries %v, want only the first", auditActions(got))
	}
	if after := mustVersion(t, s); after != before {
		t.Errorf("refused calls moved the version from %d to %d", before, after)
	}
}

// testAuditFind checks FindAudit's filters and pages.
func testAuditFind(t *testing.T, s herald.Store) {
	bg := context.Background()
	actors := []string{"ann@example.com", "bob@example.com", herald.SystemActor}
	var want []*herald.AuditEntry
	for i := range 9 {
		ctx, e := audited(actors[i%3], "topic.add", "")
		if i%2 == 1 {
			e.Action = "topic.import" // still of kind topic
		}
		if err := s.AddTopic(ctx, &herald.Topic{Name: fmt.Sprintf("Topic %d", i), Rules: herald.TopicRules{Match: []string{"harbour"}}}); err != nil {
			t.Fatal(err)
		}
		want = append(want, e)
	}
	ctx, e := audited("ann@example.com", "user.add", "")
	e.Request = "form-1"
	if err := s.AddUser(ctx, &herald.User{Email: "new@example.com", Role: herald.RoleEditor, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	want = append(want, e)
	slices.Reverse(want)

	ids := func(list []*herald.AuditEntry) []int64 {
		var out []int64
		for _, e := range list {
			out = append(out, e.ID)
		}
		return out
	}
	pick := func(keep func(*herald.AuditEntry) bool) []int64 {
		var out []int64
		for _, e := range want {
			if keep(e) {
				out = append(out, e.ID)
			}
		}
		return out
	}
	for name, tc := range map[string]struct {
		f    herald.AuditFilter
		want []int64
	}{
		"All":      {herald.AuditFilter{}, ids(want)},
		"Actor":    {herald.AuditFilter{Actor: "ann@example.com"}, pick(func(e *herald.AuditEntry) bool { return e.Actor == "ann@example.com" })},
		"System":   {herald.AuditFilter{Actor: herald.SystemActor}, pick(func(e *herald.AuditEntry) bool { return e.Actor == herald.SystemActor })},
		"Kind":     {herald.AuditFilter{Kind: "user"}, []int64{want[0].ID}},
		"Both":     {herald.AuditFilter{Actor: "ann@example.com", Kind: "topic"}, pick(func(e *herald.AuditEntry) bool { return e.Actor == "ann@example.com" && e.Kind() == "topic" })},
		"Limit":    {herald.AuditFilter{Limit: 3}, ids(want[:3])},
		"Before":   {herald.AuditFilter{Before: want[2].ID, Limit: 3}, ids(want[3:6])},
		"LastPage": {herald.AuditFilter{Before: want[8].ID}, ids(want[9:])},
		"Nobody":   {herald.AuditFilter{Actor: "eve@example.com"}, nil},
		"Request":  {herald.AuditFilter{Request: "form-1"}, []int64{want[0].ID}},
		"Unknown":  {herald.AuditFilter{Request: "form-2"}, nil},
	} {
		if got := ids(mustAudit(t, s, tc.f)); !slices.Equal(got, tc.want) {
			t.Errorf("%s: ids %v, want %v", name, got, tc.want)
		}
	}
	if _, err := s.FindAudit(bg, herald.AuditFilter{Kind: "robot"}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("unknown kind = %v, want EINVALID", err)
	}
}

// testDeskUsers checks disabling, roles, passwords, the last admin and
// invitations.
func testDeskUsers(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	admin := &herald.User{Email: "admin@example.com", Role: herald.RoleAdmin, PasswordHash: "h1"}
	ed := &herald.User{Email: "ed@example.com", Role: herald.RoleEditor, PasswordHash: "h2"}
	for _, u := range []*herald.User{ed, admin} {
		if err := s.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	session := func(hash string, u *herald.User) {
		t.Helper()
		if err := s.CreateSession(ctx, &herald.Session{TokenHash: hash, User: u, ExpiresAt: clock.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	alive := func(hash string) bool {
		t.Helper()
		_, err := s.FindSession(ctx, hash)
		if err != nil && herald.ErrorCode(err) != herald.ENOTFOUND {
			t.Fatal(err)
		}
		return err == nil
	}

	users, err := s.FindUsers(ctx)
	if err != nil || len(users) != 2 || users[0].Email != admin.Email || users[1].Email != ed.Email {
		t.Fatalf("FindUsers = %v, %v; want admin then ed, by email", users, err)
	}
	if got, err := s.FindUserByID(ctx, ed.ID); err != nil || got.Email != ed.Email || got.Disabled {
		t.Errorf("FindUserByID = %+v, %v", got, err)
	}
	if _, err := s.FindUserByID(ctx, 9999); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("FindUserByID(unknown) = %v, want ENOTFOUND", err)
	}
	if _, err := s.UpdateUser(ctx, 9999, herald.UserUpdate{Disabled: ptr(true)}, ""); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("UpdateUser(unknown) = %v, want ENOTFOUND", err)
	}
	if _, err := s.UpdateUser(ctx, ed.ID, herald.UserUpdate{Role: ptr(herald.Role("root"))}, ""); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("UpdateUser(bad role) = %v, want EINVALID", err)
	}

	// A new password ends every session but the one kept.
	session("ed-1", ed)
	session("ed-2", ed)
	got, err := s.UpdateUser(ctx, ed.ID, herald.UserUpdate{PasswordHash: ptr("h3")}, "ed-2")
	if err != nil || got.PasswordHash != "h3" || got.Role != herald.RoleEditor {
		t.Fatalf("UpdateUser(password) = %+v, %v", got, err)
	}
	if alive("ed-1") || !alive("ed-2") {
		t.Errorf("after a new password: ed-1 alive %v, ed-2 alive %v; want only the kept one", alive("ed-1"), alive("ed-2"))
	}

	// Disabling ends every session, and a disabled user's are not found.
	if got, err = s.UpdateUser(ctx, ed.ID, herald.UserUpdate{Disabled: ptr(true)}, "ed-2"); err != nil || !got.Disabled {
		t.Fatalf("UpdateUser(disable) = %+v, %v", got, err)
	}
	if alive("ed-2") {
		t.Errorf("a disabled user's session is still found")
	}
	if got, _ := s.FindUserByEmail(ctx, ed.Email); !got.Disabled {
		t.Errorf("FindUserByEmail: Disabled = false after disabling")
	}
	session("ed-3", ed)
	if alive("ed-3") {
		t.Errorf("a session made for a disabled user is found")
	}
	if got, err = s.UpdateUser(ctx, ed.ID, herald.UserUpdate{Disabled: ptr(false), Role: ptr(herald.RoleAdmin)}, ""); err != nil ||
		got.Disabled || got.Role != herald.RoleAdmin {
		t.Fatalf("UpdateUser(enable, admin) = %+v, %v", got, err)
	}
	if !alive("ed-3") {
		t.Errorf("the session of an enabled user is not found")
	}

	// Two admins: one may go; the last one left may not.
	if _, err := s.UpdateUser(ctx, admin.ID, herald.UserUpdate{Disabled: ptr(true)}, ""); err != nil {
		t.Fatalf("disabling one of two admins: %v", err)
	}
	before := mustVersion(t, s)
	for name, upd := range map[string]herald.UserUpdate{
		"Disable": {Disabled: ptr(true)},
		"Demote":  {Role: ptr(herald.RoleEditor)},
	} {
		if _, err := s.UpdateUser(ctx, ed.ID, upd, ""); herald.ErrorCode(err) != herald.ECONFLICT {
			t.Errorf("%s the last enabled admin = %v, want ECONFLICT", name, err)
		}
	}
	if got, _ := s.FindUserByID(ctx, ed.ID); got.Role != herald.RoleAdmin || got.Disabled {
		t.Errorf("refused changes changed the last admin: %+v", got)
	}
	if got, err := s.UpdateUser(ctx, ed.ID, herald.UserUpdate{PasswordHash: ptr("h4")}, ""); err != nil || got.PasswordHash != "h4" {
		t.Errorf("the last admin's password = %+v, %v", got, err)
	}
	if v := mustVersion(t, s); v < before {
		t.Errorf("version went back")
	}

	// Invitations.
	invite := func(hash, email string, role herald.Role, expires time.Time) error {
		return s.AddInvitation(ctx, &herald.Invitation{TokenHash: hash, Email: email, Role: role, InvitedBy: admin.Email, ExpiresAt: expires})
	}
	if err := invite("t0", "ED@example.com", herald.RoleEditor, clock.Now().Add(time.Hour)); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("inviting a user's email = %v, want ECONFLICT", err)
	}
	if err := invite("t1", "new@example.com", "root", clock.Now().Add(time.Hour)); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("inviting with a bad role = %v, want EINVALID", err)
	}
	for _, hash := range []string{"t1", "t2"} { // the second replaces the first
		if err := invite(hash, "New@Example.com", herald.RoleModerator, clock.Now().Add(herald.InvitationLifetime)); err != nil {
			t.Fatalf("AddInvitation(%s): %v", hash, err)
		}
	}
	if _, err := s.FindInvitation(ctx, "t1"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("a replaced invitation = %v, want ENOTFOUND", err)
	}
	inv, err := s.FindInvitation(ctx, "t2")
	if err != nil || inv.Email != "new@example.com" || inv.Role != herald.RoleModerator || inv.InvitedBy != admin.Email ||
		!inv.ExpiresAt.Equal(clock.Now().Add(herald.InvitationLifetime)) {
		t.Fatalf("FindInvitation = %+v, %v", inv, err)
	}
	if _, err := s.AcceptInvitation(ctx, "nope", "h"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("accepting an unknown invitation = %v, want ENOTFOUND", err)
	}
	u, err := s.AcceptInvitation(ctx, "t2", "h5")
	if err != nil || u.ID == 0 || u.Email != "new@example.com" || u.Role != herald.RoleModerator {
		t.Fatalf("AcceptInvitation = %+v, %v", u, err)
	}
	if got, err := s.FindUserByEmail(ctx, "new@example.com"); err != nil || got.ID != u.ID || got.PasswordHash != "h5" {
		t.Errorf("invited user = %+v, %v", got, err)
	}
	if _, err := s.AcceptInvitation(ctx, "t2", "h6"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("accepting twice = %v, want ENOTFOUND", err)
	}

	// An expired invitation is not found and cannot be accepted; an email
	// taken meanwhile is a conflict.
	if err := invite("t3", "late@example.com", herald.RoleEditor, clock.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := invite("t4", "raced@example.com", herald.RoleEditor, clock.Now().Add(3*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := s.AddUser(ctx, &herald.User{Email: "raced@example.com", Role: herald.RoleEditor, PasswordHash: "h"}); err != nil {
		t.Fatal(err)
	}
	clock.Add(2 * time.Hour)
	if _, err := s.FindInvitation(ctx, "t3"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("FindInvitation(expired) = %v, want ENOTFOUND", err)
	}
	if _, err := s.AcceptInvitation(ctx, "t3", "h"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("AcceptInvitation(expired) = %v, want ENOTFOUND", err)
	}
	if _, err := s.AcceptInvitation(ctx, "t4", "h"); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("AcceptInvitation(email taken) = %v, want ECONFLICT", err)
	}
	if _, err := s.FindUserByEmail(ctx, "late@example.com"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("an expired invitation made a user: %v", err)
	}
}

// testPausedSources checks pausing, resuming, CheckNow and the other
// settings UpdateSource now changes.
func testPausedSources(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	paused, other := NewFollowedSource(1), NewFollowedSource(2)
	mustAddSource(t, s, paused)
	mustAddSource(t, s, other)
	if got := mustClaim(t, s, "node-a", 10); len(got) != 2 {
		t.Fatalf("claimed %d sources, want both", len(got))
	}
	clock.Add(time.Minute)
	got, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{Paused: ptr(true)})
	if err != nil || !got.Paused() || !got.PausedAt.Equal(clock.Now()) {
		t.Fatalf("pause = %+v, %v", got, err)
	}
	// The lease ended with the pause: the fetch under way cannot record.
	err = s.RecordFetch(ctx, paused.ID, "node-a", herald.FetchState{Status: herald.FetchOK, LastFetchAt: clock.Now(), NextCheckAt: clock.Now()})
	if herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("RecordFetch after pause = %v, want ECONFLICT (lease lost)", err)
	}
	clock.Add(time.Minute)
	if _, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{Paused: ptr(true)}); err != nil {
		t.Fatal(err)
	}
	if got := mustFindSource(t, s, paused.Slug); !got.PausedAt.Equal(clock.Now().Add(-time.Minute)) {
		t.Errorf("pausing again moved PausedAt to %v", got.PausedAt)
	}
	clock.Add(24 * time.Hour)
	if _, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{CheckNow: true}); err != nil {
		t.Fatal(err)
	}
	claimed := mustClaim(t, s, "node-b", 10)
	if slices.Contains(ids(claimed), paused.ID) || !slices.Contains(ids(claimed), other.ID) {
		t.Fatalf("claimed %v; want %d (due) and never %d (paused)", ids(claimed), other.ID, paused.ID)
	}
	if got := mustFindSource(t, s, paused.Slug); !got.Paused() || !got.Fetch.NextCheckAt.Equal(clock.Now()) {
		t.Errorf("CheckNow on a paused source: paused %v, next check %v; want paused, due now", got.Paused(), got.Fetch.NextCheckAt)
	}

	// Resuming makes the check due at once.
	if err := s.RecordFetch(ctx, other.ID, "node-b", herald.FetchState{Status: herald.FetchOK,
		LastFetchAt: clock.Now(), NextCheckAt: clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdateSource(ctx, paused.Slug, herald.SourceUpdate{Paused: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if got := mustClaim(t, s, "node-b", 10); !slices.Equal(ids(got), []int64{paused.ID}) || got[0].Paused() {
		t.Errorf("after resume claimed %v, want only %d, not paused", ids(got), paused.ID)
	}
	// Resuming one not paused leaves its next check alone; CheckNow moves it.
	if _, err := s.UpdateSource(ctx, other.Slug, herald.SourceUpdate{Paused: ptr(false)}); err != nil {
		t.Fatal(err)
	}
	if got := mustFindSource(t, s, other.Slug); !got.Fetch.NextCheckAt.Equal(clock.Now().Add(time.Hour)) {
		t.Errorf("resuming a running source moved its next check to %v", got.Fetch.NextCheckAt)
	}
	before := mustVersion(t, s)
	got, err = s.UpdateSource(ctx, other.Slug, herald.SourceUpdate{CheckNow: true, Name: ptr("Renamed Outlet"),
		Fulltext: ptr(herald.FulltextAlways), Every: ptr(30 * time.Minute)})
	if err != nil || !got.Fetch.NextCheckAt.Equal(clock.Now()) || got.Name != "Renamed Outlet" || got.Slug != other.Slug ||
		got.Fulltext != herald.FulltextAlways || got.Every != 30*time.Minute || got.Licence != other.Licence {
		t.Errorf("UpdateSource(name, fulltext, every, check now) = %+v, %v", got, err)
	}
	if mustVersion(t, s) == before {
		t.Errorf("UpdateSource did not move the version")
	}
	for name, upd := range map[string]herald.SourceUpdate{
		"EmptyName":   {Name: ptr(" ")},
		"BadFulltext": {Fulltext: ptr(herald.Fulltext("sometimes"))},
		"ShortEvery":  {Every: ptr(time.Minute)},
	} {
		if _, err := s.UpdateSource(ctx, other.Slug, upd); herald.ErrorCode(err) != herald.EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
	if got := mustFindSource(t, s, other.Slug); got.Name != "Renamed Outlet" || got.Every != 30*time.Minute {
		t.Errorf("refused updates changed the source: %+v", got)
	}
}

// testDeskCounts checks CountArticlesSince and FindGrowingStories.
func testDeskCounts(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	quiet, busy := NewArticle(1, "Counts"), NewArticle(2, "Counts")
	addPlaced(t, s, quiet, "quiet")
	addPlaced(t, s, busy, "busy")
	clock.Add(2 * time.Hour)
	since := clock.Now()
	for _, n := range []int{3, 4, 8} {
		addPlaced(t, s, NewArticle(n, "Counts"), "busy")
	}
	addPlaced(t, s, NewArticle(5, "Counts"), "quiet")
	// A copy counts among the articles stored, not among a story's.
	copied := newCopy(6, "Wire", herald.LicenceHeadline, 0, herald.Fingerprint{})
	addPlaced(t, s, copied, "quiet")
	cp := newCopy(7, "Copier", herald.LicenceHeadline, copied.ID, herald.Fingerprint{})
	mustAdd(t, s, cp)
	if _, err := s.PlaceArticle(ctx, cp.ID, mustNotPlace(t)); err != nil {
		t.Fatal(err)
	}
	if n, err := s.CountArticlesSince(ctx, since); err != nil || n != 6 {
		t.Errorf("CountArticlesSince = %d, %v; want 6 (copies included)", n, err)
	}
	if n, err := s.CountArticlesSince(ctx, since.Add(time.Second)); err != nil || n != 0 {
		t.Errorf("CountArticlesSince(later) = %d, %v; want 0", n, err)
	}
	growth, err := s.FindGrowingStories(ctx, since, 10)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, g := range growth {
		got = append(got, fmt.Sprintf("%d:%d:%d", g.Story.ID, g.Added, g.Story.Articles))
	}
	want := []string{fmt.Sprintf("%d:3:4", storyOf(t, s, busy.ID)), fmt.Sprintf("%d:2:3", storyOf(t, s, quiet.ID))}
	if !slices.Equal(got, want) {
		t.Errorf("FindGrowingStories = %v, want %v (story:added:articles)", got, want)
	}
	if growth, err := s.FindGrowingStories(ctx, since, 1); err != nil || len(growth) != 1 || growth[0].Story.Lead == nil {
		t.Errorf("FindGrowingStories(limit 1) = %v, %v", growth, err)
	}
	if growth, err := s.FindGrowingStories(ctx, clock.Now().Add(time.Hour), 10); err != nil || len(growth) != 0 {
		t.Errorf("FindGrowingStories(future) = %v, %v; want none", growth, err)
	}
}

func wantCode(tb testing.TB, what string, err error, code string) {
	tb.Helper()
	if herald.ErrorCode(err) != code {
		tb.Errorf("%s = %v, want %s", what, err, code)
	}
}

// testTakedown takes an article with comments, pictures, a topic, a story
// and a related list down, checks it is gone from everything a reader
// sees, and restores it as it was.
func testTakedown(t *testing.T, s herald.Store) {
	ctx := context.Background()
	b := newText(1, "Ledger", "Harbour wall approved", "The council approved the harbour wall.")
	c := newText(2, "Ledger", "Harbour fees rise", "The harbour raised its fees.")
	// The article taken down is the newest, and so are its comments: a
	// store must not give their ids to new rows while it is down.
	a := newText(3, "Ledger", "Zanzibar ferry sinks", "The zanzibar ferry sank near the harbour wall.")
	for _, x := range []*herald.Article{b, c, a} {
		addPlaced(t, s, x, "harbour")
	}
	topic := mustAddTopic(t, s, "Harbour", "harbour")
	if err := s.SetArticleTopics(ctx, a.ID, []int64{topic.ID}); err != nil {
		t.Fatal(err)
	}
	if err := s.SetRelated(ctx, b.ID, relItems(a.ID, c.ID)); err != nil {
		t.Fatal(err)
	}
	images := []herald.ArticleImage{{SourceURL: "https://img.example/ferry.jpg", Role: herald.RoleLead, Alt: "The ferry", Caption: "Sinking", Credit: "Wire"}}
	if err := s.SetArticleImages(ctx, a.ID, images); err != nil {
		t.Fatal(err)
	}
	mustAddComment(t, s, NewComment(0, b.ID, "other@example.com"))
	c1 := NewComment(1, a.ID, "one@example.com")
	mustAddComment(t, s, c1)
	if _, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c1.ID}, Status: herald.CommentApproved}); err != nil {
		t.Fatal(err)
	}
	c2 := NewComment(2, a.ID, "two@example.com")
	c2.ParentID, c2.AuthorNetwork = c1.ID, "192.0.2.0/24"
	mustAddComment(t, s, c2)
	closes := epoch.Add(48 * time.Hour)
	if err := s.SetCommentsClose(ctx, a.ID, closes); err != nil {
		t.Fatal(err)
	}
	story := storyOf(t, s, a.ID)

	before := mustVersion(t, s)
	td, err := s.TakeDownArticle(ctx, a.Slug, herald.StatusTakenDown, "Legal request")
	if err != nil {
		t.Fatalf("TakeDownArticle: %v", err)
	}
	if td.Slug != a.Slug || td.ArticleID != a.ID || td.Title != a.Title || td.SourceName != "Ledger" ||
		td.Status != herald.StatusTakenDown || td.Reason != "Legal request" || td.At.IsZero() {
		t.Errorf("takedown = %+v", td)
	}
	if mustVersion(t, s) == before {
		t.Errorf("TakeDownArticle did not move the version")
	}

	// Gone from everything a reader sees.
	_, err = s.FindArticleBySlug(ctx, a.Slug)
	wantCode(t, "FindArticleBySlug", err, herald.ENOTFOUND)
	_, err = s.FindArticleByID(ctx, a.ID)
	wantCode(t, "FindArticleByID", err, herald.ENOTFOUND)
	_, err = s.FindCommentByID(ctx, c1.ID)
	wantCode(t, "FindCommentByID", err, herald.ENOTFOUND)
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); slices.Contains(got, a.ID) {
		t.Errorf("FindArticles = %v, still lists %d", got, a.ID)
	}
	if st, list := mustStory(t, s, story); st.Articles != 2 || slices.Contains(articleIDs(list), a.ID) {
		t.Errorf("story: %d articles %v, want 2 without %d", st.Articles, articleIDs(list), a.ID)
	}
	stories, _, err := s.FindStories(ctx, herald.StoryFilter{})
	if err != nil || len(stories) != 1 || stories[0].Articles != 2 {
		t.Errorf("FindStories = %v, %v; want one story of 2 articles", stories, err)
	}
	if got, _ := mustSearch(t, s, "sank", herald.SearchFilter{}); len(got) != 0 {
		t.Errorf("search finds the taken-down article: %v", got)
	}
	if got, err := s.FindRelated(ctx, b.ID); err != nil || !slices.Equal(articleIDs(got), []int64{c.ID}) {
		t.Errorf("FindRelated = %v, %v; want only %d", articleIDs(got), err, c.ID)
	}
	if got, err := s.FindTakedown(ctx, a.Slug); err != nil || got.ArticleID != a.ID || got.Reason != "Legal request" {
		t.Errorf("FindTakedown = %+v, %v", got, err)
	}
	if got, err := s.FindTakedownOf(ctx, a.ID); err != nil || got.Slug != a.Slug {
		t.Errorf("FindTakedownOf = %+v, %v", got, err)
	}
	if _, err := s.FindTakedownOf(ctx, b.ID); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("FindTakedownOf a published article = %v, want ENOTFOUND", err)
	}

	// A second takedown changes only what its page says.
	again, err := s.TakeDownArticle(ctx, a.Slug, herald.StatusWithdrawn, "The outlet withdrew it")
	if err != nil || again.Status != herald.StatusWithdrawn || again.Reason != "The outlet withdrew it" || !again.At.Equal(td.At) {
		t.Errorf("second TakeDownArticle = %+v, %v", again, err)
	}
	if list, err := s.FindTakedowns(ctx, 10); err != nil || len(list) != 1 || list[0].Status != herald.StatusWithdrawn {
		t.Errorf("FindTakedowns = %v, %v", list, err)
	}
	_, err = s.TakeDownArticle(ctx, "no-such-article", herald.StatusTakenDown, "x")
	wantCode(t, "TakeDownArticle(unknown)", err, herald.ENOTFOUND)
	_, err = s.TakeDownArticle(ctx, b.Slug, "hidden", "x")
	wantCode(t, "TakeDownArticle(bad status)", err, herald.EINVALID)
	_, err = s.TakeDownArticle(ctx, b.Slug, herald.StatusTakenDown, " ")
	wantCode(t, "TakeDownArticle(no reason)", err, herald.EINVALID)

	// New rows while it is down: its slug, id and comment ids stay its own.
	d := newText(4, "Ledger", a.Title, "Another text under the same title.")
	mustAdd(t, s, d)
	if d.Slug == a.Slug || d.ID == a.ID {
		t.Errorf("a new article took the taken-down slug %q or id %d", d.Slug, d.ID)
	}
	c3 := NewComment(3, b.ID, "three@example.com")
	mustAddComment(t, s, c3)
	if c3.ID == c1.ID || c3.ID == c2.ID {
		t.Errorf("a new comment took the id %d of a taken-down one", c3.ID)
	}

	restored, err := s.RestoreArticle(ctx, a.Slug)
	if err != nil {
		t.Fatalf("RestoreArticle: %v", err)
	}
	if restored.ID != a.ID || restored.Slug != a.Slug || restored.HTML != a.HTML || restored.Text != a.Text ||
		!restored.PublishedAt.Equal(a.PublishedAt) || !restored.CreatedAt.Equal(a.CreatedAt) ||
		restored.Source.ID != a.Source.ID || restored.DuplicateOf != 0 || restored.StoryID != 0 {
		t.Errorf("restored = %+v, want %+v unplaced", restored, a)
	}
	if got, err := s.FindArticleBySlug(ctx, a.Slug); err != nil || got.ID != a.ID {
		t.Errorf("FindArticleBySlug after restore = %v, %v", got, err)
	}
	if got, _ := mustSearch(t, s, "sank", herald.SearchFilter{}); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("search after restore = %v, want %d", got, a.ID)
	}
	for _, want := range []*herald.Comment{c1, c2} {
		got, err := s.FindCommentByID(ctx, want.ID)
		if err != nil || got.ArticleID != a.ID || got.Text != want.Text || got.ParentID != want.ParentID ||
			got.AuthorEmail != want.AuthorEmail || !got.CreatedAt.Equal(want.CreatedAt) || !slices.Equal(got.Reasons, want.Reasons) {
			t.Errorf("comment %d after restore = %+v, %v", want.ID, got, err)
		}
	}
	if got, _ := s.FindCommentByID(ctx, c1.ID); got == nil || got.Status != herald.CommentApproved {
		t.Errorf("comment %d lost its moderation", c1.ID)
	}
	if acts, err := s.FindCommentActions(ctx, c1.ID); err != nil || len(acts) != 1 || acts[0].Status != herald.CommentApproved {
		t.Errorf("FindCommentActions after restore = %v, %v", acts, err)
	}
	if got, err := s.FindCommentsClose(ctx, a.ID); err != nil || !got.Equal(closes) {
		t.Errorf("FindCommentsClose after restore = %v, %v; want %v", got, err, closes)
	}
	if got, err := s.FindArticleImages(ctx, []int64{a.ID}); err != nil || len(got[a.ID]) != 1 ||
		got[a.ID][0].SourceURL != images[0].SourceURL || got[a.ID][0].Caption != "Sinking" || got[a.ID][0].Status != herald.ImagePending {
		t.Errorf("FindArticleImages after restore = %+v, %v", got, err)
	}
	if got, err := s.FindTopicsOfArticles(ctx, []int64{a.ID}); err != nil || len(got[a.ID]) != 1 {
		t.Errorf("topics after restore = %v, %v", got, err)
	}
	unplaced, err := s.FindUnplacedArticles(ctx, 10)
	if err != nil || !slices.Contains(articleIDs(unplaced), a.ID) {
		t.Errorf("FindUnplacedArticles = %v, %v; want the restored article, for the repair pass", articleIDs(unplaced), err)
	}
	_, err = s.FindTakedown(ctx, a.Slug)
	wantCode(t, "FindTakedown after restore", err, herald.ENOTFOUND)
	_, err = s.RestoreArticle(ctx, a.Slug)
	wantCode(t, "RestoreArticle twice", err, herald.ENOTFOUND)
}

// testTakedownCopies checks what a takedown and a restore do to the copies
// of a text, and that an address taken meanwhile stops a restore.
func testTakedownCopies(t *testing.T, s herald.Store) {
	ctx := context.Background()
	shown := newCopy(1, "Wire", herald.LicenceFull, 0, fingerprint(hashA, band1))
	mustAdd(t, s, shown)
	cp := newCopy(2, "Copier", herald.LicenceExcerpt, shown.ID, fingerprint(hashA, band1))
	mustAdd(t, s, cp)
	if cp.DuplicateOf != shown.ID {
		t.Fatalf("copy stored pointing at %d, want %d", cp.DuplicateOf, shown.ID)
	}
	if _, err := s.TakeDownArticle(ctx, shown.Slug, herald.StatusTakenDown, "Legal request"); err != nil {
		t.Fatal(err)
	}
	if got := mustFind(t, s, cp.ID); got.DuplicateOf != 0 {
		t.Errorf("after the shown copy's takedown its copy points at %d, want shown", got.DuplicateOf)
	}
	if got := articleIDs(mustList(t, s, herald.ArticleFilter{})); !slices.Equal(got, []int64{cp.ID}) {
		t.Errorf("FindArticles = %v, want the copy %d shown", got, cp.ID)
	}
	// Its licence shows more: restored, it takes the page back.
	if _, err := s.RestoreArticle(ctx, shown.Slug); err != nil {
		t.Fatal(err)
	}
	if got := mustFind(t, s, cp.ID); got.DuplicateOf != shown.ID {
		t.Errorf("after restore the copy points at %d, want %d", got.DuplicateOf, shown.ID)
	}
	wantCopies(t, "restored shown copy", mustFind(t, s, shown.ID), shown, cp)

	// A copy taken down leaves its text's list, and comes back to it.
	if _, err := s.TakeDownArticle(ctx, cp.Slug, herald.StatusWithdrawn, "Withdrawn"); err != nil {
		t.Fatal(err)
	}
	wantCopies(t, "after the copy's takedown", mustFind(t, s, shown.ID), shown)
	if got, err := s.RestoreArticle(ctx, cp.Slug); err != nil || got.DuplicateOf != shown.ID {
		t.Fatalf("RestoreArticle(copy) = %+v, %v; want a copy of %d", got, err, shown.ID)
	}
	wantCopies(t, "after the copy's restore", mustFind(t, s, shown.ID), shown, cp)

	// An address taken meanwhile is a conflict, and nothing changes.
	if _, err := s.TakeDownArticle(ctx, cp.Slug, herald.StatusWithdrawn, "Withdrawn"); err != nil {
		t.Fatal(err)
	}
	again := NewArticle(2, "Copier")
	again.Title = "Another title"
	mustAdd(t, s, again)
	_, err := s.RestoreArticle(ctx, cp.Slug)
	wantCode(t, "RestoreArticle(address taken)", err, herald.ECONFLICT)
	if _, err := s.FindTakedown(ctx, cp.Slug); err != nil {
		t.Errorf("a refused restore dropped the takedown: %v", err)
	}
}

// testLastAdminConcurrent has two admins disable each other at once, as
// two browsers would: one must be left.
func testLastAdminConcurrent(t *testing.T, s herald.Store) {
	ctx := context.Background()
	admins := []*herald.User{
		{Email: "one@example.com", Role: herald.RoleAdmin, PasswordHash: "h"},
		{Email: "two@example.com", Role: herald.RoleAdmin, PasswordHash: "h"},
	}
	for _, u := range admins {
		if err := s.AddUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	errs := make([]error, len(admins))
	var wg sync.WaitGroup
	for i, u := range admins {
		wg.Go(func() { _, errs[i] = s.UpdateUser(ctx, u.ID, herald.UserUpdate{Disabled: ptr(true)}, "") })
	}
	wg.Wait()
	refused := 0
	for _, err := range errs {
		switch herald.ErrorCode(err) {
		case "":
		case herald.ECONFLICT:
			refused++
		default:
			t.Errorf("UpdateUser = %v, want success or ECONFLICT", err)
		}
	}
	users, err := s.FindUsers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	enabled := 0
	for _, u := range users {
		if !u.Disabled {
			enabled++
		}
	}
	if refused != 1 || enabled != 1 {
		t.Errorf("%d refused, %d admins left enabled; want 1 and 1", refused, enabled)
	}
}

// testAuditRequestConcurrent sends one form twice at once: it acts once.
func testAuditRequestConcurrent(t *testing.T, s herald.Store) {
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range errs {
		wg.Go(func() {
			ctx, _ := audited("ed@example.com", "topic.add", "double-submit")
			errs[i] = s.AddTopic(ctx, &herald.Topic{Name: fmt.Sprintf("Topic %d", i), Rules: herald.TopicRules{Match: []string{"harbour"}}})
		})
	}
	wg.Wait()
	done := 0
	for _, err := range errs {
		switch herald.ErrorCode(err) {
		case "":
			done++
		case herald.ECONFLICT:
		default:
			t.Errorf("AddTopic = %v, want success or ECONFLICT", err)
		}
	}
	topics, err := s.FindTopics(context.Background())
	if err != nil || done != 1 || len(topics) != 1 || len(mustAudit(t, s, herald.AuditFilter{})) != 1 {
		t.Errorf("%d calls acted, %d topics (%v); want one of each and one entry", done, len(topics), err)
	}
}
