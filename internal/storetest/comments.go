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

// NewComment returns a valid pending comment numbered n on article, by
// the author of email.
func NewComment(n int, article int64, email string) *herald.Comment {
	return &herald.Comment{
		ArticleID:   article,
		AuthorName:  fmt.Sprintf("Reader %d", n),
		AuthorEmail: email,
		AuthorURL:   "https://reader.example/",
		AuthorIP:    "192.0.2.10",
		UserAgent:   "TestBrowser/1.0",
		Text:        fmt.Sprintf("Comment number %d.\n\nSecond paragraph.", n),
		Status:      herald.CommentPending,
		Reasons:     []string{herald.ReasonFirstComment},
		Score:       -1,
	}
}

func mustAddComment(tb testing.TB, s herald.Store, c *herald.Comment) {
	tb.Helper()
	if err := s.AddComment(context.Background(), c); err != nil {
		tb.Fatalf("AddComment(%q): %v", c.Text, err)
	}
	if c.ID == 0 || c.CreatedAt.IsZero() {
		tb.Fatalf("AddComment: id=%d created=%v; want both set", c.ID, c.CreatedAt)
	}
}

func testCommentAddAndFind(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	c := NewComment(1, a.ID, "Reader@Example.COM")
	mustAddComment(t, s, c)
	got, err := s.FindCommentByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Text != c.Text || got.AuthorName != c.AuthorName || got.AuthorEmail != "reader@example.com" ||
		got.AuthorURL != c.AuthorURL || got.AuthorIP != c.AuthorIP || got.UserAgent != c.UserAgent ||
		got.Status != herald.CommentPending || !slices.Equal(got.Reasons, c.Reasons) || got.Score != -1 ||
		got.ArticleID != a.ID || got.ArticleSlug != a.Slug || !got.CreatedAt.Equal(c.CreatedAt) {
		t.Errorf("found %+v, want %+v", got, c)
	}
	if _, err := s.FindCommentByID(ctx, c.ID+1000); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("FindCommentByID(unknown) = %v, want ENOTFOUND", err)
	}

	reply := NewComment(2, a.ID, "other@example.com")
	reply.ParentID = c.ID
	mustAddComment(t, s, reply)
	list, total, err := s.FindComments(ctx, herald.CommentFilter{ArticleID: a.ID})
	if err != nil || total != 2 || len(list) != 2 || list[0].ID != c.ID || list[1].ParentID != c.ID {
		t.Fatalf("FindComments(article) = %d of %d (%v); want the comment then its reply", len(list), total, err)
	}
	list, total, err = s.FindComments(ctx, herald.CommentFilter{Email: "OTHER@example.com"})
	if err != nil || total != 1 || len(list) != 1 || list[0].ID != reply.ID {
		t.Errorf("FindComments(email) = %v, %d, %v; want the reply only", list, total, err)
	}
	list, total, err = s.FindComments(ctx, herald.CommentFilter{Status: herald.CommentPending, NewestFirst: true, Limit: 1})
	if err != nil || total != 2 || len(list) != 1 || list[0].ID != reply.ID {
		t.Errorf("FindComments(newest, limit 1) = %v, %d, %v; want the reply of 2", list, total, err)
	}
}

