package web_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/comment"
	"github.com/herald-news/herald/internal/web"
)

func (r *reader) postForm(path string, form url.Values) (*http.Response, string) {
	r.t.Helper()
	req, _ := http.NewRequest("POST", r.site.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "same-origin")
	resp, err := r.client.Do(req)
	if err != nil {
		r.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

func (s *commentSite) addModerator(t *testing.T, email, password string) *herald.User {
	t.Helper()
	hash, err := auth.HashPassword(password)
	if err != nil {
		t.Fatal(err)
	}
	u := &herald.User{Email: email, Role: herald.RoleModerator, PasswordHash: hash}
	if err := s.store.AddUser(context.Background(), u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestAdminModeration(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 100})
	ctx := context.Background()
	s.addModerator(t, "mod@site.example", "a long enough password")
	readerA, readerB := s.newReader(t), s.newReader(t)
	readerA.post(fields("Ann", "ann@reader.example", "", "Ann's held comment."))
	readerB.post(fields("Bob", "bob@reader.example", "", "Bob's held comment."))

	mod := s.newReader(t)
	if resp, _ := mod.get("/admin/comments"); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin/signin" {
		t.Fatalf("queue without signing in: %s to %q, want 303 to /admin/signin", resp.Status, resp.Header.Get("Location"))
	}
	if resp, page := mod.postForm("/admin/signin", url.Values{"email": {"mod@site.example"}, "password": {"wrong password!"}}); resp.StatusCode != http.StatusUnauthorized || !strings.Contains(page, "not right") {
		t.Errorf("wrong password: %s", resp.Status)
	}
	resp, _ := mod.postForm("/admin/signin", url.Values{"email": {"MOD@site.example"}, "password": {"a long enough password"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign in: %s", resp.Status)
	}
	var session *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "herald_session" {
			session = ck
		}
	}
	if session == nil || !session.HttpOnly || !session.Secure || session.SameSite != http.SameSiteLaxMode {
		t.Errorf("session cookie %+v; want HttpOnly, Secure, SameSite=Lax", session)
	}

	resp, page := mod.get("/admin/comments")
	if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Cache-Control"), "no-store") {
		t.Fatalf("queue: %s, Cache-Control %q", resp.Status, resp.Header.Get("Cache-Control"))
	}
	for _, want := range []string{"Pending <span class=\"count\">(2)</span>", "Spam <span class=\"count\">(0)</span>",
		"ann@reader.example", "bob@reader.example", "127.0.0.1", "<code>first_comment</code>", "Council approves harbour wall"} {
		if !strings.Contains(page, want) {
			t.Errorf("queue lacks %q", want)
		}
	}
	list, _, _ := s.store.FindComments(ctx, herald.CommentFilter{})
	ids := url.Values{"do": {"approve"}, "status": {"pending"}}
	for _, c := range list {
		ids.Add("id", fmt.Sprint(c.ID))
	}
	if resp, _ := mod.postForm("/admin/comments", ids); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("bulk approve: %s", resp.Status)
	}
	page = s.newReader(t).waitFor(articlePath, "Bob&#39;s held comment.")
	if !strings.Contains(page, "Ann&#39;s held comment.") {
		t.Error("bulk approval left Ann's comment out")
	}
	actions, err := s.store.FindCommentActions(ctx, list[0].ID)
	if err != nil || len(actions) != 1 || actions[0].UserEmail != "mod@site.example" || actions[0].Status != herald.CommentApproved {
		t.Errorf("recorded actions %+v, %v; want one approval by the moderator", actions, err)
	}
	if log, err := s.store.FindAudit(ctx, herald.AuditFilter{Kind: "comment"}); err != nil || len(log) != 1 ||
		log[0].Action != "comment.approve" || log[0].Actor != "mod@site.example" || !strings.Contains(log[0].Subject, "#") {
		t.Errorf("audit log: %+v, %v; want the approval", log, err)
	}
	if m, _ := s.store.ClassifierCounts(ctx, nil); m.HamDocs != 2 {
		t.Errorf("classifier saw %d approved comments, want 2", m.HamDocs)
	}

	// One comment to spam, with the button beside it.
	if resp, _ := mod.postForm("/admin/comments", url.Values{"do": {fmt.Sprintf("spam:%d", list[1].ID)}, "status": {"approved"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("spam one: %s", resp.Status)
	}
	if m, _ := s.store.ClassifierCounts(ctx, nil); m.HamDocs != 1 || m.SpamDocs != 1 {
		t.Errorf("classifier after moving one to spam: %+v, want 1 ham and 1 spam", m)
	}
	_, page = mod.get("/admin/comments?status=spam")
	if !strings.Contains(page, "Bob") || !strings.Contains(page, "spam by mod@site.example") {
		t.Error("spam queue lacks Bob's comment and its history")
	}

	// Reply as the site: approved at once, nested under Ann's comment.
	if resp, _ := mod.postForm(fmt.Sprintf("/admin/comments/%d/reply", list[0].ID), url.Values{"comment": {"Thanks, Ann."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("reply as the site: %s", resp.Status)
	}
	page = s.newReader(t).waitFor(articlePath, "Thanks, Ann.")
	if !strings.Contains(page, `class="comment depth-1 by-site"`) || strings.Contains(page, "mod@site.example") {
		t.Error("the site's reply is not nested and marked, or shows the moderator's email")
	}

	if resp, _ := mod.postForm("/admin/signout", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign out: %s", resp.Status)
	}
	if resp, _ := mod.get("/admin/comments"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("queue after signing out: %s, want a redirect to sign in", resp.Status)
	}
	// The old cookie no longer works, even when replayed.
	replay := s.newReader(t)
	u, _ := url.Parse(s.srv.URL)
	replay.client.Jar.SetCookies(u, []*http.Cookie{{Name: "herald_session", Value: session.Value}})
	if resp, _ := replay.get("/admin/comments"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("replayed session after sign-out: %s", resp.Status)
	}
}

func TestSignInLockout(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{})
	s.addModerator(t, "mod@site.example", "a long enough password")
	r := s.newReader(t)
	for range herald.MaxFailedSignIns {
		r.postForm("/admin/signin", url.Values{"email": {"mod@site.example"}, "password": {"guess"}})
		time.Sleep(time.Millisecond)
	}
	resp, page := r.postForm("/admin/signin", url.Values{"email": {"mod@site.example"}, "password": {"a long enough password"}})
	if resp.StatusCode == http.StatusSeeOther || !(strings.Contains(page, "locked") || resp.StatusCode == http.StatusTooManyRequests) {
		t.Errorf("right password after %d wrong ones: %s; want the account locked", herald.MaxFailedSignIns, resp.Status)
	}
	for range 10 {
		resp, _ = r.postForm("/admin/signin", url.Values{"email": {"nobody@site.example"}, "password": {"guess"}})
	}
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("eleven more attempts from one address: %s, want 429", resp.Status)
	}
}

func TestClassifierHoldsOnceTrained(t *testing.T) {
	s := newCommentSite(t, web.CommentConfig{PerMinute: 1000, Policy: comment.Policy{ApproveFirst: true}})
	ctx := context.Background()
	spamText := "cheap pills casino bonus click now"
	train := func(text string, n, ham, spam int) {
		for range n {
			if err := s.store.TrainClassifier(ctx, comment.Tokens(&herald.Comment{Text: text}), ham, spam); err != nil {
				t.Fatal(err)
			}
		}
	}
	train(spamText, comment.MinTrainingDocs, 0, 1)
	train("the harbour wall vote", 10, 1, 0)
	post := func(email string) *herald.Comment {
		s.newReader(t).post(fields("Sam", email, "", spamText+" "+email))
		list, _, _ := s.store.FindComments(ctx, herald.CommentFilter{Email: email})
		if len(list) != 1 {
			t.Fatalf("%s: %d comments stored", email, len(list))
		}
		return list[0]
	}
	if c := post("a@example.com"); c.Status != herald.CommentApproved || c.Score < 0 {
		t.Errorf("log-only mode: %s with score %.2f; want approved, with a score recorded", c.Status, c.Score)
	}
	train("the harbour wall vote", comment.MinTrainingDocs-10, 1, 0)
	if c := post("b@example.com"); c.Status != herald.CommentPending || len(c.Reasons) != 1 || c.Reasons[0] != herald.ReasonClassifier {
		t.Errorf("trained: %s %v (score %.2f); want held for the classifier", c.Status, c.Reasons, c.Score)
	}
}
