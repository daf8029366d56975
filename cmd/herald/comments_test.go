package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/auth"
	"github.com/herald-news/herald/internal/sqlite"
	"github.com/herald-news/herald/internal/storetest"
)

func TestUserAdd(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	out, stderr, err := runHerald(t, "a long enough password\n", "user", "add", "Mod@Site.example", "--role", "moderator", "--db", db)
	if err != nil || !strings.Contains(out, "added mod@site.example (moderator)") {
		t.Fatalf("user add: %v\n%s%s", err, out, stderr)
	}
	store, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	u, err := store.FindUserByEmail(context.Background(), "mod@site.example")
	if err != nil || !auth.CheckPassword(u.PasswordHash, "a long enough password") || u.Role != herald.RoleModerator {
		t.Errorf("stored user %+v, %v", u, err)
	}
	for name, args := range map[string][]string{
		"BadRole":  {"user", "add", "x@site.example", "--role", "root", "--db", db},
		"Taken":    {"user", "add", "mod@site.example", "--db", db},
		"NotEmail": {"user", "add", "nobody", "--db", db},
	} {
		if _, _, err := runHerald(t, "a long enough password\n", args...); err == nil {
			t.Errorf("%s: user add succeeded", name)
		}
	}
	if _, _, err := runHerald(t, "short\n", "user", "add", "y@site.example", "--db", db); err == nil || !strings.Contains(message(err), "at least") {
		t.Errorf("short password: %v", err)
	}
}

func TestCommentsExportAndErase(t *testing.T) {
	db := filepath.Join(t.TempDir(), "herald.db")
	ctx := context.Background()
	store, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	a := storetest.NewArticle(1, "Outlet")
	if _, err := store.AddArticle(ctx, a); err != nil {
		t.Fatal(err)
	}
	c := storetest.NewComment(1, a.ID, "Person@Example.com")
	if err := store.AddComment(ctx, c); err != nil {
		t.Fatal(err)
	}
	store.Close()

	out, stderr, err := runHerald(t, "", "comments", "export", "--email", "person@example.COM", "--db", db)
	if err != nil {
		t.Fatalf("export: %v\n%s", err, stderr)
	}
	var export struct {
		Email    string `json:"email"`
		Comments []struct {
			Text, Email, IP string
		} `json:"comments"`
	}
	if err := json.Unmarshal([]byte(out), &export); err != nil || len(export.Comments) != 1 ||
		export.Comments[0].Text != c.Text || export.Comments[0].IP != c.AuthorIP || export.Comments[0].Email != "person@example.com" {
		t.Fatalf("export = %s (%v)", out, err)
	}
	out, _, err = runHerald(t, "", "comments", "erase", "--email", "person@example.com", "--db", db)
	if err != nil || !strings.Contains(out, "erased the personal data of 1 comment(s)") {
		t.Fatalf("erase: %v %s", err, out)
	}
	out, _, _ = runHerald(t, "", "comments", "export", "--email", "person@example.com", "--db", db)
	if strings.Contains(out, c.Text) || !strings.Contains(out, `"comments": []`) {
		t.Errorf("export after erase still finds data: %s", out)
	}

	out, _, err = runHerald(t, "", "comments", "close", a.Slug, "--at", "2030-01-02T03:04:05Z", "--db", db)
	if err != nil || !strings.Contains(out, "close at 2030-01-02T03:04:05Z") {
		t.Errorf("close: %v %s", err, out)
	}
	if _, _, err := runHerald(t, "", "comments", "close", "no-such-article", "--db", db); herald.ErrorCode(err) != herald.ENOTFOUND {
		t.Errorf("close an unknown article: %v", err)
	}
	if out, _, err = runHerald(t, "", "comments", "open", a.Slug, "--db", db); err != nil || !strings.Contains(out, "stay open") {
		t.Errorf("open: %v %s", err, out)
	}
}
