package textdiff

import (
	"strings"
	"testing"
)

// versions rebuilds the old and new texts from a diff's parts.
func versions(parts []Part) (old, new string) {
	var o, n strings.Builder
	for _, p := range parts {
		if p.Op != Insert {
			o.WriteString(p.Text)
		}
		if p.Op != Delete {
			n.WriteString(p.Text)
		}
	}
	return o.String(), n.String()
}

func show(parts []Part) string {
	var b strings.Builder
	for _, p := range parts {
		switch p.Op {
		case Insert:
			b.WriteString("{+" + p.Text + "+}")
		case Delete:
			b.WriteString("[-" + p.Text + "-]")
		case Skip:
			b.WriteString("{skip}")
		default:
			b.WriteString(p.Text)
		}
	}
	return b.String()
}

func TestWords(t *testing.T) {
	for _, tc := range []struct{ old, new, want string }{
		{"same text", "same text", "same text"},
		{"", "new words", "{+new words+}"},
		{"old words", "", "[-old words-]"},
		{"The council approved the wall.", "The council rejected the wall.", "The council [-approved-]{+rejected+} the wall."},
		{"Four people died.", "Five people died in the fire.", "[-Four-]{+Five+} people [-died.-]{+died in the fire.+}"},
		{"A b c.\n\nD e f.", "A b c.\n\nNew paragraph.\n\nD e f.", "A b c.\n\n{+New paragraph.\n\n+}D e f."},
		{"Ünïcödé wörds here", "Ünïcödé wörter here", "Ünïcödé [-wörds-]{+wörter+} here"},
	} {
		parts := Words(tc.old, tc.new)
		if got := show(parts); got != tc.want {
			t.Errorf("Words(%q, %q) = %s, want %s", tc.old, tc.new, got, tc.want)
		}
		if o, n := versions(parts); o != tc.old || n != tc.new {
			t.Errorf("parts of %q → %q rebuild %q → %q", tc.old, tc.new, o, n)
		}
	}
}

// TestRewriteFallsBack rewrites a long text whole: past maxEdits words
// the diff goes by paragraph, and still rebuilds both versions.
func TestRewriteFallsBack(t *testing.T) {
	var old, new strings.Builder
	for i := range 3000 {
		old.WriteString("alpha ")
		new.WriteString("beta ")
		if i%100 == 99 {
			old.WriteString("\n")
			new.WriteString("\n")
		}
	}
	parts := Words(old.String(), new.String())
	if o, n := versions(parts); o != old.String() || n != new.String() {
		t.Fatal("the fallback does not rebuild the versions")
	}
	if ins, del := Stats(parts); ins != 3000 || del != 3000 {
		t.Errorf("Stats = %d inserted, %d deleted; want 3000 each", ins, del)
	}
}

func TestStats(t *testing.T) {
	ins, del := Stats(Words("one two three four", "one 2 three four five"))
	if ins != 2 || del != 1 {
		t.Errorf("Stats = %d, %d; want 2 inserted, 1 deleted", ins, del)
	}
}

func FuzzWords(f *testing.F) {
	f.Add("The council approved the wall.", "The council rejected the wall on Monday.")
	f.Add("a\n\nb", "b\n\na")
	f.Add("", " ")
	f.Fuzz(func(t *testing.T, old, new string) {
		if len(old)+len(new) > 1<<16 {
			return
		}
		parts := Words(old, new)
		if o, n := versions(parts); o != old || n != new {
			t.Fatalf("parts rebuild %q → %q, want %q → %q", o, n, old, new)
		}
		for i, p := range parts {
			if p.Text == "" || i > 0 && parts[i-1].Op == p.Op {
				t.Fatalf("parts not merged: %v", parts)
			}
		}
	})
}

func BenchmarkWordsSmallEdit(b *testing.B) {
	text := strings.Repeat("The harbour council met again on Monday evening to debate the wall. ", 200)
	edited := strings.Replace(text, "Monday", "Tuesday", 3)
	for b.Loop() {
		Words(text, edited)
	}
}

func TestContext(t *testing.T) {
	long := strings.Repeat("word ", 100)
	parts := Words(long+"old end.", long+"new end.")
	got := show(Context(parts, 5))
	if want := "[…]word word word word word [-old-]{+new+} end."; strings.ReplaceAll(got, "{skip}", "[…]") != want {
		t.Errorf("Context = %q, want %q", got, want)
	}
	mid := Context(Words("a b c d e f g h i j k l m n o p q r s t", "a b c d e f g h i j X l m n o p q r s t"), 2)
	if got := show(mid); got != "{skip}i j [-k-]{+X+} l m{skip}" {
		t.Errorf("Context in the middle = %q", got)
	}
	if short := Context(Words("a b c", "a X c"), 5); show(short) != "a [-b-]{+X+} c" {
		t.Errorf("Context of a short text = %q", show(short))
	}
}
