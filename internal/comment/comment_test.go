package comment

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/herald-news/herald"
)

func TestRender(t *testing.T) {
	for name, tc := range map[string]struct{ in, want string }{
		"Paragraphs":      {"One.\n\nTwo.\r\n\r\nThree", "<p>One.</p>\n<p>Two.</p>\n<p>Three</p>\n"},
		"LineBreak":       {"Line one\nline two", "<p>Line one<br>\nline two</p>\n"},
		"MarkupIsText":    {"<b>bold</b> & <script>x</script>", "<p>&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;</p>\n"},
		"BareLink":        {"See https://a.example/x?y=1&z=2.", `<p>See <a href="https://a.example/x?y=1&amp;z=2" rel="nofollow ugc noopener">https://a.example/x?y=1&amp;z=2</a>.</p>` + "\n"},
		"NoJavaScript":    {"javascript:alert(1)", "<p>javascript:alert(1)</p>\n"},
		"QuoteEndsLink":   {`http://a.example/"onmouseover="x`, `<p><a href="http://a.example/" rel="nofollow ugc noopener">http://a.example/</a>&#34;onmouseover=&#34;x</p>` + "\n"},
		"MarkdownIgnored": {"**bold** [x](http://a.example)", `<p>**bold** [x](<a href="http://a.example" rel="nofollow ugc noopener">http://a.example</a>)</p>` + "\n"},
		"Empty":           {"  \n\n ", ""},
	} {
		t.Run(name, func(t *testing.T) {
			if got := Render(tc.in); got != tc.want {
				t.Errorf("Render(%q) =\n%q\nwant\n%q", tc.in, got, tc.want)
			}
		})
	}
}

func FuzzRender(f *testing.F) {
	f.Add("<script>alert(1)</script> https://a.example/<x>")
	f.Fuzz(func(t *testing.T, s string) {
		out := Render(s)
		stripped := strings.NewReplacer("<p>", "", "</p>", "", "<br>", "", "</a>", "").Replace(out)
		for strings.Contains(stripped, "<a href=\"") {
			i := strings.Index(stripped, "<a href=\"")
			j := strings.Index(stripped[i:], ">")
			stripped = stripped[:i] + stripped[i+j+1:]
		}
		if strings.ContainsAny(stripped, "<>") {
			t.Errorf("Render(%q) = %q holds markup of its own", s, out)
		}
	})
}

