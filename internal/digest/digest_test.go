package digest

import (
	"bufio"
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// readFixture reads a file in the import format's fields the digest uses.
func readFixture(t *testing.T, name string) []Doc {
	t.Helper()
	f, err := os.Open("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var docs []Doc
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var l struct{ URL, Title, Text string }
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, Doc{Title: l.Title, Text: l.Text, URL: l.URL})
	}
	return docs
}

func TestSelectStory(t *testing.T) {
	docs := readFixture(t, "harbour-wall.jsonl")
	points := Select(docs, 10, DefaultParams())
	if len(points) < 3 {
		t.Fatalf("got %d points, want at least 3: %+v", len(points), points)
	}
	if !strings.HasPrefix(points[0].Sentence, "Port Ellery council approved") {
		t.Errorf("best point = %q, want the lead that says what happened", points[0].Sentence)
	}
	for _, p := range points {
		for _, bad := range []string{"Council approves harbour wall", `"`, "She added", "Click here", "It is the largest"} {
			if strings.Contains(p.Sentence, bad) {
				t.Errorf("point %q should have been left out (%q)", p.Sentence, bad)
			}
		}
		if p.URL != docs[p.Doc].URL || !strings.Contains(docs[p.Doc].Text, p.Sentence) {
			t.Errorf("point %q is not cited to the article it comes from (%s)", p.Sentence, p.URL)
		}
	}
	for i := range points {
		for j := i + 1; j < len(points); j++ {
			if s := Similarity(points[i].Sentence, points[j].Sentence); s >= RedundantThreshold {
				t.Errorf("points %q and %q say the same thing (similarity %.2f)", points[i].Sentence, points[j].Sentence, s)
			}
		}
		if i > 0 && points[i].Score > points[i-1].Score {
			t.Errorf("points are not best first: %v after %v", points[i].Score, points[i-1].Score)
		}
	}
}

func TestSelectDropsRepeats(t *testing.T) {
	same := "The national flood agency will pay half the cost of the new harbour wall in Port Ellery."
	docs := []Doc{
		{URL: "https://a.example/1", Text: same + "\n\nThe wall protects four hundred homes from winter storms."},
		{URL: "https://b.example/2", Text: "The national flood agency will pay half of the cost of the new Port Ellery harbour wall.\n\nA ferry strike closed the port for two days in February."},
	}
	points := Select(docs, 4, DefaultParams())
	n := 0
	for _, p := range points {
		if strings.Contains(p.Sentence, "flood agency") {
			n++
		}
	}
	if n != 1 {
		t.Errorf("the repeated sentence appears %d times in %+v, want once", n, points)
	}
}

func TestSelectNothingFit(t *testing.T) {
	for _, text := range []string{"", "Short.", `"All of this is a quotation from a man," he said.`, "No full stop at the end of this rather long line of text"} {
		if got := Select([]Doc{{Text: text}}, 3, DefaultParams()); len(got) != 0 {
			t.Errorf("Select(%q) = %+v, want nothing", text, got)
		}
	}
	if got := Select([]Doc{{Text: "The council approved the harbour wall on Tuesday night."}}, 0, DefaultParams()); got != nil {
		t.Errorf("n = 0 gave %+v", got)
	}
}

func TestDependent(t *testing.T) {
	tests := []struct {
		text string
		want bool
	}{
		{"He added that the wall would be finished in 2028.", true},
		{"But the council did not say how.", true},
		{"This means higher taxes.", true},
		{"In addition, the council will borrow money.", true},
		{"however , it has not been working for two years .", true},
		{"the wall was approved on Tuesday.", true}, // lower case in a cased text: a fragment
		{"The council approved the wall.", false},
		{"Heathrow threatened to strip Qantas of its slots.", false},
		{"Theresa May resigned.", false},
	}
	for _, tt := range tests {
		if got := dependent(tt.text); got != tt.want {
			t.Errorf("dependent(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

func TestSimilarity(t *testing.T) {
	tests := []struct {
		a, b     string
		min, max float64
	}{
		{"The council approved the wall.", "The council approved the wall.", 1, 1},
		{"The council approved the harbour wall on Tuesday.", "On Tuesday the harbour wall was approved by the council.", RedundantThreshold, 1},
		{"The council approved the harbour wall.", "A ferry strike closed the port for two days.", 0, 0.1},
		{"", "Anything at all.", 0, 0},
	}
	for _, tt := range tests {
		if got := Similarity(tt.a, tt.b); got < tt.min || got > tt.max {
			t.Errorf("Similarity(%q, %q) = %.3f, want %.2f to %.2f", tt.a, tt.b, got, tt.min, tt.max)
		}
	}
}

func TestLead(t *testing.T) {
	got := Lead(Doc{Text: "One two three. Four five six. Seven."}, 2)
	if len(got) != 2 || got[1] != "Four five six." {
		t.Errorf("Lead = %q", got)
	}
}

func TestTrimDateline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"PORT ELLERY — The council voted.", "The council voted."},
		{"LONDON (Reuters) - Shares fell.", "Shares fell."},
		{"WASHINGTON, D.C. – The Senate met.", "The Senate met."},
		{"(CNN) Two heroes survived.", "Two heroes survived."},
		{"( cnn ) two cnn heroes survived .", "two cnn heroes survived ."},
		{"NATO said on Monday it would meet.", "NATO said on Monday it would meet."},
		{"The council voted - narrowly.", "The council voted - narrowly."},
	}
	for _, tt := range tests {
		if got := trimDateline(tt.in); got != tt.want {
			t.Errorf("trimDateline(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSelect(f *testing.F) {
	f.Add("Title", "The council approved the harbour wall on Tuesday night. He added that it was late. \"We won,\" she said.")
	f.Add("", "( cnn ) two heroes survived . ' it is done . ' the council met on monday to approve the plan .")
	f.Fuzz(func(t *testing.T, title, text string) {
		points := Select([]Doc{{Title: title, Text: text, URL: "u"}}, 3, DefaultParams())
		if len(points) > 3 {
			t.Fatalf("%d points, asked for 3", len(points))
		}
		for _, p := range points {
			if p.Sentence == "" || p.URL != "u" {
				t.Fatalf("bad point %+v", p)
			}
		}
	})
}