func testCommentInvalid(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	other := NewArticle(2, "Outlet")
	mustAdd(t, s, other)
	parent := NewComment(1, other.ID, "p@example.com")
	mustAddComment(t, s, parent)
	for name, tc := range map[string]struct {
		edit func(c *herald.Comment)
		code string
	}{
		"NoText":          {func(c *herald.Comment) { c.Text = "  " }, herald.EINVALID},
		"NoName":          {func(c *herald.Comment) { c.AuthorName = "" }, herald.EINVALID},
		"BadEmail":        {func(c *herald.Comment) { c.AuthorEmail = "not an address" }, herald.EINVALID},
		"JavaScriptURL":   {func(c *herald.Comment) { c.AuthorURL = "javascript:alert(1)" }, herald.EINVALID},
		"TooLong":         {func(c *herald.Comment) { c.Text = string(make([]byte, herald.MaxCommentText+1)) }, herald.EINVALID},
		"BadStatus":       {func(c *herald.Comment) { c.Status = "published" }, herald.EINVALID},
		"NoArticle":       {func(c *herald.Comment) { c.ArticleID = a.ID + 1000 }, herald.ENOTFOUND},
		"ParentElsewhere": {func(c *herald.Comment) { c.ParentID = parent.ID }, herald.EINVALID},
	} {
		t.Run(name, func(t *testing.T) {
			c := NewComment(2, a.ID, "x@example.com")
			tc.edit(c)
			if err := s.AddComment(ctx, c); herald.ErrorCode(err) != tc.code {
				t.Errorf("AddComment = %v, want %s", err, tc.code)
			}
		})
	}
	if _, total, err := s.FindComments(ctx, herald.CommentFilter{ArticleID: a.ID}); err != nil || total != 0 {
		t.Errorf("after refused comments: %d stored (%v), want none", total, err)
	}
}

func testCommentDuplicateAndFlood(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	mustAddComment(t, s, NewComment(1, a.ID, "fast@example.com"))
	clock.Add(time.Second)
	if err := s.AddComment(ctx, NewComment(2, a.ID, "fast@example.com")); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("second comment 1 s later = %v, want ECONFLICT", err)
	}
	clock.Add(herald.MinCommentGap)
	if err := s.AddComment(ctx, NewComment(1, a.ID, "FAST@example.com")); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("same text again = %v, want ECONFLICT", err)
	}
	mustAddComment(t, s, NewComment(2, a.ID, "fast@example.com"))
}

// testCommentConcurrent posts many comments at once, some of them the
// same comment twice: each distinct one is stored exactly once.
func testCommentConcurrent(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	const authors = 40
	var wg sync.WaitGroup
	errs := make(chan error, authors*2)
	for i := range authors * 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := NewComment(i/2, a.ID, fmt.Sprintf("author%d@example.com", i/2))
			c.Status = herald.CommentApproved
			err := s.AddComment(ctx, c)
			if err != nil && herald.ErrorCode(err) != herald.ECONFLICT {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent AddComment: %v", err)
	}
	list, total, err := s.FindComments(ctx, herald.CommentFilter{ArticleID: a.ID})
	if err != nil || total != authors {
		t.Fatalf("stored %d comments (%v), want %d: one per author", total, err, authors)
	}
	seen := map[string]bool{}
	for _, c := range list {
		if seen[c.AuthorEmail] {
			t.Errorf("%s stored twice", c.AuthorEmail)
		}
		seen[c.AuthorEmail] = true
	}
}

