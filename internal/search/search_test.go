package search

import (
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/herald-news/herald"
)

func TestTokens(t *testing.T) {
	tests := []struct {
		name, in string
		want     []string
	}{
		{"Words", "Hello, World!", []string{"hello", "world"}},
		{"Accents", "Café Zürich naïve", []string{"cafe", "zurich", "naive"}},
		{"Punctuation", "covid-19 example.com don't", []string{"covid", "19", "example", "com", "don", "t"}},
		{"Han", "東京都", []string{"東京", "京都"}},
		{"LoneHan", "中 國", []string{"中", "國"}},
		{"Mixed", "iPhone発売日", []string{"iphone", "発売", "売日"}},
		{"Hangul", "한국어 뉴스", []string{"한국", "국어", "뉴스"}},
		{"Katakana", "ニュース", []string{"ニュ", "ュー", "ース"}},
		{"Empty", " -- ", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tokens(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestIndexText(t *testing.T) {
	if got, want := IndexText("Über-Größe: 東京!"), "uber grosse 東京"; got != want && got != "uber große 東京" {
		t.Errorf("IndexText = %q, want %q", got, want)
	}
	long := strings.Repeat("é", MaxIndexBytes) // two bytes each: the cut falls inside none
	if got := IndexText(long); len(got) > MaxIndexBytes {
		t.Errorf("IndexText kept %d bytes, limit %d", len(got), MaxIndexBytes)
	}
}

func TestParse(t *testing.T) {
	p := func(s ...string) herald.Phrase { return herald.Phrase(s) }
	tests := []struct {
		name, in string
		want     herald.Query
	}{
		{"Words", "climate summit", herald.Query{Must: []herald.Clause{{p("climate")}, {p("summit")}}}},
		{"Phrase", `"climate summit" paris`, herald.Query{Must: []herald.Clause{{p("climate", "summit")}, {p("paris")}}}},
		{"Exclude", `rates -bank -"central bank"`, herald.Query{Must: []herald.Clause{{p("rates")}},
			Not: []herald.Phrase{p("bank"), p("central", "bank")}}},
		{"Or", "rain OR snow wind", herald.Query{Must: []herald.Clause{{p("rain"), p("snow")}, {p("wind")}}}},
		{"OrChain", "a OR b OR c", herald.Query{Must: []herald.Clause{{p("a"), p("b"), p("c")}}}},
		{"LowerOrIsAWord", "rain or snow", herald.Query{Must: []herald.Clause{{p("rain")}, {p("or")}, {p("snow")}}}},
		{"LeadingOr", "OR rain", herald.Query{Must: []herald.Clause{{p("rain")}}}},
		{"Hyphenated", "covid-19", herald.Query{Must: []herald.Clause{{p("covid", "19")}}}},
		{"CJK", "東京都", herald.Query{Must: []herald.Clause{{p("東京", "京都")}}}},
		{"UnclosedQuote", `"new york`, herald.Query{Must: []herald.Clause{{p("new", "york")}}}},
		{"Dash", "a - b", herald.Query{Must: []herald.Clause{{p("a")}, {p("b")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Parse(tt.in)
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseRefuses(t *testing.T) {
	tests := []struct{ name, in, message string }{
		{"Empty", "  ", "type a word"},
		{"TooLong", strings.Repeat("word ", 60), "limit is 256"},
		{"OperatorsOnly", `OR - "" ---`, "only operators"},
		{"OnlyExcluded", "-cats -dogs", "only says what to leave out"},
		{"TooManyTerms", strings.Repeat("a ", herald.MaxQueryTerms+1), "more than 16"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(tt.in)
			if herald.ErrorCode(err) != herald.EINVALID || !strings.Contains(herald.ErrorMessage(err), tt.message) {
				t.Errorf("Parse(%q) = %v, want EINVALID containing %q", tt.in, err, tt.message)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{`a "b c" -d OR e`, `"`, `-`, "東京 OR 大阪", "OR OR"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := Parse(s)
		if err != nil {
			return
		}
		if len(q.Must) == 0 {
			t.Fatalf("Parse(%q) gave no clause and no error", s)
		}
		for _, c := range q.Must {
			for _, p := range c {
				for _, tok := range p {
					if tok == "" || strings.ContainsAny(tok, " \"'()*:") {
						t.Fatalf("Parse(%q): token %q is not a bare word", s, tok)
					}
				}
			}
		}
	})
}

func TestSnippet(t *testing.T) {
	q, err := Parse(`"central bank" rates`)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Repeat("filler words here. ", 20) + "The Central Bank raised <b>rates</b> again today." + strings.Repeat(" more filler", 20)
	parts := Snippet(text, q)
	var marked []string
	var all strings.Builder
	for _, p := range parts {
		all.WriteString(p.Text)
		if p.Match {
			marked = append(marked, p.Text)
		}
	}
	if want := []string{"Central", "Bank", "rates"}; !reflect.DeepEqual(marked, want) {
		t.Errorf("marked %q, want %q", marked, want)
	}
	if s := all.String(); !strings.HasPrefix(s, "… ") || !strings.HasSuffix(s, " …") || !strings.Contains(s, "<b>rates</b>") {
		t.Errorf("snippet %q: want ellipses at both ends and the text as it is (escaping is the page's job)", s)
	}

	cjk, _ := Parse("京都")
	var hit string
	for _, p := range Snippet("東京都は晴れ", cjk) {
		if p.Match {
			hit += p.Text
		}
	}
	if hit != "京都" {
		t.Errorf("CJK snippet marked %q, want 京都", hit)
	}
	if got := Snippet("no match at all", q); len(got) != 1 || got[0].Match {
		t.Errorf("snippet without a match = %+v, want the text's start unmarked", got)
	}
}

// TestFoldConcurrently folds accented text on many goroutines at once, as
// the pipeline's workers and the web server do. A shared transformer made
// herald serve panic ("slice bounds out of range" in transform.String);
// under -race this test also reports the race itself.
func TestFoldConcurrently(t *testing.T) {
	const text = "Café Zürich: Ærøskøbing élève ñandú — São Paulo, Kraków"
	want := IndexText(text)
	var wg sync.WaitGroup
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 200 {
				if got := IndexText(text); got != want {
					t.Errorf("IndexText = %q; want %q", got, want)
					return
				}
			}
		}()
	}
	wg.Wait()
	if !strings.Contains(want, "cafe") || !strings.Contains(want, "zurich") {
		t.Errorf("IndexText(%q) = %q; want accents removed", text, want)
	}
}

// BenchmarkSnippet cuts a snippet from a news-length English text, what
// a search does for every hit on its page.
func BenchmarkSnippet(b *testing.B) {
	text := strings.Repeat("The council voted on Tuesday to rebuild the harbour wall, said the mayor. ", 40)
	q, err := Parse("harbour mayor")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		Snippet(text, q)
	}
}
