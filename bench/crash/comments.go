package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// serve starts herald serve on the store, taking comments from anyone
// as fast as they come (the trials post from many addresses, through a
// trusted X-Real-IP), and returns it with its address.
func (t *trials) serve(ctx context.Context) (*proc, string, error) {
	p, err := start(t.bin, filepath.Dir(t.file.path), "serve", "--db", t.st.dsn, "--addr", "127.0.0.1:0",
		"--follow=false", "--comment-rate", "1000000", "--real-ip-header", "X-Real-IP",
		"--comments-close-days", "0", "--comment-approve-first")
	if err != nil {
		return nil, "", err
	}
	select {
	case line := <-p.first:
		u, err := url.Parse(strings.TrimSpace(line))
		if err != nil || u.Host == "" {
			p.kill()
			return nil, "", fmt.Errorf("%s printed %q, not its address", p, line)
		}
		return p, strings.TrimSuffix(u.String(), "/"), nil
	case <-p.done:
		if err := p.result(); err != nil {
			return nil, "", fmt.Errorf("exited before printing its address: %w", err)
		}
		return nil, "", fmt.Errorf("%s exited before printing its address\n%s", p, p.out)
	case <-ctx.Done():
		p.kill()
		return nil, "", ctx.Err()
	}
}

// postState is what became of a post, as its sender knows it.
type postState int

const (
	lost     postState = iota // no answer: the server was killed with it in flight
	unsent                    // its connection was refused: the server was gone
	accepted                  // answered with the redirect to the new comment
	already                   // sent again after a loss, and refused as already posted
	refused                   // answered with anything else
)

// post is one comment sent through the form.
type post struct {
	n       int // unique over a store's trials: its text, email and address say it
	article target
	parent  int64
	name    string
	email   string
	text    string
	ip      string

	state  postState
	id     int64  // the comment's id, when accepted
	answer string // the answer that refused it
	resent bool   // sent again after its first answer was lost
}

// target is an article the trials comment on.
type target struct {
	id   int64
	slug string
}

// commenters is the state of the comment trials on one store.
type commenters struct {
	t       *trials
	targets []target
	tokens  map[string]token // by slug: the form token to use

	mu    sync.Mutex // mu guards posts and roots
	posts []*post
	roots map[int64][]int64 // accepted top-level comments by article, for replies
}

// token is a form token and when it was read: the form refuses one
// younger than three seconds (comment.MinFillTime).
type token struct {
	value string
	at    time.Time
}

// minFill is how long a token is kept before it is used: the form's three
// seconds, and a margin.
const minFill = 3*time.Second + 200*time.Millisecond

// commentTargets is how many articles the comment trials post on.
const commentTargets = 8

func (t *trials) comments(ctx context.Context) error {
	c := &commenters{t: t, tokens: map[string]token{}, roots: map[int64][]int64{}}
	if err := c.pickTargets(ctx); err != nil {
		return err
	}
	for i := 1; i <= t.cfg.commentTrials; i++ {
		r := &row{store: t.st.kind, phase: "comments", trial: strconv.Itoa(i),
			delay: between(t.rng, 200*time.Millisecond, t.cfg.commentKill)}
		if err := c.trial(ctx, r, i); err != nil {
			return err
		}
		t.logf("%s comments %d: killed after %s: %d → %d comments, %d broken", t.st.kind, i, r.delay.Round(time.Millisecond), r.before, r.after, len(r.broken))
		t.rep.add(r)
	}
	r := &row{store: t.st.kind, phase: "comments", trial: "end"}
	if err := c.trial(ctx, r, 0); err != nil {
		return err
	}
	t.logf("%s comments at the end: %d → %d comments, %d broken", t.st.kind, r.before, r.after, len(r.broken))
	t.rep.add(r)
	return nil
}