func TestSafeWebsite(t *testing.T) {
	for in, want := range map[string]string{
		"https://a.example/":        "https://a.example/",
		"javascript:alert(1)":       "",
		"data:text/html,x":          "",
		"//evil.example":            "",
		"https://user:pw@a.example": "",
		"http://":                   "",
	} {
		if got := SafeWebsite(in); got != want {
			t.Errorf("SafeWebsite(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDecide(t *testing.T) {
	p := Policy{ModerationKeys: []string{"casino", "203.0.113.0/24"}, DisallowedKeys: []string{"viagra", "spam@bad.example"}}
	known := herald.AuthorHistory{Approved: 3}
	for name, tc := range map[string]struct {
		c       herald.Comment
		h       herald.AuthorHistory
		score   float64
		active  bool
		status  herald.CommentStatus
		reasons []string
	}{
		"KnownAuthor":       {herald.Comment{Text: "Good point."}, known, 0, false, herald.CommentApproved, nil},
		"FirstComment":      {herald.Comment{Text: "Good point."}, herald.AuthorHistory{}, 0, false, herald.CommentPending, []string{"first_comment"}},
		"OneLinkIsFine":     {herald.Comment{Text: "See https://a.example/"}, known, 0, false, herald.CommentApproved, nil},
		"TwoLinks":          {herald.Comment{Text: "https://a.example/ https://b.example/"}, known, 0, false, herald.CommentPending, []string{"links"}},
		"KeywordInName":     {herald.Comment{Text: "hi", AuthorName: "Best CASINO"}, known, 0, false, herald.CommentPending, []string{"keyword:casino"}},
		"KeywordNetwork":    {herald.Comment{Text: "hi", AuthorIP: "203.0.113.9"}, known, 0, false, herald.CommentPending, []string{"keyword:203.0.113.0/24"}},
		"DisallowedText":    {herald.Comment{Text: "cheap Viagra"}, known, 0, false, herald.CommentSpam, []string{"disallowed:viagra"}},
		"DisallowedEmail":   {herald.Comment{Text: "hi", AuthorEmail: "spam@bad.example"}, known, 0, false, herald.CommentSpam, []string{"disallowed:spam@bad.example"}},
		"ClassifierWatches": {herald.Comment{Text: "hi"}, known, 0.99, false, herald.CommentApproved, nil},
		"ClassifierActs":    {herald.Comment{Text: "hi"}, known, 0.99, true, herald.CommentPending, []string{"classifier"}},
		"AllReasons":        {herald.Comment{Text: "casino https://a.example/ https://b.example/"}, herald.AuthorHistory{}, 0.95, true, herald.CommentPending, []string{"first_comment", "links", "keyword:casino", "classifier"}},
	} {
		t.Run(name, func(t *testing.T) {
			d := p.Decide(&tc.c, tc.h, tc.score, tc.active)
			if d.Status != tc.status || !slices.Equal(d.Reasons, tc.reasons) {
				t.Errorf("Decide = %s %v, want %s %v", d.Status, d.Reasons, tc.status, tc.reasons)
			}
		})
	}
}

func TestNetwork(t *testing.T) {
	for in, want := range map[string]string{
		"192.0.2.77":        "192.0.2.0/24",
		"2001:db8:1:2:3::4": "2001:db8:1::/48",
		"::ffff:192.0.2.1":  "192.0.2.0/24",
		"not an address":    "not an address",
	} {
		if got := Network(in); got != want {
			t.Errorf("Network(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFormToken(t *testing.T) {
	s := Signer{Key: []byte("k")}
	now := time.Unix(1_800_000_000, 0)
	tok := s.FormToken(7, now)
	for name, tc := range map[string]struct {
		token   string
		article int64
		at      time.Time
		ok      bool
	}{
		"Good":         {tok, 7, now.Add(10 * time.Second), true},
		"TooQuick":     {tok, 7, now.Add(time.Second), false},
		"Expired":      {tok, 7, now.Add(TokenLifetime + time.Second), false},
		"OtherArticle": {tok, 8, now.Add(10 * time.Second), false},
		"Forged":       {strings.Replace(tok, "7-", "8-", 1), 8, now.Add(10 * time.Second), false},
		"OtherKey":     {Signer{Key: []byte("x")}.FormToken(7, now), 7, now.Add(10 * time.Second), false},
		"Garbage":      {"nonsense", 7, now, false},
	} {
		t.Run(name, func(t *testing.T) {
			err := s.CheckFormToken(tc.token, tc.article, tc.at)
			if (err == nil) != tc.ok {
				t.Errorf("CheckFormToken = %v, want ok=%v", err, tc.ok)
			}
			if err != nil && herald.ErrorCode(err) != herald.EINVALID {
				t.Errorf("error code %s, want EINVALID", herald.ErrorCode(err))
			}
		})
	}
}

func TestThread(t *testing.T) {
	c := func(id, parent int64) *herald.Comment { return &herald.Comment{ID: id, ParentID: parent} }
	// 1 ← 2 ← 3 ← 4 ← 5 ← 6 ← 7 (seven deep), 8 on the article, 9 replying to an unseen comment.
	list := []*herald.Comment{c(1, 0), c(2, 1), c(3, 2), c(4, 3), c(5, 4), c(6, 5), c(7, 6), c(8, 0), c(9, 100), c(10, 1)}
	var got []string
	for _, e := range Thread(list) {
		got = append(got, fmt.Sprintf("%d@%d", e.ID, e.Depth))
	}
	want := []string{"1@0", "2@1", "3@2", "4@3", "5@4", "6@5", "7@5", "10@1", "8@0", "9@0"}
	if !slices.Equal(got, want) {
		t.Errorf("Thread = %v, want %v", got, want)
	}
}

func TestClassifier(t *testing.T) {
	m := herald.ClassifierCounts{Tokens: map[string][2]int{}}
	if s := SpamScore(m, []string{"x"}); s != -1 {
		t.Errorf("untrained score = %v, want -1", s)
	}
	train := func(text string, spam bool) {
		for _, tok := range Tokens(&herald.Comment{Text: text}) {
			c := m.Tokens[tok]
			if spam {
				c[1]++
			} else {
				c[0]++
			}
			m.Tokens[tok] = c
		}
		if spam {
			m.SpamDocs++
		} else {
			m.HamDocs++
		}
	}
	for i := range MinTrainingDocs {
		train(fmt.Sprintf("The council vote on the harbour wall was close, said resident %d.", i), false)
		train(fmt.Sprintf("Cheap pills casino bonus click now offer %d https://spam.example/", i), true)
	}
	if !Active(m) {
		t.Fatalf("not active after %d of each", MinTrainingDocs)
	}
	spam := SpamScore(m, Tokens(&herald.Comment{Text: "casino bonus pills, click https://spam.example/ now"}))
	ham := SpamScore(m, Tokens(&herald.Comment{Text: "The harbour wall vote was close."}))
	if spam < SpamThreshold || ham > 0.1 {
		t.Errorf("spam scored %.3f (want ≥ %.2f), ham %.3f (want ≤ 0.1)", spam, SpamThreshold, ham)
	}
	m.SpamDocs = MinTrainingDocs - 1
	if Active(m) {
		t.Error("active with fewer than the minimum spam comments")
	}
}

func TestTraining(t *testing.T) {
	for _, tc := range []struct {
		from, to  herald.CommentStatus
		ham, spam int
	}{
		{herald.CommentPending, herald.CommentApproved, 1, 0},
		{herald.CommentPending, herald.CommentSpam, 0, 1},
		{herald.CommentApproved, herald.CommentSpam, -1, 1},
		{herald.CommentSpam, herald.CommentTrash, 0, -1},
		{herald.CommentPending, herald.CommentTrash, 0, 0},
	} {
		if h, s := Training(tc.from, tc.to); h != tc.ham || s != tc.spam {
			t.Errorf("Training(%s, %s) = %d, %d; want %d, %d", tc.from, tc.to, h, s, tc.ham, tc.spam)
		}
	}
}
