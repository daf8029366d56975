package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/herald-news/herald"
	"github.com/herald-news/herald/internal/web"
)

const commentsUsage = `Usage:
  herald comments export --email ADDR [--db …]   print, as JSON, everything stored about that person
  herald comments erase  --email ADDR [--db …]   remove their personal data; their comments read "Deleted"
  herald comments close SLUG [--at TIME] [--db …] close an article's comments now, or at an RFC 3339 time
  herald comments open SLUG [--db …]             keep an article's comments open for good
`

func runComments(ctx context.Context, args []string, e env) error {
	if len(args) > 0 && (args[0] == "close" || args[0] == "open") {
		return runCommentsClose(ctx, args[0], args[1:], e)
	}
	if len(args) == 0 || (args[0] != "export" && args[0] != "erase") {
		fmt.Fprint(e.stderr, commentsUsage)
		return errUsage
	}
	c := newCommand("comments "+args[0], commentsUsage)
	email := c.String("email", "", "the person's email address")
	if err := c.parse(args[1:], e, 0); err != nil {
		return err
	}
	if *email == "" {
		return c.fail()
	}
	return c.run(ctx, func(store herald.Store) error {
		if args[0] == "erase" {
			n, err := store.EraseCommentAuthor(ctx, *email)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "erased the personal data of %d comment(s) by %s\n", n, herald.NormalizeEmail(*email))
			return nil
		}
		return exportComments(ctx, store, *email, e)
	})
}

// runCommentsClose sets one article's own closing time.
func runCommentsClose(ctx context.Context, verb string, args []string, e env) error {
	c := newCommand("comments "+verb, commentsUsage)
	at := c.String("at", "", "when to close, in RFC 3339 (default: now)")
	if err := c.parse(moveFlagsFirst(args), e, 1); err != nil {
		return err
	}
	if verb == "open" && *at != "" {
		return c.fail()
	}
	when := time.Now()
	if verb == "open" {
		when = time.Time{}
	} else if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return herald.Errorf(herald.EINVALID, "--at %q is not an RFC 3339 time such as 2026-04-01T12:00:00Z", *at)
		}
		when = t
	}
	return c.run(ctx, func(store herald.Store) error {
		a, err := store.FindArticleBySlug(ctx, c.Arg(0))
		if err != nil {
			return err
		}
		if err := store.SetCommentsClose(ctx, a.ID, when); err != nil {
			return err
		}
		if when.IsZero() {
			fmt.Fprintf(e.stdout, "comments on %s stay open\n", a.Slug)
		} else {
			fmt.Fprintf(e.stdout, "comments on %s close at %s\n", a.Slug, when.UTC().Format(time.RFC3339))
		}
		return nil
	})
}

// exportedComment is one comment in an export: everything Herald keeps
// about it, the private fields included, since they are the person's own.
type exportedComment struct {
	ID        int64     `json:"id"`
	Article   string    `json:"article"`
	ArticleID int64     `json:"article_id"`
	ParentID  int64     `json:"parent_id,omitempty"`
	Name      string    `json:"name"`
	Email     string    `json:"email"`
	Website   string    `json:"website,omitempty"`
	IP        string    `json:"ip"`
	UserAgent string    `json:"user_agent"`
	Text      string    `json:"text"`
	Status    string    `json:"status"`
	Reasons   []string  `json:"reasons,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func exportComments(ctx context.Context, store herald.Store, email string, e env) error {
	list, _, err := store.FindComments(ctx, herald.CommentFilter{Email: email})
	if err != nil {
		return err
	}
	out := struct {
		Email    string            `json:"email"`
		Comments []exportedComment `json:"comments"`
	}{Email: herald.NormalizeEmail(email), Comments: []exportedComment{}}
	for _, c := range list {
		out.Comments = append(out.Comments, exportedComment{ID: c.ID, Article: "/articles/" + c.ArticleSlug,
			ArticleID: c.ArticleID, ParentID: c.ParentID, Name: c.AuthorName, Email: c.AuthorEmail, Website: c.AuthorURL,
			IP: c.AuthorIP, UserAgent: c.UserAgent, Text: c.Text, Status: string(c.Status), Reasons: c.Reasons,
			CreatedAt: c.CreatedAt})
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// commentFlags are serve's settings for readers' comments.
type commentFlags struct {
	closeDays     *int
	closeBySource map[string]time.Duration
	moderation    *string
	disallowed    *string
	approveFirst  *bool
	perMinute     *int
	realIP        *string
}

func addCommentFlags(fs *flag.FlagSet) *commentFlags {
	f := &commentFlags{closeBySource: map[string]time.Duration{}}
	f.closeDays = fs.Int("comments-close-days", 14, "close an article's comments this many days after it was published; 0 keeps them open")
	fs.Func("comments-close-source", "SLUG=DAYS: close the comments of one source's articles after DAYS (0 keeps them open); repeatable",
		func(v string) error {
			slug, days, ok := strings.Cut(v, "=")
			n, err := strconv.Atoi(days)
			if !ok || slug == "" || err != nil || n < 0 {
				return fmt.Errorf("want SLUG=DAYS, such as harbour-gazette=7")
			}
			d := time.Duration(n) * 24 * time.Hour
			if n == 0 {
				d = -1
			}
			f.closeBySource[slug] = d
			return nil
		})
	f.moderation = fs.String("comment-moderation-keys", "", "a file of words, addresses or networks (one a line) that hold a comment for moderation")
	f.disallowed = fs.String("comment-disallowed-keys", "", "a file of words, emails, addresses or networks (one a line) that send a comment to spam")
	f.approveFirst = fs.Bool("comment-approve-first", false, "approve first comments from new authors instead of holding them")
	f.realIP = fs.String("real-ip-header", "", "behind a reverse proxy: the header it sets to the reader's address (X-Real-IP or X-Forwarded-For)")
	f.perMinute = fs.Int("comment-rate", 2, "comments a minute allowed from one network (/24 or /48) before answering 429")
	return f
}

func (f *commentFlags) config() (web.CommentConfig, error) {
	cfg := web.CommentConfig{CloseAfter: time.Duration(*f.closeDays) * 24 * time.Hour, CloseAfterBySource: f.closeBySource,
		PerMinute: *f.perMinute, RealIPHeader: *f.realIP}
	cfg.Policy.ApproveFirst = *f.approveFirst
	if *f.closeDays < 0 || *f.perMinute < 1 {
		return cfg, herald.Errorf(herald.EINVALID, "--comments-close-days must be 0 or more and --comment-rate 1 or more")
	}
	var err error
	if cfg.Policy.ModerationKeys, err = readKeys(*f.moderation); err != nil {
		return cfg, err
	}
	if cfg.Policy.DisallowedKeys, err = readKeys(*f.disallowed); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// readKeys reads one key a line, skipping blank lines and # notes.
func readKeys(path string) ([]string, error) {
	if path == "" {
		return nil, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, herald.Errorf(herald.EINVALID, "cannot read %s: %v", path, err)
	}
	var keys []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			keys = append(keys, line)
		}
	}
	return keys, nil
}