// pickTargets chooses the articles to comment on, among the shown ones.
func (c *commenters) pickTargets(ctx context.Context) error {
	db, err := c.t.st.open()
	if err != nil {
		return err
	}
	defer db.Close()
	rows, err := db.QueryContext(ctx, `SELECT id, slug FROM articles WHERE duplicate_of IS NULL ORDER BY id`)
	if err != nil {
		return err
	}
	var all []target
	for rows.Next() {
		var a target
		if err := rows.Scan(&a.id, &a.slug); err != nil {
			rows.Close()
			return err
		}
		all = append(all, a)
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}
	if len(all) == 0 {
		return errors.New("no article to comment on")
	}
	for _, i := range c.t.rng.Perm(len(all))[:min(commentTargets, len(all))] {
		c.targets = append(c.targets, all[i])
	}
	return nil
}

// trial starts the server, sends again the posts lost in the last kill,
// then posts until it kills the server after r.delay, and checks the
// store. Trial 0 is the last: the server is stopped with SIGTERM once the
// lost posts are sent again, and nothing new is posted.
func (c *commenters) trial(ctx context.Context, r *row, n int) error {
	var err error
	if r.before, err = c.storedCount(ctx); err != nil {
		return err
	}
	srv, base, err := c.t.serve(ctx)
	if err != nil {
		return err
	}
	defer srv.kill()
	client := &http.Client{
		Timeout:       60 * time.Second,
		Transport:     &http.Transport{MaxIdleConnsPerHost: 64},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	defer client.CloseIdleConnections()

	if err := c.readTokens(ctx, client, base); err != nil {
		return err
	}
	resent, stored := c.resend(ctx, client, base)
	if resent > 0 {
		r.note("%d posts sent again: %d were stored already", resent, stored)
	}

	if n == 0 {
		if err := srv.stop(); err != nil {
			r.fail("herald serve did not stop cleanly: %v", err)
		}
	} else {
		sent := len(c.posts)
		stop := make(chan struct{})
		var wg sync.WaitGroup
		for w := range c.t.cfg.posters {
			wg.Add(1)
			rng := rand.New(rand.NewPCG(uint64(c.t.cfg.seed), uint64(n)<<8|uint64(w)))
			go func() {
				defer wg.Done()
				c.postUntil(ctx, stop, client, base, rng)
			}()
		}
		select {
		case <-time.After(r.delay):
		case <-ctx.Done():
		}
		// Killed before the posters are told to stop, so that the posts
		// in flight are cut off, not answered while they stop.
		r.killed = srv.kill()
		close(stop)
		wg.Wait()
		if !r.killed {
			r.fail("herald serve exited by itself: %v", srv.result())
		}
		var acc, lostN, gone, ref int
		for _, p := range c.posts[sent:] {
			switch p.state {
			case accepted:
				acc++
			case lost:
				lostN++
			case unsent:
				gone++
			default:
				ref++
			}
		}
		r.note("%d posts accepted, %d lost in the kill, %d refused, %d found the server gone", acc, lostN, ref, gone)
	}
	return c.check(ctx, r)
}

func (c *commenters) storedCount(ctx context.Context) (int, error) {
	db, err := c.t.st.open()
	if err != nil {
		return 0, err
	}
	defer db.Close()
	return count(ctx, db, `SELECT count(*) FROM comments`)
}

var tokenRE = regexp.MustCompile(`name="token" value="([^"]+)"`)

// readTokens reads each article's page, as a reader opening it, and keeps
// its form token. A token lasts twelve hours and holds across restarts
// (it is signed with the store's secret), so the first one read for an
// article is kept; only the first trial waits for tokens to age.
func (c *commenters) readTokens(ctx context.Context, client *http.Client, base string) error {
	var youngest time.Time
	for _, a := range c.targets {
		req, err := http.NewRequestWithContext(ctx, "GET", base+"/articles/"+a.slug, nil)
		if err != nil {
			return err
		}
		resp, err := client.Do(req)
		if err != nil {
			return err
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		m := tokenRE.FindSubmatch(body)
		if resp.StatusCode != http.StatusOK || m == nil {
			return fmt.Errorf("GET /articles/%s: HTTP %d, no comment form", a.slug, resp.StatusCode)
		}
		if _, ok := c.tokens[a.slug]; !ok {
			c.tokens[a.slug] = token{value: html.UnescapeString(string(m[1])), at: time.Now()}
		}
		if at := c.tokens[a.slug].at; at.After(youngest) {
			youngest = at
		}
	}
	select {
	case <-time.After(time.Until(youngest.Add(minFill))):
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// resend sends again, one at a time, every post whose answer was lost
// or that found the server gone, and returns how many it sent and how
// many of those were refused as already posted.
func (c *commenters) resend(ctx context.Context, client *http.Client, base string) (sent, stored int) {
	for _, p := range c.posts {
		if p.state != lost && p.state != unsent {
			continue
		}
		p.resent = true
		c.send(ctx, client, base, p)
		sent++
		if p.state == already {
			stored++
		}
	}
	return sent, stored
}

// postUntil posts new comments until stop is closed, or until a post
// finds the server gone.
func (c *commenters) postUntil(ctx context.Context, stop <-chan struct{}, client *http.Client, base string, rng *rand.Rand) {
	for {
		select {
		case <-stop:
			return
		case <-ctx.Done():
			return
		default:
		}
		if s := c.send(ctx, client, base, c.newPost(rng)); s == lost || s == unsent {
			return
		}
	}
}

// newPost makes the next post: its own author, address and text, on a
// random article, and a reply to an accepted comment one time in four.
func (c *commenters) newPost(rng *rand.Rand) *post {
	a := c.targets[rng.IntN(len(c.targets))]
	c.mu.Lock()
	defer c.mu.Unlock()
	n := len(c.posts) + 1
	p := &post{n: n, article: a,
		name:  fmt.Sprintf("Reader %d", n),
		email: fmt.Sprintf("reader-%d@crash.example", n),
		ip:    fmt.Sprintf("198.%d.%d.%d", 18+(n>>16)&1, (n>>8)&255, n&255), // RFC 2544's benchmark network
		text:  fmt.Sprintf("Comment %d of the crash trials: %s.", n, words(rng, 8+rng.IntN(40))),
	}
	if roots := c.roots[a.id]; len(roots) > 0 && rng.IntN(4) == 0 {
		p.parent = roots[rng.IntN(len(roots))]
	}
	c.posts = append(c.posts, p)
	return p
}

var vocabulary = strings.Fields(`the council harbour wall storm vote budget school road river
	bridge mayor report police market rain flood winter summer station train museum
	library park hospital doctor teacher fire crew ferry island festival court`)

func words(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = vocabulary[rng.IntN(len(vocabulary))]
	}
	return strings.Join(w, " ")
}

// commentRE reads the new comment's id from the redirect's Location.
var commentRE = regexp.MustCompile(`#comment-(\d+)$`)

// send posts p through the form, records what came back and returns it.
func (c *commenters) send(ctx context.Context, client *http.Client, base string, p *post) postState {
	form := url.Values{
		"comment":  {p.text},
		"author":   {p.name},
		"email":    {p.email},
		"url":      {""},
		"homepage": {""}, // the honeypot, left empty as people leave it
		"token":    {c.tokens[p.article.slug].value},
		"parent":   {strconv.FormatInt(p.parent, 10)},
	}
	req, err := http.NewRequestWithContext(ctx, "POST", base+"/articles/"+p.article.slug+"/comments", strings.NewReader(form.Encode()))
	if err != nil {
		return c.settle(p, refused, 0, err.Error())
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Real-IP", p.ip)
	req.Header.Set("User-Agent", "herald-crash-trials")
	resp, err := client.Do(req)
	if errors.Is(err, syscall.ECONNREFUSED) {
		return c.settle(p, unsent, 0, "")
	}
	if err != nil {
		return c.settle(p, lost, 0, "")
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return c.settle(p, lost, 0, "")
	}
	if resp.StatusCode == http.StatusSeeOther {
		m := commentRE.FindStringSubmatch(resp.Header.Get("Location"))
		if m == nil {
			return c.settle(p, refused, 0, "redirected to "+resp.Header.Get("Location"))
		}
		id, _ := strconv.ParseInt(m[1], 10, 64) // the pattern admits digits only
		return c.settle(p, accepted, id, "")
	}
	if p.resent && resp.StatusCode == http.StatusConflict && strings.Contains(string(body), "already posted") {
		return c.settle(p, already, 0, "")
	}
	return c.settle(p, refused, 0, fmt.Sprintf("HTTP %d %s", resp.StatusCode, formMessage(body)))
}

func (c *commenters) settle(p *post, s postState, id int64, answer string) postState {
	c.mu.Lock()
	defer c.mu.Unlock()
	p.state, p.id, p.answer = s, id, answer
	if s == accepted && p.parent == 0 {
		c.roots[p.article.id] = append(c.roots[p.article.id], id)
	}
	return s
}

var formErrorRE = regexp.MustCompile(`class="form-error"[^>]*>([^<]*)<`)

// formMessage is the message a refused form shows, for the report.
func formMessage(body []byte) string {
	if m := formErrorRE.FindSubmatch(body); m != nil {
		return strconv.Quote(html.UnescapeString(string(m[1])))
	}
	return ""
}

// stored is a comment row as the checks read it.
type stored struct {
	id, article, parent int64
	name, email, text   string
	status              string
}

// check runs the store's checks, then compares the comments stored with
// the posts sent: each accepted once under its id, as sent; none twice,
// none refused, none nobody sent.
func (c *commenters) check(ctx context.Context, r *row) error {
	db, err := c.t.st.open()
	if err != nil {
		return err
	}
	defer db.Close()
	broken, err := checkStore(ctx, c.t.st, db)
	if err != nil {
		return err
	}
	r.broken = append(r.broken, broken...)

	rows, err := db.QueryContext(ctx, `SELECT id, article_id, coalesce(parent_id, 0), author_name, author_email, text, status FROM comments`)
	if err != nil {
		return err
	}
	byEmail := map[string][]stored{}
	for rows.Next() {
		var s stored
		if err := rows.Scan(&s.id, &s.article, &s.parent, &s.name, &s.email, &s.text, &s.status); err != nil {
			rows.Close()
			return err
		}
		byEmail[s.email] = append(byEmail[s.email], s)
		r.after++
	}
	if err := errors.Join(rows.Err(), rows.Close()); err != nil {
		return err
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	sent := map[string]*post{}
	for _, p := range c.posts {
		sent[p.email] = p
	}
	for email, list := range byEmail {
		p := sent[email]
		if p == nil {
			r.fail("comment %d (%s) is stored, but no trial sent it", list[0].id, email)
			continue
		}
		if len(list) > 1 {
			r.fail("post %d is stored %d times", p.n, len(list))
		}
		for _, s := range list {
			if s.article != p.article.id || s.parent != p.parent || s.name != p.name || s.text != p.text {
				r.fail("comment %d is stored other than post %d was sent: article %d, parent %d, name %q, text %q",
					s.id, p.n, s.article, s.parent, s.name, s.text)
			}
			if s.status != "approved" && s.status != "pending" {
				r.fail("comment %d is stored as %s", s.id, s.status)
			}
		}
	}
	lostStored, lostN := 0, 0
	refusals := map[string]int{}
	for _, p := range c.posts {
		list := byEmail[p.email]
		switch p.state {
		case accepted:
			if len(list) == 0 {
				r.fail("post %d was accepted as comment %d but is not stored", p.n, p.id)
			} else if list[0].id != p.id {
				r.fail("post %d was accepted as comment %d but is stored as %d", p.n, p.id, list[0].id)
			}
		case already:
			if len(list) == 0 {
				r.fail("post %d was refused as already posted, but is not stored", p.n)
			}
		case refused:
			refusals[p.answer]++
			if len(list) > 0 {
				r.fail("post %d was refused (%s) but is stored as comment %d", p.n, p.answer, list[0].id)
			}
		case lost:
			lostN++
			if len(list) > 0 {
				lostStored++
			}
		case unsent:
			if len(list) > 0 {
				r.fail("post %d found no server to connect to, but is stored as comment %d", p.n, list[0].id)
			}
		}
	}
	if lostN > 0 {
		r.note("of the %d lost, %d stored", lostN, lostStored)
	}
	for answer, n := range refusals {
		r.note("%d refused so far: %s", n, answer)
	}
	if r.after < r.before {
		r.fail("comments went from %d to %d", r.before, r.after)
	}
	return nil
}