func testCommentModeration(t *testing.T, s herald.Store) {
	ctx := context.Background()
	mod := &herald.User{Email: "mod@example.com", Role: herald.RoleModerator, PasswordHash: "$argon2id$test"}
	if err := s.AddUser(ctx, mod); err != nil {
		t.Fatal(err)
	}
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	c1 := NewComment(1, a.ID, "one@example.com")
	c2 := NewComment(2, a.ID, "two@example.com")
	mustAddComment(t, s, c1)
	mustAddComment(t, s, c2)
	v0, _ := s.Version(ctx)
	if h, err := s.AuthorHistory(ctx, "one@example.com"); err != nil || h.Approved != 0 {
		t.Errorf("history before approval = %+v, %v; want 0 approved", h, err)
	}
	before, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c1.ID, c2.ID}, Status: herald.CommentApproved, UserID: mod.ID})
	if err != nil || len(before) != 2 || before[0].Status != herald.CommentPending {
		t.Fatalf("ModerateComments = %v, %v; want the two pending comments as they were", before, err)
	}
	if v1, _ := s.Version(ctx); v1 <= v0 {
		t.Errorf("version %d after approval, %d before; approved comments change the page", v1, v0)
	}
	if h, err := s.AuthorHistory(ctx, "ONE@example.com"); err != nil || h.Approved != 1 {
		t.Errorf("history after approval = %+v, %v; want 1 approved", h, err)
	}
	if _, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c2.ID}, Status: herald.CommentSpam, UserID: mod.ID}); err != nil {
		t.Fatal(err)
	}
	actions, err := s.FindCommentActions(ctx, c2.ID)
	if err != nil || len(actions) != 2 || actions[0].Status != herald.CommentApproved || actions[1].Status != herald.CommentSpam ||
		actions[1].UserEmail != "mod@example.com" || actions[1].At.IsZero() {
		t.Errorf("recorded actions = %+v, %v; want approved then spam, by mod@example.com", actions, err)
	}
	counts, err := s.CountComments(ctx)
	if err != nil || counts[herald.CommentApproved] != 1 || counts[herald.CommentSpam] != 1 || counts[herald.CommentPending] != 0 {
		t.Errorf("counts = %v, %v; want 1 approved, 1 spam", counts, err)
	}
	if _, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c1.ID, c2.ID + 1000}, Status: herald.CommentTrash}); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("moderating an unknown comment = %v, want ENOTFOUND", err)
	}
	if got, _ := s.FindCommentByID(ctx, c1.ID); got.Status != herald.CommentApproved {
		t.Errorf("a failed bulk action changed comment %d to %s", c1.ID, got.Status)
	}
	if _, err := s.ModerateComments(ctx, herald.CommentAction{IDs: []int64{c1.ID}, Status: "gone"}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("moderating to an unknown status = %v, want EINVALID", err)
	}
}

func testCommentApprovedMovesVersion(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	v0, _ := s.Version(ctx)
	mustAddComment(t, s, NewComment(1, a.ID, "held@example.com"))
	if v, _ := s.Version(ctx); v != v0 {
		t.Errorf("a held comment moved the version from %d to %d; it changes no public page", v0, v)
	}
	c := NewComment(2, a.ID, "ok@example.com")
	c.Status = herald.CommentApproved
	mustAddComment(t, s, c)
	if v, _ := s.Version(ctx); v <= v0 {
		t.Errorf("an approved comment left the version at %d; it must appear at once", v)
	}
}

func testCommentErase(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	c := NewComment(1, a.ID, "gone@example.com")
	c.Status = herald.CommentApproved
	mustAddComment(t, s, c)
	reply := NewComment(2, a.ID, "stays@example.com")
	reply.ParentID = c.ID
	mustAddComment(t, s, reply)
	n, err := s.EraseCommentAuthor(ctx, "Gone@Example.com")
	if err != nil || n != 1 {
		t.Fatalf("EraseCommentAuthor = %d, %v; want 1", n, err)
	}
	got, err := s.FindCommentByID(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Erased || got.AuthorName != "" || got.AuthorEmail != "" || got.AuthorURL != "" || got.AuthorIP != "" ||
		got.UserAgent != "" || got.Text != "" {
		t.Errorf("erased comment = %+v; want every personal field empty", got)
	}
	if r, err := s.FindCommentByID(ctx, reply.ID); err != nil || r.ParentID != c.ID || r.Text != reply.Text {
		t.Errorf("reply after erase = %+v, %v; want it kept in its thread", r, err)
	}
	if list, _, _ := s.FindComments(ctx, herald.CommentFilter{Email: "gone@example.com"}); len(list) != 0 {
		t.Errorf("%d comments still found by the erased email", len(list))
	}
}

func testClassifierCounts(t *testing.T, s herald.Store) {
	ctx := context.Background()
	if err := s.TrainClassifier(ctx, []string{"cheap", "pills"}, 0, 1); err != nil {
		t.Fatal(err)
	}
	if err := s.TrainClassifier(ctx, []string{"council", "pills"}, 1, 0); err != nil {
		t.Fatal(err)
	}
	if err := s.TrainClassifier(ctx, []string{"council"}, 1, 0); err != nil {
		t.Fatal(err)
	}
	m, err := s.ClassifierCounts(ctx, []string{"cheap", "pills", "council", "unseen"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][2]int{"cheap": {0, 1}, "pills": {1, 1}, "council": {2, 0}}
	if m.HamDocs != 2 || m.SpamDocs != 1 || len(m.Tokens) != len(want) {
		t.Fatalf("counts = %+v; want 2 ham, 1 spam, %v", m, want)
	}
	for tok, w := range want {
		if m.Tokens[tok] != w {
			t.Errorf("token %s = %v, want %v", tok, m.Tokens[tok], w)
		}
	}
	// Unlearning a decision never takes a count below zero.
	if err := s.TrainClassifier(ctx, []string{"cheap"}, -1, -5); err != nil {
		t.Fatal(err)
	}
	m, _ = s.ClassifierCounts(ctx, []string{"cheap"})
	if m.SpamDocs != 0 || m.HamDocs != 1 || m.Tokens["cheap"] != [2]int{0, 0} {
		t.Errorf("after unlearning: %+v", m)
	}
}

func testUsersAndSessions(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	u := &herald.User{Email: "Mod@Example.com", Role: herald.RoleModerator, PasswordHash: "$argon2id$test"}
	if err := s.AddUser(ctx, u); err != nil || u.ID == 0 {
		t.Fatalf("AddUser = %v, id %d", err, u.ID)
	}
	if err := s.AddUser(ctx, &herald.User{Email: "mod@example.com", Role: herald.RoleAdmin, PasswordHash: "x"}); herald.ErrorCode(err) != herald.ECONFLICT {
		t.Errorf("same email again = %v, want ECONFLICT", err)
	}
	if err := s.AddUser(ctx, &herald.User{Email: "a@example.com", Role: "root", PasswordHash: "x"}); herald.ErrorCode(err) != herald.EINVALID {
		t.Errorf("unknown role = %v, want EINVALID", err)
	}
	got, err := s.FindUserByEmail(ctx, "MOD@example.com")
	if err != nil || got.ID != u.ID || got.Role != herald.RoleModerator || got.PasswordHash != u.PasswordHash {
		t.Fatalf("FindUserByEmail = %+v, %v", got, err)
	}
	if _, err := s.FindUserByEmail(ctx, "nobody@example.com"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown user = %v, want ENOTFOUND", err)
	}

	for range herald.MaxFailedSignIns - 1 {
		if err := s.RecordSignIn(ctx, u.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := s.FindUserByEmail(ctx, u.Email); !got.LockedUntil.IsZero() {
		t.Errorf("locked after %d failures, want only after %d", herald.MaxFailedSignIns-1, herald.MaxFailedSignIns)
	}
	if err := s.RecordSignIn(ctx, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindUserByEmail(ctx, u.Email); !got.LockedUntil.After(clock.Now()) {
		t.Errorf("locked until %v after %d failures; want a time in the future", got.LockedUntil, herald.MaxFailedSignIns)
	}
	if err := s.RecordSignIn(ctx, u.ID, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.FindUserByEmail(ctx, u.Email); !got.LockedUntil.IsZero() {
		t.Errorf("still locked until %v after a success", got.LockedUntil)
	}

	sess := &herald.Session{TokenHash: "abc123", User: u, ExpiresAt: clock.Now().Add(time.Hour)}
	if err := s.CreateSession(ctx, sess); err != nil {
		t.Fatal(err)
	}
	found, err := s.FindSession(ctx, "abc123")
	if err != nil || found.User.ID != u.ID || found.User.Role != herald.RoleModerator {
		t.Fatalf("FindSession = %+v, %v", found, err)
	}
	clock.Add(2 * time.Hour)
	if _, err := s.FindSession(ctx, "abc123"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("expired session = %v, want ENOTFOUND", err)
	}
	sess2 := &herald.Session{TokenHash: "def456", User: u, ExpiresAt: clock.Now().Add(time.Hour)}
	if err := s.CreateSession(ctx, sess2); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSession(ctx, "def456"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindSession(ctx, "def456"); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("signed-out session = %v, want ENOTFOUND", err)
	}
	if err := s.DeleteSession(ctx, "def456"); err != nil {
		t.Errorf("ending a session twice = %v, want no error", err)
	}
}

func testSecret(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a, err := s.Secret(ctx, "forms")
	if err != nil || len(a) < 32 {
		t.Fatalf("Secret = %x, %v; want 32 random bytes", a, err)
	}
	b, _ := s.Secret(ctx, "forms")
	c, _ := s.Secret(ctx, "cookies")
	if string(a) != string(b) || string(a) == string(c) {
		t.Errorf("secrets: forms %x then %x, cookies %x; want the same secret by name, different ones by name", a, b, c)
	}
}

func testCommentsClose(t *testing.T, s herald.Store) {
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	if _, err := s.FindCommentsClose(ctx, a.ID); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("no setting yet = %v, want ENOTFOUND", err)
	}
	v0, _ := s.Version(ctx)
	at := epoch.Add(48 * time.Hour)
	if err := s.SetCommentsClose(ctx, a.ID, at); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindCommentsClose(ctx, a.ID); err != nil || !got.Equal(at) {
		t.Errorf("closing = %v, %v; want %v", got, err, at)
	}
	if v, _ := s.Version(ctx); v <= v0 {
		t.Error("closing comments left the version as it was; the page shows the form or not")
	}
	if err := s.SetCommentsClose(ctx, a.ID, time.Time{}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.FindCommentsClose(ctx, a.ID); err != nil || !got.IsZero() {
		t.Errorf("kept open = %v, %v; want the zero time", got, err)
	}
	if err := s.SetCommentsClose(ctx, a.ID+1000, at); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("unknown article = %v, want ENOTFOUND", err)
	}
}

// testCommentNetworks checks the count behind the rate limit per network:
// comments from the network since a time, whoever stored them, and none
// once the authors' data is erased.
func testCommentNetworks(t *testing.T, s herald.Store) {
	clock := fixClock(t, s)
	ctx := context.Background()
	a := NewArticle(1, "Outlet")
	mustAdd(t, s, a)
	const network, other = "198.51.100.0/24", "2001:db8:1::/48"
	add := func(n int, net string) {
		c := NewComment(n, a.ID, fmt.Sprintf("net%d@example.com", n))
		c.AuthorNetwork = net
		mustAddComment(t, s, c)
	}
	start := clock.Now()
	add(1, network)
	clock.Add(30 * time.Second)
	add(2, network)
	add(3, other)
	clock.Add(40 * time.Second)
	count := func(net string, since time.Time) int {
		t.Helper()
		n, err := s.CountNetworkComments(ctx, net, since)
		if err != nil {
			t.Fatalf("CountNetworkComments(%s): %v", net, err)
		}
		return n
	}
	if got := count(network, start); got != 2 {
		t.Errorf("comments from %s since the first = %d; want 2", network, got)
	}
	if got := count(network, clock.Now().Add(-time.Minute)); got != 1 {
		t.Errorf("comments from %s in the last minute = %d; want 1", network, got)
	}
	if got := count(other, start); got != 1 {
		t.Errorf("comments from %s = %d; want 1", other, got)
	}
	if got := count("", start); got != 0 {
		t.Errorf("comments from no network = %d; want 0", got)
	}
	if _, err := s.EraseCommentAuthor(ctx, "net2@example.com"); err != nil {
		t.Fatal(err)
	}
	if got := count(network, start); got != 1 {
		t.Errorf("after erasing one author, comments from %s = %d; want 1", network, got)
	}
}
